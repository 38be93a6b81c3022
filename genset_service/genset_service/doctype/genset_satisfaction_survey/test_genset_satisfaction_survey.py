# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, getdate

from genset_service.api.v1 import answer_survey
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import CONTRACT, TASK
from genset_service.scheduling.voice import send_due_surveys, survey_link
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivery_note,
	make_sales_order,
)

test_ignore = TEST_IGNORE
SURVEY = "Genset Satisfaction Survey"


class TestGensetSatisfactionSurvey(GensetTestCase):
	def setUp(self):
		super().setUp()
		from genset_service.genset_service.doctype.genset_warranty_extension.test_genset_warranty_extension import (
			make_outgoing_email_account,
		)

		make_outgoing_email_account()
		order = make_sales_order([{"item_code": self.genset, "qty": 2}])
		make_delivery_note(order.name)
		self.contract = frappe.get_value(CONTRACT, {"sales_order": order.name})
		self.customer = order.customer
		frappe.db.set_value("Customer", self.customer, "email_id", "owner@example.com")
		# the first survey round falls due today for both gensets
		self.round = frappe.get_all(
			TASK,
			filters={"contract": self.contract, "service_type": "Satisfaction Survey", "occurrence": 1},
			pluck="name",
		)
		for task in self.round:
			frappe.db.set_value(TASK, task, {"due_from": getdate(), "due_to": add_days(getdate(), 14)})

	def answers(self, **overrides):
		return {
			"overall": 5,
			"response_speed": 4,
			"engineer_skill": 5,
			"product_quality": 4,
			"nps": 9,
			**overrides,
		}

	def test_one_survey_per_contract_round_is_sent_with_a_link(self):
		self.assertEqual(len(self.round), 2)
		made = send_due_surveys()
		self.assertEqual(len(made), 1)
		survey = frappe.get_doc(SURVEY, made[0])
		self.assertEqual(
			(survey.contract, survey.occurrence, survey.sent_to), (self.contract, 1, "owner@example.com")
		)
		queued = frappe.get_all("Email Queue", filters={"reference_name": survey.name}, pluck="name")
		self.assertEqual(len(queued), 1)
		self.assertEqual(
			frappe.get_all("Email Queue Recipient", filters={"parent": queued[0]}, pluck="recipient"),
			["owner@example.com"],
		)
		self.assertIn(f"/genset_survey?name={survey.name}&key={survey.access_key}", survey_link(survey))
		self.assertEqual(send_due_surveys(), [])  # never twice

	def test_answer_by_link_completes_the_round(self):
		survey = frappe.get_doc(SURVEY, send_due_surveys()[0])
		todos = {"reference_type": TASK, "reference_name": ("in", self.round)}
		self.assertEqual(
			set(frappe.get_all("ToDo", filters=todos, pluck="status")), {"Open"}, "the round is assigned"
		)
		frappe.set_user("Guest")
		result = answer_survey(
			survey=survey.name, key=survey.access_key, suggestions="Faster parts", **self.answers()
		)
		frappe.set_user("Administrator")
		self.assertEqual(result["status"], "Answered")
		self.assertFalse(result["follow_up_task"])
		self.assertEqual(
			set(frappe.get_all(TASK, filters={"name": ("in", self.round)}, pluck="status")), {TaskStatus.DONE}
		)
		# the assignees' ToDos close with the tasks: the least-loaded assignment no longer counts them
		self.assertEqual(set(frappe.get_all("ToDo", filters=todos, pluck="status")), {"Closed"})
		self.assertEqual(
			set(frappe.get_all(TASK, filters={"name": ("in", self.round)}, pluck="completed_on")),
			{getdate()},
		)
		with self.assertRaisesRegex(frappe.ValidationError, "already answered"):
			answer_survey(survey=survey.name, key=survey.access_key, **self.answers())

	def test_low_score_opens_a_follow_up(self):
		survey = frappe.get_doc(SURVEY, send_due_surveys()[0])
		result = answer_survey(
			survey=survey.name, key=survey.access_key, **self.answers(response_speed=2, nps=4)
		)
		follow_up = frappe.get_doc(TASK, result["follow_up_task"])
		self.assertEqual(
			(follow_up.service_type, follow_up.responsible_role),
			("Survey Follow-up", "Customer Service Specialist"),
		)
		self.assertEqual(follow_up.assigned_to, self.team["Customer Service Specialist"])

	def test_bad_answers_are_refused(self):
		survey = frappe.get_doc(SURVEY, send_due_surveys()[0])
		with self.assertRaisesRegex(frappe.ValidationError, "from 1 to 5"):
			answer_survey(survey=survey.name, key=survey.access_key, **self.answers(overall=6))
		with self.assertRaisesRegex(frappe.ValidationError, "from 0 to 10"):
			answer_survey(survey=survey.name, key=survey.access_key, **self.answers(nps=11))
		with self.assertRaisesRegex(frappe.ValidationError, "too long"):
			answer_survey(survey=survey.name, key=survey.access_key, suggestions="x" * 5001, **self.answers())
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			answer_survey(survey=survey.name, key="wrong", **self.answers())
		with self.assertRaises(frappe.PermissionError):
			answer_survey(survey=survey.name, **self.answers())
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(SURVEY, survey.name, "status"), "Sent")

	def test_survey_page_opens_only_with_its_key(self):
		from genset_service.www import genset_survey

		survey = frappe.get_doc(SURVEY, send_due_surveys()[0])
		frappe.form_dict.update({"name": survey.name, "key": survey.access_key})
		context = genset_survey.get_context(frappe._dict())
		self.assertEqual(context.survey.name, survey.name)
		frappe.form_dict.update({"key": "wrong"})
		with self.assertRaises(frappe.PermissionError):
			genset_survey.get_context(frappe._dict())
