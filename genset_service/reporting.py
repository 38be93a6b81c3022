"""What the app's script reports share: their filters checked with a clear message (a reversed or
over-long date range, an unknown engineer, model, customer or service type) and their audience."""

import frappe
from frappe import _
from frappe.utils import date_diff, getdate

MAX_RANGE_DAYS = 5 * 366
KNOWN = {
	"engineer": "User",
	"item_code": "Item",
	"customer": "Customer",
	"service_type": "Genset Service Type",
}


def check_filters(filters) -> frappe._dict:
	filters = frappe._dict(filters or {})
	if (
		frappe.session.user == "Guest"
		or frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User"
	):
		raise frappe.PermissionError(_("The service reports are for the service team."))
	if not filters.get("from_date") or not filters.get("to_date"):
		frappe.throw(_("Choose a date range."), title=_("Missing Dates"))
	start, end = getdate(filters.from_date), getdate(filters.to_date)
	if end < start:
		frappe.throw(
			_("The range ends ({0}) before it starts ({1}).").format(
				frappe.format(end, "Date"), frappe.format(start, "Date")
			),
			title=_("Reversed Date Range"),
		)
	if date_diff(end, start) > MAX_RANGE_DAYS:
		frappe.throw(_("Choose at most five years at a time."), title=_("Date Range Too Long"))
	for field, doctype in KNOWN.items():
		if filters.get(field) and not frappe.db.exists(doctype, filters[field]):
			frappe.throw(
				_("There is no {0} {1}.").format(_(doctype), frappe.bold(filters[field])),
				title=_("Unknown Filter"),
			)
	filters.from_date, filters.to_date = start, end
	return filters
