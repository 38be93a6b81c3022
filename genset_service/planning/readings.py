"""Hour-meter readings of one genset, in order of reading time (pure: no Frappe).

A genset's hour meter never runs backwards: in order of reading time each reading is at least the one
before it, unless it is a **meter replaced** reading, which starts a new series (the new meter's first
value). A late reading is accepted when it fits between its neighbours.

**Lifetime hours** are the hours the genset has run across all its meters: the first reading's value,
then each reading adds what its meter moved since the previous reading of the same meter. A meter
replaced reading adds nothing (the hours between the old meter's last reading and the change are not
known).
"""

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Reading:
	at: datetime.datetime
	hours: float
	meter_replaced: bool = False
	name: str = ""


class ReadingError(ValueError):
	"""A reading that does not fit: ``neighbour`` is the reading it contradicts; ``later`` tells
	whether that neighbour comes after it."""

	def __init__(self, neighbour: Reading, later: bool):
		super().__init__(neighbour)
		self.neighbour = neighbour
		self.later = later


def ordered(readings: list[Reading]) -> list[Reading]:
	return sorted(readings, key=lambda r: (r.at, r.name))


def check_fits(readings: list[Reading], new: Reading) -> None:
	"""Raise ReadingError when ``new`` is lower than the reading before it (same meter) or higher than
	the reading after it (same meter). Readings at the same moment count as before it."""
	series = ordered([r for r in readings if r.name != new.name or not new.name])
	times = [r.at for r in series]
	position = bisect_right(times, new.at)
	before = series[position - 1] if position else None
	after = series[position] if position < len(series) else None
	if before and not new.meter_replaced and new.hours < before.hours:
		raise ReadingError(before, later=False)
	if after and not after.meter_replaced and new.hours > after.hours:
		raise ReadingError(after, later=True)


def first_misfit(readings: list[Reading]) -> tuple[Reading, Reading] | None:
	"""The first pair (earlier, later) of consecutive readings of one meter that runs backwards."""
	series = ordered(readings)
	for earlier, later in pairwise(series):
		if not later.meter_replaced and later.hours < earlier.hours:
			return earlier, later
	return None


def lifetime_hours(readings: list[Reading]) -> list[tuple[Reading, float]]:
	"""Each reading with the genset's lifetime hours at that moment, in order of reading time."""
	result, total, previous = [], 0.0, None
	for reading in ordered(readings):
		if previous is None:
			total = reading.hours
		elif not reading.meter_replaced:
			total += reading.hours - previous.hours
		result.append((reading, round(total, 3)))
		previous = reading
	return result


def hours_at(timeline: list[tuple[datetime.datetime, float]], moment: datetime.datetime) -> float | None:
	"""Lifetime hours at ``moment`` from (time, lifetime hours) points in time order: interpolated
	between the readings around it, the last value after the last reading, None before the first."""
	if not timeline or moment < timeline[0][0]:
		return None
	times = [at for at, _hours in timeline]
	position = bisect_left(times, moment)
	if position < len(timeline) and timeline[position][0] == moment:
		return timeline[position][1]
	if position >= len(timeline):
		return timeline[-1][1]
	(t0, h0), (t1, h1) = timeline[position - 1], timeline[position]
	span = (t1 - t0).total_seconds()
	return h0 + (h1 - h0) * ((moment - t0).total_seconds() / span) if span else h1
