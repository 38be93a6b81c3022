"""Daily refresh of the statuses that move with the calendar (a few UPDATEs, no per-row work)."""

import frappe
from frappe.utils import add_days, cint, nowdate

from genset_service.access.guard import app_action
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import CONTRACT, TASK, UNIT, UNIT_GONE, settings


@app_action
def refresh_statuses() -> None:
	today = nowdate()
	task = frappe.qb.DocType(TASK)
	becoming_overdue = (task.status.isin([TaskStatus.PLANNED, TaskStatus.DUE])) & (task.due_to < today)
	overdue = frappe.qb.from_(task).select(task.name).where(becoming_overdue).run(pluck=True)
	frappe.qb.update(task).set(task.status, TaskStatus.OVERDUE).where(becoming_overdue).run()
	notify_integrators(overdue)
	frappe.qb.update(task).set(task.status, TaskStatus.DUE).where(task.status == TaskStatus.PLANNED).where(
		task.due_from <= today
	).run()

	unit = frappe.qb.DocType(UNIT)
	started = (unit.status.notin(UNIT_GONE)) & (unit.warranty_basis != "Expected Commissioning")
	frappe.qb.update(unit).set(unit.warranty_status, "Expired").where(started).where(
		unit.warranty_end_date < today
	).run()
	frappe.qb.update(unit).set(unit.warranty_status, "Extended").where(started).where(
		unit.base_warranty_end_date < today
	).where(unit.warranty_end_date >= today).run()
	frappe.qb.update(unit).set(unit.warranty_status, "In Warranty").where(started).where(
		unit.warranty_start_date <= today
	).where(unit.base_warranty_end_date >= today).run()

	contract = frappe.qb.DocType(CONTRACT)
	notice_end = add_days(today, cint(settings().expiring_notice_days))
	live = contract.docstatus == 1
	frappe.qb.update(contract).set(contract.status, "Expired").where(live).where(
		contract.end_date < today
	).run()
	frappe.qb.update(contract).set(contract.status, "Expiring").where(live).where(
		contract.end_date >= today
	).where(contract.end_date <= notice_end).run()
	frappe.qb.update(contract).set(contract.status, "Active").where(live).where(
		contract.end_date > notice_end
	).run()


def notify_integrators(overdue: list[str]) -> None:
	"""The set-based UPDATE fires no document events: run the "task overdue" webhooks, when an
	integrator has enabled one, for the tasks that just became overdue."""
	if not overdue or not frappe.db.exists("Webhook", {"webhook_doctype": TASK, "enabled": 1}):
		return
	from frappe.integrations.doctype.webhook import run_webhooks

	for name in overdue:
		run_webhooks(frappe.get_doc(TASK, name), "on_change")
