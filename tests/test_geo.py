"""Site pins and straight-line distances (planning/geo.py), without Frappe."""

import pytest

from genset_service.planning.geo import PinError, check_pin, distance_km


def test_a_pin_lies_on_the_globe():
	check_pin(53.8, -1.55)
	check_pin(-90, 180)
	check_pin(None, None)
	for latitude, longitude, wrong in ((91, 0, "latitude"), (0, -180.5, "longitude"), (12, None, "both")):
		with pytest.raises(PinError) as error:
			check_pin(latitude, longitude)
		assert str(error.value) == wrong


def test_distance_between_two_pins():
	leeds, london = (53.8008, -1.5491), (51.5072, -0.1276)
	assert distance_km(leeds, london) == pytest.approx(272, abs=2)
	assert distance_km(leeds, leeds) == 0
	assert distance_km((0, 0), (0, 180)) == pytest.approx(20015, abs=1)
