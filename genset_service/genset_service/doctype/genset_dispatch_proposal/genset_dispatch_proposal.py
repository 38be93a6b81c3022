# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate

from genset_service.access.guard import AppDocument


class GensetDispatchProposal(AppDocument):
	"""An optimiser run over some days and engineers: the stops it proposes, what it could not place
	and why, its travel against the least-loaded plan and the independent check's verdict. Written by
	``dispatch.proposals``; applying or discarding it is an action, not an edit."""

	def validate(self):
		if self.from_date and self.to_date and getdate(self.to_date) < getdate(self.from_date):
			frappe.throw(_("To Date cannot be before From Date."), title=_("Invalid Dates"))
