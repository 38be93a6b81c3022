"""Benchmark (c): the daily jobs over a site's lifetime of data.

A fleet of units with contracts and ten years of tasks (as the planner makes them: done in the past,
planned ahead, a day's worth falling due) is added with INSERT ... SELECT, at two sizes: 100,000 tasks
/ 5,000 units and 1,000,000 tasks / 50,000 units. At each size the daily and hourly jobs run
(status refresh, due surveys, escalation) and are timed, with their peak Python memory (tracemalloc):
goal under 60 s at the large size and memory flat in the number of tasks. The rows are removed after.

    ~/frappe-bench/env/bin/python benchmarks/daily_jobs.py --site bench.test
"""

import pathlib
import sys
import time
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bench_site import connect, prepare, report

import frappe

SIZES = ((5_000, 100_000), (50_000, 1_000_000))
UNITS_PER_CONTRACT = 50


def add_fleet(units: int, tasks: int) -> None:
	from genset_service.tests.utils import company, make_customer

	customer = frappe.db.escape(make_customer("_Bench Fleet Customer"))
	firm = frappe.db.escape(company())
	contracts = units // UNITS_PER_CONTRACT
	per_unit = tasks // units
	statements = (
		f"""insert into `tabGenset Service Contract` (name, creation, modified, owner, modified_by,
			docstatus, customer, company, status, start_date, end_date)
		select concat('BENCH-C-', seq), now(), now(), 'Administrator', 'Administrator', 1, {customer},
			{firm}, 'Active', curdate() - interval 5 year, curdate() + interval (seq mod 2000) day
		from (select cast(seq as signed) as seq from seq_1_to_{contracts}) s""",
		f"""insert into `tabGenset Unit` (name, creation, modified, owner, modified_by, docstatus,
			status, customer, company, item_code, contract, delivery_date, warranty_status, warranty_basis,
			warranty_start_date, warranty_end_date, base_warranty_end_date)
		select concat('BENCH-U-', seq), now(), now(), 'Administrator', 'Administrator', 0, 'Commissioned',
			{customer}, {firm}, '_Test Genset 100 kVA', concat('BENCH-C-', 1 + seq mod {contracts}),
			curdate() - interval (seq mod 3650) day, 'In Warranty', 'Commissioning',
			curdate() - interval (seq mod 3650) day, curdate() - interval (seq mod 3650) day + interval 2 year,
			curdate() - interval (seq mod 3650) day + interval 2 year
		from (select cast(seq as signed) as seq from seq_1_to_{units}) s""",
		# ten years a unit: the past done, the future planned, about a day's worth falling due today
		f"""insert into `tabGenset Service Task` (name, creation, modified, owner, modified_by, docstatus,
			service_type, status, occurrence, unit, contract, customer, company, due_from, due_to)
		select concat('BENCH-T-', seq), now(), now(), 'Administrator', 'Administrator', 0,
			elt(1 + seq mod 4, 'Maintenance', 'Regular Inspection', 'Customer Return Visit', 'Satisfaction Survey'),
			if(seq mod 3650 < 1825, 'Done', 'Planned'), 1 + seq div {units},
			concat('BENCH-U-', 1 + seq mod {units}), concat('BENCH-C-', 1 + (seq mod {units}) mod {contracts}),
			{customer}, {firm},
			curdate() + interval ((seq mod 3650) - 1825) day, curdate() + interval ((seq mod 3650) - 1825 + 14) day
		from (select cast(seq as signed) as seq from seq_1_to_{per_unit * units}) s""",
	)
	for statement in statements:
		frappe.db.sql(statement)  # nosemgrep (benchmark data)
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)


def remove_fleet() -> None:
	for doctype, prefix in (
		("Genset Satisfaction Survey", None),
		("Genset Service Task", "BENCH-T-"),
		("Genset Unit", "BENCH-U-"),
		("Genset Service Contract", "BENCH-C-"),
	):
		if prefix:
			frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{prefix}%")  # nosemgrep
		else:
			frappe.db.sql(f"delete from `tab{doctype}` where contract like 'BENCH-C-%%'")  # nosemgrep
	frappe.db.delete("Email Queue", {"reference_doctype": "Genset Satisfaction Survey"})
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)


def run_jobs() -> dict:
	from genset_service.scheduling.requests import escalate
	from genset_service.scheduling.status import refresh_statuses
	from genset_service.scheduling.voice import send_due_surveys

	figures = {}
	tracemalloc.start()
	for name, job in (
		("refresh_statuses", refresh_statuses),
		("send_due_surveys", send_due_surveys),
		("escalate", escalate),
	):
		tracemalloc.reset_peak()
		started = time.perf_counter()
		result = job()
		figures[name] = {
			"s": round(time.perf_counter() - started, 2),
			"peak_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1),
			**({"made": len(result)} if isinstance(result, list) else {}),
		}
	tracemalloc.stop()
	frappe.db.rollback()  # the jobs' changes are not kept: each size starts from the same state
	figures["total_s"] = round(sum(v["s"] for v in figures.values()), 2)
	return figures


def main() -> None:
	connect(__doc__)
	prepare()
	results = {}
	for units, tasks in SIZES:
		remove_fleet()
		add_fleet(units, tasks)
		try:
			results[tasks] = run_jobs()
		finally:
			remove_fleet()
		report(benchmark="c: daily jobs", units=units, tasks=tasks, **results[tasks])
	small, large = (results[t] for _u, t in SIZES)
	peak = max(v["peak_mb"] for k, v in large.items() if isinstance(v, dict))
	peak_small = max(v["peak_mb"] for k, v in small.items() if isinstance(v, dict))
	report(
		benchmark="c: daily jobs, goal",
		large_total_s=large["total_s"],
		peak_mb_at_100k_tasks=peak_small,
		peak_mb_at_1M_tasks=peak,
		goal="under 60 s over 1,000,000 tasks and 50,000 units; memory flat in the number of tasks",
		met=large["total_s"] < 60 and peak <= max(2 * peak_small, peak_small + 20),
	)


if __name__ == "__main__":
	main()
