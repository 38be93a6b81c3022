# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from genset_service.access.guard import AppDocument


class GensetServiceSettings(AppDocument):
	def validate(self):
		if self.repeat_visit_days is not None and not 1 <= self.repeat_visit_days <= 365:
			frappe.throw(
				_("{0} must be from 1 to 365 days, not {1}.").format(
					frappe.bold(_(self.meta.get_label("repeat_visit_days"))), self.repeat_visit_days
				),
				title=_("Invalid Window"),
			)
		if self.background_planning_threshold is not None and self.background_planning_threshold < 1:
			frappe.throw(
				_("{0} must be 1 or more, not {1}.").format(
					frappe.bold(_(self.meta.get_label("background_planning_threshold"))),
					self.background_planning_threshold,
				),
				title=_("Invalid Threshold"),
			)
