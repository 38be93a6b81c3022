"""SLA compliance of on-demand requests from facts the report reads (pure: no Frappe).

Each request has up to three clocks, each with a deadline when its agreement promises it:
**acknowledge** (a person first responds), **on site** (an engineer checks in, or the resolving service
report starts) and **restored** (the resolving report ends). A clock is **met in time** when its event
came by its deadline; it is **breached** when its event came later, or has not come and the deadline
has passed. Hours are counted from the request's opening to each event. A request **met its SLA**
when every clock its agreement promises was met in time.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass

HOUR = datetime.timedelta(hours=1)
CLOCKS = ("acknowledge", "on_site", "restored")
LABELS = {"acknowledge": "Acknowledge", "on_site": "On Site", "restored": "Restored"}


@dataclass(frozen=True)
class ClockTimes:
	deadline: datetime.datetime | None = None
	done: datetime.datetime | None = None


NO_CLOCK = ClockTimes()


@dataclass(frozen=True)
class RequestTimes:
	name: str
	service_type: str
	priority: str
	opened: datetime.datetime
	acknowledge: ClockTimes = NO_CLOCK
	on_site: ClockTimes = NO_CLOCK
	restored: ClockTimes = NO_CLOCK


def percentile(values: list[float], share: float) -> float | None:
	"""Nearest-rank percentile (the 90th of 10 values is the 9th smallest)."""
	if not values:
		return None
	ordered = sorted(values)
	return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def late(clock: ClockTimes, now: datetime.datetime) -> bool:
	if not clock.deadline:
		return False
	return (clock.done or now) > clock.deadline


def breaches(request: RequestTimes, now: datetime.datetime) -> list[str]:
	"""The clocks a request missed, by label."""
	return [LABELS[name] for name in CLOCKS if late(getattr(request, name), now)]


def _stats(values: list[float]) -> tuple[float | None, float | None]:
	if not values:
		return None, None
	return round(sum(values) / len(values), 2), round(percentile(values, 0.9), 2)


def compliance(requests: list[RequestTimes], now: datetime.datetime) -> list[dict]:
	"""One row per service type and priority, then a total row (service_type None)."""
	groups = defaultdict(list)
	for request in requests:
		groups[(request.service_type, request.priority)].append(request)
	rows = [_row(s, p, members, now) for (s, p), members in sorted(groups.items())]
	if rows:
		rows.append(_row(None, None, requests, now))
	return rows


def _row(service_type, priority, members: list[RequestTimes], now) -> dict:
	promised = [r for r in members if any(getattr(r, name).deadline for name in CLOCKS)]
	broken = [r for r in members if breaches(r, now)]
	row = {
		"service_type": service_type,
		"priority": priority,
		"requests": len(members),
		"breaches": len(broken),
		# the SLA met: every promised clock of the request met in time
		"met_percent": round(100 * (len(promised) - len(broken)) / len(promised), 1) if promised else None,
	}
	for name in CLOCKS:
		clocks = [(r.opened, getattr(r, name)) for r in members]
		promised = [c for _o, c in clocks if c.deadline]
		in_time = [c for c in promised if not late(c, now)]
		row[f"{name}_promised"] = len(promised)
		row[f"{name}_in_time"] = len(in_time)
		row[f"{name}_in_time_percent"] = round(100 * len(in_time) / len(promised), 1) if promised else None
		row[f"mean_{name}_hours"], row[f"p90_{name}_hours"] = _stats(
			[(c.done - opened) / HOUR for opened, c in clocks if c.done]
		)
	return row
