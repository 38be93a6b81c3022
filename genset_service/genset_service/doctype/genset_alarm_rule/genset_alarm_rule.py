# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from genset_service.access.guard import AppDocument
from genset_service.planning import Event
from genset_service.telemetry import model
from genset_service.telemetry.common import rule_name


class GensetAlarmRule(AppDocument):
	"""What an alarm of a controller family opens: its severity, the on-demand service and its priority.
	A family's own rule comes before the rule of every family (*); an alarm no rule names opens a
	Remote Support check at low priority. Its name is the family and the code, so each pair has one rule."""

	def autoname(self):
		self.normalise()
		self.name = rule_name(self.controller_family, self.alarm_code)

	def normalise(self):
		self.controller_family = (self.controller_family or "").strip() or model.ANY_FAMILY
		self.alarm_code = model.alarm_code(self.alarm_code)

	def validate(self):
		self.normalise()
		if not self.alarm_code:
			frappe.throw(_("Give the alarm's code or name."), title=_("Invalid Alarm Rule"))
		if not self.is_new() and rule_name(self.controller_family, self.alarm_code) != self.name:
			frappe.throw(
				_("A rule's family and code are its name: make a new rule instead of changing them."),
				title=_("Invalid Alarm Rule"),
			)
		if self.service_type:
			service = frappe.db.get_value(
				"Genset Service Type", self.service_type, ["anchor_event", "enabled"], as_dict=True
			)
			if not service or service.anchor_event != Event.ON_DEMAND:
				frappe.throw(
					_(
						"{0} is not an on-demand service: an alarm can only open a service a customer could request."
					).format(frappe.bold(self.service_type)),
					title=_("Invalid Alarm Rule"),
				)
