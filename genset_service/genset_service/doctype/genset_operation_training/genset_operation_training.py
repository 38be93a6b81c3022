# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from genset_service.access.guard import AppDocument
from genset_service.scheduling import voice
from genset_service.scheduling.common import require_signoff

SERVICE = "Operation Training"


class GensetOperationTraining(AppDocument):
	def validate(self):
		voice.validate_visit(self, SERVICE)
		if not self.attendees:
			frappe.throw(_("List who attended the training."), title=_("Attendees Required"))

	def before_submit(self):
		require_signoff(self)

	def on_submit(self):
		voice.complete_visit_task(self, SERVICE, self.training_date, self.trainer)

	def on_cancel(self):
		voice.reopen_visit_task(self)
