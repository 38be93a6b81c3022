"""Benchmark (e): the pure planner for 100,000 units over 10 years, side by side in one run.

  baseline  every unit planned on its own (``plan_unit`` per unit, as before)
  grouped   ``plan_units``: units with the same terms and events (delivered together) planned once

Runs with any Python 3.10+ (no site needed): ``python3 benchmarks/planner.py [units] [per_delivery]``.
Prints one JSON line with the figures.
"""

import datetime
import json
import pathlib
import platform
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from genset_service.planning import Terms, UnitEvents, plan_unit, plan_units, rule_from_record

RECORDS = (
	pathlib.Path(__file__).resolve().parents[1] / "genset_service/setup/records/genset_service_type.json"
)


def units(count: int, per_delivery: int):
	"""``count`` units in deliveries of ``per_delivery``, one delivery a day, ten-year terms."""
	terms = Terms(
		warranty_months=24,
		inspection_interval_months=6,
		maintenance_interval_months=6,
		contract_months=120,
		maintenance_interval_hours=250,
	)
	start = datetime.date(2026, 1, 1)
	for n in range(count):
		delivery = start + datetime.timedelta(days=n // per_delivery)
		yield terms, UnitEvents(delivery=delivery, transit_days=7, warranty_fallback_months=6), f"GU-{n:06d}"


def main(count: int = 100_000, per_delivery: int = 50) -> dict:
	rules = [rule_from_record(r) for r in json.loads(RECORDS.read_text())]

	started = time.perf_counter()
	groups = plan_units(rules, units(count, per_delivery))
	grouped = time.perf_counter() - started
	occurrences = sum(len(g.plan.occurrences) * len(g.unit_keys) for g in groups)

	started = time.perf_counter()
	baseline_occurrences = sum(
		len(plan_unit(rules, t, e, k).occurrences) for t, e, k in units(count, per_delivery)
	)
	baseline = time.perf_counter() - started
	assert baseline_occurrences == occurrences

	return {
		"benchmark": "planner",
		"units": count,
		"units_per_delivery": per_delivery,
		"occurrences": occurrences,
		"occurrences_per_unit": round(occurrences / count, 1),
		"distinct_plans": len(groups),
		"grouped_s": round(grouped, 2),
		"baseline_s": round(baseline, 2),
		"baseline_units_per_s": round(count / baseline),
		"speedup": round(baseline / grouped, 1),
		"goal": "under 10 s for 100,000 units x 10 years",
		"met": grouped < 10,
		"machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(),
		"date": datetime.date.today().isoformat(),
	}


if __name__ == "__main__":
	args = [int(a) for a in sys.argv[1:]]
	print(json.dumps(main(*args)))
