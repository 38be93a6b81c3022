# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""First-Time Fix and Repeat Visits: per engineer, model or service type, the requests resolved in the
period that one service report fixed with no further request for the genset within N days."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, get_datetime

from genset_service.analytics.kpi import RequestFact, first_time_fix
from genset_service.reporting import check_filters, chosen, previous_range
from genset_service.scheduling.common import settings

REQUEST, REPORT = "Genset Service Request", "Genset Service Report"
GROUPS = {"Engineer": "engineer", "Model": "item_code", "Service Type": "service_type"}


def totals(filters) -> dict | None:
	"""All groups together: the FTF card and the previous period in the summary."""
	rows = compute(frappe._dict(filters, group_by="Service Type"))
	return rows[-1] if rows else None


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	rows = compute(filters)
	total = rows.pop() if rows else None
	previous = totals(previous_range(filters))
	return columns(filters), rows, None, chart(rows), summary(total, previous)


def compute(filters) -> list[dict]:
	repeat_days = cint(filters.get("repeat_days") or settings().repeat_visit_days or 30)
	if not 1 <= repeat_days <= 365:
		frappe.throw(_("Repeat within must be from 1 to 365 days, not {0}.").format(repeat_days))
	group_by = GROUPS.get(filters.get("group_by") or "Engineer")
	if not group_by:
		frappe.throw(_("Group by Engineer, Model or Service Type."))
	conditions = {
		"opening_date": ("between", [filters.from_date, filters.to_date]),  # Frappe: whole days
		"status": ("in", ("Resolved", "Closed")),
	}
	conditions.update(chosen(filters, ("company", "customer", "item_code", "service_type")))
	requests = frappe.get_list(
		REQUEST, filters=conditions, fields=["name", "unit", "item_code", "service_type"], limit_page_length=0
	)
	reports = defaultdict(list)
	for row in frappe.get_all(
		REPORT,
		filters={"service_request": ("in", [r.name for r in requests] or [""]), "docstatus": 1},
		fields=["service_request", "engineer", "end_time"],
		order_by="end_time asc",
	):
		reports[row.service_request].append(row)
	if filters.get("engineer"):
		requests = [r for r in requests if any(x.engineer == filters.engineer for x in reports[r.name])]
	units = list({r.unit for r in requests if r.unit})
	openings = defaultdict(list)
	for unit, category, opened in frappe.get_all(
		REQUEST,
		filters={
			"unit": ("in", units or [""]),
			"opening_date": (">=", filters.from_date),
			"status": ("!=", "Cancelled"),
		},
		fields=["unit", "service_type", "opening_date"],
		as_list=True,
	):
		openings[(unit, category)].append(get_datetime(opened))
	facts = [
		RequestFact(
			name=r.name,
			unit=r.unit,
			group=(reports[r.name][-1].engineer if reports[r.name] else _("No report"))
			if group_by == "engineer"
			else r.get(group_by),
			reports=len(reports[r.name]),
			resolved_at=get_datetime(reports[r.name][-1].end_time) if reports[r.name] else None,
			category=r.service_type,
			visits=tuple(get_datetime(x.end_time) for x in reports[r.name] if x.end_time),
		)
		for r in requests
	]
	return first_time_fix(facts, openings, repeat_days)


def columns(filters) -> list[dict]:
	return [
		{
			"fieldname": "group",
			"label": _(filters.get("group_by") or "Engineer"),
			"fieldtype": "Data",
			"width": 220,
		},
		{"fieldname": "requests", "label": _("Resolved Requests"), "fieldtype": "Int", "width": 140},
		{"fieldname": "fixed_first_time", "label": _("Fixed First Time"), "fieldtype": "Int", "width": 130},
		{"fieldname": "ftf_percent", "label": _("First-Time Fix %"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "repeat_visits", "label": _("Repeat Visits"), "fieldtype": "Int", "width": 120},
		{"fieldname": "repeat_percent", "label": _("Repeat %"), "fieldtype": "Percent", "width": 110},
	]


def chart(rows) -> dict:
	return {
		"data": {
			"labels": [row["group"] for row in rows],
			"datasets": [
				{"name": _("First-Time Fix %"), "values": [row["ftf_percent"] for row in rows]},
				{"name": _("Repeat %"), "values": [row["repeat_percent"] for row in rows]},
			],
		},
		"type": "bar",
	}


def summary(total, previous) -> list[dict]:
	return [
		{"label": _("Resolved Requests"), "value": total["requests"] if total else 0, "datatype": "Int"},
		{
			"label": _("First-Time Fix"),
			"value": total["ftf_percent"] if total else 0,
			"datatype": "Percent",
			"indicator": "Green" if total and total["ftf_percent"] >= 80 else "Orange",
		},
		{
			"label": _("Repeat Visits"),
			"value": total["repeat_percent"] if total else 0,
			"datatype": "Percent",
			"indicator": "Red" if total and total["repeat_percent"] > 10 else "Blue",
		},
		{
			"label": _("First-Time Fix, Previous Period"),
			"value": previous["ftf_percent"] if previous else 0,
			"datatype": "Percent",
			"indicator": "Grey",
		},
	]
