"""A customer's users (ERPNext's Portal User rows on Customer) see only their own customer's records,
in lists, documents, the REST API and the portal. Staff permissions are left to role permissions."""

import frappe

# app DocTypes with a `customer` field that a portal user may see, and what the user may do there
PORTAL_DOCTYPES = {
	"Genset Service Contract": ("read", "print"),
	"Genset Unit": ("read", "print"),
	"Genset Service Task": ("read",),
	"Genset Inspection": ("read", "print"),
	"Genset Service Report": ("read", "print"),
	"Genset Service Request": ("read", "create", "write", "print"),
	"Genset Warranty Extension": ("read", "print"),
	"Genset Return Visit": ("read", "print"),
	"Genset Operation Training": ("read", "print"),
	# answered through genset_service.api.v1.answer_survey, never edited directly
	"Genset Satisfaction Survey": ("read",),
	# the journey of their gensets; an arrival is confirmed through genset_service.api.logistics_v1
	"Genset Shipment": ("read", "print"),
	"Genset Shipment Milestone": ("read",),
	# their gensets' devices and what those reported (readings and charts through telemetry_v1)
	"Genset Device": ("read",),
	"Genset Telemetry Event": ("read",),
}


def is_portal_user(user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user in ("Administrator", "Guest"):
		return user == "Guest"
	return frappe.get_cached_value("User", user, "user_type") != "System User"


def customers_of(user: str | None = None) -> list[str]:
	"""The customers whose Portal Users table lists the user."""
	user = user or frappe.session.user
	portal_user = frappe.qb.DocType("Portal User")
	return [
		name
		for (name,) in frappe.qb.from_(portal_user)
		.select(portal_user.parent)
		.where(portal_user.user == user)
		.where(portal_user.parenttype == "Customer")
		.run()
	]


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""List filter: staff see what their roles allow; portal users only their customers' records."""
	if not is_portal_user(user):
		return ""
	customers = customers_of(user)
	if not customers:
		return "1=0"
	values = ", ".join(frappe.db.escape(customer) for customer in customers)
	return f"`tab{doctype}`.`customer` in ({values})"


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug=False) -> bool | None:
	"""Document check: a portal user only for its customers' records, and only the allowed actions."""
	if not is_portal_user(user):
		return None
	if (ptype or "read") not in PORTAL_DOCTYPES.get(doc.doctype, ()):
		return False
	if doc.get("customer") and doc.customer in customers_of(user):
		return True
	# a new document (a service request) is checked again once its customer is set
	return bool(doc.is_new() and not doc.get("customer"))
