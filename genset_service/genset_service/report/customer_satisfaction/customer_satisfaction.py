# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Customer Satisfaction: CSAT per question and NPS per month or customer from the surveys answered in
the period, each group followed by its surveys with their suggestions and follow-up tasks. The rules
are in genset_service.analytics.satisfaction."""

import frappe
from frappe import _
from frappe.utils import getdate

from genset_service.analytics.satisfaction import QUESTIONS, satisfaction
from genset_service.reporting import check_filters, previous_range, report_column

SURVEY, TASK = "Genset Satisfaction Survey", "Genset Service Task"
LABELS = {
	"overall": "Overall",
	"response_speed": "Response Speed",
	"engineer_skill": "Engineer Skill",
	"product_quality": "Product Quality",
}


def surveys(filters) -> list[dict]:
	conditions = {"status": "Answered", "answered_on": ("between", [filters.from_date, filters.to_date])}
	if filters.get("customer"):
		conditions["customer"] = filters.customer
	return frappe.get_list(
		SURVEY,
		filters=conditions,
		fields=["name", "customer", "answered_on", *QUESTIONS, "nps", "suggestions", "follow_up_task"],
		order_by="answered_on asc",
		limit_page_length=0,
	)


def group_of(filters):
	if (filters.get("group_by") or "Month") == "Customer":
		return lambda survey: survey["customer"]
	return lambda survey: getdate(survey["answered_on"]).strftime("%Y-%m")


def nps_of(filters) -> float | None:
	rows = satisfaction(surveys(filters), lambda survey: None)
	return rows[-1]["nps"] if rows else None


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	if (filters.get("group_by") or "Month") not in ("Month", "Customer"):
		frappe.throw(_("Group by Month or Customer."))
	answered = surveys(filters)
	group = group_of(filters)
	groups = satisfaction(answered, group)
	total = groups.pop() if groups else None
	follow_ups = dict(
		frappe.get_all(
			TASK,
			filters={"name": ("in", [s.follow_up_task for s in answered if s.follow_up_task] or [""])},
			fields=["name", "status"],
			as_list=True,
		)
	)
	data = []
	for row in groups:
		data.append({**row, "name": row["group"], "indent": 0})
		for survey in (s for s in answered if group(s) == row["group"]):
			data.append(
				{
					"name": survey.name,
					"survey": survey.name,
					"customer": survey.customer,
					"answered_on": survey.answered_on,
					**{f"{q}_csat": survey.get(q) for q in QUESTIONS},
					"nps": survey.nps,
					"suggestions": survey.suggestions,
					"follow_up_task": survey.follow_up_task,
					"follow_up_status": follow_ups.get(survey.follow_up_task),
					"indent": 1,
				}
			)
	previous = nps_of(previous_range(filters))
	return columns(filters), data, None, chart(groups, filters), summary(total, previous)


def columns(filters) -> list[dict]:
	return [
		{
			"fieldname": "name",
			"label": _(filters.get("group_by") or "Month"),
			"fieldtype": "Data",
			"width": 180,
		},
		{"fieldname": "surveys", "label": _("Surveys"), "fieldtype": "Int", "width": 80},
		*(
			report_column(f"{q}_csat", _("{0} (CSAT % / Score)").format(_(LABELS[q])), width=170)
			for q in QUESTIONS
		),
		report_column("nps", _("NPS / Score"), width=110),
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "answered_on", "label": _("Answered On"), "fieldtype": "Date", "width": 110},
		{"fieldname": "suggestions", "label": _("Suggestions"), "fieldtype": "Small Text", "width": 260},
		{
			"fieldname": "follow_up_task",
			"label": _("Follow-up"),
			"fieldtype": "Link",
			"options": TASK,
			"width": 150,
		},
		{"fieldname": "follow_up_status", "label": _("Follow-up Status"), "fieldtype": "Data", "width": 120},
	]


def chart(groups: list[dict], filters) -> dict:
	return {
		"data": {
			"labels": [row["group"] for row in groups],
			"datasets": [
				{"name": _("NPS"), "values": [row["nps"] or 0 for row in groups]},
				{"name": _("Overall CSAT %"), "values": [row["overall_csat"] or 0 for row in groups]},
			],
		},
		"type": "line" if (filters.get("group_by") or "Month") == "Month" else "bar",
	}


def summary(total: dict | None, previous: float | None) -> list[dict]:
	total = total or {}
	nps = total.get("nps")
	return [
		{"label": _("Surveys Answered"), "value": total.get("surveys", 0), "datatype": "Int"},
		{"label": _("Overall CSAT"), "value": total.get("overall_csat") or 0, "datatype": "Percent"},
		{
			"label": _("NPS"),
			"value": nps or 0,
			"datatype": "Float",
			"indicator": "Green" if nps is not None and nps >= 30 else "Orange",
		},
		{
			"label": _("NPS, Previous Period"),
			"value": previous or 0,
			"datatype": "Float",
			"indicator": "Grey",
		},
	]
