# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""SLA Compliance: per on-demand service type and priority, the requests opened in the period, the
share responded to within the SLA, mean and 90th-percentile hours to respond, to arrive on site (the
start of the resolving service report) and to resolve (its end); the breached requests listed under
their group. The rules are in genset_service.analytics.sla."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from genset_service.analytics.sla import RequestTimes, breaches, compliance
from genset_service.reporting import check_filters, datetime_range, previous_range

REQUEST, REPORT = "Genset Service Request", "Genset Service Report"


def _dt(value):
	return get_datetime(value) if value else None


def request_times(filters) -> list[RequestTimes]:
	"""The period's requests (the user's permissions apply) with their resolving report's times."""
	start, end = datetime_range(filters)
	conditions = {"opening_date": ("between", [start, end]), "status": ("!=", "Cancelled")}
	for field in ("company", "customer", "item_code", "service_type"):
		if filters.get(field):
			conditions[field] = filters[field]
	requests = frappe.get_list(
		REQUEST,
		filters=conditions,
		fields=[
			"name",
			"service_type",
			"priority",
			"opening_date",
			"response_by",
			"first_responded_on",
			"sla_resolution_by",
			"status",
		],
		order_by="opening_date asc",
		limit_page_length=0,
	)
	resolving = {}
	if requests:
		for row in frappe.get_all(
			REPORT,
			filters={"service_request": ("in", [r.name for r in requests]), "docstatus": 1},
			fields=["service_request", "engineer", "start_time", "end_time"],
			order_by="end_time asc",
		):
			resolving[row.service_request] = row  # the last one resolved it
	if filters.get("engineer"):
		requests = [r for r in requests if resolving.get(r.name, {}).get("engineer") == filters.engineer]
	facts = []
	for r in requests:
		report = resolving.get(r.name) if r.status in ("Resolved", "Closed") else None
		facts.append(
			RequestTimes(
				name=r.name,
				service_type=r.service_type,
				priority=r.priority or _("Not Set"),
				opened=get_datetime(r.opening_date),
				response_by=_dt(r.response_by),
				responded=_dt(r.first_responded_on),
				on_site=_dt(report.start_time) if report else None,
				resolved=_dt(report.end_time) if report else None,
				resolution_by=_dt(r.sla_resolution_by),
			)
		)
	return facts


def met_percent(filters) -> float | None:
	rows = compliance(request_times(filters), now_datetime())
	return rows[-1]["responded_in_time_percent"] if rows else None


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	now = now_datetime()
	facts = request_times(filters)
	groups = compliance(facts, now)
	total = groups.pop() if groups else None
	previous = met_percent(previous_range(filters))
	late = defaultdict(list)
	for fact in facts:
		missed = breaches(fact, now)
		if missed:
			late[(fact.service_type, fact.priority)].append((fact, missed))
	data = []
	for group in groups:
		data.append({**group, "indent": 0})
		for fact, missed in late[(group["service_type"], group["priority"])]:
			data.append(
				{
					"service_type": fact.name,
					"priority": fact.priority,
					"request": fact.name,
					"breach": ", ".join(_(m) for m in missed),
					"opened": fact.opened,
					"indent": 1,
				}
			)
	return columns(), data, None, chart(groups), summary(total, previous)


def columns() -> list[dict]:
	hours = [
		(f"{kind}_{name}_hours", label)
		for name, title in (("respond", _("Respond")), ("on_site", _("On Site")), ("resolve", _("Resolve")))
		for kind, label in (
			("mean", _("Mean Hours to {0}").format(title)),
			("p90", _("P90 Hours to {0}").format(title)),
		)
	]
	return [
		{"fieldname": "service_type", "label": _("Service Type"), "fieldtype": "Data", "width": 200},
		{"fieldname": "priority", "label": _("Priority"), "fieldtype": "Data", "width": 90},
		{"fieldname": "requests", "label": _("Requests"), "fieldtype": "Int", "width": 90},
		{"fieldname": "responded_in_time", "label": _("Responded in Time"), "fieldtype": "Int", "width": 130},
		{
			"fieldname": "responded_in_time_percent",
			"label": _("Responded in Time %"),
			"fieldtype": "Percent",
			"width": 150,
		},
		*({"fieldname": field, "label": label, "fieldtype": "Float", "width": 150} for field, label in hours),
		{"fieldname": "breaches", "label": _("Breaches"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "request",
			"label": _("Breached Request"),
			"fieldtype": "Link",
			"options": REQUEST,
			"width": 160,
		},
		{"fieldname": "breach", "label": _("Missed"), "fieldtype": "Data", "width": 160},
		{"fieldname": "opened", "label": _("Opened"), "fieldtype": "Datetime", "width": 160},
	]


def chart(groups: list[dict]) -> dict:
	return {
		"data": {
			"labels": [f"{g['service_type']} ({g['priority']})" for g in groups],
			"datasets": [
				{
					"name": _("Responded in Time %"),
					"values": [g["responded_in_time_percent"] or 0 for g in groups],
				}
			],
		},
		"type": "bar",
		"colors": ["#29CD42"],
	}


def summary(total: dict | None, previous: float | None) -> list[dict]:
	met = total["responded_in_time_percent"] if total else None
	return [
		{"label": _("Requests"), "value": total["requests"] if total else 0, "datatype": "Int"},
		{
			"label": _("Responded in Time"),
			"value": met or 0,
			"datatype": "Percent",
			"indicator": "Green" if met is not None and met >= 90 else "Orange",
		},
		{"label": _("Previous Period"), "value": previous or 0, "datatype": "Percent", "indicator": "Grey"},
		{
			"label": _("Mean Hours to Arrive On Site"),
			"value": (total or {}).get("mean_on_site_hours") or 0,
			"datatype": "Float",
		},
		{
			"label": _("Breaches"),
			"value": total["breaches"] if total else 0,
			"datatype": "Int",
			"indicator": "Red" if total and total["breaches"] else "Green",
		},
	]
