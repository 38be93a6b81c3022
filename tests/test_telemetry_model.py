"""Tier 1: the telemetry rules (genset_service/telemetry/model.py): payloads, hours, alarms, rollups."""

import ast
import datetime
import json
import pathlib

import pytest

from genset_service.telemetry import model as M

T = datetime.datetime
ROOT = pathlib.Path(__file__).resolve().parents[1]
TELEMETRY = ROOT / "genset_service" / "telemetry"
NOW = T(2026, 12, 4, 8, 5)


def imported(path):
	tree = ast.parse(path.read_text())
	names = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			names.update(alias.name for alias in node.names)
		elif isinstance(node, ast.ImportFrom):
			names.add(node.module or "")
	return names


def test_the_telemetry_core_does_not_import_frappe():
	for name in ("model.py", "sparkplug.py", "__init__.py"):
		roots = {module.split(".")[0] for module in imported(TELEMETRY / name)}
		assert "frappe" not in roots and "erpnext" not in roots, name
	# the model stands alone; the Sparkplug side reads only the model
	assert not {m for m in imported(TELEMETRY / "model.py") if m.startswith("genset_service")}
	assert {m for m in imported(TELEMETRY / "sparkplug.py") if m.startswith("genset_service")} == {
		"genset_service.telemetry"
	}


# ------------------------------------------------------------------ metrics
def test_the_metrics_are_data_with_a_unit_a_range_and_whether_they_count_up():
	assert set(M.METRICS) == {
		"running_hours",
		"load_kw",
		"load_percent",
		"fuel_level_percent",
		"battery_voltage",
		"oil_pressure_kpa",
		"coolant_temperature_c",
		"engine_speed_rpm",
		"kwh",
		"starts",
		"frequency_hz",
		"voltage_l1_n_v",
		"current_l1_a",
		"power_factor",
	}
	for name, metric in M.METRICS.items():
		assert metric.name == name and metric.low < metric.high
	assert {n for n, m in M.METRICS.items() if m.cumulative} == {"running_hours", "kwh", "starts"}
	assert (M.METRICS["fuel_level_percent"].unit, M.METRICS["fuel_level_percent"].high) == ("%", 100)
	assert set(M.METRIC_SYNONYMS.values()) <= set(M.METRICS)


@pytest.mark.parametrize(
	"sent, meant",
	[
		("running_hours", "running_hours"),
		("Running Hours", "running_hours"),
		("Engine/Hours Run", "running_hours"),
		("fuel-level", "fuel_level_percent"),
		("Generator/RPM", "engine_speed_rpm"),
		("exhaust_temperature", None),
		(42, None),
	],
)
def test_a_metric_is_known_by_its_common_spellings(sent, meant):
	assert M.metric_name(sent) == meant


# ------------------------------------------------------------------ the JSON payload
EXAMPLE = {
	"device": "DSE-123",
	"time": "2026-12-04T08:00:00Z",
	"metrics": {"running_hours": 1234.5, "fuel_level_percent": 62},
	"alarms": [{"code": "LOW_OIL_PRESSURE", "state": "active"}],
}


@pytest.mark.parametrize("form", [json.dumps, lambda p: json.dumps(p).encode(), dict])
def test_the_documented_message_gives_its_readings_and_alarms(form):
	readings, refusals, alarms, seen = M.parse_json_payload(form(EXAMPLE), "DSE-123", NOW)
	at = T(2026, 12, 4, 8)
	assert readings == [
		M.Reading("DSE-123", "running_hours", at, 1234.5),
		M.Reading("DSE-123", "fuel_level_percent", at, 62.0),
	]
	assert alarms == [M.AlarmEvent("DSE-123", "LOW_OIL_PRESSURE", "active", at)]
	assert refusals == [] and seen == at


def entry(time="2026-12-04T07:00:00Z", **metrics):
	return {"time": time, "metrics": metrics}


def test_each_bad_entry_of_a_batch_is_refused_with_its_reason_and_the_good_ones_are_kept():
	limits = M.Limits(devices=frozenset({"DSE-124"}), delivered={"DSE-123": T(2026, 6, 1)})
	batch = {
		"readings": [
			entry(running_hours=1200),  # 0 good
			entry(exhaust_temperature=400, fuel_level_percent=50),  # 1 one unknown, one good
			entry(fuel_level_percent="62", battery_voltage=True, load_kw=None),  # 2 three not numbers
			entry(fuel_level_percent=130, battery_voltage=27.4),  # 3 one out of range, one good
			entry(time="2026-12-05T08:00:00Z", running_hours=1300),  # 4 a day ahead
			entry(time="yesterday", running_hours=1300),  # 5
			{"metrics": {"running_hours": 1300}},  # 6 no time
			{"device": "DSE-999", **entry(running_hours=10)},  # 7 not this sender's
			entry(time="2026-05-01T00:00:00Z", running_hours=1),  # 8 before the delivery
			"running_hours=1300",  # 9
			{"device": "DSE-124", **entry(load_percent=40)},  # 10 the gateway's other controller
			{"time": NOW.isoformat()},  # 11 nothing but alive
		]
	}
	readings, refusals, alarms, seen = M.parse_json_payload(json.dumps(batch), "DSE-123", NOW, limits)
	assert [(r.device, r.metric, r.value) for r in readings] == [
		("DSE-123", "running_hours", 1200.0),
		("DSE-123", "fuel_level_percent", 50.0),
		("DSE-123", "battery_voltage", 27.4),
		("DSE-124", "load_percent", 40.0),
	]
	assert [(r.entry, r.reason, r.field) for r in refusals] == [
		(1, "unknown_metric", "exhaust_temperature"),
		(2, "not_a_number", "fuel_level_percent"),
		(2, "not_a_number", "battery_voltage"),
		(2, "not_a_number", "load_kw"),
		(3, "out_of_range", "fuel_level_percent"),
		(4, "time_in_future", "time"),
		(5, "bad_time", "time"),
		(6, "missing_time", "time"),
		(7, "unknown_device", "device"),
		(8, "before_delivery", "time"),
		(9, "not_an_object", ""),
	]
	assert alarms == [] and seen == NOW


def test_a_clock_a_little_fast_is_forgiven():
	soon = (NOW + datetime.timedelta(minutes=10)).isoformat()
	assert M.parse_json_payload(entry(time=soon, load_kw=10), "D", NOW).refusals == []
	later = (NOW + datetime.timedelta(minutes=20)).isoformat()
	assert [r.reason for r in M.parse_json_payload(entry(time=later, load_kw=10), "D", NOW).refusals] == [
		"time_in_future"
	]


def test_a_time_older_than_the_raw_readings_kept_is_refused():
	limits = M.Limits(earliest=T(2026, 11, 4))
	old, kept = entry(time="2026-11-03T23:59:00", load_kw=5), entry(time="2026-11-04T00:00:00", load_kw=6)
	readings, refusals, _alarms, _seen = M.parse_json_payload({"readings": [old, kept]}, "D", NOW, limits)
	assert [(r.time, r.value) for r in readings] == [(T(2026, 11, 4), 6.0)]
	assert [(r.entry, r.reason, r.field) for r in refusals] == [(0, "too_old", "time")]


def test_not_a_number_includes_nan_and_infinity():
	body = b'{"time": "2026-12-04T07:00:00Z", "metrics": {"load_kw": NaN, "kwh": Infinity, "starts": 3}}'
	readings, refusals, _alarms, _seen = M.parse_json_payload(body, "D", NOW)
	assert [(r.metric, r.value) for r in readings] == [("starts", 3.0)]
	assert [(r.reason, r.field) for r in refusals] == [("not_a_number", "load_kw"), ("not_a_number", "kwh")]


def test_a_message_too_large_or_not_json_is_refused_whole():
	big = json.dumps({"readings": [entry(load_kw=1)] * 6000}).encode()
	assert len(big) > M.MAX_BYTES
	parsed = M.parse_json_payload(big, "D", NOW)
	assert parsed.readings == [] and [(r.reason, r.entry) for r in parsed.refusals] == [("too_large", None)]
	assert [r.reason for r in M.parse_json_payload(b"{not json", "D", NOW).refusals] == ["not_json"]
	assert [r.reason for r in M.parse_json_payload(b"\xff\xfe", "D", NOW).refusals] == ["not_json"]
	assert [r.reason for r in M.parse_json_payload("[1, 2]", "D", NOW).refusals] == ["not_an_object"]
	assert [r.reason for r in M.parse_json_payload({"readings": 3}, "D", NOW).refusals] == ["not_an_object"]
	other = M.parse_json_payload({"device": "X", "readings": [entry(load_kw=1)]}, "D", NOW)
	assert [(r.reason, r.entry) for r in other.refusals] == [("unknown_device", None)]


def test_a_batch_over_the_entry_cap_keeps_the_first_entries_and_refuses_the_rest():
	limits = M.Limits(max_entries=3)
	batch = {"readings": [entry(time=f"2026-12-04T0{h}:00:00Z", running_hours=100 + h) for h in range(5)]}
	readings, refusals, _alarms, _seen = M.parse_json_payload(batch, "D", NOW, limits)
	assert [r.value for r in readings] == [100, 101, 102]
	assert [(r.reason, r.entry) for r in refusals] == [("too_many_entries", 3)]
	assert "3 to 4" in refusals[0].detail
	crowded = entry(**{name: 1 for name in list(M.METRICS)[:4]})
	refused = M.parse_json_payload(crowded, "D", NOW, M.Limits(max_metrics=3)).refusals
	assert [(r.reason, r.field) for r in refused] == [("too_many_entries", "metrics")]
	assert M.MAX_BYTES == 256 * 1024 and M.MAX_ENTRIES == 500


@pytest.mark.parametrize(
	"sent, meant",
	[
		("2026-12-04T08:00:00Z", T(2026, 12, 4, 8)),
		("2026-12-04T10:00:00+02:00", T(2026, 12, 4, 8)),
		("2026-12-04T08:00:00.123456", T(2026, 12, 4, 8, 0, 0, 123000)),
		(1796371200, T(2026, 12, 4, 8)),
		(1796371200123, T(2026, 12, 4, 8, 0, 0, 123000)),
	],
)
def test_times_are_iso_or_epoch_and_come_out_naive(sent, meant):
	assert M.parse_time(sent) == meant


@pytest.mark.parametrize(
	"sent", ["tomorrow", "1899-01-01T00:00:00", True, None, -5, float("nan"), [], "9" * 50]
)
def test_a_time_that_is_not_one_is_refused(sent):
	with pytest.raises(M.TelemetryError) as raised:
		M.parse_time(sent)
	assert raised.value.reason == "bad_time"


def test_a_time_with_an_offset_goes_through_the_sites_clock():
	def site(moment):
		return moment.astimezone(datetime.timezone(datetime.timedelta(hours=3)))

	assert M.parse_time("2026-12-04T08:00:00Z", site) == T(2026, 12, 4, 11)
	assert M.to_millis(T(2026, 12, 4, 8)) == 1796371200000
	assert M.from_millis(1796371200000) == T(2026, 12, 4, 8)


# ------------------------------------------------------------------ idempotency
def test_a_reading_is_keyed_by_device_metric_and_time():
	at = T(2026, 12, 4, 8)
	key = M.reading_key("D", "load_kw", at)
	assert key == M.reading_key("D", "load_kw", at) and key.startswith("r:")
	assert (
		len(
			{
				key,
				M.reading_key("E", "load_kw", at),
				M.reading_key("D", "kwh", at),
				M.reading_key("D", "load_kw", at + datetime.timedelta(milliseconds=1)),
			}
		)
		== 4
	)
	assert M.alarm_key("D", "LOW_FUEL", "active", at) != M.alarm_key("D", "LOW_FUEL", "cleared", at)


def test_a_batch_sent_twice_over_is_one_set_of_readings_and_a_changed_value_is_refused():
	first = entry(time="2026-12-04T07:00:00Z", running_hours=1200, load_kw=50)
	changed = entry(time="2026-12-04T07:00:00Z", running_hours=1201)
	readings, refusals, _alarms, _seen = M.parse_json_payload({"readings": [first, first, changed]}, "D", NOW)
	assert [(r.metric, r.value) for r in readings] == [("running_hours", 1200), ("load_kw", 50)]
	assert [(r.reason, r.entry, r.field, r.detail) for r in refusals] == [
		("conflicting_value", 2, "running_hours", "1201")
	]
	kept, conflicts = M.dedupe([*readings, *readings])
	assert kept == readings and conflicts == []


def test_late_and_out_of_order_batches_sort_by_their_own_time():
	batch = {"readings": [entry(time=f"2026-12-04T0{h}:00:00Z", running_hours=100 + h) for h in (5, 2, 7)]}
	readings = M.ordered(M.parse_json_payload(batch, "D", NOW).readings)
	assert [r.value for r in readings] == [102, 105, 107]


def test_alarms_take_the_entrys_time_unless_they_have_their_own():
	body = {
		"time": "2026-12-04T07:00:00Z",
		"alarms": [
			{"name": "Low Fuel Level", "state": "Active"},
			{"code": "LOW_FUEL", "state": "cleared", "time": "2026-12-04T07:30:00Z"},
			{"code": "OVERSPEED", "state": "exploded"},
			{"state": "active"},
			"LOW_FUEL",
			{"code": "OVERSPEED", "time": "2027-01-01T00:00:00Z"},
		],
	}
	_readings, refusals, alarms, seen = M.parse_json_payload(body, "D", NOW)
	assert alarms == [
		M.AlarmEvent("D", "LOW_FUEL_LEVEL", "active", T(2026, 12, 4, 7), "Low Fuel Level"),
		M.AlarmEvent("D", "LOW_FUEL", "cleared", T(2026, 12, 4, 7, 30)),
	]
	assert [(r.reason, r.field) for r in refusals] == [
		("bad_alarm", "alarms:OVERSPEED"),
		("bad_alarm", "alarms:"),
		("bad_alarm", "alarms:"),
		("time_in_future", "alarms:OVERSPEED"),
	]
	assert seen == T(2026, 12, 4, 7)


# ------------------------------------------------------------------ running hours
H = datetime.timedelta(hours=1)
AT = T(2026, 12, 4, 8, 10)


@pytest.mark.parametrize(
	"previous, new, later, verdict",
	[
		(None, 1000, H, "apply"),
		(1000, 1003, 5 * H, "apply"),
		# the meter ran backwards
		(1000, 999.9, 5 * H, "flag_backwards"),
		# ten hours in five
		(1000, 1010, 5 * H, "flag_jump"),
		# five hours plus a quarter and one per cent of leeway
		(1000, 1005.29, 5 * H, "apply"),
		(1000, 1005.31, 5 * H, "flag_jump"),
		# same clock hour (08:10 and 08:50)
		(1000, 1000.5, datetime.timedelta(minutes=40), "skip_same_hour"),
		# 08:10 and 09:05: another clock hour
		(1000, 1000.3, datetime.timedelta(minutes=55), "apply"),
		# a late reading (five hours earlier) must not be higher than the later one
		(1000, 996, -5 * H, "apply"),
		(1000, 1001, -5 * H, "flag_backwards"),
		(1000, 990, -5 * H, "flag_jump"),
	],
)
def test_check_hours(previous, new, later, verdict):
	assert M.check_hours(previous, AT if previous is not None else None, new, AT + later) == verdict


def test_a_day_of_minute_readings_logs_one_reading_an_hour_and_flags_the_odd_one():
	start = T(2026, 12, 4, 0, 0)
	readings = [
		M.Reading("D", "running_hours", start + datetime.timedelta(minutes=15 * i), 500 + i * 0.25)
		for i in range(16)
	]
	readings[9] = M.Reading("D", "running_hours", readings[9].time, 100)  # a glitch
	sifted = M.sift_hours(499.9, start - datetime.timedelta(minutes=5), readings)
	applied = [r.time.hour for r, verdict in sifted if verdict == "apply"]
	assert applied == [0, 1, 2, 3]
	assert [v for _r, v in sifted].count("flag_backwards") == 1
	assert dict((r.time, v) for r, v in sifted)[readings[9].time] == "flag_backwards"


def test_late_readings_take_one_hour_each_too():
	late = [
		M.Reading("D", "running_hours", T(2026, 12, 4, 1, 10), 498),
		M.Reading("D", "running_hours", T(2026, 12, 4, 1, 40), 498.5),
		M.Reading("D", "running_hours", T(2026, 12, 4, 3, 20), 500.2),
	]
	assert [v for _r, v in M.sift_hours(500, T(2026, 12, 4, 3, 0), late)] == [
		"apply",
		"skip_same_hour",
		"skip_same_hour",
	]


# ------------------------------------------------------------------ alarm rules
CATALOGUE = ROOT / "genset_service" / "setup" / "records" / "genset_service_type.json"


def test_the_alarm_rules_open_catalogue_services_at_known_priorities():
	catalogue = {record["name"] for record in json.loads(CATALOGUE.read_text())}
	assert set(M.Service.ALL) <= catalogue
	for (family, code), rule in M.ALARM_RULES.items():
		assert family in (M.ANY_FAMILY, *M.Family.ALL)
		assert code == M.alarm_code(code)
		assert rule.severity in M.Severity.ALL
		assert rule.service_type in ("", *M.Service.ALL)
		assert rule.priority in M.Priority.ALL
	generic = {code for family, code in M.ALARM_RULES if family == M.ANY_FAMILY}
	assert {
		"LOW_OIL_PRESSURE",
		"HIGH_COOLANT_TEMPERATURE",
		"OVERSPEED",
		"FAIL_TO_START",
		"EMERGENCY_STOP",
		"LOW_BATTERY",
		"LOW_FUEL",
		"CHARGE_ALTERNATOR_FAILURE",
	} <= generic
	assert {family for family, _code in M.ALARM_RULES} == {"*", "DSE", "ComAp"}


@pytest.mark.parametrize(
	"family, code, service, priority",
	[
		("DSE", "Low Oil Pressure", "Emergency Rescue", "High"),
		("dse", "Oil Pressure Low Pre-Alarm", "Field Maintenance", "Medium"),
		("ComAp", "Sd Oil Press", "Emergency Rescue", "High"),
		("ComAp", "Wrn Oil Press", "Field Maintenance", "Medium"),
		# ComAp has no row of its own for the generic name: the generic row answers
		("ComAp", "LOW_FUEL", "Remote Support", "Medium"),
		(None, "OVERSPEED", "Emergency Rescue", "High"),
		("Deif", "Emergency Stop", "Remote Support", "Medium"),
		("DSE", "Something New", "Remote Support", "Low"),
	],
)
def test_rule_for(family, code, service, priority):
	rule = M.rule_for(family, code)
	assert (rule.service_type, rule.priority) == (service, priority)


SIX, SEVEN = T(2026, 12, 4, 6), T(2026, 12, 4, 7)


def fault(code, request, service="Emergency Rescue", opened=SIX, active=True):
	return M.OpenFault(code, request, service, opened, active)


def alarm(code, state="active", at=SEVEN):
	return M.AlarmEvent("D", code, state, at)


def test_a_flapping_alarm_opens_one_request():
	faults = []
	log = []
	for minute, state in enumerate(["active", "cleared", "active", "active", "cleared"]):
		event = alarm("LOW_OIL_PRESSURE", state, T(2026, 12, 4, 7, minute))
		decision = M.decide_alarm(faults, event, "DSE")
		log.append((decision.action, decision.why))
		if decision.action == "open":
			faults = [fault("LOW_OIL_PRESSURE", "REQ-1", decision.rule.service_type, event.time)]
		elif decision.action == "note_clear":
			faults = [fault("LOW_OIL_PRESSURE", "REQ-1", opened=faults[0].opened_on, active=False)]
		elif decision.action == "add":
			assert decision.request == "REQ-1"
			faults = [fault("LOW_OIL_PRESSURE", "REQ-1", opened=faults[0].opened_on)]
	assert log == [
		("open", "new_fault"),
		("note_clear", "cleared"),
		("add", "again_after_clear"),
		("add", "repeated"),
		("note_clear", "cleared"),
	]


def test_decide_alarm():
	open_rescue = [fault("LOW_OIL_PRESSURE", "REQ-1")]
	opened = M.decide_alarm([], alarm("Low Oil Pressure"), "DSE")
	assert (opened.action, opened.rule.service_type, opened.rule.priority) == (
		"open",
		"Emergency Rescue",
		"High",
	)
	# a set that shuts down with a second alarm gets one rescue
	second = M.decide_alarm(open_rescue, alarm("OVERSPEED"))
	assert (second.action, second.request, second.why) == ("add", "REQ-1", "same_service_open")
	# another service opens its own request
	other = M.decide_alarm(open_rescue, alarm("LOW_BATTERY"))
	assert (other.action, other.rule.service_type) == ("open", "Field Maintenance")
	assert M.decide_alarm([], alarm("LOW_FUEL", "cleared")).action == "ignore"
	stale = M.decide_alarm(open_rescue, alarm("LOW_OIL_PRESSURE", "cleared", T(2026, 12, 4, 5)))
	assert (stale.action, stale.why) == ("ignore", "older_than_fault")
	quiet = {("*", "DOOR_OPEN"): M.AlarmRule(M.Severity.INFO, "")}
	assert M.decide_alarm([], alarm("DOOR_OPEN"), rules=quiet).action == "ignore"


# ------------------------------------------------------------------ silence
def test_is_silent():
	assert M.is_silent(None, NOW, 60)
	assert not M.is_silent(NOW - datetime.timedelta(minutes=59), NOW, 60)
	assert M.is_silent(NOW - datetime.timedelta(minutes=61), NOW, 60)
	assert not M.is_silent(None, NOW, 0) and not M.is_silent(None, NOW, None)


def test_a_silence_opens_one_remote_support_check_and_its_end_is_noted():
	first = M.decide_alarm([], M.silence_event("D", True, NOW))
	assert (first.action, first.rule.service_type, first.rule.priority) == ("open", "Remote Support", "Low")
	check = [M.OpenFault(M.COMMUNICATION_LOST, "REQ-9", "Remote Support", NOW)]
	assert M.decide_alarm(check, M.silence_event("D", True, NOW + H)).action == "add"
	assert M.decide_alarm(check, M.silence_event("D", False, NOW + 2 * H)).action == "note_clear"


# ------------------------------------------------------------------ rollups and retention
def r(metric, hour, minute, value, device="D"):
	return M.Reading(device, metric, T(2026, 12, 4, hour, minute), value)


def test_hourly_rollups_of_a_measurement():
	rows = [r("load_kw", 8, 0, 40), r("load_kw", 8, 20, 60), r("load_kw", 8, 40, 50), r("load_kw", 9, 5, 10)]
	eight, nine = M.roll_up(rows, M.HOUR)
	assert (eight.start, eight.count, eight.min, eight.max, eight.mean, eight.last) == (
		T(2026, 12, 4, 8),
		3,
		40,
		60,
		50,
		50,
	)
	assert eight.first is None and eight.delta is None
	assert (nine.start, nine.count, nine.last) == (T(2026, 12, 4, 9), 1, 10)


def test_a_cumulative_metric_rolls_up_as_first_last_and_delta_and_the_hours_add_up_to_the_day():
	rows = [
		r("running_hours", 7, 50, 99.8),  # the reading before the window
		r("running_hours", 8, 0, 100.0),
		r("running_hours", 8, 30, 100.5),
		r("running_hours", 9, 15, 101.2),
		r("running_hours", 9, 45, 101.7),
		r("running_hours", 10, 10, 0.1),  # a new controller: its counter starts again
		r("running_hours", 10, 40, 0.6),
	]
	hourly = M.rollups_since(M.roll_up(rows, M.HOUR), T(2026, 12, 4, 8))
	assert [(h.start.hour, h.first, h.last, h.delta) for h in hourly] == [
		(8, 100.0, 100.5, 0.7),
		(9, 101.2, 101.7, 1.2),
		(10, 0.1, 0.6, 0.5),
	]
	(day,) = M.combine(hourly, M.DAY)
	assert (day.start, day.count, day.first, day.last, day.delta) == (T(2026, 12, 4), 6, 100.0, 0.6, 2.4)
	assert (day.min, day.max) == (0.1, 101.7)
	(direct,) = M.roll_up(rows[1:], M.DAY)
	assert direct.delta == pytest.approx(day.delta - 0.2) and direct.mean == pytest.approx(day.mean)


def test_rollups_keep_devices_and_metrics_apart():
	rows = [r("load_kw", 8, 0, 40), r("load_kw", 8, 0, 70, device="E"), r("kwh", 8, 0, 5000)]
	assert sorted((x.device, x.metric, x.last) for x in M.roll_up(rows, M.HOUR)) == [
		("D", "kwh", 5000),
		("D", "load_kw", 40),
		("E", "load_kw", 70),
	]


def test_retention():
	assert (M.RETENTION.raw_days, M.RETENTION.daily_days) == (30, 0)
	now = T(2026, 12, 4, 10, 30)
	assert M.complete_periods(T(2026, 12, 4, 7), now, M.HOUR) == [T(2026, 12, 4, h) for h in (7, 8, 9)]
	assert M.complete_periods(T(2026, 12, 2, 13, 20), now, M.DAY) == [T(2026, 12, 2), T(2026, 12, 3)]
	assert M.complete_periods(T(2026, 12, 4, 10), now, M.HOUR) == []
	# raw readings go after thirty days, but never before their rollups exist
	assert M.raw_cutoff(now, T(2026, 12, 4, 10), T(2026, 12, 4)) == T(2026, 11, 4)
	assert M.raw_cutoff(now, T(2026, 10, 1), T(2026, 12, 4)) == T(2026, 10, 1)
	assert M.raw_cutoff(now, None, T(2026, 12, 4)) is None
	assert M.rollup_cutoff(now, M.HOUR) == T(2024, 12, 4)
	assert M.rollup_cutoff(now, M.DAY) is None


@pytest.mark.parametrize(
	"pattern, topic, device",
	[
		("genset/+/telemetry", "genset/DSE-123/telemetry", "DSE-123"),
		("genset/+/telemetry", "genset/DSE-123/status", None),
		("genset/+/telemetry", "genset//telemetry", None),
		("genset/+/telemetry", "genset/DSE-123/telemetry/extra", None),
		("site/north/+/+/data", "site/north/GW-1/ctrl-2/data", "GW-1"),
		("fleet/+/#", "fleet/ComAp-9/a/b", "ComAp-9"),
		("genset/+/telemetry", "spBv1.0/g/DDATA/e/d", None),
	],
)
def test_a_topic_names_its_device_where_the_pattern_has_its_first_plus(pattern, topic, device):
	assert M.topic_device(pattern, topic) == device


def test_a_shared_subscription_names_its_group():
	assert M.shared("genset/+/telemetry", "bridges") == "$share/bridges/genset/+/telemetry"
	assert M.shared("genset/+/telemetry", "") == "genset/+/telemetry"
