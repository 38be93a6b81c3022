# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Chart source: per month of the last twelve, the on-time delivery % (or the average transit days)
of the busiest lanes (the Shipment Lanes report's figures)."""

import frappe
from frappe import _

from genset_service.dashboard.months import chart_filters, last_months
from genset_service.genset_service.report.shipment_lanes.shipment_lanes import delivered
from genset_service.logistics import model as M

LANES = 4
LOGISTICS_READERS = ("System Manager", "Service Manager", "Sales Manager", "Logistics Specialist")


@frappe.whitelist()
@frappe.read_only()
def get(filters=None, **_chart):
	if frappe.session.user != "Administrator" and not set(LOGISTICS_READERS) & set(frappe.get_roles()):
		raise frappe.PermissionError(_("The logistics figures are for the logistics and service teams."))
	company = chart_filters(filters)  # a 417 for filters that are not JSON
	parsed = frappe.parse_json(filters) if isinstance(filters, str) and filters.strip() else filters
	measure = parsed.get("measure") if isinstance(parsed, dict) else None
	months, period = last_months(12, company)
	figures = M.lane_months(delivered(period))
	volume = {}
	for f in figures:
		volume[f.lane] = volume.get(f.lane, 0) + f.shipments
	lanes = sorted(volume, key=lambda lane: (-volume[lane], lane))[:LANES]
	by_key = {(f.lane, f.month): f for f in figures}
	transit = measure == "transit_days"
	return {
		"labels": months,
		"datasets": [
			{
				"name": lane,
				"values": [
					(
						(
							by_key[(lane, m)].average_transit_days
							if transit
							else by_key[(lane, m)].on_time_percent
						)
						if (lane, m) in by_key
						else 0
					)
					for m in months
				],
			}
			for lane in lanes
		]
		or [{"name": _("No deliveries"), "values": [0] * len(months)}],
		"fieldtype": "Float" if transit else "Percent",
	}
