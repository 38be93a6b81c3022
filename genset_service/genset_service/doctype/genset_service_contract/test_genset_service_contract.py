# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, getdate, nowdate

from genset_service.planning import TaskStatus
from genset_service.scheduling.common import CONTRACT, TASK
from genset_service.scheduling.status import refresh_statuses
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivery_note,
	make_genset_item,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE


class TestGensetServiceContract(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.big = make_genset_item("_Test Genset 1000 kVA", warranty_months=24, contract_months=36)

	def test_one_contract_covers_every_genset_line(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 2}, {"item_code": self.big, "qty": 1}])
		contracts = frappe.get_all(CONTRACT, filters={"sales_order": order.name}, pluck="name")
		self.assertEqual(len(contracts), 1)
		contract = frappe.get_doc(CONTRACT, contracts[0])
		self.assertEqual(
			[(row.item_code, row.qty, row.warranty_months, row.contract_months) for row in contract.items],
			[(self.genset, 2, 12, 24), (self.big, 1, 24, 36)],
		)
		self.assertEqual(contract.customer, order.customer)
		self.assertEqual(getdate(contract.start_date), getdate(order.transaction_date))
		# service 2 is recorded as done by the submitted order
		confirmation = frappe.get_all(
			TASK,
			filters={"contract": contract.name, "service_type": "Contract Confirmation"},
			fields=["status", "completed_on"],
		)
		self.assertEqual(len(confirmation), 1)
		self.assertEqual(confirmation[0].status, TaskStatus.DONE)
		self.assertEqual(
			frappe.db.count(TASK, {"contract": contract.name, "service_type": "Pre-shipment Inspection"}), 2
		)

	def test_cancelling_the_contract_cancels_its_open_tasks(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		make_delivery_note(order.name)
		contract = frappe.get_doc(CONTRACT, {"sales_order": order.name})
		contract.cancel()
		self.assertEqual(frappe.db.get_value(CONTRACT, contract.name, "status"), "Cancelled")
		self.assertEqual(
			set(frappe.get_all(TASK, filters={"contract": contract.name}, pluck="status")),
			{TaskStatus.DONE, TaskStatus.CANCELLED},
		)

	def test_daily_refresh_moves_contract_status_with_its_end_date(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		name = frappe.db.get_value(CONTRACT, {"sales_order": order.name})
		today = getdate(nowdate())
		frappe.db.set_value(CONTRACT, name, "end_date", add_days(today, 30))
		refresh_statuses()
		self.assertEqual(frappe.db.get_value(CONTRACT, name, "status"), "Expiring")
		frappe.db.set_value(CONTRACT, name, "end_date", add_days(today, -1))
		refresh_statuses()
		self.assertEqual(frappe.db.get_value(CONTRACT, name, "status"), "Expired")
		frappe.db.set_value(CONTRACT, name, "end_date", add_days(today, 400))
		refresh_statuses()
		self.assertEqual(frappe.db.get_value(CONTRACT, name, "status"), "Active")

	def test_bad_terms_on_a_contract_are_refused(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		contract = frappe.copy_doc(frappe.get_doc(CONTRACT, {"sales_order": order.name}))
		contract.items[0].maintenance_interval_months = 0
		with self.assertRaisesRegex(frappe.ValidationError, "Maintenance Interval \\(Months\\)"):
			contract.insert()

	def test_permissions(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		name = frappe.db.get_value(CONTRACT, {"sales_order": order.name})
		frappe.set_user(make_user("gs-contract-engineer@example.com", ["After-sales Engineer"]))
		contract = frappe.get_doc(CONTRACT, name)
		contract.check_permission("read")
		self.assertFalse(frappe.has_permission(CONTRACT, "cancel", contract))
		self.assertFalse(frappe.has_permission(CONTRACT, "create"))
		frappe.set_user(make_user("gs-contract-sales@example.com", ["Sales Manager"]))
		self.assertTrue(frappe.has_permission(CONTRACT, "cancel", frappe.get_doc(CONTRACT, name)))
		frappe.set_user(make_user("gs-contract-outsider@example.com", ["Stock User"]))
		self.assertFalse(frappe.has_permission(CONTRACT, "read", frappe.get_doc(CONTRACT, name)))
