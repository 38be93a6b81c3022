"""The three request clocks and the agreement rule (planning/clocks.py), without Frappe."""

import datetime

from genset_service.planning.clocks import (
	Agreement,
	Calendar,
	ClockFacts,
	State,
	Targets,
	choose_agreement,
	escalation_level,
	read_clock,
	scaled,
)

MON = datetime.datetime(2026, 11, 23, 10, 0)  # a Monday
ALWAYS = Calendar()


def h(hours: float) -> datetime.datetime:
	return MON + datetime.timedelta(hours=hours)


def test_a_7x24_clock_runs_in_calendar_hours():
	facts = ClockFacts(started=MON, target_hours=48)
	assert read_clock(facts, ALWAYS, h(10)) == read_clock(facts, ALWAYS, h(10))
	assert read_clock(facts, ALWAYS, h(10)).deadline == h(48)
	assert read_clock(facts, ALWAYS, h(10)).state == State.RUNNING
	assert read_clock(facts, ALWAYS, h(36)).state == State.AT_RISK  # three quarters gone
	assert read_clock(facts, ALWAYS, h(48.1)).state == State.BREACHED


def test_a_clock_stops_met_or_breached():
	assert read_clock(ClockFacts(MON, 4, stopped=h(3)), ALWAYS, h(10)).state == State.MET
	assert read_clock(ClockFacts(MON, 4, stopped=h(5)), ALWAYS, h(10)).state == State.BREACHED
	# stopped in the future (a report ending later today) is still running now
	assert read_clock(ClockFacts(MON, 4, stopped=h(3)), ALWAYS, h(1)).state == State.RUNNING


def test_a_pause_moves_the_deadline_by_its_length_and_shows_paused():
	facts = ClockFacts(MON, 48, pauses=((h(10), h(22)),))
	assert read_clock(facts, ALWAYS, h(30)).deadline == h(60)
	paused = ClockFacts(MON, 48, pauses=((h(10), None),))
	reading = read_clock(paused, ALWAYS, h(20))
	assert (reading.state, reading.deadline) == (State.PAUSED, h(58))
	assert read_clock(paused, ALWAYS, h(20)).used_share == round(10 / 48, 4)


def test_service_days_and_holidays():
	weekdays = Calendar(days={d: (datetime.time(8), datetime.time(17)) for d in range(5)})
	# Monday 10:00 + 9 service hours = Tuesday 10:00
	assert read_clock(ClockFacts(MON, 9), weekdays, h(1)).deadline == h(24)
	# Friday 16:00 + 2 h = Monday 09:00
	friday = datetime.datetime(2026, 11, 27, 16, 0)
	assert weekdays.add(friday, 2 * 3600) == datetime.datetime(2026, 11, 30, 9, 0)
	off = Calendar(days=weekdays.days, holidays=frozenset({datetime.date(2026, 11, 24)}))
	assert off.add(MON, 9 * 3600) == datetime.datetime(2026, 11, 25, 10, 0)
	assert weekdays.seconds_between(friday, datetime.datetime(2026, 11, 30, 9, 0)) == 2 * 3600
	holidays_only = Calendar(holidays=frozenset({datetime.date(2026, 11, 24)}))
	assert holidays_only.add(MON, 24 * 3600) == datetime.datetime(2026, 11, 25, 10, 0)
	all_day = Calendar(days={d: (datetime.time(0), datetime.time(23, 59, 59)) for d in range(7)})
	assert all_day.add(MON, 48 * 3600) == h(48)


def test_not_promised_and_escalation_levels():
	assert read_clock(ClockFacts(MON, None), ALWAYS, h(100)).state == State.NOT_PROMISED
	assert escalation_level(read_clock(ClockFacts(MON, 4), ALWAYS, h(3.5))) == State.AT_RISK
	assert escalation_level(read_clock(ClockFacts(MON, 4), ALWAYS, h(5))) == State.BREACHED
	assert escalation_level(read_clock(ClockFacts(MON, 4, stopped=h(1)), ALWAYS, h(5))) is None


def test_the_customer_s_own_agreement_beats_the_default_and_the_stricter_wins():
	key = ("Field Maintenance", "Medium")
	default = Agreement("Catalogue", "Default", {key: Targets(on_site=48)})
	group = Agreement("Gold Group", "Customer Group", {key: Targets(on_site=24)})
	own = Agreement("Hospital", "Customer", {key: Targets(on_site=36, acknowledge=1)})
	assert choose_agreement([default], *key).name == "Catalogue"
	assert choose_agreement([default, own], *key).name == "Hospital"
	assert choose_agreement([own, group, default], *key).name == "Gold Group"  # 24 h beats 36 h
	# the order records come in does not matter
	assert choose_agreement([default, group, own], *key).name == "Gold Group"
	# an agreement that promises nothing for this service falls back to the default
	assert choose_agreement([default, own], "Emergency Rescue", "Medium") is None
	assert choose_agreement([default, Agreement("X", "Customer", {})], *key).name == "Catalogue"
	# a tie: a 7x24 calendar, then the customer's own over its group's
	tie_group = Agreement("A Group", "Customer Group", {key: Targets(on_site=36, acknowledge=1)})
	assert choose_agreement([tie_group, own], *key).name == "Hospital"
	office = Agreement("B Office Hours", "Customer", {key: Targets(on_site=24)}, always=False)
	assert choose_agreement([office, group], *key).name == "Gold Group"


def test_priorities_scale_the_medium_targets():
	medium = Targets(acknowledge=2, on_site=48)
	assert scaled(medium, 0.5) == Targets(1, 24, None)
	assert scaled(medium, 1.5) == Targets(3, 72, None)
