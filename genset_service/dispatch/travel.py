"""Travel between pins (pure): straight-line distance at an average speed, or a road-routing server's
matrix (OSRM's table service or Valhalla's matrix) fetched once per problem.

Every user of a problem's travel (solver, checker, baselines) asks a ``Legs`` built from the problem,
so that all of them measure the same roads."""

import json
import math
import urllib.error
import urllib.request
from itertools import pairwise

from genset_service.planning.geo import distance_km

UNREACHABLE = 10_000_000  # seconds: a pair the road server finds no route between


class RoadError(Exception):
	"""The routing server did not answer with a matrix."""


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


# ------------------------------------------------------------------ road-routing servers
def road_matrix(engine: str, url: str, pins: list, timeout: float = 30) -> tuple[list, list]:
	"""(seconds, km) between every pair of pins from a routing server: ``engine`` is OSRM or
	Valhalla, ``url`` its base address. Raises RoadError with the server's answer when it fails."""
	if engine not in ROAD_ENGINES:
		raise RoadError(f"unknown routing server kind {engine!r}")
	if not pins:
		return [], []
	return ROAD_ENGINES[engine](url.rstrip("/"), pins, timeout)


def _fetch(request, timeout: float) -> dict:
	try:
		with urllib.request.urlopen(request, timeout=timeout) as answer:
			return json.loads(answer.read())
	except urllib.error.HTTPError as error:
		raise RoadError(f"HTTP {error.code}: {error.read()[:200]!r}") from error
	except (urllib.error.URLError, TimeoutError, OSError) as error:
		raise RoadError(str(getattr(error, "reason", error))) from error
	except ValueError as error:
		raise RoadError("the answer is not JSON") from error


def _osrm(url: str, pins: list, timeout: float) -> tuple[list, list]:
	coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in pins)
	answer = _fetch(f"{url}/table/v1/driving/{coordinates}?annotations=duration,distance", timeout)
	if answer.get("code") != "Ok" or "durations" not in answer:
		raise RoadError(f"OSRM answered {answer.get('code')}: {answer.get('message', '')}")
	secs = [[UNREACHABLE if d is None else math.ceil(d) for d in row] for row in answer["durations"]]
	distances = answer.get("distances") or [[None] * len(pins) for _ in pins]
	kms = [
		[distance_km(pins[i], pins[j]) if d is None else d / 1000 for j, d in enumerate(row)]
		for i, row in enumerate(distances)
	]
	return secs, kms


def _valhalla(url: str, pins: list, timeout: float) -> tuple[list, list]:
	points = [{"lat": lat, "lon": lon} for lat, lon in pins]
	body = json.dumps({"sources": points, "targets": points, "costing": "auto", "units": "kilometers"})
	request = urllib.request.Request(
		f"{url}/sources_to_targets", data=body.encode(), headers={"Content-Type": "application/json"}
	)
	answer = _fetch(request, timeout)
	rows = answer.get("sources_to_targets")
	if not rows:
		raise RoadError(f"Valhalla answered without a matrix: {str(answer)[:200]}")
	secs = [[UNREACHABLE if c.get("time") is None else math.ceil(c["time"]) for c in row] for row in rows]
	kms = [
		[
			distance_km(pins[i], pins[j]) if c.get("distance") is None else c["distance"]
			for j, c in enumerate(row)
		]
		for i, row in enumerate(rows)
	]
	return secs, kms


ROAD_ENGINES = {"OSRM": _osrm, "Valhalla": _valhalla}
