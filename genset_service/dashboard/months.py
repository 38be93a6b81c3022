"""What the monthly chart sources share: the last N calendar months and the chart's filters."""

import frappe
from frappe import _
from frappe.utils import add_months, get_first_day, getdate, nowdate

from genset_service.reporting import check_filters, check_manager


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


def last_twelve_months(filters) -> tuple[list[str], frappe._dict]:
	"""What a monthly chart source of the workspace does first: refuse anyone but a manager, then take
	the last twelve months with the chart's company filter. Frappe also passes the chart's name,
	timespan and interval; these charts ignore them. Each call computes (Frappe's ``cache_source`` is
	keyed by chart alone: it would answer a cached figure to any caller and ignore the filters)."""
	check_manager()
	return last_months(12, chart_filters(filters))
