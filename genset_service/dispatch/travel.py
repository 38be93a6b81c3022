"""Travel between pins: straight-line distance at an average speed (a road-routing server can replace
this matrix)."""

import math
from itertools import pairwise

from genset_service.planning.geo import distance_km


def seconds(a, b, speed_kmh: float) -> int:
	return math.ceil(distance_km(a, b) / speed_kmh * 3600)


def matrix(places: list, speed_kmh: float) -> tuple[list[list[int]], list[list[float]]]:
	"""(seconds, km) between every pair of places, vectorised (thousands of places)."""
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
	return secs.tolist(), km.tolist()


def route_km(
	stops_places: list,
	home,
) -> float:
	"""Home, the stops in order, home again."""
	path = [home, *stops_places, home] if stops_places else []
	return sum(distance_km(a, b) for a, b in pairwise(path))
