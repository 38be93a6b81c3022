# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Shipments in Transit: the logistics specialist's list of live shipments with their ETA, days late,
last milestone and next leg, the latest first to arrive."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from genset_service.logistics import model as M
from genset_service.logistics.common import SHIPMENT, SHIPMENT_UNIT
from genset_service.reporting import check_filters, chosen, report_column


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters, require_dates=False)
	conditions = {"status": ("in", [filters.status] if filters.get("status") else list(M.Status.LIVE))}
	conditions.update(chosen(filters, ("company", "customer", "mode", "carrier_account")))
	if filters.get("late_only"):
		conditions["days_late"] = (">", 0)
	rows = frappe.get_list(
		SHIPMENT,
		filters=conditions,
		fields=[
			"name",
			"customer",
			"lane",
			"mode",
			"status",
			"planned_eta",
			"eta",
			"days_late",
			"last_event",
			"last_event_on",
			"next_leg",
			"tracking_url",
		],
		order_by="eta asc, name asc",
		limit_page_length=0,
	)
	counts = {}
	if rows:
		table = frappe.qb.DocType(SHIPMENT_UNIT)
		counts = dict(
			frappe.qb.from_(table)
			.select(table.parent, Count("*"))
			.where(table.parenttype == SHIPMENT)
			.where(table.parent.isin([row.name for row in rows]))
			.groupby(table.parent)
			.run()
		)
	for row in rows:
		row.gensets = counts.get(row.name, 0)
		row.status = _(row.status)
		row.last_event = _(row.last_event) if row.last_event else None
	return columns(), rows, None, None, summary(rows)


def columns():
	return [
		report_column("name", _("Shipment"), "Link", 150, options=SHIPMENT),
		report_column("customer", _("Customer"), "Link", 160, options="Customer"),
		report_column("lane", _("Lane"), "Data", 220),
		report_column("mode", _("Mode"), "Data", 80),
		report_column("status", _("Status"), "Data", 120),
		report_column("gensets", _("Gensets"), "Int", 80),
		report_column("planned_eta", _("Planned Arrival"), "Date", 110),
		report_column("eta", _("ETA"), "Date", 110),
		report_column("days_late", _("Days Late"), "Int", 90),
		report_column("last_event", _("Last Milestone"), "Data", 140),
		report_column("last_event_on", _("Last Milestone On"), "Datetime", 160),
		report_column("next_leg", _("Next Leg"), "Data", 200),
		report_column("tracking_url", _("Tracking"), "Data", 160),
	]


def summary(rows):
	late = sum(1 for row in rows if row.days_late)
	return [
		{"value": len(rows), "label": _("Shipments"), "datatype": "Int", "indicator": "Blue"},
		{"value": late, "label": _("Late"), "datatype": "Int", "indicator": "Red" if late else "Green"},
	]
