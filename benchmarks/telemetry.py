"""Benchmark (m): the gensets reporting themselves, end to end through Mosquitto into the database.

1. **Ingest** (``run``): DEVICES simulated devices (10,000), each sending one plain-JSON message a minute
   of 12 metrics (running hours, load kW and %, fuel, battery, oil pressure, coolant, speed, kWh,
   frequency, voltage, current), and a burst at 10x that rate (a message every 6 s) for
   ``--burst-minutes`` in the middle of the run; published with QoS 1 by ``--publishers`` processes on
   this machine to a Mosquitto of its own (no cap on its queues, as README: Telemetry says), read by ``--bridges`` bridges (the bench command) on a
   shared subscription. At the end every reading must be in the database once: the raw table's key is
   the device, metric and time, and the count must equal what was published. Throughput is read from
   the stored readings' own stamps (each batch's), per 10-second window. Baseline in the same run: the
   database's floor, the same number of rows a batch inserted directly, with no broker, no bridge and
   no checks.
2. **Alarm** (``alarm``): an alarm message published to the broker, timed until its request is open,
   assigned (its task has an assignee and a ToDo) and its on-site clock running, with a bridge running.
3. **Charts** (``charts``): the desk's unit page (``frappe.desk.form.load.getdoc`` and
   ``get_unit_telemetry`` over a year) and the portal's genset page and its chart data, for a genset
   with a year of rolled-up days, over HTTP against a production-like server.

    ~/frappe-bench/env/bin/python benchmarks/telemetry.py --site bench.test setup
    ~/frappe-bench/env/bin/python benchmarks/telemetry.py --site bench.test run --minutes 10
    ~/frappe-bench/env/bin/python benchmarks/telemetry.py --site bench.test alarm
    python3 benchmarks/production.py start --site bench.test --workers 2
    ~/frappe-bench/env/bin/python benchmarks/telemetry.py --site bench.test charts --url http://127.0.0.1:8020
    python3 benchmarks/production.py stop
    ~/frappe-bench/env/bin/python benchmarks/telemetry.py --site bench.test remove

Each part prints one JSON line of figures with the machine and the date.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

DEVICES = 10_000
PREFIX = "TMB"
CUSTOMER = "_Telemetry Bench Customer"
ITEM = "_Telemetry Bench Genset 200 kVA"
BROKER = ("127.0.0.1", 1883)
PORTAL_USER = "telemetry-bench@example.com"
PASSWORD = "Telemetry-Bench-2026!"


def machine() -> dict:
	return {
		"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
		"date": datetime.date.today().isoformat(),
	}


def connect(site: str):
	import frappe

	bench = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
	os.chdir(os.path.join(bench, "sites"))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	return frappe


def device_name(index: int) -> str:
	return f"{PREFIX}-{index:05d}"


# ------------------------------------------------------------------ set-up
def setup(frappe, devices: int) -> dict:
	"""DEVICES gensets of one customer, delivered 90 days ago and in use for 80, with their plans, and a
	device each; made in bulk (the planner's own bulk re-plan writes the plans). Idempotent."""
	sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
	from bench_site import prepare

	from genset_service.scheduling.replan import refresh_units
	from genset_service.telemetry.common import DEVICE
	from genset_service.tests.utils import company, make_customer, make_genset_item, make_portal_user

	prepare()
	started = time.time()
	make_customer(CUSTOMER)
	item = make_genset_item(ITEM)
	make_portal_user(PORTAL_USER, CUSTOMER, PASSWORD)
	have = set(frappe.get_all(DEVICE, filters={"name": ("like", f"{PREFIX}-%")}, pluck="name"))
	missing = [index for index in range(devices) if device_name(index) not in have]
	today = datetime.date.today()
	stamp = datetime.datetime.now()
	units = []
	for start in range(0, len(missing), 1000):
		chunk = missing[start : start + 1000]
		rows = [
			(
				f"{PREFIX}-U-{index:05d}",
				CUSTOMER,
				CUSTOMER,
				company(),
				item,
				today - datetime.timedelta(days=90),
				today - datetime.timedelta(days=85),
				today - datetime.timedelta(days=80),
				12,
				2000,
				24,
				6,
				6,
				250,
				"Commissioned",
				stamp,
				stamp,
				"Administrator",
				"Administrator",
			)
			for index in chunk
		]
		frappe.db.bulk_insert(
			"Genset Unit",
			[
				"name",
				"customer",
				"customer_name",
				"company",
				"item_code",
				"delivery_date",
				"arrival_date",
				"commissioning_date",
				"warranty_months",
				"warranty_hours",
				"contract_months",
				"inspection_interval_months",
				"maintenance_interval_months",
				"maintenance_interval_hours",
				"status",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			rows,
			ignore_duplicates=True,
		)
		names = [row[0] for row in rows]
		refresh_units(names)
		frappe.db.bulk_insert(
			DEVICE,
			[
				"name",
				"device_id",
				"unit",
				"customer",
				"controller_family",
				"enabled",
				"status",
				"enabled_on",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			[
				(
					device_name(i),
					device_name(i),
					f"{PREFIX}-U-{i:05d}",
					CUSTOMER,
					"DSE",
					1,
					"Never Heard",
					stamp,
					stamp,
					stamp,
					"Administrator",
					"Administrator",
				)
				for i in chunk
			],
			ignore_duplicates=True,
		)
		# a benchmark's set-up, committed a chunk at a time
		frappe.db.commit()  # nosemgrep
		units += names
		print(json.dumps({"made": start + len(chunk), "of": len(missing)}), flush=True)
	frappe.db.set_single_value("Genset Telemetry Settings", "silence_minutes", 0)
	frappe.db.commit()  # nosemgrep
	return {
		"part": "setup",
		"devices": devices,
		"made": len(missing),
		"seconds": round(time.time() - started, 1),
	}


# ------------------------------------------------------------------ publishing
def metrics(index: int, moment: datetime.datetime) -> dict:
	minute = moment.minute + moment.second / 60
	return {
		# an hour meter that runs with the clock (the same for every process of the run)
		"running_hours": round(500 + index % 1000 + (moment.timestamp() - 1_790_000_000) / 3600, 3),
		"load_kw": 120 + (index % 50),
		"load_percent": 60 + (index % 30),
		"fuel_level_percent": 80 - minute / 2,
		"battery_voltage": 27.2,
		"oil_pressure_kpa": 400 + index % 20,
		"coolant_temperature_c": 82 + (minute % 5),
		"engine_speed_rpm": 1500,
		"kwh": round(10_000 + moment.timestamp() / 36, 1),
		"frequency_hz": 50.0,
		"voltage_l1_n_v": 230.0 + index % 3,
		"current_l1_a": 180 + index % 40,
	}


def publisher(
	slot: int, slots: int, devices: int, topic: str, start: float, minutes: float, burst: tuple, out, broker
) -> None:
	"""One publishing process: its share of the devices, each on its own second of the minute, every 60 s
	(every 6 s in the burst). Each message carries its own time (to the millisecond): a device never sends
	two messages with one time."""
	import paho.mqtt.client as mqtt
	from paho.mqtt.enums import CallbackAPIVersion

	client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"tmb-pub-{slot}-{secrets.token_hex(3)}")
	client.max_inflight_messages_set(2000)
	client.max_queued_messages_set(0)
	client.connect(*broker)
	client.loop_start()
	import heapq

	due = [(start + (i * 60 / devices), i) for i in range(devices) if i % slots == slot]
	heapq.heapify(due)
	end = start + minutes * 60
	burst_start, burst_end = start + burst[0] * 60, start + burst[1] * 60
	sent, infos = 0, []
	while due and due[0][0] < end:
		now = time.time()
		while due and due[0][0] <= now:
			at, i = heapq.heappop(due)
			moment = datetime.datetime.fromtimestamp(at, datetime.timezone.utc)
			body = json.dumps(
				{"time": moment.isoformat(timespec="milliseconds"), "metrics": metrics(i, moment)}
			)
			infos.append(client.publish(topic.replace("+", device_name(i)), body, qos=1))
			sent += 1
			heapq.heappush(due, (at + (6 if burst_start <= at < burst_end else 60), i))
		time.sleep(0.02)
	for info in infos:
		info.wait_for_publish(120)
	client.loop_stop()
	client.disconnect()
	out.put((slot, sent))


def ps(pattern: str) -> tuple[float, float]:
	"""CPU seconds and resident MB of the processes whose command line holds ``pattern``."""
	cpu = rss = 0.0
	tick = os.sysconf("SC_CLK_TCK")
	for pid in os.listdir("/proc"):
		if not pid.isdigit():
			continue
		try:
			with open(f"/proc/{pid}/cmdline", "rb") as fh:
				if pattern.encode() not in fh.read():
					continue
			with open(f"/proc/{pid}/stat") as fh:
				fields = fh.read().rsplit(")", 1)[1].split()
			cpu += (int(fields[11]) + int(fields[12])) / tick
			rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
		except (FileNotFoundError, ProcessLookupError, IndexError, PermissionError):
			continue
	return cpu, rss


class Broker:
	"""A Mosquitto of the benchmark's own, configured as a production broker for telemetry is
	(README: Telemetry): no cap on the messages it queues for a slow subscriber (Mosquitto's default,
	1,000 a client, drops the rest during a burst)."""

	def __init__(self, folder: str):
		self.port = free_port()
		self.conf = os.path.join(folder, "mosquitto.conf")
		with open(self.conf, "w") as fh:
			fh.write(
				f"listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
				"max_inflight_messages 0\n"
			)
		self.process = subprocess.Popen(
			["mosquitto", "-c", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
		)
		time.sleep(1)

	def stop(self):
		self.process.terminate()
		self.process.wait(timeout=30)


def free_port() -> int:
	import socket

	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def run(
	frappe,
	site: str,
	minutes: float,
	burst_start: float,
	burst_minutes: float,
	bridges: int,
	publishers: int,
	devices: int,
) -> dict:
	import tempfile

	from genset_service.telemetry.common import READING

	broker = Broker(tempfile.mkdtemp())

	run_id = secrets.token_hex(3)
	topic = f"tmb{run_id}/+/telemetry"
	bench = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
	sites = os.path.join(bench, "sites")
	python = os.path.join(bench, "env", "bin", "python")
	procs = []
	for index in range(bridges):
		log = open(f"/tmp/tmb-bridge-{index}.log", "w")
		procs.append(
			subprocess.Popen(
				[
					python,
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"--site",
					site,
					"genset-telemetry-bridge",
					"--client-id",
					f"tmb-bridge-{run_id}-{index}",
					"--port",
					str(broker.port),
					"--json-topic",
					topic,
					"--sparkplug-topic",
					"",
					"--shared-group",
					f"tmb{run_id}",
				],
				cwd=sites,
				stdout=log,
				stderr=subprocess.STDOUT,
			)
		)
	time.sleep(8)
	table = f"tab{READING}"
	cpu_before = {name: ps(pattern)[0] for name, pattern in PROCESSES.items()}
	start = time.time() + 2
	# the stamps the bridges write are in the site's time
	started_at = frappe.utils.now_datetime()
	out = multiprocessing.Queue()
	workers = [
		multiprocessing.Process(
			target=publisher,
			args=(
				slot,
				publishers,
				devices,
				topic,
				start,
				minutes,
				(burst_start, burst_start + burst_minutes),
				out,
				("127.0.0.1", broker.port),
			),
		)
		for slot in range(publishers)
	]
	for worker in workers:
		worker.start()
	peak_rss = {name: 0.0 for name in PROCESSES}
	while any(worker.is_alive() for worker in workers):
		for name, pattern in PROCESSES.items():
			peak_rss[name] = max(peak_rss[name], ps(pattern)[1])
		time.sleep(5)
	sent = sum(out.get()[1] for _worker in workers)
	published_at = time.time()
	expected = sent * 12
	like = f"{PREFIX}-%"
	count, last, still = 0, -1, time.time()
	while True:
		# a fresh snapshot of what the bridges committed
		frappe.db.commit()  # nosemgrep
		(count,) = frappe.db.sql(  # nosemgrep
			f"SELECT COUNT(*) FROM `{table}` WHERE creation >= %s AND device LIKE %s", (started_at, like)
		)[0]  # nosemgrep
		if count >= expected:
			break
		if count != last:
			last, still = count, time.time()
		elif time.time() - still > 120:
			break
		time.sleep(5)
	drained_at = time.time()
	cpu_after = {name: ps(pattern)[0] for name, pattern in PROCESSES.items()}
	for proc in procs:
		proc.send_signal(signal.SIGTERM)
	for proc in procs:
		proc.wait(timeout=60)
	broker.stop()
	stamps = frappe.db.sql(  # nosemgrep
		f"SELECT creation, COUNT(*) FROM `{table}` WHERE creation >= %s AND device LIKE %s GROUP BY creation ORDER BY creation",
		(started_at, like),
	)  # nosemgrep
	windows: dict[int, int] = {}
	origin = started_at.timestamp()
	for stamp, rows in stamps:
		windows[int((stamp.timestamp() - origin) // 10)] = (
			windows.get(int((stamp.timestamp() - origin) // 10), 0) + rows
		)
	burst_windows = [
		windows.get(w, 0) / 10
		for w in range(int((burst_start * 60 + 2) // 10), int(((burst_start + burst_minutes) * 60 + 2) // 10))
	]
	distinct = frappe.db.sql(  # nosemgrep
		f"SELECT COUNT(DISTINCT device, metric, reading_time) FROM `{table}` WHERE creation >= %s AND device LIKE %s",
		(started_at, like),
	)[0][0]  # nosemgrep
	floor = database_floor(frappe, min(expected, 240_000))
	return {
		"part": "ingest",
		**machine(),
		"devices": devices,
		"bridges": bridges,
		"publishers": publishers,
		"minutes": minutes,
		"burst": f"{burst_start}-{burst_start + burst_minutes} min at 10x",
		"messages_published": sent,
		"readings_expected": expected,
		"readings_stored": int(count),
		"distinct_keys": int(distinct),
		"lost": int(expected - count),
		"doubled": int(count - distinct),
		"offered_per_s_base": round(devices * 12 / 60),
		"offered_per_s_burst": round(devices * 12 / 6),
		"stored_per_s_in_burst_mean": round(sum(burst_windows) / max(1, len(burst_windows))),
		"stored_per_s_in_burst_min_10s": round(min(burst_windows or [0])),
		"stored_per_s_whole_run": round(count / max(1, drained_at - start)),
		"drained_seconds_after_publishing": round(drained_at - published_at, 1),
		"cpu_seconds": {name: round(cpu_after[name] - cpu_before[name], 1) for name in PROCESSES},
		"peak_rss_mb": {name: round(value) for name, value in peak_rss.items()},
		"baseline_database_floor_rows_per_s": floor,
	}


PROCESSES = {"bridges": "genset-telemetry-bridge", "mariadb": "mariadbd", "mosquitto": "mosquitto"}


def database_floor(frappe, rows: int) -> int:
	"""The same kind of rows, 6,000 a statement, inserted with nothing else: what the table takes."""
	from genset_service.telemetry.common import READING, insert_ignore
	from genset_service.telemetry.ingest import READING_COLUMNS

	stamp = datetime.datetime.now()
	values = [
		(
			f"floor-{secrets.token_hex(8)}",
			device_name(i % DEVICES),
			f"{PREFIX}-U-{i % DEVICES:05d}",
			"load_kw",
			stamp + datetime.timedelta(milliseconds=i),
			1.0,
			stamp,
			stamp,
			"Administrator",
			"Administrator",
		)
		for i in range(rows)
	]
	started = time.time()
	for index in range(0, rows, 6000):
		insert_ignore(READING, READING_COLUMNS, values[index : index + 6000])
		frappe.db.commit()  # nosemgrep
	seconds = time.time() - started
	frappe.db.sql(f"DELETE FROM `tab{READING}` WHERE name LIKE 'floor-%%'")  # nosemgrep
	frappe.db.commit()  # nosemgrep
	return round(rows / seconds)


# ------------------------------------------------------------------ an alarm to its request
def alarm(frappe, site: str, repeat: int = 5) -> dict:
	import paho.mqtt.client as mqtt
	from paho.mqtt.enums import CallbackAPIVersion

	run_id = secrets.token_hex(3)
	topic = f"tmba{run_id}/+/telemetry"
	bench = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
	bridge = subprocess.Popen(
		[
			os.path.join(bench, "env", "bin", "python"),
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			site,
			"genset-telemetry-bridge",
			"--client-id",
			f"tmba-{run_id}",
			"--json-topic",
			topic,
			"--sparkplug-topic",
			"",
			"--shared-group",
			"",
		],
		cwd=os.path.join(bench, "sites"),
		stdout=open("/tmp/tmb-alarm-bridge.log", "w"),
		stderr=subprocess.STDOUT,
	)
	time.sleep(8)
	client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"tmba-pub-{run_id}")
	client.connect(*BROKER)
	client.loop_start()
	times = []
	for attempt in range(repeat):
		device = device_name(DEVICES - 1 - attempt)
		unit = frappe.db.get_value("Genset Device", device, "unit")
		# a run before left its request open: closed, so that this alarm opens a new one
		frappe.db.set_value(
			"Genset Service Request",
			{"unit": unit, "channel": "Telemetry"},
			{"status": "Closed", "telemetry_key": None},
		)
		frappe.db.commit()  # nosemgrep
		sent = time.time()
		moment = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
		client.publish(
			topic.replace("+", device),
			json.dumps({"time": moment, "alarms": [{"code": "LOW_OIL_PRESSURE"}]}),
			qos=1,
		).wait_for_publish(10)
		while time.time() - sent < 30:
			# a fresh snapshot
			frappe.db.commit()  # nosemgrep
			request = frappe.db.get_value(
				"Genset Service Request",
				{"unit": unit, "channel": "Telemetry", "status": "Open"},
				["name", "task", "on_site_state"],
				as_dict=True,
			)
			if request and request.on_site_state == "Running":
				assignee = frappe.db.get_value("Genset Service Task", request.task, "assigned_to")
				if assignee and frappe.db.exists(
					"ToDo", {"reference_name": request.task, "allocated_to": assignee}
				):
					times.append(time.time() - sent)
					break
			time.sleep(0.05)
	client.loop_stop()
	bridge.send_signal(signal.SIGTERM)
	bridge.wait(timeout=60)
	times.sort()
	return {
		"part": "alarm",
		**machine(),
		"alarms": repeat,
		"assigned": len(times),
		"seconds_median": round(times[len(times) // 2], 2) if times else None,
		"seconds_max": round(max(times), 2) if times else None,
		"batch_wait_ms": 200,
	}


# ------------------------------------------------------------------ the pages of a year
def charts(frappe, url: str, repeat: int = 20) -> dict:
	"""A year of daily rollups (and today's raw hours) for the first bench genset, then its desk page and
	its portal page, timed over HTTP."""
	from genset_service.telemetry import model, rollup

	device, unit = device_name(0), f"{PREFIX}-U-00000"
	today = model.period_start(datetime.datetime.now(), model.DAY)
	rows = []
	for back in range(365, 0, -1):
		start = today - datetime.timedelta(days=back)
		rows += [
			model.Rollup(device, model.RUNNING_HOURS, model.DAY, start, 24, 1, 9, 5, 9, 1, 8),
			model.Rollup(device, model.LOAD_PERCENT, model.DAY, start, 96, 40, 90, 65, 70),
			model.Rollup(device, model.FUEL_LEVEL_PERCENT, model.DAY, start, 96, 20, 90, 50, 40),
			model.Rollup(device, model.BATTERY_VOLTAGE, model.DAY, start, 96, 24, 28, 27, 27),
		]
	rollup.write(rows, {device: unit})
	frappe.db.commit()  # nosemgrep

	def timed(opener, path: str) -> list[float]:
		out = []
		for _ in range(repeat):
			began = time.perf_counter()
			with opener.open(url + path, timeout=60) as answer:
				answer.read()
				assert answer.status == 200, answer.status
			out.append(time.perf_counter() - began)
		return sorted(out)

	def login(user: str, password: str):
		import http.cookiejar

		opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
		# no nginx here: the site by its header
		opener.addheaders = [("X-Frappe-Site-Name", frappe.local.site)]
		data = urllib.parse.urlencode({"usr": user, "pwd": password}).encode()
		opener.open(url + "/api/method/login", data=data, timeout=60).read()
		return opener

	desk, portal = login("Administrator", "admin"), login(PORTAL_USER, PASSWORD)
	quoted = urllib.parse.quote(unit)
	figures = {
		"desk_form_getdoc": timed(
			desk, f"/api/method/frappe.desk.form.load.getdoc?doctype=Genset%20Unit&name={quoted}"
		),
		"desk_telemetry_year": timed(
			desk, f"/api/method/genset_service.api.telemetry_v1.get_unit_telemetry?unit={quoted}&days=365"
		),
		"portal_genset_page": timed(portal, f"/my_gensets/{quoted}"),
		"portal_telemetry_year": timed(
			portal, f"/api/method/genset_service.api.telemetry_v1.get_unit_telemetry?unit={quoted}&days=365"
		),
	}
	return {
		"part": "charts",
		**machine(),
		"requests_each": repeat,
		**{f"{name}_p50_ms": round(values[len(values) // 2] * 1000) for name, values in figures.items()},
		**{
			f"{name}_p95_ms": round(values[int(len(values) * 0.95) - 1] * 1000)
			for name, values in figures.items()
		},
		"desk_page_p50_ms": round(
			(figures["desk_form_getdoc"][repeat // 2] + figures["desk_telemetry_year"][repeat // 2]) * 1000
		),
		"portal_page_p50_ms": round(
			(figures["portal_genset_page"][repeat // 2] + figures["portal_telemetry_year"][repeat // 2])
			* 1000
		),
	}


def remove(frappe) -> dict:
	tables = ("Genset Telemetry Reading", "Genset Telemetry Rollup", "Genset Telemetry Event")
	units = frappe.get_all("Genset Unit", filters={"name": ("like", f"{PREFIX}-U-%")}, pluck="name")
	for doctype in tables:
		frappe.db.delete(doctype, {"device": ("like", f"{PREFIX}-%")})
	requests = frappe.get_all(
		"Genset Service Request", filters={"unit": ("in", units or ["-"])}, pluck="name"
	)
	tasks = frappe.get_all("Genset Service Task", filters={"unit": ("in", units or ["-"])}, pluck="name")
	frappe.db.delete("ToDo", {"reference_name": ("in", tasks or ["-"])})
	frappe.db.delete("Genset Service Task", {"name": ("in", tasks or ["-"])})
	frappe.db.delete("Genset Service Request", {"name": ("in", requests or ["-"])})
	frappe.db.delete("Genset Running Hours Reading", {"unit": ("in", units or ["-"])})
	frappe.db.delete("Genset Device", {"name": ("like", f"{PREFIX}-%")})
	frappe.db.delete("Genset Unit", {"name": ("in", units or ["-"])})
	frappe.db.commit()  # nosemgrep
	return {"part": "remove", "units": len(units)}


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("part", choices=["setup", "run", "alarm", "charts", "remove"])
	parser.add_argument("--devices", type=int, default=DEVICES)
	parser.add_argument("--minutes", type=float, default=10)
	parser.add_argument("--burst-start", type=float, default=4)
	parser.add_argument("--burst-minutes", type=float, default=2)
	parser.add_argument("--bridges", type=int, default=2)
	parser.add_argument("--publishers", type=int, default=2)
	parser.add_argument("--url", default="http://127.0.0.1:8020")
	args = parser.parse_args()
	frappe = connect(args.site)
	if args.part == "setup":
		result = setup(frappe, args.devices)
	elif args.part == "run":
		result = run(
			frappe,
			args.site,
			args.minutes,
			args.burst_start,
			args.burst_minutes,
			args.bridges,
			args.publishers,
			args.devices,
		)
	elif args.part == "alarm":
		result = alarm(frappe, args.site)
	elif args.part == "charts":
		result = charts(frappe, args.url)
	else:
		result = remove(frappe)
	print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
	main()
