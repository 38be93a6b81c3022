"""Tier 1, dispatch: an emergency measures each engineer from where his day has left him and fits the
visit into the first gap he can make; work out of a working day's reach says so; a territory owns
only its own work; the pure core calls no network and no Frappe."""

import ast
import dataclasses
import datetime
import pathlib

from genset_service.dispatch import travel
from genset_service.dispatch.check import check
from genset_service.dispatch.model import Engineer, Problem, Shift, Visit
from genset_service.dispatch.solver import solve, solve_by_territory, why_not
from genset_service.dispatch.soonest import Booked, Whereabouts, soonest, whereabouts_of
from genset_service.dispatch.territory import territories_of
from genset_service.planning.geo import distance_km

HOUR, KM_PER_DEGREE = 3_600, 111.2
SPEED = 50.0
EMERGENCY = (53.80, -1.55)  # the failed genset
DAY = datetime.date(2026, 12, 7)
RESCUE = frozenset({"Emergency Rescue"})


def at(hours: int, minutes: int = 0) -> datetime.datetime:
	return datetime.datetime.combine(DAY, datetime.time(hours, minutes))


def north_of(pin, km):
	return (pin[0] + km / KM_PER_DEGREE, pin[1])


def south_of(pin, km):
	return (pin[0] - km / KM_PER_DEGREE, pin[1])


def leg(a, b) -> datetime.timedelta:
	return datetime.timedelta(seconds=travel.seconds(a, b, SPEED))


# ------------------------------------------------------------------ emergencies
def test_the_engineer_whose_morning_ended_near_the_genset_comes_first():
	"""Ann lives 130 km from the genset, but her morning's last visit, done at 13:45, is 25 km from it;
	Bob is at home 118 km away. Measured from home Ann would be second, after 16:00; from where her
	morning left her she is first, at 14:29."""
	now = at(13, 59)
	last_site = north_of(EMERGENCY, 25)
	ann = whereabouts_of(
		"ann",
		south_of(EMERGENCY, 130),
		RESCUE,
		at(8),
		at(17),
		now,
		[
			Booked(north_of(EMERGENCY, 60), at(8, 30), at(10, 30), done=True),
			Booked(last_site, at(11, 30), at(13, 45)),  # over, not yet marked done
		],
	)
	assert (ann.place, ann.free_at, ann.visits_left) == (last_site, now, 0)
	bob = whereabouts_of("bob", (EMERGENCY[0], EMERGENCY[1] + 118 / 65.9), RESCUE, at(8), at(17), now)
	assert 117 < distance_km(bob.place, EMERGENCY) < 119 and bob.free_at == now
	found = soonest([bob, ann], EMERGENCY, "Emergency Rescue", SPEED, hours=2)
	assert [a.engineer for a in found] == ["ann", "bob"]
	assert found[0].arrival == now + leg(last_site, EMERGENCY)
	assert found[0].arrival.replace(second=0) == at(14, 29)
	assert 24.5 < found[0].km < 25.5
	assert found[1].arrival > at(16)
	# from home (the fault): Ann would come after Bob
	from_home = dataclasses.replace(ann, place=south_of(EMERGENCY, 130))
	assert [a.engineer for a in soonest([bob, from_home], EMERGENCY, "Emergency Rescue", SPEED)] == [
		"bob",
		"ann",
	]


def test_the_visit_in_hand_sets_the_start_and_a_day_not_begun_starts_at_home():
	home, site = south_of(EMERGENCY, 40), north_of(EMERGENCY, 10)
	in_hand = whereabouts_of("ann", home, RESCUE, at(8), at(17), at(11), [Booked(site, at(10), at(12, 30))])
	assert (in_hand.place, in_hand.free_at) == (site, at(12, 30))
	early = whereabouts_of("ann", home, RESCUE, at(8), at(17), at(6), [Booked(site, at(10), at(12))])
	assert (early.place, early.free_at, early.visits_left) == (home, at(8), 1)
	# done ahead of its time: she is free now, there
	ahead = whereabouts_of(
		"ann", home, RESCUE, at(8), at(17), at(11), [Booked(site, at(10), at(13), done=True)]
	)
	assert (ahead.place, ahead.free_at, ahead.visits_left) == (site, at(11), 0)


def test_the_new_visit_goes_in_the_first_gap_that_holds_it_or_after_the_last():
	here = north_of(EMERGENCY, 10)  # 12 minutes from the genset
	far = north_of(EMERGENCY, 40)  # 48 minutes from it
	day = [
		Booked(here, at(12), at(14)),  # in hand at 13:00
		Booked(far, at(15, 15), at(16)),
		Booked(here, at(18), at(18, 30)),
	]
	person = whereabouts_of("ann", EMERGENCY, RESCUE, at(8), at(19), at(13), day)
	assert (person.place, person.free_at, person.visits_left) == (here, at(14), 2)
	# an hour on site: 14:12 + 1 h + 48 min to the next is after 15:15; from there at 16:00, 16:48 +
	# 1 h + 12 min is 18:00, in time for the last
	(found,) = soonest([person], EMERGENCY, "Emergency Rescue", SPEED, hours=1)
	assert found.arrival == at(16) + leg(far, EMERGENCY)
	assert (found.visits_before, found.visits_left) == (1, 2)
	assert 39.5 < found.km < 40.5
	# three hours fit no gap: after the last one, from its genset
	(found,) = soonest([person], EMERGENCY, "Emergency Rescue", SPEED, hours=3)
	assert (found.arrival, found.visits_before) == (at(18, 30) + leg(here, EMERGENCY), 2)
	# six minutes fit the first gap (14:12 + 6 + 48 minutes is 15:06)
	(found,) = soonest([person], EMERGENCY, "Emergency Rescue", SPEED, hours=0.1)
	assert (found.arrival, found.visits_before) == (at(14) + leg(here, EMERGENCY), 0)
	# unless the road on to the next one takes three hours
	(found,) = soonest(
		[person], EMERGENCY, "Emergency Rescue", SPEED, hours=0.1, onward={far: (3 * HOUR, 90.0)}
	)
	assert found.visits_before == 1
	# after the last visit, past the end of the day: not proposed
	short = dataclasses.replace(person, day_ends=at(18, 35))
	assert soonest([short], EMERGENCY, "Emergency Rescue", SPEED, hours=3) == []


def test_whereabouts_without_visits_to_come_behave_as_before():
	now = at(10)
	people = [Whereabouts("near", north_of(EMERGENCY, 2), now, at(17), RESCUE)]
	(found,) = soonest(people, EMERGENCY, "Emergency Rescue", SPEED)
	assert found.arrival == now + leg(people[0].place, EMERGENCY) and found.visits_before == 0


# ------------------------------------------------------------------ why not
def engineer(name, home, hours=(8, 17), skills=("Maintenance",), territory=""):
	return Engineer(name, home, (Shift(hours[0] * HOUR, hours[1] * HOUR),), frozenset(skills), territory)


def visit(name, place, hours=2, skill="Maintenance"):
	return Visit(name, place, hours * HOUR, 0, 24 * HOUR, skill)


def test_a_genset_out_of_a_working_day_s_reach_is_named_so():
	# 300 km from the only home: 6 h there and 6 h back at 50 km/h, more than a 9-hour day
	home, remote = EMERGENCY, north_of(EMERGENCY, 300)
	problem = Problem((engineer("ann", home),), (visit("remote", remote),), SPEED)
	proposal = solve(problem)
	reason = proposal.unassigned["remote"]
	assert reason.startswith("out of a working day's reach of every skilled engineer")
	assert round((2 * travel.seconds(home, remote, SPEED) + 2 * HOUR) / HOUR, 1) == 14
	assert reason.endswith("home to site and back takes 14 h with 2 h on site, the longest day is 9 h")
	assert check(problem, proposal) == []
	# a second engineer living beside it: within reach, and then placed
	near = dataclasses.replace(problem, engineers=(*problem.engineers, engineer("bob", north_of(home, 299))))
	assert solve(near).unassigned == {}
	# the problem's roads decide: two hours each way makes the visit 6 hours, within a 9-hour day
	pins = travel.places(problem)
	road = dataclasses.replace(
		problem,
		road=(
			[[0 if a == b else 2 * HOUR for b in pins] for a in pins],
			[[0.0 if a == b else 100.0 for b in pins] for a in pins],
		),
	)
	assert why_not(road, road.visits[0], travel.Legs(road)) == (
		"the skilled engineers' days are full within its window"
	)
	# of several skilled engineers, the one nearest to making it is named
	two = dataclasses.replace(
		problem, engineers=(engineer("ann", home, hours=(8, 12)), engineer("bob", south_of(home, 100)))
	)
	assert "the longest day is 9 h" in why_not(two, two.visits[0])


def test_the_other_reasons_come_first():
	far = north_of(EMERGENCY, 300)  # out of reach too: the window is named first
	problem = Problem((engineer("ann", EMERGENCY, hours=(8, 9)),), (visit("v", far),), SPEED)
	assert why_not(problem, visit("v", far, skill="Juggling")) == "no engineer has the skill Juggling"
	late = dataclasses.replace(problem.visits[0], earliest=10 * HOUR, latest=12 * HOUR)
	assert why_not(problem, late) == "no working hours of a skilled engineer fall within its window"
	# a visit the problem does not hold is measured in a straight line
	assert why_not(problem, visit("elsewhere", south_of(EMERGENCY, 300))).startswith("out of a working day")
	# unreachable by road
	problem = Problem((engineer("ann", EMERGENCY),), (visit("island", north_of(EMERGENCY, 5)),), SPEED)
	cut = dataclasses.replace(
		problem,
		road=([[0, travel.UNREACHABLE], [travel.UNREACHABLE, 0]], [[0.0, 5.0], [5.0, 0.0]]),
	)
	assert "no road joins it" in why_not(cut, cut.visits[0])


# ------------------------------------------------------------------ territories
def test_each_visit_belongs_to_the_nearest_territory_with_its_skill():
	york, leeds = (53.96, -1.08), (53.80, -1.55)
	team = (
		engineer("north", york, territory="N"),
		engineer("south", leeds, skills=("Maintenance", "Welding"), territory="S"),
	)
	visits = (
		visit("near-york", (53.95, -1.1)),
		visit("near-leeds", (53.79, -1.56)),
		visit("weld-at-york", (53.95, -1.1), skill="Welding"),  # only the south has the skill
		visit("juggle-at-york", (53.95, -1.1), skill="Juggling"),  # no one: the nearest of all
	)
	assert territories_of(team, visits) == {
		"near-york": "N",
		"near-leeds": "S",
		"weld-at-york": "S",
		"juggle-at-york": "N",
	}
	assert territories_of((), visits) == {}
	# the same rule splits a large region
	proposal = solve_by_territory(Problem(team, visits[:3], SPEED))
	assert {s.visit: s.engineer for s in proposal.stops} == {
		"near-york": "north",
		"near-leeds": "south",
		"weld-at-york": "south",
	}


# ------------------------------------------------------------------ layering
PURE = ("model", "solver", "soonest", "baselines", "check", "rules", "travel", "certification", "territory")
DISPATCH = pathlib.Path(__file__).resolve().parents[1] / "genset_service" / "dispatch"


def test_the_pure_core_imports_no_frappe_and_calls_no_network():
	for name in PURE:
		tree = ast.parse((DISPATCH / f"{name}.py").read_text())
		imported = set()
		for node in ast.walk(tree):
			if isinstance(node, ast.Import):
				imported |= {alias.name for alias in node.names}
			elif isinstance(node, ast.ImportFrom):
				imported.add(node.module or "")
		roots = {module.split(".")[0] for module in imported}
		assert not roots & {"frappe", "erpnext", "urllib", "http", "requests", "socket"}, (name, roots)
		assert "genset_service.dispatch.road_client" not in imported, name
		assert not {m for m in imported if m.startswith("genset_service.") and "dispatch" not in m} - {
			"genset_service.planning.geo"
		}, (name, imported)
	# the road server's client lives on the site side, and travel no longer has it
	assert not hasattr(travel, "road_matrix") and not hasattr(travel, "RoadError")
	from genset_service.dispatch import road_client

	assert callable(road_client.road_matrix) and issubclass(road_client.RoadError, Exception)
