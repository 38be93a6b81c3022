"""End to end: a Sales Order and its Delivery Note plan the whole after-sales service."""

from collections import Counter

import frappe
from frappe.utils import add_days, add_months, getdate

from genset_service.planning import TaskStatus, plan_unit
from genset_service.scheduling.common import CONTRACT, TASK, UNIT, get_rules, terms_of
from genset_service.scheduling.unit import unit_events
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivery_note,
	make_genset_item,
	make_sales_order,
	receive_serials,
)

test_ignore = TEST_IGNORE

# per unit with the default catalogue and 12/6/6-month terms over a 24-month term
PER_UNIT = {
	"Logistics Tracking": 1,
	"Arrival Acceptance": 1,
	"Installation and Commissioning": 1,
	"Operation Training": 1,
	"Warranty Service": 1,
	"Regular Inspection": 4,
	"Maintenance": 4,
	"Customer Return Visit": 8,
	"Satisfaction Survey": 4,
	"Extended Warranty Offer": 1,
}
PER_UNIT_TOTAL = sum(PER_UNIT.values())


def live_tasks(**filters):
	return frappe.get_all(
		TASK,
		filters={**filters, "status": ("!=", TaskStatus.CANCELLED)},
		fields=["name", "service_type", "status", "due_from", "due_to", "assigned_to", "unit", "plan_key"],
	)


def count_queries(action) -> int:
	count = 0
	original = frappe.db.__class__.sql

	def counting(self, *args, **kwargs):
		nonlocal count
		count += 1
		return original(self, *args, **kwargs)

	frappe.db.__class__.sql = counting
	try:
		action()
	finally:
		frappe.db.__class__.sql = original
	return count


class TestAfterSalesPlan(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.cable = make_genset_item("_Test Genset Cable", genset=False)

	def test_order_and_delivery_of_two_gensets_plan_everything(self):
		delivery_date = add_days(self.today, 20)
		order = make_sales_order(
			[
				{"item_code": self.genset, "qty": 2, "delivery_date": delivery_date},
				{"item_code": self.cable, "qty": 5, "delivery_date": delivery_date},
			]
		)

		# one contract, for the genset line only, with the item's terms
		contracts = frappe.get_all(
			CONTRACT, filters={"sales_order": order.name}, fields=["name", "docstatus", "status"]
		)
		self.assertEqual(len(contracts), 1)
		self.assertEqual((contracts[0].docstatus, contracts[0].status), (1, "Active"))
		contract = frappe.get_doc(CONTRACT, contracts[0].name)
		self.assertEqual([row.item_code for row in contract.items], [self.genset])
		self.assertEqual(
			(
				contract.items[0].warranty_months,
				contract.items[0].inspection_interval_months,
				contract.items[0].contract_months,
			),
			(12, 6, 24),
		)

		# services 2 and 3 planned by the order
		order_tasks = {t.service_type: t for t in live_tasks(reference_name=order.name)}
		self.assertEqual(set(order_tasks), {"Contract Confirmation", "Pre-shipment Inspection"})
		self.assertEqual(order_tasks["Contract Confirmation"].status, TaskStatus.DONE)
		pre_shipment = order_tasks["Pre-shipment Inspection"]
		self.assertEqual(
			(getdate(pre_shipment.due_from), getdate(pre_shipment.due_to)),
			(add_days(delivery_date, -2), add_days(delivery_date, -1)),
		)
		self.assertEqual(pre_shipment.assigned_to, self.team["Technical Engineer"])
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_name": pre_shipment.name,
					"allocated_to": self.team["Technical Engineer"],
					"status": "Open",
				},
			)
		)

		delivery = make_delivery_note(order.name)
		units = frappe.get_all(
			UNIT, filters={"delivery_note": delivery.name}, fields=["*"], order_by="unit_index"
		)
		self.assertEqual(len(units), 2)
		posting = getdate(delivery.posting_date)
		for unit in units:
			self.assertEqual(unit.contract, contract.name)
			self.assertEqual(unit.customer, order.customer)
			self.assertEqual(getdate(unit.delivery_date), posting)
			self.assertEqual(getdate(unit.expected_arrival_date), add_days(posting, 7))
			# until commissioning is recorded the warranty is assumed to start at the fallback
			self.assertEqual(
				(getdate(unit.warranty_start_date), unit.warranty_basis),
				(getdate(add_months(posting, 6)), "Fallback"),
			)
			self.assertEqual(getdate(unit.warranty_end_date), getdate(add_months(posting, 18)))

			tasks = live_tasks(unit=unit.name)
			self.assertEqual(Counter(t.service_type for t in tasks), Counter(PER_UNIT))
			# the stored plan is exactly the planner's, date for date
			expected = plan_unit(
				get_rules(), terms_of(unit), unit_events(frappe.get_doc(UNIT, unit.name)), unit.name
			)
			self.assertEqual(
				{(t.plan_key, getdate(t.due_from), getdate(t.due_to)) for t in tasks},
				{(o.key, o.due_from, o.due_to) for o in expected.occurrences},
			)
			roles = dict(
				frappe.get_all(
					TASK, filters={"unit": unit.name}, fields=["name", "responsible_role"], as_list=True
				)
			)
			for task in tasks:
				# every open task is assigned to a user holding its responsible role
				self.assertIn(roles[task.name], frappe.get_roles(task.assigned_to), task.service_type)
			install = next(t for t in tasks if t.service_type == "Installation and Commissioning")
			self.assertEqual(
				(getdate(install.due_from), getdate(install.due_to)),
				(add_days(posting, 8), add_days(posting, 10)),
			)

		self.assertEqual(
			getdate(frappe.db.get_value(CONTRACT, contract.name, "end_date")),
			getdate(add_months(add_days(posting, 10), 24)),
		)

	def test_an_order_without_gensets_gets_nothing(self):
		order = make_sales_order([{"item_code": self.cable, "qty": 3}])
		delivery = make_delivery_note(order.name)
		self.assertFalse(frappe.db.exists(CONTRACT, {"sales_order": order.name}))
		self.assertFalse(frappe.db.exists(TASK, {"reference_name": ("in", [order.name, delivery.name])}))
		self.assertFalse(frappe.db.exists(UNIT, {"delivery_note": delivery.name}))

	def test_partial_deliveries_plan_only_the_units_delivered(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 3}])
		first = make_delivery_note(order.name, qty={self.genset: 1})
		self.assertEqual(frappe.db.count(UNIT, {"sales_order": order.name}), 1)
		self.assertEqual(len(live_tasks(reference_name=first.name)), PER_UNIT_TOTAL)

		second = make_delivery_note(order.name)
		self.assertEqual(second.items[0].qty, 2)
		units = frappe.get_all(UNIT, filters={"sales_order": order.name}, pluck="name")
		self.assertEqual(len(units), 3)
		tasks = live_tasks(unit=("in", units))
		self.assertEqual(len(tasks), 3 * PER_UNIT_TOTAL)
		self.assertEqual(len({t.plan_key for t in tasks}), len(tasks))
		self.assertEqual(frappe.db.count(CONTRACT, {"sales_order": order.name}), 1)

	def test_cancel_delivery_keeps_done_tasks_and_amend_replans_without_duplicates(self):
		from genset_service.api.plan import complete_task

		order = make_sales_order([{"item_code": self.genset, "qty": 2}])
		delivery = make_delivery_note(order.name)
		units = frappe.get_all(UNIT, filters={"delivery_note": delivery.name}, pluck="name")
		logistics = frappe.get_all(
			TASK, filters={"unit": units[0], "service_type": "Logistics Tracking"}, pluck="name"
		)[0]
		complete_task(logistics, notes="Truck tracked to site")

		delivery.reload()
		delivery.cancel()
		self.assertEqual(
			set(frappe.get_all(UNIT, filters={"delivery_note": delivery.name}, pluck="status")), {"Cancelled"}
		)
		statuses = Counter(frappe.get_all(TASK, filters={"unit": ("in", units)}, pluck="status"))
		self.assertEqual(
			statuses, Counter({TaskStatus.CANCELLED: 2 * PER_UNIT_TOTAL - 1, TaskStatus.DONE: 1})
		)
		self.assertFalse(
			frappe.db.exists(
				"ToDo", {"reference_type": TASK, "reference_name": ("in", [logistics]), "status": "Open"}
			)
		)
		open_todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": TASK, "status": "Open"},
			or_filters={
				"reference_name": ("in", frappe.get_all(TASK, filters={"unit": ("in", units)}, pluck="name"))
			},
			pluck="name",
		)
		self.assertEqual(open_todos, [])

		amended = frappe.copy_doc(delivery)
		amended.docstatus = 0
		amended.amended_from = delivery.name
		amended.insert(ignore_permissions=True)
		amended.submit()
		new_units = frappe.get_all(UNIT, filters={"delivery_note": amended.name}, pluck="name")
		self.assertEqual(len(new_units), 2)
		live_units = frappe.get_all(
			UNIT, filters={"sales_order": order.name, "status": ("!=", "Cancelled")}, pluck="name"
		)
		self.assertEqual(sorted(live_units), sorted(new_units))
		open_tasks = frappe.get_all(
			TASK,
			filters={
				"contract": ("is", "set"),
				"unit": ("in", units + new_units),
				"status": ("in", TaskStatus.OPEN),
			},
		)
		self.assertEqual(len(open_tasks), 2 * PER_UNIT_TOTAL)

	def test_cancel_and_amend_order_keeps_one_live_contract(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		first = frappe.db.get_value(CONTRACT, {"sales_order": order.name}, "name")
		order.reload()
		order.cancel()
		self.assertEqual(frappe.db.get_value(CONTRACT, first, ["docstatus", "status"]), (2, "Cancelled"))
		self.assertEqual(
			set(frappe.get_all(TASK, filters={"reference_name": order.name}, pluck="status")),
			{TaskStatus.DONE, TaskStatus.CANCELLED},
		)

		amended = frappe.copy_doc(order)
		amended.docstatus = 0
		amended.amended_from = order.name
		amended.insert(ignore_permissions=True)
		amended.submit()
		lineage = [order.name, amended.name]
		live = frappe.get_all(
			CONTRACT,
			filters={"sales_order": ("in", lineage), "docstatus": 1},
			fields=["name", "amended_from"],
		)
		self.assertEqual(len(live), 1)
		self.assertEqual(live[0].amended_from, first)
		self.assertEqual(
			frappe.db.count(
				TASK,
				{
					"reference_name": amended.name,
					"service_type": "Pre-shipment Inspection",
					"status": ("in", TaskStatus.OPEN),
				},
			),
			1,
		)

	def test_bad_terms_are_refused_and_nothing_is_saved(self):
		before = frappe.db.count("Sales Order")
		with self.assertRaisesRegex(frappe.ValidationError, "Warranty \\(Months\\)"):
			make_sales_order([{"item_code": self.genset, "qty": 1, "genset_warranty_months": -1}])
		with self.assertRaisesRegex(frappe.ValidationError, "Inspection Interval \\(Months\\)"):
			make_sales_order([{"item_code": self.genset, "qty": 1, "genset_inspection_interval_months": -6}])
		self.assertEqual(frappe.db.count("Sales Order"), before)

		item = frappe.get_doc("Item", self.genset)
		item.genset_warranty_months = 0
		with self.assertRaisesRegex(frappe.ValidationError, "Warranty \\(Months\\)"):
			item.save()
		self.assertEqual(frappe.db.get_value("Item", self.genset, "genset_warranty_months"), 12)

		item.reload()
		item.genset_inspection_interval_months = 0
		with self.assertRaisesRegex(frappe.ValidationError, "Inspection Interval \\(Months\\)"):
			item.save()

	def test_a_genset_line_without_delivery_date_is_refused(self):
		before = frappe.db.count("Sales Order")
		with self.assertRaisesRegex(frappe.ValidationError, "Delivery Date"):
			make_sales_order(
				[{"item_code": self.genset, "qty": 1, "delivery_date": None}], delivery_date=None
			)
		self.assertEqual(frappe.db.count("Sales Order"), before)
		self.assertFalse(frappe.db.exists(CONTRACT, {"sales_order": ("is", "not set"), "docstatus": 0}))

	def test_line_overrides_win_over_item_terms(self):
		order = make_sales_order(
			[
				{
					"item_code": self.genset,
					"qty": 1,
					"genset_warranty_months": 24,
					"genset_inspection_interval_months": 12,
				}
			]
		)
		contract = frappe.get_doc(CONTRACT, {"sales_order": order.name})
		self.assertEqual(
			(contract.items[0].warranty_months, contract.items[0].inspection_interval_months), (24, 12)
		)
		delivery = make_delivery_note(order.name)
		unit = frappe.get_doc(UNIT, {"delivery_note": delivery.name})
		self.assertEqual((unit.warranty_months, unit.inspection_interval_months), (24, 12))
		# 12-month inspections over a 24-month warranty/term: two visits
		self.assertEqual(frappe.db.count(TASK, {"unit": unit.name, "service_type": "Regular Inspection"}), 2)

	def test_serialised_gensets_link_their_serial_numbers(self):
		item = make_genset_item("_Test Genset 500 kVA", serial=True)
		serials = receive_serials(item, 2)
		self.assertEqual(len(serials), 2)
		order = make_sales_order([{"item_code": item, "qty": 2}])
		delivery = make_delivery_note(order.name, serials={item: serials})
		units = frappe.get_all(
			UNIT,
			filters={"delivery_note": delivery.name},
			fields=["serial_no", "warranty_end_date"],
			order_by="unit_index",
		)
		self.assertEqual([u.serial_no for u in units], serials)
		for unit in units:
			# ERPNext's own warranty date (Warranty Claim reads it) follows the unit's warranty
			self.assertEqual(
				getdate(frappe.db.get_value("Serial No", unit.serial_no, "warranty_expiry_date")),
				getdate(unit.warranty_end_date),
			)
			self.assertEqual(frappe.db.count(TASK, {"serial_no": unit.serial_no}), PER_UNIT_TOTAL)

	def test_fractional_genset_quantity_is_refused(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 2}])
		# ERPNext refuses fractions for whole-number UOMs; the app refuses them for any UOM
		with self.assertRaisesRegex(frappe.ValidationError, "whole|fraction"):
			make_delivery_note(order.name, qty={self.genset: 1.5})

	def test_plan_statements_grow_with_units_not_with_tasks(self):
		"""ERPNext's Maintenance Schedule is quadratic; this plan is written in bulk."""
		costs = {}
		for qty in (1, 20):
			order = make_sales_order([{"item_code": self.genset, "qty": qty}])
			delivery = make_delivery_note(order.name, submit=False)
			costs[qty] = count_queries(delivery.submit)
			self.assertEqual(len(live_tasks(reference_name=delivery.name)), qty * PER_UNIT_TOTAL)
		extra_units = 19
		extra_tasks = extra_units * PER_UNIT_TOTAL  # 494 more tasks
		growth = costs[20] - costs[1]
		self.assertLessEqual(growth, 2 * extra_units, f"statements: {costs}")
		self.assertLess(growth, extra_tasks / 10, f"statements: {costs}")
