"""Dispatch without a site: the optimiser respects skills, windows, working hours and holidays, puts
emergencies first, and every plan passes the independent checker, which rejects broken ones."""

import dataclasses

from genset_service.dispatch.baselines import greedy_nearest, least_loaded
from genset_service.dispatch.check import check, travel_km
from genset_service.dispatch.model import Engineer, Problem, Shift, Visit
from genset_service.dispatch.solver import solve, solve_by_territory

DAY, HOUR = 86_400, 3_600
LEEDS, YORK, HULL = (53.80, -1.55), (53.96, -1.08), (53.74, -0.33)
MONDAY, TUESDAY = Shift(8 * HOUR, 17 * HOUR), Shift(DAY + 8 * HOUR, DAY + 17 * HOUR)


def engineer(name, home=LEEDS, shifts=(MONDAY, TUESDAY), skills=("Maintenance",), territory=""):
	return Engineer(name, home, tuple(shifts), frozenset(skills), territory)


def visit(name, place=YORK, hours=2, earliest=0, latest=2 * DAY, skill="Maintenance", priority=0):
	return Visit(name, place, hours * HOUR, earliest, latest, skill, priority)


def test_skills_windows_and_hours_are_respected():
	problem = Problem(
		(engineer("ann"), engineer("bob", skills=("Maintenance", "Emergency Rescue"))),
		(
			visit("v1"),
			visit("v2", place=HULL, earliest=DAY, latest=DAY + 12 * HOUR),  # Tuesday only
			visit("e1", skill="Emergency Rescue", latest=12 * HOUR, priority=100),
		),
	)
	proposal = solve(problem)
	assert check(problem, proposal) == []
	where = {s.visit: s for s in proposal.stops}
	assert where["e1"].engineer == "bob"
	assert where["v2"].shift == 1 and DAY <= where["v2"].start <= DAY + 12 * HOUR
	assert all(MONDAY.start <= s.start and s.end <= TUESDAY.end for s in proposal.stops)
	assert proposal.unassigned == {}


def test_an_engineer_on_holiday_gets_nothing_and_work_without_a_skill_is_listed_with_the_reason():
	problem = Problem(
		(engineer("ann", shifts=()), engineer("bob")),
		(visit("v1"), visit("v2", skill="Juggling")),
	)
	proposal = solve(problem)
	assert {s.engineer for s in proposal.stops} == {"bob"}
	assert proposal.unassigned == {"v2": "no engineer has the skill Juggling"}
	assert check(problem, proposal) == []


def test_emergencies_come_first_when_the_day_is_full():
	day = Shift(8 * HOUR, 12 * HOUR)
	problem = Problem(
		(engineer("ann", shifts=(day,), skills=("Maintenance", "Emergency Rescue")),),
		(
			visit("planned", place=LEEDS, hours=3, latest=12 * HOUR),
			visit(
				"emergency", place=LEEDS, hours=3, latest=11 * HOUR, skill="Emergency Rescue", priority=100
			),
		),
	)
	proposal = solve(problem)
	assert [s.visit for s in proposal.stops] == ["emergency"]
	assert "planned" in proposal.unassigned
	assert check(problem, proposal) == []


def test_the_checker_rejects_a_hand_broken_proposal():
	problem = Problem(
		(engineer("ann"), engineer("bob", home=HULL)),
		(visit("v1"), visit("v2"), visit("v3", skill="Juggling")),
	)
	proposal = solve(problem)
	assert check(problem, proposal) == []
	first = proposal.stops[0]
	broken = [
		# another engineer who lacks the skill, at a time outside the window, twice, or too early
		dataclasses.replace(
			proposal, stops=[dataclasses.replace(first, start=3 * DAY, end=3 * DAY + 2 * HOUR)]
		),
		dataclasses.replace(proposal, stops=[first, first]),
		dataclasses.replace(
			proposal, stops=[dataclasses.replace(first, start=MONDAY.start, end=MONDAY.start + 2 * HOUR)]
		),
		dataclasses.replace(proposal, unassigned={}),
	]
	for plan in broken:
		assert check(problem, plan), plan


def test_the_baselines_make_valid_plans_and_the_optimiser_travels_least():
	homes = [(53.5 + i * 0.1, -1.8 + i * 0.15) for i in range(4)]
	sites = [(53.4 + (i * 7 % 10) * 0.06, -2.0 + (i * 3 % 10) * 0.12) for i in range(24)]
	problem = Problem(
		tuple(engineer(f"e{i}", home=h) for i, h in enumerate(homes)),
		tuple(visit(f"v{i}", place=p, hours=1) for i, p in enumerate(sites)),
	)
	plans = {plan.solver: plan for plan in (solve(problem), least_loaded(problem), greedy_nearest(problem))}
	for plan in plans.values():
		assert check(problem, plan) == [], plan.solver
	assert travel_km(problem, plans["VROOM"]) <= travel_km(problem, plans["greedy nearest neighbour"])
	assert travel_km(problem, plans["VROOM"]) < travel_km(problem, plans["least loaded"])


def test_a_large_region_is_solved_territory_by_territory():
	problem = Problem(
		(engineer("north", home=YORK, territory="N"), engineer("south", home=LEEDS, territory="S")),
		(visit("near-york", place=(53.95, -1.1)), visit("near-leeds", place=(53.79, -1.56))),
	)
	proposal = solve_by_territory(problem)
	assert {s.visit: s.engineer for s in proposal.stops} == {"near-york": "north", "near-leeds": "south"}
	assert check(problem, proposal) == []
