# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Genset Reliability: per model, the units in service, their failures (requests of the service types
that count as a failure: field maintenance and emergency rescue as installed), MTBF in running hours
and in days, MTTR, availability, and under each model its units with their next expected failure.
Running hours come from the reading log; the rules are in genset_service.analytics.reliability."""

import dataclasses
from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Max, Min
from frappe.utils import flt, get_datetime, now_datetime

from genset_service.analytics.reliability import Failure, UnitLife, reliability
from genset_service.planning.readings import hours_at
from genset_service.reporting import check_filters, chosen, datetime_range, previous_range, report_column

UNIT, REQUEST, REPORT = "Genset Unit", "Genset Service Request", "Genset Service Report"
READING = "Genset Running Hours Reading"


def facts(filters) -> tuple[list[UnitLife], list[Failure]]:
	_start, end = datetime_range(filters)
	conditions = {"status": ("!=", "Cancelled"), "commissioning_date": ("<=", filters.to_date)}
	conditions.update(chosen(filters, ("company", "customer", "item_code")))
	units = frappe.get_list(
		UNIT, filters=conditions, fields=["name", "item_code", "commissioning_date"], limit_page_length=0
	)
	names = [u.name for u in units]
	if not names:
		return [], []
	timelines = timelines_around(names, get_datetime(filters.from_date), end)
	requests = frappe.get_all(
		REQUEST,
		filters={
			"unit": ("in", names),
			"service_type": ("in", failure_types(filters) or [""]),
			"status": ("!=", "Cancelled"),
			"opening_date": ("<=", end),
		},
		fields=["name", "unit", "opening_date", "status"],
	)
	resolving = resolving_reports([r.name for r in requests])
	by_reference = dict(
		frappe.get_all(
			READING,
			filters={"reading_key": ("in", [f"{REPORT}:{r.name}" for r in resolving.values()] or [""])},
			fields=["reference_name", "lifetime_hours"],
			as_list=True,
		)
	)
	failures = []
	for r in requests:
		opened = get_datetime(r.opening_date)
		report = resolving.get(r.name) if r.status in ("Resolved", "Closed") else None
		hours = by_reference.get(report.name) if report else None
		failures.append(
			Failure(
				unit=r.unit,
				opened=opened,
				resolved=get_datetime(report.end_time) if report else None,
				hours=flt(hours) if hours is not None else hours_at(timelines[r.unit], opened),
			)
		)
	lives = [
		UnitLife(
			name=u.name,
			model=u.item_code,
			in_service_from=get_datetime(u.commissioning_date),
			timeline=timelines[u.name],
		)
		for u in units
	]
	return lives, failures


def timelines_around(units: list[str], start, end) -> dict:
	"""Per unit, the readings that bracket the period's start and its end, which is all the report
	reads of the log (lifetime hours never decrease in time, so a reading's neighbours are the
	greatest before and the least after): one aggregated query, not every reading."""
	reading = frappe.qb.DocType(READING)
	before_start, after_start = reading.reading_time <= start, reading.reading_time > start
	before_end, after_end = reading.reading_time <= end, reading.reading_time > end

	def when(condition, field):
		return Case().when(condition, field)

	rows = (
		frappe.qb.from_(reading)
		.select(
			reading.unit,
			Max(when(before_start, reading.reading_time)),
			Max(when(before_start, reading.lifetime_hours)),
			Min(when(after_start, reading.reading_time)),
			Min(when(after_start, reading.lifetime_hours)),
			Max(when(before_end, reading.reading_time)),
			Max(when(before_end, reading.lifetime_hours)),
			Min(when(after_end, reading.reading_time)),
			Min(when(after_end, reading.lifetime_hours)),
		)
		.where(reading.unit.isin(units))
		.groupby(reading.unit)
		.run()
	)
	timelines = defaultdict(list)
	for unit, *values in rows:
		points = {
			get_datetime(at): flt(hours)
			for at, hours in zip(values[0::2], values[1::2], strict=True)
			if at is not None
		}
		timelines[unit] = sorted(points.items())
	return timelines


def resolving_reports(requests: list[str]) -> dict:
	"""The submitted report that resolved each request (the last to end)."""
	resolving = {}
	for row in frappe.get_all(
		REPORT,
		filters={"service_request": ("in", requests or [""]), "docstatus": 1},
		fields=["name", "service_request", "end_time"],
		order_by="end_time asc",
	):
		resolving[row.service_request] = row
	return resolving


def mean_time_to_repair(filters) -> float | None:
	"""MTTR of the failures opened in the period (the card, and the previous period in the summary):
	it needs the failures and their reports only."""
	start, end = datetime_range(filters)
	conditions = {
		"service_type": ("in", failure_types(filters) or [""]),
		"status": ("in", ("Resolved", "Closed")),
		"opening_date": ("between", [start, end]),
		"unit": ("is", "set"),
	}
	conditions.update(chosen(filters, ("company", "customer", "item_code")))
	requests = frappe.get_list(
		REQUEST, filters=conditions, fields=["name", "opening_date"], limit_page_length=0
	)
	resolving = resolving_reports([r.name for r in requests])
	hours = [
		(get_datetime(resolving[r.name].end_time) - get_datetime(r.opening_date)).total_seconds() / 3600
		for r in requests
		if r.name in resolving
	]
	return round(sum(hours) / len(hours), 1) if hours else None


def failure_types(filters) -> list[str]:
	types = frappe.get_all("Genset Service Type", filters={"counts_as_failure": 1}, pluck="name")
	return [t for t in types if t == filters.service_type] if filters.get("service_type") else types


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	start, end = datetime_range(filters)
	end = min(end, now_datetime())
	units, failures = facts(filters)
	models, unit_rows = reliability(units, failures, start, end)
	total, _rows = reliability([dataclasses.replace(u, model="") for u in units], failures, start, end)
	previous = mean_time_to_repair(previous_range(filters))
	by_model = defaultdict(list)
	for row in unit_rows:
		by_model[row["model"]].append(row)
	data = []
	for model in models:
		data.append({**model, "name": model["model"], "indent": 0})
		data.extend({**row, "name": row["unit"], "indent": 1} for row in by_model[model["model"]])
	return columns(), data, None, chart(models), summary(total[0] if total else None, previous)


def columns() -> list[dict]:
	def column(fieldname, label, fieldtype="Float", width=120, **extra):
		return report_column(fieldname, label, fieldtype, width, **extra)

	return [
		column("name", _("Model / Genset"), "Data", 220),
		column("units", _("Units in Service"), "Int"),
		column("failures", _("Failures"), "Int", 90),
		column("run_hours", _("Running Hours")),
		column("service_days", _("Days in Service")),
		column("mtbf_hours", _("MTBF (Hours)")),
		column("mtbf_days", _("MTBF (Days)")),
		column("mttr_hours", _("MTTR (Hours)")),
		column("downtime_hours", _("Downtime (Hours)")),
		column("availability", _("Availability %"), "Percent"),
		column("last_failure", _("Last Failure"), "Datetime", 160),
		column("next_failure_hours", _("Next Failure Expected at (Hours)"), width=200),
		column("next_failure_on", _("Next Failure Expected On"), "Datetime", 180),
	]


def chart(models: list[dict]) -> dict:
	return {
		"data": {
			"labels": [m["model"] for m in models],
			"datasets": [{"name": _("MTBF (Hours)"), "values": [m["mtbf_hours"] or 0 for m in models]}],
		},
		"type": "bar",
	}


def summary(total: dict | None, previous: float | None) -> list[dict]:
	total = total or {}
	return [
		{"label": _("Units in Service"), "value": total.get("units", 0), "datatype": "Int"},
		{"label": _("Failures"), "value": total.get("failures", 0), "datatype": "Int"},
		{"label": _("MTBF (Hours)"), "value": total.get("mtbf_hours") or 0, "datatype": "Float"},
		{"label": _("MTTR (Hours)"), "value": total.get("mttr_hours") or 0, "datatype": "Float"},
		{
			"label": _("MTTR, Previous Period"),
			"value": previous or 0,
			"datatype": "Float",
			"indicator": "Grey",
		},
		{
			"label": _("Availability"),
			"value": total.get("availability") or 0,
			"datatype": "Percent",
			"indicator": "Green" if (total.get("availability") or 0) >= 99 else "Orange",
		},
	]
