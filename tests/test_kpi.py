"""Tier 1: first-time fix and repeat visits, on facts whose answer is known by hand."""

import datetime

from genset_service.analytics.kpi import RequestFact, first_time_fix

T = datetime.datetime


def test_two_of_three_fixed_first_time_one_repeat():
	facts = [
		RequestFact("R1", "U1", "eng-a", 1, T(2026, 3, 1, 12)),  # one report, nothing followed: FTF
		RequestFact("R2", "U2", "eng-a", 1, T(2026, 3, 5, 12)),  # followed on U2 within 30 days: repeat
		RequestFact("R3", "U3", "eng-b", 1, T(2026, 3, 9, 12)),  # FTF
	]
	openings = {("U2", None): [T(2026, 3, 20, 8)], ("U3", None): [T(2026, 5, 1, 8)]}  # U3's: after 30 days
	rows = first_time_fix(facts, openings, 30)
	total = rows[-1]
	assert (total["requests"], total["fixed_first_time"], total["repeat_visits"]) == (3, 2, 1)
	assert (total["ftf_percent"], total["repeat_percent"]) == (66.7, 33.3)
	by_group = {row["group"]: row for row in rows[:-1]}
	assert (by_group["eng-a"]["ftf_percent"], by_group["eng-b"]["ftf_percent"]) == (50.0, 100.0)


def test_two_reports_is_not_a_first_time_fix_and_unresolved_is_not_counted():
	facts = [
		RequestFact("R1", "U1", "m", 2, T(2026, 3, 1)),
		RequestFact("R2", "U1", "m", 0, None),
	]
	(row, total) = first_time_fix(facts, {}, 30)
	assert (row["requests"], row["fixed_first_time"], row["ftf_percent"]) == (1, 0, 0.0)


def test_empty_period_has_no_rows():
	assert first_time_fix([], {}, 30) == []


def test_a_second_report_on_the_same_request_is_a_repeat_visit():
	first, second = T(2026, 3, 1, 12), T(2026, 3, 10, 9)
	facts = [
		RequestFact("R1", "U1", "eng-a", 2, second, "Emergency Rescue", (first, second)),
		# two reports 40 days apart: outside the window, not a repeat (but not a first-time fix either)
		RequestFact(
			"R2", "U2", "eng-a", 2, T(2026, 4, 20), "Emergency Rescue", (T(2026, 3, 11), T(2026, 4, 20))
		),
	]
	(row, total) = first_time_fix(facts, {}, 30)
	assert (row["requests"], row["fixed_first_time"], row["repeat_visits"], row["repeat_percent"]) == (
		2,
		0,
		1,
		50.0,
	)


def test_only_the_same_fault_category_within_the_window_is_a_repeat():
	fixed = T(2026, 3, 1, 12)
	facts = [RequestFact("R1", "U1", "eng-a", 1, fixed, "Emergency Rescue", (fixed,))]
	other_category = {("U1", "Field Maintenance"): [T(2026, 3, 5)]}
	(row, _total) = first_time_fix(facts, other_category, 30)
	assert (row["fixed_first_time"], row["repeat_visits"]) == (1, 0)
	same = {("U1", "Emergency Rescue"): [T(2026, 3, 5)]}
	(row, _total) = first_time_fix(facts, same, 30)
	assert (row["fixed_first_time"], row["repeat_visits"]) == (0, 1)
	# N is the setting's: a 3-day window does not reach the 4th day
	(row, _total) = first_time_fix(facts, same, 3)
	assert (row["fixed_first_time"], row["repeat_visits"]) == (1, 0)
