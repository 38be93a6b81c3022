# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from genset_service.access.guard import AppDocument


class GensetInspectionTemplate(AppDocument):
	def validate(self):
		for row in self.items:
			if (
				row.reading_type == "Numeric"
				and row.max_value
				and row.min_value
				and row.max_value < row.min_value
			):
				frappe.throw(
					_("Row #{0} ({1}): Max cannot be below Min.").format(row.idx, row.checkpoint),
					title=_("Invalid Checkpoint"),
				)
