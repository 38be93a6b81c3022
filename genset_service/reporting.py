"""What the app's script reports share: their filters checked with a clear message (a reversed or
over-long date range, an unknown engineer, model, customer or service type), their audience and
their columns."""

import frappe
from frappe import _
from frappe.utils import add_days, date_diff, get_datetime, getdate

MAX_RANGE_DAYS = 5 * 366
FLOAT_PRECISION = 1  # hours, ratios and scores: the site's float precision would show three decimals
KNOWN = {
	"engineer": "User",
	"item_code": "Item",
	"customer": "Customer",
	"service_type": "Genset Service Type",
	"unit": "Genset Unit",
}


def check_filters(filters, require_dates: bool = True) -> frappe._dict:
	filters = frappe._dict(filters or {})
	if (
		frappe.session.user == "Guest"
		or frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User"
	):
		raise frappe.PermissionError(_("The service reports are for the service team."))
	if not filters.get("from_date") or not filters.get("to_date"):
		if require_dates or filters.get("from_date") or filters.get("to_date"):
			frappe.throw(_("Choose a date range."), title=_("Missing Dates"))
		filters.from_date, filters.to_date = None, None
		_check_known(filters)
		return filters
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
	_check_known(filters)
	filters.from_date, filters.to_date = start, end
	return filters


def _check_known(filters) -> None:
	for field, doctype in KNOWN.items():
		if filters.get(field) and not frappe.db.exists(doctype, filters[field]):
			frappe.throw(
				_("There is no {0} {1}.").format(_(doctype), frappe.bold(filters[field])),
				title=_("Unknown Filter"),
			)


MANAGERS = ("System Manager", "Service Manager", "Sales Manager")


def check_manager() -> None:
	"""The numbers behind cards and charts are for the managers of the service."""
	if frappe.session.user != "Administrator" and not set(MANAGERS) & set(frappe.get_roles()):
		raise frappe.PermissionError(_("The service numbers are for the service and sales managers."))


def previous_range(filters) -> frappe._dict:
	"""The same filters over the period of the same length just before."""
	days = date_diff(filters.to_date, filters.from_date) + 1
	return frappe._dict(
		filters, from_date=add_days(filters.from_date, -days), to_date=add_days(filters.from_date, -1)
	)


def datetime_range(filters) -> tuple:
	"""The period as datetimes: from the start of its first day to the end of its last."""
	return get_datetime(filters.from_date), get_datetime(f"{filters.to_date} 23:59:59.999999")


def change(current, previous) -> str:
	"""'+3.2 against the previous period', or '' when either is unknown."""
	if current is None or previous is None:
		return ""
	return _("{0} against the previous period ({1})").format(f"{current - previous:+.1f}", previous)


def chosen(filters, fields: tuple[str, ...]) -> dict:
	"""The list conditions for the filters among ``fields`` the user set."""
	return {field: filters[field] for field in fields if filters.get(field)}


def report_column(fieldname: str, label: str, fieldtype: str = "Float", width: int = 120, **extra) -> dict:
	"""A report column; a Float shows FLOAT_PRECISION decimals unless ``extra`` says otherwise."""
	precision = {"precision": FLOAT_PRECISION} if fieldtype == "Float" else {}
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": fieldtype,
		"width": width,
		**precision,
		**extra,
	}
