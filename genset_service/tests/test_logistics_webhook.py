"""The carriers' webhook (signed batches, replays, out-of-order events, refusals that write nothing) and
the customer's view of shipments (only their own; only an arrival of their own genset to record)."""

import json
import time

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe
from frappe.utils import add_days, getdate

from genset_service.api import logistics_v1 as api
from genset_service.genset_service.doctype.genset_carrier_account.test_genset_carrier_account import (
	make_account,
)
from genset_service.genset_service.doctype.genset_shipment.test_genset_shipment import (
	CUSTOMER,
	ship,
)
from genset_service.logistics import journey
from genset_service.logistics import model as M
from genset_service.logistics.common import MILESTONE, SHIPMENT
from genset_service.scheduling.common import UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_portal_user,
	make_sales_order,
	make_shipping_addresses,
)

test_ignore = TEST_IGNORE
SECRET = "s3cret-of-the-carrier"
OTHER = "_Test Shipment Other Customer"


def post(account, payload, secret=SECRET, timestamp=None, signature=None):
	"""The webhook as the carrier calls it: a raw JSON body and its signature headers."""
	body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
	stamp = str(int(timestamp if timestamp is not None else time.time()))
	headers = {
		M.TIMESTAMP_HEADER: stamp,
		M.SIGNATURE_HEADER: signature if signature is not None else M.signature(secret, stamp, body),
	}
	# the account in the URL, as the carrier calls it (Frappe passes a JSON request's body keys only)
	environ = EnvironBuilder(
		method="POST",
		path="/api/method/genset_service.api.logistics_v1.carrier_events",
		query_string={"account": account},
		data=body,
		headers=headers,
		content_type="application/json",
	).get_environ()
	previous = getattr(frappe.local, "request", None)
	frappe.local.request = Request(environ)
	try:
		return api.carrier_events()
	finally:
		frappe.local.request = previous


def event(event_id, status, when, number="MSKU1234567", **extra):
	return {"id": event_id, "tracking_number": number, "status": status, "time": when, **extra}


class TestCarrierWebhook(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.account = make_account().name
		make_customer(CUSTOMER)
		make_shipping_addresses(CUSTOMER)
		item = make_genset_item("_Test Genset 800 kVA")
		order = make_sales_order([{"item_code": item, "qty": 2}], customer=CUSTOMER)
		self.planned = add_days(self.today, 30)
		self.made = ship(
			[make_delivery_note(order.name)],
			self.planned,
			carrier_account=self.account,
			tracking_number="MSKU 1234567",
		)
		self.day = str(self.today)

	def count(self):
		return frappe.db.count(MILESTONE, {"shipment": self.made.shipment})

	def test_a_batch_is_recorded_event_by_event(self):
		eta = str(add_days(self.planned, 5))
		answer = post(
			self.account,
			{
				"events": [
					event("e1", "InTransit", f"{self.day}T02:00:00Z", location="Shanghai"),
					event("e2", "CustomsHold", f"{self.day}T09:00:00+00:00", eta=eta, reason="inspection"),
					event("e1", "InTransit", f"{self.day}T02:00:00Z"),  # the same id again
					event("e3", "Teleported", f"{self.day}T10:00:00Z"),
					event("e4", "Delivered", f"{self.day}T10:00:00Z", number="NOPE-1"),
					event("e5", "InTransit", "yesterday"),
					event("e6", "InfoReceived", f"{self.day}T01:00:00Z"),
					["not", "an", "object"],
				]
			},
		)
		results = [(r["id"], r["result"], r.get("reason")) for r in answer["results"]]
		self.assertEqual(
			results,
			[
				("e1", "recorded", None),
				("e2", "recorded", None),
				("e1", "replay", None),
				("e3", "refused", "unknown_status"),
				("e4", "refused", "unknown_tracking_number"),
				("e5", "refused", "bad_time"),
				("e6", "acknowledged", None),
				(None, "refused", "not_an_object"),
			],
		)
		self.assertEqual(self.count(), 2)
		shipment = frappe.get_doc(SHIPMENT, self.made.shipment)
		self.assertEqual((shipment.status, getdate(shipment.eta)), (M.Status.HELD, getdate(eta)))
		# the carrier is answered at once; the gensets follow in the background re-plan
		self.assertTrue(frappe.db.get_value(SHIPMENT, shipment.name, "replan_marked"))
		self.assertEqual(journey.replan_marked(commit=False), 1)
		units = frappe.get_all(
			UNIT, filters={"name": ("in", self.made.units)}, fields=["eta_date", "expected_arrival_date"]
		)
		self.assertEqual(
			{(getdate(u.eta_date), getdate(u.expected_arrival_date)) for u in units},
			{(getdate(eta), getdate(eta))},
		)
		self.assertFalse(frappe.db.get_value(SHIPMENT, shipment.name, "replan_marked"))
		sources = frappe.get_all(MILESTONE, filters={"shipment": shipment.name}, pluck="source")
		self.assertEqual(set(sources), {M.Source.CARRIER})

		# the whole batch sent again (a carrier's retry): every event a replay, nothing doubled
		again = post(
			self.account,
			{
				"events": [
					event("e1", "InTransit", f"{self.day}T02:00:00Z"),
					event("e2", "CustomsHold", f"{self.day}T09:00:00Z"),
				]
			},
		)
		self.assertEqual([r["result"] for r in again["results"]], ["replay", "replay"])
		# the same move under another id (another sender) is one event too
		twin = post(self.account, {"events": [event("x9", "CustomsHold", f"{self.day}T09:00:00Z")]})
		self.assertEqual(twin["results"][0]["result"], "replay")
		self.assertEqual(self.count(), 2)

	def test_a_delivery_by_the_carrier_records_the_arrival_in_the_background(self):
		answer = post(self.account, {"events": [event("d1", "Delivered", f"{self.day}T07:00:00Z")]})
		self.assertEqual(answer["results"][0]["result"], "recorded")
		self.assertEqual(frappe.db.get_value(SHIPMENT, self.made.shipment, "status"), M.Status.DELIVERED)
		# the carrier's answer did not wait for the gensets: the background re-plan records them
		self.assertFalse(frappe.db.get_value(UNIT, self.made.units[0], "arrival_date"))
		journey.replan_marked(commit=False)
		units = frappe.get_all(
			UNIT, filters={"name": ("in", self.made.units)}, fields=["arrival_date", "status"]
		)
		self.assertEqual({(getdate(u.arrival_date), u.status) for u in units}, {(self.today, "Arrived")})
		tracking = frappe.get_all(
			"Genset Service Task",
			filters={"unit": ("in", self.made.units), "service_type": "Logistics Tracking"},
			pluck="status",
		)
		self.assertEqual(set(tracking), {"Done"})

	def test_a_late_event_sorts_by_its_own_time(self):
		post(
			self.account,
			{"events": [event("a", "CustomsCleared", f"{self.day}T12:00:00Z", eta=str(self.planned))]},
		)
		# an older event arrives after: it goes before in the log and changes neither status nor ETA
		post(
			self.account,
			{
				"events": [
					event("b", "CustomsHold", f"{self.day}T06:00:00Z", eta=str(add_days(self.planned, 9)))
				]
			},
		)
		shipment = frappe.get_doc(SHIPMENT, self.made.shipment)
		self.assertEqual(shipment.status, M.Status.IN_TRANSIT)
		self.assertEqual(shipment.last_event, M.CUSTOMS_CLEARED)
		self.assertEqual(getdate(shipment.eta), self.planned)
		timeline = api.get_shipment(shipment=shipment.name)["milestones"]
		self.assertEqual([row.milestone for row in timeline], [M.CUSTOMS_HELD, M.CUSTOMS_CLEARED])

	def test_a_missing_bad_or_stale_signature_is_a_401_and_writes_nothing(self):
		batch = {"events": [event("s1", "InTransit", f"{self.day}T02:00:00Z")]}
		for kwargs in (
			{"signature": ""},
			{"secret": "not-the-secret"},
			{"timestamp": time.time() - 301},
		):
			with self.assertRaises(frappe.AuthenticationError) as raised:
				post(self.account, batch, **kwargs)
			self.assertEqual(raised.exception.http_status_code, 401)
		with self.assertRaises(frappe.AuthenticationError):
			post("No Such Carrier", batch)
		frappe.db.set_value("Genset Carrier Account", self.account, "enabled", 0)
		with self.assertRaises(frappe.AuthenticationError):
			post(self.account, batch)
		self.assertEqual(self.count(), 0)

	def test_a_malformed_batch_is_a_417(self):
		for body in (b"not json", b'{"events": "many"}', json.dumps({"events": [{}] * 501}).encode()):
			with self.assertRaises(frappe.ValidationError):
				post(self.account, body)
		self.assertEqual(self.count(), 0)


class TestCustomerSeesOwnShipments(GensetTestCase):
	def setUp(self):
		super().setUp()
		item = make_genset_item("_Test Genset 800 kVA")
		self.made = {}
		for customer in (CUSTOMER, OTHER):
			make_customer(customer)
			make_shipping_addresses(customer)
			order = make_sales_order([{"item_code": item, "qty": 1}], customer=customer)
			self.made[customer] = ship([make_delivery_note(order.name)], add_days(self.today, 20))
		self.user = make_portal_user("shipment-portal@example.com", CUSTOMER)
		self.mine, self.theirs = self.made[CUSTOMER], self.made[OTHER]

	def test_the_portal_user_reads_only_their_shipments(self):
		frappe.set_user(self.user)
		self.assertEqual(frappe.get_list(SHIPMENT, pluck="name"), [self.mine.shipment])
		self.assertEqual(api.get_shipment(shipment=self.mine.shipment)["customer"], CUSTOMER)
		with self.assertRaises(frappe.PermissionError):
			api.get_shipment(shipment=self.theirs.shipment)
		with self.assertRaises(frappe.PermissionError):
			api.get_unit_journey(unit=self.theirs.units[0])
		journey = api.get_unit_journey(unit=self.mine.units[0])
		self.assertEqual(journey["shipment"]["name"], self.mine.shipment)

	def test_the_portal_user_records_only_the_arrival_of_their_own_genset(self):
		frappe.set_user(self.user)
		with self.assertRaises(frappe.PermissionError):
			api.record_milestone(shipment=self.mine.shipment, milestone=M.DEPARTED)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": MILESTONE,
					"shipment": self.mine.shipment,
					"milestone": M.DELIVERED,
					"event_time": frappe.utils.now_datetime(),
				}
			).insert()
		with self.assertRaises(frappe.PermissionError):
			api.confirm_arrival(unit=self.theirs.units[0])
		result = api.confirm_arrival(unit=self.mine.units[0])
		self.assertEqual(result["result"], "recorded")
		frappe.set_user("Administrator")
		row = frappe.get_all(
			MILESTONE, filters={"shipment": self.mine.shipment}, fields=["source", "unit", "milestone"]
		)
		self.assertEqual(
			[(r.source, r.unit, r.milestone) for r in row],
			[(M.Source.PORTAL, self.mine.units[0], M.DELIVERED)],
		)
		self.assertEqual(frappe.db.get_value(UNIT, self.mine.units[0], "status"), "Arrived")
		self.assertEqual(frappe.db.count(MILESTONE, {"shipment": self.theirs.shipment}), 0)
