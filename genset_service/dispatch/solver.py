"""The optimiser behind a small pure interface: ``solve(problem) -> Proposal``.

VROOM (through ``pyvroom``) is the solver: a maintained vehicle-routing engine that knows skills,
priorities, time windows and shifts, and answers in seconds for thousands of visits. Each engineer's
working day is one vehicle (home to home, within the day's hours); each visit a job with its skill, its
window for the start of service and its duration; the cost is travel time. Anything that answers the
same interface can replace it."""

import time
from collections import defaultdict

import vroom  # imported with the module: its pandas must not first load under a frozen clock

from genset_service.dispatch import travel
from genset_service.dispatch.model import Problem, Proposal, Stop
from genset_service.dispatch.territory import territories_of


def solve(problem: Problem, exploration: int = 5, threads: int = 2) -> Proposal:
	started = time.perf_counter()
	engineers, visits = problem.engineers, problem.visits
	legs = travel.Legs(problem)
	skills = {
		name: number
		for number, name in enumerate(
			sorted({v.skill for v in visits} | {s for e in engineers for s in e.skills}), start=1
		)
	}
	model = vroom.Input()
	model.set_durations_matrix(profile="car", matrix_input=legs.secs)
	vehicles, shift_of = [], {}
	for engineer in engineers:
		home = legs.index[engineer.home]
		for index, shift in enumerate(engineer.shifts):
			vehicle = len(vehicles) + 1
			shift_of[vehicle] = (engineer.id, index)
			vehicles.append(
				vroom.Vehicle(
					vehicle,
					start=home,
					end=home,
					skills={skills[s] for s in engineer.skills},
					time_window=vroom.TimeWindow(shift.start, shift.end),
				)
			)
	model.add_vehicle(vehicles)
	model.add_job(
		[
			vroom.Job(
				number,
				location=legs.index[visit.place],
				default_service=visit.duration,
				skills={skills[visit.skill]},
				priority=max(0, min(100, visit.priority)),
				time_windows=[vroom.TimeWindow(visit.earliest, visit.latest)],
			)
			for number, visit in enumerate(visits, start=1)
		]
	)
	solution = model.solve(exploration_level=exploration, nb_threads=threads)
	proposal = Proposal(solver="VROOM")
	for row in solution.routes.to_dict("records"):
		if row["type"] != "job":
			continue
		visit = visits[int(row["id"]) - 1]
		engineer, shift = shift_of[int(row["vehicle_id"])]
		begin = int(row["arrival"]) + int(row["waiting_time"])
		proposal.stops.append(Stop(visit.id, engineer, shift, begin, begin + visit.duration))
	placed = {stop.visit for stop in proposal.stops}
	proposal.unassigned = {v.id: why_not(problem, v, legs) for v in visits if v.id not in placed}
	proposal.seconds = round(time.perf_counter() - started, 3)
	return proposal


def why_not(problem: Problem, visit, legs: travel.Legs | None = None) -> str:
	"""Why a visit found no place, in words: no one has the skill; no skilled engineer works within its
	window; the genset is out of a working day's reach (home, the visit and home again, by the
	problem's travel, take longer than every skilled engineer's longest day that could hold it); else
	the skilled engineers' days are full."""
	able = [e for e in problem.engineers if visit.skill in e.skills]
	if not able:
		return f"no engineer has the skill {visit.skill}"
	days = {
		e.id: [
			s.end - s.start
			for s in e.shifts
			if s.start <= visit.latest and visit.earliest + visit.duration <= s.end
		]
		for e in able
	}
	if not any(days.values()):
		return "no working hours of a skilled engineer fall within its window"
	legs = legs or travel.Legs(problem)

	def seconds(a, b) -> int:
		if a in legs.index and b in legs.index:
			return legs.seconds(a, b)
		return travel.seconds(a, b, problem.speed_kmh)

	reach = [
		(seconds(e.home, visit.place) + visit.duration + seconds(visit.place, e.home), max(days[e.id]))
		for e in able
		if days[e.id]
	]
	if all(trip > day for trip, day in reach):
		trip, day = min(reach, key=lambda pair: pair[0] - pair[1])  # the nearest to making it
		if trip >= travel.UNREACHABLE:
			return "out of a working day's reach of every skilled engineer: no road joins it to their homes"
		return (
			"out of a working day's reach of every skilled engineer: home to site and back takes "
			f"{_hours(trip)} h with {_hours(visit.duration)} h on site, the longest day is {_hours(day)} h"
		)
	return "the skilled engineers' days are full within its window"


def _hours(seconds: int) -> str:
	return f"{seconds / 3600:.1f}".removesuffix(".0")


def solve_by_territory(problem: Problem, exploration: int = 1, threads: int = 2) -> Proposal:
	"""A large region is solved territory by territory (the engineers' own territories; each visit goes
	to the territory whose engineers live nearest on average), each a problem of its own: the work is
	close to linear in the number of territories instead of growing with the whole region at once."""
	started = time.perf_counter()
	teams = defaultdict(list)
	for engineer in problem.engineers:
		teams[engineer.territory].append(engineer)
	if len(teams) < 2:
		return solve(problem, exploration, threads)
	territory = territories_of(problem.engineers, problem.visits)
	work = defaultdict(list)
	for visit in problem.visits:
		work[territory[visit.id]].append(visit)
	proposal = Proposal(solver="VROOM by territory")
	for name, team in sorted(teams.items()):
		part = Problem(tuple(team), tuple(work[name]), problem.speed_kmh)
		part = solve(travel.part_of(problem, part), exploration, threads)
		proposal.stops += part.stops
		proposal.unassigned.update(part.unassigned)
	proposal.seconds = round(time.perf_counter() - started, 3)
	return proposal
