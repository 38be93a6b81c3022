# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import flt, get_time

from genset_service.access.guard import AppDocument

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class GensetEngineer(AppDocument):
	"""A service user who goes to gensets: home base, working hours and days (a Holiday List for days
	off), skills (service types), certified models or kVA range, territory. Only an engineer checks in
	at a genset; dispatch reads these."""

	def validate(self):
		if frappe.db.get_value("User", self.user, "user_type") != "System User":
			frappe.throw(_("{0} is not a desk user; an engineer signs in to the desk.").format(self.user))
		if get_time(self.working_to) <= get_time(self.working_from):
			frappe.throw(
				_("Working hours end ({0}) before they start ({1}).").format(
					self.working_to, self.working_from
				),
				title=_("Invalid Working Hours"),
			)
		if not any(self.get(day) for day in DAYS):
			frappe.throw(_("Choose at least one working day."), title=_("No Working Days"))
		if flt(self.max_kva) and flt(self.min_kva) > flt(self.max_kva):
			frappe.throw(
				_("Certified from {0} kVA up to {1} kVA: the range is reversed.").format(
					self.min_kva, self.max_kva
				),
				title=_("Invalid kVA Range"),
			)
		disabled = [
			row.service_type
			for row in self.skills
			if not frappe.db.get_value("Genset Service Type", row.service_type, "enabled")
		]
		if disabled:
			frappe.throw(
				_("Unknown or disabled service type as a skill: {0}.").format(", ".join(disabled)),
				title=_("Unknown Skill"),
			)
		skills = [row.service_type for row in self.skills]
		if len(skills) != len(set(skills)):
			frappe.throw(_("A skill is listed twice."), title=_("Duplicate Skill"))
