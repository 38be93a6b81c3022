"""Dispatch as a pure problem (no Frappe): engineers with shifts and skills, visits with a place, a
duration, a window and a skill, and a proposal that says who does what, in which order, when."""

from dataclasses import dataclass, field

Pin = tuple[float, float]  # latitude, longitude


@dataclass(frozen=True)
class Shift:
	"""One working day of an engineer, in seconds from the start of the planning horizon."""

	start: int
	end: int


@dataclass(frozen=True)
class Engineer:
	id: str
	home: Pin
	shifts: tuple[Shift, ...]
	skills: frozenset[str]
	territory: str = ""


@dataclass(frozen=True)
class Visit:
	"""A planned service or a request: to start within [earliest, latest] seconds of the horizon
	(a due window, or an on-site deadline), lasting ``duration`` seconds, needing ``skill``. Priority
	0..100: emergencies 100, requests 50, planned work 0."""

	id: str
	place: Pin
	duration: int
	earliest: int
	latest: int
	skill: str
	priority: int = 0


@dataclass(frozen=True)
class Problem:
	"""The engineers and the work. Travel is straight-line distance at ``speed_kmh`` unless ``road``
	holds (seconds, km) matrices from a routing server between ``travel.places(problem)``, in order."""

	engineers: tuple[Engineer, ...]
	visits: tuple[Visit, ...]
	speed_kmh: float = 50.0
	road: tuple | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Stop:
	visit: str
	engineer: str
	shift: int  # index of the engineer's shift
	start: int  # service start, seconds of the horizon
	end: int


@dataclass
class Proposal:
	stops: list[Stop] = field(default_factory=list)  # in route order per engineer and shift
	unassigned: dict[str, str] = field(default_factory=dict)  # visit -> reason
	solver: str = ""
	seconds: float = 0.0
