"""Large deliveries are planned in the background: queued on submit, planned exactly once by the job,
re-queued when the job died, nothing for a note cancelled while queued, inline when no worker is
alive."""

from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, now_datetime

from genset_service.scheduling import large_delivery
from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivery_note,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE
DN = "Delivery Note"
MODULE = "genset_service.scheduling.large_delivery"


class TestLargeDelivery(GensetTestCase):
	def setUp(self):
		super().setUp()
		frappe.db.set_single_value("Genset Service Settings", "background_planning_threshold", 2)
		self.queued = []
		self.patches = [
			patch(f"{MODULE}.workers_alive", return_value=True),
			patch(f"{MODULE}.enqueue_plan", side_effect=self.queued.append),
		]
		for p in self.patches:
			p.start()

	def tearDown(self):
		for p in self.patches:
			p.stop()
		super().tearDown()

	def deliver(self, qty: int):
		order = make_sales_order([{"item_code": self.genset, "qty": qty}])
		return make_delivery_note(order.name)

	def units(self, delivery) -> int:
		return frappe.db.count(UNIT, {"delivery_note": delivery.name, "status": ("!=", "Cancelled")})

	def test_large_delivery_is_queued_then_planned_exactly_once(self):
		delivery = self.deliver(3)
		self.assertEqual(frappe.db.get_value(DN, delivery.name, "genset_planning_status"), "Queued")
		self.assertEqual(self.queued, [delivery.name])
		self.assertEqual(self.units(delivery), 0)

		self.assertEqual(large_delivery.plan_in_background(delivery.name), "planned")
		self.assertEqual(self.units(delivery), 3)
		tasks = frappe.db.count(TASK, {"reference_name": delivery.name})
		self.assertGreater(tasks, 3 * 20)
		self.assertEqual(
			frappe.db.get_value(DN, delivery.name, ["genset_planning_status", "genset_planning_progress"]),
			("Planned", 100),
		)
		# a doubled job (a retry, a second worker) plans nothing more
		self.assertEqual(large_delivery.plan_in_background(delivery.name), "already planned")
		self.assertEqual(
			(self.units(delivery), frappe.db.count(TASK, {"reference_name": delivery.name})), (3, tasks)
		)

	def test_a_killed_job_is_requeued_and_finishes_once(self):
		delivery = self.deliver(3)
		# the worker died mid-plan: the note says Planning, no job is queued or running any more
		frappe.db.set_value(
			DN,
			delivery.name,
			{"genset_planning_status": "Planning", "modified": add_to_date(now_datetime(), hours=-1)},
			update_modified=False,
		)
		self.queued.clear()
		with patch(f"{MODULE}.plan_job_alive", return_value=False):
			self.assertIn(delivery.name, large_delivery.requeue_stale_plans())
		self.assertEqual(self.queued, [delivery.name])
		with patch(f"{MODULE}.plan_job_alive", return_value=True):  # a live job is left alone
			self.assertNotIn(delivery.name, large_delivery.requeue_stale_plans())
		self.assertEqual(large_delivery.plan_in_background(delivery.name), "planned")
		self.assertEqual(large_delivery.plan_in_background(delivery.name), "already planned")
		self.assertEqual(self.units(delivery), 3)

	def test_a_plan_that_keeps_failing_backs_off_then_stops_and_tells_the_managers(self):
		delivery = self.deliver(3)
		manager = make_user("gs-planning-manager@example.com", ["Service Manager"])
		started = add_to_date(now_datetime(), hours=1)
		frappe.db.set_value(
			DN,
			delivery.name,
			{"genset_planning_status": "Failed", "modified": add_to_date(now_datetime(), hours=-1)},
			update_modified=False,
		)
		self.queued.clear()
		now, waits = started, []
		with patch(f"{MODULE}.plan_job_alive", return_value=False):
			for attempt in range(1, large_delivery.MAX_RETRIES + 1):
				self.assertEqual(large_delivery.requeue_stale_plans(now), [delivery.name])
				status, attempts, retry_at = frappe.db.get_value(
					DN,
					delivery.name,
					["genset_planning_status", "genset_planning_attempts", "genset_planning_retry_at"],
				)
				self.assertEqual((status, attempts), ("Queued", attempt))
				waits.append(round((retry_at - now).total_seconds() / 60))
				# the job fails again; before its pause is over the sweep leaves it alone
				frappe.db.set_value(
					DN, delivery.name, "genset_planning_status", "Failed", update_modified=False
				)
				self.assertEqual(large_delivery.requeue_stale_plans(add_to_date(retry_at, minutes=-1)), [])
				now = add_to_date(retry_at, minutes=1)
			self.assertEqual(waits, [15, 30, 60, 120])
			self.assertEqual(len(self.queued), large_delivery.MAX_RETRIES)

			# the last failure: no more retries, the plan is Stopped and the managers are told once
			self.assertEqual(large_delivery.requeue_stale_plans(now), [])
			self.assertEqual(frappe.db.get_value(DN, delivery.name, "genset_planning_status"), "Stopped")
			self.assertEqual(large_delivery.requeue_stale_plans(add_to_date(now, days=1)), [])
		self.assertEqual(len(self.queued), large_delivery.MAX_RETRIES)
		told = frappe.get_all(
			"Notification Log",
			filters={"for_user": manager, "document_type": DN, "document_name": delivery.name},
			pluck="subject",
		)
		self.assertEqual(len(told), 1)
		self.assertIn("not retried any more", told[0])

		# "Plan Again" on the form starts over, for those who may submit the note
		from genset_service.api.plan import plan_delivery_again

		frappe.set_user(self.team["Technical Engineer"])
		with self.assertRaises(frappe.PermissionError):
			plan_delivery_again(delivery.name)
		frappe.set_user("Administrator")
		with self.assertRaises(frappe.DoesNotExistError):
			plan_delivery_again("DN-NO-SUCH")
		self.assertEqual(plan_delivery_again(delivery.name)["status"], "Queued")
		self.assertEqual(
			frappe.db.get_value(DN, delivery.name, ["genset_planning_status", "genset_planning_attempts"]),
			("Queued", 0),
		)
		# only a Failed or Stopped plan may be started again
		with self.assertRaisesRegex(frappe.ValidationError, "only a Failed or Stopped plan"):
			plan_delivery_again(delivery.name)
		self.assertEqual(large_delivery.plan_in_background(delivery.name), "planned")
		self.assertEqual(self.units(delivery), 3)

	def test_a_job_started_by_a_worker_that_died_is_not_alive(self):
		import datetime

		class Job:
			def __init__(self, status, beat):
				self.status, self.last_heartbeat, self.started_at, self.deleted = status, beat, beat, False

			def get_status(self):
				return self.status

			def delete(self):
				self.deleted = True

		now = datetime.datetime(2026, 12, 3, 8, 0, 0)
		cases = [
			(None, None, False),
			(Job("queued", None), None, True),
			(Job("started", now - datetime.timedelta(seconds=40)), None, True),  # beating: running
			(Job("started", now - datetime.timedelta(minutes=5)), True, False),  # no beat: died
			(Job("failed", now), None, False),
			(Job("finished", now), None, False),
		]
		for job, deleted, alive in cases:
			with patch("genset_service.scheduling.jobs.get_job", return_value=job):
				self.assertEqual(large_delivery.plan_job_alive("DN-1", now=now), alive, job and job.status)
			if deleted:
				# deleted, or the queue's deduplication would refuse the plan queued again
				self.assertTrue(job.deleted)

	def test_cancelled_while_queued_gets_no_plan(self):
		delivery = self.deliver(3)
		delivery.reload()
		delivery.cancel()
		self.assertEqual(frappe.db.get_value(DN, delivery.name, "genset_planning_status"), "Cancelled")
		self.assertEqual(large_delivery.plan_in_background(delivery.name), "cancelled")
		self.assertEqual(frappe.db.count(UNIT, {"delivery_note": delivery.name}), 0)

	def test_small_delivery_or_no_worker_is_planned_inline(self):
		small = self.deliver(2)
		self.assertEqual(self.units(small), 2)
		self.assertFalse(frappe.db.get_value(DN, small.name, "genset_planning_status"))
		with patch(f"{MODULE}.workers_alive", return_value=False):
			large = self.deliver(3)
		self.assertEqual(self.units(large), 3)
		self.assertEqual(frappe.db.get_value(DN, large.name, "genset_planning_status"), "Planned")
		self.assertEqual(self.queued, [])

	def test_threshold_must_be_positive(self):
		for value in (0, -5):
			settings = frappe.get_doc("Genset Service Settings")
			settings.reload()
			settings.background_planning_threshold = value
			with self.assertRaisesRegex(frappe.ValidationError, "1 or more"):
				settings.save()

	def test_only_a_worker_of_the_long_queue_counts(self):
		from frappe.utils.background_jobs import generate_qname

		workers_alive = self.patches[0].temp_original  # the real check, not the test's stand-in

		class Worker:
			def __init__(self, *queues):
				self.queues = queues

			def queue_names(self):
				return list(self.queues)

		with patch(f"{MODULE}.get_workers", return_value=[Worker(generate_qname("default"))]):
			self.assertFalse(workers_alive())
		with patch(f"{MODULE}.get_workers", return_value=[Worker(generate_qname("long"))]):
			self.assertTrue(workers_alive())
		with patch(f"{MODULE}.get_workers", side_effect=ConnectionError):
			self.assertFalse(workers_alive())  # Redis out of reach: plan inline
