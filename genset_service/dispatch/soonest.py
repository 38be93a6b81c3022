"""Who can be at a failed genset soonest (pure): each engineer free at a time and a place (home, or
the genset of the visit in hand), travelling by road where a routing server gave the legs, else in a
straight line at the average speed, within the day's hours."""

import datetime
from dataclasses import dataclass

from genset_service.dispatch import travel
from genset_service.dispatch.model import Pin
from genset_service.planning.geo import distance_km


@dataclass(frozen=True)
class Whereabouts:
	engineer: str
	place: Pin  # where the engineer will be when free
	free_at: datetime.datetime  # now, the start of the day, or the end of the visit in hand
	day_ends: datetime.datetime
	skills: frozenset[str]
	visits_left: int = 0  # visits still planned for today after the one in hand


@dataclass(frozen=True)
class Arrival:
	engineer: str
	arrival: datetime.datetime
	km: float
	visits_left: int


def soonest(
	people: list[Whereabouts],
	site: Pin,
	skill: str,
	speed_kmh: float,
	limit: int = 5,
	legs: dict[Pin, tuple[int, float]] | None = None,
) -> list[Arrival]:
	"""The skilled engineers who can reach the site before their day ends, earliest arrival first.
	``legs``: (seconds, km) from each place to the site by road; a place it lacks is a straight line."""
	found = []
	for person in people:
		if skill not in person.skills:
			continue
		seconds, km = (legs or {}).get(person.place) or (
			travel.seconds(person.place, site, speed_kmh),
			distance_km(person.place, site),
		)
		arrival = person.free_at + datetime.timedelta(seconds=seconds)
		if arrival <= person.day_ends:
			found.append(Arrival(person.engineer, arrival, round(km, 1), person.visits_left))
	return sorted(found, key=lambda a: (a.arrival, a.km, a.engineer))[:limit]
