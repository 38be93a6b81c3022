"""Benchmark (j): ERPNext's Update Items on a submitted Sales Order of 10 lines, with and without the app.

The same change is made to an order of 10 genset lines (the app moves the pre-shipment inspections of
the re-dated lines, plans the added line, cancels the removed line's tasks and updates the contract)
and to the same order of 10 other lines (the app reads the order and finds no genset: its baseline is
ERPNext's own work). The change: 8 lines re-dated by 15 days, 1 line removed, 1 line added. After one
warm-up of each, the median of 7 alternating runs; every change is rolled back.

    ~/frappe-bench/env/bin/python benchmarks/update_items.py --site bench.test
"""

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from bench_site import connect, measured, median, prepare, report

import frappe


def items():
	from genset_service.tests.utils import make_genset_item

	return make_genset_item("_Bench Genset 200 kVA"), make_genset_item(
		"_Bench Spare Alternator", genset=False
	)


def submitted_order(item: str):
	from genset_service.tests.utils import make_sales_order

	return make_sales_order([{"item_code": item, "qty": 1} for _ in range(10)])


def change(order) -> list[dict]:
	"""8 lines re-dated by 15 days, the last line removed, a new line added."""
	rows = [
		{
			"docname": row.name,
			"item_code": row.item_code,
			"qty": row.qty,
			"rate": row.rate,
			"conversion_factor": 1,
			"uom": row.uom,
			"delivery_date": frappe.utils.add_days(row.delivery_date, 15 if index < 8 else 0),
		}
		for index, row in enumerate(order.items[:9])
	]
	rows.append(
		{
			"item_code": order.items[0].item_code,
			"qty": 2,
			"rate": 1000,
			"conversion_factor": 1,
			"delivery_date": frappe.utils.add_days(order.items[0].delivery_date, 30),
		}
	)
	return rows


def timed_update(item: str) -> dict:
	from erpnext.controllers.accounts_controller import update_child_qty_rate

	frappe.db.savepoint("bench_ui")
	order = submitted_order(item)
	rows = json.dumps(change(order), default=str)
	with measured() as figures:
		update_child_qty_rate("Sales Order", rows, order.name)
	frappe.db.rollback(save_point="bench_ui")
	return figures


def main() -> None:
	args = connect(__doc__)
	prepare()
	genset, other = items()
	timed_update(genset)  # warm caches (meta, items, rules) before measuring
	timed_update(other)
	app, plain, app_sql, plain_sql = [], [], [], []
	for _ in range(max(args.repeat, 7)):
		figures = timed_update(genset)
		app.append(figures["s"])
		app_sql.append(figures["sql"])
		figures = timed_update(other)
		plain.append(figures["s"])
		plain_sql.append(figures["sql"])
	report(
		benchmark="j: Update Items on a 10-line Sales Order",
		genset_lines_s=median(app),
		other_lines_s=median(plain),
		ratio=round(median(app) / median(plain), 2),
		app_added_s=round(median(app) - median(plain), 4),
		genset_lines_sql=int(median(app_sql)),
		other_lines_sql=int(median(plain_sql)),
	)


if __name__ == "__main__":
	main()
