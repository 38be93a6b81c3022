# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""SLA Compliance: per on-demand service type and priority, the requests opened in the period and
their three clocks (acknowledge, on site, restored): the share met in time, mean and 90th-percentile
hours from the opening to each event, and the breached requests listed under their group with the
clocks they missed. The rules are in genset_service.analytics.sla."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from genset_service.analytics.sla import CLOCKS, LABELS, ClockTimes, RequestTimes, breaches, compliance
from genset_service.reporting import check_filters, chosen, datetime_range, previous_range, report_column

REQUEST, REPORT = "Genset Service Request", "Genset Service Report"


def _dt(value):
	return get_datetime(value) if value else None


def request_times(filters) -> list[RequestTimes]:
	"""The period's requests (the user's permissions apply) with their clocks. Requests from before
	the clocks have no on-site or restored time of their own: their resolving report's start and end
	stand in."""
	start, end = datetime_range(filters)
	conditions = {"opening_date": ("between", [start, end]), "status": ("!=", "Cancelled")}
	conditions.update(chosen(filters, ("company", "customer", "item_code", "service_type")))
	requests = frappe.get_list(
		REQUEST,
		filters=conditions,
		fields=[
			"name",
			"service_type",
			"priority",
			"opening_date",
			"status",
			"acknowledge_by",
			"acknowledged_on",
			"on_site_by",
			"on_site_on",
			"restored_by",
			"restored_on",
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
				acknowledge=ClockTimes(_dt(r.acknowledge_by), _dt(r.acknowledged_on)),
				on_site=ClockTimes(
					_dt(r.on_site_by), _dt(r.on_site_on) or (_dt(report.start_time) if report else None)
				),
				restored=ClockTimes(
					_dt(r.restored_by), _dt(r.restored_on) or (_dt(report.end_time) if report else None)
				),
			)
		)
	return facts


def met_percent(filters) -> float | None:
	"""Share of the period's requests with a promise that met every promised clock (the SLA card)."""
	rows = compliance(request_times(filters), now_datetime())
	return rows[-1]["met_percent"] if rows else None


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
	def column(fieldname, label, fieldtype="Float", width=140, **extra):
		return report_column(fieldname, label, fieldtype, width, **extra)

	per_clock = []
	for name in CLOCKS:
		title = _(LABELS[name])
		per_clock += [
			column(f"{name}_in_time_percent", _("{0} in Time %").format(title), "Percent", 150),
			column(f"mean_{name}_hours", _("Mean Hours to {0}").format(title), width=160),
			column(f"p90_{name}_hours", _("P90 Hours to {0}").format(title), width=160),
		]
	return [
		column("service_type", _("Service Type"), "Data", 200),
		column("priority", _("Priority"), "Data", 90),
		column("requests", _("Requests"), "Int", 90),
		column("met_percent", _("SLA Met %"), "Percent", 110),
		*per_clock,
		column("breaches", _("Breaches"), "Int", 90),
		column("request", _("Breached Request"), "Link", 160, options=REQUEST),
		column("breach", _("Missed"), "Data", 200),
		column("opened", _("Opened"), "Datetime", 160),
	]


def chart(groups: list[dict]) -> dict:
	return {
		"data": {
			"labels": [f"{g['service_type']} ({g['priority']})" for g in groups],
			"datasets": [
				{
					"name": _("{0} in Time %").format(_(LABELS[name])),
					"values": [g[f"{name}_in_time_percent"] or 0 for g in groups],
				}
				for name in CLOCKS
			],
		},
		"type": "bar",
	}


def summary(total: dict | None, previous: float | None) -> list[dict]:
	total = total or {}
	met = total.get("met_percent")
	return [
		{"label": _("Requests"), "value": total.get("requests", 0), "datatype": "Int"},
		{
			"label": _("SLA Met"),
			"value": met or 0,
			"datatype": "Percent",
			"indicator": "Green" if met is not None and met >= 90 else "Orange",
		},
		{"label": _("Previous Period"), "value": previous or 0, "datatype": "Percent", "indicator": "Grey"},
		{
			"label": _("Acknowledged in Time"),
			"value": total.get("acknowledge_in_time_percent") or 0,
			"datatype": "Percent",
		},
		{
			"label": _("On Site in Time"),
			"value": total.get("on_site_in_time_percent") or 0,
			"datatype": "Percent",
		},
		{
			"label": _("Mean Hours to Arrive On Site"),
			"value": total.get("mean_on_site_hours") or 0,
			"datatype": "Float",
		},
		{
			"label": _("Breaches"),
			"value": total.get("breaches", 0),
			"datatype": "Int",
			"indicator": "Red" if total.get("breaches") else "Green",
		},
	]
