# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Shipment Lanes: per lane (origin -> destination, mode) and month of delivery, the shipments
delivered, the share on time (by their planned arrival) and the average transit days."""

import frappe
from frappe import _
from frappe.utils import get_datetime

from genset_service.logistics import model as M
from genset_service.logistics.common import SHIPMENT
from genset_service.reporting import check_filters, chosen, datetime_range, report_column


def delivered(filters) -> list[M.Delivered]:
	"""The shipments delivered in the period (one query)."""
	start, end = datetime_range(filters)
	conditions = {"status": M.Status.DELIVERED, "delivered_on": ("between", [start, end])}
	conditions.update(chosen(filters, ("company", "mode", "carrier_account")))
	return [
		M.Delivered(
			lane=row.lane or "",
			departed=get_datetime(row.departed_on) if row.departed_on else None,
			delivered=get_datetime(row.delivered_on),
			planned_eta=row.planned_eta,
		)
		for row in frappe.get_list(
			SHIPMENT,
			filters=conditions,
			fields=["lane", "departed_on", "delivered_on", "planned_eta"],
			limit_page_length=0,
		)
	]


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	figures = M.lane_months(delivered(filters))
	rows = [
		{
			"lane": f.lane,
			"month": f.month,
			"shipments": f.shipments,
			"on_time": f.on_time,
			"on_time_percent": f.on_time_percent,
			"transit_days": f.average_transit_days,
		}
		for f in figures
	]
	months = sorted({f.month for f in figures})
	chart = {
		"data": {
			"labels": months,
			"datasets": [
				{
					"name": lane,
					"values": [
						next((f.on_time_percent for f in figures if f.lane == lane and f.month == m), 0)
						for m in months
					],
				}
				for lane in sorted({f.lane for f in figures})
			],
		},
		"type": "line",
		"fieldtype": "Percent",
	}
	return columns(), rows, None, chart if rows else None


def columns():
	return [
		report_column("lane", _("Lane"), "Data", 240),
		report_column("month", _("Month"), "Data", 90),
		report_column("shipments", _("Delivered"), "Int", 90),
		report_column("on_time", _("On Time"), "Int", 90),
		report_column("on_time_percent", _("On Time %"), "Percent", 100),
		report_column("transit_days", _("Average Transit Days"), "Float", 150),
	]
