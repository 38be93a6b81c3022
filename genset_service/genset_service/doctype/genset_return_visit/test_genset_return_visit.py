# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import getdate

from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivered_unit,
)

test_ignore = TEST_IGNORE
VISIT = "Genset Return Visit"


class TestGensetReturnVisit(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset, commissioned=getdate())

	def visit(self, **fields):
		doc = frappe.get_doc(
			{
				"doctype": VISIT,
				"unit": self.unit.name,
				"visited_by": self.team["Customer Service Specialist"],
				"running_hours": 120,
				"usage": "Standby for a cold store; weekly test runs",
				"feedback": "Happy with the set; asks for a remote monitoring option",
				**fields,
			}
		)
		doc.insert()
		doc.submit()
		return doc

	def test_visit_completes_the_quarterly_task_and_records_hours(self):
		first = frappe.get_value(
			TASK, {"unit": self.unit.name, "service_type": "Customer Return Visit", "occurrence": 1}
		)
		visit = self.visit()
		self.assertEqual(visit.task, first)
		self.assertEqual(frappe.db.get_value(TASK, first, "status"), TaskStatus.DONE)
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "running_hours"), 120)
		# the next visit is still planned
		second = frappe.get_value(
			TASK, {"unit": self.unit.name, "service_type": "Customer Return Visit", "occurrence": 2}, "status"
		)
		self.assertIn(second, TaskStatus.OPEN)

		visit.cancel()
		self.assertIn(frappe.db.get_value(TASK, first, "status"), TaskStatus.OPEN)

	def test_bad_visits_are_refused(self):
		inspection_task = frappe.get_value(
			TASK, {"unit": self.unit.name, "service_type": "Regular Inspection"}
		)
		with self.assertRaisesRegex(frappe.ValidationError, "is not a Customer Return Visit"):
			self.visit(task=inspection_task)
		self.visit(running_hours=200)
		with self.assertRaisesRegex(frappe.ValidationError, "never run backwards"):
			self.visit(running_hours=150)
