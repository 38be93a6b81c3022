"""The reader as it runs on site, against pymodbus's own simulator serving the fixtures' raw registers
on localhost and a Mosquitto broker of the test's own (another port, so that it can be stopped): the
values arrive as worked out by hand, an alarm set on the simulator is sent when it changes, the
controller and the broker may go away and come back, and every reading arrives once, in order."""

import contextlib
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from tests.test_registers import DSE_BY_HAND

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
PYTHON = sys.executable
pytestmark = pytest.mark.skipif(not shutil.which("mosquitto"), reason="needs the mosquitto broker binary")


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def wait_port(port: int, timeout: float = 15) -> None:
	deadline = time.time() + timeout
	while time.time() < deadline:
		with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
			return
		time.sleep(0.1)
	raise AssertionError(f"nothing listens on {port}")


class Broker:
	"""A Mosquitto of the test's own, persistent, so that a subscriber's session outlives a restart."""

	def __init__(self):
		# a folder of its own in the system's temporary folder: started as root, Mosquitto runs as the
		# user "mosquitto", which must reach and write its database (pytest's own folders are 0700)
		folder = pathlib.Path(tempfile.mkdtemp(prefix="edge-broker-"))
		self.port = free_port()
		self.conf = folder / "mosquitto.conf"
		(folder / "data").mkdir(exist_ok=True)
		for path in (folder, folder / "data"):
			path.chmod(0o777)
		self.conf.write_text(
			f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
			f"persistence_location {folder / 'data'}/\nautosave_interval 1\n"
		)
		self.process = None

	def start(self):
		self.process = subprocess.Popen(
			["mosquitto", "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
		)
		wait_port(self.port)

	def stop(self):
		if self.process and self.process.poll() is None:
			self.process.terminate()
			self.process.wait(timeout=10)


class Subscriber:
	def __init__(self, port: int, topic: str):
		self.messages: list[tuple[str, dict]] = []
		self.client = mqtt.Client(
			CallbackAPIVersion.VERSION2, client_id=f"edge-test-{port}", protocol=mqtt.MQTTv5
		)
		self.client.on_message = lambda _c, _u, m: self.messages.append((m.topic, json.loads(m.payload)))
		self.client.on_connect = lambda c, _u, _f, _r, _p: c.subscribe(topic, qos=1)
		self.client.reconnect_delay_set(1, 2)
		properties = Properties(PacketTypes.CONNECT)
		properties.SessionExpiryInterval = 3600
		self.client.connect("127.0.0.1", port, clean_start=False, properties=properties)
		self.client.loop_start()

	def wait(self, check, timeout=20.0):
		deadline = time.time() + timeout
		while time.time() < deadline:
			found = check(self.messages)
			if found:
				return found
			time.sleep(0.1)
		return check(self.messages)

	def close(self):
		self.client.loop_stop()
		self.client.disconnect()


class Simulator:
	def __init__(self, fixture: str):
		self.port, self.http = free_port(), free_port()
		self.fixture = FIXTURES / fixture
		self.process = None

	def start(self):
		self.process = subprocess.Popen(
			[
				PYTHON,
				"-m",
				"genset_edge.simulator",
				"--fixture",
				str(self.fixture),
				"--port",
				str(self.port),
				"--http-port",
				str(self.http),
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		wait_port(self.port)
		wait_port(self.http)

	def set(self, address: int, value: int) -> None:
		"""A register changed on the controller, through the simulator's own HTTP API."""
		body = json.dumps(
			{
				"submit": "Set",
				"register": str(address),
				"value": str(value),
				"range_start": address,
				"range_stop": address,
			}
		)
		request = urllib.request.Request(
			f"http://127.0.0.1:{self.http}/restapi/registers",
			data=body.encode(),
			headers={"Content-Type": "application/json"},
		)
		with urllib.request.urlopen(request, timeout=10) as answer:
			assert json.loads(answer.read())["result"] == "ok"

	def stop(self):
		if self.process and self.process.poll() is None:
			self.process.terminate()
			self.process.wait(timeout=10)


class Reader:
	def __init__(
		self,
		folder: pathlib.Path,
		broker_port: int,
		sim_port: int,
		interval: float = 0.5,
		device: str = "DSE-E2E-1",
	):
		self.buffer = folder / "buffer.sqlite"
		self.config = folder / "reader.toml"
		self.config.write_text(
			f'reader_id = "e2e"\n[mqtt]\nhost = "127.0.0.1"\nport = {broker_port}\n'
			f'[buffer]\npath = "{self.buffer}"\n[modbus]\ntimeout = 1.0\n[status]\nevery = 1\n'
			f'[[controller]]\ndevice = "{device}"\nmap = "dse_gencomm"\nhost = "127.0.0.1"\nport = {sim_port}\ninterval = {interval}\n'
		)
		self.log = folder / "reader.log"
		self.process = subprocess.Popen(
			[PYTHON, "-m", "genset_edge", "--config", str(self.config)],
			stdout=open(self.log, "w"),
			stderr=subprocess.STDOUT,
		)

	def stop(self):
		self.process.send_signal(signal.SIGTERM)
		self.process.wait(timeout=30)

	def counters(self) -> dict:
		db = sqlite3.connect(self.buffer)
		meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('sent', 'dropped')").fetchall())
		depth = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
		db.close()
		return {"sent": int(meta.get("sent", 0)), "dropped": int(meta.get("dropped", 0)), "depth": depth}


@pytest.fixture
def site(tmp_path):
	broker, simulator = Broker(), Simulator("dse_raw.json")
	broker.start()
	simulator.start()
	made = {"broker": broker, "simulator": simulator, "readers": []}
	yield made
	for reader in made["readers"]:
		if reader.process.poll() is None:
			reader.stop()
	simulator.stop()
	broker.stop()


def telemetry(messages):
	return [body for topic, body in messages if topic.endswith("/telemetry")]


def test_the_values_arrive_as_worked_out_by_hand_and_an_alarm_is_sent_when_set(site, tmp_path):
	subscriber = Subscriber(site["broker"].port, "#")
	reader = Reader(tmp_path, site["broker"].port, site["simulator"].port)
	site["readers"].append(reader)
	first = subscriber.wait(lambda m: telemetry(m)[:1])
	assert first, reader.log.read_text()
	assert first[0]["metrics"] == DSE_BY_HAND
	assert "alarms" not in first[0]
	site["simulator"].set(39425, 0x1310)  # low oil pressure: shutdown
	raised = subscriber.wait(lambda m: [b for b in telemetry(m) if b.get("alarms")])
	assert raised[0]["alarms"] == [
		{"code": "LOW_OIL_PRESSURE", "state": "active", "name": "Low Oil Pressure (shutdown)"}
	]
	site["simulator"].set(39425, 0x1110)
	cleared = subscriber.wait(lambda m: [b for b in telemetry(m) if b.get("alarms")][1:])
	assert cleared[0]["alarms"] == [
		{"code": "LOW_OIL_PRESSURE", "state": "cleared", "name": "Low Oil Pressure"}
	]
	# its health on its status topic, retained
	status = subscriber.wait(lambda m: [b for t, b in m if t.endswith("/status") and b.get("controllers")])
	assert status[-1]["controllers"]["DSE-E2E-1"]["connected"] is True
	assert {"buffer_depth", "dropped", "last_publish"} <= set(status[-1])
	subscriber.close()


def test_the_broker_away_every_reading_arrives_once_in_order(site, tmp_path):
	subscriber = Subscriber(site["broker"].port, "genset/+/telemetry")
	reader = Reader(tmp_path, site["broker"].port, site["simulator"].port, interval=0.25)
	site["readers"].append(reader)
	assert subscriber.wait(lambda m: len(m) >= 4)
	site["broker"].stop()
	time.sleep(8)  # about 32 readings wait on disk
	site["broker"].start()
	# the reader tries the broker again with a growing pause (at most 30 s) and then empties its buffer
	deadline = time.time() + 60
	while reader.counters()["depth"] > 2 and time.time() < deadline:
		time.sleep(0.5)
	reader.stop()
	counters = reader.counters()
	assert counters["depth"] == 0 and counters["dropped"] == 0, counters
	assert subscriber.wait(lambda m: len({b["time"] for b in telemetry(m)}) >= counters["sent"], timeout=20)
	times = [b["time"] for b in telemetry(subscriber.messages)]
	first_seen = list(dict.fromkeys(times))
	assert len(first_seen) == counters["sent"], (len(first_seen), counters)
	assert first_seen == sorted(first_seen)  # in the order they were read
	assert counters["sent"] >= 50  # it went on reading while the broker was away
	subscriber.close()


def test_a_controller_that_does_not_answer_is_tried_again(site, tmp_path):
	site["simulator"].stop()
	subscriber = Subscriber(site["broker"].port, "genset/+/telemetry")
	reader = Reader(tmp_path, site["broker"].port, site["simulator"].port)
	site["readers"].append(reader)
	time.sleep(3)
	assert telemetry(subscriber.messages) == []
	site["simulator"].start()
	arrived = subscriber.wait(lambda m: telemetry(m)[:1], timeout=30)
	assert arrived and arrived[0]["metrics"]["oil_pressure_kpa"] == 412
	assert "again in" in reader.log.read_text()
	subscriber.close()
