"""Shared by the benchmarks that run against a site: connect with the bench's Python, count SQL
statements, time, and make the data the app's test factories make.

Run a benchmark from anywhere with the bench's Python, naming a site made for benchmarks (it writes
data; never point it at a production site):

    ~/frappe-bench/env/bin/python benchmarks/documents.py --site bench.test

The bench is found through FRAPPE_BENCH_PATH (default ~/frappe-bench). Each script prints one JSON
line per figure, with the machine and the date.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import statistics
import time


def connect(description: str) -> argparse.Namespace:
	parser = argparse.ArgumentParser(description=description)
	parser.add_argument("--site", required=True)
	parser.add_argument("--repeat", type=int, default=3)
	parser.add_argument("--only", help="run only this part (a letter of the script's parts)")
	args = parser.parse_args()
	import frappe

	bench = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
	os.chdir(os.path.join(bench, "sites"))
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	return args


def prepare() -> None:
	"""Company, fiscal years, service team and records, as the app's tests have them (idempotent)."""
	import frappe

	from genset_service.tests.utils import before_tests, make_service_team, set_gate

	if not frappe.db.exists("Company", "_Test Genset Company"):
		before_tests()
	make_service_team()
	set_gate("Off")
	frappe.db.set_single_value("Genset Service Settings", "background_planning_threshold", 100_000)
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)


@contextlib.contextmanager
def measured():
	"""Wall time (s) and SQL statements of the block."""
	import frappe

	figures = {"sql": 0}
	original = frappe.db.sql

	def counting(*args, **kwargs):
		figures["sql"] += 1
		return original(*args, **kwargs)

	frappe.db.sql = counting
	started = time.perf_counter()
	try:
		yield figures
	finally:
		figures["s"] = time.perf_counter() - started
		frappe.db.sql = original


def median(values: list[float]) -> float:
	return round(statistics.median(values), 4)


def machine() -> dict:
	return {
		"machine": f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}",
		"date": datetime.date.today().isoformat(),
	}


def report(**figures) -> None:
	print(json.dumps({**figures, **machine()}, default=str), flush=True)
