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


# ------------------------------------------------------------------ roads, emergencies, board rules
def _serve(answers: dict):
	"""A routing server on loopback answering each path prefix with canned JSON; returns (url, seen)."""
	import http.server
	import json
	import threading

	seen = []

	class Handler(http.server.BaseHTTPRequestHandler):
		def answer(self):
			length = int(self.headers.get("Content-Length") or 0)
			seen.append((self.command, self.path, self.rfile.read(length) if length else b""))
			body = next((b for prefix, b in answers.items() if self.path.startswith(prefix)), None)
			self.send_response(200 if body is not None else 404)
			self.end_headers()
			self.wfile.write(json.dumps(body or {}).encode())

		do_GET = do_POST = answer

		def log_message(self, *args):
			pass

	server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
	threading.Thread(target=server.serve_forever, daemon=True).start()
	return f"http://127.0.0.1:{server.server_port}", seen, server


def test_a_road_server_matrix_is_what_solver_and_checker_both_use():
	from genset_service.dispatch import road_client

	pins = [LEEDS, YORK, HULL]
	# roads far slower than the straight line: two hours between any two places
	hour = [[0 if i == j else 7200 for j in range(3)] for i in range(3)]
	metres = [[0 if i == j else 40_000 for j in range(3)] for i in range(3)]
	url, seen, server = _serve(
		{
			"/table/v1/driving/": {"code": "Ok", "durations": hour, "distances": metres},
			"/sources_to_targets": {
				"sources_to_targets": [
					[{"time": hour[i][j], "distance": 40.0 * (i != j)} for j in range(3)] for i in range(3)
				]
			},
		}
	)
	try:
		secs, kms = road_client.road_matrix("OSRM", url, pins)
		assert secs == hour and kms[0][1] == 40.0
		assert seen[-1][1].startswith("/table/v1/driving/-1.550000,53.800000;-1.080000,53.960000;")
		secs, kms = road_client.road_matrix("Valhalla", url + "/", pins)
		assert secs == hour and kms[1][2] == 40.0
		assert seen[-1][0] == "POST" and b'"costing": "auto"' in seen[-1][2]
	finally:
		server.shutdown()
	problem = Problem(
		(engineer("ann", shifts=(Shift(8 * HOUR, 14 * HOUR),)),),
		(visit("v1", place=YORK, hours=1), visit("v2", place=HULL, hours=1)),
	)
	road = dataclasses.replace(problem, road=(hour, [[k / 1000 for k in row] for row in metres]))
	# straight lines: both fit in six hours; by these roads (two hours a leg) only one does
	assert len(solve(problem).stops) == 2
	proposal = solve(road)
	assert len(proposal.stops) == 1 and check(road, proposal) == []
	assert travel_km(road, proposal) == 80.0
	# the checker measures the roads too: the straight-line plan is refused on them
	assert any("home at" in v or "cannot be there" in v for v in check(road, solve(problem)))


def test_a_road_server_that_fails_is_named():
	import pytest

	from genset_service.dispatch import road_client

	url, _seen, server = _serve({"/table/v1/driving/": {"code": "InvalidQuery", "message": "Too many"}})
	try:
		with pytest.raises(road_client.RoadError, match="InvalidQuery: Too many"):
			road_client.road_matrix("OSRM", url, [LEEDS, YORK])
		with pytest.raises(road_client.RoadError, match="HTTP 404"):
			road_client.road_matrix("Valhalla", url, [LEEDS, YORK])
	finally:
		server.shutdown()
	with pytest.raises(road_client.RoadError):
		road_client.road_matrix("OSRM", "http://127.0.0.1:9", [LEEDS, YORK], timeout=2)


def test_the_soonest_engineer_is_the_one_free_nearest_within_the_day():
	import datetime

	from genset_service.dispatch.soonest import Whereabouts, soonest

	now = datetime.datetime(2026, 12, 7, 10)
	end = now.replace(hour=17)
	skills = frozenset({"Emergency Rescue"})
	people = [
		Whereabouts("far", HULL, now, end, skills),
		Whereabouts("busy", LEEDS, now.replace(hour=13), end, skills, visits_left=2),  # visit in hand
		Whereabouts("near", (53.95, -1.10), now, end, skills),
		Whereabouts("unskilled", YORK, now, end, frozenset({"Maintenance"})),
		Whereabouts("leaving", HULL, now, now.replace(hour=10, minute=30), skills),  # day ends first
	]
	found = soonest(people, YORK, "Emergency Rescue", 50)
	assert [a.engineer for a in found] == ["near", "far", "busy"]
	assert found[0].arrival < now + datetime.timedelta(minutes=5) and found[0].km < 2
	assert found[2].visits_left == 2
	# by road, the near one is cut off (a river, no bridge): four hours; Hull is 40 minutes away
	legs = {(53.95, -1.10): (4 * 3600, 95.0), HULL: (40 * 60, 62.0)}
	found = soonest(people, YORK, "Emergency Rescue", 50, legs=legs)
	assert [a.engineer for a in found] == ["far", "busy", "near"]
	assert (found[0].arrival, found[0].km) == (now + datetime.timedelta(minutes=40), 62.0)


def test_board_moves_name_every_rule_they_break():
	import datetime

	from genset_service.dispatch.rules import Move, broken

	monday = datetime.date(2026, 12, 7)
	fine = Move(
		day=monday,
		start=datetime.datetime(2026, 12, 7, 8),
		due_from=monday,
		due_to=monday,
		deadline=datetime.datetime(2026, 12, 7, 12),
		skill="Maintenance",
		skills=frozenset({"Maintenance"}),
		works=True,
	)
	assert broken(fine) == []
	bad = dataclasses.replace(
		fine,
		day=monday + datetime.timedelta(days=1),
		start=datetime.datetime(2026, 12, 8, 8),
		skills=frozenset(),
		works=False,
	)
	assert broken(bad) == ["outside_window", "past_deadline", "no_skill", "day_off"]
	assert broken(dataclasses.replace(fine, certified=False)) == ["not_certified"]
	assert broken(dataclasses.replace(fine, due_from=None, due_to=None, deadline=None)) == []


def test_only_engineers_certified_for_the_model_and_size_get_the_visit():
	from genset_service.dispatch.certification import Certification, Genset, certify

	big, small = Genset("GS-1000", 1000), Genset("GS-100", 100)
	engineers = (
		engineer("ann"),  # any model, any size
		engineer("bob", home=YORK),  # certified up to 500 kVA, lives at the site
		engineer("cy", home=YORK),  # the GS-100 only
	)
	certifications = {
		"bob": Certification(max_kva=500),
		"cy": Certification(models=frozenset({"GS-100"})),
	}
	visits = (visit("big"), visit("small"), visit("anywhere", skill="Juggling"))
	team, work = certify(engineers, visits, certifications, {"big": big, "small": small})
	skill = {v.id: v.skill for v in work}
	# everyone skilled may do the small one: it keeps the plain skill; the big one asks for its own
	assert skill == {"big": "Maintenance · GS-1000, 1000 kVA", "small": "Maintenance", "anywhere": "Juggling"}
	assert [skill["big"] in e.skills for e in team] == [True, False, False]
	proposal = solve(Problem(team, work))
	where = {s.visit: s.engineer for s in proposal.stops}
	assert where["big"] == "ann"  # bob and cy live at the site but are not certified for it
	assert check(Problem(team, work), proposal) == []
	# the checker refuses the big visit given to bob by hand
	broken_plan = dataclasses.replace(
		proposal,
		stops=[dataclasses.replace(s, engineer="bob") if s.visit == "big" else s for s in proposal.stops],
	)
	assert any("lacks the skill Maintenance · GS-1000" in v for v in check(Problem(team, work), broken_plan))


def test_a_certification_covers_its_models_and_range():
	from genset_service.dispatch.certification import Certification

	assert Certification().covers("GS-1", 5000)
	assert Certification(frozenset({"GS-1"})).covers("GS-1", None)
	assert not Certification(frozenset({"GS-1"})).covers("GS-2", 100)
	assert Certification(min_kva=100, max_kva=500).covers("X", 100)
	assert Certification(min_kva=100, max_kva=500).covers("X", 500)
	assert not Certification(min_kva=100, max_kva=500).covers("X", 501)
	assert not Certification(min_kva=100).covers("X", 99)
	assert Certification(min_kva=100).covers("X", None)  # a unit of unknown size is not refused
