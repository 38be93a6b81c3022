"""A return Delivery Note of gensets takes exactly the returned units out of service; cancelling it
puts them back; a re-delivery plans the genset again."""

import frappe
from frappe.utils import add_days, getdate

from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivery_note,
	make_genset_item,
	make_sales_order,
	receive_serials,
)

test_ignore = TEST_IGNORE


def make_return(delivery, qty: int = 1, serials: list[str] | None = None, posting_date=None):
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	doc = make_sales_return(delivery.name)
	for row in doc.items:
		row.qty = -qty
		if serials is not None:
			row.use_serial_batch_fields = 1
			row.serial_no = "\n".join(serials)
	if posting_date:
		doc.set_posting_time = 1
		doc.posting_date = posting_date
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


class TestReturns(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.item = make_genset_item("_Test Genset 500 kVA", serial=True)
		self.serials = receive_serials(self.item, 3)
		order = make_sales_order([{"item_code": self.item, "qty": 3}])
		self.delivery = make_delivery_note(order.name, serials={self.item: self.serials})
		self.units = dict(
			frappe.get_all(
				UNIT,
				filters={"delivery_note": self.delivery.name},
				fields=["serial_no", "name"],
				as_list=True,
			)
		)
		# one visit of the returned genset was already done: it stays as history
		self.returned = self.units[self.serials[1]]
		self.done = frappe.get_all(
			TASK, filters={"unit": self.returned}, pluck="name", order_by="due_from asc", limit=1
		)[0]
		frappe.db.set_value(TASK, self.done, {"status": TaskStatus.DONE, "completed_on": getdate()})
		self.open_before = self.open_tasks(self.returned)
		self.warranty_end = getdate(frappe.db.get_value(UNIT, self.returned, "warranty_end_date"))

	def open_tasks(self, unit) -> set[str]:
		return set(
			frappe.get_all(TASK, filters={"unit": unit, "status": ("in", TaskStatus.OPEN)}, pluck="name")
		)

	def test_a_return_of_one_of_three_serialised_gensets_takes_only_that_one_out(self):
		day = add_days(getdate(), 2)
		back = make_return(self.delivery, serials=[self.serials[1]], posting_date=day)

		unit = frappe.get_doc(UNIT, self.returned)
		self.assertEqual(
			(unit.status, unit.return_delivery_note, getdate(unit.returned_on), unit.unit_key),
			("Returned", back.name, day, None),
		)
		self.assertEqual((unit.warranty_status, getdate(unit.warranty_end_date)), ("Expired", day))
		self.assertEqual(
			getdate(frappe.db.get_value("Serial No", self.serials[1], "warranty_expiry_date")), day
		)
		# open tasks cancelled (and their ToDos), the done visit kept as history
		self.assertEqual(self.open_tasks(self.returned), set())
		self.assertEqual(
			set(frappe.get_all(TASK, filters={"name": ("in", list(self.open_before))}, pluck="status")),
			{TaskStatus.CANCELLED},
		)
		self.assertEqual(
			frappe.get_all(
				"ToDo",
				filters={"reference_name": ("in", list(self.open_before)), "status": "Open"},
				pluck="name",
			),
			[],
		)
		self.assertEqual(frappe.db.get_value(TASK, self.done, "status"), TaskStatus.DONE)
		# noted on the unit and on its Serial No
		for doctype, name in ((UNIT, self.returned), ("Serial No", self.serials[1])):
			notes = frappe.get_all(
				"Comment", filters={"reference_doctype": doctype, "reference_name": name}, pluck="content"
			)
			self.assertTrue(any(back.name in note and "warranty ended" in note for note in notes), notes)
		# the other two gensets are untouched
		for serial in (self.serials[0], self.serials[2]):
			self.assertEqual(frappe.db.get_value(UNIT, self.units[serial], "status"), "Delivered")
			self.assertTrue(self.open_tasks(self.units[serial]))
		# an integrator asking by serial learns it was returned and its warranty ended
		from genset_service.api.v1 import get_warranty_status

		answer = get_warranty_status(self.serials[1])
		self.assertEqual(
			(
				answer["unit"],
				answer["status"],
				answer["warranty_status"],
				getdate(answer["warranty_end_date"]),
			),
			(self.returned, "Returned", "Expired", day),
		)

	def test_cancelling_the_return_restores_the_unit_and_its_plan(self):
		back = make_return(self.delivery, serials=[self.serials[1]])
		back.reload()
		back.cancel()
		unit = frappe.get_doc(UNIT, self.returned)
		self.assertEqual(
			(unit.status, unit.return_delivery_note, unit.returned_on), ("Delivered", None, None)
		)
		self.assertTrue(unit.unit_key)
		self.assertEqual(getdate(unit.warranty_end_date), self.warranty_end)
		self.assertEqual(
			getdate(frappe.db.get_value("Serial No", self.serials[1], "warranty_expiry_date")),
			self.warranty_end,
		)
		# the same services are open again (new tasks for the cancelled ones), the done one not doubled
		reopened = frappe.get_all(
			TASK,
			filters={"unit": self.returned, "status": ("in", TaskStatus.OPEN)},
			fields=["service_type", "due_from"],
		)
		before = frappe.get_all(
			TASK, filters={"name": ("in", list(self.open_before))}, fields=["service_type", "due_from"]
		)
		self.assertEqual(
			sorted((t.service_type, str(t.due_from)) for t in reopened),
			sorted((t.service_type, str(t.due_from)) for t in before),
		)
		self.assertEqual(
			frappe.db.count(TASK, {"unit": self.returned, "status": TaskStatus.DONE}), 1, "the done visit"
		)

	def test_a_re_delivery_plans_the_returned_genset_again(self):
		make_return(self.delivery, serials=[self.serials[1]])
		again = make_delivery_note(
			self.delivery.items[0].against_sales_order, serials={self.item: [self.serials[1]]}
		)
		new = frappe.get_doc(UNIT, {"delivery_note": again.name})
		self.assertNotEqual(new.name, self.returned)
		self.assertEqual((new.serial_no, new.status), (self.serials[1], "Delivered"))
		self.assertEqual(len(self.open_tasks(new.name)), len(self.open_before) + 1)
		self.assertEqual(frappe.db.get_value(UNIT, self.returned, "status"), "Returned")

	def test_a_return_without_serials_takes_the_last_delivered_not_in_use(self):
		item = make_genset_item()
		order = make_sales_order([{"item_code": item, "qty": 3}])
		delivery = make_delivery_note(order.name)
		units = frappe.get_all(
			UNIT, filters={"delivery_note": delivery.name}, pluck="name", order_by="unit_index asc"
		)
		frappe.db.set_value(UNIT, units[2], "commissioning_date", getdate())  # the third is in use
		make_return(delivery, qty=1)
		self.assertEqual(
			[frappe.db.get_value(UNIT, name, "status") for name in units],
			["Delivered", "Returned", "Delivered"],
		)
