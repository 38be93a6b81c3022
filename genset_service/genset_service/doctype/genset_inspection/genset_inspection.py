# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.access.guard import AppDocument
from genset_service.api.guard import Name, checked
from genset_service.certificates.site import set_print_language
from genset_service.scheduling import inspection


class GensetInspection(AppDocument):
	def validate(self):
		inspection.validate(self)
		set_print_language(self)

	def before_submit(self):
		inspection.before_submit(self)

	def on_submit(self):
		inspection.on_submit(self)

	def on_cancel(self):
		inspection.on_cancel(self)


@frappe.whitelist()
@checked
def default_template(
	inspection_kind: Name, unit: Name | None = None, item_code: Name | None = None
) -> str | None:
	"""The template a new inspection of this kind starts from (the form fills its checklist from it)."""
	if not frappe.has_permission("Genset Inspection", "create"):
		raise frappe.PermissionError
	doc = frappe._dict(unit=unit, item_code=item_code)
	return inspection.default_template(inspection_kind, inspection._item_of(doc))
