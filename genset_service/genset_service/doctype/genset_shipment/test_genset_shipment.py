# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

"""A sea shipment of 3 gensets from two Delivery Notes: made with ERPNext's Shipment as its header, a
delay at customs that moves the arrival, the installation and the training (the warranty's real start
waits for commissioning), the people told, and the arrival recorded by the delivery milestone."""

import datetime

import frappe
from frappe.utils import add_days, getdate, now_datetime

from genset_service.api import logistics_v1 as api
from genset_service.logistics import model as M
from genset_service.logistics.common import HEADER, MILESTONE, SHIPMENT
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_outgoing_email_account,
	make_portal_user,
	make_sales_order,
	make_shipping_addresses,
	make_user,
)

test_ignore = TEST_IGNORE
CUSTOMER = "_Test Shipment Customer"
MOVING = ("Arrival Acceptance", "Installation and Commissioning", "Operation Training")


def ship(notes, planned_eta, **fields):
	return api.make_shipment(
		delivery_notes=frappe.as_json([note.name for note in notes]),
		mode=fields.pop("mode", "Sea"),
		origin=fields.pop("origin", "Shanghai"),
		destination=fields.pop("destination", "Mombasa"),
		planned_eta=str(planned_eta),
		**fields,
	)


def due(units, service):
	return {
		row.unit: (getdate(row.due_from), row.status)
		for row in frappe.get_all(
			TASK,
			filters={"unit": ("in", units), "service_type": service, "status": ("!=", TaskStatus.CANCELLED)},
			fields=["unit", "due_from", "status"],
		)
	}


def at(day, hour=10):
	return datetime.datetime.combine(day, datetime.time(hour))


class TestGensetShipment(GensetTestCase):
	def setUp(self):
		super().setUp()
		make_outgoing_email_account()
		make_customer(CUSTOMER)
		make_shipping_addresses(CUSTOMER)
		self.portal_user = make_portal_user("shipment-customer@example.com", CUSTOMER)
		self.item = make_genset_item("_Test Genset 800 kVA")
		order = make_sales_order([{"item_code": self.item, "qty": 3}], customer=CUSTOMER)
		self.notes = [
			make_delivery_note(order.name, qty={self.item: 2}),
			make_delivery_note(order.name, qty={self.item: 1}),
		]
		self.planned = add_days(self.today, 25)
		self.made = ship(self.notes, self.planned, tracking_number="mscu 7654321", bill_of_lading="BL-1")
		self.shipment = self.made.shipment
		self.units = self.made.units

	def record(self, milestone, when, **fields):
		return api.record_milestone(
			shipment=self.shipment, milestone=milestone, time=when.isoformat(), **fields
		)

	def emails(self):
		return frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": SHIPMENT, "reference_name": self.shipment},
			pluck="name",
		)

	def test_made_from_two_notes_with_erpnexts_shipment_as_header(self):
		doc = frappe.get_doc(SHIPMENT, self.shipment)
		self.assertEqual(len(self.units), 3)
		self.assertEqual(doc.customer, CUSTOMER)
		self.assertEqual(doc.lane, "Shanghai -> Mombasa (Sea)")
		self.assertEqual(doc.tracking_number, "MSCU7654321")
		self.assertEqual((doc.status, getdate(doc.eta)), (M.Status.BOOKED, self.planned))
		header = frappe.get_doc(HEADER, doc.shipment)
		self.assertEqual(header.awb_number, "mscu 7654321")
		self.assertEqual(
			sorted(row.delivery_note for row in header.shipment_delivery_note),
			sorted(note.name for note in self.notes),
		)
		# every genset knows its shipment, and its plan already expects the planned arrival
		units = frappe.get_all(
			UNIT,
			filters={"name": ("in", self.units)},
			fields=["shipment", "eta_date", "expected_arrival_date"],
		)
		self.assertEqual({u.shipment for u in units}, {self.shipment})
		self.assertEqual({getdate(u.expected_arrival_date) for u in units}, {self.planned})
		# the notes are all on it now: a second shipment of them has nothing to carry
		with self.assertRaises(frappe.ValidationError):
			ship(self.notes, self.planned)
		# a genset travels on one live shipment at a time (a database key, not only a check)
		other = frappe.get_doc(
			{
				"doctype": SHIPMENT,
				"mode": "Road",
				"origin": "A",
				"destination": "B",
				"planned_eta": self.planned,
				"units": [{"unit": self.units[0]}],
			}
		)
		with self.assertRaises(frappe.UniqueValidationError):
			other.insert()

	def test_a_customs_delay_moves_arrival_installation_and_training_and_tells_people(self):
		engineer = make_user("shipment-engineer@example.com", ["Technical Engineer"])
		acceptance = frappe.get_all(
			TASK, filters={"unit": self.units[0], "service_type": "Arrival Acceptance"}, pluck="name"
		)[0]
		frappe.db.set_value(TASK, acceptance, "assigned_to", engineer)
		# one genset's training was already given (done tasks never move)
		training = frappe.get_all(
			TASK, filters={"unit": self.units[2], "service_type": "Operation Training"}, pluck="name"
		)[0]
		frappe.db.set_value(TASK, training, {"status": TaskStatus.DONE, "completed_on": self.today})
		before = {service: due(self.units, service) for service in MOVING}
		warranty_before = frappe.db.get_value(UNIT, self.units[0], ["warranty_basis", "commissioning_date"])

		departed = self.record(M.DEPARTED, at(self.today, 8), place="Shanghai")
		self.assertEqual(departed["result"], "recorded")
		held = self.record(
			M.CUSTOMS_HELD,
			at(self.today, 12),
			place="Mombasa",
			eta=str(add_days(self.planned, 6)),
			reason="missing certificate of origin",
		)
		self.assertEqual(held["shipment"]["status"], M.Status.HELD)
		self.assertEqual(getdate(held["shipment"]["eta"]), add_days(self.planned, 6))
		self.assertEqual(held["shipment"]["days_late"], 6)

		for service in MOVING:
			after = due(self.units, service)
			for unit in self.units:
				old_day, old_status = before[service][unit]
				new_day, _status = after[unit]
				if old_status == TaskStatus.DONE:
					self.assertEqual(new_day, old_day, (service, unit))
				else:
					self.assertEqual(new_day, add_days(old_day, 6), (service, unit))
		# the warranty's real start waits for commissioning: still an expectation
		self.assertEqual(
			frappe.db.get_value(UNIT, self.units[0], ["warranty_basis", "commissioning_date"]),
			warranty_before,
		)
		self.assertNotEqual(warranty_before[0], "Commissioning")
		# the customer: the departure, the hold and the new ETA (6 days > the 2-day threshold)
		queued = frappe.get_all(
			"Email Queue",
			filters={"name": ("in", self.emails())},
			fields=["message"],
		)
		self.assertEqual(len(queued), 3)
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": ("in", self.emails())}, pluck="recipient"
		)
		self.assertEqual(set(recipients), {self.portal_user})
		# the engineer whose arrival visit moved
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": engineer, "document_type": TASK, "document_name": acceptance}
			)
		)
		# ERPNext's header follows in its own four words
		self.assertEqual(
			frappe.db.get_value(
				HEADER, frappe.db.get_value(SHIPMENT, self.shipment, "shipment"), "tracking_status"
			),
			"In Progress",
		)
		# a small further move (1 day) is not emailed; a repeat of the hold is a replay
		self.record(M.CUSTOMS_CLEARED, at(self.today, 15), eta=str(add_days(self.planned, 7)))
		self.assertEqual(len(self.emails()), 3)
		again = self.record(M.CUSTOMS_HELD, at(self.today, 12), place="Mombasa")
		self.assertEqual(again["result"], "replay")
		self.assertEqual(frappe.db.count(MILESTONE, {"shipment": self.shipment}), 3)

	def test_the_delivery_records_the_arrival_and_closes_the_tracking(self):
		self.record(M.DEPARTED, at(self.today, 8))
		arrived = add_days(self.today, 1)
		self.assertGreater(self.planned, arrived)
		result = self.record(M.DELIVERED, at(self.today, 16), place="Site")
		self.assertEqual(result["shipment"]["status"], M.Status.DELIVERED)
		units = frappe.get_all(
			UNIT,
			filters={"name": ("in", self.units)},
			fields=["arrival_date", "status", "expected_arrival_date"],
		)
		self.assertEqual({(getdate(u.arrival_date), u.status) for u in units}, {(self.today, "Arrived")})
		tracking = due(self.units, "Logistics Tracking")
		self.assertEqual({status for _day, status in tracking.values()}, {TaskStatus.DONE})
		self.assertEqual(
			frappe.db.count(
				"ToDo",
				{
					"reference_type": TASK,
					"reference_name": ("in", list(self._tasks("Logistics Tracking"))),
					"status": "Open",
				},
			),
			0,
		)
		# the installation now hangs on the real arrival (1-3 days after it)
		installation = due(self.units, "Installation and Commissioning")
		self.assertEqual({day for day, _s in installation.values()}, {add_days(self.today, 1)})
		header = frappe.db.get_value(SHIPMENT, self.shipment, "shipment")
		self.assertEqual(frappe.db.get_value(HEADER, header, "tracking_status"), "Delivered")
		# the genset may ship again later (its live key is free); commissioning starts the warranty
		self.assertFalse(frappe.db.exists("Genset Shipment Unit", {"live_unit": self.units[0]}))
		unit = frappe.get_doc(UNIT, self.units[0])
		unit.commissioning_date = add_days(self.today, 2)
		unit.save()
		self.assertEqual(
			frappe.db.get_value(UNIT, unit.name, ["warranty_basis", "warranty_start_date"]),
			("Commissioning", add_days(self.today, 2)),
		)

	def _tasks(self, service):
		return frappe.get_all(
			TASK, filters={"unit": ("in", self.units), "service_type": service}, pluck="name"
		)

	def test_a_cancelled_shipment_gives_its_gensets_back_their_usual_transit(self):
		self.record(M.DEPARTED, at(self.today, 8), eta=str(add_days(self.planned, 10)))
		api.cancel_shipment(shipment=self.shipment, reason="booked twice")
		doc = frappe.get_doc(SHIPMENT, self.shipment)
		self.assertEqual((doc.status, doc.tracking_key), (M.Status.CANCELLED, None))
		units = frappe.get_all(
			UNIT,
			filters={"name": ("in", self.units)},
			fields=["shipment", "eta_date", "expected_arrival_date", "delivery_date"],
		)
		transit = frappe.db.get_single_value("Genset Service Settings", "transit_days") or 0
		for unit in units:
			self.assertEqual((unit.shipment, unit.eta_date), (None, None))
			self.assertEqual(getdate(unit.expected_arrival_date), add_days(unit.delivery_date, transit))
		# its milestones stay as history; a new one is refused
		self.assertEqual(frappe.db.count(MILESTONE, {"shipment": self.shipment}), 1)
		with self.assertRaises(frappe.ValidationError):
			self.record(M.DELIVERED, at(self.today, 9))
		# and the gensets can travel on a new one
		again = ship(self.notes, self.planned)
		self.assertEqual(sorted(again.units), sorted(self.units))

	def test_what_measures_lateness_is_not_rewritten(self):
		staff = make_user("shipment-logistics@example.com", ["Logistics Specialist"])
		frappe.set_user(staff)
		doc = frappe.get_doc(SHIPMENT, self.shipment)
		doc.planned_eta = add_days(self.planned, 30)
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		doc.reload()
		doc.status = M.Status.DELIVERED
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		doc.reload()
		doc.bill_of_lading = "BL-2"
		doc.save()
		self.record(M.DEPARTED, at(self.today, 8))
		milestone = frappe.get_doc(MILESTONE, {"shipment": self.shipment})
		milestone.event_time = now_datetime()
		with self.assertRaises((frappe.PermissionError, frappe.ValidationError)):
			milestone.save()
		# an engineer reads shipments and records none
		frappe.set_user(make_user("shipment-reader@example.com", ["Technical Engineer"]))
		self.assertTrue(frappe.has_permission(SHIPMENT, "read"))
		with self.assertRaises(frappe.PermissionError):
			self.record(M.ARRIVED_AT_PORT, at(self.today, 9))

	def test_silent_and_late_shipments_are_told_to_the_logistics_specialists(self):
		from genset_service.logistics.notify import watch_shipments

		specialist = self.team["Logistics Specialist"]
		self.record(M.DEPARTED, at(add_days(self.today, -9), 8), eta=str(add_days(self.today, -1)))
		result = watch_shipments()
		self.assertGreaterEqual(result["silent"], 1)
		self.assertGreaterEqual(result["late"], 1)
		logs = frappe.get_all(
			"Notification Log",
			filters={"for_user": specialist, "document_type": SHIPMENT, "document_name": self.shipment},
			pluck="subject",
		)
		self.assertEqual(len(logs), 2)
		# once a day
		watch_shipments()
		self.assertEqual(
			frappe.db.count(
				"Notification Log",
				{"for_user": specialist, "document_type": SHIPMENT, "document_name": self.shipment},
			),
			2,
		)
