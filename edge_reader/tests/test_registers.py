"""The register maps and their decoding, against raw values chosen by hand (tests/fixtures) and engineering
values worked out by hand here: never computed from the map under test."""

import json
import pathlib

import pytest
from genset_edge import registers as R

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def raw(name: str) -> dict[int, int]:
	data = json.loads((FIXTURES / name).read_text())
	return {int(k): v for k, v in data["registers"].items()}


# the DSE fixture's values, worked out by hand
DSE_BY_HAND = {
	"oil_pressure_kpa": 412,  # 412, kPa as it is
	"coolant_temperature_c": -10,  # 65526 is 0xFFF6: -10 as a signed 16-bit value
	"fuel_level_percent": 62,
	"battery_voltage": 27.2,  # 272 tenths of a volt
	"engine_speed_rpm": 1500,
	"frequency_hz": 50.0,  # 500 tenths of a hertz
	"voltage_l1_n_v": 231.0,  # words 0, 2310: 2310 tenths
	"running_hours": 1234.5,  # words 67, 53288: 67 x 65536 + 53288 = 4,444,200 s = 1234.5 h
	"kwh": 182340.5,  # words 27, 53933: 27 x 65536 + 53933 = 1,823,405 tenths
	"starts": 311,
}


def test_a_dse_controller_reads_as_worked_out_by_hand():
	assert R.decode(R.load_map("dse_gencomm"), raw("dse_raw.json")) == DSE_BY_HAND


def test_a_comap_controller_reads_as_worked_out_by_hand():
	values = R.decode(R.load_map("comap_intelilite"), raw("comap_raw.json"))
	assert values == {
		"engine_speed_rpm": 1500,
		"battery_voltage": 27.1,
		"oil_pressure_kpa": 380,
		"coolant_temperature_c": 88,
		"fuel_level_percent": 70,
		"running_hours": 1234.5,  # words 0, 12345: tenths of an hour
		"load_kw": -100,  # 65436 is 0xFF9C: -100 kW, reverse power
		"kwh": 100000,  # words 1, 34464: 65536 + 34464
	}


@pytest.mark.parametrize(
	"words, kind, order, value",
	[
		([0xFFFF], "uint16", "big", 65535),
		([0xFFFF], "int16", "big", -1),
		([0x8000], "int16", "big", -32768),
		([0x0001, 0x0002], "uint32", "big", 65538),  # high word first
		([0x0002, 0x0001], "uint32", "little", 65538),  # low word first
		([0xFFFF, 0xFFFE], "int32", "big", -2),  # 0xFFFFFFFE
		([0xFFFE, 0xFFFF], "int32", "little", -2),
		([0x8000, 0x0000], "int32", "big", -2147483648),
	],
)
def test_raw_values_by_type_and_word_order(words, kind, order, value):
	assert R.raw_value(words, kind, order) == value


def test_a_not_available_value_is_not_sent():
	values = raw("dse_raw.json")
	values[1027] = 0xFFFF  # fuel level: not fitted
	values[1025] = 0x7FFF  # coolant: a sensor fault (the top of int16)
	values[1798], values[1799] = 0xFFFF, 0xFFFF  # run time: unimplemented
	decoded = R.decode(R.load_map("dse_gencomm"), values)
	assert {"fuel_level_percent", "coolant_temperature_c", "running_hours"}.isdisjoint(decoded)
	assert decoded["oil_pressure_kpa"] == 412


def test_registers_not_read_are_left_out():
	assert R.decode(R.load_map("dse_gencomm"), {1024: 400}) == {"oil_pressure_kpa": 400}


def test_dse_packs_four_alarms_a_register_most_significant_nibble_first():
	block = R.load_map("dse_gencomm").alarms
	words = raw("dse_raw.json")
	states = {s.alarm.code: s for s in R.decode_alarms(block, words)}
	assert states["EMERGENCY_STOP"].level == "cleared"  # 0x1110: first nibble 1, not active
	assert states["LOW_COOLANT_TEMPERATURE"].level is None  # fourth nibble 0: not fitted
	assert not any(s.active for s in states.values())
	words[39425] = 0x1310  # the second alarm (low oil pressure) at level 3: shutdown
	states = {s.alarm.code: s for s in R.decode_alarms(block, words)}
	assert (states["LOW_OIL_PRESSURE"].level, states["LOW_OIL_PRESSURE"].code) == (
		"shutdown",
		"LOW_OIL_PRESSURE",
	)
	words[39425] = 0x1210  # level 2: a warning, sent as the pre-alarm
	state = {s.alarm.code: s for s in R.decode_alarms(block, words)}["LOW_OIL_PRESSURE"]
	assert (state.level, state.code) == ("warning", "OIL_PRESSURE_LOW_PRE_ALARM")
	words[39430] = 0x1131  # sixth register, third nibble: low fuel level (the 23rd alarm) shut down
	assert [s.code for s in R.decode_alarms(block, words) if s.active] == [
		"OIL_PRESSURE_LOW_PRE_ALARM",
		"LOW_FUEL",
	]


def test_comap_has_one_bit_an_alarm_least_significant_first():
	block = R.load_map("comap_intelilite").alarms
	assert [s.code for s in R.decode_alarms(block, {1070: 0b0000_0010_0000_0001}) if s.active] == [
		"SD_OIL_PRESS",
		"WRN_CHRGALTERNFAIL",
	]


def test_an_alarm_is_sent_when_it_changes_and_its_memory_survives():
	block = R.load_map("dse_gencomm").alarms
	words = raw("dse_raw.json")
	first, memory = R.alarm_changes({}, R.decode_alarms(block, words))
	assert first == []  # nothing active, nothing said
	words[39425] = 0x1210
	warned, memory = R.alarm_changes(memory, R.decode_alarms(block, words))
	assert warned == [
		{"code": "OIL_PRESSURE_LOW_PRE_ALARM", "state": "active", "name": "Low Oil Pressure (warning)"}
	]
	again, memory = R.alarm_changes(memory, R.decode_alarms(block, words))
	assert again == []  # unchanged: not sent again
	words[39425] = 0x1310
	worse, memory = R.alarm_changes(memory, R.decode_alarms(block, words))
	assert worse == [
		{"code": "OIL_PRESSURE_LOW_PRE_ALARM", "state": "cleared", "name": "Low Oil Pressure"},
		{"code": "LOW_OIL_PRESSURE", "state": "active", "name": "Low Oil Pressure (shutdown)"},
	]
	words[39425] = 0x1110
	cleared, memory = R.alarm_changes(memory, R.decode_alarms(block, words))
	assert cleared == [{"code": "LOW_OIL_PRESSURE", "state": "cleared", "name": "Low Oil Pressure"}]


def test_the_registers_are_read_in_few_blocks():
	assert R.load_map("dse_gencomm").blocks() == [(1024, 10), (1798, 12), (39425, 6)]
	# 1004..1014 and 1022 are 7 apart: one read of 19 registers rather than two
	assert R.load_map("comap_intelilite").blocks() == [(1004, 19), (1070, 1), (1263, 2)]


@pytest.mark.parametrize(
	"change, message",
	[
		({"type": "float16"}, "type float16"),
		({"word_order": "middle"}, "word order middle"),
		({"address": 70000}, "address 70000"),
		({"divisor": 0}, "divisor of 0"),
	],
)
def test_a_bad_map_is_refused_with_what_is_wrong(change, message):
	data = {"family": "X", "metrics": [{"metric": "load_kw", "address": 1, **change}]}
	with pytest.raises(R.MapError, match=message):
		R.parse_map(data)


def test_an_unknown_map_names_the_shipped_ones():
	with pytest.raises(R.MapError, match="comap_intelilite, dse_gencomm"):
		R.load_map("smartgen_hgm")


def test_every_shipped_metric_is_one_the_app_knows():
	app_metrics = {
		"running_hours", "load_kw", "load_percent", "fuel_level_percent", "battery_voltage", "oil_pressure_kpa",
		"coolant_temperature_c", "engine_speed_rpm", "kwh", "starts", "frequency_hz", "voltage_l1_n_v",
		"current_l1_a", "power_factor",
	}  # fmt: skip
	for path in R.MAPS.glob("*.json"):
		assert {r.metric for r in R.load_map(path.stem).registers} <= app_metrics, path.stem
