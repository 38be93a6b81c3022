"""Genset reliability per model from facts the report reads (pure: no Frappe).

Over a period [start, end]:
- a **failure** is a request of a service type that counts as a failure, opened in the period;
- **run hours** of a unit are its lifetime hours at the end (the last reading on or before it) less
  those at the start (0 before its first reading);
- **days in service** run from the later of the start and the unit's commissioning to the end;
- **MTBF** is run hours (or days in service) per failure; **MTTR** the mean hours from a failure's
  request to its resolution;
- **availability** is the expected uptime (days in service x 24 h) less the downtime (each failure's
  request to its resolution, within the period), as a share of the expected uptime;
- the **next expected failure** of a unit is its last failure (or its commissioning) plus the model's
  MTBF, in hours and in days.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from genset_service.planning.readings import hours_at

HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class UnitLife:
	name: str
	model: str
	in_service_from: datetime.datetime | None  # commissioning
	timeline: list[tuple[datetime.datetime, float]] = field(default_factory=list)  # (time, lifetime h)


@dataclass(frozen=True)
class Failure:
	unit: str
	opened: datetime.datetime
	resolved: datetime.datetime | None
	hours: float | None  # lifetime hours at the failure, when known


def _hours(delta: datetime.timedelta) -> float:
	return delta / HOUR


def _ratio(value: float, count: int) -> float | None:
	return round(value / count, 1) if count else None


def reliability(
	units: list[UnitLife], failures: list[Failure], start: datetime.datetime, end: datetime.datetime
) -> tuple[list[dict], list[dict]]:
	"""(one row per model, one row per unit with its next expected failure)."""
	in_window = [f for f in failures if start <= f.opened <= end]
	window_counts = Counter(f.unit for f in in_window)
	by_unit = defaultdict(list)
	for failure in failures:
		if failure.opened <= end:
			by_unit[failure.unit].append(failure)
	models = defaultdict(
		lambda: {"units": 0, "failures": 0, "run_hours": 0.0, "service_days": 0.0, "repair": [], "down": 0.0}
	)
	unit_model = {}
	for unit in units:
		if not unit.in_service_from or unit.in_service_from > end:
			continue
		unit_model[unit.name] = unit.model
		row = models[unit.model]
		row["units"] += 1
		row["run_hours"] += (hours_at(unit.timeline, end) or 0) - (hours_at(unit.timeline, start) or 0)
		row["service_days"] += max(0.0, _hours(end - max(start, unit.in_service_from)) / 24)
	for failure in in_window:
		model = unit_model.get(failure.unit)
		if model is None:
			continue
		row = models[model]
		row["failures"] += 1
		if failure.resolved:
			row["repair"].append(_hours(failure.resolved - failure.opened))
		row["down"] += max(0.0, _hours(min(failure.resolved or end, end) - max(failure.opened, start)))
	model_rows = []
	for model, row in sorted(models.items()):
		uptime = row["service_days"] * 24
		model_rows.append(
			{
				"model": model,
				"units": row["units"],
				"failures": row["failures"],
				"run_hours": round(row["run_hours"], 1),
				"service_days": round(row["service_days"], 1),
				"mtbf_hours": _ratio(row["run_hours"], row["failures"]),
				"mtbf_days": _ratio(row["service_days"], row["failures"]),
				"mttr_hours": _ratio(sum(row["repair"]), len(row["repair"])),
				"downtime_hours": round(row["down"], 1),
				"availability": round(100 * (uptime - row["down"]) / uptime, 2) if uptime else None,
			}
		)
	mtbf = {row["model"]: row for row in model_rows}
	unit_rows = []
	for unit in sorted(units, key=lambda u: (u.model, u.name)):
		if unit.name not in unit_model:
			continue
		model = mtbf[unit.model]
		last = max(by_unit[unit.name], key=lambda f: f.opened) if by_unit[unit.name] else None
		since_hours = last.hours if last and last.hours is not None else (0.0 if not last else None)
		since_time = last.opened if last else unit.in_service_from
		unit_rows.append(
			{
				"unit": unit.name,
				"model": unit.model,
				"failures": window_counts[unit.name],
				"last_failure": last.opened if last else None,
				"next_failure_hours": round(since_hours + model["mtbf_hours"], 1)
				if model["mtbf_hours"] is not None and since_hours is not None
				else None,
				"next_failure_on": since_time + datetime.timedelta(days=model["mtbf_days"])
				if model["mtbf_days"] is not None
				else None,
			}
		)
	return model_rows, unit_rows
