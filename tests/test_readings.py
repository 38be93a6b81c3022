"""The hour-meter rules of the reading log (planning/readings.py), without Frappe."""

import datetime

import pytest

from genset_service.planning.readings import (
	Reading,
	ReadingError,
	check_fits,
	first_misfit,
	hours_at,
	lifetime_hours,
)

DAY = datetime.datetime(2026, 1, 1, 12)


def at(days: float) -> datetime.datetime:
	return DAY + datetime.timedelta(days=days)


LOG = [Reading(at(0), 100, name="a"), Reading(at(10), 300, name="b")]


def test_a_late_reading_between_its_neighbours_fits():
	check_fits(LOG, Reading(at(5), 200))
	check_fits(LOG, Reading(at(5), 100))  # equal to the one before: the meter stood still
	check_fits(LOG, Reading(at(20), 300))


def test_a_reading_lower_than_the_one_before_names_it():
	with pytest.raises(ReadingError) as error:
		check_fits(LOG, Reading(at(12), 250))
	assert (error.value.neighbour.name, error.value.later) == ("b", False)


def test_a_reading_higher_than_the_one_after_names_it():
	with pytest.raises(ReadingError) as error:
		check_fits(LOG, Reading(at(5), 301))
	assert (error.value.neighbour.name, error.value.later) == ("b", True)


def test_a_replaced_meter_starts_a_new_series():
	log = [*LOG, Reading(at(11), 2, meter_replaced=True, name="c"), Reading(at(20), 50, name="d")]
	check_fits(log, Reading(at(15), 20))
	with pytest.raises(ReadingError):
		check_fits(log, Reading(at(15), 60))  # higher than the new meter's later 50
	with pytest.raises(ReadingError):
		check_fits(log, Reading(at(15), 1))  # lower than the new meter's first 2
	check_fits(log, Reading(at(5), 0, meter_replaced=True))  # a change needs no predecessor above it


def test_lifetime_hours_go_on_across_meters():
	log = [
		Reading(at(20), 50, name="d"),
		Reading(at(11), 2, meter_replaced=True, name="c"),
		*LOG,
	]
	assert [(r.name, hours) for r, hours in lifetime_hours(log)] == [
		("a", 100),
		("b", 300),
		("c", 300),
		("d", 348),
	]
	assert lifetime_hours([]) == []


def test_removing_a_meter_change_is_checked():
	log = [Reading(at(0), 900, name="a"), Reading(at(5), 50, name="c")]
	assert first_misfit(log) == (log[0], log[1])
	assert first_misfit(LOG) is None


def test_hours_at_a_moment():
	timeline = [(at(0), 0.0), (at(10), 100.0), (at(20), 300.0)]
	assert hours_at(timeline, at(-1)) is None
	assert hours_at(timeline, at(5)) == pytest.approx(50)
	assert hours_at(timeline, at(10)) == 100
	assert hours_at(timeline, at(15)) == pytest.approx(200)
	assert hours_at(timeline, at(30)) == 300  # never extrapolated
	assert hours_at([], at(1)) is None
