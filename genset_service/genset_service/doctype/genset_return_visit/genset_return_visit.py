# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.scheduling import voice
from genset_service.scheduling.readings import (
	check_reading,
	reading_time_of_day,
	record_reading,
	remove_reading,
)

SERVICE = "Customer Return Visit"


class GensetReturnVisit(AppDocument):
	def validate(self):
		voice.validate_visit(self, SERVICE)
		if self.running_hours and self.docstatus == 0:
			check_reading(self.unit, self.running_hours, reading_time_of_day(self.visit_date))

	def on_submit(self):
		if self.running_hours:
			record_reading(
				self.unit,
				self.running_hours,
				reading_time_of_day(self.visit_date),
				"Return Visit",
				self.doctype,
				self.name,
			)
		voice.complete_visit_task(self, SERVICE, self.visit_date, self.visited_by)

	def on_cancel(self):
		if self.running_hours:
			remove_reading(self.doctype, self.name)
		voice.reopen_visit_task(self)
