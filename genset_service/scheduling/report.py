"""Service reports: the visit that does the work. Parts move stock, running hours move the meter, and
completing the report closes its request (stopping the SLA clock) and its task."""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, now_datetime

from genset_service.planning import covered_by
from genset_service.scheduling.common import live_unit, require_signoff, settings
from genset_service.scheduling.readings import check_reading, record_reading, remove_reading
from genset_service.scheduling.tasks import close_task, reopen_task

REQUEST = "Genset Service Request"


def validate(doc) -> None:
	if get_datetime(doc.end_time) < get_datetime(doc.start_time):
		frappe.throw(
			_("{0} cannot be before {1}.").format(frappe.bold(_("End")), frappe.bold(_("Start"))),
			title=_("Invalid Visit Times"),
		)
	for row in doc.parts:
		if flt(row.qty) <= 0:
			frappe.throw(
				_("Row #{0} ({1}): the quantity of a part must be positive, not {2}.").format(
					row.idx, row.item_code, frappe.bold(row.qty)
				),
				title=_("Invalid Part"),
			)
		row.warehouse = row.warehouse or settings().parts_warehouse
	unit = live_unit(doc.unit, ["customer", "company", "serial_no", "warranty_status", "running_hours"])
	doc.customer, doc.company, doc.serial_no = unit.customer, unit.company, unit.serial_no
	if doc.docstatus == 0:
		doc.in_warranty = 1 if covered_by(unit.warranty_status) else 0
	for row in doc.parts:
		row.chargeable = 0 if doc.in_warranty else 1
	if doc.service_request:
		request = frappe.db.get_value(
			REQUEST, doc.service_request, ["unit", "service_type", "task"], as_dict=True
		)
		if request.unit != doc.unit:
			frappe.throw(
				_("Service Request {0} is for genset {1}, not {2}.").format(
					doc.service_request, request.unit, doc.unit
				),
				title=_("Wrong Genset"),
			)
		doc.service_type = doc.service_type or request.service_type
		doc.task = doc.task or request.task
	if doc.running_hours and doc.docstatus == 0:
		check_reading(doc.unit, doc.running_hours, doc.end_time or now_datetime())


def before_submit(doc) -> None:
	require_signoff(doc)
	for row in doc.parts:
		if not row.warehouse:
			frappe.throw(
				_(
					"Row #{0} ({1}): set the warehouse the part is taken from (or a default in Genset Service Settings)."
				).format(row.idx, row.item_code),
				title=_("Warehouse Required"),
			)


def on_submit(doc) -> None:
	values = {}
	if doc.parts:
		values["stock_entry"] = _issue_parts(doc)
		chargeable = [row for row in doc.parts if row.chargeable]
		if chargeable:
			values["quotation"] = _charge_parts(doc, chargeable)
	if doc.running_hours:
		record_reading(doc.unit, doc.running_hours, doc.end_time, "Service Report", doc.doctype, doc.name)
	if doc.service_request:
		request = frappe.get_doc(REQUEST, doc.service_request)
		if request.status not in ("Resolved", "Closed"):
			# the engineer was on site when the visit began (unless checked in before); the genset runs
			# again at its end: the on-site and restored clocks stop, and the request's task completes
			if not request.on_site_on:
				request.on_site_on = get_datetime(doc.start_time)
			request.restored_on = get_datetime(doc.end_time)
			request.status = "Resolved"
			request.resolution = doc.work_done
			request.flags.ignore_permissions = True
			request.save()
	elif doc.task:
		close_task(doc.task, doc.end_time, doc.engineer)
	doc.db_set(values)


def _issue_parts(doc) -> str:
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Issue",
			"company": doc.company,
			"posting_date": getdate(doc.end_time),
			"set_posting_time": 1,
			"remarks": _("Parts consumed by {0} on genset {1}").format(doc.name, doc.serial_no or doc.unit),
			"items": [
				{
					"item_code": row.item_code,
					"qty": row.qty,
					"s_warehouse": row.warehouse,
					"conversion_factor": 1,
				}
				for row in doc.parts
			],
		}
	)
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	return entry.name


def _charge_parts(doc, rows) -> str:
	"""Out of warranty: the parts go on the request's draft quotation, or on a new one."""
	name = frappe.db.get_value(REQUEST, doc.service_request, "quotation") if doc.service_request else None
	if name and frappe.db.get_value("Quotation", name, "docstatus") == 0:
		quotation = frappe.get_doc("Quotation", name)
	else:
		quotation = frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": doc.customer,
				"company": doc.company,
			}
		)
	for row in rows:
		quotation.append("items", {"item_code": row.item_code, "qty": row.qty})
	quotation.flags.ignore_permissions = True
	quotation.save()
	return quotation.name


def on_cancel(doc) -> None:
	"""Undo the visit: the stock comes back, the meter, the request and the task as they were."""
	if doc.stock_entry:
		entry = frappe.get_doc("Stock Entry", doc.stock_entry)
		if entry.docstatus == 1:
			entry.flags.ignore_permissions = True
			entry.cancel()
	if doc.running_hours:
		remove_reading(doc.doctype, doc.name)
	if doc.service_request:
		request = frappe.get_doc(REQUEST, doc.service_request)
		if request.status == "Resolved":
			request.status = "In Progress"
			request.sla_resolution_date = None
			request.restored_on = None
			if not request.checked_in_by and str(request.on_site_on) == str(get_datetime(doc.start_time)):
				request.on_site_on = None  # it came from this report
			request.flags.ignore_permissions = True
			request.save()
	if doc.task:
		reopen_task(doc.task)
