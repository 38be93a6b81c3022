"""Two workers running the same job at the same moment (two scheduler workers, an overlap after a
restart, a manual run): each thread has its own database connection, the set-up is committed so that
both see it, and the result is counted in the database. Everything made is removed afterwards."""

import threading

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from genset_service.genset_service.doctype.genset_warranty_extension.test_genset_warranty_extension import (
	make_outgoing_email_account,
)
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import CONTRACT, TASK, bulk_insert, standard_values
from genset_service.tests.utils import (
	TEST_IGNORE,
	company,
	make_customer,
	make_genset_item,
	make_service_team,
)

test_ignore = TEST_IGNORE
SURVEY = "Genset Satisfaction Survey"
REQUEST = "Genset Service Request"
NOTICE = "Genset Escalation Notice"
WORKERS = 2


def run_at_once(method: str, *args) -> list:
	"""Run ``method`` in WORKERS threads, each with its own connection, released together; returns
	what each returned (or the exception it raised)."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(WORKERS)
	results = [None] * WORKERS

	def work(index: int) -> None:
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		try:
			frappe.set_user("Administrator")
			barrier.wait(timeout=30)
			results[index] = frappe.get_attr(method)(*args)
			frappe.db.commit()
		except Exception as error:
			frappe.db.rollback()
			results[index] = error
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=work, args=(index,)) for index in range(WORKERS)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=120)
	frappe.db.commit()  # a fresh snapshot: see what the workers committed
	return results


class TestConcurrentJobs(FrappeTestCase):
	"""Commits its set-up (the workers must see it) and deletes everything it made in tearDown."""

	def setUp(self):
		frappe.set_user("Administrator")
		make_service_team()
		make_outgoing_email_account()
		self.customer = make_customer("_Test Genset Concurrency Customer")
		frappe.db.set_value("Customer", self.customer, "email_id", "concurrency@example.com")
		frappe.db.commit()

	def tearDown(self):
		frappe.db.rollback()
		made = self._made_names()
		for doctype, names in (
			(NOTICE, frappe.get_all(NOTICE, {"request": ("in", self._requests())}, pluck="name")),
			("Notification Log", self._logs()),
			("Email Queue", self._emails()),
			(SURVEY, frappe.get_all(SURVEY, {"customer": self.customer}, pluck="name")),
			(
				"ToDo",
				frappe.get_all(
					"ToDo", {"reference_type": TASK, "reference_name": ("in", self._tasks())}, pluck="name"
				),
			),
			(TASK, self._tasks()),
			(REQUEST, self._requests()),
			(CONTRACT, frappe.get_all(CONTRACT, {"customer": self.customer}, pluck="name")),
		):
			if names:
				frappe.db.delete(doctype, {"name": ("in", names)})
		frappe.db.delete(
			"Comment",
			{
				"reference_doctype": ("in", (SURVEY, REQUEST, CONTRACT, TASK)),
				"reference_name": ("in", made),
			},
		)
		frappe.db.commit()

	def _tasks(self) -> list[str]:
		return frappe.get_all(TASK, {"customer": self.customer}, pluck="name") or ["-"]

	def _requests(self) -> list[str]:
		return frappe.get_all(REQUEST, {"customer": self.customer}, pluck="name") or ["-"]

	def _emails(self) -> list[str]:
		return frappe.get_all(
			"Email Queue",
			{"reference_doctype": SURVEY, "reference_name": ("in", self._surveys())},
			pluck="name",
		)

	def _surveys(self) -> list[str]:
		return frappe.get_all(SURVEY, {"customer": self.customer}, pluck="name") or ["-"]

	def _logs(self) -> list[str]:
		return frappe.get_all(
			"Notification Log",
			{"document_type": REQUEST, "document_name": ("in", self._requests())},
			pluck="name",
		)

	def _made_names(self) -> list[str]:
		return [*self._surveys(), *self._requests(), *self._tasks()]

	def make_contract_with_due_round(self) -> str:
		"""A submitted contract whose first survey round is due today for two gensets."""
		item = make_genset_item()
		contract = frappe.get_doc(
			{
				"doctype": CONTRACT,
				"customer": self.customer,
				"company": company(),
				"start_date": getdate(),
				"items": [
					{
						"item_code": item,
						"qty": 2,
						"delivery_date": getdate(),
						"warranty_months": 12,
						"inspection_interval_months": 6,
						"maintenance_interval_months": 6,
						"maintenance_interval_hours": 250,
						"contract_months": 24,
					}
				],
			}
		)
		contract.insert(ignore_permissions=True)
		contract.submit()
		base = standard_values()
		bulk_insert(
			TASK,
			[
				{
					**base,
					"name": frappe.generate_hash(length=10),
					"service_type": "Satisfaction Survey",
					"status": TaskStatus.DUE,
					"occurrence": 1,
					"due_from": getdate(),
					"due_to": add_days(getdate(), 14),
					"customer": self.customer,
					"company": company(),
					"contract": contract.name,
					"plan_key": f"{contract.name}:concurrency:{index}",
				}
				for index in range(2)
			],
		)
		frappe.db.commit()
		return contract.name

	def test_two_survey_jobs_at_once_make_one_survey_and_one_email(self):
		for _round in range(3):  # the race was lost three times out of three before the key
			contract = self.make_contract_with_due_round()
			results = run_at_once("genset_service.scheduling.voice.send_due_surveys")
			self.assertFalse([r for r in results if isinstance(r, Exception)], results)
			surveys = frappe.get_all(SURVEY, {"contract": contract}, pluck="name")
			self.assertEqual(len(surveys), 1)
			self.assertEqual(sum(len(r) for r in results), 1)  # one worker made it, the other skipped
			self.assertEqual(
				frappe.db.count("Email Queue", {"reference_doctype": SURVEY, "reference_name": surveys[0]}), 1
			)
			frappe.db.delete(TASK, {"contract": contract})
			frappe.db.commit()

	def test_two_escalation_jobs_at_once_notify_once(self):
		request = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Emergency Rescue",
				"customer": self.customer,
				"company": company(),
				"description": "Genset stopped under load",
			}
		)
		request.insert(ignore_permissions=True)
		opened = add_to_date(now_datetime(), hours=-5)
		frappe.db.set_value(
			REQUEST,
			request.name,
			{"opening_date": opened, "response_by": add_to_date(opened, hours=4), "escalation": None},
			update_modified=False,
		)
		frappe.db.commit()
		results = run_at_once("genset_service.scheduling.requests.escalate")
		self.assertFalse([r for r in results if isinstance(r, Exception)], results)
		self.assertEqual(sum(len(r["Breached"]) for r in results), 1)
		self.assertEqual(frappe.db.count(NOTICE, {"request": request.name, "level": "Breached"}), 1)
		notified = frappe.get_all(
			"Notification Log", {"document_type": REQUEST, "document_name": request.name}, pluck="for_user"
		)
		self.assertTrue(notified)
		self.assertEqual(len(notified), len(set(notified)))  # nobody twice
		self.assertEqual(frappe.db.get_value(REQUEST, request.name, "escalation"), "Breached")


class TestDeadlockVictim(FrappeTestCase):
	"""When the database picks a job's transaction as a deadlock victim (two workers inserting the same
	key at once), the whole transaction is gone: the job keeps nothing, raises nothing, and says so."""

	def test_a_deadlocked_survey_run_keeps_nothing_and_fails_nothing(self):
		from unittest.mock import patch

		from frappe.model.document import Document

		from genset_service.scheduling.voice import send_due_surveys
		from genset_service.tests.utils import make_delivery_note, make_sales_order, set_gate

		frappe.set_user("Administrator")
		make_service_team()
		set_gate("Off")
		order = make_sales_order([{"item_code": make_genset_item(), "qty": 1}], customer=make_customer())
		make_delivery_note(order.name)
		contract = frappe.db.get_value(CONTRACT, {"sales_order": order.name})
		task = frappe.qb.DocType(TASK)
		frappe.qb.update(task).set(task.due_from, getdate()).where(task.contract == contract).where(
			task.service_type == "Satisfaction Survey"
		).run()
		with patch.object(Document, "insert", side_effect=frappe.QueryDeadlockError("Deadlock found")):
			self.assertEqual(send_due_surveys(), [])
		# the transaction was rolled back whole, and the connection goes on
		self.assertFalse(frappe.db.exists(CONTRACT, contract))
		self.assertTrue(frappe.db.sql("select 1"))

	def test_a_lost_savepoint_is_a_lost_transaction(self):
		from genset_service.scheduling.common import TransactionLost, undo_to

		with self.assertRaises(TransactionLost):
			undo_to("genset_no_such_savepoint")
