"""Benchmark (g): dispatch on a generated region, no site needed.

A region of 150 x 150 km with 200 gensets and 10 engineers (homes spread over it; 8:00-17:00, Monday
to Friday; skills: every engineer maintains and inspects, four of five repair in the field, one in
three does emergency rescue); two weeks of planned work (120 visits of 1.5 to 3 hours, each due in a
window of 3 to 10 working days) and 20 requests (field maintenance on site within 48 h, emergency
rescue within 4 h). The optimiser (VROOM) is measured side by side with two baselines on the same
work, in the same run: the least-loaded assignment the app made before dispatch, and a greedy nearest
neighbour. Every plan is verified by the independent checker. Then an instance ten times larger
(2,000 gensets, 100 engineers in territories of about ten, 1,200 visits and 200 requests) is solved
territory by territory.

    python3 benchmarks/dispatch.py [--seed 7]

Goals: at least 30 % less travel than least loaded and 10 % less than greedy; every on-site deadline
met where feasible; the large instance solved in under 60 s.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from genset_service.dispatch.baselines import greedy_nearest, least_loaded
from genset_service.dispatch.check import check, travel_km
from genset_service.dispatch.model import Engineer, Problem, Shift, Visit
from genset_service.dispatch.solver import solve, solve_by_territory

DAY, HOUR = 86_400, 3_600
CENTRE = (52.0, -1.5)  # a region in the English Midlands
KM_PER_DEGREE = 111.0


def region(gensets: int, engineers: int, planned: int, requests: int, seed: int) -> Problem:
	rng = random.Random(seed)
	size_km = 150 * (gensets / 200) ** 0.5

	def pin():
		return (
			CENTRE[0] + rng.uniform(-size_km / 2, size_km / 2) / KM_PER_DEGREE,
			CENTRE[1] + rng.uniform(-size_km / 2, size_km / 2) / (KM_PER_DEGREE * 0.62),
		)

	sites = [pin() for _ in range(gensets)]
	shifts = tuple(Shift(d * DAY + 8 * HOUR, d * DAY + 17 * HOUR) for d in range(14) if d % 7 < 5)
	homes = [pin() for _ in range(engineers)]
	cells = max(1, round((engineers / 10) ** 0.5))  # about ten engineers a territory

	def territory(home):
		row = min(
			cells - 1,
			int((home[0] - CENTRE[0] + size_km / 2 / KM_PER_DEGREE) / (size_km / KM_PER_DEGREE) * cells),
		)
		column = min(
			cells - 1,
			int(
				(home[1] - CENTRE[1] + size_km / 2 / (KM_PER_DEGREE * 0.62))
				/ (size_km / (KM_PER_DEGREE * 0.62))
				* cells
			),
		)
		return f"T{max(0, row)}{max(0, column)}"

	team = tuple(
		Engineer(
			f"E{n:03d}",
			homes[n],
			shifts,
			frozenset(
				{"Maintenance", "Regular Inspection"}
				| ({"Field Maintenance"} if n % 5 else set())
				| ({"Emergency Rescue"} if n % 3 == 0 else set())
			),
			territory(homes[n]),
		)
		for n in range(engineers)
	)
	visits = []
	for n in range(planned):
		first = rng.choice([s for s in shifts if s.start < 8 * DAY])
		days = rng.randint(3, 10)
		visits.append(
			Visit(
				f"P{n:04d}",
				sites[rng.randrange(gensets)],
				rng.choice((90, 120, 150, 180)) * 60,
				first.start,
				first.start + days * DAY,
				rng.choice(("Maintenance", "Regular Inspection")),
				0,
			)
		)
	for n in range(requests):
		emergency = n % 4 == 0
		opened = rng.choice(shifts[:8]).start + rng.randint(0, 6) * HOUR
		visits.append(
			Visit(
				f"R{n:04d}",
				sites[rng.randrange(gensets)],
				120 * 60,
				opened,
				opened + (4 if emergency else 48) * HOUR,
				"Emergency Rescue" if emergency else "Field Maintenance",
				100 if emergency else 50,
			)
		)
	return Problem(team, tuple(visits), speed_kmh=50)


def measure(problem: Problem, plan) -> dict:
	proposal = plan(problem)
	requests = [v for v in problem.visits if v.id.startswith("R")]
	return {
		"plan": proposal.solver,
		"seconds": proposal.seconds,
		"travel_km": travel_km(problem, proposal),
		"visits_placed": len(proposal.stops),
		"visits_unplaced": len(proposal.unassigned),
		"requests_on_time": sum(1 for r in requests if r.id not in proposal.unassigned),
		"requests": len(requests),
		"checker_violations": len(check(problem, proposal)),
	}


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--seed", type=int, default=7)
	args = parser.parse_args()
	stamp = {
		"machine": f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}",
		"date": datetime.date.today().isoformat(),
	}
	problem = region(200, 10, 120, 20, args.seed)
	results = {r["plan"]: r for r in (measure(problem, p) for p in (solve, least_loaded, greedy_nearest))}
	for result in results.values():
		print(json.dumps({"benchmark": "g: dispatch, 200 gensets", **result, **stamp}), flush=True)
	best, loaded, greedy = results["VROOM"], results["least loaded"], results["greedy nearest neighbour"]

	def saving(other):
		# per visit placed, so that a plan that leaves work undone does not look cheap
		mine = best["travel_km"] / max(1, best["visits_placed"])
		theirs = other["travel_km"] / max(1, other["visits_placed"])
		return round(100 * (1 - mine / theirs), 1)

	large = region(2_000, 100, 1_200, 200, args.seed)
	big = measure(large, solve_by_territory)
	print(json.dumps({"benchmark": "g: dispatch, 2,000 gensets", **big, **stamp}), flush=True)
	print(
		json.dumps(
			{
				"benchmark": "g: dispatch, goals",
				"travel_saved_vs_least_loaded_percent": saving(loaded),
				"travel_saved_vs_greedy_percent": saving(greedy),
				"requests_on_time": f"{best['requests_on_time']} of {best['requests']}",
				"large_instance_seconds": big["seconds"],
				"met": saving(loaded) >= 30
				and saving(greedy) >= 10
				and best["requests_on_time"] >= max(loaded["requests_on_time"], greedy["requests_on_time"])
				and big["seconds"] < 60
				and best["checker_violations"] == 0
				and big["checker_violations"] == 0,
				**stamp,
			}
		),
		flush=True,
	)


if __name__ == "__main__":
	main()
