"""Reminders: the assignee before a planned service is due and when it is overdue, the customer before a
visit that needs them, the manager's daily digest; each once per task, reason and due date."""

import frappe
from frappe.utils import add_days

from genset_service.genset_service.doctype.genset_warranty_extension.test_genset_warranty_extension import (
	make_outgoing_email_account,
)
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.scheduling.reminders import send_reminders
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE
REMINDER = "Genset Reminder"


def queued(recipient: str, about: str = TASK) -> list[str]:
	"""The reminder emails about tasks (or the digests, ``about=REMINDER``) queued to a recipient, as
	subject + decoded text (Frappe's own email copy of a desk notification, sent where the user's
	notification settings ask for it, is not one; an engineer may also be a manager who gets the
	digest)."""
	from email import message_from_string
	from email.header import decode_header, make_header

	parents = frappe.get_all("Email Queue Recipient", filters={"recipient": recipient}, pluck="parent")
	mails = []
	for raw in frappe.get_all(
		"Email Queue",
		filters={"name": ("in", parents or [""]), "reference_doctype": about},
		pluck="message",
	):
		message = message_from_string(raw)
		parts = [
			part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
			for part in message.walk()
			if part.get_content_maintype() == "text"
		]
		mails.append(" ".join([str(make_header(decode_header(message["Subject"] or ""))), *parts]))
	return mails


class TestReminders(GensetTestCase):
	def setUp(self):
		super().setUp()
		make_outgoing_email_account()
		frappe.db.delete(REMINDER)
		frappe.db.delete("Email Queue")
		self.customer = make_customer("_Test Genset Reminded Customer")
		frappe.db.set_value("Customer", self.customer, "email_id", "site-manager@example.com")
		order = make_sales_order([{"item_code": self.genset, "qty": 1}], customer=self.customer)
		self.unit = frappe.db.get_value(UNIT, {"delivery_note": make_delivery_note(order.name).name})
		# nothing of this plan is due in the window but what each test moves there
		task = frappe.qb.DocType(TASK)
		frappe.qb.update(task).set(task.due_from, add_days(self.today, 400)).set(
			task.due_to, add_days(self.today, 410)
		).where(task.customer == self.customer).run()
		frappe.qb.update(task).set(task.status, TaskStatus.DONE).where(
			task.status.isin(TaskStatus.OPEN)
		).where(task.customer != self.customer).run()
		self.maintenance = frappe.get_all(
			TASK,
			{"unit": self.unit, "service_type": "Maintenance"},
			pluck="name",
			order_by="due_from",
			limit=1,
		)[0]
		# the least-loaded assignment spreads a plan over everyone holding the role: take this task's
		self.engineer = frappe.db.get_value(TASK, self.maintenance, "assigned_to")

	def move(self, task: str, days: int, status: str = TaskStatus.PLANNED) -> None:
		frappe.db.set_value(
			TASK,
			task,
			{
				"due_from": add_days(self.today, days),
				"due_to": add_days(self.today, days + 14),
				"status": status,
			},
		)

	def test_assignee_is_reminded_once_before_due_and_again_when_rescheduled(self):
		self.assertTrue(self.engineer)
		self.move(self.maintenance, 2)
		first = send_reminders()
		self.assertEqual(first["Due Soon"], 1)
		self.assertEqual(len(queued(self.engineer)), 1)
		self.assertIn("Maintenance", queued(self.engineer)[0])
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": self.engineer, "document_name": self.maintenance}
			)
		)
		# the job run twice sends nothing twice
		self.assertEqual(send_reminders()["Due Soon"], 0)
		self.assertEqual(len(queued(self.engineer)), 1)
		# a rescheduled visit is announced again
		self.move(self.maintenance, 3)
		self.assertEqual(send_reminders()["Due Soon"], 1)
		self.assertEqual(len(queued(self.engineer)), 2)

	def test_overdue_is_reminded_once_and_batched_per_person(self):
		tasks = frappe.get_all(TASK, {"unit": self.unit, "assigned_to": self.engineer}, pluck="name", limit=3)
		for task in tasks:
			self.move(task, -20, TaskStatus.OVERDUE)
		self.assertEqual(send_reminders()["Overdue"], len(tasks))
		mails = queued(self.engineer)
		self.assertEqual(len(mails), 1)  # one email listing them all
		self.assertEqual(send_reminders()["Overdue"], 0)

	def test_customer_is_told_of_a_visit_that_needs_them(self):
		from genset_service.patches.v0_2 import customer_visit_reminders

		customer_visit_reminders.execute()  # the installed default, also on a site older than it
		self.assertEqual(
			frappe.db.get_value("Genset Service Type", "Regular Inspection", "remind_customer_days"), 2
		)
		inspection = frappe.db.get_value(TASK, {"unit": self.unit, "service_type": "Regular Inspection"})
		self.move(inspection, 5)  # Regular Inspection reminds the customer 2 days before: not yet
		self.assertEqual(send_reminders()["Customer Visit"], 0)
		self.move(inspection, 2)
		self.assertEqual(send_reminders()["Customer Visit"], 1)
		mails = queued("site-manager@example.com")
		self.assertEqual(len(mails), 1)
		self.assertIn(frappe.format(add_days(self.today, 2), "Date"), mails[0])
		self.assertEqual(send_reminders()["Customer Visit"], 0)

	def test_daily_digest_once_a_day_to_the_escalation_role(self):
		manager = make_user("gs-digest-manager@example.com", ["Service Manager"])
		self.move(self.maintenance, -30, TaskStatus.OVERDUE)
		self.assertEqual(send_reminders()["Daily Digest"], 1)
		mails = queued(manager, REMINDER)
		self.assertEqual(len(mails), 1)
		self.assertIn("overdue", mails[0])
		self.assertEqual(send_reminders()["Daily Digest"], 0)
		self.assertEqual(send_reminders(add_days(self.today, 1))["Daily Digest"], 1)

	def test_off_sends_nothing(self):
		frappe.db.set_single_value("Genset Service Settings", {"send_reminders": 0, "daily_digest": 0})
		frappe.clear_document_cache("Genset Service Settings", "Genset Service Settings")
		self.move(self.maintenance, 1)
		self.assertEqual(sum(send_reminders().values()), 0)
		self.assertFalse(frappe.db.count(REMINDER))
