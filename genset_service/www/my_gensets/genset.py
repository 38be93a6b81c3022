"""Portal: one genset of the customer's: warranty, plan, history, documents, readings, requests."""

import functools
import re

import frappe
from frappe import _

from genset_service.planning import TaskStatus
from genset_service.portal import REQUEST_FIELDS, portal_customers
from genset_service.scheduling.address import tidy_display
from genset_service.scheduling.common import UNIT_GONE

no_cache = 1
UPCOMING = 10
HISTORY = 50
UNIT_FIELDS = [
	"name",
	"customer",
	"item_name",
	"item_code",
	"serial_no",
	"kva",
	"status",
	"site_address_display",
	"delivery_date",
	"commissioning_date",
	"warranty_status",
	"warranty_start_date",
	"warranty_end_date",
	"running_hours",
	"running_hours_date",
	"shipment",
	"arrival_date",
]


def get_context(context):
	customers = portal_customers()
	name = frappe.form_dict.get("unit") or ""
	unit = frappe.db.get_value(
		"Genset Unit",
		{"name": name, "status": ("not in", UNIT_GONE)},
		UNIT_FIELDS,
		as_dict=True,
	)
	if not unit or unit.customer not in customers:
		# another customer's genset does not exist for this user
		raise frappe.PageDoesNotExistError
	unit.site_address_display = tidy_display(unit.site_address_display, drop_none=True)
	context.unit = unit
	context.title = unit.item_name
	context.show_sidebar = True
	context.parents = [{"route": "/my_gensets", "title": _("My Generators")}]
	portal_services = frappe.get_all("Genset Service Type", filters={"portal_visible": 1}, pluck="name")
	task_fields = ["name", "service_type", "status", "due_from", "due_to", "completed_on"]
	context.upcoming = frappe.get_all(
		"Genset Service Task",
		filters={
			"unit": unit.name,
			"status": ("in", TaskStatus.OPEN),
			"service_type": ("in", portal_services),
		},
		fields=task_fields,
		order_by="due_from asc",
		limit=UPCOMING,
	)
	context.history = frappe.get_all(
		"Genset Service Task",
		filters={"unit": unit.name, "status": TaskStatus.DONE, "service_type": ("in", portal_services)},
		fields=task_fields,
		order_by="completed_on desc",
		limit=HISTORY,
	)
	context.documents = documents(unit.name)
	context.journey = journey(unit)
	context.requests = frappe.get_all(
		"Genset Service Request",
		filters={"unit": unit.name},
		fields=list(REQUEST_FIELDS),
		order_by="opening_date desc",
		limit=20,
	)
	context.to_sign = [
		frappe._dict(doctype=doctype, **row)
		for doctype in ("Genset Service Report", "Genset Operation Training", "Genset Inspection")
		for row in frappe.get_all(
			doctype,
			filters={"unit": unit.name, "docstatus": 0, "customer_signature": ("is", "not set")},
			fields=["name", "unit"],
		)
	]
	context.can_extend = bool(frappe.db.get_single_value("Genset Service Settings", "extension_item"))
	context.request_types = frappe.get_all(
		"Genset Service Type",
		# the catalogue's on-demand services; follow-ups (damage claims, call-backs) are opened by staff
		filters={"anchor_event": "On Demand", "enabled": 1, "portal_visible": 1, "catalogue_no": (">", 0)},
		fields=["name", "default_priority"],
		order_by="catalogue_no asc",
	)
	# what the genset's own devices report (drawn by public/js/telemetry_charts.js)
	context.has_telemetry = bool(frappe.db.exists("Genset Device", {"unit": unit.name}))
	# the words the telemetry panel's script writes, in the user's language (a portal page carries
	# no message dictionary of its own)
	context.script_messages = script_messages() if context.has_telemetry else {}
	promise = promises(unit.customer)
	for service in context.request_types:
		service.promise = promise.get((service.name, service.default_priority or "Medium"))
	return context


def journey(unit) -> frappe._dict | None:
	"""The genset's shipment: where it is, the ETA, the carrier's link and the milestones so far."""
	if not unit.shipment:
		return None
	from genset_service.logistics.common import SHIPMENT, timeline

	shipment = frappe.db.get_value(
		SHIPMENT,
		unit.shipment,
		["name", "status", "mode", "lane", "eta", "tracking_url", "customer"],
		as_dict=True,
	)
	if not shipment or shipment.customer != unit.customer or shipment.status == "Cancelled":
		return None
	shipment.milestones = [row for row in timeline(shipment.name) if not row.unit or row.unit == unit.name]
	shipment.can_confirm = not unit.arrival_date
	return shipment


def documents(unit: str) -> list:
	"""Submitted inspections and service reports of the unit, newest first, each with its PDF link."""
	rows = []
	for doctype, date_field, print_format in (
		("Genset Inspection", "inspection_date", "Genset Inspection Certificate"),
		("Genset Service Report", "end_time", "Genset Service Report"),
	):
		for row in frappe.get_all(
			doctype,
			filters={"unit": unit, "docstatus": 1},
			fields=["name", f"{date_field} as date", "language"],
			order_by=f"{date_field} desc",
			limit=50,
		):
			row.doctype = doctype
			# in the customer's language (the record's Print Language, from the customer)
			row.pdf = (
				f"/api/method/frappe.utils.print_format.download_pdf?doctype={doctype}"
				f"&name={row.name}&format={print_format}"
				+ (f"&language={row.language}" if row.language else "")
			)
			rows.append(row)
	return sorted(rows, key=lambda row: str(row.date), reverse=True)


def promises(customer: str) -> dict:
	"""What the customer's agreement promises per service at each priority, in words."""
	from frappe.utils import getdate

	from genset_service.planning.clocks import choose_agreement
	from genset_service.scheduling.clocks import agreements_for

	agreements = agreements_for(customer, getdate())
	words = {}
	for key in {k for a in agreements for k in a.targets}:
		chosen = choose_agreement(agreements, *key)
		targets = chosen.targets[key]
		if targets.on_site:
			words[key] = _("engineer on site within {0} h").format(frappe.format(targets.on_site, "Float"))
		elif targets.acknowledge:
			words[key] = _("response within {0} h").format(frappe.format(targets.acknowledge, "Float"))
	return words


SCRIPT = "public/js/telemetry_charts.js"
SCRIPT_MESSAGE = re.compile(r"""__\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")


@functools.lru_cache(maxsize=1)
def _script_words() -> tuple[str, ...]:
	with open(frappe.get_app_path("genset_service", *SCRIPT.split("/"))) as f:
		return tuple(sorted(set(SCRIPT_MESSAGE.findall(f.read()))))


def script_messages() -> dict[str, str]:
	"""The telemetry panel's words and what it shows from data (services, device states), translated."""
	words = [
		*_script_words(),
		*frappe.get_all("Genset Service Type", pluck="name"),
		"Online",
		"Silent",
		"Disabled",
		"Never Heard",
	]
	return {word: _(word) for word in words if _(word) != word}
