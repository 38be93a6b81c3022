"""The nearest engineers on a real site, with frozen time: each engineer is measured from where his
morning left him (the genset of the visit he last began, done or not), not from home; a visit still
to come keeps its time, and the new one goes after it when it fits no gap before; the request's own
task, already scheduled, does not count as booked."""

import datetime

import frappe
from frappe.utils import get_datetime

from genset_service.dispatch import board, travel
from genset_service.planning import TaskStatus
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_engineer,
	make_pinned_address,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE
TASK, REQUEST, ENGINEER = "Genset Service Task", "Genset Service Request", "Genset Engineer"
MONDAY = datetime.date(2026, 12, 7)
KM_PER_DEGREE, SPEED = 111.2, 50.0
EMERGENCY = (53.80, -1.55)


def at(hours: int, minutes: int = 0) -> datetime.datetime:
	return datetime.datetime.combine(MONDAY, datetime.time(hours, minutes))


def north_of(pin, km):
	return (round(pin[0] + km / KM_PER_DEGREE, 6), pin[1])


def south_of(pin, km):
	return (round(pin[0] - km / KM_PER_DEGREE, 6), pin[1])


def east_of(pin, km):
	return (pin[0], round(pin[1] + km / 65.6, 6))


class DispatchRegion(GensetTestCase):
	"""Gensets pinned around a failed one and engineers with pinned homes; only what a test makes is
	open, and only its engineers are enabled (all rolled back)."""

	sites: tuple = ()
	customer = "_Test Genset Customer"

	def setUp(self):
		super().setUp()
		self.muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
		self.country = frappe.db.get_value(
			"Company", frappe.db.get_value("Genset Unit", {}, "company"), "country"
		)
		self.units = self.deliver(self.sites, make_customer(self.customer))
		frappe.db.set_value(ENGINEER, {"enabled": 1}, "enabled", 0)
		task = frappe.qb.DocType(TASK)
		frappe.qb.update(task).set(task.status, "Cancelled").where(task.status.isin(TaskStatus.OPEN)).run()
		settings = frappe.get_single("Genset Service Settings")
		settings.routing_engine, settings.average_speed_kmh = "Straight Line", SPEED
		settings.save()

	def tearDown(self):
		frappe.flags.mute_emails = self.muted
		super().tearDown()

	def deliver(self, pins, customer) -> list[str]:
		order = make_sales_order([{"item_code": self.genset, "qty": len(pins)}], customer=customer)
		note = make_delivery_note(order.name)
		units = frappe.get_all(
			"Genset Unit", filters={"delivery_note": note.name}, pluck="name", order_by="unit_index asc"
		)
		frappe.db.set_value(TASK, {"unit": ("in", units)}, "status", "Cancelled")
		for unit, pin in zip(units, pins, strict=True):
			address = self.address(f"Site {unit}", pin) if pin else None
			frappe.db.set_value("Genset Unit", unit, "site_address", address)
		return units

	def address(self, title, pin):
		return make_pinned_address(title, pin, self.country)

	def engineer(self, key, home, skills, **fields):
		home_base = self.address(f"Home {key}", home)
		return make_engineer(
			f"gs-nearest-{key}@example.com", f"Engineer {key.title()}", home_base, skills, **fields
		)

	def visit(self, unit, engineer, start, end, status=TaskStatus.PLANNED, service_type="Regular Inspection"):
		"""A visit of today, given to the engineer, scheduled from ``start`` to ``end``."""
		doc = frappe.get_doc(
			{
				"doctype": TASK,
				"service_type": service_type,
				"unit": self.units[unit],
				"due_from": MONDAY,
				"due_to": MONDAY,
				"responsible_role": "After-sales Engineer",
			}
		).insert()
		board.reassign(TASK, doc.name, engineer.user, MONDAY)
		frappe.db.set_value(
			TASK, doc.name, {"scheduled_start": start, "scheduled_end": end, "status": status}
		)
		return doc.name


class TestNearestFromWhereTheDayLeftThem(DispatchRegion):
	# the failed genset; a morning's first site 60 km north, its last 25 km north
	sites = (EMERGENCY, north_of(EMERGENCY, 60), north_of(EMERGENCY, 25))

	def setUp(self):
		super().setUp()
		skills = ["Field Maintenance", "Regular Inspection"]
		self.ann = self.engineer("ann", south_of(EMERGENCY, 130), skills)  # lives 130 km away
		self.bob = self.engineer("bob", east_of(EMERGENCY, 118), skills)  # lives 118 km away, free
		with self.freeze_time(at(7)):
			self.request = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Field Maintenance",
					"unit": self.units[0],
					"description": "Will not start",
				}
			).insert()
		frappe.db.set_value(TASK, self.request.task, {"assigned_to": None, "_assign": None})
		# Ann's morning: a visit done, then one scheduled to 13:45, over by now but not yet marked done
		self.visit(1, self.ann, at(8, 30), at(10, 30), status=TaskStatus.DONE)
		self.visit(2, self.ann, at(11, 30), at(13, 45))

	def nearest(self, now):
		with self.freeze_time(now):
			found = board.nearest(self.request.name)
		return [
			(c["engineer"], get_datetime(c["arrival"]), c["visits_left_today"], c["visits_before"])
			for c in found["candidates"]
		], found

	def test_the_engineer_whose_morning_ended_near_the_genset_comes_first(self):
		now = at(13, 59)
		ranked, found = self.nearest(now)
		from_last = datetime.timedelta(seconds=travel.seconds(self.sites[2], EMERGENCY, SPEED))
		self.assertEqual([r[0] for r in ranked], [self.ann.name, self.bob.name])
		self.assertEqual(ranked[0][1:], (now + from_last, 0, 0))
		self.assertEqual(ranked[0][1].replace(second=0), at(14, 29))
		self.assertAlmostEqual(found["candidates"][0]["km"], 25, delta=0.5)
		self.assertGreater(ranked[1][1], at(16))
		self.assertAlmostEqual(found["candidates"][1]["km"], 118, delta=1.5)
		# in the middle of the last visit: free at its end, at its genset
		ranked, _found = self.nearest(at(13))
		self.assertEqual(ranked[0][:2], (self.ann.name, at(13, 45) + from_last))

	def test_a_visit_still_to_come_is_kept_and_the_request_s_own_task_is_not_a_booking(self):
		# Ann must still be at the first genset from 14:15 to 15:00: four hours on site fit no gap
		# before it, so she comes after it, from there (60 km, 72 minutes); still before Bob
		self.visit(1, self.ann, at(14, 15), at(15), service_type="Maintenance")
		# the request's own task, already given to Bob for the afternoon, does not hold him up
		frappe.db.set_value(
			TASK,
			self.request.task,
			{"assigned_to": self.bob.user, "scheduled_start": at(14), "scheduled_end": at(18)},
		)
		now = at(13, 59)
		ranked, found = self.nearest(now)
		from_first = datetime.timedelta(seconds=travel.seconds(self.sites[1], EMERGENCY, SPEED))
		self.assertEqual([r[0] for r in ranked], [self.ann.name, self.bob.name])
		self.assertEqual(ranked[0][1:], (at(15) + from_first, 1, 1))
		self.assertAlmostEqual(found["candidates"][0]["km"], 60, delta=0.5)
		# one click: the task goes to Ann at that arrival
		with self.freeze_time(now):
			board.assign_nearest(self.request.name, self.ann.name)
		self.assertEqual(
			get_datetime(frappe.db.get_value(TASK, self.request.task, "scheduled_start")),
			at(15) + from_first,
		)
