"""An engineer's work, as the phone keeps it for the week: the open tasks assigned to them (overdue,
today, this week), each genset's facts and history, the checklists and the parts in their van. Only
their own; bulk reads, one per table."""

import datetime
from collections import defaultdict

import frappe
from frappe.utils import add_days, getdate, nowdate

from genset_service.dispatch.site import WORK_FIELDS, request_facts
from genset_service.field.engineer import engineer_of
from genset_service.field.sync import REQUEST, form_of
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.scheduling.inspection import CHECKPOINT_FIELDS

HISTORY = 3  # last inspections and reports per genset


def my_work(user: str | None = None, today: datetime.date | None = None) -> dict:
	user = user or frappe.session.user
	engineer = engineer_of(user)
	today = getdate(today or nowdate())
	week_end = add_days(today, 6 - today.weekday())
	tasks = frappe.get_all(
		TASK,
		filters={"assigned_to": user, "status": ("in", TaskStatus.OPEN), "due_from": ("<=", week_end)},
		fields=[*WORK_FIELDS, "scheduled_end"],
		order_by="ifnull(scheduled_start, due_from) asc, name asc",
		limit_page_length=500,
	)
	for task in tasks:
		task.when = (
			"overdue"
			if getdate(task.due_to) < today
			else "today"
			if getdate(task.scheduled_start or task.due_from) <= today
			else "this week"
		)
	units = _units([t.unit for t in tasks if t.unit])
	requests = request_facts(
		[t.reference_name for t in tasks if t.reference_doctype == REQUEST], ("description", "priority")
	)
	for task in tasks:
		task.request = requests.get(task.reference_name) if task.reference_doctype == REQUEST else None
	kinds = frappe.get_all(
		"Genset Service Type",
		filters={
			"name": ("in", list({t.service_type for t in tasks}) or [""]),
			"inspection_kind": ("is", "set"),
		},
		fields=["name", "inspection_kind"],
	)
	kind_of = {k.name: k.inspection_kind for k in kinds}
	return {
		"engineer": engineer.name,
		"today": today,
		"tasks": tasks,
		"units": units,
		"templates": _templates({k.inspection_kind for k in kinds}),
		"inspection_kind_of": kind_of,
		"form_of": {
			service: form_of(service, kind_of.get(service)) for service in {t.service_type for t in tasks}
		},
		"parts": _van_stock(engineer.van_warehouse),
		"van_warehouse": engineer.van_warehouse,
	}


def _units(names: list[str]) -> dict:
	names = sorted(set(names))
	if not names:
		return {}
	units = {
		row.name: row
		for row in frappe.get_all(
			UNIT,
			filters={"name": ("in", names)},
			fields=[
				"name",
				"item_code",
				"item_name",
				"serial_no",
				"kva",
				"customer",
				"customer_name",
				"site_address",
				"warranty_status",
				"warranty_end_date",
				"running_hours",
				"running_hours_date",
			],
		)
	}
	addresses = {
		row.name: row
		for row in frappe.get_all(
			"Address",
			filters={"name": ("in", [u.site_address for u in units.values() if u.site_address] or [""])},
			fields=[
				"name",
				"address_line1",
				"address_line2",
				"city",
				"pincode",
				"phone",
				"genset_latitude",
				"genset_longitude",
			],
		)
	}
	contacts = {}
	for row in frappe.get_all(
		"Contact",
		filters=[
			["Dynamic Link", "link_doctype", "=", "Customer"],
			["Dynamic Link", "link_name", "in", list({u.customer for u in units.values()})],
		],
		fields=["full_name", "phone", "mobile_no", "email_id", "`tabDynamic Link`.link_name as customer"],
		order_by="is_primary_contact desc",
	):
		contacts.setdefault(row.customer, row)
	inspections = frappe.get_all(
		"Genset Inspection",
		filters={"unit": ("in", names), "docstatus": 1},
		fields=["name", "unit", "inspection_kind", "inspection_date", "result"],
		order_by="inspection_date desc",
	)
	reports = frappe.get_all(
		"Genset Service Report",
		filters={"unit": ("in", names), "docstatus": 1},
		fields=["name", "unit", "service_type", "end_time", "work_done"],
		order_by="end_time desc",
	)
	open_requests = frappe.get_all(
		REQUEST,
		filters={"unit": ("in", names), "status": ("in", ("Open", "In Progress", "On Hold"))},
		fields=["name", "unit", "service_type", "status", "on_site_by"],
	)
	history = {}
	for key, rows in (("inspections", inspections), ("reports", reports), ("open_requests", open_requests)):
		history[key] = defaultdict(list)
		for row in rows:  # newest first, as read
			history[key][row.unit].append(row)
	for name, unit in units.items():
		address = addresses.get(unit.site_address) or frappe._dict()
		unit.address = ", ".join(
			p for p in (address.address_line1, address.address_line2, address.city, address.pincode) if p
		)
		unit.pin = (
			[address.genset_latitude, address.genset_longitude]
			if (address.genset_latitude or address.genset_longitude)
			else None
		)
		contact = contacts.get(unit.customer) or frappe._dict()
		unit.contact = contact.full_name
		unit.phone = contact.mobile_no or contact.phone or address.phone
		unit.inspections = history["inspections"][name][:HISTORY]
		unit.reports = history["reports"][name][:HISTORY]
		unit.open_requests = history["open_requests"][name]
	return units


def _templates(kinds: set) -> list:
	if not kinds:
		return []
	templates = frappe.get_all(
		"Genset Inspection Template",
		filters={"inspection_kind": ("in", list(kinds)), "disabled": 0},
		fields=["name", "inspection_kind", "item_code", "requires_signoff"],
	)
	items = frappe.get_all(
		"Genset Inspection Template Item",
		filters={"parent": ("in", [t.name for t in templates] or [""])},
		fields=["parent", "idx", *CHECKPOINT_FIELDS, "guidance"],
		order_by="parent, idx",
	)
	for template in templates:
		template["items"] = [i for i in items if i.parent == template.name]
	return templates


def _van_stock(warehouse: str | None) -> list:
	if not warehouse:
		return []
	return frappe.get_all(
		"Bin",
		filters={"warehouse": warehouse, "actual_qty": (">", 0)},
		fields=["item_code", "actual_qty", "stock_uom"],
		order_by="item_code",
		limit_page_length=2000,
	)
