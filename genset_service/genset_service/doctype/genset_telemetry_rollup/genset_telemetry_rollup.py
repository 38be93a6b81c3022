# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.access.guard import AppDocument


class GensetTelemetryRollup(AppDocument):
	"""One metric of one genset over an hour or a day (genset_service.telemetry.rollup): what the charts
	read once the raw readings are gone. Written by the hourly rollup job only."""


def on_doctype_update():
	frappe.db.add_index("Genset Telemetry Rollup", ["unit", "period", "metric", "period_start"])
	frappe.db.add_index("Genset Telemetry Rollup", ["device", "period", "period_start"])
	# what is past its keeping, found by period and start
	frappe.db.add_index("Genset Telemetry Rollup", ["period", "period_start"])
