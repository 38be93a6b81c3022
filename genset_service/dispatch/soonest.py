"""Who can be at a failed genset soonest (pure): each engineer free at a time and a place (home, or
the genset of the visit in hand), travelling at the problem's speed, within the day's hours."""

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
	people: list[Whereabouts], site: Pin, skill: str, speed_kmh: float, limit: int = 5
) -> list[Arrival]:
	"""The skilled engineers who can reach the site before their day ends, earliest arrival first."""
	found = []
	for person in people:
		if skill not in person.skills:
			continue
		arrival = person.free_at + datetime.timedelta(seconds=travel.seconds(person.place, site, speed_kmh))
		if arrival <= person.day_ends:
			found.append(
				Arrival(
					person.engineer, arrival, round(distance_km(person.place, site), 1), person.visits_left
				)
			)
	return sorted(found, key=lambda a: (a.arrival, a.km, a.engineer))[:limit]
