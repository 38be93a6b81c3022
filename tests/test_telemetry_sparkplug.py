"""Tier 1: Sparkplug B (genset_service/telemetry/sparkplug.py): topics, payloads, aliases, sequence."""

import ast
import datetime
import pathlib

import pytest

from genset_service.telemetry import model as M
from genset_service.telemetry import sparkplug as S

T = datetime.datetime
ROOT = pathlib.Path(__file__).resolve().parents[1]
NOW = T(2026, 12, 4, 8, 5)
TS = M.to_millis(T(2026, 12, 4, 8))
NODE = "spBv1.0/Site-A/{}/GW-1"
DEVICE = "spBv1.0/Site-A/{}/GW-1/DSE-123"
HOURS, FUEL, SPEED = "Engine/Running Hours", "Fuel Level", "Engine Speed"
ALIASES = {HOURS: 1, FUEL: 2, SPEED: 3, "Alarms/LOW_OIL_PRESSURE": 4}


def test_sparkplug_py_imports_no_frappe_and_says_what_decodes():
	roots = set()
	for node in ast.walk(ast.parse((ROOT / "genset_service/telemetry/sparkplug.py").read_text())):
		if isinstance(node, ast.Import):
			roots.update(a.name.split(".")[0] for a in node.names)
		elif isinstance(node, ast.ImportFrom):
			roots.add((node.module or "").split(".")[0])
	assert "frappe" not in roots and "paho" not in roots
	assert roots <= {"json", "collections", "dataclasses", "google", "genset_service"}
	assert S.DECODER == "protobuf"


# ------------------------------------------------------------------ topics
@pytest.mark.parametrize(
	"topic, parsed",
	[
		("spBv1.0/Site-A/NBIRTH/GW-1", S.Topic("Site-A", "NBIRTH", "GW-1")),
		("spBv1.0/Site-A/DDATA/GW-1/DSE-123", S.Topic("Site-A", "DDATA", "GW-1", "DSE-123")),
		("spBv1.0/Site-A/NDEATH/GW-1", S.Topic("Site-A", "NDEATH", "GW-1")),
		("spBv1.0/Site-A/DCMD/GW-1/DSE-123", S.Topic("Site-A", "DCMD", "GW-1", "DSE-123")),
		("spBv1.0/STATE/scada-1", S.Topic("", "STATE", "scada-1")),
	],
)
def test_parse_topic(topic, parsed):
	assert S.parse_topic(topic) == parsed
	assert str(parsed) == topic
	assert parsed.source == (parsed.device or parsed.edge_node)


@pytest.mark.parametrize(
	"topic",
	[
		"spAv1.0/Site-A/NBIRTH/GW-1",
		"spBv1.0/Site-A/DDATA/GW-1",
		"spBv1.0/Site-A/NDATA/GW-1/DSE-123",
		"spBv1.0/Site-A/NDATA/+",
		"spBv1.0/Site-A/#",
		"spBv1.0//NDATA/GW-1",
		"spBv1.0/Site-A/HELLO/GW-1",
		"spBv1.0/Site-A/STATE/GW-1",
		"spBv1.0/STATE/a/b",
		"genset/DSE-123/telemetry",
		"",
	],
)
def test_a_bad_topic_is_refused(topic):
	with pytest.raises(S.SparkplugError) as raised:
		S.parse_topic(topic)
	assert raised.value.reason == "bad_topic"


# ------------------------------------------------------------------ payloads
def test_a_payload_round_trips_through_the_encoder_and_the_decoder():
	metrics = [
		S.metric(HOURS, 1234.5, alias=1),
		S.metric(FUEL, 62.3, alias=2, datatype=S.DataType.FLOAT),
		S.metric("Coolant Temperature", -12, datatype=S.DataType.INT8),
		S.metric("Oil Temperature", -300, datatype=S.DataType.INT16),
		S.metric("Counter", -5, datatype=S.DataType.INT32),
		S.metric("kWh", 123456789012),
		S.metric("Starts", 17, datatype=S.DataType.UINT32),
		S.metric("Running", True),
		S.metric("Mode", "AUTO"),
		S.metric("Blob", b"\x00\x01"),
		S.metric("Load", None, datatype=S.DataType.DOUBLE),
		S.metric("Stamped", 7, timestamp=TS - 1000),
	]
	payload = S.decode_payload(S.encode_payload(metrics, TS, 5, uuid="u-1"))
	assert (payload.timestamp, payload.seq, payload.uuid) == (TS, 5, "u-1")
	assert [(m.name, m.value) for m in payload.metrics] == [
		(HOURS, 1234.5),
		(FUEL, 62.3),
		("Coolant Temperature", -12),
		("Oil Temperature", -300),
		("Counter", -5),
		("kWh", 123456789012),
		("Starts", 17),
		("Running", True),
		("Mode", "AUTO"),
		("Blob", b"\x00\x01"),
		("Load", None),
		("Stamped", 7),
	]
	assert payload.metrics[0].alias == 1 and payload.metrics[0].datatype == S.DataType.DOUBLE
	assert payload.metrics[10].is_null and payload.metrics[11].timestamp == TS - 1000
	assert [m.datatype for m in payload.metrics[2:5]] == [S.DataType.INT8, S.DataType.INT16, S.DataType.INT32]


def test_a_signed_integer_decodes_from_its_own_width_and_from_the_sign_extended_form():
	own = S.PayloadMessage()
	for raw in (0xFD, 0xFFFFFFFD):
		row = own.metrics.add(name="t", datatype=S.DataType.INT8)
		row.int_value = raw
	row = own.metrics.add(name="big", datatype=S.DataType.INT64)
	row.long_value = 2**64 - 2
	payload = S.decode_payload(own.SerializeToString())
	assert [m.value for m in payload.metrics] == [-3, -3, -2]


@pytest.mark.parametrize(
	"data, reason",
	[
		(b"not protobuf", "malformed_payload"),
		(b"\x12\x05\x0a\x01", "malformed_payload"),
		("text", "malformed_payload"),
		(b"\x00" * (S.MAX_BYTES + 1), "too_large"),
	],
)
def test_a_malformed_payload_is_refused(data, reason):
	with pytest.raises(S.SparkplugError) as raised:
		S.decode_payload(data)
	assert raised.value.reason == reason


def test_a_seq_outside_0_to_255_is_malformed():
	message = S.PayloadMessage(seq=300)
	with pytest.raises(S.SparkplugError) as raised:
		S.decode_payload(message.SerializeToString())
	assert raised.value.reason == "malformed_payload"


def test_a_metric_holding_a_dataset_is_kept_aside_as_unsupported():
	# Metric{name: "table", datatype: DataSet, dataset_value (17): {}} inside Payload.metrics (2)
	inner = b"\x0a\x05table" + b"\x20\x10" + b"\x8a\x01\x00"
	data = S.encode_payload([S.metric("bdSeq", 0)], TS, 0) + b"\x12" + bytes([len(inner)]) + inner
	payload = S.decode_payload(data)
	assert [(m.name, m.value, m.is_null) for m in payload.metrics] == [
		("bdSeq", 0, False),
		("table", None, False),
	]
	received = S.receive(S.Node(), S.parse_topic(NODE.format("NBIRTH")), data)
	assert [(r.reason, r.field) for r in received.refusals] == [("unsupported_value", "table")]


# ------------------------------------------------------------------ a host's view
def born(host=None, bd_seq=7):
	"""A host that has seen the gateway's NBIRTH (seq 0) and its controller's DBIRTH (seq 1)."""
	host = host or S.Host()
	node = host.receive(
		NODE.format("NBIRTH"), S.birth_payload({"Site Power": 1.0}, TS, 0, {"Site Power": 9}, bd_seq)
	)
	values = {HOURS: 1234.5, FUEL: 62.0, SPEED: 1500, "Alarms/LOW_OIL_PRESSURE": False}
	device = host.receive(DEVICE.format("DBIRTH"), S.birth_payload(values, TS, 1, ALIASES))
	assert node.birth and device.birth and not node.refusals and not device.refusals
	return host


def test_data_by_alias_alone_is_named_from_the_births():
	host = born()
	data = S.data_payload({HOURS: 1235.0, SPEED: 1498}, TS + 60_000, 2, ALIASES)
	# the wire carries aliases only: no names, no datatypes
	assert [(m.name, m.alias, m.datatype) for m in S.decode_payload(data).metrics] == [("", 1, 0), ("", 3, 0)]
	received = host.receive(DEVICE.format("DDATA"), data)
	assert [(m.name, m.value, m.datatype, m.timestamp) for m in received.metrics] == [
		(HOURS, 1235.0, S.DataType.DOUBLE, TS + 60_000),
		(SPEED, 1498, S.DataType.INT64, TS + 60_000),
	]
	assert received.gap is None and not received.rebirth and not received.refusals
	# the node's own alias resolves on its own NDATA
	node_data = host.receive(
		NODE.format("NDATA"), S.data_payload({"Site Power": 0.0}, TS, 3, {"Site Power": 9})
	)
	assert [(m.name, m.value) for m in node_data.metrics] == [("Site Power", 0.0)]


def test_an_alias_no_birth_gave_is_refused_and_asks_for_a_rebirth():
	host = born()
	received = host.receive(
		DEVICE.format("DDATA"), S.data_payload({"x": 1.0, FUEL: 60.0}, TS, 2, {"x": 99, FUEL: 2})
	)
	assert [(r.reason, r.field) for r in received.refusals] == [("unknown_alias", "alias:99")]
	assert [(m.name, m.value) for m in received.metrics] == [(FUEL, 60.0)]
	assert received.rebirth
	command = S.decode_payload(S.rebirth_command(TS))
	assert [(m.name, m.value) for m in command.metrics] == [("Node Control/Rebirth", True)]


def test_a_sequence_gap_is_noticed_and_the_wrap_from_255_to_0_is_not_one():
	host = born()
	topic = DEVICE.format("DDATA")
	assert host.receive(topic, S.data_payload({FUEL: 61.0}, TS, 2, ALIASES)).gap is None
	gapped = host.receive(topic, S.data_payload({FUEL: 60.0}, TS, 5, ALIASES))
	assert (gapped.gap, gapped.gap.missed, gapped.rebirth) == (S.Gap(3, 5), 2, True)
	# the readings of a message after a gap are still good
	assert [m.value for m in gapped.metrics] == [60.0]
	host.nodes["Site-A/GW-1"].seq = 254
	assert host.receive(topic, S.data_payload({FUEL: 59.0}, TS, 255, ALIASES)).gap is None
	assert host.receive(topic, S.data_payload({FUEL: 58.0}, TS, 0, ALIASES)).gap is None
	wrapped = host.receive(topic, S.data_payload({FUEL: 57.0}, TS, 2, ALIASES))
	assert wrapped.gap == S.Gap(1, 2) and wrapped.gap.missed == 1
	assert S.Gap(250, 3).missed == 9
	# the broker delivering the last message again is not a gap
	again = host.receive(topic, S.data_payload({FUEL: 57.0}, TS, 2, ALIASES))
	assert again.repeated and again.gap is None and not again.rebirth


def test_data_before_a_birth_asks_for_one():
	host = S.Host()
	received = host.receive(DEVICE.format("DDATA"), S.data_payload({FUEL: 60.0}, TS, 4, ALIASES))
	assert received.rebirth and received.metrics == ()
	assert {(r.reason, r.field) for r in received.refusals} == {
		("no_birth", "GW-1"),
		("unknown_alias", "alias:2"),
	}
	host = born()
	stranger = host.receive("spBv1.0/Site-A/DDATA/GW-1/DSE-999", S.data_payload({FUEL: 1.0}, TS, 2))
	assert [(r.reason, r.field) for r in stranger.refusals] == [("no_birth", "DSE-999")]
	assert [(m.name, m.value) for m in stranger.metrics] == [(FUEL, 1.0)]


def test_deaths_mark_the_node_and_its_devices_offline_and_a_late_old_will_is_ignored():
	host = born(bd_seq=7)
	device_death = host.receive(DEVICE.format("DDEATH"), S.encode_payload([], TS, 2))
	assert device_death.death and host.nodes["Site-A/GW-1"].devices == set()
	host = born(bd_seq=7)
	stale = host.receive(NODE.format("NDEATH"), S.death_payload(6))
	assert not stale.death and [r.reason for r in stale.refusals] == ["stale_death"]
	assert host.nodes["Site-A/GW-1"].online
	death = host.receive(NODE.format("NDEATH"), S.death_payload(7))
	assert death.death and death.offline == ("DSE-123",)
	assert not host.nodes["Site-A/GW-1"].online
	# a death yields no readings
	assert S.to_parsed(death, "DSE-123", NOW) == M.Parsed([], [], [], None)


def test_a_malformed_message_or_topic_is_refused_by_the_host():
	host = born()
	bad = host.receive(DEVICE.format("DDATA"), b"not protobuf")
	assert [r.reason for r in bad.refusals] == ["malformed_payload"] and bad.metrics == ()
	assert [r.reason for r in host.receive("spBv1.0/Site-A/NOPE/GW-1", b"").refusals] == ["bad_topic"]


def test_state_messages_of_both_versions():
	host = S.Host()
	assert host.receive("spBv1.0/STATE/scada", b'{"online": true, "timestamp": 1}').online is True
	assert host.receive("spBv1.0/STATE/scada", b"OFFLINE").online is False
	assert [r.reason for r in host.receive("spBv1.0/STATE/scada", b"{}").refusals] == ["malformed_payload"]
	assert host.nodes == {}


def test_the_hosts_knowledge_survives_a_round_trip_through_a_cache():
	saved = born().to_dict()
	host = S.Host.from_dict(saved)
	assert host.to_dict() == saved
	received = host.receive(DEVICE.format("DDATA"), S.data_payload({HOURS: 1236.0}, TS, 2, ALIASES))
	assert [(m.name, m.value) for m in received.metrics] == [(HOURS, 1236.0)] and received.gap is None


# ------------------------------------------------------------------ to the model's readings
def test_a_device_message_becomes_readings_and_alarm_events():
	host = born()
	values = {HOURS: 1236.0, FUEL: 130.0, "Alarms/LOW_OIL_PRESSURE": True, "Mode": "AUTO"}
	data = S.data_payload(values, TS + 60_000, 2, ALIASES)
	readings, refusals, alarms, seen = S.to_parsed(host.receive(DEVICE.format("DDATA"), data), "DSE-123", NOW)
	at = T(2026, 12, 4, 8, 1)
	assert readings == [M.Reading("DSE-123", "running_hours", at, 1236.0)]
	assert [(r.reason, r.field) for r in refusals] == [("out_of_range", FUEL), ("unknown_metric", "Mode")]
	assert alarms == [M.AlarmEvent("DSE-123", "LOW_OIL_PRESSURE", "active", at, "LOW_OIL_PRESSURE")]
	assert seen == at
	decision = M.decide_alarm([], alarms[0], "DSE")
	assert (decision.action, decision.rule.service_type) == ("open", "Emergency Rescue")


def test_the_birth_values_are_readings_too_and_housekeeping_is_passed_over():
	host = S.Host()
	birth = host.receive(
		NODE.format("NBIRTH"), S.birth_payload({"Node Control/Rebirth": False}, TS, 0, bd_seq=1)
	)
	assert S.to_parsed(birth, "GW-1", NOW) == M.Parsed([], [], [], None)
	values = {HOURS: 1234.5, FUEL: 62.0, "Alarms/LOW_OIL_PRESSURE": False}
	device = host.receive(DEVICE.format("DBIRTH"), S.birth_payload(values, TS, 1, ALIASES))
	readings, refusals, alarms, _seen = S.to_parsed(device, "DSE-123", NOW)
	assert [(r.metric, r.value) for r in readings] == [
		("running_hours", 1234.5),
		("fuel_level_percent", 62.0),
	]
	assert [a.state for a in alarms] == ["cleared"] and refusals == []


def test_a_timestamp_in_the_future_or_before_delivery_is_refused():
	host = born()
	ahead = M.to_millis(NOW + datetime.timedelta(hours=2))
	old = M.to_millis(T(2026, 1, 1))
	data = S.encode_payload(
		[S.metric(HOURS, 1240.0, timestamp=ahead), S.metric(HOURS, 10.0, timestamp=old), S.metric(FUEL, 5.0)],
		TS,
		2,
	)
	limits = M.Limits(delivered={"DSE-123": T(2026, 6, 1)})
	readings, refusals, _alarms, _seen = S.to_parsed(
		host.receive(DEVICE.format("DDATA"), data), "DSE-123", NOW, limits
	)
	assert [(r.reason, r.entry) for r in refusals] == [("time_in_future", 0), ("before_delivery", 1)]
	assert [(r.metric, r.value, r.time) for r in readings] == [("fuel_level_percent", 5.0, T(2026, 12, 4, 8))]
