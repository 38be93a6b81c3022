"""Who can be at a failed genset soonest (pure): each engineer starts from where his day has left him
(the genset of the visit in hand or of the last one finished, with its end; home, at the start of the
day or now, when he has done none today), fits the new visit into the first gap of today's visits
still to come that holds it (the way there, its hours on site and the way on to the next one), else
after his last, travelling by road where a routing server gave the legs, else in a straight line at
the average speed, within the day's hours."""

import datetime
from dataclasses import dataclass

from genset_service.dispatch import travel
from genset_service.dispatch.model import Pin
from genset_service.planning.geo import distance_km

Legs = dict[Pin, tuple[int, float]]  # (seconds, km) between each place and the site


@dataclass(frozen=True)
class Booked:
	"""A visit of the engineer's day: where, from when to when, and whether it is done."""

	place: Pin
	start: datetime.datetime
	end: datetime.datetime
	done: bool = False


@dataclass(frozen=True)
class Whereabouts:
	engineer: str
	place: Pin  # where the engineer will be when free
	free_at: datetime.datetime  # now, the start of the day, or the end of the visit in hand or last done
	day_ends: datetime.datetime
	skills: frozenset[str]
	visits_left: int = 0  # visits still planned for today after the one in hand
	later: tuple[Booked, ...] = ()  # those visits, in order: the new one may go in a gap between them


@dataclass(frozen=True)
class Arrival:
	engineer: str
	arrival: datetime.datetime
	km: float  # from where he sets out for the site
	visits_left: int
	visits_before: int = 0  # of today's visits still to come, those he does before this one


def whereabouts_of(
	engineer: str,
	home: Pin,
	skills: frozenset[str],
	begins: datetime.datetime,
	ends: datetime.datetime,
	now: datetime.datetime,
	visits: list[Booked] | tuple[Booked, ...] = (),
) -> Whereabouts:
	"""Where and when an engineer is free for a new visit today: at the site of the visit he is on, or
	of the last he began before ``now`` (done, or scheduled and over), from its end (not before now);
	at home from the start of his day (not before now) when he has begun none. Visits still to come
	(not done, starting after now) are kept in order for ``soonest`` to fit the new one between."""
	place, free = home, max(now, begins)
	later = []
	for visit in sorted(visits, key=lambda v: (v.start, v.end)):
		if visit.start > now and not visit.done:
			later.append(visit)
			continue
		# a visit done ahead of its time is over now
		place, free = visit.place, max(free, min(visit.end, now) if visit.done else visit.end)
	return Whereabouts(engineer, place, free, ends, skills, len(later), tuple(later))


def soonest(
	people: list[Whereabouts],
	site: Pin,
	skill: str,
	speed_kmh: float,
	limit: int = 5,
	legs: Legs | None = None,
	hours: float = 0,
	onward: Legs | None = None,
) -> list[Arrival]:
	"""The skilled engineers who can reach the site before their day ends, earliest arrival first.
	``legs``: (seconds, km) from each place to the site by road, ``onward`` from the site to each
	place; a place they lack is a straight line. ``hours``: the new visit's time on site, which a gap
	between two of today's visits must hold with the way there and on."""
	found = []
	for person in people:
		if skill not in person.skills:
			continue
		arrival = _first_gap(person, site, speed_kmh, legs or {}, onward or {}, hours)
		if arrival:
			found.append(arrival)
	return sorted(found, key=lambda a: (a.arrival, a.km, a.engineer))[:limit]


def _first_gap(person, site, speed_kmh, legs, onward, hours) -> Arrival | None:
	def leg(table, place):
		return table.get(place) or (travel.seconds(place, site, speed_kmh), distance_km(place, site))

	on_site = datetime.timedelta(hours=hours)
	place, free = person.place, person.free_at
	for before, visit in enumerate(person.later):
		seconds, km = leg(legs, place)
		arrival = free + datetime.timedelta(seconds=seconds)
		if arrival + on_site + datetime.timedelta(seconds=leg(onward, visit.place)[0]) <= visit.start:
			return Arrival(person.engineer, arrival, round(km, 1), person.visits_left, before)
		place, free = visit.place, max(free, visit.end)
	seconds, km = leg(legs, place)
	arrival = free + datetime.timedelta(seconds=seconds)
	if arrival > person.day_ends:
		return None
	return Arrival(person.engineer, arrival, round(km, 1), person.visits_left, len(person.later))
