# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.access.guard import AppDocument


class GensetTelemetryEvent(AppDocument):
	"""What a genset's device told beyond its measurements: an alarm raised or cleared (and the request
	it opened, joined or was noted on), running hours flagged, silence and its end, a Sparkplug sequence
	gap or death. A log: written by the app once per event (its name is the event's key), never edited."""


def on_doctype_update():
	frappe.db.add_index("Genset Telemetry Event", ["unit", "event_time"])
