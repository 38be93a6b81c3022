# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from frappe.utils import add_months, getdate, nowdate

from genset_service.access.guard import AppDocument
from genset_service.planning import TermsError, contract_status
from genset_service.scheduling.common import settings, terms_of, throw
from genset_service.scheduling.tasks import cancel_open_tasks


class GensetServiceContract(AppDocument):
	def validate(self):
		self.contract_key = contract_key(self)
		for row in self.items:
			try:
				terms_of(row).validate()
			except TermsError as error:
				throw(error, f"#{row.idx} {row.item_code}")
		if not self.end_date:
			# estimate until the gensets are commissioned: planned delivery + the longer of warranty and term
			self.end_date = max(
				add_months(getdate(row.delivery_date or self.start_date), terms_of(row).service_months)
				for row in self.items
			)

	def on_submit(self):
		self.db_set(
			"status",
			contract_status(getdate(self.end_date), getdate(nowdate()), settings().expiring_notice_days),
		)

	def on_cancel(self):
		self.db_set({"status": "Cancelled", "contract_key": None})
		cancel_open_tasks({"contract": self.name})


def contract_key(contract) -> str | None:
	"""One live contract per Sales Order (or per direct Delivery Note): a unique key, cleared when the
	contract is cancelled so that the amended order's contract can take it."""
	if contract.docstatus == 2:
		return None
	if contract.sales_order:
		return f"Sales Order:{contract.sales_order}"
	if contract.delivery_note:
		return f"Delivery Note:{contract.delivery_note}"
	return None
