# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from genset_service.access.guard import AppDocument
from genset_service.scheduling.address import site_display, tidy_display
from genset_service.scheduling.common import UNIT_GONE, unit_key
from genset_service.scheduling.tasks import close_until_arrival
from genset_service.scheduling.unit import replan, set_milestones, unit_plan

# recording these re-bases the plan
EVENT_FIELDS = ("arrival_date", "eta_date", "commissioning_date", "running_hours", "delivery_date")


class GensetUnit(AppDocument):
	def validate(self):
		if not self.delivery_date:
			frappe.throw(_("{0} is required.").format(frappe.bold(_("Delivery Date"))))
		if self.status in UNIT_GONE and not self.is_new() and self._events_changed():
			frappe.throw(
				_(
					"Unit {0} is {1} (its Delivery Note was cancelled or returned); its dates can no longer change."
				).format(self.name, _(self.status).lower())
			)
		if self.site_address and self.has_value_changed("site_address"):
			self.site_address_display = site_display(self.site_address)
		else:
			self.site_address_display = tidy_display(self.site_address_display, drop_none=True)
		self.unit_key = unit_key(self)
		self.flags.plan = unit_plan(self)
		set_milestones(self, self.flags.plan)

	def on_update(self):
		if self.status not in UNIT_GONE and (self.flags.in_insert or self._events_changed()):
			replan(self, self.flags.plan)
			before = self.get_doc_before_save()
			if self.arrival_date and not (before and before.arrival_date):
				# the genset is there: following it on its way is done
				close_until_arrival({self.name: self.arrival_date})

	def _events_changed(self) -> bool:
		# not has_value_changed(): it reads a cleared date as today (getdate(None)), so un-recording
		# an event recorded today would go unnoticed
		before = self.get_doc_before_save()
		if not before:
			return True
		return any(str(before.get(field) or "") != str(self.get(field) or "") for field in EVENT_FIELDS)
