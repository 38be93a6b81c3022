"""Inspections: checklist evaluation, the pre-shipment gate, and what a submitted inspection moves."""

from collections import Counter

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint, getdate

from genset_service.planning import TaskStatus
from genset_service.planning.inspection import (
	InspectionError,
	Reading,
	check_result,
	evaluate,
	is_accepted,
)
from genset_service.scheduling.common import (
	SERVICE_TYPE,
	TASK,
	UNIT,
	live_unit,
	settings,
)
from genset_service.scheduling.readings import (
	check_reading,
	reading_time_of_day,
	record_reading,
	remove_reading,
)
from genset_service.scheduling.tasks import cancel_tasks, close_task, open_service_task, reopen_task

INSPECTION = "Genset Inspection"
TEMPLATE = "Genset Inspection Template"
PRE_SHIPMENT = "Pre-shipment"
EVENT_FIELDS = {"Arrival": "arrival_date", "Commissioning": "commissioning_date"}
# what an inspection copies of each checkpoint of its template
CHECKPOINT_FIELDS = (
	"section",
	"checkpoint",
	"reading_type",
	"min_value",
	"max_value",
	"uom",
	"mandatory",
	"load_percent",
	"quantity",
)
# an arrival happened even when the goods are rejected; commissioning only counts when accepted
EVENTS_RECORDED_ON_REJECTION = ("Arrival",)


def _messages() -> dict[str, str]:
	return {
		"unknown_type": _("Row #{0}: unknown reading type {1}."),
		"missing": _("Row #{0} ({2}): a reading is required."),
		"not_pass_fail": _("Row #{0} ({2}): enter Pass or Fail, not {1}."),
		"not_a_number": _("Row #{0} ({2}): this checkpoint expects a number, not {1}."),
		"unknown_result": _("Result {1} is not one of Accepted, Accepted with Remarks, Rejected."),
		"accepted_with_failures": _(
			"Row #{0} ({2}) failed: the result cannot be plain Accepted. Choose Accepted with Remarks or Rejected."
		),
		"remarks_required": _("Remarks are required when the result is {1}."),
	}


def _throw(error: InspectionError, doc=None):
	checkpoint = ""
	if doc is not None and error.row and error.row <= len(doc.readings):
		checkpoint = doc.readings[error.row - 1].checkpoint
	message = _messages().get(error.reason, "{1}").format(error.row, frappe.bold(error.value), checkpoint)
	frappe.throw(message, title=_("Invalid Inspection"))


def service_for_kind(kind: str) -> frappe._dict:
	service = frappe.db.get_value(
		SERVICE_TYPE,
		{"inspection_kind": kind, "enabled": 1},
		["name", "responsible_role", "sets_event", "on_rejection_service"],
		as_dict=True,
	)
	if not service:
		frappe.throw(
			_("No enabled Genset Service Type is performed by {0} inspections.").format(frappe.bold(kind)),
			title=_("Missing Service Type"),
		)
	return service


# ------------------------------------------------------------------ validate
def validate(doc) -> None:
	service = service_for_kind(doc.inspection_kind)
	if not doc.template:
		# an inspection given only its kind (and genset), by the form or the REST API
		doc.template = default_template(doc.inspection_kind, _item_of(doc))
	if not doc.template:
		frappe.throw(
			_("No enabled Genset Inspection Template is for {0} inspections: make one first.").format(
				frappe.bold(_(doc.inspection_kind))
			),
			title=_("Template Required"),
		)
	template = frappe.get_cached_doc(TEMPLATE, doc.template)
	if template.inspection_kind != doc.inspection_kind or template.disabled:
		frappe.throw(
			_("Template {0} is for {1} inspections, not {2}.").format(
				frappe.bold(doc.template),
				frappe.bold(template.inspection_kind),
				frappe.bold(doc.inspection_kind),
			)
			if template.inspection_kind != doc.inspection_kind
			else _("Template {0} is disabled.").format(frappe.bold(doc.template)),
			title=_("Wrong Template"),
		)
	_fill_genset(doc)
	if template.item_code and doc.item_code and template.item_code != doc.item_code:
		frappe.throw(
			_("Template {0} is for item {1}, not {2}.").format(
				doc.template, template.item_code, doc.item_code
			),
			title=_("Wrong Template"),
		)
	if not doc.readings:
		for row in template.items:
			doc.append("readings", {field: row.get(field) for field in CHECKPOINT_FIELDS})
	_check_inspector(doc, service)
	for row in doc.readings:
		try:
			row.status = evaluate(
				Reading(
					reading_type=row.reading_type,
					value=row.value,
					min_value=row.min_value
					if row.reading_type == "Numeric" and _has_limit(row, "min_value")
					else None,
					max_value=row.max_value
					if row.reading_type == "Numeric" and _has_limit(row, "max_value")
					else None,
					mandatory=False,
				),
				row.idx,
			)
		except InspectionError as error:
			_throw(error, doc)
	if doc.unit and doc.running_hours and doc.docstatus == 0:
		check_reading(doc.unit, doc.running_hours, reading_time_of_day(doc.inspection_date))


def default_template(kind: str | None, item_code: str | None = None) -> str | None:
	"""The template a new inspection of ``kind`` starts from: the enabled one made for its item, else
	the enabled one for every item (the first made, when there are several)."""
	if not kind:
		return None
	templates = frappe.get_all(
		TEMPLATE,
		filters={"inspection_kind": kind, "disabled": 0},
		fields=["name", "item_code"],
		order_by="creation asc, name asc",
	)
	for wanted in ([item_code] if item_code else []) + [None]:
		for template in templates:
			if (template.item_code or None) == wanted:
				return template.name
	return None


def _item_of(doc) -> str | None:
	"""The genset's item, from what the new inspection names so far."""
	if doc.get("item_code"):
		return doc.item_code
	if doc.get("unit"):
		return frappe.db.get_value(UNIT, doc.unit, "item_code")
	if doc.get("so_detail"):
		return frappe.db.get_value("Sales Order Item", doc.so_detail, "item_code")
	return None


def _has_limit(row, field) -> bool:
	"""Float columns store an unset limit as 0: a maximum of 0 means 'no maximum'."""
	value = row.get(field)
	return value is not None and not (value == 0 and field == "max_value")


def _fill_genset(doc) -> None:
	if doc.unit:
		unit = live_unit(
			doc.unit, ["company", "item_code", "serial_no", "sales_order", "so_detail"], doc.customer
		)
		for field in ("customer", "company", "item_code", "serial_no", "sales_order", "so_detail"):
			doc.set(field, unit.get(field) or doc.get(field))
		return
	if doc.inspection_kind != PRE_SHIPMENT:
		frappe.throw(
			_("A {0} inspection is made on a delivered Genset Unit: select the unit.").format(
				_(doc.inspection_kind)
			),
			title=_("Genset Unit Required"),
		)
	if not doc.sales_order:
		frappe.throw(
			_("Select the Sales Order whose genset is inspected before shipment."),
			title=_("Sales Order Required"),
		)
	order = frappe.db.get_value(
		"Sales Order", doc.sales_order, ["customer", "company", "docstatus"], as_dict=True
	)
	if doc.customer and doc.customer != order.customer:
		frappe.throw(
			_("Sales Order {0} is for customer {1}, not {2}.").format(
				doc.sales_order, frappe.bold(order.customer), frappe.bold(doc.customer)
			),
			title=_("Wrong Customer"),
		)
	doc.customer, doc.company = order.customer, order.company
	line_filters = {"parent": doc.sales_order, "parenttype": "Sales Order"}
	if doc.so_detail:
		line_filters["name"] = doc.so_detail
	elif doc.item_code:
		line_filters["item_code"] = doc.item_code
	line = frappe.db.get_value(
		"Sales Order Item", line_filters, ["name", "item_code"], as_dict=True, order_by="idx asc"
	)
	if not line:
		frappe.throw(
			_("Sales Order {0} has no line for item {1}.").format(
				doc.sales_order, frappe.bold(doc.item_code)
			),
			title=_("Wrong Item"),
		)
	doc.so_detail, doc.item_code = line.name, line.item_code


def _check_inspector(doc, service) -> None:
	if service.responsible_role not in frappe.get_roles(doc.inspector):
		frappe.throw(
			_("Inspector {0} must hold the role {1} to perform {2} inspections.").format(
				frappe.bold(doc.inspector), frappe.bold(service.responsible_role), _(doc.inspection_kind)
			),
			title=_("Wrong Inspector"),
		)


def before_submit(doc) -> None:
	if not doc.result:
		frappe.throw(_("Set the Result before submitting."), title=_("Result Required"))
	try:
		check_result(doc.result, [row.status for row in doc.readings], doc.remarks)
	except InspectionError as error:
		_throw(error, doc)
	missing = [row for row in doc.readings if row.mandatory and not (row.value or "").strip()]
	if missing:
		frappe.throw(
			_("Row #{0} ({1}): a reading is required.").format(missing[0].idx, missing[0].checkpoint),
			title=_("Checklist Incomplete"),
		)
	if frappe.get_cached_value(TEMPLATE, doc.template, "requires_signoff") and not (
		(doc.customer_signatory or "").strip() and doc.customer_signature
	):
		frappe.throw(
			_("The customer's sign-off (name and signature) is required for {0} inspections.").format(
				_(doc.inspection_kind)
			),
			title=_("Sign-off Required"),
		)


# ------------------------------------------------------------------ submit / cancel
def _find_task(doc, service) -> str | None:
	if doc.task:
		task = frappe.db.get_value(
			TASK, doc.task, ["service_type", "unit", "reference_name", "status"], as_dict=True
		)
		if task.service_type != service.name or (doc.unit and task.unit and task.unit != doc.unit):
			frappe.throw(
				_("Task {0} is not the {1} of this genset.").format(doc.task, _(service.name)),
				title=_("Wrong Task"),
			)
		return doc.task
	filters = {"service_type": service.name, "status": ("in", TaskStatus.OPEN)}
	if doc.unit:
		filters["unit"] = doc.unit
	else:
		filters["reference_name"] = doc.sales_order
		filters["plan_key"] = ("like", f"%:{doc.so_detail}:%")
	tasks = frappe.get_all(
		TASK, filters=filters, pluck="name", order_by="due_from asc, occurrence asc", limit=1
	)
	return tasks[0] if tasks else None


def on_submit(doc) -> None:
	service = service_for_kind(doc.inspection_kind)
	accepted = is_accepted(doc.result)
	task = _find_task(doc, service)
	effects = {"task": task}

	if task and (accepted or service.on_rejection_service):
		notes = _("{0}: {1}").format(doc.name, _(doc.result))
		if close_task(task, doc.inspection_date, doc.inspector, notes, recorded_by=doc.name):
			effects["completed_task"] = 1

	if doc.unit:
		unit = frappe.get_doc(UNIT, doc.unit)
		event_field = EVENT_FIELDS.get(service.sets_event)
		if event_field and (accepted or service.sets_event in EVENTS_RECORDED_ON_REJECTION):
			effects["previous_event_date"] = unit.get(event_field)
			unit.set(event_field, doc.inspection_date)
		unit.flags.ignore_permissions = True
		unit.save()
		if doc.running_hours:
			record_reading(
				doc.unit,
				doc.running_hours,
				reading_time_of_day(doc.inspection_date),
				"Inspection",
				doc.doctype,
				doc.name,
			)

	if not accepted and service.on_rejection_service:
		effects["follow_up_task"] = open_service_task(
			service.on_rejection_service, doc, doc.inspection_date, unit=doc.unit
		)
	doc.db_set(effects)


def on_cancel(doc) -> None:
	"""Revert exactly what the inspection moved: the task, the unit's dates and hours, the follow-up."""
	service = service_for_kind(doc.inspection_kind)
	if doc.follow_up_task:
		cancel_tasks([doc.follow_up_task])
	if doc.task and doc.completed_task:
		reopen_task(doc.task)
	if doc.unit:
		unit = frappe.get_doc(UNIT, doc.unit)
		event_field = EVENT_FIELDS.get(service.sets_event)
		if (
			event_field
			and unit.get(event_field)
			and getdate(unit.get(event_field)) == getdate(doc.inspection_date)
		):
			later = _later_inspection(doc, service)
			if not later:
				unit.set(event_field, doc.previous_event_date)
		unit.flags.ignore_permissions = True
		unit.save()
		if doc.running_hours:
			remove_reading(doc.doctype, doc.name)


def _later_inspection(doc, service) -> bool:
	return bool(
		frappe.db.exists(
			INSPECTION,
			{
				"unit": doc.unit,
				"inspection_kind": doc.inspection_kind,
				"docstatus": 1,
				"name": ("!=", doc.name),
				"inspection_date": doc.inspection_date,
			},
		)
	)


# ------------------------------------------------------------------ the pre-shipment gate
def check_pre_shipment_gate(delivery_note, genset_rows) -> None:
	"""Each genset delivered needs an Accepted pre-shipment inspection (setting: Stop / Warn / Off)."""
	mode = settings().pre_shipment_gate or "Stop"
	if mode == "Off" or delivery_note.get("is_return") or not genset_rows:
		return
	so_details = [row.so_detail for row in genset_rows if row.get("so_detail")]
	inspection = frappe.qb.DocType(INSPECTION)
	accepted = Counter()
	if so_details:
		accepted.update(
			dict(
				frappe.qb.from_(inspection)
				.select(inspection.so_detail, Count("*"))
				.where(inspection.docstatus == 1)
				.where(inspection.inspection_kind == PRE_SHIPMENT)
				.where(inspection.result.isin(["Accepted", "Accepted with Remarks"]))
				.where(inspection.so_detail.isin(so_details))
				.groupby(inspection.so_detail)
				.run()
			)
		)
		unit = frappe.qb.DocType(UNIT)
		delivered = dict(
			frappe.qb.from_(unit)
			.select(unit.so_detail, Count("*"))
			.where(unit.so_detail.isin(so_details))
			.where(unit.status != "Cancelled")
			.where(unit.delivery_note != delivery_note.name)
			.groupby(unit.so_detail)
			.run()
		)
		accepted.subtract(delivered)
	shortfalls = []
	for row in genset_rows:
		if not row.get("so_detail"):
			continue  # a delivery without a Sales Order has no order line to inspect against: not gated
		needed = cint(row.get("stock_qty") or row.qty)
		available = max(accepted.get(row.so_detail, 0), 0)
		accepted[row.so_detail] = available - needed
		if available < needed:
			shortfalls.append(
				_("Row #{0} ({1}): {2} of {3} gensets have an Accepted pre-shipment inspection.").format(
					row.idx, row.item_code, min(available, needed), needed
				)
			)
	if not shortfalls:
		return
	message = "<br>".join(shortfalls)
	if mode == "Stop":
		frappe.throw(message, title=_("Pre-shipment Inspection Missing"))
	frappe.msgprint(message, title=_("Pre-shipment Inspection Missing"), indicator="orange")
