"""The three clocks of an on-demand request (pure: no Frappe).

- **Acknowledge** runs from the request's opening until a person first responds; it never pauses.
- **On site** runs from the opening until an engineer checks in at the genset (a check-in, or the start
  of a service report); it pauses while the request is on hold for a reason that pauses it.
- **Restored** runs from the opening until the genset runs again (the resolving report's end); it
  pauses as the on-site clock does.

A clock's target is a number of hours of its agreement's calendar: every hour (7x24), or the hours of
the agreement's service days, less its holidays. Paused time does not count: the deadline moves by the
calendar time the clock spent paused. A clock is **at risk** when three quarters of its target is
gone, **breached** past its deadline (met late stays breached).
"""

import datetime
from dataclasses import dataclass, field

AT_RISK_SHARE = 0.75
DAY = datetime.timedelta(days=1)
MAX_DAYS = 3 * 366  # a clock's calendar is searched this far at most


class Clock:
	ACKNOWLEDGE = "Acknowledge"
	ON_SITE = "On Site"
	RESTORED = "Restored"
	ALL = (ACKNOWLEDGE, ON_SITE, RESTORED)
	PAUSABLE = (ON_SITE, RESTORED)


class State:
	NOT_PROMISED = "Not Promised"
	RUNNING = "Running"
	AT_RISK = "At Risk"
	PAUSED = "Paused"
	MET = "Met"
	BREACHED = "Breached"


@dataclass(frozen=True)
class Calendar:
	"""``days`` maps a weekday (0 Monday) to its service hours (start, end); None means every hour of
	every day. ``holidays`` are whole days off."""

	days: dict[int, tuple[datetime.time, datetime.time]] | None = None
	holidays: frozenset = field(default_factory=frozenset)

	def windows(self, start: datetime.datetime):
		"""The calendar's running intervals from ``start`` on, in order."""
		day = start.date()
		for _ in range(MAX_DAYS):
			if day not in self.holidays:
				if self.days is None:
					begin = datetime.datetime.combine(day, datetime.time())
					end = begin + DAY
				elif day.weekday() in self.days:
					opens, closes = self.days[day.weekday()]
					begin = datetime.datetime.combine(day, opens)
					end = (
						datetime.datetime.combine(day, closes)
						if closes < datetime.time(23, 59, 59)
						else datetime.datetime.combine(day, datetime.time()) + DAY
					)
				else:
					begin = end = None
				if begin is not None and end > start and end > begin:
					yield max(begin, start), end
			day += DAY

	def seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
		"""Calendar seconds from ``start`` to ``end``."""
		if end <= start:
			return 0.0
		if self.days is None and not self.holidays:
			return (end - start).total_seconds()
		total = 0.0
		for begin, finish in self.windows(start):
			if begin >= end:
				break
			total += (min(finish, end) - begin).total_seconds()
		return total

	def add(self, start: datetime.datetime, seconds: float) -> datetime.datetime | None:
		"""The moment ``seconds`` of calendar time after ``start`` (None when the calendar never runs)."""
		if self.days is None and not self.holidays:
			return start + datetime.timedelta(seconds=seconds)
		left = seconds
		for begin, finish in self.windows(start):
			length = (finish - begin).total_seconds()
			if left <= length:
				return begin + datetime.timedelta(seconds=left)
			left -= length
		return None


@dataclass(frozen=True)
class ClockFacts:
	started: datetime.datetime
	target_hours: float | None  # None or 0: not promised
	stopped: datetime.datetime | None = None
	pauses: tuple = ()  # (from, to or None while paused), for a pausable clock


@dataclass(frozen=True)
class ClockReading:
	deadline: datetime.datetime | None
	state: str
	used_share: float  # of the target, 0 when not promised


def read_clock(facts: ClockFacts, calendar: Calendar, now: datetime.datetime) -> ClockReading:
	"""Where a clock stands at ``now``."""
	if not facts.target_hours or facts.target_hours <= 0:
		return ClockReading(None, State.NOT_PROMISED, 0.0)
	until = min(facts.stopped, now) if facts.stopped else now
	paused = sum(
		calendar.seconds_between(max(begin, facts.started), min(end or until, until))
		for begin, end in facts.pauses
	)
	target = facts.target_hours * 3600
	deadline = calendar.add(facts.started, target + paused)
	used = calendar.seconds_between(facts.started, until) - paused
	share = round(max(0.0, used) / target, 4)
	if facts.stopped and facts.stopped <= now:
		late = deadline is None or facts.stopped > deadline
		return ClockReading(deadline, State.BREACHED if late else State.MET, share)
	if deadline is None or now > deadline:
		return ClockReading(deadline, State.BREACHED, share)
	if facts.pauses and facts.pauses[-1][1] is None:
		return ClockReading(deadline, State.PAUSED, share)
	if share >= AT_RISK_SHARE:
		return ClockReading(deadline, State.AT_RISK, share)
	return ClockReading(deadline, State.RUNNING, share)


def escalation_level(reading: ClockReading) -> str | None:
	"""The notice a clock calls for: At Risk, Breached, or none (met, paused, running early)."""
	if reading.state == State.BREACHED:
		return State.BREACHED
	if reading.state == State.AT_RISK:
		return State.AT_RISK
	return None


# ------------------------------------------------------------------ which agreement applies
@dataclass(frozen=True)
class Targets:
	acknowledge: float | None = None
	on_site: float | None = None
	restored: float | None = None

	def strictness(self) -> tuple:
		"""Smaller is stricter: on site first (the catalogue's promise), then acknowledge, then restored;
		a clock not promised counts as no limit."""
		inf = float("inf")
		return tuple(v if v else inf for v in (self.on_site, self.acknowledge, self.restored))


@dataclass(frozen=True)
class Agreement:
	name: str
	applies_to: str  # "Customer", "Customer Group" or "Default"
	targets: dict  # (service type, priority) -> Targets
	always: bool = True  # a 7x24 calendar


OWN = ("Customer", "Customer Group")


def choose_agreement(agreements: list[Agreement], service_type: str, priority: str) -> Agreement | None:
	"""The agreement whose clocks a request runs on: among those that promise something for its service
	type and priority, the customer's own (a Customer or Customer Group agreement) beats the default;
	when several of the customer's own match, the stricter wins (see Targets.strictness), then a 7x24
	calendar, then a Customer agreement over a Customer Group one, then the name."""
	key = (service_type, priority)
	matching = [a for a in agreements if key in a.targets]
	own = [a for a in matching if a.applies_to in OWN]
	pool = own or [a for a in matching if a.applies_to == "Default"]
	if not pool:
		return None
	return min(
		pool,
		key=lambda a: (
			a.targets[key].strictness(),
			not a.always,
			OWN.index(a.applies_to) if a.applies_to in OWN else 9,
			a.name,
		),
	)


def scaled(targets: Targets, factor: float) -> Targets:
	"""Targets for another priority: High is half the Medium time, Low one and a half times."""

	def times(value):
		return round(value * factor, 2) if value else None

	return Targets(times(targets.acknowledge), times(targets.on_site), times(targets.restored))
