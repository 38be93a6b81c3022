"""First-time fix and repeat visits, from facts the reports read (no Frappe imports).

A **visit** is a submitted service report on a service request; the request's service type is its
fault category. A **repeat visit** is another visit to the same genset for the same fault category
within ``repeat_days`` (Genset Service Settings, default 30) of the one before it:

- a second (third...) report on the same request, within ``repeat_days`` of the previous report;
- a new request of the same category for the same genset, opened within ``repeat_days`` after the
  request's last report (the visit it calls for is owed, so it counts as soon as it is opened).

Repeat visits are counted on the request whose fix did not hold. A request is **fixed first time** when
exactly one report resolved it and no new request of its category followed within the window. Both are
counted over the resolved requests of the period, per group (engineer, model or service type); the
repeat % is the share of those requests that needed at least one repeat visit.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class RequestFact:
	name: str
	unit: str | None
	group: str
	reports: int  # submitted service reports that resolved it
	resolved_at: datetime.datetime | None  # the end of its (last) resolving report
	category: str | None = None  # its service type
	visits: tuple[datetime.datetime, ...] = ()  # the ends of its reports, in time order


def first_time_fix(
	facts: list[RequestFact],
	openings: dict[tuple[str | None, str | None], list[datetime.datetime]],
	repeat_days: int,
) -> list[dict]:
	"""One row per group: requests, fixed first time, FTF %, repeat visits, repeat %; then a total.
	``openings``: when requests were opened, per (genset, fault category)."""
	window = datetime.timedelta(days=repeat_days)
	groups = defaultdict(lambda: {"requests": 0, "fixed_first_time": 0, "repeat_visits": 0, "repeated": 0})
	for fact in facts:
		if not fact.resolved_at:
			continue
		visits = sorted(fact.visits)
		again = sum(1 for before, after in pairwise(visits) if after - before <= window)
		followed = any(
			fact.resolved_at < opened <= fact.resolved_at + window
			for opened in openings.get((fact.unit, fact.category), ())
		)
		row = groups[fact.group]
		row["requests"] += 1
		row["repeat_visits"] += again + int(followed)
		row["repeated"] += int(bool(again or followed))
		row["fixed_first_time"] += int(fact.reports == 1 and not followed)
	rows = [{"group": group, **values} for group, values in sorted(groups.items())]
	if rows:
		rows.append(
			{
				"group": None,
				**{
					key: sum(row[key] for row in rows)
					for key in ("requests", "fixed_first_time", "repeat_visits", "repeated")
				},
			}
		)
	for row in rows:
		row["ftf_percent"] = percent(row["fixed_first_time"], row["requests"])
		row["repeat_percent"] = percent(row.pop("repeated"), row["requests"])
	return rows


def percent(part: int, whole: int) -> float:
	return round(100.0 * part / whole, 1) if whole else 0.0
