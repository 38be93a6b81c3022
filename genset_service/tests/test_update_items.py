"""ERPNext's Update Items on a submitted Sales Order: the contract's rows and the order's plan follow
(re-dated lines move their open tasks, added lines get theirs, removed lines lose their open ones)."""

import json

import frappe
from frappe.utils import add_days, add_months, getdate

from genset_service.planning import TaskStatus
from genset_service.scheduling.common import CONTRACT, TASK
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_genset_item,
	make_sales_order,
)

test_ignore = TEST_IGNORE
CONTRACT_ITEM = "Genset Service Contract Item"


def update_items(order, rows: list[dict]):
	"""What the form's Update Items dialog sends."""
	from erpnext.controllers.accounts_controller import update_child_qty_rate

	update_child_qty_rate("Sales Order", json.dumps(rows, default=str), order.name)
	return frappe.get_doc("Sales Order", order.name)


class TestUpdateItems(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.big = make_genset_item("_Test Genset 500 kVA")
		self.order = make_sales_order(
			[
				{"item_code": self.genset, "qty": 2, "delivery_date": add_days(self.today, 20)},
				{"item_code": self.big, "qty": 1, "delivery_date": add_days(self.today, 30)},
			]
		)
		self.contract = frappe.db.get_value(CONTRACT, {"sales_order": self.order.name})
		self.a, self.b = (row.name for row in self.order.items)

	def line_tasks(self, line, status=TaskStatus.OPEN):
		return frappe.get_all(
			TASK,
			filters={"plan_key": ("like", f"{self.contract}:{line}:%"), "status": ("in", status)},
			fields=["name", "service_type", "due_from", "due_to", "status"],
		)

	def row(self, line, **values):
		row = next(r for r in self.order.items if r.name == line)
		return {
			"docname": row.name,
			"item_code": row.item_code,
			"qty": row.qty,
			"rate": row.rate,
			"delivery_date": row.delivery_date,
			"conversion_factor": 1,
			"uom": row.uom,
			**values,
		}

	def test_re_dated_added_and_removed_lines_move_the_plan(self):
		before_a = {t.service_type: t for t in self.line_tasks(self.a)}
		self.assertIn("Pre-shipment Inspection", before_a)
		removed = [t.name for t in self.line_tasks(self.b)]
		self.assertTrue(removed)
		new_date = add_days(self.today, 50)
		order = update_items(
			self.order,
			[
				self.row(self.a, delivery_date=new_date, qty=3),
				# a new genset line; the 500 kVA line is removed
				{
					"item_code": self.big,
					"qty": 2,
					"rate": 1000,
					"delivery_date": add_days(self.today, 25),
					"conversion_factor": 1,
				},
			],
		)
		added = next(row.name for row in order.items if row.name not in (self.a, self.b))

		# the re-dated line's open tasks moved by the same 30 days
		after_a = {t.service_type: t for t in self.line_tasks(self.a)}
		self.assertEqual(set(after_a), set(before_a))
		self.assertEqual({t.name for t in after_a.values()}, {t.name for t in before_a.values()})
		inspection = after_a["Pre-shipment Inspection"]
		self.assertEqual(
			getdate(inspection.due_to), add_days(getdate(before_a["Pre-shipment Inspection"].due_to), 30)
		)
		# the removed line lost its open tasks, the added line got its own
		self.assertEqual(self.line_tasks(self.b), [])
		self.assertEqual(
			set(frappe.get_all(TASK, filters={"name": ("in", removed)}, pluck="status")),
			{TaskStatus.CANCELLED},
		)
		self.assertEqual({t.service_type for t in self.line_tasks(added)}, set(before_a))
		# the contract's rows follow the order: qty, dates, the lines themselves, and its estimated end
		rows = {
			r.so_detail: r
			for r in frappe.get_all(
				CONTRACT_ITEM, filters={"parent": self.contract}, fields=["so_detail", "qty", "delivery_date"]
			)
		}
		self.assertEqual(set(rows), {self.a, added})
		self.assertEqual((rows[self.a].qty, getdate(rows[self.a].delivery_date)), (3, new_date))
		self.assertEqual(
			getdate(frappe.db.get_value(CONTRACT, self.contract, "end_date")), add_months(new_date, 24)
		)
		# the removed line's ToDos are closed
		self.assertFalse(
			frappe.db.exists(
				"ToDo",
				{
					"reference_name": (
						"in",
						[t.name for t in self.line_tasks(self.b, [TaskStatus.CANCELLED])],
					),
					"status": "Open",
				},
			)
		)

	def test_a_done_task_never_moves(self):
		done = next(t for t in self.line_tasks(self.a) if t.service_type == "Pre-shipment Inspection")
		frappe.db.set_value(TASK, done.name, {"status": TaskStatus.DONE, "completed_on": self.today})
		update_items(self.order, [self.row(self.a, delivery_date=add_days(self.today, 60)), self.row(self.b)])
		self.assertEqual(
			frappe.db.get_value(TASK, done.name, ["status", "due_to"]),
			(TaskStatus.DONE, getdate(done.due_to)),
		)

	def test_a_rate_change_moves_nothing(self):
		tasks = {t.name: (t.due_from, t.due_to) for t in self.line_tasks(self.a) + self.line_tasks(self.b)}
		update_items(self.order, [self.row(self.a, rate=1500), self.row(self.b)])
		self.assertEqual(
			{t.name: (t.due_from, t.due_to) for t in self.line_tasks(self.a) + self.line_tasks(self.b)}, tasks
		)
