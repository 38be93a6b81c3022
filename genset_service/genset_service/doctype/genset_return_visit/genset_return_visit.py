# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import getdate

from genset_service.scheduling import voice
from genset_service.scheduling.unit import record_running_hours

SERVICE = "Customer Return Visit"


class GensetReturnVisit(Document):
	def validate(self):
		voice.validate_visit(self, SERVICE)

	def on_submit(self):
		if self.running_hours:
			record_running_hours(self.unit, self.running_hours, getdate(self.visit_date))
		voice.complete_visit_task(self, SERVICE, self.visit_date, self.visited_by)

	def on_cancel(self):
		voice.reopen_visit_task(self)
