"""Tier 1: the pure planner, with the service catalogue exactly as the app installs it."""

import datetime
import json
import pathlib

import pytest

from genset_service.planning import (
	Event,
	ExistingTask,
	Recurrence,
	Scope,
	ServiceRule,
	TaskStatus,
	Terms,
	TermsError,
	UnitEvents,
	add_months,
	assign_least_loaded,
	date_for_hours,
	milestones,
	plan_order,
	plan_unit,
	reconcile,
	resolve_terms,
	rule_from_record,
	task_status,
)

D = datetime.date
RECORDS = pathlib.Path(__file__).parents[1] / "genset_service/setup/records/genset_service_type.json"


@pytest.fixture(scope="module")
def rules():
	return [rule_from_record(record) for record in json.loads(RECORDS.read_text())]


@pytest.fixture
def terms():
	return Terms(
		warranty_months=12,
		inspection_interval_months=6,
		maintenance_interval_months=6,
		contract_months=24,
		maintenance_interval_hours=250,
	)


def by_service(occurrences):
	grouped = {}
	for occurrence in occurrences:
		grouped.setdefault(occurrence.service_type, []).append(occurrence)
	return grouped


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize(
	"start, months, expected",
	[
		(D(2026, 1, 31), 1, D(2026, 2, 28)),
		(D(2028, 1, 31), 1, D(2028, 2, 29)),
		(D(2028, 2, 29), 12, D(2029, 2, 28)),
		(D(2028, 2, 29), 48, D(2032, 2, 29)),
		(D(2026, 8, 31), 6, D(2027, 2, 28)),
		(D(2026, 12, 15), 1, D(2027, 1, 15)),
		(D(2026, 3, 31), -1, D(2026, 2, 28)),
	],
)
def test_add_months_clamps_to_month_end(start, months, expected):
	assert add_months(start, months) == expected


def test_date_for_hours():
	assert date_for_hours(250, 50, D(2027, 1, 1), 10) == D(2027, 1, 21)
	assert date_for_hours(250, 300, D(2027, 1, 1), 10) == D(2027, 1, 1)
	assert date_for_hours(250, 50, D(2027, 1, 1), 0) is None


# ------------------------------------------------------------------ catalogue
def test_catalogue_has_all_18_services_and_every_rule_is_valid(rules):
	assert [r.name for r in rules][:3] == [
		"Pre-sales Consultation",
		"Contract Confirmation",
		"Pre-shipment Inspection",
	]
	assert len(rules) == 20  # the 18 of the catalogue + two follow-ups (transport damage claim, survey)
	for rule in rules:
		rule.validate()
	on_demand = {r.name for r in rules if r.anchor == Event.ON_DEMAND}
	assert on_demand - {"Transport Damage Claim", "Survey Follow-up"} == {
		"Pre-sales Consultation",
		"Remote Support",
		"Field Maintenance",
		"Spare Parts Supply",
		"Technology Upgrading",
		"Emergency Rescue",
	}
	# the catalogue's promises are the default agreement's: on site within 48 h, 4 h in an emergency,
	# remote support answered within 2 h (Medium priority; High half of it, Low one and a half times)
	(promise,) = json.loads((RECORDS.parent / "genset_service_agreement.json").read_text())
	targets = {(t["service_type"], t["priority"]): t for t in promise["targets"]}
	assert promise["applies_to"] == "Default"
	assert targets[("Field Maintenance", "Medium")]["on_site_hours"] == 48
	assert targets[("Field Maintenance", "High")]["on_site_hours"] == 24
	assert targets[("Field Maintenance", "Low")]["on_site_hours"] == 72
	assert targets[("Emergency Rescue", "Medium")]["on_site_hours"] == 4
	assert targets[("Remote Support", "Medium")]["acknowledge_hours"] == 2


# ------------------------------------------------------------------ order
def test_order_plans_contract_confirmation_and_pre_shipment_per_line(rules):
	occurrences = plan_order(
		rules, "GSC-1", D(2026, 11, 2), [("line-a", D(2026, 12, 10)), ("line-b", D(2026, 12, 20))]
	)
	grouped = by_service(occurrences)
	assert set(grouped) == {"Contract Confirmation", "Pre-shipment Inspection"}
	(confirmation,) = grouped["Contract Confirmation"]
	assert confirmation.auto_complete and confirmation.due_to == D(2026, 11, 2)
	assert [(o.line, o.due_from, o.due_to) for o in grouped["Pre-shipment Inspection"]] == [
		("line-a", D(2026, 12, 8), D(2026, 12, 9)),
		("line-b", D(2026, 12, 18), D(2026, 12, 19)),
	]
	assert all(o.role == "Technical Engineer" for o in grouped["Pre-shipment Inspection"])
	assert len({o.key for o in occurrences}) == len(occurrences)


def test_order_window_never_before_the_order(rules):
	occurrences = plan_order(rules, "GSC-1", D(2026, 11, 2), [("line-a", D(2026, 11, 3))])
	pre = by_service(occurrences)["Pre-shipment Inspection"][0]
	assert (pre.due_from, pre.due_to) == (D(2026, 11, 2), D(2026, 11, 2))


def test_order_line_without_delivery_date_is_refused(rules):
	with pytest.raises(TermsError) as error:
		plan_order(rules, "GSC-1", D(2026, 11, 2), [("line-a", None)])
	assert error.value.field == "delivery_date"


def test_order_without_genset_lines_plans_nothing(rules):
	assert plan_order(rules, "GSC-1", D(2026, 11, 2), []) == []


# ------------------------------------------------------------------ unit
def test_unit_plan_follows_the_catalogue(rules, terms):
	plan = plan_unit(rules, terms, UnitEvents(delivery=D(2027, 1, 10), transit_days=7), "U1")
	marks = plan.milestones
	assert marks.arrival == D(2027, 1, 17)
	assert marks.commissioning == D(2027, 1, 20)  # installation 1-3 days after arrival
	assert marks.warranty_start == marks.commissioning
	assert marks.warranty_end == D(2028, 1, 20)
	assert marks.service_end == D(2029, 1, 20)  # contract 24 months > warranty 12

	grouped = by_service(plan.occurrences)
	expect_single = {
		"Logistics Tracking": (D(2027, 1, 10), D(2027, 1, 17)),
		"Arrival Acceptance": (D(2027, 1, 17), D(2027, 1, 18)),
		"Installation and Commissioning": (D(2027, 1, 18), D(2027, 1, 20)),
		"Operation Training": (D(2027, 1, 20), D(2027, 1, 22)),
		"Warranty Service": (D(2027, 1, 20), D(2027, 1, 27)),
		"Extended Warranty Offer": (D(2027, 11, 21), D(2027, 12, 21)),
	}
	for service, window in expect_single.items():
		assert [(o.due_from, o.due_to) for o in grouped[service]] == [window], service

	inspections = grouped["Regular Inspection"]
	assert [o.due_to for o in inspections] == [D(2027, 7, 27), D(2028, 1, 27), D(2028, 7, 27), D(2029, 1, 27)]
	assert len(grouped["Maintenance"]) == 4
	assert [o.due_hours for o in grouped["Maintenance"]] == [250, 500, 750, 1000]
	assert len(grouped["Customer Return Visit"]) == 8  # quarterly over 24 months
	assert len(grouped["Satisfaction Survey"]) == 4  # semiannual over 24 months
	assert "Pre-shipment Inspection" not in grouped and "Field Maintenance" not in grouped
	assert len({o.key for o in plan.occurrences}) == len(plan.occurrences)


def test_twelve_month_inspections_halve_the_visits(rules, terms):
	yearly = Terms(**{**terms.__dict__, "inspection_interval_months": 12})
	plan = plan_unit(rules, yearly, UnitEvents(delivery=D(2027, 1, 10), transit_days=7), "U1")
	assert len(by_service(plan.occurrences)["Regular Inspection"]) == 2


def test_recurrence_from_month_end_does_not_drift(rules):
	terms = Terms(warranty_months=12, inspection_interval_months=1, maintenance_interval_months=12)
	plan = plan_unit(rules, terms, UnitEvents(delivery=D(2027, 1, 1), commissioning=D(2027, 1, 31)), "U1")
	# the window opens 7 days before the nominal date; nominal dates stay on the month's end, never drift
	days = [
		(o.due_from + datetime.timedelta(days=7)).day
		for o in by_service(plan.occurrences)["Regular Inspection"]
	]
	assert days == [28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31]


def test_commissioning_on_29_february(rules):
	terms = Terms(warranty_months=12, inspection_interval_months=12, maintenance_interval_months=12)
	plan = plan_unit(
		rules,
		terms,
		UnitEvents(delivery=D(2028, 2, 20), arrival=D(2028, 2, 25), commissioning=D(2028, 2, 29)),
		"U",
	)
	assert plan.milestones.warranty_end == D(2029, 2, 28)
	assert [o.due_from for o in by_service(plan.occurrences)["Regular Inspection"]] == [D(2029, 2, 21)]


def test_actual_arrival_moves_installation_and_commissioning_rebases_recurring(rules, terms):
	expected = plan_unit(rules, terms, UnitEvents(delivery=D(2027, 1, 10), transit_days=7), "U1")
	arrived = plan_unit(
		rules, terms, UnitEvents(delivery=D(2027, 1, 10), transit_days=7, arrival=D(2027, 1, 25)), "U1"
	)
	install = by_service(arrived.occurrences)["Installation and Commissioning"][0]
	assert (install.due_from, install.due_to) == (D(2027, 1, 26), D(2027, 1, 28))
	assert arrived.milestones.arrival_is_actual and not expected.milestones.arrival_is_actual

	commissioned = plan_unit(
		rules,
		terms,
		UnitEvents(delivery=D(2027, 1, 10), arrival=D(2027, 1, 25), commissioning=D(2027, 2, 15)),
		"U1",
	)
	assert commissioned.milestones.warranty_start == D(2027, 2, 15)
	assert commissioned.milestones.warranty_end == D(2028, 2, 15)
	first_inspection = by_service(commissioned.occurrences)["Regular Inspection"][0]
	assert first_inspection.due_from == D(2027, 8, 8)
	# the same keys: re-basing moves tasks, it does not add new ones
	assert {o.key for o in commissioned.occurrences} == {o.key for o in expected.occurrences}


def test_hours_or_months_whichever_first(rules, terms):
	events = UnitEvents(
		delivery=D(2027, 1, 10),
		arrival=D(2027, 1, 12),
		commissioning=D(2027, 1, 15),
		reading_hours=100,
		reading_date=D(2027, 2, 1),
		hours_per_day=10,
	)
	maintenance = by_service(plan_unit(rules, terms, events, "U1").occurrences)["Maintenance"]
	# 250 h reached on 2027-02-16 (150 h at 10 h/day), before the 6-month date 2027-07-15
	assert maintenance[0].due_from == D(2027, 2, 9) and maintenance[0].due_hours == 250
	# a lightly used set keeps the calendar date
	light = UnitEvents(**{**events.__dict__, "hours_per_day": 0.5})
	assert by_service(plan_unit(rules, terms, light, "U1").occurrences)["Maintenance"][0].due_from == D(
		2027, 7, 8
	)


@pytest.mark.parametrize(
	"events, field",
	[
		(UnitEvents(delivery=D(2027, 1, 10), arrival=D(2027, 1, 9)), "arrival_date"),
		(
			UnitEvents(delivery=D(2027, 1, 10), arrival=D(2027, 1, 12), commissioning=D(2027, 1, 11)),
			"commissioning_date",
		),
		(UnitEvents(delivery=D(2027, 1, 10), commissioning=D(2027, 1, 9)), "commissioning_date"),
		(UnitEvents(delivery=D(2027, 1, 10), transit_days=-1), "transit_days"),
	],
)
def test_impossible_event_order_is_refused(rules, terms, events, field):
	with pytest.raises(TermsError) as error:
		plan_unit(rules, terms, events, "U1")
	assert error.value.field == field


# ------------------------------------------------------------------ terms
def test_line_overrides_item_defaults():
	item = {
		"warranty_months": 12,
		"inspection_interval_months": 6,
		"maintenance_interval_months": 6,
		"maintenance_interval_hours": 250,
	}
	terms = resolve_terms(item, {"warranty_months": 24, "inspection_interval_months": 0})
	assert terms.warranty_months == 24 and terms.inspection_interval_months == 6
	assert terms.service_months == 24


@pytest.mark.parametrize(
	"item, overrides, field",
	[
		(
			{"warranty_months": 0, "inspection_interval_months": 6, "maintenance_interval_months": 6},
			{},
			"warranty_months",
		),
		(
			{"warranty_months": 12, "inspection_interval_months": 6, "maintenance_interval_months": 6},
			{"warranty_months": -3},
			"warranty_months",
		),
		(
			{"warranty_months": 12, "inspection_interval_months": 0, "maintenance_interval_months": 6},
			{},
			"inspection_interval_months",
		),
		(
			{"warranty_months": 12, "inspection_interval_months": 6, "maintenance_interval_months": 6},
			{"inspection_interval_months": -6},
			"inspection_interval_months",
		),
		(
			{"warranty_months": 12, "inspection_interval_months": 6.5, "maintenance_interval_months": 6},
			{},
			"inspection_interval_months",
		),
		(
			{"warranty_months": 12, "inspection_interval_months": 6, "maintenance_interval_months": 6},
			{"maintenance_interval_hours": -1},
			"maintenance_interval_hours",
		),
	],
)
def test_bad_terms_are_refused_naming_the_field(item, overrides, field):
	with pytest.raises(TermsError) as error:
		resolve_terms(item, overrides)
	assert error.value.field == field


# ------------------------------------------------------------------ partial deliveries
def test_partial_delivery_plans_only_the_units_delivered(rules, terms):
	first = [
		plan_unit(rules, terms, UnitEvents(delivery=D(2027, 1, 10), transit_days=5), f"U{i}") for i in (1, 2)
	]
	later = plan_unit(rules, terms, UnitEvents(delivery=D(2027, 3, 1), transit_days=5), "U3")
	keys = [o.key for plan in [*first, later] for o in plan.occurrences]
	assert len(keys) == len(set(keys))
	assert later.milestones.warranty_start == D(2027, 3, 9)
	assert first[0].milestones.warranty_start == D(2027, 1, 18)


# ------------------------------------------------------------------ status and reconcile
@pytest.mark.parametrize(
	"today, status",
	[
		(D(2027, 1, 1), TaskStatus.PLANNED),
		(D(2027, 1, 10), TaskStatus.DUE),
		(D(2027, 1, 12), TaskStatus.DUE),
		(D(2027, 1, 13), TaskStatus.OVERDUE),
	],
)
def test_task_status(today, status):
	assert task_status(D(2027, 1, 10), D(2027, 1, 12), today) == status


def test_reconcile_moves_open_tasks_only_and_cancels_what_the_plan_dropped(rules, terms):
	before = plan_unit(rules, terms, UnitEvents(delivery=D(2027, 1, 10), transit_days=7), "U1")
	existing = [
		ExistingTask(
			name=f"T{i}",
			key=o.key,
			status=TaskStatus.DONE if o.service_type == "Logistics Tracking" else TaskStatus.PLANNED,
			due_from=o.due_from,
			due_to=o.due_to,
			due_hours=o.due_hours,
		)
		for i, o in enumerate(before.occurrences)
	]
	unchanged = reconcile(existing, before.occurrences)
	assert not unchanged

	shorter = Terms(**{**terms.__dict__, "contract_months": 12})
	after = plan_unit(
		rules,
		shorter,
		UnitEvents(delivery=D(2027, 1, 10), arrival=D(2027, 1, 14), commissioning=D(2027, 2, 1)),
		"U1",
	)
	changes = reconcile(existing, after.occurrences)
	names = {t.key: t.name for t in existing}
	logistics_key = "U1:Logistics Tracking:1"
	assert names[logistics_key] not in changes.update  # done tasks never move
	assert names["U1:Installation and Commissioning:1"] in changes.update
	assert names["U1:Regular Inspection:4"] in changes.cancel  # 24 -> 12 months drops visits
	assert not changes.insert


def test_reconcile_inserts_new_occurrences_and_ignores_cancelled():
	rule = ServiceRule(
		name="S",
		anchor=Event.WARRANTY_START,
		recurrence=Recurrence.FIXED,
		recurrence_months=6,
		scope=Scope.UNIT,
	)
	terms = Terms(warranty_months=24, inspection_interval_months=6, maintenance_interval_months=6)
	plan = plan_unit([rule], terms, UnitEvents(delivery=D(2027, 1, 1)), "U")
	existing = [ExistingTask("T1", "U:S:1", TaskStatus.CANCELLED, D(2000, 1, 1), D(2000, 1, 1))]
	changes = reconcile(existing, plan.occurrences)
	assert [o.key for o in changes.insert] == ["U:S:2", "U:S:3", "U:S:4"]
	assert not changes.update and not changes.cancel


# ------------------------------------------------------------------ rules
@pytest.mark.parametrize(
	"rule, field",
	[
		(ServiceRule(name="X", anchor="Whenever"), "anchor_event"),
		(ServiceRule(name="X", anchor=Event.DELIVERY, offset_from=3, offset_to=1), "offset_to"),
		(
			ServiceRule(name="X", anchor=Event.WARRANTY_START, recurrence=Recurrence.FIXED),
			"recurrence_months",
		),
		(
			ServiceRule(name="X", anchor=Event.ORDER, recurrence=Recurrence.INSPECTION, scope=Scope.CONTRACT),
			"recurrence",
		),
		(ServiceRule(name="X", anchor=Event.ORDER, scope=Scope.UNIT), "scope"),
		(ServiceRule(name="X", anchor=Event.DELIVERY, scope=Scope.LINE), "scope"),
	],
)
def test_bad_rules_are_refused(rule, field):
	with pytest.raises(TermsError) as error:
		rule.validate()
	assert error.value.field == field


# ------------------------------------------------------------------ dispatch
def test_least_loaded_assignment_balances_a_batch():
	picks = assign_least_loaded(
		["Eng", "Eng", "Eng", "Eng", "Sales", None],
		{"Eng": ["b@x", "a@x"], "Sales": []},
		{"a@x": 2},
	)
	assert picks == ["b@x", "b@x", "a@x", "b@x", None, None]


# ------------------------------------------------------------------ warranty
def test_warranty_starts_at_commissioning_or_the_fallback_whichever_is_sooner(rules, terms):
	delivered = D(2027, 1, 10)
	pending = milestones(rules, terms, UnitEvents(delivery=delivered, warranty_fallback_months=6))
	assert (pending.warranty_start, pending.warranty_basis) == (D(2027, 7, 10), "Fallback")
	assert pending.warranty_status(D(2027, 3, 1)) == "Not Started"
	assert pending.warranty_status(D(2027, 8, 1)) == "In Warranty"  # never commissioned: fallback runs

	on_time = milestones(
		rules, terms, UnitEvents(delivery=delivered, commissioning=D(2027, 2, 1), warranty_fallback_months=6)
	)
	assert (on_time.warranty_start, on_time.warranty_basis) == (D(2027, 2, 1), "Commissioning")
	late = milestones(
		rules, terms, UnitEvents(delivery=delivered, commissioning=D(2027, 9, 1), warranty_fallback_months=6)
	)
	assert (late.warranty_start, late.warranty_end) == (D(2027, 7, 10), D(2028, 7, 10))
	# recurring services still follow the real commissioning
	assert late.commissioning == D(2027, 9, 1)


def test_hours_cap_ends_the_warranty_whichever_comes_first(rules):
	terms = Terms(
		warranty_months=24, inspection_interval_months=6, maintenance_interval_months=6, warranty_hours=1500
	)
	base = dict(delivery=D(2027, 1, 10), commissioning=D(2027, 1, 20))
	under = milestones(rules, terms, UnitEvents(**base, reading_hours=1400, reading_date=D(2027, 9, 1)))
	assert (under.warranty_end, under.ended_by_hours) == (D(2029, 1, 20), False)
	over = milestones(rules, terms, UnitEvents(**base, reading_hours=1510, reading_date=D(2027, 9, 1)))
	assert (over.warranty_end, over.ended_by_hours) == (D(2027, 9, 1), True)
	assert over.warranty_status(D(2027, 9, 2)) == "Expired"
	extended = milestones(
		rules, terms, UnitEvents(**base, reading_hours=1510, reading_date=D(2027, 9, 1), extension_hours=1000)
	)
	assert extended.warranty_end == D(2029, 1, 20)


def test_extensions_stack_and_lengthen_the_plan(rules):
	terms = Terms(
		warranty_months=12, inspection_interval_months=6, maintenance_interval_months=6, contract_months=12
	)
	events = dict(delivery=D(2027, 1, 10), commissioning=D(2027, 1, 20))
	plain = plan_unit(rules, terms, UnitEvents(**events), "U")
	once = plan_unit(rules, terms, UnitEvents(**events, extension_months=12), "U")
	twice = plan_unit(rules, terms, UnitEvents(**events, extension_months=18), "U")
	assert [p.milestones.warranty_end for p in (plain, once, twice)] == [
		D(2028, 1, 20),
		D(2029, 1, 20),
		D(2029, 7, 20),
	]
	assert once.milestones.base_warranty_end == D(2028, 1, 20)
	assert once.milestones.warranty_status(D(2028, 6, 1)) == "Extended"
	counts = [len(by_service(p.occurrences)["Regular Inspection"]) for p in (plain, once, twice)]
	assert counts == [2, 4, 5]
	offers = [by_service(p.occurrences)["Extended Warranty Offer"][0].due_from for p in (plain, once)]
	assert offers == [D(2027, 11, 21), D(2028, 11, 21)]


def test_units_with_the_same_terms_and_events_are_planned_once(rules, terms):
	from genset_service.planning import plan_units

	same = UnitEvents(delivery=D(2026, 3, 2), transit_days=7, warranty_fallback_months=6)
	other = UnitEvents(delivery=D(2026, 4, 1), transit_days=7, warranty_fallback_months=6)
	units = [(terms, same, f"GU-{n}") for n in range(3)] + [(terms, other, "GU-9")]
	groups = plan_units(rules, units)
	assert [group.unit_keys for group in groups] == [["GU-0", "GU-1", "GU-2"], ["GU-9"]]
	# each unit's plan is exactly the plan it would have on its own, keyed with its own name
	for terms_, events, key in units:
		group = next(g for g in groups if key in g.unit_keys)
		assert group.plan_for(key).occurrences == plan_unit(rules, terms_, events, key).occurrences


def test_a_delivered_genset_is_covered_from_delivery_until_its_warranty_ends():
	from genset_service.planning import covered_by

	assert [covered_by(s) for s in ("Not Started", "In Warranty", "Extended", "Expired", None)] == [
		"Before Commissioning",
		"Warranty",
		"Extension",
		None,
		None,
	]
