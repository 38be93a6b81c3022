"""The manager's reports, on constructed data whose answer is known by hand; refused to portal users
and to bad filters."""

import frappe
from frappe.utils import add_days, add_to_date, now_datetime

from genset_service.genset_service.report.first_time_fix_and_repeat_visits import (
	first_time_fix_and_repeat_visits as ftf,
)
from genset_service.genset_service.report.service_schedule import service_schedule
from genset_service.genset_service.report.warranty_and_contract_expiry import (
	warranty_and_contract_expiry as expiry,
)
from genset_service.scheduling.common import TASK
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_portal_user,
)

test_ignore = TEST_IGNORE
REQUEST, REPORT = "Genset Service Request", "Genset Service Report"


class TestReports(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.units = [
			make_delivered_unit(self.genset, commissioned=add_days(self.today, -60)) for _ in range(3)
		]
		self.range = {"from_date": add_days(self.today, -1), "to_date": add_days(self.today, 1)}

	def request(self, unit, opened=None) -> str:
		doc = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Field Maintenance",
				"unit": unit.name,
				"description": "Fault",
			}
		).insert()
		if opened:
			frappe.db.set_value(REQUEST, doc.name, "opening_date", opened)
		return doc.name

	def resolve(self, request: str, unit, end) -> None:
		frappe.get_doc(
			{
				"doctype": REPORT,
				"unit": unit.name,
				"service_type": "Field Maintenance",
				"service_request": request,
				"engineer": self.team["After-sales Engineer"],
				"start_time": add_to_date(end, hours=-2),
				"end_time": end,
				"work_done": "Fixed",
				"customer_signatory": "Site Manager",
				"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
			}
		).insert().submit()

	def test_a_second_visit_on_the_same_request_is_a_repeat_within_the_settings_window(self):
		now = now_datetime()
		request = self.request(self.units[0], add_to_date(now, hours=-20))
		self.resolve(request, self.units[0], add_to_date(now, hours=-15))
		self.resolve(request, self.units[0], add_to_date(now, hours=-3))  # the fix did not hold
		# another category on the same genset is not a repeat of this fault
		other = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Emergency Rescue",
				"unit": self.units[0].name,
				"description": "x",
			}
		).insert()
		self.assertTrue(other.name)
		(row,) = ftf.execute({**self.range, "group_by": "Engineer"})[1]
		self.assertEqual(
			(row["requests"], row["fixed_first_time"], row["repeat_visits"], row["repeat_percent"]),
			(1, 0, 1, 100.0),
		)
		# the window is the setting's: 12 hours apart is outside a window of... at least a day, so
		# only a narrower report filter leaves it out
		frappe.db.set_single_value("Genset Service Settings", "repeat_visit_days", 1)
		(row,) = ftf.execute({**self.range, "group_by": "Engineer"})[1]
		self.assertEqual(row["repeat_visits"], 1)

	def test_first_time_fix_two_of_three_and_one_repeat(self):
		now = now_datetime()
		requests = [self.request(unit, add_to_date(now, hours=-10)) for unit in self.units]
		for request, unit in zip(requests, self.units, strict=True):
			self.resolve(request, unit, add_to_date(now, hours=-5))
		# the second genset fails again the same day: a repeat visit (opened after the range's start)
		self.request(self.units[1], add_to_date(now, hours=-1))
		columns, rows, _message, chart, summary = ftf.execute({**self.range, "group_by": "Engineer"})
		(row,) = rows
		self.assertEqual(
			(row["group"], row["requests"], row["fixed_first_time"], row["repeat_visits"]),
			(self.team["After-sales Engineer"], 3, 2, 1),
		)
		self.assertEqual((row["ftf_percent"], row["repeat_percent"]), (66.7, 33.3))
		self.assertEqual([s["value"] for s in summary], [3, 66.7, 33.3, 0])
		self.assertEqual(chart["data"]["datasets"][0]["values"], [66.7])
		# a window of a single genset's model, an engineer with no work, an empty period
		self.assertEqual(ftf.execute({**self.range, "engineer": self.team["Technical Engineer"]})[1], [])
		empty = {"from_date": add_days(self.today, -400), "to_date": add_days(self.today, -300)}
		self.assertEqual(ftf.execute(empty)[1], [])
		self.assertEqual(ftf.execute(empty)[4][0]["value"], 0)

	def test_service_schedule_lists_open_services_by_due_date(self):
		unit = self.units[0]
		wanted = frappe.get_all(
			TASK,
			filters={
				"unit": unit.name,
				"status": ("in", ("Planned", "Due", "Overdue")),
				"due_from": ("<=", add_days(self.today, 365)),
				"due_to": (">=", self.today),
			},
			pluck="name",
		)
		self.assertTrue(wanted)
		filters = {"from_date": self.today, "to_date": add_days(self.today, 365), "customer": unit.customer}
		columns, rows, _message, chart, summary = service_schedule.execute(filters)
		mine = [row.name for row in rows if row.unit == unit.name]
		self.assertEqual(sorted(mine), sorted(wanted))
		self.assertEqual([row.due_from for row in rows], sorted(row.due_from for row in rows))
		self.assertEqual(summary[0]["value"], len(rows))
		self.assertEqual(sum(chart["data"]["datasets"][0]["values"]), len(rows))

	def test_bad_filters_are_refused_with_a_message(self):
		for filters, words in (
			({"from_date": self.today, "to_date": add_days(self.today, -1)}, "before it starts"),
			({"from_date": add_days(self.today, -2000), "to_date": self.today}, "five years"),
			({**self.range, "engineer": "nobody@example.com"}, "There is no"),
			({**self.range, "item_code": "No Such Genset Model"}, "There is no"),
			({}, "date range"),
		):
			for report in (ftf, service_schedule, expiry):
				with self.assertRaisesRegex(frappe.ValidationError, words):
					report.execute(filters)

	def test_portal_users_are_refused(self):
		user = make_portal_user("gs-report-portal@example.com", make_customer())
		frappe.set_user(user)
		for report in (ftf, service_schedule, expiry):
			with self.assertRaises(frappe.PermissionError):
				report.execute(self.range)
		for name in ("First-Time Fix and Repeat Visits", "Service Schedule"):
			self.assertFalse(frappe.get_doc("Report", name).is_permitted())

	def test_number_cards_count_what_they_say(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		tasks = frappe.get_all(
			TASK, {"unit": self.units[0].name, "status": ("in", ("Planned", "Due"))}, pluck="name"
		)
		for task in tasks[:3]:
			frappe.db.set_value(TASK, task, "status", "Overdue")
		card = frappe.get_doc("Number Card", "Genset Services Overdue")
		self.assertEqual(get_result(card, card.filters_json), frappe.db.count(TASK, {"status": "Overdue"}))
		self.assertGreaterEqual(get_result(card, card.filters_json), 3)
		self.request(self.units[0])
		open_requests = frappe.get_doc("Number Card", "Genset Open Requests")
		self.assertEqual(
			get_result(open_requests, open_requests.filters_json),
			frappe.db.count(REQUEST, {"status": ("in", ("Open", "In Progress", "On Hold"))}),
		)

	def test_warranty_expiry_offered_quoted_sold_and_conversion(self):
		ends = add_days(self.today, 20)
		for unit in self.units:
			frappe.db.set_value("Genset Unit", unit.name, "warranty_end_date", ends)
		a, b, c = self.units
		for unit in (a, b):  # the offer's window opened for two of them
			offer = frappe.db.get_value(TASK, {"unit": unit.name, "service_type": "Extended Warranty Offer"})
			frappe.db.set_value(TASK, offer, {"due_from": add_days(self.today, -1), "status": "Due"})
		for unit, status in ((a, "Applied"), (b, "Awaiting Order")):
			extension = frappe.get_doc(
				{
					"doctype": "Genset Warranty Extension",
					"customer": unit.customer,
					"company": unit.company,
					"status": status,
					"extra_months": 12,
					"units": [{"unit": unit.name}],
				}
			)
			extension.set_new_name()
			extension.set_parent_in_children()
			extension.db_insert()
			for row in extension.units:
				row.db_insert()
		filters = {"from_date": self.today, "to_date": add_days(self.today, 30), "customer": a.customer}
		columns, rows, _message, chart, summary = expiry.execute(filters)
		mine = {row.name: row for row in rows if row.name in {a.name, b.name, c.name}}
		self.assertEqual(
			[(mine[u.name].offered, mine[u.name].extension) for u in (a, b, c)],
			[(1, "Sold"), (1, "Quoted"), (0, "None")],
		)
		values = {s["label"]: s["value"] for s in summary}
		self.assertEqual(
			(values["Offered"], values["Quoted"], values["Sold"], values["Offer Conversion"]),
			(sum(r.offered for r in rows), sum(r.quoted for r in rows), sum(r.sold for r in rows), 50.0),
		)
		self.assertEqual(sum(chart["data"]["datasets"][0]["values"]), len(rows))
