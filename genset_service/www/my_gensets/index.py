"""Portal: the customer's generator sets, searchable (serial, model, site) and paged, with the surveys
and the visits that wait for the customer's signature."""

import frappe
from frappe import _

from genset_service.portal import page_number, paginate, portal_customers, search_text
from genset_service.scheduling.address import tidy_display
from genset_service.scheduling.common import UNIT_GONE

no_cache = 1
SIGNABLE = ("Genset Service Report", "Genset Operation Training", "Genset Inspection")


def get_context(context):
	customers = portal_customers()
	context.title = _("My Generators")
	context.no_breadcrumbs = True
	context.show_sidebar = True
	context.q = search_text()
	filters = {"customer": ("in", customers), "status": ("not in", UNIT_GONE)}
	or_filters = None
	if context.q:
		like = f"%{context.q}%"
		or_filters = {
			"serial_no": ("like", like),
			"name": ("like", like),
			"item_code": ("like", like),
			"item_name": ("like", like),
			"site_address_display": ("like", like),
		}
	total = frappe.get_all(
		"Genset Unit", filters=filters, or_filters=or_filters, fields=["count(name) as total"]
	)[0].total
	start, length = paginate(context, total, page_number(), "/my_gensets", q=context.q)
	context.units = frappe.get_all(
		"Genset Unit",
		filters=filters,
		or_filters=or_filters,
		fields=[
			"name",
			"item_name",
			"serial_no",
			"kva",
			"site_address_display",
			"warranty_status",
			"warranty_end_date",
			"running_hours",
		],
		order_by="creation desc, name desc",
		limit_start=start,
		limit_page_length=length,
	)
	for unit in context.units:
		unit.site_address_display = tidy_display(unit.site_address_display, drop_none=True)
	context.surveys = frappe.get_all(
		"Genset Satisfaction Survey",
		filters={"customer": ("in", customers), "status": "Sent"},
		fields=["name", "sent_on", "access_key"],
	)
	context.to_sign = [
		frappe._dict(doctype=doctype, **row)
		for doctype in SIGNABLE
		for row in frappe.get_all(
			doctype,
			filters={
				"customer": ("in", customers),
				"docstatus": 0,
				"customer_signature": ("is", "not set"),
			},
			fields=["name", "unit"],
			limit=50,
		)
	]
	return context
