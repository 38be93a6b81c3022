"""The disk buffer (order, the cap, counters, memory across restarts) and the configuration's checks."""

import pytest
from genset_edge.buffer import Buffer
from genset_edge.config import ConfigError, parse


def test_messages_leave_in_order_and_only_when_done(tmp_path):
	buffer = Buffer(str(tmp_path / "b.sqlite"))
	buffer.put([("t", b"1"), ("t", b"2")])
	buffer.put([("t", b"3")])
	rows = buffer.oldest(2)
	assert [payload for _id, _topic, payload in rows] == [b"1", b"2"]
	buffer.done([rows[0][0]])
	assert [p for _i, _t, p in buffer.oldest(10)] == [b"2", b"3"]
	assert (buffer.depth(), buffer.counter("sent")) == (2, 1)


def test_past_its_cap_the_oldest_are_dropped_and_counted(tmp_path):
	buffer = Buffer(str(tmp_path / "b.sqlite"), max_messages=100)
	for start in range(0, 250, 50):
		buffer.put([("t", str(i).encode()) for i in range(start, start + 50)])
	assert buffer.depth() == 100
	assert buffer.counter("dropped") == 150
	assert [int(p) for _i, _t, p in buffer.oldest(3)] == [150, 151, 152]


def test_what_waits_and_what_was_remembered_survive_a_restart(tmp_path):
	path = str(tmp_path / "b.sqlite")
	buffer = Buffer(path)
	buffer.put([("t", b"kept")])
	buffer.remember("alarms:D", {"Low Oil Pressure": "LOW_OIL_PRESSURE"})
	buffer.close()
	again = Buffer(path)
	assert [p for _i, _t, p in again.oldest(5)] == [b"kept"]
	assert again.recall("alarms:D") == {"Low Oil Pressure": "LOW_OIL_PRESSURE"}


GOOD = {
	"reader_id": "site-1",
	"mqtt": {"host": "broker.example.com", "port": 8883, "tls": True},
	"controller": [{"device": "DSE890-0042", "map": "dse_gencomm", "host": "10.0.0.5"}],
}


def test_a_good_configuration_with_its_defaults():
	config = parse(GOOD)
	(controller,) = config.controllers
	assert (controller.port, controller.unit_id, controller.interval) == (502, 1, 10.0)
	assert config.topic("DSE890-0042") == "genset/DSE890-0042/telemetry"
	assert (config.status_topic, config.client_id) == ("genset-edge/site-1/status", "genset-edge-site-1")


@pytest.mark.parametrize(
	"change, message",
	[
		({"controller": []}, "no \\[\\[controller\\]\\]"),
		({"controller": [{"device": "a/b", "map": "dse_gencomm", "host": "h"}]}, "Device ID"),
		({"controller": [{"device": "D", "map": "dse_gencomm"}]}, "host is missing"),
		({"controller": [{"device": "D", "map": "nope", "host": "h"}]}, "no register map nope"),
		({"controller": [{"device": "D", "map": "dse_gencomm", "host": "h", "interval": 0}]}, "interval"),
		({"controller": [{"device": "D", "map": "dse_gencomm", "host": "h"}] * 2}, "listed twice"),
		({"mqtt": {"port": 0}}, "mqtt.port"),
		({"mqtt": {"topic": "genset/telemetry"}}, "must hold \\{device\\}"),
	],
)
def test_each_mistake_is_named(change, message):
	with pytest.raises(ConfigError, match=message):
		parse({**GOOD, **change})
