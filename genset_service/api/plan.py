"""The after-sales plan over the API: read a unit's plan, complete a task, log a consultation."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from genset_service.api.guard import DateString, Name, Text, checked
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT

CONSULTATION = "Pre-sales Consultation"
CONSULTATION_SOURCES = ("Lead", "Opportunity", "Quotation")
PLAN_FIELDS = (
	"name",
	"service_type",
	"status",
	"occurrence",
	"due_from",
	"due_to",
	"due_hours",
	"responsible_role",
	"assigned_to",
	"completed_on",
)


@frappe.whitelist()
@frappe.read_only()
@checked
def get_unit_plan(unit: Name) -> dict:
	"""A genset's milestones and every task of its plan, in due order."""
	doc = frappe.get_doc(UNIT, unit)
	doc.check_permission("read")
	tasks = frappe.get_list(
		TASK, filters={"unit": unit}, fields=list(PLAN_FIELDS), order_by="due_from asc, name asc"
	)
	return {
		"unit": doc.name,
		"customer": doc.customer,
		"item_code": doc.item_code,
		"serial_no": doc.serial_no,
		"status": doc.status,
		"delivery_date": doc.delivery_date,
		"expected_arrival_date": doc.expected_arrival_date,
		"arrival_date": doc.arrival_date,
		"commissioning_date": doc.commissioning_date,
		"warranty_status": doc.warranty_status,
		"warranty_start_date": doc.warranty_start_date,
		"warranty_end_date": doc.warranty_end_date,
		"tasks": tasks,
	}


@frappe.whitelist(methods=["POST"])
@checked
def complete_task(task: Name, completed_on: DateString | None = None, notes: Text | None = None) -> dict:
	"""Mark a planned task Done (closes its ToDo; arrival and commissioning services re-plan the unit)."""
	doc = frappe.get_doc(TASK, task)
	doc.check_permission("write")
	if doc.status in TaskStatus.CLOSED:
		frappe.throw(_("Task {0} is already {1}.").format(doc.name, _(doc.status)), title=_("Task Closed"))
	completed_on = getdate(completed_on or nowdate())
	if completed_on > getdate(nowdate()):
		frappe.throw(
			_("A task cannot be completed in the future ({0}).").format(frappe.format(completed_on, "Date"))
		)
	doc.status = TaskStatus.DONE
	doc.completed_on = completed_on
	if notes:
		doc.notes = notes
	doc.save()
	return {"name": doc.name, "status": doc.status, "completed_on": doc.completed_on}


@frappe.whitelist(methods=["POST"])
@checked
def log_consultation(
	reference_doctype: Name, reference_name: Name, notes: Text, consulted_on: DateString | None = None
) -> str:
	"""Record a pre-sales consultation (service 1) against a Lead, Opportunity or Quotation."""
	if reference_doctype not in CONSULTATION_SOURCES:
		frappe.throw(
			_("A consultation is logged against a Lead, Opportunity or Quotation, not {0}.").format(
				reference_doctype
			),
			title=_("Invalid Reference"),
		)
	if not (notes or "").strip():
		frappe.throw(
			_("Describe what was advised in {0}.").format(frappe.bold(_("Notes"))), title=_("Missing Notes")
		)
	source = frappe.get_doc(reference_doctype, reference_name)
	source.check_permission("read")
	customer, lead = party_of(source)
	task = frappe.get_doc(
		{
			"doctype": TASK,
			"service_type": CONSULTATION,
			"status": TaskStatus.DONE,
			"due_from": consulted_on or nowdate(),
			"due_to": consulted_on or nowdate(),
			"completed_on": consulted_on or nowdate(),
			"customer": customer,
			"lead": lead,
			"company": source.get("company"),
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"notes": notes,
		}
	)
	task.insert()
	return task.name


def party_of(source) -> tuple[str | None, str | None]:
	"""(customer, lead) behind a Lead, Opportunity or Quotation."""
	if source.doctype == "Lead":
		return frappe.db.get_value("Customer", {"lead_name": source.name}, "name"), source.name
	party_type = source.get("opportunity_from") or source.get("quotation_to")
	party = source.get("party_name")
	if party_type == "Customer":
		return party, None
	if party_type == "Lead":
		return frappe.db.get_value("Customer", {"lead_name": party}, "name"), party
	return None, None


@frappe.whitelist()
@frappe.read_only()
@checked
def get_service_history(customer: Name) -> list[dict]:
	"""Every service task of a customer, including consultations logged while it was still a lead."""
	frappe.get_doc("Customer", customer).check_permission("read")
	leads = frappe.get_all("Customer", filters={"name": customer}, pluck="lead_name")
	leads = [lead for lead in leads if lead]
	filters = [["customer", "=", customer]]
	or_filters = [["lead", "in", leads]] if leads else None
	fields = [*PLAN_FIELDS, "unit", "contract", "reference_doctype", "reference_name", "notes"]
	if or_filters:
		return frappe.get_list(
			TASK, or_filters=[*filters, *or_filters], fields=fields, order_by="due_from desc, name desc"
		)
	return frappe.get_list(TASK, filters=filters, fields=fields, order_by="due_from desc, name desc")


@frappe.whitelist(methods=["POST"])
@checked
def replan_open_plans() -> dict:
	"""After a service type's rule changed: re-plan every live genset in the background."""
	if "System Manager" not in frappe.get_roles():
		frappe.throw(_("Only a System Manager can re-plan every genset."), frappe.PermissionError)
	job = frappe.enqueue(
		"genset_service.scheduling.unit.replan_units",
		queue="long",
		timeout=3600,
		job_id="genset_service::replan_open_plans",
		deduplicate=True,
	)
	return {"queued": bool(job), "units": frappe.db.count(UNIT, {"status": ("!=", "Cancelled")})}


@frappe.whitelist(methods=["POST"])
@checked
def plan_delivery_again(delivery_note: Name) -> dict:
	"""A large delivery whose background plan Failed or was Stopped after its retries is queued again
	(those who may submit the Delivery Note)."""
	from genset_service.scheduling.large_delivery import plan_again

	return {"delivery_note": delivery_note, "status": plan_again(delivery_note)}
