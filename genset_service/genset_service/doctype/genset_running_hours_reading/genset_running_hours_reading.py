# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


import frappe

from genset_service.access.guard import AppDocument
from genset_service.scheduling import readings
from genset_service.scheduling.common import live_unit


class GensetRunningHoursReading(AppDocument):
	"""One hour-meter reading of a genset. Written by every path that records hours (inspections,
	service reports, return visits, the portal, the API, the desk) through
	genset_service.scheduling.readings; the unit shows the latest. A reading is never edited: a wrong
	one is deleted (a document's own reading goes when the document is cancelled)."""

	def validate(self):
		if self.is_new():
			live_unit(self.unit, [])
			readings.lock_unit(self.unit)
			readings.check_reading(self.unit, self.hours, self.reading_time, self.meter_replaced)

	def after_insert(self):
		readings.after_change(self.unit)

	def on_trash(self):
		readings.lock_unit(self.unit)
		if self.meter_replaced:
			readings.check_removal(self.unit, self.name)
		readings.after_change(self.unit, removed=self.name)


def on_doctype_update():
	# each unit's latest reading, read in bulk for every batch of reported running hours
	frappe.db.add_index("Genset Running Hours Reading", ["unit", "reading_time"])
