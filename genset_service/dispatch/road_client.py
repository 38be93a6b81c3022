"""The road-routing server's client (site side: it calls the network; no Frappe): the (seconds, km)
matrix between pins from OSRM's table service or Valhalla's matrix. The pure core (``travel``) only
carries the matrix it answered."""

import json
import math
import urllib.error
import urllib.request

from genset_service.dispatch.travel import UNREACHABLE
from genset_service.planning.geo import distance_km


class RoadError(Exception):
	"""The routing server did not answer with a matrix."""


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
