"""First-time fix and repeat visits, from facts the reports read (no Frappe imports).

A request is **fixed first time** when exactly one service report resolved it and no further request
for the same genset was opened within ``repeat_days`` after it was resolved (the end of its resolving
report). It is a **repeat visit** when such a further request followed. Both are counted over the
resolved requests of the period, per group (engineer, model or service type).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestFact:
	name: str
	unit: str | None
	group: str
	reports: int  # submitted service reports that resolved it
	resolved_at: datetime.datetime | None  # the end of its (last) resolving report


def first_time_fix(
	facts: list[RequestFact], openings_by_unit: dict[str, list[datetime.datetime]], repeat_days: int
) -> list[dict]:
	"""One row per group: requests, fixed first time, FTF %, repeat visits, repeat %; then a total."""
	window = datetime.timedelta(days=repeat_days)
	groups = defaultdict(lambda: {"requests": 0, "fixed_first_time": 0, "repeat_visits": 0})
	for fact in facts:
		if not fact.resolved_at:
			continue
		repeat = any(
			fact.resolved_at < opened <= fact.resolved_at + window
			for opened in openings_by_unit.get(fact.unit, ())
		)
		row = groups[fact.group]
		row["requests"] += 1
		row["repeat_visits"] += int(repeat)
		row["fixed_first_time"] += int(fact.reports == 1 and not repeat)
	rows = [{"group": group, **values} for group, values in sorted(groups.items())]
	if rows:
		rows.append(
			{
				"group": None,
				**{
					key: sum(row[key] for row in rows)
					for key in ("requests", "fixed_first_time", "repeat_visits")
				},
			}
		)
	for row in rows:
		row["ftf_percent"] = percent(row["fixed_first_time"], row["requests"])
		row["repeat_percent"] = percent(row["repeat_visits"], row["requests"])
	return rows


def percent(part: int, whole: int) -> float:
	return round(100.0 * part / whole, 1) if whole else 0.0
