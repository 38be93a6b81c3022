# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, getdate

from genset_service.access.guard import as_app
from genset_service.api.plan import complete_task, get_service_history, log_consultation
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.scheduling.status import refresh_statuses
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE


class TestGensetServiceTask(GensetTestCase):
	def unit_task(self, unit, service_type):
		return frappe.get_doc(TASK, {"unit": unit, "service_type": service_type})

	def test_completing_a_task_closes_its_todo(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		pre = frappe.get_doc(TASK, {"reference_name": order.name, "service_type": "Pre-shipment Inspection"})
		frappe.set_user(self.team["Technical Engineer"])
		result = complete_task(pre.name, notes="All readings within limits")
		self.assertEqual(result["status"], TaskStatus.DONE)
		pre.reload()
		self.assertEqual(
			(pre.completed_by, getdate(pre.completed_on)), (self.team["Technical Engineer"], self.today)
		)
		self.assertEqual(frappe.db.get_value("ToDo", {"reference_name": pre.name}, "status"), "Closed")
		with self.assertRaisesRegex(frappe.ValidationError, "already"):
			complete_task(pre.name)

	def test_a_task_made_by_hand_carries_its_genset_s_company_not_the_user_s_default(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		unit = frappe.get_value(
			UNIT, {"delivery_note": make_delivery_note(order.name).name}, ["name", "company"], as_dict=True
		)
		other = frappe.get_all("Company", filters={"name": ("!=", unit.company)}, pluck="name", limit=1)[0]
		frappe.defaults.set_user_default("company", other)
		try:
			task = frappe.get_doc(
				{
					"doctype": TASK,
					"service_type": "Regular Inspection",
					"unit": unit.name,
					"due_from": self.today,
					"due_to": self.today,
				}
			).insert()
		finally:
			frappe.defaults.clear_user_default("company")
		self.assertEqual(task.company, unit.company)

	def test_completing_arrival_acceptance_records_the_arrival(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		delivery = make_delivery_note(order.name)
		unit = frappe.get_value(UNIT, {"delivery_note": delivery.name}, "name")
		acceptance = self.unit_task(unit, "Arrival Acceptance")
		complete_task(acceptance.name, completed_on=str(self.today))
		self.assertEqual(getdate(frappe.db.get_value(UNIT, unit, "arrival_date")), self.today)
		install = self.unit_task(unit, "Installation and Commissioning")
		self.assertEqual(
			(getdate(install.due_from), getdate(install.due_to)),
			(add_days(self.today, 1), add_days(self.today, 3)),
		)

	def test_future_completion_and_reversed_window_are_refused(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		pre = frappe.get_doc(TASK, {"reference_name": order.name, "service_type": "Pre-shipment Inspection"})
		with self.assertRaisesRegex(frappe.ValidationError, "future"):
			complete_task(pre.name, completed_on=str(add_days(self.today, 3)))
		pre.due_to = add_days(getdate(pre.due_from), -1)
		# a person may not move the plan's window at all; the app's own move is checked too
		with self.assertRaisesRegex(frappe.PermissionError, "Due By"):
			pre.save()
		pre.reload()
		pre.due_to = add_days(getdate(pre.due_from), -1)
		with self.assertRaisesRegex(frappe.ValidationError, "Due By"), as_app():
			pre.save()

	def test_least_loaded_engineer_gets_the_next_task(self):
		# only two engineers in this test: a busy one and a free one
		for user in frappe.get_all(
			"Has Role", filters={"role": "Technical Engineer", "parenttype": "User"}, pluck="parent"
		):
			frappe.db.set_value("User", user, "enabled", 0)
		busy = make_user("gs-busy-engineer@example.com", ["Technical Engineer"])
		free = make_user("gs-free-engineer@example.com", ["Technical Engineer"])
		frappe.db.set_value("User", [busy, free], "enabled", 1)
		for i in range(3):
			frappe.get_doc({"doctype": "ToDo", "allocated_to": busy, "description": f"busy {i}"}).insert(
				ignore_permissions=True
			)

		order = make_sales_order(
			[
				{"item_code": self.genset, "qty": 1, "delivery_date": add_days(self.today, 20 + i)}
				for i in range(5)
			]
		)
		assignees = frappe.get_all(
			TASK,
			filters={"reference_name": order.name, "service_type": "Pre-shipment Inspection"},
			pluck="assigned_to",
		)
		# free gets three tasks first (3 vs 3 open), then they alternate: 4 for free, 1 for busy
		self.assertEqual(sorted(assignees), sorted([free, free, free, free, busy]))

	def test_daily_refresh_marks_due_and_overdue(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		pre = frappe.get_doc(TASK, {"reference_name": order.name, "service_type": "Pre-shipment Inspection"})
		self.assertEqual(pre.status, TaskStatus.PLANNED)
		frappe.db.set_value(
			TASK, pre.name, {"due_from": add_days(self.today, -5), "due_to": add_days(self.today, -1)}
		)
		refresh_statuses()
		self.assertEqual(frappe.db.get_value(TASK, pre.name, "status"), TaskStatus.OVERDUE)
		frappe.db.set_value(TASK, pre.name, {"status": TaskStatus.PLANNED, "due_to": add_days(self.today, 1)})
		refresh_statuses()
		self.assertEqual(frappe.db.get_value(TASK, pre.name, "status"), TaskStatus.DUE)

	def test_consultation_on_a_lead_appears_in_the_customer_history(self):
		lead = frappe.get_doc(
			{"doctype": "Lead", "lead_name": "Genset Prospect", "company_name": "Prospect Power Ltd"}
		)
		lead.insert(ignore_permissions=True)
		name = log_consultation("Lead", lead.name, "Suggested a 500 kVA prime-rated set with AMF panel")
		task = frappe.get_doc(TASK, name)
		self.assertEqual(
			(task.status, task.lead, task.service_type),
			(TaskStatus.DONE, lead.name, "Pre-sales Consultation"),
		)

		customer = make_customer("Prospect Power Ltd")
		frappe.db.set_value("Customer", customer, "lead_name", lead.name)
		history = get_service_history(customer)
		self.assertIn(name, [row.name for row in history])

		quotation = frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": make_customer(),
				"company": frappe.db.get_value("Company", {}, "name"),
				"items": [{"item_code": self.genset, "qty": 1, "rate": 1000}],
			}
		)
		quotation.insert(ignore_permissions=True)
		on_quote = frappe.get_doc(
			TASK, log_consultation("Quotation", quotation.name, "Compared prime vs standby ratings")
		)
		self.assertEqual((on_quote.customer, on_quote.reference_name), (quotation.party_name, quotation.name))
		self.assertIn(on_quote.name, [row.name for row in get_service_history(quotation.party_name)])

		with self.assertRaisesRegex(frappe.ValidationError, "Lead, Opportunity or Quotation"):
			log_consultation("Sales Invoice", "X", "notes")
		with self.assertRaisesRegex(frappe.ValidationError, "notes.* is required"):
			log_consultation("Lead", lead.name, "   ")

	def test_users_without_a_service_role_cannot_read_tasks(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		pre = frappe.get_value(
			TASK, {"reference_name": order.name, "service_type": "Pre-shipment Inspection"}
		)
		frappe.set_user(make_user("gs-task-outsider@example.com", ["Sales User"]))
		with self.assertRaises(frappe.PermissionError):
			complete_task(pre)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list(TASK, filters={"name": pre})
