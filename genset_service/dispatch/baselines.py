"""Two plans to measure the optimiser against, on the same work (pure):

- **least loaded**: what the app did before dispatch: each visit goes to the skilled engineer with the
  fewest visits, who does them in order of their windows, day after day;
- **greedy nearest neighbour**: each working day, in time order, each engineer goes from home to the
  nearest visit that can still be done in time (the most urgent first), until the day is full.
"""

import time
from collections import defaultdict

from genset_service.dispatch import travel
from genset_service.dispatch.model import Problem, Proposal, Stop
from genset_service.dispatch.solver import why_not


def _fits(clock, here, visit, shift, home, legs):
	"""The start of service if the visit fits next in this day, else None."""
	start = max(clock + legs.seconds(here, visit.place), visit.earliest)
	end = start + visit.duration
	if start > visit.latest or end + legs.seconds(visit.place, home) > shift.end:
		return None
	return start


def least_loaded(problem: Problem) -> Proposal:
	started = time.perf_counter()
	legs = travel.Legs(problem)
	load, mine = defaultdict(int), defaultdict(list)
	proposal = Proposal(solver="least loaded")
	for visit in sorted(problem.visits, key=lambda v: (-v.priority, v.latest, v.id)):
		able = [e for e in problem.engineers if visit.skill in e.skills]
		if not able:
			proposal.unassigned[visit.id] = why_not(problem, visit)
			continue
		chosen = min(able, key=lambda e: (load[e.id], e.id))
		load[chosen.id] += 1
		mine[chosen.id].append(visit)
	for engineer in problem.engineers:
		todo = sorted(mine[engineer.id], key=lambda v: (v.earliest, v.latest, v.id))
		for index, shift in enumerate(engineer.shifts):
			clock, here, left = shift.start, engineer.home, []
			for visit in todo:
				start = _fits(clock, here, visit, shift, engineer.home, legs)
				if start is None:
					left.append(visit)
					continue
				proposal.stops.append(Stop(visit.id, engineer.id, index, start, start + visit.duration))
				clock, here = start + visit.duration, visit.place
			todo = left
		for visit in todo:
			proposal.unassigned[visit.id] = "the engineer it went to had no room in time"
	proposal.seconds = round(time.perf_counter() - started, 3)
	return proposal


def greedy_nearest(problem: Problem) -> Proposal:
	started = time.perf_counter()
	legs = travel.Legs(problem)
	proposal = Proposal(solver="greedy nearest neighbour")
	left = {v.id: v for v in problem.visits}
	days = sorted(
		(
			(shift, index, engineer)
			for engineer in problem.engineers
			for index, shift in enumerate(engineer.shifts)
		),
		key=lambda d: (d[0].start, d[2].id),
	)
	for shift, index, engineer in days:
		clock, here = shift.start, engineer.home
		while True:
			best = None
			for visit in left.values():
				if visit.skill not in engineer.skills:
					continue
				start = _fits(clock, here, visit, shift, engineer.home, legs)
				if start is None:
					continue
				key = (-visit.priority, legs.seconds(here, visit.place), visit.id)
				if best is None or key < best[0]:
					best = (key, visit, start)
			if best is None:
				break
			_key, visit, start = best
			proposal.stops.append(Stop(visit.id, engineer.id, index, start, start + visit.duration))
			clock, here = start + visit.duration, visit.place
			del left[visit.id]
	proposal.unassigned = {v.id: why_not(problem, v) for v in left.values()}
	proposal.seconds = round(time.perf_counter() - started, 3)
	return proposal
