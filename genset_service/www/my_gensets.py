"""Portal: a customer's generator sets, with warranty, next services, history, requests and surveys."""

import frappe
from frappe import _

from genset_service.permissions import customers_of
from genset_service.planning import TaskStatus

no_cache = 1
UPCOMING = 3


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see your generators."), frappe.PermissionError)
	customers = customers_of()
	context.title = _("My Generators")
	context.no_breadcrumbs = True
	context.show_sidebar = True
	context.units = frappe.get_all(
		"Genset Unit",
		filters={"customer": ("in", customers or [""]), "status": ("!=", "Cancelled")},
		fields=[
			"name",
			"item_name",
			"serial_no",
			"kva",
			"status",
			"site_address_display",
			"commissioning_date",
			"warranty_status",
			"warranty_end_date",
			"running_hours",
			"running_hours_date",
		],
		order_by="creation desc",
	)
	names = [unit.name for unit in context.units]
	portal_services = frappe.get_all("Genset Service Type", filters={"portal_visible": 1}, pluck="name")
	tasks = frappe.get_all(
		"Genset Service Task",
		filters={"unit": ("in", names or [""]), "service_type": ("in", portal_services or [""])},
		fields=["name", "unit", "service_type", "status", "due_from", "due_to", "completed_on"],
		order_by="due_from asc",
	)
	upcoming, history = {}, {}
	for task in tasks:
		if task.status in TaskStatus.OPEN:
			upcoming.setdefault(task.unit, [])
			if len(upcoming[task.unit]) < UPCOMING:
				upcoming[task.unit].append(task)
		elif task.status == TaskStatus.DONE:
			history.setdefault(task.unit, []).append(task)
	context.upcoming = upcoming
	context.history = history
	context.documents = _documents(names)
	context.requests = frappe.get_all(
		"Genset Service Request",
		filters={"customer": ("in", customers or [""])},
		fields=["name", "unit", "service_type", "status", "opening_date", "response_by", "agreement_status"],
		order_by="opening_date desc",
		limit=20,
	)
	context.surveys = frappe.get_all(
		"Genset Satisfaction Survey",
		filters={"customer": ("in", customers or [""]), "status": "Sent"},
		fields=["name", "sent_on", "access_key"],
	)
	context.to_sign = [
		frappe._dict(doctype=doctype, **row)
		for doctype in ("Genset Service Report", "Genset Operation Training", "Genset Inspection")
		for row in frappe.get_all(
			doctype,
			filters={"unit": ("in", names or [""]), "docstatus": 0, "customer_signature": ("is", "not set")},
			fields=["name", "unit"],
		)
	]
	context.can_extend = bool(frappe.db.get_single_value("Genset Service Settings", "extension_item"))
	context.request_types = frappe.get_all(
		"Genset Service Type",
		# the catalogue's on-demand services; follow-ups (damage claims, call-backs) are opened by staff
		filters={"anchor_event": "On Demand", "enabled": 1, "portal_visible": 1, "catalogue_no": (">", 0)},
		fields=["name", "response_sla_hours"],
		order_by="catalogue_no asc",
	)
	return context


def _documents(units: list[str]) -> dict:
	"""Submitted inspections and service reports per unit, each with its PDF link."""
	documents = {}
	for doctype, date_field, print_format in (
		("Genset Inspection", "inspection_date", "Genset Inspection Report"),
		("Genset Service Report", "end_time", "Standard"),
	):
		for row in frappe.get_all(
			doctype,
			filters={"unit": ("in", units or [""]), "docstatus": 1},
			fields=["name", "unit", f"{date_field} as date"],
			order_by=f"{date_field} desc",
		):
			row.doctype = doctype
			row.pdf = (
				f"/api/method/frappe.utils.print_format.download_pdf?doctype={doctype}"
				f"&name={row.name}&format={print_format}"
			)
			documents.setdefault(row.unit, []).append(row)
	return documents
