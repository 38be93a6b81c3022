"""Portal: the services done on the customer's generators, newest first, paged."""

import frappe
from frappe import _

from genset_service.planning import TaskStatus
from genset_service.portal import page_number, paginate, portal_customers

no_cache = 1


def get_context(context):
	customers = portal_customers()
	context.title = _("Service History")
	context.show_sidebar = True
	portal_services = frappe.get_all("Genset Service Type", filters={"portal_visible": 1}, pluck="name")
	filters = {
		"customer": ("in", customers),
		"status": TaskStatus.DONE,
		"service_type": ("in", portal_services or [""]),
	}
	start, length = paginate(
		context, frappe.db.count("Genset Service Task", filters), page_number(), "/my_service_history"
	)
	context.tasks = frappe.get_all(
		"Genset Service Task",
		filters=filters,
		fields=["name", "unit", "serial_no", "service_type", "completed_on"],
		order_by="completed_on desc, name desc",
		limit_start=start,
		limit_page_length=length,
	)
	return context
