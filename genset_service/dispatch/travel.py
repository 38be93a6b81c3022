"""Travel between pins (pure, no network): straight-line distance at an average speed, or the road
matrix a routing server gave (fetched once per problem on the site side, by ``road_client``) carried on
the problem.

Every user of a problem's travel (solver, checker, baselines) asks a ``Legs`` built from the problem,
so that all of them measure the same roads."""

import math
from itertools import pairwise

from genset_service.planning.geo import distance_km

UNREACHABLE = 10_000_000  # seconds: a pair the road server finds no route between


def seconds(a, b, speed_kmh: float) -> int:
	return math.ceil(distance_km(a, b) / speed_kmh * 3600)


def matrix(places: list, speed_kmh: float):
	"""(seconds, km) between every pair of places as numpy arrays, vectorised (thousands of places)."""
	import numpy

	lat = numpy.radians(numpy.array([p[0] for p in places], dtype=float))
	lon = numpy.radians(numpy.array([p[1] for p in places], dtype=float))
	dlat = lat[:, None] - lat[None, :]
	dlon = lon[:, None] - lon[None, :]
	h = (
		numpy.sin(dlat / 2) ** 2
		+ numpy.cos(lat)[:, None] * numpy.cos(lat)[None, :] * numpy.sin(dlon / 2) ** 2
	)
	km = 2 * 6371.0088 * numpy.arcsin(numpy.sqrt(numpy.clip(h, 0, 1)))
	secs = numpy.ceil(km / speed_kmh * 3600).astype(int)
	return secs, km


def places(problem) -> list:
	"""The distinct pins of a problem, homes first, in a fixed order (a road matrix follows it)."""
	return list(dict.fromkeys([e.home for e in problem.engineers] + [v.place for v in problem.visits]))


class Legs:
	"""Seconds and km between any two pins of a problem."""

	def __init__(self, problem):
		self.places = places(problem)
		self.index = {pin: number for number, pin in enumerate(self.places)}
		if problem.road is not None:
			self.secs, self.kms = problem.road
		else:
			self.secs, self.kms = matrix(self.places, problem.speed_kmh) if self.places else ([], [])

	def seconds(self, a, b) -> int:
		return int(self.secs[self.index[a]][self.index[b]])

	def km(self, a, b) -> float:
		return float(self.kms[self.index[a]][self.index[b]])

	def route_km(self, stops_places: list, home) -> float:
		"""Home, the stops in order, home again."""
		path = [home, *stops_places, home] if stops_places else []
		return sum(self.km(a, b) for a, b in pairwise(path))


def part_of(problem, part):
	"""``part`` (a problem made of some of ``problem``'s engineers and visits) with the same roads."""
	if problem.road is None:
		return part
	import dataclasses

	import numpy

	legs = Legs(problem)
	rows = [legs.index[pin] for pin in places(part)]
	secs, kms = (numpy.asarray(m)[numpy.ix_(rows, rows)] for m in problem.road)
	return dataclasses.replace(part, road=(secs, kms))
