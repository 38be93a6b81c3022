"""What the customer portal pages share: who the customer is, paging and search, refused bad input.

Pages: /my_gensets (list, search, paging), /my_gensets/<unit> (one genset), /my_service_requests,
/my_service_history. A portal user sees only the customers whose Portal Users table lists them.
"""

import math

import frappe
from frappe import _

from genset_service.permissions import customers_of

PAGE_LENGTH = 20
# what the portal shows of a service request: its clocks as the customer sees them
REQUEST_FIELDS = (
	"name",
	"unit",
	"serial_no",
	"service_type",
	"status",
	"opening_date",
	"acknowledge_by",
	"acknowledge_state",
	"on_site_by",
	"on_site_state",
	"on_site_on",
	"urgent",
)
MAX_SEARCH = 140


def refuse(message: str, title: str):
	"""A 417 page that says what is wrong (Frappe's error page shows the title and the message)."""
	error = frappe.ValidationError(message)
	error.title, error.message = title, message
	raise error


def portal_customers() -> list[str]:
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see your generators."), frappe.PermissionError)
	return customers_of() or [""]


def search_text() -> str:
	"""The ``q`` argument, trimmed; a search longer than a serial number or a site name is refused."""
	query = (frappe.form_dict.get("q") or "").strip()
	if len(query) > MAX_SEARCH:
		refuse(
			_("Search for at most {0} characters (a serial number, a model or a site).").format(MAX_SEARCH),
			_("Search Too Long"),
		)
	return query


def page_number() -> int:
	raw = frappe.form_dict.get("page") or "1"
	try:
		page = int(str(raw).strip())
	except ValueError:
		page = 0
	if page < 1:
		refuse(
			_("The page must be a whole number from 1, not {0}.").format(
				frappe.utils.escape_html(str(raw)[:20])
			),
			_("No Such Page"),
		)
	return page


def paginate(context, total: int, page: int, base: str, **params) -> tuple[int, int]:
	"""(start, length) of the page, with the pager in the context; a page past the last is refused."""
	pages = max(1, math.ceil(total / PAGE_LENGTH))
	if page > pages:
		refuse(_("Page {0} does not exist: there are {1} pages.").format(page, pages), _("No Such Page"))
	query = "&".join(f"{key}={frappe.utils.quote(str(value))}" for key, value in params.items() if value)
	link = f"{base}?{query + '&' if query else ''}page="
	context.pager = frappe._dict(
		page=page,
		pages=pages,
		total=total,
		previous=f"{link}{page - 1}" if page > 1 else None,
		next=f"{link}{page + 1}" if page < pages else None,
	)
	return (page - 1) * PAGE_LENGTH, PAGE_LENGTH
