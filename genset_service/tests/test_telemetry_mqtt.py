"""The MQTT bridge against the real broker (Mosquitto on 127.0.0.1:1883): the bench command started as
a process of its own, messages published with paho-mqtt, what it stored counted in the database. Plain
JSON and Sparkplug B (births, aliases, a sequence gap and its rebirth request, a death), bad messages
logged without stopping it, two bridges splitting one shared subscription with nothing stored twice,
and messages published while the bridge is down delivered when it is back. The set-up is committed
(the bridge is another process) and removed afterwards."""

import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime

from genset_service.access.guard import as_app
from genset_service.scheduling.common import TASK, UNIT
from genset_service.telemetry import sparkplug
from genset_service.telemetry.common import DEVICE, EVENT, READING, SETTINGS
from genset_service.tests.utils import (
	TEST_IGNORE,
	company,
	make_customer,
	make_genset_item,
	make_service_team,
)

test_ignore = TEST_IGNORE
BROKER = ("127.0.0.1", 1883)
REQUEST = "Genset Service Request"
CUSTOMER = "_Test Genset Telemetry MQTT Customer"


def wait_for(check, timeout=30.0, every=0.25):
	"""``check()`` until it is truthy (each time in a fresh snapshot of the database)."""
	deadline = time.time() + timeout
	while True:
		# a new snapshot, to see what the bridge committed
		frappe.db.commit()  # nosemgrep
		value = check()
		if value or time.time() > deadline:
			return value
		time.sleep(every)


class Bridge:
	"""The bench command in a process of its own."""

	def __init__(self, client_id: str, *args: str):
		site, sites = frappe.local.site, os.path.abspath(frappe.local.sites_path)
		command = [
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			site,
			"genset-telemetry-bridge",
			"--client-id",
			client_id,
			"--max-seconds",
			"120",
			*args,
		]
		self.client_id = client_id
		self.process = subprocess.Popen(
			command, cwd=sites, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
		)
		self.lines: list[str] = []
		self.reader = threading.Thread(target=self._read, daemon=True)
		self.reader.start()

	def _read(self):
		for line in self.process.stdout:
			self.lines.append(line)

	def wait_connected(self, timeout=30):
		deadline = time.time() + timeout
		while time.time() < deadline:
			if any("subscribed to" in line for line in self.lines):
				return True
			if self.process.poll() is not None:
				break
			time.sleep(0.1)
		raise AssertionError("the bridge did not connect:\n" + "".join(self.lines[-40:]))

	def stop(self) -> dict:
		"""SIGTERM, as supervisor stops it; its last counts."""
		if self.process.poll() is None:
			self.process.send_signal(signal.SIGTERM)
		try:
			self.process.wait(timeout=30)
		except subprocess.TimeoutExpired:
			self.process.kill()
		self.reader.join(timeout=5)
		counts = [json.loads(line.split(" INFO ", 1)[1]) for line in self.lines if '"client_id"' in line]
		return counts[-1] if counts else {}

	def log(self) -> str:
		return "".join(self.lines)


class Publisher:
	def __init__(self):
		self.client = mqtt.Client(
			CallbackAPIVersion.VERSION2, client_id=f"gs-test-pub-{secrets.token_hex(4)}"
		)
		self.received: list[tuple[str, bytes]] = []
		self.client.on_message = lambda _c, _u, message: self.received.append(
			(message.topic, message.payload)
		)
		self.client.connect(*BROKER)
		self.client.loop_start()

	def publish(self, topic: str, payload, qos: int = 1) -> None:
		body = payload if isinstance(payload, bytes) else json.dumps(payload)
		self.client.publish(topic, body, qos=qos).wait_for_publish(10)

	def listen(self, topic: str) -> None:
		self.client.subscribe(topic, qos=1)
		time.sleep(0.3)

	def close(self):
		self.client.loop_stop()
		self.client.disconnect()


def make_unit() -> str:
	"""A commissioned genset of the test customer, inserted as a delivery makes it (committed by the
	caller)."""
	unit = frappe.get_doc(
		{
			"doctype": UNIT,
			"customer": CUSTOMER,
			"company": company(),
			"item_code": make_genset_item(),
			"delivery_date": add_days(getdate(), -60),
			"commissioning_date": add_days(getdate(), -50),
			"arrival_date": add_days(getdate(), -55),
			"warranty_months": 12,
			"contract_months": 24,
			"inspection_interval_months": 6,
			"maintenance_interval_months": 6,
			"maintenance_interval_hours": 250,
		}
	)
	with as_app():
		unit.insert(ignore_permissions=True)
	return unit.name


class TestTelemetryOverMqtt(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_service_team()
		cls.run_id = secrets.token_hex(3)
		cls.prefix = f"gtest{cls.run_id}"
		make_customer(CUSTOMER)
		cls.units = [cls.make_unit() for _i in range(2)]
		cls.devices = []
		for index, unit in enumerate(cls.units):
			name = f"T-MQTT-{cls.run_id}-{index}"
			frappe.get_doc(
				{"doctype": DEVICE, "device_id": name, "unit": unit, "controller_family": "DSE"}
			).insert()
			cls.devices.append(name)
		# the Sparkplug device id of the first genset's controller, and its edge node (the gateway)
		cls.spb_device, cls.edge = f"T-SPB-{cls.run_id}", f"T-EDGE-{cls.run_id}"
		for name in (cls.spb_device, cls.edge):
			frappe.get_doc(
				{"doctype": DEVICE, "device_id": name, "unit": cls.units[0], "controller_family": "ComAp"}
			).insert()
		frappe.db.commit()

	@classmethod
	def make_unit(cls) -> str:
		return make_unit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		devices = [*cls.devices, cls.spb_device, cls.edge]
		requests = frappe.get_all(REQUEST, {"unit": ("in", cls.units)}, pluck="name")
		tasks = frappe.get_all(TASK, {"unit": ("in", cls.units)}, pluck="name")
		for doctype, filters in (
			(READING, {"device": ("in", devices)}),
			(EVENT, {"device": ("in", devices)}),
			("Genset Telemetry Rollup", {"device": ("in", devices)}),
			("Genset Running Hours Reading", {"unit": ("in", cls.units)}),
			("Comment", {"reference_name": ("in", requests or ["-"])}),
			("Genset Escalation Notice", {"request": ("in", requests or ["-"])}),
			("ToDo", {"reference_type": TASK, "reference_name": ("in", tasks or ["-"])}),
			(TASK, {"unit": ("in", cls.units)}),
			(REQUEST, {"unit": ("in", cls.units)}),
			(DEVICE, {"name": ("in", devices)}),
			(UNIT, {"name": ("in", cls.units)}),
		):
			frappe.db.delete(doctype, filters)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		self.publisher = Publisher()
		self.bridges: list[Bridge] = []

	def tearDown(self):
		for bridge in self.bridges:
			bridge.stop()
		self.publisher.close()

	def start(self, client_id: str, *args: str) -> Bridge:
		bridge = Bridge(
			client_id,
			"--json-topic",
			f"{self.prefix}/+/telemetry",
			"--sparkplug-topic",
			f"spBv1.0/{self.prefix}/#",
			*args,
		)
		self.bridges.append(bridge)
		bridge.wait_connected()
		return bridge

	def count(self, **filters) -> int:
		return frappe.db.count(READING, filters)

	@staticmethod
	def iso(moment) -> str:
		return moment.replace(microsecond=0).isoformat()

	def test_json_messages_through_the_broker_are_stored_once_and_an_alarm_opens_an_assigned_request(self):
		bridge = self.start(f"gs-test-json-{self.run_id}", "--shared-group", "")
		device = self.devices[0]
		now = now_datetime()
		topic = f"{self.prefix}/{device}/telemetry"
		first = {
			"time": self.iso(now.replace(second=0)),
			"metrics": {"load_kw": 80, "fuel_level_percent": 55},
		}
		self.publisher.publish(topic, first)
		self.publisher.publish(topic, first)  # QoS 1 may deliver twice; a device may resend
		self.publisher.publish(topic, b"{not json")
		self.publisher.publish(f"{self.prefix}/T-NOBODY/telemetry", first)
		self.publisher.publish(topic, {"time": self.iso(now), "metrics": {"battery_voltage": "low"}})
		self.publisher.publish(
			topic, {"time": self.iso(now), "alarms": [{"code": "HIGH_COOLANT_TEMPERATURE"}]}
		)
		request = wait_for(
			lambda: frappe.db.get_value(REQUEST, {"unit": self.units[0], "channel": "Telemetry"})
		)
		self.assertTrue(request, bridge.log())
		self.assertTrue(wait_for(lambda: self.count(device=device) == 2))
		values = dict(frappe.get_all(READING, {"device": device}, ["metric", "value"], as_list=True))
		self.assertEqual(values, {"load_kw": 80, "fuel_level_percent": 55})
		doc = frappe.get_doc(REQUEST, request)
		self.assertEqual(
			(doc.service_type, doc.priority, doc.on_site_state), ("Emergency Rescue", "High", "Running")
		)
		self.assertTrue(frappe.db.get_value(TASK, doc.task, "assigned_to"))
		counts = bridge.stop()
		# the bad messages were logged and refused; the bridge went on and stopped only when told
		self.assertGreaterEqual(counts["refused"], 3, bridge.log())
		self.assertEqual(counts["messages"], 6)
		self.assertIn("not_json", bridge.log())

	def test_sparkplug_births_aliases_a_gap_asks_for_a_rebirth_and_a_death_is_kept(self):
		bridge = self.start(f"gs-test-spb-{self.run_id}", "--shared-group", "")
		self.publisher.listen(f"spBv1.0/{self.prefix}/NCMD/{self.edge}")
		base = f"spBv1.0/{self.prefix}"
		ms = int(time.time() * 1000)
		aliases = {"Engine/Running Hours": 1, "Generator/Total kW": 2, "Alarms/Sd Oil Press": 3}
		self.publisher.publish(
			f"{base}/NBIRTH/{self.edge}",
			sparkplug.birth_payload({"Node Info/Firmware": "1.2"}, ms, 0, bd_seq=1),
		)
		self.publisher.publish(
			f"{base}/DBIRTH/{self.edge}/{self.spb_device}",
			sparkplug.birth_payload(
				{"Engine/Running Hours": 300.0, "Generator/Total kW": 50.0, "Alarms/Sd Oil Press": False},
				ms,
				1,
				aliases,
			),
		)
		self.publisher.publish(
			f"{base}/DDATA/{self.edge}/{self.spb_device}",
			sparkplug.data_payload(
				{"Generator/Total kW": 61.5},
				ms + 60_000,
				2,
				aliases,
				{"Generator/Total kW": sparkplug.DataType.DOUBLE},
			),
		)
		self.publisher.publish(f"{base}/DDATA/{self.edge}/{self.spb_device}", b"\xff\x00garbage")
		# seq 3 and 4 lost: a gap
		self.publisher.publish(
			f"{base}/DDATA/{self.edge}/{self.spb_device}",
			sparkplug.data_payload(
				{"Generator/Total kW": 70.0},
				ms + 120_000,
				5,
				aliases,
				{"Generator/Total kW": sparkplug.DataType.DOUBLE},
			),
		)
		self.publisher.publish(
			f"{base}/DDEATH/{self.edge}/{self.spb_device}", sparkplug.encode_payload([], ms + 130_000, 6)
		)
		self.assertTrue(
			wait_for(lambda: frappe.db.exists(EVENT, {"device": self.spb_device, "event_type": "Offline"})),
			bridge.log(),
		)
		values = frappe.get_all(
			READING,
			{"device": self.spb_device},
			["metric", "value"],
			order_by="reading_time, metric desc",
			as_list=True,
		)
		self.assertEqual(
			[tuple(v) for v in values],
			[("running_hours", 300.0), ("load_kw", 50.0), ("load_kw", 61.5), ("load_kw", 70.0)],
		)
		gap = frappe.get_value(
			EVENT,
			{"device": self.spb_device, "event_type": "Sequence Gap"},
			["value", "detail"],
			as_dict=True,
		)
		self.assertEqual(gap.value, 2)
		# the bridge asked the edge node to be born again
		self.assertTrue(wait_for(lambda: self.publisher.received, timeout=5))
		topic, payload = self.publisher.received[0]
		self.assertEqual(topic, f"{base}/NCMD/{self.edge}")
		self.assertIn(sparkplug.REBIRTH, [m.name for m in sparkplug.decode_payload(payload).metrics])
		counts = bridge.stop()
		self.assertGreaterEqual(counts["refused"], 1)

	def test_two_bridges_on_a_shared_subscription_split_the_messages_and_keep_each_once(self):
		group = f"gtest{self.run_id}"
		one = self.start(f"gs-test-share-a-{self.run_id}", "--shared-group", group, "--sparkplug-topic", "")
		two = self.start(f"gs-test-share-b-{self.run_id}", "--shared-group", group, "--sparkplug-topic", "")
		start = now_datetime().replace(microsecond=0) - datetime.timedelta(hours=2)
		sent = 0
		for second in range(100):
			for device in self.devices:
				moment = start + datetime.timedelta(seconds=second)
				self.publisher.publish(
					f"{self.prefix}/{device}/telemetry",
					{
						"time": self.iso(moment),
						"metrics": {"load_percent": second % 100, "coolant_temperature_c": 80},
					},
				)
				sent += 1
		expected = sent * 2
		self.assertTrue(
			wait_for(
				lambda: self.count(
					metric=("in", ["load_percent", "coolant_temperature_c"]), reading_time=(">=", start)
				)
				>= expected,
				timeout=60,
			)
		)
		a, b = one.stop(), two.stop()
		self.assertEqual(
			self.count(metric=("in", ["load_percent", "coolant_temperature_c"]), reading_time=(">=", start)),
			expected,
		)
		self.assertEqual(a["messages"] + b["messages"], sent, (a, b))
		self.assertGreater(a["messages"], 0)
		self.assertGreater(b["messages"], 0)
		self.assertEqual(a["duplicates"] + b["duplicates"], 0)

	def test_messages_published_while_the_bridge_is_down_arrive_when_it_is_back(self):
		client_id = f"gs-test-down-{self.run_id}"
		self.start(client_id, "--shared-group", "", "--sparkplug-topic", "").stop()
		self.bridges.clear()
		device = self.devices[1]
		start = now_datetime().replace(microsecond=0) - datetime.timedelta(hours=1)
		for minute in range(20):
			moment = start + datetime.timedelta(minutes=minute)
			self.publisher.publish(
				f"{self.prefix}/{device}/telemetry",
				{"time": self.iso(moment), "metrics": {"kwh": 1000 + minute}},
			)
		self.start(client_id, "--shared-group", "", "--sparkplug-topic", "")
		self.assertTrue(
			wait_for(lambda: self.count(device=device, metric="kwh") == 20), self.bridges[0].log()
		)
		values = frappe.get_all(
			READING, {"device": device, "metric": "kwh"}, pluck="value", order_by="reading_time"
		)
		self.assertEqual(values, [1000 + m for m in range(20)])
