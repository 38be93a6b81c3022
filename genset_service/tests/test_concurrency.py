"""Two workers running the same job at the same moment (two scheduler workers, an overlap after a
restart, a manual run): each thread has its own database connection, the set-up is committed so that
both see it, and the result is counted in the database. Everything made is removed afterwards."""

import datetime
import threading

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from genset_service.access.guard import as_app
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
FIELD_ACTION = "Genset Field Action"
PROPOSAL = "Genset Dispatch Proposal"
READING = "Genset Running Hours Reading"
WORKERS = 2


def run_at_once(method: str, *args) -> list:
	"""Run ``method`` in WORKERS threads, each with its own connection, released together; returns
	what each returned (or the exception it raised)."""
	return run_each([(method, args)] * WORKERS)


def run_each(calls: list[tuple[str, tuple]]) -> list:
	"""Run each (method, args) in a thread of its own with its own connection, all released together;
	returns what each returned (or the exception it raised), in order."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(len(calls))
	results = [None] * len(calls)

	def work(index: int) -> None:
		method, args = calls[index]
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

	threads = [threading.Thread(target=work, args=(index,)) for index in range(len(calls))]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=120)
	frappe.db.commit()  # a fresh snapshot: see what the workers committed
	return results


def make_engineer() -> tuple[str, str]:
	"""A committed engineer (user, Genset Engineer) with a pinned home, for the workers to act as or
	plan for."""
	from genset_service.tests.utils import make_user

	# a desk role that no service is assigned to, so that the other suites' assignments never pick it
	user = make_user("gs-concurrent-field@example.com", ["Stock User"])
	pin = {"genset_latitude": 53.8, "genset_longitude": -1.55}
	home = frappe.db.get_value("Address", {"address_title": "GS Concurrent Engineer Home"})
	if home:  # the pin again: a test that uninstalls the app's custom fields drops their columns
		frappe.db.set_value("Address", home, pin)
	else:
		home = (
			frappe.get_doc(
				{
					"doctype": "Address",
					"address_title": "GS Concurrent Engineer Home",
					"address_line1": "1 Works Road",
					"city": "Leeds",
					"country": frappe.db.get_value("Company", company(), "country"),
					**pin,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	name = frappe.db.get_value("Genset Engineer", {"user": user}) or (
		frappe.get_doc(
			{
				"doctype": "Genset Engineer",
				"user": user,
				"working_from": "08:00:00",
				"working_to": "17:00:00",
				"home_base": home,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.db.commit()
	return user, name


def remove_engineer(user: str) -> None:
	for name in frappe.get_all("Genset Engineer", {"user": user}, pluck="name"):
		frappe.delete_doc("Genset Engineer", name, force=True, ignore_permissions=True)
	frappe.db.commit()


class CommittedCase(FrappeTestCase):
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

	def emergency(self):
		"""An Emergency Rescue request of the test customer (not committed: the test commits it)."""
		return frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Emergency Rescue",
				"customer": self.customer,
				"company": company(),
				"description": "Genset stopped under load",
			}
		).insert(ignore_permissions=True)

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


class TestConcurrentJobs(CommittedCase):
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
		request = self.emergency()
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


class TestConcurrentFieldActions(CommittedCase):
	"""The phone's outbox sent twice at once (the page and its service worker, two tabs): the action
	is received once, and both sends get its answer."""

	def setUp(self):
		super().setUp()
		self.user, _engineer = make_engineer()

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.delete(FIELD_ACTION, {"user": self.user})
		remove_engineer(self.user)
		super().tearDown()

	def test_the_same_action_sent_twice_at_once_is_received_once(self):
		request = self.emergency()
		frappe.db.set_value("Genset Service Task", request.task, "assigned_to", self.user)  # his request
		frappe.db.commit()
		arrived = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=3)
		for _round in range(3):
			action = {
				"id": f"phone-twice-{frappe.generate_hash(length=10)}",
				"kind": "check_in",
				"at": arrived.isoformat(),
				"payload": {"request": request.name},
			}
			results = run_at_once("genset_service.field.sync.receive", action, self.user)
			self.assertFalse([r for r in results if isinstance(r, Exception)], results)
			self.assertEqual(sorted(r["replay"] for r in results), [False, True])
			self.assertEqual({(r["status"], r["name"]) for r in results}, {("Done", request.name)})
			self.assertEqual(frappe.db.count(FIELD_ACTION, {"action_id": action["id"]}), 1)
		self.assertTrue(frappe.db.get_value(REQUEST, request.name, "on_site_on"))


class TestConcurrentDispatch(CommittedCase):
	"""A manager double-clicks Apply, or two managers apply the same proposal at once: it is applied
	once (the proposal's row is locked while it is checked and written), and the other is told why."""

	def setUp(self):
		super().setUp()
		self.user, self.engineer = make_engineer()
		self.proposals = []

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.delete(PROPOSAL, {"name": ("in", self.proposals or ["-"])})
		frappe.db.delete("Genset Dispatch Engineer", {"parent": ("in", self.proposals or ["-"])})
		remove_engineer(self.user)
		super().tearDown()

	def test_a_proposal_applied_twice_at_once_is_applied_once(self):
		# the next working day (an engineer works Monday to Friday): a Friday's run plans for Monday
		tomorrow = add_days(getdate(), 1)
		while tomorrow.weekday() >= 5:
			tomorrow = add_days(tomorrow, 1)
		for _round in range(3):
			doc = frappe.get_doc(
				{
					"doctype": PROPOSAL,
					"from_date": tomorrow,
					"to_date": tomorrow,
					"status": "Draft",
					"engineers": [{"engineer": self.engineer}],
				}
			).insert(ignore_permissions=True)
			self.proposals.append(doc.name)
			frappe.db.commit()
			results = run_at_once("genset_service.dispatch.proposals.apply", doc.name)
			applied = [r for r in results if isinstance(r, dict)]
			refused = [r for r in results if isinstance(r, frappe.ValidationError)]
			self.assertEqual(([r["status"] for r in applied], len(refused)), (["Applied"], 1), results)
			self.assertIn("only a Draft", str(refused[0]))
			self.assertEqual(frappe.db.get_value(PROPOSAL, doc.name, "status"), "Applied")


class TestConcurrentReadings(CommittedCase):
	"""Two readings of one genset at the same moment (the phone's outbox and the desk, or two
	integrations): each is checked against the other, never both against the log without it."""

	def tearDown(self):
		frappe.db.rollback()
		units = frappe.get_all("Genset Unit", {"customer": self.customer}, pluck="name")
		frappe.db.delete(READING, {"unit": ("in", units or ["-"])})
		frappe.db.delete("Genset Unit", {"name": ("in", units or ["-"])})
		super().tearDown()

	def test_two_readings_at_once_are_checked_one_after_the_other(self):
		unit = frappe.get_doc(
			{
				"doctype": "Genset Unit",
				"customer": self.customer,
				"company": company(),
				"item_code": make_genset_item(),
				"delivery_date": add_days(getdate(), -30),
				"warranty_months": 12,
				"contract_months": 24,
				"inspection_interval_months": 6,
				"maintenance_interval_months": 6,
				"maintenance_interval_hours": 250,
			}
		)
		with as_app():  # a unit as a delivery makes it
			unit.insert(ignore_permissions=True)
		frappe.db.commit()
		record = "genset_service.scheduling.readings.record_reading"
		now = now_datetime().replace(microsecond=0)
		# each round: a higher count dated earlier and a lower one dated later; whichever is written
		# first, the other no longer fits (meters never run backwards), so exactly one is written
		for high, low, hours_ago in ((100, 90, 4), (300, 290, 2)):
			results = run_each(
				[
					(record, (unit.name, high, add_to_date(now, hours=-hours_ago))),
					(record, (unit.name, low, add_to_date(now, hours=-hours_ago + 1))),
				]
			)
			written = [r for r in results if not isinstance(r, Exception)]
			refused = [r for r in results if isinstance(r, frappe.ValidationError)]
			self.assertEqual((len(written), len(refused)), (1, 1), results)
			self.assertRegex(str(refused[0]), "never run backwards")
		self.assertEqual(frappe.db.count(READING, {"unit": unit.name}), 2)


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


class TestConcurrentPhotos(CommittedCase):
	"""Two tabs of the phone (or a retry racing its own first try) upload the same photo at once: it is
	kept once (its key is a unique column) and both are answered that it was received."""

	def setUp(self):
		super().setUp()
		self.user, self.engineer = make_engineer()

	def tearDown(self):
		frappe.db.rollback()
		names = frappe.get_all("Genset Field Photo", {"user": self.user}, pluck="name")
		frappe.db.delete(
			"File", {"attached_to_doctype": "Genset Field Photo", "attached_to_name": ("in", names or ["-"])}
		)
		frappe.db.delete("Genset Field Photo", {"user": self.user})
		remove_engineer(self.user)
		super().tearDown()

	def test_the_same_photo_uploaded_twice_at_once_is_kept_once(self):
		from genset_service.genset_service.doctype.genset_field_photo.test_genset_field_photo import (
			jpeg_bytes,
		)

		content = jpeg_bytes()
		for _round in range(3):
			upload_id = f"phone-twice-{frappe.generate_hash(length=10)}"
			results = run_at_once(
				"genset_service.field.photos.receive_photo", upload_id, "0", content, None, self.user
			)
			self.assertFalse([r for r in results if isinstance(r, Exception)], results)
			self.assertEqual(sorted(r["replay"] for r in results), [False, True])
			self.assertEqual(frappe.db.count("Genset Field Photo", {"upload_id": upload_id}), 1)
			photo = frappe.db.get_value("Genset Field Photo", {"upload_id": upload_id}, "name")
			self.assertEqual(frappe.db.count("File", {"attached_to_name": photo}), 1)
