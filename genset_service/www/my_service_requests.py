"""Portal: the customer's service requests, newest first, filtered by status and paged."""

import frappe
from frappe import _

from genset_service.portal import REQUEST_FIELDS, page_number, paginate, portal_customers, refuse

no_cache = 1
STATUSES = ("Open", "In Progress", "On Hold", "Resolved", "Closed", "Cancelled")


def get_context(context):
	customers = portal_customers()
	context.title = _("Service Requests")
	context.show_sidebar = True
	context.statuses = STATUSES
	context.status = frappe.form_dict.get("status") or ""
	if context.status and context.status not in STATUSES:
		refuse(
			_("Unknown status {0}.").format(frappe.utils.escape_html(context.status[:40])),
			_("Unknown Status"),
		)
	filters = {"customer": ("in", customers)}
	if context.status:
		filters["status"] = context.status
	start, length = paginate(
		context,
		frappe.db.count("Genset Service Request", filters),
		page_number(),
		"/my_service_requests",
		status=context.status,
	)
	context.requests = frappe.get_all(
		"Genset Service Request",
		filters=filters,
		fields=list(REQUEST_FIELDS),
		order_by="opening_date desc, name desc",
		limit_start=start,
		limit_page_length=length,
	)
	return context
