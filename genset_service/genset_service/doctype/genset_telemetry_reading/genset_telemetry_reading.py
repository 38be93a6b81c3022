# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.access.guard import AppDocument


class GensetTelemetryReading(AppDocument):
	"""One raw measurement a genset's device sent: written in bulk by the telemetry path
	(genset_service.telemetry.ingest), never by hand, deleted after the days Genset Telemetry Settings
	keeps them (their hourly and daily rollups stay)."""


def on_doctype_update():
	# the unit page and the portal (last reading of each metric), the rollup job (by device and time,
	# and what was stored since its last run)
	frappe.db.add_index("Genset Telemetry Reading", ["unit", "metric", "reading_time"])
	frappe.db.add_index("Genset Telemetry Reading", ["device", "reading_time"])
	frappe.db.add_index("Genset Telemetry Reading", ["creation"])
