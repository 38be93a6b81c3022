# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate

from genset_service.access.guard import AppDocument


class GensetServiceAgreement(AppDocument):
	"""What a customer is promised on its on-demand requests: hours per clock (acknowledge, on site,
	restored) per service type and priority, on a calendar (7x24, or service days less holidays). The
	default agreement applies to everyone; a Customer or Customer Group agreement beats it, and of
	several the stricter wins (genset_service.planning.clocks.choose_agreement)."""

	def validate(self):
		if self.applies_to != "Customer":
			self.customer = None
		if self.applies_to != "Customer Group":
			self.customer_group = None
		if self.applies_to == "Customer" and not self.customer:
			frappe.throw(_("Choose the customer this agreement is for."), title=_("Customer Required"))
		if self.applies_to == "Customer Group" and not self.customer_group:
			frappe.throw(
				_("Choose the customer group this agreement is for."), title=_("Customer Group Required")
			)
		# one enabled default agreement: a unique key, set while it is the enabled default
		self.default_key = "Default" if self.enabled and self.applies_to == "Default" else None
		if self.valid_from and self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(
				_("The agreement ends ({0}) before it starts ({1}).").format(
					frappe.format(self.valid_to, "Date"), frappe.format(self.valid_from, "Date")
				),
				title=_("Invalid Dates"),
			)
		self._check_targets()
		self._check_days()

	def _check_targets(self):
		on_demand = set(
			frappe.get_all("Genset Service Type", filters={"anchor_event": "On Demand"}, pluck="name")
		)
		seen = set()
		for row in self.targets:
			key = (row.service_type, row.priority)
			if row.service_type not in on_demand:
				frappe.throw(
					_("Row #{0}: {1} is not an on-demand service; only requests run clocks.").format(
						row.idx, frappe.bold(row.service_type)
					),
					title=_("Invalid Service"),
				)
			if key in seen:
				frappe.throw(
					_("Row #{0}: {1} at {2} priority is promised twice.").format(
						row.idx, row.service_type, row.priority
					),
					title=_("Duplicate Promise"),
				)
			seen.add(key)
			if not any((row.acknowledge_hours, row.on_site_hours, row.restored_hours)):
				frappe.throw(
					_("Row #{0}: promise at least one clock (acknowledge, on site or restored).").format(
						row.idx
					),
					title=_("Empty Promise"),
				)

	def _check_days(self):
		days = set()
		for row in self.service_days:
			if row.workday in days:
				frappe.throw(_("{0} is listed twice in the service days.").format(_(row.workday)))
			days.add(row.workday)
			if str(row.end_time) <= str(row.start_time):
				frappe.throw(
					_("Service day {0}: the hours end ({1}) before they start ({2}).").format(
						_(row.workday), row.end_time, row.start_time
					),
					title=_("Invalid Service Hours"),
				)
