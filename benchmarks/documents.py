"""Benchmarks (a) and (b): what the app adds to submitting Sales Orders and Delivery Notes.

(a) Sales Order of 10 genset lines against the same order of 10 other lines, on the site as it is and
    again after 1,000,000 tasks and 1,000,000 ToDos were added (goal: at most 1.3x, and no cost that
    grows with the site's history). The rows are added with one INSERT ... SELECT each and removed
    at the end.
(b) Delivery Note of 1, 10, 100 and 200 gensets, planned inline, against: the same note of other
    items; Frappe's raw ``bulk_insert`` of the same task and ToDo rows; ERPNext's Maintenance
    Schedule (generate + submit) for the same units and visits, as far as it finishes in 5 minutes
    (goals: at least 100x its visits/s at 100 units; SQL statements flat in the number of tasks; the
    app's added time within 1.5x of the raw bulk_insert).

    ~/frappe-bench/env/bin/python benchmarks/documents.py --site bench.test
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bench_site import connect, measured, median, prepare, report

import frappe

MS_BUDGET_S = 300
HISTORY = 1_000_000


def items():
	"""The genset and, beside it, a stock item that is not one (the app's test factory makes both)."""
	from genset_service.tests.utils import make_genset_item

	return make_genset_item("_Bench Genset 200 kVA"), make_genset_item(
		"_Bench Spare Alternator", genset=False
	)


def timed_submit(doc) -> dict:
	frappe.db.savepoint("bench")
	with measured() as figures:
		doc.submit()
	frappe.db.rollback(save_point="bench")
	return figures


def sales_order(item: str, lines: int):
	from genset_service.tests.utils import make_sales_order

	return make_sales_order([{"item_code": item, "qty": 1} for _ in range(lines)], submit=False)


def order_ratio(genset: str, other: str, repeat: int) -> dict:
	app, plain = [], []
	timed_submit(sales_order(genset, 10))  # warm caches (meta, items) before measuring
	timed_submit(sales_order(other, 10))
	for _ in range(max(repeat, 7)):  # alternating, median of 7 or more: orders take ~0.15 s
		app.append(timed_submit(sales_order(genset, 10))["s"])
		plain.append(timed_submit(sales_order(other, 10))["s"])
	return {"genset_s": median(app), "other_s": median(plain), "ratio": round(median(app) / median(plain), 2)}


def add_history() -> None:
	"""1,000,000 done tasks and 1,000,000 ToDos (2 % open, spread over the service team)."""
	users = frappe.get_all("User", filters={"name": ("like", "gs-%@example.com")}, pluck="name")
	frappe.db.sql(  # nosemgrep (benchmark data)
		f"""insert into `tabGenset Service Task` (name, creation, modified, owner, modified_by, docstatus,
			service_type, status, occurrence, due_from, due_to, customer)
		select concat('BENCH-T-', seq), now(), now(), 'Administrator', 'Administrator', 0,
			'Maintenance', 'Done', 1, curdate() - interval (seq mod 3650) day,
			curdate() - interval (seq mod 3650) day, NULL
		from (select cast(seq as signed) as seq from seq_1_to_{HISTORY}) s"""
	)
	frappe.db.sql(  # nosemgrep (benchmark data)
		f"""insert into `tabToDo` (name, creation, modified, owner, modified_by, docstatus, status,
			allocated_to, description, reference_type, reference_name, priority, date)
		select concat('BENCH-D-', seq), now(), now(), 'Administrator', 'Administrator', 0,
			if(seq mod 50 = 0, 'Open', 'Closed'), elt(1 + seq mod {len(users)}, {", ".join(frappe.db.escape(u) for u in users)}),
			'history', 'Genset Service Task', concat('BENCH-T-', seq), 'Medium', curdate()
		from (select cast(seq as signed) as seq from seq_1_to_{HISTORY}) s"""
	)
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)


def remove_history() -> None:
	frappe.db.sql("delete from `tabToDo` where name like 'BENCH-D-%%'")  # nosemgrep
	frappe.db.sql("delete from `tabGenset Service Task` where name like 'BENCH-T-%%'")  # nosemgrep
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)


def delivery(item: str, qty: int):
	from genset_service.tests.utils import make_delivery_note, make_sales_order

	order = make_sales_order([{"item_code": item, "qty": qty}])
	return make_delivery_note(order.name, submit=False)


def raw_insert_of(delivery_note: str) -> float:
	"""Frappe's bulk_insert of exactly the task and ToDo rows the app wrote for this note."""
	tasks = frappe.get_all("Genset Service Task", filters={"reference_name": delivery_note}, fields=["*"])
	names = [t.name for t in tasks]
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Genset Service Task", "reference_name": ("in", names or [""])},
		fields=["*"],
	)
	frappe.db.sql("delete from `tabToDo` where name in %s", [[t.name for t in todos] or [""]])  # nosemgrep
	frappe.db.sql("delete from `tabGenset Service Task` where name in %s", [names or [""]])  # nosemgrep
	with measured() as figures:
		for doctype, rows in (("Genset Service Task", tasks), ("ToDo", todos)):
			if rows:
				fields = list(rows[0])
				frappe.db.bulk_insert(doctype, fields, [[row[f] for f in fields] for row in rows])
	return figures["s"]


def maintenance_schedule(item: str, units: int, visits: int, engineer: str) -> dict:
	"""ERPNext's Maintenance Schedule for the same units and visits: generate + submit."""
	from genset_service.tests.utils import company, make_customer

	doc = frappe.get_doc(
		{
			"doctype": "Maintenance Schedule",
			"customer": make_customer(),
			"company": company(),
			"transaction_date": frappe.utils.nowdate(),
			"items": [
				{
					"item_code": item,
					"start_date": frappe.utils.nowdate(),
					"end_date": frappe.utils.add_days(frappe.utils.nowdate(), 30 * visits + 1),
					"periodicity": "Monthly",
					"no_of_visits": visits,
					"sales_person": engineer,
				}
				for _ in range(units)
			],
		}
	)
	frappe.db.savepoint("bench_ms")
	with measured() as figures:
		doc.insert()
		doc.submit()
	frappe.db.rollback(save_point="bench_ms")
	figures["visits"] = len(doc.schedules)
	return figures


def sales_person() -> str:
	if not frappe.db.exists("Sales Person", "_Bench Engineer"):
		frappe.get_doc(
			{
				"doctype": "Sales Person",
				"sales_person_name": "_Bench Engineer",
				"parent_sales_person": "Sales Team",
			}
		).insert(ignore_permissions=True)
	return "_Bench Engineer"


def deliveries(genset: str, other: str, repeat: int) -> None:
	"""(b) Delivery Notes of 1, 10, 100 and 200 gensets."""
	engineer = sales_person()
	ms_spent, last_ms = 0.0, None
	for qty in (1, 10, 100, 200):
		app, plain, raw, sql = [], [], [], []
		tasks = todos = 0
		for _ in range(repeat):
			note = delivery(genset, qty)
			frappe.db.savepoint("bench_dn")
			with measured() as figures:
				note.submit()
			app.append(figures["s"])
			sql.append(figures["sql"])
			tasks = frappe.db.count("Genset Service Task", {"reference_name": note.name})
			todos = frappe.db.count(
				"ToDo",
				{
					"reference_type": "Genset Service Task",
					"status": "Open",
					"reference_name": (
						"in",
						frappe.get_all("Genset Service Task", {"reference_name": note.name}, pluck="name")
						or [""],
					),
				},
			)
			raw.append(raw_insert_of(note.name))
			frappe.db.rollback(save_point="bench_dn")
			plain.append(timed_submit(delivery(other, qty))["s"])
		added = median(app) - median(plain)
		row = {
			"gensets": qty,
			"tasks": tasks,
			"todos": todos,
			"with_app_s": median(app),
			"same_note_other_items_s": median(plain),
			"app_added_s": round(added, 4),
			"raw_bulk_insert_s": median(raw),
			"added_vs_raw": round(added / median(raw), 2) if median(raw) else None,
			"sql_statements": int(median(sql)),
			"tasks_per_s": round(tasks / median(app)),
		}
		visits_per_unit = round(tasks / qty)
		# ERPNext's schedule grows quadratically: run it only if it should end within the budget left
		predicted = last_ms["s"] * (qty * visits_per_unit / last_ms["visits"]) ** 2 if last_ms else 0
		if ms_spent + predicted < MS_BUDGET_S:
			ms = last_ms = maintenance_schedule(genset, qty, visits_per_unit, engineer)
			ms_spent += ms["s"]
			row["maintenance_schedule"] = {
				"visits": ms["visits"],
				"s": round(ms["s"], 2),
				"sql_statements": ms["sql"],
				"visits_per_s": round(ms["visits"] / ms["s"]),
			}
			row["speedup_vs_maintenance_schedule"] = round(
				row["tasks_per_s"] / row["maintenance_schedule"]["visits_per_s"], 1
			)
		else:
			row["maintenance_schedule"] = (
				f"not run: at its measured growth it would take about {round(predicted)} s "
				f"({round(ms_spent)} s of the {MS_BUDGET_S} s budget spent)"
			)
			# its speed here is at most its speed at the largest size it finished
			row["speedup_vs_maintenance_schedule_at_least"] = round(
				row["tasks_per_s"] / (last_ms["visits"] / last_ms["s"]), 1
			)
		report(benchmark="b: Delivery Note planned inline", **row)


def main() -> None:
	args = connect(__doc__)
	prepare()
	genset, other = items()
	frappe.db.commit()  # nosemgrep (a benchmark script, run on its own, commits its own data)

	if args.only in (None, "a"):
		# (a) the order, on the site as it is, then with a long history
		before = order_ratio(genset, other, args.repeat)
		remove_history()
		add_history()
		try:
			after = order_ratio(genset, other, args.repeat)
		finally:
			remove_history()
		report(
			benchmark="a: Sales Order of 10 genset lines vs 10 other lines",
			site_as_is=before,
			with_1M_tasks_and_1M_todos=after,
			goal="at most 1.3x; no growth with history",
			met=after["ratio"] <= 1.3 and after["genset_s"] <= before["genset_s"] * 1.3,
		)

	if args.only in (None, "b"):
		deliveries(genset, other, args.repeat)
	frappe.db.rollback()


if __name__ == "__main__":
	main()
