# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from genset_service.access.guard import AppDocument
from genset_service.scheduling.common import unit_key
from genset_service.scheduling.unit import replan, set_milestones, unit_plan

# recording these re-bases the plan
EVENT_FIELDS = ("arrival_date", "commissioning_date", "running_hours", "delivery_date")


class GensetUnit(AppDocument):
	def validate(self):
		if not self.delivery_date:
			frappe.throw(_("{0} is required.").format(frappe.bold(_("Delivery Date"))))
		if self.status == "Cancelled" and not self.is_new() and self._events_changed():
			frappe.throw(
				_("Unit {0} was cancelled with its Delivery Note; its dates can no longer change.").format(
					self.name
				)
			)
		self.unit_key = unit_key(self)
		self.flags.plan = unit_plan(self)
		set_milestones(self, self.flags.plan)

	def on_update(self):
		if self.status != "Cancelled" and (self.flags.in_insert or self._events_changed()):
			replan(self, self.flags.plan)

	def _events_changed(self) -> bool:
		# not has_value_changed(): it reads a cleared date as today (getdate(None)), so un-recording
		# an event recorded today would go unnoticed
		before = self.get_doc_before_save()
		if not before:
			return True
		return any(str(before.get(field) or "") != str(self.get(field) or "") for field in EVENT_FIELDS)
