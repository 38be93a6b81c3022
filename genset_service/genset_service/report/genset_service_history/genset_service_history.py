# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Genset Service History: one genset's, or one customer's gensets', whole life in order: the life
events (delivery, arrival, commissioning, warranty end), the planned and done services, inspections,
requests, service reports with their parts, return visits, running-hours readings and the customer's
surveys. One bulk read per kind of record; what to read of each kind is data (SOURCES)."""

from collections import defaultdict
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import get_datetime, strip_html

from genset_service.reporting import check_filters, report_column

UNIT = "Genset Unit"
MAX_ROWS = 2000
MILESTONES = (
	("delivery_date", "Delivered"),
	("arrival_date", "Arrived"),
	("commissioning_date", "Commissioned"),
	("warranty_end_date", "Warranty Ends"),
)


@dataclass(frozen=True)
class Source:
	doctype: str
	event: str  # label; may name a field in braces, e.g. "{inspection_kind} Inspection"
	when: str  # date or datetime field
	by: str | None
	details: tuple[str, ...]  # fields shown, joined
	hours: str | None = None
	filters: tuple = ()
	customer_level: bool = False  # linked to the customer, not to a unit


SOURCES = (
	Source(
		"Genset Service Task",
		"{service_type}: {status}",
		"due_from",
		"assigned_to",
		("notes",),
		None,
		(("status", "!=", "Cancelled"),),
	),
	Source(
		"Genset Inspection",
		"{inspection_kind} Inspection",
		"inspection_date",
		"inspector",
		("result", "remarks"),
		"running_hours",
		(("docstatus", "=", 1),),
	),
	Source(
		"Genset Service Request",
		"Request: {service_type}",
		"opening_date",
		None,
		("status", "description"),
		None,
		(("status", "!=", "Cancelled"),),
	),
	Source(
		"Genset Service Report",
		"Service Report: {service_type}",
		"end_time",
		"engineer",
		("work_done",),
		"running_hours",
		(("docstatus", "=", 1),),
	),
	Source(
		"Genset Return Visit",
		"Return Visit",
		"visit_date",
		"visited_by",
		("usage", "feedback"),
		"running_hours",
		(("docstatus", "=", 1),),
	),
	Source(
		"Genset Running Hours Reading",
		"Reading ({source})",
		"reading_time",
		"recorded_by",
		("remarks",),
		"hours",
	),
	Source(
		"Genset Satisfaction Survey",
		"Survey Answered",
		"answered_on",
		None,
		("suggestions",),
		None,
		(("status", "=", "Answered"),),
		customer_level=True,
	),
)


def _label(template: str, row) -> str:
	return template.format(**{key: _(str(row.get(key) or "")) for key in _fields_of(template)})


def _fields_of(template: str) -> list[str]:
	return [part.split("}")[0] for part in template.split("{")[1:]]


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters, require_dates=False)
	if not filters.get("unit") and not filters.get("customer"):
		frappe.throw(_("Choose a genset or a customer."), title=_("Missing Filter"))
	conditions = {"status": ("!=", "Cancelled")}
	if filters.get("unit"):
		conditions["name"] = filters.unit
	if filters.get("customer"):
		conditions["customer"] = filters.customer
	units = frappe.get_list(
		UNIT,
		filters=conditions,
		fields=["name", "customer", *(field for field, _label in MILESTONES)],
		limit_page_length=0,
	)
	if not units:
		return columns(), []
	customers = list({u.customer for u in units})
	events = [
		{
			"when": get_datetime(unit.get(field)),
			"unit": unit.name,
			"event": _(label),
			"doctype": UNIT,
			"document": unit.name,
		}
		for unit in units
		for field, label in MILESTONES
		if unit.get(field)
	]
	period = (
		[get_datetime(filters.from_date), get_datetime(f"{filters.to_date} 23:59:59")]
		if filters.from_date
		else None
	)
	if period:
		events = [e for e in events if period[0] <= e["when"] <= period[1]]
	for source in SOURCES:
		# one genset: its own records (and its customer's surveys); a customer: all its records by the
		# customer column, which every kind carries (no list of thousands of gensets in the query)
		if filters.get("unit"):
			link = ("customer", "in", customers) if source.customer_level else ("unit", "=", filters.unit)
		else:
			link = ("customer", "=", filters.customer)
		when = (source.when, "between", period) if period else (source.when, "is", "set")
		fields = {"name", source.when, *source.details, *_fields_of(source.event)}
		fields |= {f for f in (source.by, source.hours) if f}
		if not source.customer_level:
			fields.add("unit")
		for row in frappe.get_all(
			source.doctype,
			filters=[link, when, *source.filters],
			fields=list(fields),
			order_by=f"{source.when} asc",
			limit=MAX_ROWS + 1,  # the earliest of each kind: no more can be shown
		):
			events.append(
				{
					"when": get_datetime(row.get(source.when)),
					"unit": row.get("unit"),
					"event": _label(source.event, row),
					"doctype": source.doctype,
					"document": row.name,
					"details": " · ".join(
						strip_html(str(row.get(f)))[:200] for f in source.details if row.get(f)
					),
					"by": row.get(source.by) if source.by else None,
					"running_hours": row.get(source.hours) if source.hours else None,
				}
			)
	parts = defaultdict(list)
	reports = [e["document"] for e in events if e["doctype"] == "Genset Service Report"]
	for parent, item, qty in frappe.get_all(
		"Genset Service Report Part",
		filters={"parent": ("in", reports or [""]), "parenttype": "Genset Service Report"},
		fields=["parent", "item_code", "qty"],
		as_list=True,
	):
		parts[parent].append(f"{item} × {frappe.format(qty, 'Float')}")
	for event in events:
		if event["document"] in parts:
			event["parts"] = ", ".join(parts[event["document"]])
	events.sort(key=lambda e: (e["when"], e["unit"] or "", e["event"]))
	message = None
	if len(events) > MAX_ROWS:
		message = _("The first {0} events are shown: choose a genset or a shorter period.").format(MAX_ROWS)
		events = events[:MAX_ROWS]
	counts = defaultdict(int)
	for event in events:
		counts[event["doctype"]] += 1
	summary = [
		{"label": _(doctype), "value": count, "datatype": "Int"} for doctype, count in sorted(counts.items())
	]
	return columns(), events, message, None, summary


def columns() -> list[dict]:
	return [
		{"fieldname": "when", "label": _("Date"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "unit", "label": _("Genset"), "fieldtype": "Link", "options": UNIT, "width": 150},
		{"fieldname": "event", "label": _("Event"), "fieldtype": "Data", "width": 240},
		{
			"fieldname": "doctype",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 180,
		},
		{
			"fieldname": "document",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "doctype",
			"width": 170,
		},
		{"fieldname": "details", "label": _("Details"), "fieldtype": "Data", "width": 300},
		{"fieldname": "parts", "label": _("Parts"), "fieldtype": "Data", "width": 200},
		{"fieldname": "by", "label": _("By"), "fieldtype": "Link", "options": "User", "width": 160},
		report_column("running_hours", _("Running Hours")),
	]
