"""The manager's desk, part two: SLA compliance, reliability, warranty cost, satisfaction and a genset's
history, each on constructed data whose answer is known by hand; the computed cards and chart sources
answer as their reports do; portal users and bad filters are refused everywhere."""

import frappe
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime

from genset_service.access.guard import as_app
from genset_service.dashboard import cards
from genset_service.genset_service.dashboard_chart_source.genset_sla_met_per_month import (
	genset_sla_met_per_month as sla_chart,
)
from genset_service.genset_service.dashboard_chart_source.genset_survey_scores_per_month import (
	genset_survey_scores_per_month as survey_chart,
)
from genset_service.genset_service.report.customer_satisfaction import customer_satisfaction
from genset_service.genset_service.report.genset_reliability import genset_reliability
from genset_service.genset_service.report.genset_service_history import genset_service_history
from genset_service.genset_service.report.sla_compliance import sla_compliance
from genset_service.genset_service.report.warranty_cost import warranty_cost
from genset_service.scheduling.common import UNIT
from genset_service.scheduling.readings import record_reading
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_portal_user,
	make_sales_order,
	make_user,
	warehouse,
)

test_ignore = TEST_IGNORE
REQUEST, REPORT, SURVEY = "Genset Service Request", "Genset Service Report", "Genset Satisfaction Survey"
REPORTS = (sla_compliance, genset_reliability, warranty_cost, customer_satisfaction, genset_service_history)
CARDS = (
	cards.sla_met_percent,
	cards.first_time_fix_percent,
	cards.mean_time_to_repair,
	cards.net_promoter_score,
)
MODEL = "_Test Genset Reliability 500 kVA"


class TestManagerReports(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.now = now_datetime().replace(microsecond=0)
		self.customer = make_customer("_Test Genset Desk Customer")

	def hours_ago(self, hours: float):
		return add_to_date(self.now, hours=-hours)

	def unit(self, commissioned, model=None):
		order = make_sales_order([{"item_code": model or self.genset, "qty": 1}], customer=self.customer)
		delivery = make_delivery_note(order.name)
		unit = frappe.get_doc(UNIT, {"delivery_note": delivery.name})
		frappe.db.set_value(UNIT, unit.name, "delivery_date", add_days(commissioned, -5))
		unit.reload()
		unit.arrival_date = unit.commissioning_date = getdate(commissioned)
		unit.save()
		return unit

	def request(self, unit, opened, service_type="Field Maintenance") -> str:
		doc = frappe.get_doc(
			{"doctype": REQUEST, "service_type": service_type, "unit": unit.name, "description": "Fault"}
		).insert()
		frappe.db.set_value(REQUEST, doc.name, "opening_date", opened)
		return doc.name

	def resolve(self, request, unit, start, end, hours=None, parts=None, submit=True):
		doc = frappe.get_doc(
			{
				"doctype": REPORT,
				"unit": unit.name,
				"service_type": "Field Maintenance",
				"service_request": request,
				"engineer": self.team["After-sales Engineer"],
				"start_time": start,
				"end_time": end,
				"running_hours": hours,
				"work_done": "Fixed",
				"parts": parts or [],
				"customer_signatory": "Site Manager",
				"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
			}
		).insert()
		if submit:
			doc.submit()
		return doc

	# ------------------------------------------------------------------ SLA compliance
	def test_sla_compliance_on_three_requests_known_by_hand(self):
		unit = self.unit(add_days(self.now, -30))
		opened = self.hours_ago(10)
		r1, r2, r3 = (self.request(unit, opened) for _ in range(3))
		self.resolve(r1, unit, self.hours_ago(6), self.hours_ago(5))
		self.resolve(r2, unit, self.hours_ago(4), self.hours_ago(2))
		# three clocks each: acknowledge within 2 h, on site within 6 h, restored within 9 h
		for name, acknowledged in ((r1, self.hours_ago(9)), (r2, self.hours_ago(7)), (r3, None)):
			frappe.db.set_value(
				REQUEST,
				name,
				{
					"opening_date": opened,
					"priority": None,
					"acknowledge_by": self.hours_ago(8),
					"acknowledged_on": acknowledged,
					"on_site_by": self.hours_ago(4),
					"restored_by": self.hours_ago(1),
				},
			)
		filters = {
			"from_date": add_days(self.now, -1),
			"to_date": getdate(self.now),
			"customer": self.customer,
		}
		columns, data, _message, chart, summary = sla_compliance.execute(filters)
		group = data[0]
		self.assertEqual((group["service_type"], group["requests"]), ("Field Maintenance", 3))
		# acknowledged: 1 h and 3 h (late), one never; on site 4 h and 6 h; restored 5 h and 8 h
		self.assertEqual(
			(
				group["acknowledge_in_time_percent"],
				group["on_site_in_time_percent"],
				group["restored_in_time_percent"],
			),
			(33.3, 66.7, 66.7),
		)
		self.assertEqual((group["mean_acknowledge_hours"], group["p90_acknowledge_hours"]), (2.0, 3.0))
		self.assertEqual((group["mean_on_site_hours"], group["p90_on_site_hours"]), (5.0, 6.0))
		self.assertEqual((group["mean_restored_hours"], group["p90_restored_hours"]), (6.5, 8.0))
		self.assertEqual((group["breaches"], group["met_percent"]), (2, 33.3))
		breached = {row["request"]: row["breach"] for row in data if row.get("indent") == 1}
		self.assertEqual(breached, {r2: "Acknowledge", r3: "Acknowledge, On Site, Restored"})
		self.assertEqual([d["values"] for d in chart["data"]["datasets"]], [[33.3], [66.7], [66.7]])
		values = {s["label"]: s["value"] for s in summary}
		self.assertEqual((values["Requests"], values["SLA Met"], values["Breaches"]), (3, 33.3, 2))
		self.assertEqual(values["Previous Period"], 0)
		# the engineer filter keeps the requests that engineer resolved
		mine = sla_compliance.execute({**filters, "engineer": self.team["After-sales Engineer"]})[1]
		self.assertEqual(mine[0]["requests"], 2)
		# nothing in an empty period
		self.assertEqual(
			sla_compliance.execute(
				{**filters, "from_date": add_days(self.now, -400), "to_date": add_days(self.now, -300)}
			)[1],
			[],
		)

	# ------------------------------------------------------------------ reliability
	def test_reliability_failures_at_500_and_1000_hours_give_mtbf_500(self):
		model = make_genset_item(MODEL)
		commissioned = getdate(add_days(self.now, -100))
		unit = self.unit(commissioned, model)
		quiet = self.unit(commissioned, model)  # no failure: in service, no downtime
		first_open = get_datetime(f"{add_days(self.now, -60)} 08:00:00")
		second_open = get_datetime(f"{add_days(self.now, -20)} 08:00:00")
		for opened, hours in ((first_open, 500), (second_open, 1000)):
			request = self.request(unit, opened)
			self.resolve(request, unit, add_to_date(opened, hours=2), add_to_date(opened, hours=4), hours)
		record_reading(quiet.name, 700, self.hours_ago(30))
		filters = {"from_date": commissioned, "to_date": getdate(self.now), "item_code": model}
		columns, data, _message, chart, summary = genset_reliability.execute(filters)
		(row,) = (r for r in data if r["indent"] == 0)
		self.assertEqual((row["model"], row["units"], row["failures"]), (model, 2, 2))
		self.assertEqual(row["run_hours"], 1700)  # 1,000 h + the quiet unit's 700 h
		self.assertEqual(row["mtbf_hours"], 850.0)
		self.assertEqual(row["mttr_hours"], 4.0)
		self.assertEqual(row["downtime_hours"], 8.0)
		self.assertAlmostEqual(row["mtbf_days"], row["service_days"] / 2, delta=0.1)  # both rounded
		self.assertAlmostEqual(
			row["availability"], round(100 * (1 - 8 / (row["service_days"] * 24)), 2), places=2
		)
		units = {r["unit"]: r for r in data if r["indent"] == 1}
		self.assertEqual(units[unit.name]["next_failure_hours"], 1850.0)  # 1,000 h + MTBF
		self.assertEqual(units[unit.name]["last_failure"], second_open)
		self.assertEqual(units[quiet.name]["next_failure_hours"], 850.0)  # from 0 h at commissioning
		self.assertEqual(chart["data"]["datasets"][0]["values"], [850.0])
		# the failing genset alone: failures at 500 and 1,000 h from 0 give MTBF 500 h
		frappe.db.set_value(UNIT, quiet.name, "status", "Cancelled")
		(row,) = (r for r in genset_reliability.execute(filters)[1] if r["indent"] == 0)
		self.assertEqual((row["units"], row["failures"], row["mtbf_hours"]), (1, 2, 500.0))
		# a period with no unit in service yet
		self.assertEqual(
			genset_reliability.execute(
				{
					**filters,
					"from_date": add_days(commissioned, -300),
					"to_date": add_days(commissioned, -200),
				}
			)[1],
			[],
		)

	# ------------------------------------------------------------------ warranty cost
	def test_warranty_cost_counts_parts_at_valuation_and_labour_hours(self):
		part = make_genset_item("_Test Genset Air Filter", genset=False)
		frappe.db.set_value("Item", part, "valuation_rate", 25)
		unit = self.unit(add_days(self.now, -10))
		in_warranty = self.resolve(
			None,
			unit,
			self.hours_ago(5),
			self.hours_ago(3),
			parts=[{"item_code": part, "qty": 2, "warehouse": warehouse()}],
		)
		frappe.db.set_value(UNIT, unit.name, "warranty_status", "Expired")
		paid = self.resolve(
			None,
			unit,
			self.hours_ago(2),
			self.hours_ago(1),
			parts=[{"item_code": part, "qty": 1, "warehouse": warehouse()}],
		)
		quotation = frappe.get_doc("Quotation", paid.quotation)
		for row in quotation.items:
			row.rate = 40
		quotation.save()
		quotation.submit()
		valuation = frappe.db.get_value(
			"Stock Entry Detail", {"parent": in_warranty.stock_entry}, "basic_amount"
		)
		self.assertGreater(valuation, 0)
		filters = {
			"from_date": add_days(self.now, -1),
			"to_date": getdate(self.now),
			"customer": self.customer,
		}
		columns, data, _message, chart, summary = warranty_cost.execute({**filters, "group_by": "Customer"})
		(row,) = data
		self.assertEqual((row["group"], row["warranty_reports"], row["paid_reports"]), (self.customer, 1, 1))
		self.assertEqual(row["warranty_parts"], round(valuation, 2))
		self.assertEqual((row["warranty_hours"], row["paid_hours"]), (2.0, 1.0))
		self.assertEqual(row["charged"], quotation.base_net_total)
		by_model = warranty_cost.execute({**filters, "group_by": "Model"})[1]
		self.assertEqual([r["group"] for r in by_model], [self.genset])
		by_month = warranty_cost.execute({**filters, "group_by": "Month"})[1]
		self.assertEqual(sum(r["warranty_reports"] + r["paid_reports"] for r in by_month), 2)
		values = {s["label"]: s["value"] for s in summary}
		self.assertEqual(values["In-Warranty Labour Hours"], 2.0)
		with self.assertRaisesRegex(frappe.ValidationError, "Group by"):
			warranty_cost.execute({**filters, "group_by": "Colour"})

	# ------------------------------------------------------------------ satisfaction
	def survey(self, answered_on, overall, nps, suggestions=None) -> str:
		doc = frappe.get_doc(
			{
				"doctype": SURVEY,
				"customer": self.customer,
				"status": "Answered",
				"sent_on": answered_on,
				"answered_on": answered_on,
				"overall": overall,
				"response_speed": 5,
				"engineer_skill": 3,
				"product_quality": 4,
				"nps": nps,
				"suggestions": suggestions,
			}
		)
		doc.flags.ignore_mandatory = True
		with as_app():  # an answered survey, as the app records one
			doc.insert()
		return doc.name

	def test_customer_satisfaction_csat_and_nps_known_by_hand(self):
		today = getdate(self.now)
		# NPS: promoters 10, 9; passive 8; detractor 3 -> (2 - 1) / 4 = 25
		for overall, nps in ((5, 10), (4, 9), (3, 8), (1, 3)):
			self.survey(today, overall, nps, "Call before coming" if nps == 3 else None)
		filters = {"from_date": add_days(today, -1), "to_date": today, "customer": self.customer}
		columns, data, _message, chart, summary = customer_satisfaction.execute(filters)
		group = data[0]
		self.assertEqual((group["surveys"], group["nps"], group["overall_csat"]), (4, 25.0, 50.0))
		self.assertEqual((group["response_speed_csat"], group["engineer_skill_csat"]), (100.0, 0.0))
		surveys = [row for row in data if row["indent"] == 1]
		self.assertEqual(len(surveys), 4)
		self.assertIn("Call before coming", [row["suggestions"] for row in surveys])
		values = {s["label"]: s["value"] for s in summary}
		self.assertEqual(
			(values["Surveys Answered"], values["NPS"], values["NPS, Previous Period"]), (4, 25.0, 0)
		)
		by_customer = customer_satisfaction.execute({**filters, "group_by": "Customer"})[1]
		self.assertEqual(by_customer[0]["name"], self.customer)

	# ------------------------------------------------------------------ history
	def test_service_history_tells_a_genset_life_in_order(self):
		unit = self.unit(add_days(self.now, -10))
		request = self.request(unit, self.hours_ago(10))
		report = self.resolve(request, unit, self.hours_ago(6), self.hours_ago(5), hours=42)
		columns, data, _message, _chart, summary = genset_service_history.execute({"unit": unit.name})
		documents = [(row["doctype"], row["document"]) for row in data]
		for wanted in ((REQUEST, request), (REPORT, report.name), (UNIT, unit.name)):
			self.assertIn(wanted, documents)
		self.assertIn("Genset Running Hours Reading", {row["doctype"] for row in data})
		self.assertEqual([row["when"] for row in data], sorted(row["when"] for row in data))
		self.assertEqual(sum(s["value"] for s in summary), len(data))
		# the request comes before its report, and the report's reading is shown
		self.assertLess(documents.index((REQUEST, request)), documents.index((REPORT, report.name)))
		self.assertEqual([row["running_hours"] for row in data if row["document"] == report.name], [42])
		# a period keeps only its events; a customer's history holds the genset's
		later = genset_service_history.execute(
			{"unit": unit.name, "from_date": add_days(self.now, -1), "to_date": getdate(self.now)}
		)[1]
		self.assertTrue(all(row["when"] >= get_datetime(add_days(self.now, -1)) for row in later))
		by_customer = genset_service_history.execute({"customer": self.customer})[1]
		self.assertIn((REPORT, report.name), [(row["doctype"], row["document"]) for row in by_customer])
		with self.assertRaisesRegex(frappe.ValidationError, "genset or a customer"):
			genset_service_history.execute({})
		with self.assertRaisesRegex(frappe.ValidationError, "There is no"):
			genset_service_history.execute({"unit": "GU-NOPE"})

	# ------------------------------------------------------------------ cards and charts
	def test_cards_answer_as_their_reports_do(self):
		unit = self.unit(add_days(self.now, -30))
		request = self.request(unit, self.hours_ago(10))
		self.resolve(request, unit, self.hours_ago(6), self.hours_ago(4))
		self.survey(getdate(self.now), 5, 10)
		today = getdate(self.now)
		sla = cards.sla_met_percent()
		self.assertEqual(sla["route"], ["query-report", "SLA Compliance"])
		report = sla_compliance.execute({"from_date": add_days(today, -29), "to_date": today})
		self.assertEqual(sla["value"], {s["label"]: s["value"] for s in report[4]}["SLA Met"])
		mttr = cards.mean_time_to_repair()
		reliability = genset_reliability.execute({"from_date": add_days(today, -89), "to_date": today})
		self.assertEqual(mttr["value"], {s["label"]: s["value"] for s in reliability[4]}["MTTR (Hours)"])
		self.assertGreater(mttr["value"], 0)
		nps = cards.net_promoter_score()
		self.assertEqual(nps["fieldtype"], "Float")
		self.assertGreaterEqual(nps["value"], -100)
		ftf = cards.first_time_fix_percent()
		self.assertEqual(ftf["fieldtype"], "Percent")
		chart = sla_chart.get(chart={"timespan": "Last Year"}, no_cache=1)
		self.assertEqual(len(chart["labels"]), 12)
		self.assertEqual(chart["labels"][-1], today.strftime("%Y-%m"))
		scores = survey_chart.get(chart={"timespan": "Last Year"}, no_cache=1)
		self.assertEqual([d["name"] for d in scores["datasets"]], ["Overall CSAT %", "NPS"])
		self.assertGreater(scores["datasets"][0]["values"][-1], 0)
		with self.assertRaisesRegex(frappe.ValidationError, "not valid JSON"):
			cards.sla_met_percent(filters="{not json")

	def test_portal_users_and_engineers_are_refused(self):
		portal = make_portal_user("gs-desk-portal@example.com", self.customer)
		engineer = self.team["After-sales Engineer"]
		filters = {"from_date": add_days(self.now, -1), "to_date": getdate(self.now), "unit": "x"}
		for user in (portal, engineer):
			frappe.set_user(user)
			for card in CARDS:
				with self.assertRaises(frappe.PermissionError):
					card()
			for source in (sla_chart, survey_chart):
				with self.assertRaises(frappe.PermissionError):
					source.get(chart={}, no_cache=1)
		frappe.set_user(portal)
		for report in REPORTS:
			with self.assertRaises(frappe.PermissionError):
				report.execute(filters)
		for name in (
			"SLA Compliance",
			"Genset Reliability",
			"Warranty Cost",
			"Customer Satisfaction",
			"Genset Service History",
		):
			self.assertFalse(frappe.get_doc("Report", name).is_permitted())
		frappe.set_user("Administrator")
		manager = make_user("gs-desk-manager@example.com", ["Service Manager"])
		frappe.set_user(manager)
		self.assertIn("value", cards.sla_met_percent())
		self.assertTrue(frappe.get_doc("Report", "Genset Reliability").is_permitted())

	def test_bad_filters_are_refused_with_a_message(self):
		today = getdate(self.now)
		for filters, words in (
			({"from_date": today, "to_date": add_days(today, -1)}, "before it starts"),
			({"from_date": add_days(today, -2000), "to_date": today}, "five years"),
			({"from_date": today, "to_date": today, "engineer": "nobody@example.com"}, "There is no"),
			({"from_date": today, "to_date": today, "item_code": "No Such Genset Model"}, "There is no"),
		):
			for report in (sla_compliance, genset_reliability, warranty_cost, customer_satisfaction):
				with self.assertRaisesRegex(frappe.ValidationError, words):
					report.execute(filters)
