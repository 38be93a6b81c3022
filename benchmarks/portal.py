"""Benchmark (d): the portal and the v1 API for a customer with 500 gensets.

The customer's 500 gensets and their plans (36 tasks each, 18,000 tasks) are added with
INSERT ... SELECT; then, as the customer's portal user, each page is rendered as the browser gets it
(``frappe.website.serve.get_response``) and each API method is called as the API calls it, several
times; the median server time is reported against the goal (under 300 ms a page). The rows are
removed after.

    ~/frappe-bench/env/bin/python benchmarks/portal.py --site bench.test
"""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bench_site import connect, median, prepare, report

import frappe

UNITS = 500
TASKS_PER_UNIT = 36
USER = "bench-portal@example.com"
CUSTOMER = "_Bench Portal Customer"


def add_customer_fleet() -> str:
	from genset_service.tests.utils import company, make_customer, make_portal_user

	customer = make_customer(CUSTOMER)
	make_portal_user(USER, customer)
	quoted, firm = frappe.db.escape(customer), frappe.db.escape(company())
	frappe.db.sql(  # nosemgrep (benchmark data)
		f"""insert into `tabGenset Unit` (name, creation, modified, owner, modified_by, docstatus, status,
			customer, company, item_code, item_name, serial_no, kva, delivery_date, warranty_status,
			warranty_basis, warranty_start_date, warranty_end_date, base_warranty_end_date, running_hours,
			site_address_display)
		select concat('BENCH-P-', lpad(seq, 4, '0')), now() - interval seq minute, now(), 'Administrator',
			'Administrator', 0, 'Commissioned', {quoted}, {firm}, '_Test Genset 100 kVA', 'Genset 100 kVA',
			NULL, 100, curdate() - interval seq day, 'In Warranty', 'Commissioning',
			curdate() - interval seq day, curdate() + interval 300 day, curdate() + interval 300 day,
			seq * 3, concat('Site ', seq, ', Industrial Road')
		from (select cast(seq as signed) as seq from seq_1_to_{UNITS}) s"""
	)
	frappe.db.sql(  # nosemgrep (benchmark data)
		f"""insert into `tabGenset Service Task` (name, creation, modified, owner, modified_by, docstatus,
			service_type, status, occurrence, unit, customer, company, due_from, due_to, completed_on)
		select concat('BENCH-PT-', seq), now(), now(), 'Administrator', 'Administrator', 0,
			elt(1 + seq mod 3, 'Maintenance', 'Regular Inspection', 'Customer Return Visit'),
			if(seq mod {TASKS_PER_UNIT} < 12, 'Done', 'Planned'), 1 + seq mod {TASKS_PER_UNIT},
			concat('BENCH-P-', lpad(1 + seq mod {UNITS}, 4, '0')), {quoted}, {firm},
			curdate() + interval ((seq mod {TASKS_PER_UNIT}) - 12) * 30 day,
			curdate() + interval ((seq mod {TASKS_PER_UNIT}) - 12) * 30 + 14 day,
			if(seq mod {TASKS_PER_UNIT} < 12, curdate() + interval ((seq mod {TASKS_PER_UNIT}) - 12) * 30 day, NULL)
		from (select cast(seq as signed) as seq from seq_1_to_{UNITS * TASKS_PER_UNIT}) s"""
	)
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)
	return customer


def remove_customer_fleet() -> None:
	frappe.db.sql("delete from `tabGenset Service Task` where name like 'BENCH-PT-%%'")  # nosemgrep
	frappe.db.sql("delete from `tabGenset Unit` where name like 'BENCH-P-%%'")  # nosemgrep
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)


def page_time(path: str, expect: str, repeat: int) -> tuple[float, int]:
	from frappe.utils import set_request
	from frappe.website.serve import get_response

	times, status = [], 0
	for _ in range(repeat):
		set_request(method="GET", path=path.split("?")[0], query_string=path.partition("?")[2])
		frappe.local.form_dict = frappe._dict(frappe.local.request.args)
		started = time.perf_counter()
		response = get_response(path.split("?")[0])
		times.append(time.perf_counter() - started)
		status = response.status_code
		assert expect in response.get_data(as_text=True), f"{path} does not show {expect!r}"
	return median(times), status


def api_time(method, repeat: int, **kwargs) -> float:
	times = []
	for _ in range(repeat):
		started = time.perf_counter()
		frappe.call(method, **kwargs)
		times.append(time.perf_counter() - started)
	return median(times)


def main() -> None:
	args = connect(__doc__)
	prepare()
	remove_customer_fleet()
	add_customer_fleet()
	repeat = max(args.repeat, 5)
	try:
		frappe.set_user(USER)
		from genset_service.api import v1

		figures = {}
		for label, path, expect in (
			("my_gensets page 1", "/my_gensets", "Page 1 of 25"),
			("my_gensets page 25 (last)", "/my_gensets?page=25", "Page 25 of 25"),
			("my_gensets search", "/my_gensets?q=BENCH-P-0420", "BENCH-P-0420"),
			("one genset", "/my_gensets/BENCH-P-0420", "Send request"),
			("service requests", "/my_service_requests", "service-requests"),
			("service history page 1", "/my_service_history", "Page 1 of"),
		):
			seconds, status = page_time(path, expect, repeat)
			figures[label] = {"ms": round(seconds * 1000), "status": status}
		today = frappe.utils.getdate()
		for label, method, kwargs in (
			("v1.get_unit_plan", v1.get_unit_plan, {"unit": "BENCH-P-0420"}),
			(
				"v1.get_upcoming_services (a year, all 500 gensets)",
				v1.get_upcoming_services,
				{"from_date": str(today), "to_date": str(frappe.utils.add_days(today, 365))},
			),
			(
				"frappe.client.get_count (permission-aware)",
				"genset_service.api.client.get_count",
				{"doctype": "Genset Unit"},
			),
			(
				"baseline: Frappe's own frappe.client.get_list of all 500 gensets",
				"frappe.client.get_list",
				{
					"doctype": "Genset Unit",
					"fields": ["name", "item_name", "warranty_status"],
					"limit_page_length": 0,
				},
			),
		):
			method = frappe.get_attr(method) if isinstance(method, str) else method
			figures[label] = {"ms": round(api_time(method, repeat, **kwargs) * 1000)}
		frappe.set_user("Administrator")
		worst = max(v["ms"] for k, v in figures.items() if not k.startswith("baseline"))
		report(
			benchmark="d: portal and v1 API for a customer with 500 gensets",
			units=UNITS,
			tasks=UNITS * TASKS_PER_UNIT,
			**figures,
			goal="under 300 ms server time a page",
			met=worst < 300 and all(v.get("status", 200) == 200 for v in figures.values()),
		)
	finally:
		frappe.set_user("Administrator")
		remove_customer_fleet()


if __name__ == "__main__":
	main()
