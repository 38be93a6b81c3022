"""What the monthly chart sources share: the last N calendar months and the chart's filters."""

import frappe
from frappe import _
from frappe.utils import add_months, get_first_day, getdate, nowdate

from genset_service.reporting import check_filters


def chart_filters(filters) -> dict:
	try:
		parsed = frappe.parse_json(filters) if filters else None
	except ValueError:
		frappe.throw(_("The chart's filters are not valid JSON."), title=_("Invalid Filters"))
	return {"company": parsed["company"]} if isinstance(parsed, dict) and parsed.get("company") else {}


def last_months(count: int, filters: dict) -> tuple[list[str], frappe._dict]:
	"""The labels (YYYY-MM) of the last ``count`` months up to this one, and the period's filters."""
	today = getdate(nowdate())
	first = get_first_day(add_months(today, -(count - 1)))
	months = [add_months(first, i).strftime("%Y-%m") for i in range(count)]
	return months, check_filters({**filters, "from_date": first, "to_date": today})
