"""Clocks that cannot be forged: only the request's own engineer (or a dispatcher for him, recorded as
such) checks in; a phone's clock is corrected by what it read when it sent, and the corrected time must
lie between the request's opening and the receipt; a manager corrects a clock time only with a reason,
kept in the request's history; and the manager's reports read the same after a round of forgeries."""

import datetime
import json
import zoneinfo

import frappe
import frappe.client
from frappe.utils import add_to_date, get_datetime, get_system_timezone, getdate, now_datetime

from genset_service.access.guard import as_app
from genset_service.api import v1
from genset_service.genset_service.report.first_time_fix_and_repeat_visits import (
	first_time_fix_and_repeat_visits as ftf,
)
from genset_service.genset_service.report.sla_compliance import sla_compliance
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivered_unit,
	make_portal_user,
	make_user,
)

test_ignore = TEST_IGNORE
REQUEST, TASK, ENGINEER, ACTION = (
	"Genset Service Request",
	"Genset Service Task",
	"Genset Engineer",
	"Genset Field Action",
)
HOUR = datetime.timedelta(hours=1)


def engineer(email: str) -> str:
	user = make_user(email, ["After-sales Engineer"])
	if not frappe.db.exists(ENGINEER, {"user": user}):
		with as_app():
			frappe.get_doc(
				{"doctype": ENGINEER, "user": user, "skills": [{"service_type": "Field Maintenance"}]}
			).insert()
	return user


def aware(naive: datetime.datetime, offset: datetime.timedelta = datetime.timedelta(0)) -> str:
	"""A site time as the phone writes it (ISO with an offset), its clock off by ``offset``."""
	zone = zoneinfo.ZoneInfo(get_system_timezone())
	return (naive.replace(tzinfo=zone) + offset).isoformat()


class TestClockForgery(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset, commissioned=getdate() - datetime.timedelta(days=30))
		self.mine = engineer("gs-clock-mine@example.com")
		self.other = engineer("gs-clock-other@example.com")
		self.manager = make_user("gs-clock-dispatcher@example.com", ["Service Manager"])

	def request(self, opened_hours_ago: float = 3) -> frappe._dict:
		with self.freeze_time(add_to_date(now_datetime(), hours=-opened_hours_ago)):
			name = v1.open_service_request(self.unit.name, "Field Maintenance", "<p>Trips on load</p>")[
				"name"
			]
		doc = frappe.get_doc(REQUEST, name)
		frappe.db.set_value(TASK, doc.task, "assigned_to", self.mine)
		return doc

	def send(self, user, payload, at, sent_at=None, action_id=None):
		frappe.set_user(user)
		try:
			raw = {
				"id": action_id or frappe.generate_hash(length=16),
				"kind": "check_in",
				"at": at,
				"payload": payload,
			}
			if sent_at:
				raw["sent_at"] = sent_at
			return v1.field_send(json.dumps(raw))
		finally:
			frappe.set_user("Administrator")

	# ------------------------------------------------------------------ who checks in
	def test_only_the_engineer_the_request_is_assigned_to_checks_in(self):
		request = self.request()
		frappe.set_user(self.other)
		with self.assertRaisesRegex(frappe.PermissionError, "only its engineer checks in"):
			v1.check_in(request.name)
		frappe.set_user(self.mine)
		v1.check_in(request.name)
		frappe.set_user("Administrator")
		doc = frappe.get_doc(REQUEST, request.name)
		self.assertTrue(doc.on_site_on)
		self.assertEqual(
			(doc.checked_in_by, doc.checked_in_for, doc.on_site_source), (self.mine, None, "Desk")
		)

	def test_a_dispatcher_checks_in_for_the_engineer_and_is_recorded_as_such(self):
		request = self.request()
		frappe.set_user(self.other)
		with self.assertRaisesRegex(frappe.PermissionError, "Only a dispatcher"):
			v1.check_in(request.name, engineer=self.mine)
		frappe.set_user(self.manager)
		with self.assertRaisesRegex(frappe.PermissionError, "only its engineer"):
			v1.check_in(request.name, engineer=self.other)  # not the request's engineer either
		v1.check_in(request.name, engineer=self.mine)
		frappe.set_user("Administrator")
		doc = frappe.get_doc(REQUEST, request.name)
		self.assertEqual((doc.checked_in_by, doc.checked_in_for), (self.manager, self.mine))

	# ------------------------------------------------------------------ the phone's clock
	def test_a_phone_arrival_before_the_request_was_opened_is_refused(self):
		request = self.request(opened_hours_ago=1)
		before = frappe.db.count(ACTION)
		with self.assertRaisesRegex(frappe.ValidationError, "cannot be"):
			self.send(self.mine, {"request": request.name}, aware(now_datetime() - 3 * HOUR))
		self.assertEqual(frappe.db.count(ACTION), before)
		self.assertFalse(frappe.db.get_value(REQUEST, request.name, "on_site_on"))

	def test_a_phone_two_hours_fast_or_slow_files_the_arrival_at_the_right_time(self):
		for off in (2 * HOUR, -2 * HOUR):
			request = self.request()
			arrived = (now_datetime() - HOUR).replace(microsecond=0)
			answer = self.send(
				self.mine, {"request": request.name}, aware(arrived, off), sent_at=aware(now_datetime(), off)
			)
			self.assertEqual(answer["status"], "Done", off)
			doc = frappe.get_doc(REQUEST, request.name)
			self.assertLess(abs((get_datetime(doc.on_site_on) - arrived).total_seconds()), 5, off)
			self.assertEqual(doc.on_site_source, "Phone")
			self.assertLess(abs(doc.on_site_correction + off.total_seconds()), 5, off)
			self.assertLess(abs((get_datetime(doc.on_site_phone_time) - (arrived + off)).total_seconds()), 1)
			log = frappe.get_doc(ACTION, {"action_id": answer["id"]})
			self.assertLess(abs(log.clock_correction + off.total_seconds()), 5)
			self.assertTrue(log.phone_sent_at and log.act_time)
		# without its sending time a fast phone's arrival is in the future: refused
		request = self.request()
		with self.assertRaisesRegex(frappe.ValidationError, "future"):
			self.send(self.mine, {"request": request.name}, aware(now_datetime(), 2 * HOUR))

	def test_a_correction_over_a_day_is_refused(self):
		request = self.request()
		with self.assertRaisesRegex(frappe.ValidationError, "too far off"):
			self.send(
				self.mine,
				{"request": request.name},
				aware(now_datetime() - 31 * HOUR),
				sent_at=aware(now_datetime() - 30 * HOUR),
			)

	# ------------------------------------------------------------------ a manager's correction
	def test_a_manager_corrects_a_clock_time_only_with_a_reason_kept_in_the_history(self):
		request = self.request()
		at = str((now_datetime() - HOUR).replace(microsecond=0))
		frappe.set_user(self.manager)
		with self.assertRaisesRegex(frappe.ValidationError, "needs its reason"):
			frappe.client.set_value(REQUEST, request.name, "on_site_on", at)
		frappe.client.set_value(
			REQUEST,
			request.name,
			{"on_site_on": at, "clock_correction_reason": "Engineer's phone was broken"},
		)
		frappe.set_user(self.mine)
		with self.assertRaises(frappe.PermissionError):
			v1.correct_clock(request.name, "on_site", at, "I was there earlier")
		with self.assertRaises(frappe.PermissionError):
			frappe.client.set_value(
				REQUEST, request.name, {"on_site_on": at, "clock_correction_reason": "me"}
			)
		frappe.set_user(self.manager)
		earlier = str((now_datetime() - 2 * HOUR).replace(microsecond=0))
		v1.correct_clock(request.name, "on_site", earlier, "Gate log says 2 hours ago")
		frappe.set_user("Administrator")
		doc = frappe.get_doc(REQUEST, request.name)
		self.assertEqual(get_datetime(doc.on_site_on), get_datetime(earlier))
		self.assertIn("Gate log says 2 hours ago", doc.clock_correction_reason)
		# the correction's own Version holds both the time and its reason (kept even under test, where
		# Frappe skips versions unless asked)
		(version,) = frappe.get_all(
			"Version",
			filters={"ref_doctype": REQUEST, "docname": request.name},
			pluck="data",
			order_by="creation desc",
			limit=1,
		)
		fields = {change[0] for change in json.loads(version).get("changed", [])}
		self.assertTrue({"on_site_on", "clock_correction_reason"} <= fields, fields)
		with self.assertRaisesRegex(frappe.ValidationError, "future"):
			frappe.set_user(self.manager)
			v1.correct_clock(request.name, "restored", str(now_datetime() + HOUR), "typo")

	# ------------------------------------------------------------------ the reports hold
	def test_the_managers_reports_read_the_same_after_a_round_of_forgeries(self):
		request = self.request(opened_hours_ago=5)
		frappe.set_user(self.mine)
		v1.check_in(request.name)
		frappe.set_user("Administrator")
		doc = frappe.get_doc(REQUEST, request.name)
		doc.status = "Resolved"
		doc.resolution = "Replaced the fuel filter"
		doc.save()
		today = getdate()
		filters = {"from_date": today - datetime.timedelta(days=2), "to_date": today}

		def numbers():
			return sla_compliance.execute(dict(filters))[1], ftf.execute(dict(filters))[1]

		before = numbers()
		customer = make_portal_user("gs-clock-customer@example.com", self.unit.customer)
		back = str(add_to_date(now_datetime(), hours=-72))
		forgeries = [
			(customer, {"status": "Closed"}),
			(customer, {"opening_date": back}),
			(customer, {"on_site_on": back}),
			(customer, {"acknowledged_on": back}),
			(customer, {"unit": self.unit.name, "customer": "Someone Else"}),
			(self.mine, {"on_site_on": str(add_to_date(now_datetime(), minutes=-30))}),
			(self.mine, {"restored_on": back}),
			(self.mine, {"opening_date": str(now_datetime())}),
			(self.other, {"acknowledged_on": back}),
			(self.other, {"on_site_state": "Breached"}),
			(self.manager, {"on_site_on": back}),  # no reason
		]
		for user, values in forgeries:
			frappe.set_user(user)
			with self.assertRaises((frappe.PermissionError, frappe.ValidationError), msg=(user, values)):
				frappe.client.set_value(REQUEST, request.name, values)
			frappe.set_user("Administrator")
		self.assertEqual(numbers(), before)
