"""Re-planning one unit when its real life events are recorded (the unit's own form and API);
many units at once go through ``replan.py``."""

import frappe

from genset_service.access.guard import app_action
from genset_service.planning import UnitEvents, UnitPlan, reconcile
from genset_service.scheduling import replan as bulk
from genset_service.scheduling.common import UNIT, UNIT_GONE, get_rules
from genset_service.scheduling.delivery import refresh_contract_end, sync_serial_warranty
from genset_service.scheduling.tasks import apply_changes, existing_tasks


def _extension(unit) -> tuple[int, float]:
	"""The extra months and hours of the unit's applied warranty extensions (none on a new unit)."""
	return (0, 0) if unit.is_new() else bulk.extension_totals([unit.name]).get(unit.name, (0, 0))


def unit_events(unit) -> UnitEvents:
	"""What is known of a unit's life: its recorded events, meter, applied extensions, settings."""
	return bulk.unit_events(unit, _extension(unit))


def unit_plan(unit, rules=None) -> UnitPlan:
	"""The unit's plan from its terms and the events recorded on it; bad dates are refused."""
	return bulk.plan_of(unit, rules if rules is not None else get_rules(), _extension(unit))


def set_milestones(unit, plan: UnitPlan) -> None:
	"""Copy what the plan assumes onto the unit: expected arrival, warranty, status."""
	unit.update(bulk.milestones_of(unit, plan))


def replan(unit, plan: UnitPlan) -> None:
	"""Move the unit's open tasks to the new plan; done tasks never move."""
	changes = reconcile(existing_tasks(unit.name), plan.occurrences)
	if changes:
		apply_changes(changes, bulk.context_of(unit))
	if unit.serial_no:
		sync_serial_warranty({unit.serial_no: unit.warranty_end_date})
	refresh_contract_end([unit.contract])


refresh_units = bulk.refresh_units


@app_action
def replan_units(units: list[str] | None = None) -> int:
	"""Re-plan live units against the current service types (background job, with progress)."""
	names = units or frappe.get_all(
		UNIT, filters={"status": ("not in", UNIT_GONE)}, pluck="name", order_by="name"
	)
	bulk.refresh_units(names, progress=True)
	return len(names)
