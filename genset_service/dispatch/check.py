"""An independent check of a proposal, written apart from the solver: every proposal is verified
before it can be applied, and in every test. Answers the violations in words (none: it holds)."""

from collections import defaultdict

from genset_service.dispatch import travel
from genset_service.dispatch.model import Problem, Proposal

TOLERANCE = 2  # seconds: the solver's travel matrix and this check round each leg on their own


def check(problem: Problem, proposal: Proposal) -> list[str]:
	visits = {v.id: v for v in problem.visits}
	engineers = {e.id: e for e in problem.engineers}
	legs = travel.Legs(problem)
	found, routes = [], defaultdict(list)
	seen = set()
	for stop in proposal.stops:
		visit, engineer = visits.get(stop.visit), engineers.get(stop.engineer)
		if not visit or not engineer:
			found.append(f"{stop.visit}: unknown visit or engineer {stop.engineer}")
			continue
		if stop.visit in seen:
			found.append(f"{stop.visit}: booked twice")
		seen.add(stop.visit)
		if visit.skill not in engineer.skills:
			found.append(f"{stop.visit}: {engineer.id} lacks the skill {visit.skill}")
		if not visit.earliest <= stop.start <= visit.latest:
			found.append(
				f"{stop.visit}: starts at {stop.start}, outside its window {visit.earliest}-{visit.latest}"
			)
		if stop.end - stop.start != visit.duration:
			found.append(f"{stop.visit}: lasts {stop.end - stop.start} s, not {visit.duration} s")
		if not 0 <= stop.shift < len(engineer.shifts):
			found.append(f"{stop.visit}: {engineer.id} has no shift {stop.shift}")
			continue
		routes[(engineer.id, stop.shift)].append((stop, visit))
	for (engineer_id, index), route in routes.items():
		engineer = engineers[engineer_id]
		shift = engineer.shifts[index]
		clock, here = shift.start, engineer.home
		for stop, visit in route:
			arrival = clock + legs.seconds(here, visit.place)
			if stop.start + TOLERANCE < arrival:
				found.append(
					f"{stop.visit}: {engineer_id} cannot be there before {arrival} (double booked or too far)"
				)
			clock, here = max(stop.end, arrival + visit.duration), visit.place
		home = clock + legs.seconds(here, engineer.home)
		if home > shift.end + TOLERANCE:
			found.append(f"{engineer_id}, shift {index}: home at {home}, after the day ends at {shift.end}")
	for visit in problem.visits:
		placed, missing = visit.id in seen, visit.id in proposal.unassigned
		if placed == missing:
			found.append(
				f"{visit.id}: {'both placed and unassigned' if placed else 'neither placed nor listed as unassigned'}"
			)
	return found


def travel_km(problem: Problem, proposal: Proposal) -> float:
	"""Home, the stops of each working day in order, home again, summed over every day."""
	visits = {v.id: v for v in problem.visits}
	engineers = {e.id: e for e in problem.engineers}
	legs = travel.Legs(problem)
	routes = defaultdict(list)
	for stop in proposal.stops:
		routes[(stop.engineer, stop.shift)].append(visits[stop.visit].place)
	return round(sum(legs.route_km(places, engineers[e].home) for (e, _s), places in routes.items()), 1)
