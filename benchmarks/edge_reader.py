"""Benchmark (n): the edge reader on this machine, with no site (the reader needs none).

1. **Load** (``load``): one reader polling ``--controllers`` (50) controllers each second for
   ``--seconds`` (120), against pymodbus's own simulator serving the DSE fixture (one simulator
   process, each controller a Modbus unit id of it), publishing to a Mosquitto of its own; the reader's
   CPU (its share of one core) and memory (resident, peak) measured from /proc, the messages published
   and received counted. Baseline in the same run: the same reads with pymodbus alone (no decoding, no
   buffer, no MQTT), for what reading itself costs.
2. **Outage** (``outage``): one controller read every second; the broker stopped for ``--minutes`` (10)
   and started again; at the end every reading must have arrived once, in order, at a subscriber whose
   session outlived the restart.

    pip install "./edge_reader[test]"
    python3 benchmarks/edge_reader.py load
    python3 benchmarks/edge_reader.py outage --minutes 10

Each part prints one JSON line of figures with the machine and the date.
"""

import argparse
import asyncio
import datetime
import json
import os
import pathlib
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
EDGE = HERE.parent / "edge_reader"
sys.path.insert(0, str(EDGE))

from tests.test_end_to_end import Broker, Simulator, Subscriber, free_port, wait_port


def machine() -> dict:
	return {
		"machine": f"{platform.machine()}, {os.cpu_count()} cores",
		"date": datetime.date.today().isoformat(),
	}


def proc_stats(pid: int) -> tuple[float, float]:
	"""CPU seconds and resident MB of a process."""
	tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
	with open(f"/proc/{pid}/stat") as fh:
		fields = fh.read().rsplit(")", 1)[1].split()
	return (int(fields[11]) + int(fields[12])) / tick, int(fields[21]) * page / 2**20


def reader_config(
	folder: pathlib.Path, broker: int, modbus: int, controllers: int, interval: float
) -> pathlib.Path:
	lines = [
		'reader_id = "bench"',
		f'[mqtt]\nhost = "127.0.0.1"\nport = {broker}',
		f'[buffer]\npath = "{folder / "buffer.sqlite"}"\nmax_messages = 1000000',
		"[status]\nevery = 5",
	]
	for index in range(controllers):
		lines.append(
			f'[[controller]]\ndevice = "BENCH-DSE-{index:03d}"\nmap = "dse_gencomm"\nhost = "127.0.0.1"\n'
			f"port = {modbus}\nunit_id = {index % 247 + 1}\ninterval = {interval}"
		)
	path = folder / "reader.toml"
	path.write_text("\n".join(lines) + "\n")
	return path


def load(controllers: int, seconds: float) -> dict:
	with tempfile.TemporaryDirectory() as tmp:
		folder = pathlib.Path(tmp)
		broker, simulator = Broker(), Simulator("dse_raw.json")
		broker.start()
		simulator.start()
		subscriber = Subscriber(broker.port, "genset/+/telemetry")
		baseline = asyncio.run(plain_reads(simulator.port, controllers, min(seconds, 30)))
		config = reader_config(folder, broker.port, simulator.port, controllers, 1.0)
		reader = subprocess.Popen(
			[sys.executable, "-m", "genset_edge", "--config", str(config)],
			stdout=open(folder / "reader.log", "w"),
			stderr=subprocess.STDOUT,
			cwd=str(EDGE),
		)
		time.sleep(5)  # connected and in step
		cpu0, _rss = proc_stats(reader.pid)
		received0, started = len(subscriber.messages), time.time()
		peak = 0.0
		while time.time() - started < seconds:
			peak = max(peak, proc_stats(reader.pid)[1])
			time.sleep(1)
		cpu1, rss = proc_stats(reader.pid)
		elapsed = time.time() - started
		received = len(subscriber.messages) - received0
		reader.send_signal(signal.SIGTERM)
		reader.wait(timeout=30)
		subscriber.close()
		simulator.stop()
		broker.stop()
		return {
			"part": "load",
			**machine(),
			"controllers": controllers,
			"interval_s": 1,
			"seconds": round(elapsed),
			"messages_received_per_s": round(received / elapsed, 1),
			"expected_per_s": controllers,
			"reader_cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / elapsed, 1),
			"reader_rss_mb": round(rss, 1),
			"reader_rss_peak_mb": round(peak, 1),
			"baseline_pymodbus_reads_only_cpu_percent": baseline["cpu_percent"],
			"baseline_reads_per_s": baseline["reads_per_s"],
		}


async def plain_reads(port: int, controllers: int, seconds: float) -> dict:
	"""The floor: the same register blocks of every controller each second, with pymodbus alone."""
	from genset_edge.registers import load_map
	from pymodbus.client import AsyncModbusTcpClient

	blocks = load_map("dse_gencomm").blocks()
	clients = [AsyncModbusTcpClient("127.0.0.1", port=port, timeout=3) for _ in range(controllers)]
	for client in clients:
		await client.connect()
	start_cpu, start = time.process_time(), time.time()
	reads = 0
	while time.time() - start < seconds:
		tick = time.time()
		for index, client in enumerate(clients):
			for first, count in blocks:
				await client.read_holding_registers(first, count=count, device_id=index % 247 + 1)
			reads += 1
		await asyncio.sleep(max(0.0, 1 - (time.time() - tick)))
	elapsed = time.time() - start
	for client in clients:
		client.close()
	return {
		"cpu_percent": round(100 * (time.process_time() - start_cpu) / elapsed, 1),
		"reads_per_s": round(reads / elapsed, 1),
	}


def outage(minutes: float) -> dict:
	with tempfile.TemporaryDirectory() as tmp:
		folder = pathlib.Path(tmp)
		broker, simulator = Broker(), Simulator("dse_raw.json")
		broker.start()
		simulator.start()
		subscriber = Subscriber(broker.port, "genset/+/telemetry")
		config = reader_config(folder, broker.port, simulator.port, 1, 1.0)
		reader = subprocess.Popen(
			[sys.executable, "-m", "genset_edge", "--config", str(config)],
			stdout=open(folder / "reader.log", "w"),
			stderr=subprocess.STDOUT,
			cwd=str(EDGE),
		)
		time.sleep(10)
		broker.stop()
		stopped = time.time()
		time.sleep(minutes * 60)
		broker.start()
		back = time.time()
		db = folder / "buffer.sqlite"

		def depth() -> int:
			with sqlite3.connect(db) as conn:
				return conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

		waiting = depth()
		while depth() > 2 and time.time() - back < 300:
			time.sleep(1)
		drained = time.time() - back
		time.sleep(5)
		reader.send_signal(signal.SIGTERM)
		reader.wait(timeout=30)
		with sqlite3.connect(db) as conn:
			meta = dict(
				conn.execute("SELECT key, value FROM meta WHERE key IN ('sent', 'dropped')").fetchall()
			)
			left = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
		# the subscriber reconnects on its own schedule; its session kept what was sent meanwhile
		sent_now = int(meta.get("sent", 0))
		subscriber.wait(lambda m: len({body["time"] for _t, body in m}) >= sent_now, timeout=180)
		received_after = time.time() - back
		times = [body["time"] for _topic, body in subscriber.messages]
		first_seen = list(dict.fromkeys(times))
		subscriber.close()
		simulator.stop()
		broker.stop()
		sent = int(meta.get("sent", 0))
		return {
			"part": "outage",
			**machine(),
			"broker_away_minutes": minutes,
			"readings_waiting_when_back": waiting,
			"drained_seconds": round(drained, 1),
			"readings_sent": sent,
			"readings_received_distinct": len(first_seen),
			"received_twice": len(times) - len(first_seen),
			"in_order": first_seen == sorted(first_seen),
			"lost": sent - len(first_seen),
			"dropped_by_the_cap": int(meta.get("dropped", 0)),
			"left_in_buffer": left,
			"seconds_away": round(back - stopped),
			"subscriber_had_all_after_s": round(received_after, 1),
		}


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("part", choices=["load", "outage"])
	parser.add_argument("--controllers", type=int, default=50)
	parser.add_argument("--seconds", type=float, default=120)
	parser.add_argument("--minutes", type=float, default=10)
	args = parser.parse_args()
	result = load(args.controllers, args.seconds) if args.part == "load" else outage(args.minutes)
	print(json.dumps(result), flush=True)


if __name__ == "__main__":
	main()
