"""Computed number cards of the Genset Service workspace (Number Card type Custom). Each answers the
same number as the report it opens, whose summary also shows the previous period's value."""

import frappe
from frappe import _
from frappe.utils import add_days, add_months, getdate, nowdate

from genset_service.reporting import check_filters, check_manager

CARDS = {
	# card method: (report, days back)
	"sla_met_percent": ("SLA Compliance", 30),
	"first_time_fix_percent": ("First-Time Fix and Repeat Visits", 90),
	"mean_time_to_repair": ("Genset Reliability", 90),
	"net_promoter_score": ("Customer Satisfaction", None),  # six calendar months
}


def _period(card: str, filters) -> frappe._dict:
	today = getdate(nowdate())
	days = CARDS[card][1]
	start = add_days(today, -days + 1) if days else add_months(today, -6)
	try:
		parsed = frappe.parse_json(filters) if filters else None
	except ValueError:
		frappe.throw(_("The card's filters are not valid JSON."), title=_("Invalid Filters"))
	company = parsed.get("company") if isinstance(parsed, dict) else None
	values = {"from_date": start, "to_date": today}
	if company:
		values["company"] = company
	return check_filters(values)


def _answer(card: str, value, fieldtype: str, period) -> dict:
	return {
		"value": value if value is not None else 0,
		"fieldtype": fieldtype,
		"route": ["query-report", CARDS[card][0]],
		"route_options": {"from_date": str(period.from_date), "to_date": str(period.to_date)},
	}


@frappe.whitelist()
@frappe.read_only()
def sla_met_percent(filters=None) -> dict:
	"""Share of the last 30 days' requests that met every clock their agreement promises."""
	from genset_service.genset_service.report.sla_compliance.sla_compliance import met_percent

	check_manager()
	period = _period("sla_met_percent", filters)
	return _answer("sla_met_percent", met_percent(period), "Percent", period)


@frappe.whitelist()
@frappe.read_only()
def first_time_fix_percent(filters=None) -> dict:
	"""Share of the last 90 days' resolved requests fixed first time."""
	from genset_service.genset_service.report.first_time_fix_and_repeat_visits.first_time_fix_and_repeat_visits import (
		totals,
	)

	check_manager()
	period = _period("first_time_fix_percent", filters)
	total = totals(period)
	return _answer("first_time_fix_percent", total["ftf_percent"] if total else None, "Percent", period)


@frappe.whitelist()
@frappe.read_only()
def mean_time_to_repair(filters=None) -> dict:
	"""Mean hours from a failure's request to its resolution, over the last 90 days."""
	from genset_service.genset_service.report.genset_reliability.genset_reliability import (
		mean_time_to_repair as mttr,
	)

	check_manager()
	period = _period("mean_time_to_repair", filters)
	return _answer("mean_time_to_repair", mttr(period), "Float", period)


@frappe.whitelist()
@frappe.read_only()
def net_promoter_score(filters=None) -> dict:
	"""NPS of the surveys answered in the last six months."""
	from genset_service.genset_service.report.customer_satisfaction.customer_satisfaction import nps_of

	check_manager()
	period = _period("net_promoter_score", filters)
	return _answer("net_promoter_score", nps_of(period), "Float", period)
