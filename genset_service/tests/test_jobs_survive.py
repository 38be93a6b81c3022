"""The scheduled jobs survive the site as it is on day one and after years of use: no outgoing email
account, a customer without an email, a deleted user, a disabled service type. They do their work,
skip and log what they cannot, and never abort the rest."""

import frappe
from frappe.utils import add_to_date, now_datetime

from genset_service.api.v1 import answer_survey
from genset_service.scheduling.common import CONTRACT, TASK
from genset_service.scheduling.requests import escalate
from genset_service.scheduling.voice import send_due_surveys
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	company,
	make_customer,
	make_delivery_note,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE
SURVEY = "Genset Satisfaction Survey"
REQUEST = "Genset Service Request"


class TestJobsSurvive(GensetTestCase):
	def due_round(self, customer: str) -> str:
		order = make_sales_order([{"item_code": self.genset, "qty": 1}], customer=make_customer(customer))
		make_delivery_note(order.name)
		contract = frappe.db.get_value(CONTRACT, {"sales_order": order.name})
		task = frappe.qb.DocType(TASK)
		frappe.qb.update(task).set(task.due_from, self.today).where(task.contract == contract).where(
			task.service_type == "Satisfaction Survey"
		).where(task.occurrence == 1).run()
		return contract

	def test_no_outgoing_email_account_still_makes_every_survey(self):
		# a site on day one: no email account (tests mute emails, which would lend a dummy one)
		frappe.db.delete("Email Account", {"enable_outgoing": 1})
		frappe.db.delete("Email Account", {"default_outgoing": 1})
		muted = frappe.flags.mute_emails
		frappe.flags.mute_emails = False
		frappe.local.outgoing_email_account = {}
		self.addCleanup(setattr, frappe.flags, "mute_emails", muted)
		self.addCleanup(setattr, frappe.local, "outgoing_email_account", {})
		contracts = [self.due_round(f"_Test Genset Mailless {n}") for n in (1, 2)]
		for n in (1, 2):
			frappe.db.set_value("Customer", f"_Test Genset Mailless {n}", "email_id", f"m{n}@example.com")
		errors_before = frappe.db.count("Error Log")
		made = send_due_surveys()
		self.assertEqual(
			sorted(frappe.db.get_value(SURVEY, name, "contract") for name in made), sorted(contracts)
		)
		self.assertEqual(
			frappe.db.count("Email Queue", {"reference_doctype": SURVEY, "reference_name": ("in", made)}), 0
		)
		self.assertEqual(frappe.db.count("Error Log") - errors_before, 2)  # logged, one per survey
		for name in made:
			self.assertTrue(
				frappe.db.exists(
					"Comment",
					{
						"reference_doctype": SURVEY,
						"reference_name": name,
						"content": ("like", "Not emailed%"),
					},
				)
			)

	def test_customer_without_email_gets_the_survey_on_the_portal(self):
		contract = self.due_round("_Test Genset No Email")
		frappe.db.set_value("Customer", "_Test Genset No Email", "email_id", None)
		(survey,) = send_due_surveys()
		self.assertEqual(frappe.db.get_value(SURVEY, survey, ["contract", "status"]), (contract, "Sent"))
		self.assertFalse(
			frappe.db.exists("Email Queue", {"reference_doctype": SURVEY, "reference_name": survey})
		)

	def test_disabled_follow_up_service_opens_no_task_but_keeps_the_answer(self):
		self.due_round("_Test Genset Unhappy")
		frappe.db.set_value("Customer", "_Test Genset Unhappy", "email_id", None)
		(survey,) = send_due_surveys()
		frappe.db.set_value("Genset Service Type", "Survey Follow-up", "enabled", 0)
		key = frappe.db.get_value(SURVEY, survey, "access_key")
		result = answer_survey(
			survey=survey, key=key, overall=1, response_speed=1, engineer_skill=1, product_quality=1, nps=0
		)
		self.assertEqual((result["status"], result["follow_up_task"]), ("Answered", None))
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{"reference_doctype": SURVEY, "reference_name": survey, "content": ("like", "%disabled%")},
			)
		)

	def test_disabled_survey_service_sends_nothing(self):
		self.due_round("_Test Genset Survey Off")
		frappe.db.set_value("Genset Service Type", "Satisfaction Survey", "enabled", 0)
		self.assertEqual(send_due_surveys(), [])

	def test_deleted_assignee_does_not_stop_escalation_of_the_others(self):
		customer = make_customer("_Test Genset Escalation")
		requests = []
		for _n in range(2):
			request = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Emergency Rescue",
					"customer": customer,
					"company": company(),
					"description": "Genset stopped",
				}
			)
			request.insert(ignore_permissions=True)
			opened = add_to_date(now_datetime(), hours=-5)
			frappe.db.set_value(
				REQUEST, request.name, {"opening_date": opened, "response_by": add_to_date(opened, hours=4)}
			)
			requests.append(request)
		# the first request's engineer left the company: the user was deleted
		gone = make_user("gs-gone-engineer@example.com", ["After-sales Engineer"])
		frappe.db.set_value(TASK, requests[0].task, "assigned_to", gone)
		frappe.db.delete("Has Role", {"parent": gone})
		frappe.db.delete("User", {"name": gone})
		manager = make_user("gs-escalation-manager@example.com", ["Service Manager"])
		done = escalate()
		self.assertEqual(sorted(done["Breached"]), sorted(r.name for r in requests))
		for request in requests:
			notified = frappe.get_all(
				"Notification Log",
				{"document_type": REQUEST, "document_name": request.name},
				pluck="for_user",
			)
			self.assertIn(manager, notified)
			self.assertNotIn(gone, notified)
			self.assertEqual(
				frappe.db.get_value("Genset Escalation Notice", {"request": request.name}, "level"),
				"Breached",
			)
		self.assertEqual(escalate(), {"At Risk": [], "Breached": []})  # once per request and level
