"""SLA compliance of on-demand requests from facts the report reads (pure: no Frappe).

A request **opens** at its opening time; it is **responded** to when first responded on; the engineer
is **on site** at the start of the service report that resolved it; it is **resolved** at that report's
end. Its **response target** is the SLA's response-by time; its **resolution target** the SLA's
resolution-by time. A request **breaches** when it was responded to (or, still unanswered, the clock
passed) after its response target, or resolved (or, still open, the clock passed) after its resolution
target.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass

HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class RequestTimes:
	name: str
	service_type: str
	priority: str
	opened: datetime.datetime
	response_by: datetime.datetime | None = None
	responded: datetime.datetime | None = None
	on_site: datetime.datetime | None = None
	resolved: datetime.datetime | None = None
	resolution_by: datetime.datetime | None = None


def percentile(values: list[float], share: float) -> float | None:
	"""Nearest-rank percentile (the 90th of 10 values is the 9th smallest)."""
	if not values:
		return None
	ordered = sorted(values)
	return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _late(done: datetime.datetime | None, target: datetime.datetime | None, now: datetime.datetime) -> bool:
	if not target:
		return False
	return (done or now) > target


def breaches(request: RequestTimes, now: datetime.datetime) -> list[str]:
	"""Which targets a request missed: 'Response', 'Resolution'."""
	missed = []
	if _late(request.responded, request.response_by, now):
		missed.append("Response")
	if _late(request.resolved, request.resolution_by, now):
		missed.append("Resolution")
	return missed


def _stats(values: list[float]) -> tuple[float | None, float | None]:
	if not values:
		return None, None
	return round(sum(values) / len(values), 2), round(percentile(values, 0.9), 2)


def compliance(requests: list[RequestTimes], now: datetime.datetime) -> list[dict]:
	"""One row per service type and priority, then a total row (service_type None)."""
	groups = defaultdict(list)
	for request in requests:
		groups[(request.service_type, request.priority)].append(request)
	rows = [
		_row(service_type, priority, members, now)
		for (service_type, priority), members in sorted(groups.items())
	]
	if rows:
		rows.append(_row(None, None, requests, now))
	return rows


def _row(service_type, priority, members: list[RequestTimes], now) -> dict:
	with_target = [r for r in members if r.response_by]
	in_time = [r for r in with_target if not _late(r.responded, r.response_by, now)]
	respond = [(r.responded - r.opened) / HOUR for r in members if r.responded]
	on_site = [(r.on_site - r.opened) / HOUR for r in members if r.on_site]
	resolve = [(r.resolved - r.opened) / HOUR for r in members if r.resolved]
	row = {
		"service_type": service_type,
		"priority": priority,
		"requests": len(members),
		"responded_in_time": len(in_time),
		"responded_in_time_percent": round(100 * len(in_time) / len(with_target), 1) if with_target else None,
		"breaches": sum(1 for r in members if breaches(r, now)),
	}
	for name, values in (("respond", respond), ("on_site", on_site), ("resolve", resolve)):
		row[f"mean_{name}_hours"], row[f"p90_{name}_hours"] = _stats(values)
	return row
