"""A genset's controller, simulated over Modbus TCP by pymodbus's own simulator, drives the app with no
one typing: the edge reader (edge_reader/, its own package) reads it and publishes to the real broker,
the app's bridge stores what it sent, and an alarm bit set on the simulator opens an assigned Emergency
Rescue request with its on-site clock running. Every process is a process of its own, as on site; the
set-up is committed (they are other processes) and removed afterwards."""

import json
import pathlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import frappe
from frappe.tests.utils import FrappeTestCase

from genset_service.scheduling.common import TASK
from genset_service.telemetry.common import DEVICE, EVENT, READING
from genset_service.tests.test_telemetry_mqtt import CUSTOMER, REQUEST, Bridge, make_unit, wait_for
from genset_service.tests.utils import TEST_IGNORE, make_customer, make_service_team

test_ignore = TEST_IGNORE
EDGE = pathlib.Path(__file__).resolve().parents[2] / "edge_reader"
POLL = 1.0


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20) -> None:
	deadline = time.time() + timeout
	while time.time() < deadline:
		try:
			socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
			return
		except OSError:
			time.sleep(0.1)
	raise AssertionError(f"nothing listens on {port}")


class TestEdgeReaderDrivesTheApp(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_service_team()
		make_customer(CUSTOMER)
		cls.run_id = secrets.token_hex(3)
		cls.unit = make_unit()
		cls.device = f"T-EDGE-DSE-{cls.run_id}"
		frappe.get_doc(
			{"doctype": DEVICE, "device_id": cls.device, "unit": cls.unit, "controller_family": "DSE"}
		).insert()
		frappe.db.commit()
		cls.folder = pathlib.Path(frappe.get_site_path("private", f"edge-{cls.run_id}"))
		cls.folder.mkdir(parents=True, exist_ok=True)
		cls.processes = []

	@classmethod
	def tearDownClass(cls):
		for process in cls.processes:
			if process.poll() is None:
				process.terminate()
				process.wait(timeout=30)
		frappe.db.rollback()
		requests = frappe.get_all(REQUEST, {"unit": cls.unit}, pluck="name")
		tasks = frappe.get_all(TASK, {"unit": cls.unit}, pluck="name")
		for doctype, filters in (
			(READING, {"device": cls.device}),
			(EVENT, {"device": cls.device}),
			("Genset Running Hours Reading", {"unit": cls.unit}),
			("Comment", {"reference_name": ("in", requests or ["-"])}),
			("Genset Escalation Notice", {"request": ("in", requests or ["-"])}),
			("ToDo", {"reference_type": TASK, "reference_name": ("in", tasks or ["-"])}),
			(TASK, {"unit": cls.unit}),
			(REQUEST, {"unit": cls.unit}),
			(DEVICE, {"name": cls.device}),
			("Genset Unit", {"name": cls.unit}),
		):
			frappe.db.delete(doctype, filters)
		frappe.db.commit()
		super().tearDownClass()

	def start(self, *command: str) -> subprocess.Popen:
		process = subprocess.Popen(
			[sys.executable, *command],
			stdout=open(self.folder / f"{command[1]}.log", "a"),
			stderr=subprocess.STDOUT,
		)
		self.processes.append(process)
		return process

	def test_an_alarm_set_on_the_simulated_controller_opens_an_assigned_request(self):
		modbus, http = free_port(), free_port()
		self.start(
			"-m",
			"genset_edge.simulator",
			"--fixture",
			str(EDGE / "tests" / "fixtures" / "dse_raw.json"),
			"--port",
			str(modbus),
			"--http-port",
			str(http),
		)
		wait_port(modbus)
		wait_port(http)
		topic = f"gedge{self.run_id}"
		bridge = Bridge(
			f"gs-test-edge-{self.run_id}",
			"--json-topic",
			f"{topic}/+/telemetry",
			"--sparkplug-topic",
			"",
			"--shared-group",
			"",
		)
		self.processes.append(bridge.process)
		bridge.wait_connected()
		config = self.folder / "reader.toml"
		config.write_text(
			f'reader_id = "edge-{self.run_id}"\n[mqtt]\nhost = "127.0.0.1"\nport = 1883\ntopic = "{topic}/{{device}}/telemetry"\n'
			f'[buffer]\npath = "{self.folder / "buffer.sqlite"}"\n[[controller]]\ndevice = "{self.device}"\n'
			f'map = "dse_gencomm"\nhost = "127.0.0.1"\nport = {modbus}\ninterval = {POLL}\n'
		)
		self.start("-m", "genset_edge", "--config", str(config))
		# the controller's readings in the app, as worked out by hand from the fixture's raw registers
		self.assertTrue(
			wait_for(
				lambda: frappe.db.count(READING, {"device": self.device, "metric": "running_hours"}) >= 1,
				timeout=40,
			),
			bridge.log(),
		)
		values = dict(
			frappe.get_all(
				READING, {"device": self.device}, ["metric", "value"], order_by="reading_time", as_list=True
			)
		)
		self.assertEqual(
			(
				values["oil_pressure_kpa"],
				values["coolant_temperature_c"],
				values["battery_voltage"],
				values["running_hours"],
				values["kwh"],
			),
			(412, -10, 27.2, 1234.5, 182340.5),
		)
		self.assertEqual(frappe.db.get_value("Genset Unit", self.unit, "running_hours"), 1234.5)
		# low oil pressure, shutdown: the second nibble of register 39425 at 3
		set_at = time.time()
		body = json.dumps(
			{
				"submit": "Set",
				"register": "39425",
				"value": str(0x1310),
				"range_start": 39425,
				"range_stop": 39425,
			}
		)
		urllib.request.urlopen(
			urllib.request.Request(
				f"http://127.0.0.1:{http}/restapi/registers",
				data=body.encode(),
				headers={"Content-Type": "application/json"},
			),
			timeout=10,
		).read()
		request = wait_for(
			lambda: frappe.db.get_value(
				REQUEST,
				{"unit": self.unit, "channel": "Telemetry"},
				["name", "service_type", "priority", "on_site_state", "task"],
				as_dict=True,
			),
			timeout=40,
		)
		elapsed = time.time() - set_at
		self.assertTrue(request, bridge.log())
		self.assertEqual(
			(request.service_type, request.priority, request.on_site_state),
			("Emergency Rescue", "High", "Running"),
		)
		self.assertTrue(frappe.db.get_value(TASK, request.task, "assigned_to"))
		print(
			f"edge reader: alarm set on the simulator to an assigned request in {elapsed:.1f} s (poll every {POLL:g} s)"
		)
