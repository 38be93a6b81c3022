"""Re-planning one unit when its real life events are recorded."""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, nowdate

from genset_service.access.guard import app_action
from genset_service.planning import TermsError, UnitEvents, UnitPlan, plan_unit, reconcile
from genset_service.scheduling.common import UNIT, get_rules, settings, terms_of, throw
from genset_service.scheduling.delivery import refresh_contract_end, sync_serial_warranty
from genset_service.scheduling.tasks import TaskContext, apply_changes, existing_tasks
from genset_service.scheduling.warranty import extension_totals


def _date(value):
	return getdate(value) if value else None


def usage_per_day(unit) -> float:
	"""Average running hours a day since commissioning, from the last meter reading."""
	hours = flt(unit.lifetime_hours or unit.running_hours)
	if not (unit.commissioning_date and hours and unit.running_hours_date):
		return 0
	days = (getdate(unit.running_hours_date) - getdate(unit.commissioning_date)).days
	return hours / days if days > 0 else 0


def unit_events(unit) -> UnitEvents:
	"""What is known of a unit's life: its recorded events, meter, applied extensions, settings."""
	extension_months, extension_hours = extension_totals(unit.name) if not unit.is_new() else (0, 0)
	return UnitEvents(
		delivery=getdate(unit.delivery_date),
		transit_days=cint(settings().transit_days),
		arrival=_date(unit.arrival_date),
		commissioning=_date(unit.commissioning_date),
		reading_hours=flt(unit.lifetime_hours or unit.running_hours),
		reading_date=_date(unit.running_hours_date),
		hours_per_day=usage_per_day(unit),
		warranty_fallback_months=cint(settings().warranty_fallback_months),
		extension_months=extension_months,
		extension_hours=extension_hours,
	)


def unit_plan(unit, rules=None) -> UnitPlan:
	"""The unit's plan from its terms and the events recorded on it; bad dates are refused."""
	events = unit_events(unit)
	try:
		return plan_unit(rules if rules is not None else get_rules(), terms_of(unit), events, unit.name)
	except TermsError as error:
		throw(error, title=_("Invalid Genset Dates"))


def set_milestones(unit, plan: UnitPlan) -> None:
	"""Copy what the plan assumes onto the unit: expected arrival, warranty, status."""
	marks = plan.milestones
	unit.expected_arrival_date = marks.arrival
	unit.warranty_start_date = marks.warranty_start
	unit.warranty_end_date = marks.warranty_end
	unit.base_warranty_end_date = marks.base_warranty_end
	unit.warranty_basis = marks.warranty_basis
	unit.service_end_date = marks.service_end
	if unit.status != "Cancelled":
		unit.status = (
			"Commissioned" if unit.commissioning_date else "Arrived" if unit.arrival_date else "Delivered"
		)
	unit.warranty_status = marks.warranty_status(getdate(nowdate()))


def replan(unit, plan: UnitPlan) -> None:
	"""Move the unit's open tasks to the new plan; done tasks never move."""
	changes = reconcile(existing_tasks(unit.name), plan.occurrences)
	if changes:
		apply_changes(
			changes,
			TaskContext(
				customer=unit.customer,
				company=unit.company,
				reference_doctype=unit.doctype,
				reference_name=unit.name,
				contract=unit.contract,
				details={
					unit.name: {"unit": unit.name, "item_code": unit.item_code, "serial_no": unit.serial_no}
				},
			),
		)
	if unit.serial_no:
		sync_serial_warranty({unit.serial_no: unit.warranty_end_date})
	refresh_contract_end([unit.contract])


def refresh_units(names: list[str], rules=None, progress: bool = False) -> dict:
	"""Re-plan units against their current terms, events and extensions; returns their warranty ends."""
	rules = rules if rules is not None else get_rules()
	ends = {}
	for position, name in enumerate(names, start=1):
		unit = frappe.get_doc(UNIT, name)
		plan = unit_plan(unit, rules)
		set_milestones(unit, plan)
		unit.db_update()
		replan(unit, plan)
		ends[name] = unit.warranty_end_date
		if progress:
			frappe.publish_progress(
				percent=position * 100 / len(names),
				title=_("Re-planning gensets"),
				description=_("{0} of {1}: {2}").format(position, len(names), name),
			)
	return ends


@app_action
def replan_units(units: list[str] | None = None) -> int:
	"""Re-plan live units against the current service types (background job, with progress)."""
	names = units or frappe.get_all(
		UNIT, filters={"status": ("!=", "Cancelled")}, pluck="name", order_by="name"
	)
	refresh_units(names, progress=True)
	return len(names)
