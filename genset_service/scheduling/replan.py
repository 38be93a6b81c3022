"""Re-planning many gensets at once, in bulk: a warranty extension applied or withdrawn, a return and
its cancellation, new service types. A fixed number of queries per chunk of units, whatever their count:
the units, their applied extensions and their stored plan are read in one query each; the new plans are
made in memory; moved tasks, new tasks, cancelled tasks and the units' milestones are each written in
one statement (new tasks: one insert per contract).

Neither ``unit.py`` (one unit's events) nor ``warranty.py`` (extensions) is imported here: both use
this module."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import cint, flt, getdate, nowdate

from genset_service.planning import (
	Changes,
	ExistingTask,
	TermsError,
	UnitEvents,
	UnitPlan,
	plan_unit,
	reconcile,
)
from genset_service.scheduling.common import (
	TASK,
	TERM_NAMES,
	UNIT,
	UNIT_GONE,
	bulk_update,
	get_rules,
	settings,
	terms_of,
	throw,
	unit_key,
)
from genset_service.scheduling.delivery import refresh_contract_end, sync_serial_warranty
from genset_service.scheduling.tasks import TaskContext, apply_many, existing_tasks_of

EXTENSION = "Genset Warranty Extension"
EXTENSION_UNIT = "Genset Warranty Extension Unit"
APPLIED = "Applied"
CHUNK = 200
UNIT_FIELDS = (
	"name",
	"status",
	"customer",
	"company",
	"contract",
	"item_code",
	"serial_no",
	"dn_detail",
	"unit_index",
	"delivery_date",
	"arrival_date",
	"eta_date",
	"commissioning_date",
	"running_hours",
	"running_hours_date",
	"lifetime_hours",
	"warranty_end_date",
	*TERM_NAMES,
)
MILESTONE_FIELDS = (
	"expected_arrival_date",
	"warranty_start_date",
	"warranty_end_date",
	"base_warranty_end_date",
	"warranty_basis",
	"service_end_date",
	"status",
	"warranty_status",
)


def _date(value):
	return getdate(value) if value else None


def extension_totals(units: list[str]) -> dict[str, tuple[int, float]]:
	"""Extra months and hours of the applied extensions of each unit (one grouped query)."""
	if not units:
		return {}
	parent = frappe.qb.DocType(EXTENSION)
	child = frappe.qb.DocType(EXTENSION_UNIT)
	rows = (
		frappe.qb.from_(child)
		.join(parent)
		.on(parent.name == child.parent)
		.select(child.unit, Coalesce(Sum(parent.extra_months), 0), Coalesce(Sum(parent.extra_hours), 0))
		.where(child.unit.isin(list(units)))
		.where(child.parenttype == EXTENSION)
		.where(parent.docstatus == 1)
		.where(parent.status == APPLIED)
		.groupby(child.unit)
		.run()
	)
	return {unit: (int(months or 0), flt(hours)) for unit, months, hours in rows}


def usage_per_day(unit) -> float:
	"""Average running hours a day since commissioning, from the last meter reading."""
	hours = flt(unit.lifetime_hours or unit.running_hours)
	if not (unit.commissioning_date and hours and unit.running_hours_date):
		return 0
	days = (getdate(unit.running_hours_date) - getdate(unit.commissioning_date)).days
	return hours / days if days > 0 else 0


def unit_events(unit, extension: tuple[int, float] = (0, 0)) -> UnitEvents:
	"""What is known of a unit's life: its recorded events, meter, applied extensions, settings."""
	return UnitEvents(
		delivery=getdate(unit.delivery_date),
		transit_days=cint(settings().transit_days),
		arrival=_date(unit.arrival_date),
		eta=_date(unit.get("eta_date")),
		commissioning=_date(unit.commissioning_date),
		reading_hours=flt(unit.lifetime_hours or unit.running_hours),
		reading_date=_date(unit.running_hours_date),
		hours_per_day=usage_per_day(unit),
		warranty_fallback_months=cint(settings().warranty_fallback_months),
		extension_months=extension[0],
		extension_hours=extension[1],
	)


def plan_of(unit, rules, extension: tuple[int, float] = (0, 0)) -> UnitPlan:
	"""The unit's plan from its terms and the events recorded on it; bad dates are refused."""
	try:
		return plan_unit(rules, terms_of(unit), unit_events(unit, extension), unit.name)
	except TermsError as error:
		throw(error, title=_("Invalid Genset Dates"))


def milestones_of(unit, plan: UnitPlan) -> dict:
	"""What the plan assumes, as the unit's field values: expected arrival, warranty, status."""
	marks = plan.milestones
	values = {
		"expected_arrival_date": marks.arrival,
		"warranty_start_date": marks.warranty_start,
		"warranty_end_date": marks.warranty_end,
		"base_warranty_end_date": marks.base_warranty_end,
		"warranty_basis": marks.warranty_basis,
		"service_end_date": marks.service_end,
		"warranty_status": marks.warranty_status(getdate(nowdate())),
		"status": unit.status,
	}
	if unit.status not in UNIT_GONE:
		values["status"] = (
			"Commissioned" if unit.commissioning_date else "Arrived" if unit.arrival_date else "Delivered"
		)
	return values


def context_of(unit) -> TaskContext:
	return TaskContext(
		customer=unit.customer,
		company=unit.company,
		reference_doctype=UNIT,
		reference_name=unit.name,
		contract=unit.contract,
		details={unit.name: {"unit": unit.name, "item_code": unit.item_code, "serial_no": unit.serial_no}},
	)


def refresh_units(names: list[str], rules=None, progress: bool = False) -> dict:
	"""Re-plan units against their current terms, events and extensions; returns their warranty ends.
	A returned or cancelled unit keeps its milestones and gets no tasks."""
	rules = rules if rules is not None else get_rules()
	ends, contracts = {}, set()
	names = list(dict.fromkeys(names))
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		units = frappe.get_all(UNIT, filters={"name": ("in", chunk)}, fields=list(UNIT_FIELDS))
		live = [unit for unit in units if unit.status not in UNIT_GONE]
		extensions = extension_totals([unit.name for unit in live])
		stored = existing_tasks_of([unit.name for unit in live])
		values, work = {}, []
		for unit in live:
			plan = plan_of(unit, rules, extensions.get(unit.name, (0, 0)))
			values[unit.name] = {**milestones_of(unit, plan), "unit_key": unit_key(unit)}
			changes = reconcile(stored.get(unit.name, []), plan.occurrences)
			if changes:
				work.append((changes, context_of(unit)))
			ends[unit.name] = plan.milestones.warranty_end
			contracts.add(unit.contract)
		bulk_update(UNIT, values)
		apply_many(work)
		sync_serial_warranty({unit.serial_no: ends[unit.name] for unit in live if unit.serial_no})
		if progress:
			done = min(start + CHUNK, len(names))
			frappe.publish_progress(
				percent=done * 100 / len(names),
				title=_("Re-planning gensets"),
				description=_("{0} of {1}").format(done, len(names)),
			)
	refresh_contract_end(list(contracts))
	return ends
