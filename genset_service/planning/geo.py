"""Places on the map (pure: no Frappe): a pin's bounds and the straight-line distance between two."""

import math

EARTH_RADIUS_KM = 6371.0088


class PinError(ValueError):
	pass


def check_pin(latitude: float | None, longitude: float | None) -> None:
	"""Both or neither; latitude within -90..90 and longitude within -180..180."""
	if latitude is None and longitude is None:
		return
	if latitude is None or longitude is None:
		raise PinError("both")
	if not -90 <= latitude <= 90:
		raise PinError("latitude")
	if not -180 <= longitude <= 180:
		raise PinError("longitude")


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
	"""Great-circle distance (haversine) between two (latitude, longitude) pins."""
	lat1, lon1, lat2, lon2 = (math.radians(value) for value in (*a, *b))
	h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
	return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
