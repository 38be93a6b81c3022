# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivered_unit,
)

test_ignore = TEST_IGNORE
TRAINING = "Genset Operation Training"


class TestGensetOperationTraining(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset)

	def training(self, submit=True, **fields):
		doc = frappe.get_doc(
			{
				"doctype": TRAINING,
				"unit": self.unit.name,
				"trainer": self.team["Technical Engineer"],
				"attendees": [
					{"attendee_name": "R. Kumar", "designation": "Shift electrician"},
					{"attendee_name": "S. Das", "designation": "Facility manager"},
				],
				"customer_signatory": "S. Das",
				"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
				**fields,
			}
		)
		doc.insert()
		if submit:
			doc.submit()
		return doc

	def test_training_with_sign_off_completes_its_task(self):
		training = self.training()
		self.assertIn("emergency stop", training.topics)
		self.assertEqual(training.customer, self.unit.customer)
		self.assertEqual(
			frappe.db.get_value(TASK, training.task, ["service_type", "status"]),
			("Operation Training", TaskStatus.DONE),
		)

	def test_training_needs_attendees_and_sign_off(self):
		with self.assertRaisesRegex(frappe.ValidationError, "attended"):
			self.training(attendees=[])
		with self.assertRaisesRegex(frappe.ValidationError, "sign-off"):
			self.training(customer_signatory="", customer_signature=None)
		self.assertEqual(
			frappe.db.get_value(
				TASK, {"unit": self.unit.name, "service_type": "Operation Training"}, "completed_on"
			),
			None,
		)
