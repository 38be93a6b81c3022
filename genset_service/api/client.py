"""``frappe.client.get_count``, counted with the caller's permissions for the app's DocTypes.

Frappe 15 counts there with ``frappe.db.count``, without a permission check: a customer's portal user
could learn how many gensets, tasks or requests other customers have, and probe field values one
filter at a time. Wired in hooks.py (``override_whitelisted_methods``); every other DocType passes
through to Frappe's own method unchanged.
"""

import json

import frappe
from frappe import _
from frappe.client import get_count as frappe_get_count
from frappe.model import default_fields

from genset_service.api.guard import Name, checked

APP_MODULE = "Genset Service"


@frappe.whitelist()
@frappe.read_only()
@checked
def get_count(doctype: Name, filters=None, debug=False, cache=False) -> int:
	"""How many records of ``doctype`` match ``filters``; for the app's DocTypes, only those the caller
	may read (role permissions, user permissions and the portal's own-customer rule)."""
	if not frappe.db.exists("DocType", doctype):
		frappe.throw(_("DocType {0} not found.").format(doctype), frappe.DoesNotExistError)
	if frappe.get_meta(doctype).module != APP_MODULE:
		return frappe_get_count(doctype, filters=filters, debug=debug, cache=cache)
	rows = frappe.get_list(
		doctype,
		filters=_parse_filters(doctype, filters),
		fields=[f"count(distinct `tab{doctype}`.`name`) as total"],
		order_by=None,
		limit_page_length=0,
	)
	return rows[0].total if rows else 0


def _parse_filters(doctype: str, filters):
	if filters in (None, ""):
		return None
	if isinstance(filters, str):
		try:
			filters = json.loads(filters)
		except ValueError:
			frappe.throw(_("Filters must be JSON: a list or an object."), title=_("Invalid Filters"))
	if not isinstance(filters, list | dict):
		frappe.throw(_("Filters must be a list or an object."), title=_("Invalid Filters"))
	meta = frappe.get_meta(doctype)
	tables = {doctype, *(df.options for df in meta.get_table_fields())}
	if isinstance(filters, dict):
		pairs = [(doctype, field) for field in filters]
	else:
		if not all(isinstance(row, list | tuple) and len(row) in (2, 3, 4) for row in filters):
			frappe.throw(_("Each filter is [field, operator, value]."), title=_("Invalid Filters"))
		pairs = [(row[0], row[1]) if len(row) == 4 else (doctype, row[0]) for row in filters]
	unknown = [
		f"{str(table)[:40]}.{str(field)[:40]}"
		for table, field in pairs
		if table not in tables
		or not isinstance(field, str)
		or field not in {*frappe.get_meta(table).get_valid_columns(), *default_fields}
	]
	if unknown:
		frappe.throw(
			_("{0} has no field {1}.").format(_(doctype), ", ".join(unknown)), title=_("Invalid Filters")
		)
	return filters
