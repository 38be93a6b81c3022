"""The after-sales planner: service rules + terms + events in, dated occurrences out.

No Frappe imports: the hook handlers read documents, call these functions and persist the result.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from genset_service.planning.dates import Date, add_days, add_months, date_for_hours
from genset_service.planning.model import (
	Changes,
	Event,
	ExistingTask,
	Milestones,
	Occurrence,
	Recurrence,
	Scope,
	ServiceRule,
	TaskStatus,
	Terms,
	TermsError,
	UnitEvents,
	UnitPlan,
)


def order_rules(rules: Iterable[ServiceRule]) -> list[ServiceRule]:
	"""Rules planned when the Sales Order is submitted."""
	return [rule for rule in rules if rule.planned_on_order]


def unit_rules(rules: Iterable[ServiceRule]) -> list[ServiceRule]:
	"""Rules planned per delivered unit."""
	return [rule for rule in rules if not rule.planned_on_order and not rule.on_demand]


def _window(rule: ServiceRule, base: Date, until: Date | None) -> tuple[Date, Date]:
	due_from = add_days(base, rule.offset_from)
	due_to = until if until is not None else add_days(base, rule.offset_to)
	return due_from, max(due_from, due_to)


def plan_order(
	rules: Iterable[ServiceRule],
	contract_key: str,
	order_date: Date,
	lines: Sequence[tuple[str, Date]],
) -> list[Occurrence]:
	"""Occurrences planned by a submitted order.

	``lines`` are (line key, planned delivery date) of the genset lines. A window that would fall
	before the order itself (a delivery promised for tomorrow) is moved up to the order date.
	"""
	if not lines:
		return []
	for line_key, delivery_date in lines:
		if not delivery_date:
			raise TermsError("delivery_date", "missing", line_key)

	occurrences = []
	earliest_delivery = min(delivery_date for _, delivery_date in lines)

	def event_date(event: str | None, delivery_date: Date) -> Date | None:
		if event == Event.ORDER:
			return order_date
		if event == Event.PLANNED_DELIVERY:
			return delivery_date
		return None

	for rule in order_rules(rules):
		rule.validate()
		if rule.scope == Scope.CONTRACT:
			targets = [(None, earliest_delivery, f"{contract_key}:{rule.name}:1")]
		else:
			targets = [
				(line_key, delivery_date, f"{contract_key}:{line_key}:{rule.name}:1")
				for line_key, delivery_date in lines
			]
		for line_key, delivery_date, key in targets:
			base = event_date(rule.anchor, delivery_date)
			due_from, due_to = _window(rule, base, event_date(rule.until_event, delivery_date))
			due_from, due_to = max(due_from, order_date), max(due_to, order_date)
			occurrences.append(
				Occurrence(
					service_type=rule.name,
					key=key,
					seq=1,
					due_from=due_from,
					due_to=due_to,
					anchor=rule.anchor,
					auto_complete=rule.auto_complete,
					role=rule.role,
					line=line_key,
				)
			)
	return occurrences


def milestones(rules: Iterable[ServiceRule], terms: Terms, events: UnitEvents) -> Milestones:
	"""The unit's life as the plan assumes it: actual dates where recorded, expected ones otherwise.

	Expected arrival is the shipment's ETA when it has one (never before delivery), else delivery +
	transit days. Expected commissioning is the end of the window of
	the service that records commissioning (installation: 1-3 days after arrival gives arrival + 3).
	The warranty starts at commissioning ("put into use").
	"""
	terms.validate()
	events.validate()
	arrival = events.arrival or expected_arrival(events)
	commissioning = events.commissioning
	if commissioning is None:
		commissioning = arrival
		for rule in rules:
			if rule.sets_event == Event.COMMISSIONING and rule.anchor in (Event.DELIVERY, Event.ARRIVAL):
				base = arrival if rule.anchor == Event.ARRIVAL else events.delivery
				commissioning = max(arrival, add_days(base, rule.offset_to))
				break
	warranty_start, basis = warranty_start_of(events, commissioning)
	base_end = add_months(warranty_start, terms.warranty_months)
	warranty_end = add_months(warranty_start, terms.warranty_months + (events.extension_months or 0))
	ended_by_hours = False
	cap = (terms.warranty_hours or 0) + (events.extension_hours or 0) if terms.warranty_hours else 0
	if cap and events.reading_date and events.reading_hours >= cap and events.reading_date < warranty_end:
		# whichever comes first: the hour meter reached the cap on the day it was read
		warranty_end, ended_by_hours = max(events.reading_date, warranty_start), True
	return Milestones(
		delivery=events.delivery,
		arrival=arrival,
		commissioning=commissioning,
		warranty_start=warranty_start,
		warranty_end=warranty_end,
		service_end=max(add_months(commissioning, terms.contract_months or 0), warranty_end),
		arrival_is_actual=events.arrival is not None,
		commissioning_is_actual=events.commissioning is not None,
		warranty_basis=basis,
		base_warranty_end=min(base_end, warranty_end),
		ended_by_hours=ended_by_hours,
	)


def expected_arrival(events: UnitEvents) -> Date:
	"""The shipment's ETA (not before delivery), else delivery + the usual transit days."""
	if events.eta:
		return max(events.eta, events.delivery)
	return add_days(events.delivery, events.transit_days)


def warranty_start_of(events: UnitEvents, commissioning: Date) -> tuple[Date, str]:
	"""The warranty starts when the genset is put into use (commissioning), or at delivery + the
	fallback months, whichever is sooner; until commissioning is recorded the fallback is assumed."""
	fallback = (
		add_months(events.delivery, events.warranty_fallback_months)
		if events.warranty_fallback_months
		else None
	)
	if events.commissioning is not None:
		if fallback and fallback < events.commissioning:
			return fallback, "Fallback"
		return events.commissioning, "Commissioning"
	if fallback:
		return fallback, "Fallback"
	return commissioning, "Expected Commissioning"


def _interval(rule: ServiceRule, terms: Terms) -> int:
	if rule.recurrence == Recurrence.FIXED:
		return rule.recurrence_months
	if rule.recurrence == Recurrence.INSPECTION:
		return terms.inspection_interval_months
	if rule.recurrence == Recurrence.MAINTENANCE:
		return terms.maintenance_interval_months
	return 0


def hours_or_months(nominal: Date, due_hours: float, events: UnitEvents) -> Date:
	"""Whichever comes first: the calendar date, or the day the meter is expected to reach the hours."""
	if not due_hours or not events.reading_date:
		return nominal
	by_hours = date_for_hours(due_hours, events.reading_hours, events.reading_date, events.hours_per_day)
	if by_hours is None:
		return nominal
	return min(nominal, by_hours)


def plan_unit(rules: Sequence[ServiceRule], terms: Terms, events: UnitEvents, unit_key: str) -> UnitPlan:
	"""Every occurrence of the services that hang on one delivered unit."""
	marks = milestones(rules, terms, events)
	plan = UnitPlan(milestones=marks)
	for rule in unit_rules(rules):
		rule.validate()
		base = marks.date_of(rule.anchor)
		until = marks.date_of(rule.until_event) if rule.until_event else None
		interval = _interval(rule, terms)
		if not interval:
			due_from, due_to = _window(rule, base, until)
			plan.occurrences.append(
				Occurrence(
					service_type=rule.name,
					key=f"{unit_key}:{rule.name}:1",
					seq=1,
					due_from=due_from,
					due_to=due_to,
					anchor=rule.anchor,
					auto_complete=rule.auto_complete,
					role=rule.role,
				)
			)
			continue

		seq = 1
		while (nominal := add_months(base, seq * interval)) <= marks.service_end:
			due_hours = 0
			if rule.recurrence == Recurrence.MAINTENANCE and terms.maintenance_interval_hours:
				due_hours = seq * terms.maintenance_interval_hours
				nominal = max(hours_or_months(nominal, due_hours, events), base)
			due_from, due_to = _window(rule, nominal, None)
			plan.occurrences.append(
				Occurrence(
					service_type=rule.name,
					key=f"{unit_key}:{rule.name}:{seq}",
					seq=seq,
					due_from=due_from,
					due_to=due_to,
					anchor=rule.anchor,
					due_hours=due_hours,
					auto_complete=rule.auto_complete,
					role=rule.role,
				)
			)
			seq += 1
	return plan


@dataclass
class PlanGroup:
	"""Units with the same terms and events share one plan: planned once, keyed per unit on demand."""

	plan: UnitPlan
	unit_keys: list[str] = field(default_factory=list)

	def plan_for(self, unit_key: str) -> UnitPlan:
		"""The group's plan with ``unit_key``'s occurrence keys."""
		first = self.unit_keys[0]
		if unit_key == first:
			return self.plan
		cut = len(first)
		return UnitPlan(
			milestones=self.plan.milestones,
			occurrences=[replace(o, key=unit_key + o.key[cut:]) for o in self.plan.occurrences],
		)


def plan_units(
	rules: Sequence[ServiceRule], units: Iterable[tuple[Terms, UnitEvents, str]]
) -> list[PlanGroup]:
	"""Plans of many units; units with the same terms and events are planned once (a delivery of 100
	identical gensets is one plan, 100 keys)."""
	groups: dict[tuple, PlanGroup] = {}
	for terms, events, unit_key in units:
		signature = (terms, *vars(events).values())
		group = groups.get(signature)
		if group is None:
			group = groups[signature] = PlanGroup(plan_unit(rules, terms, events, unit_key))
		group.unit_keys.append(unit_key)
	return list(groups.values())


def task_status(due_from: Date, due_to: Date, today: Date) -> str:
	"""Status of an open task on ``today``."""
	if due_to < today:
		return TaskStatus.OVERDUE
	if due_from <= today:
		return TaskStatus.DUE
	return TaskStatus.PLANNED


def reconcile(existing: Iterable[ExistingTask], desired: Iterable[Occurrence]) -> Changes:
	"""Bring stored tasks in line with a new plan.

	Open tasks move to their new dates; Done and Cancelled tasks never move and are never planned
	again; open tasks that the new plan no longer has are cancelled; new occurrences are inserted.
	"""
	by_key = {task.key: task for task in existing}
	changes = Changes()
	wanted = set()
	for occurrence in desired:
		wanted.add(occurrence.key)
		task = by_key.get(occurrence.key)
		if task is None:
			changes.insert.append(occurrence)
		elif task.status in TaskStatus.OPEN and (
			task.due_from != occurrence.due_from
			or task.due_to != occurrence.due_to
			or (task.due_hours or 0) != (occurrence.due_hours or 0)
		):
			changes.update[task.name] = occurrence
	changes.cancel = [
		task.name for task in by_key.values() if task.key not in wanted and task.status in TaskStatus.OPEN
	]
	return changes


def contract_status(end_date: Date, today: Date, notice_days: int) -> str:
	"""Active, Expiring (within ``notice_days`` of the end) or Expired."""
	if end_date < today:
		return "Expired"
	if (end_date - today).days <= (notice_days or 0):
		return "Expiring"
	return "Active"
