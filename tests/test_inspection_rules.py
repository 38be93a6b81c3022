"""Tier 1: inspection readings, results and running hours (pure rules)."""

import pytest

from genset_service.planning.inspection import (
	ACCEPTED,
	ACCEPTED_WITH_REMARKS,
	FAIL,
	PASS,
	REJECTED,
	InspectionError,
	Reading,
	check_result,
	check_running_hours,
	evaluate,
	is_accepted,
)


@pytest.mark.parametrize(
	"reading, status",
	[
		(Reading("Numeric", "0.8", min_value=1), FAIL),  # insulation under 1 MOhm
		(Reading("Numeric", "250", min_value=1), PASS),
		(Reading("Numeric", "50,2", min_value=49.5, max_value=50.5), PASS),
		(Reading("Numeric", "51", min_value=49.5, max_value=50.5), FAIL),
		(Reading("Numeric", "7"), PASS),
		(Reading("Pass/Fail", "Fail"), FAIL),
		(Reading("Pass/Fail", " Pass "), PASS),
		(Reading("Text", "minor oil seep"), None),
		(Reading("Numeric", ""), None),
	],
)
def test_readings_are_judged_against_their_limits(reading, status):
	assert evaluate(reading) == status


@pytest.mark.parametrize(
	"reading, reason",
	[
		(Reading("Numeric", "twelve"), "not_a_number"),
		(Reading("Pass/Fail", "OK"), "not_pass_fail"),
		(Reading("Numeric", "", mandatory=True), "missing"),
		(Reading("Colour", "red"), "unknown_type"),
	],
)
def test_readings_of_the_wrong_type_are_refused(reading, reason):
	with pytest.raises(InspectionError) as error:
		evaluate(reading, row=4)
	assert error.value.reason == reason


def test_result_must_agree_with_the_readings():
	check_result(ACCEPTED, [PASS, None, PASS], None)
	check_result(ACCEPTED_WITH_REMARKS, [PASS, FAIL], "paint scratch, touched up")
	check_result(REJECTED, [FAIL], "coolant leak")
	with pytest.raises(InspectionError) as error:
		check_result(ACCEPTED, [PASS, FAIL], None)
	assert (error.value.reason, error.value.row) == ("accepted_with_failures", 2)
	with pytest.raises(InspectionError):
		check_result(REJECTED, [FAIL], "  ")
	with pytest.raises(InspectionError):
		check_result("Maybe", [], None)
	assert is_accepted(ACCEPTED_WITH_REMARKS) and not is_accepted(REJECTED)


def test_running_hours_never_decrease():
	check_running_hours(120, 100)
	check_running_hours(100, 100)
	check_running_hours(None, 100)
	with pytest.raises(InspectionError) as error:
		check_running_hours(90, 100)
	assert error.value.reason == "hours_decrease"
	with pytest.raises(InspectionError):
		check_running_hours(-1, None)
