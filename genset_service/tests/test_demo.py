"""The demo (``bench --site <site> genset-service demo``): made on this site in its own company, it shows
every state the README's table promises for each of the 18 services, every card, chart and report of
the manager's desk answers with real numbers about it, the dispatch board proposes its coming week with
no violation of the independent check, its customer sees their gensets and its engineer his day; run
again it adds nothing; removed, every table of the site holds what it held before, but for the logs.
The demo commits (it is a command), so everything is made and removed inside the test."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_months, getdate, nowdate

from genset_service.demo import spec as S
from genset_service.demo.remove import LOGS
from genset_service.demo.run import run
from genset_service.demo.states import missing
from genset_service.tests.utils import TEST_IGNORE

test_ignore = TEST_IGNORE
MODULE = "Genset Service"


def counts() -> dict[str, int]:
	"""Every table's row count (the logs left out)."""
	logs = {f"tab{name}" for name in LOGS}
	tables = [name for (name,) in frappe.db.sql("SHOW TABLES") if name not in logs]  # nosemgrep
	return {name: frappe.db.sql(f"SELECT COUNT(*) FROM `{name}`")[0][0] for name in tables}  # nosemgrep


def report_filters(today) -> dict[str, dict]:
	"""Each report with the filters its form opens with (and the demo's customer where it asks for one)."""
	year_ago, month_ago = add_months(today, -12), add_days(today, -30)
	return {
		"Customer Satisfaction": {"from_date": add_months(today, -6), "to_date": today},
		"First-Time Fix and Repeat Visits": {"company": S.COMPANY, "from_date": year_ago, "to_date": today},
		"Genset Reliability": {"from_date": year_ago, "to_date": today},
		"Genset Service History": {"customer": S.CUSTOMERS[0].name},
		"Service Schedule": {"from_date": today, "to_date": add_days(today, 30)},
		"Shipment Lanes": {"from_date": year_ago, "to_date": today, "company": S.COMPANY},
		"Shipments in Transit": {"company": S.COMPANY},
		"SLA Compliance": {"from_date": month_ago, "to_date": today},
		"Warranty and Contract Expiry": {"from_date": today, "to_date": add_days(today, 90)},
		"Warranty Cost": {"from_date": add_months(today, -24), "to_date": today},
	}


class TestDemo(FrappeTestCase):
	def test_the_demo_shows_every_service_in_every_state_and_leaves_no_trace(self):
		frappe.db.commit()  # nosemgrep: the tables as they are, before the demo commits its own
		before = counts()
		try:
			made = run()
			self.assertEqual(missing(), {}, "a state the README promises is not in the demo")
			self.assertEqual(sum(len(units) for units in made["units"].values()), 10)
			self.check_the_desk()
			self.check_the_board()
			self.check_the_portal_and_the_phone(made)
			once = counts()
			again = run()
			self.assertEqual(counts(), once, "a second run made something again")
			self.assertEqual(again["units"], made["units"])
		finally:
			run(remove=True)
		after = counts()
		changed = {name: (before.get(name), after[name]) for name in after if before.get(name) != after[name]}
		self.assertEqual(changed, {}, "removing the demo left these tables changed")
		self.assertFalse(frappe.db.exists("Company", S.COMPANY))

	def check_the_desk(self):
		from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as chart_data
		from frappe.desk.doctype.number_card.number_card import get_result
		from frappe.desk.query_report import run as run_report

		manager = f"manager@{S.DOMAIN}"  # a Service Manager, not a System Manager
		for card in frappe.get_all("Number Card", filters={"module": MODULE}, pluck="name"):
			doc = frappe.get_doc("Number Card", card)
			self.assertTrue(
				frappe.has_permission("Number Card", doc=doc, user=manager), f"{card} hidden from the manager"
			)
			if doc.type == "Custom":
				value = frappe.get_attr(doc.method)()
				value = value.get("value") if isinstance(value, dict) else value
			else:
				value = get_result(doc.as_json(), doc.filters_json)
			self.assertTrue(value, f"the card {card} shows nothing")
		for chart in frappe.get_all("Dashboard Chart", filters={"module": MODULE}, pluck="name"):
			doc = frappe.get_doc("Dashboard Chart", chart)
			if doc.chart_type == "Custom":
				scrubbed = frappe.scrub(doc.source)
				method = f"genset_service.genset_service.dashboard_chart_source.{scrubbed}.{scrubbed}.get"
				data = frappe.get_attr(method)(
					chart={"timespan": "Last Year", "filters_json": doc.filters_json}, no_cache=1
				)
			else:
				data = chart_data(chart=doc.as_json(), no_cache=1)
			values = [v for dataset in data.get("datasets", []) for v in dataset.get("values", [])]
			self.assertTrue(any(values), f"the chart {chart} shows nothing")
		today = getdate(nowdate())
		for report, filters in report_filters(today).items():
			result = run_report(report, filters=filters, ignore_prepared_report=True)
			self.assertTrue(result.get("result"), f"the report {report} shows nothing")

	def check_the_board(self):
		from genset_service.dispatch.proposals import propose

		engineers = frappe.get_all(
			"Genset Engineer", filters={"user": ("like", f"%@{S.DOMAIN}")}, pluck="name"
		)
		proposal = frappe.get_doc(
			"Genset Dispatch Proposal", propose(add_days(nowdate(), 1), add_days(nowdate(), 7), engineers)
		)
		self.assertIn("Holds", proposal.check_result)
		self.assertGreaterEqual(len(proposal.stops), 10)

	def check_the_portal_and_the_phone(self, made):
		from genset_service.field.work import my_work
		from genset_service.www.my_gensets.index import get_context

		frappe.set_user(made["customers"]["leeds"])
		try:
			context = frappe._dict()
			get_context(context)
			self.assertGreaterEqual(len(context.units), 4)
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(made["engineers"]["dana"])
		try:
			work = my_work()
			self.assertTrue(any(row.get("service_type") for row in work.get("tasks", [])), work)
		finally:
			frappe.set_user("Administrator")
