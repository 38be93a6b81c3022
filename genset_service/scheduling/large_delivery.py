"""Large deliveries are planned in the background, on the site's RQ workers.

A Delivery Note of more gensets than the threshold (Genset Service Settings, default 50) is marked
*Queued* on submit and its plan is written by a job (``frappe.enqueue`` with a ``job_id`` per note,
deduplicated), which shows its progress on the form. The plan is finished exactly once: the job
locks the note's row, plans only if the note is still submitted and has no live unit yet, and the
units' unique key forbids a second set anyway. A note cancelled while its plan is queued gets none.
A scheduler sweep re-queues a plan whose job died (failed, or its worker was killed: a job RQ still
calls started whose work horse has not beaten for two minutes is dead), a few times with
a growing pause (15, 30, 60, 120 minutes); after the last attempt the plan is *Stopped* and the Service
Managers are told, and the form's "Plan again" button starts over. Where no worker is alive, the plan is
written as the note is submitted, as for small deliveries.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, flt, get_datetime, now_datetime
from frappe.utils.background_jobs import generate_qname, get_workers

from genset_service.access.guard import app_action
from genset_service.scheduling.common import UNIT, bulk_update, genset_items_of, notify_users, settings
from genset_service.scheduling.delivery import plan_delivery_note
from genset_service.scheduling.jobs import job_alive

DN = "Delivery Note"
QUEUE = "long"
STATUS = "genset_planning_status"
PROGRESS = "genset_planning_progress"
ATTEMPTS = "genset_planning_attempts"
RETRY_AT = "genset_planning_retry_at"
STALE_AFTER_MINUTES = 15
# the sweep queues a dead plan again this many times, waiting STALE_AFTER_MINUTES * 2**n before the
# n-th retry (15, 30, 60, 120 minutes); then the plan is Stopped and the managers are told
MAX_RETRIES = 4
PROGRESS_EVENT = "genset_planning_progress"


def job_id(delivery_note: str) -> str:
	return f"genset_service::plan::{delivery_note}"


def genset_count(doc) -> int:
	items = genset_items_of(doc)
	return sum(cint(flt(row.get("stock_qty") or row.qty)) for row in doc.items if row.item_code in items)


def workers_alive() -> bool:
	"""Whether an RQ worker of this bench listens to the queue the plan goes to."""
	try:
		name = generate_qname(QUEUE)
		return any(name in worker.queue_names() for worker in get_workers())
	except Exception:
		return False  # Redis out of reach: plan inline


def plan_or_queue(doc) -> None:
	"""On submit: plan now, or queue the plan of a large delivery."""
	if doc.get("is_return"):
		return
	count = genset_count(doc)
	if not count:
		return
	threshold = cint(settings().background_planning_threshold) or 50
	if count <= threshold or not workers_alive():
		plan_delivery_note(doc)
		if count > threshold:
			doc.db_set({STATUS: "Planned", PROGRESS: 100}, update_modified=False)
		return
	doc.db_set({STATUS: "Queued", PROGRESS: 0}, update_modified=False)
	enqueue_plan(doc.name)
	frappe.msgprint(
		_("{0} gensets: their after-sales plan is being written in the background.").format(count),
		alert=True,
		indicator="blue",
	)


def enqueue_plan(delivery_note: str) -> None:
	frappe.enqueue(
		"genset_service.scheduling.large_delivery.plan_in_background",
		queue=QUEUE,
		timeout=3600,
		job_id=job_id(delivery_note),
		deduplicate=True,
		enqueue_after_commit=True,
		delivery_note=delivery_note,
	)


@app_action
def plan_in_background(delivery_note: str) -> str:
	"""The job: plan the note once, under a row lock on it. Returns what it did."""
	state = frappe.db.get_value(DN, delivery_note, ["docstatus", STATUS], as_dict=True, for_update=True)
	if not state:
		return "missing"
	if state.docstatus != 1:
		frappe.db.set_value(DN, delivery_note, STATUS, "Cancelled", update_modified=False)
		return "cancelled"
	# a locking read: the units another worker committed while this one waited for the lock (a plain
	# read could come from this transaction's older snapshot)
	if frappe.db.get_value(
		UNIT, {"delivery_note": delivery_note, "status": ("!=", "Cancelled")}, "name", for_update=True
	):
		frappe.db.set_value(DN, delivery_note, {STATUS: "Planned", PROGRESS: 100}, update_modified=False)
		return "already planned"
	frappe.db.set_value(DN, delivery_note, {STATUS: "Planning", PROGRESS: 10}, update_modified=False)
	_progress(delivery_note, 10)
	try:
		plan_delivery_note(frappe.get_doc(DN, delivery_note))
	except Exception:
		frappe.db.rollback()
		frappe.db.set_value(DN, delivery_note, STATUS, "Failed", update_modified=False)
		frappe.db.commit()
		frappe.log_error(
			f"Genset plan of {delivery_note}", reference_doctype=DN, reference_name=delivery_note
		)
		raise
	frappe.db.set_value(DN, delivery_note, {STATUS: "Planned", PROGRESS: 100}, update_modified=False)
	_progress(delivery_note, 100)
	return "planned"


def _progress(delivery_note: str, percent: int) -> None:
	frappe.publish_realtime(
		PROGRESS_EVENT,
		{"delivery_note": delivery_note, "progress": percent},
		doctype=DN,
		docname=delivery_note,
		after_commit=True,
	)


def plan_job_alive(delivery_note: str, now=None) -> bool:
	"""Whether the note's plan job is waiting or running (a dead one is deleted: see jobs.job_alive)."""
	return job_alive(job_id(delivery_note), now)


def retry_delay_minutes(attempt: int) -> int:
	"""The pause before the sweep's ``attempt``-th retry of a dead plan (1-based)."""
	return STALE_AFTER_MINUTES * 2 ** (attempt - 1)


@app_action
def requeue_stale_plans(now=None) -> list[str]:
	"""Scheduler sweep: a plan still Queued or Planning after a while whose job is no longer queued or
	running (it failed, or its worker was killed), or a Failed one, is queued again once its pause is
	over, at most MAX_RETRIES times; then it is Stopped and the Service Managers are told."""
	now = get_datetime(now or now_datetime())
	cutoff = add_to_date(now, minutes=-STALE_AFTER_MINUTES)
	stale = [
		row
		for row in frappe.get_all(
			DN,
			filters={
				STATUS: ("in", ("Queued", "Planning", "Failed")),
				"docstatus": 1,
				"modified": ("<", cutoff),
			},
			fields=["name", ATTEMPTS, RETRY_AT],
		)
		if not (row.get(RETRY_AT) and get_datetime(row.get(RETRY_AT)) > now) and not plan_job_alive(row.name)
	]
	retry = {row.name: cint(row.get(ATTEMPTS)) + 1 for row in stale if cint(row.get(ATTEMPTS)) < MAX_RETRIES}
	stopped = [row.name for row in stale if row.name not in retry]
	bulk_update(
		DN,
		{
			**{
				name: {
					STATUS: "Queued",
					ATTEMPTS: attempt,
					RETRY_AT: add_to_date(now, minutes=retry_delay_minutes(attempt)),
				}
				for name, attempt in retry.items()
			},
			**{name: {STATUS: "Stopped", RETRY_AT: None} for name in stopped},
		},
		update_modified=False,
	)
	for name in retry:
		enqueue_plan(name)
	if stopped:
		tell_managers(stopped)
	return list(retry)


def tell_managers(stopped: list[str]) -> None:
	"""The Service Managers (Genset Service Settings: escalation role) get a desk notification per plan
	that will not be retried any more."""
	from genset_service.scheduling.requests import users_with_role

	managers = users_with_role(settings().escalation_role or "Service Manager")
	for name in stopped:
		notify_users(
			managers,
			_(
				"The after-sales plan of Delivery Note {0} failed {1} times and is not retried any more: see the Error Log, then use Plan again."
			).format(name, MAX_RETRIES + 1),
			DN,
			name,
		)


@app_action
def plan_again(delivery_note: str) -> str:
	"""A Failed or Stopped plan is queued once more, its attempts from zero (the form's "Plan Again",
	through ``api.plan.plan_delivery_again``)."""
	doc = frappe.get_doc(DN, delivery_note)
	doc.check_permission("submit")
	if doc.docstatus != 1 or doc.get(STATUS) not in ("Failed", "Stopped"):
		frappe.throw(
			_("Delivery Note {0}: only a Failed or Stopped plan can be started again.").format(doc.name),
			title=_("Nothing to Plan Again"),
		)
	doc.db_set({STATUS: "Queued", PROGRESS: 0, ATTEMPTS: 0, RETRY_AT: None}, update_modified=False)
	enqueue_plan(doc.name)
	return "Queued"


def cancel_queued_plan(doc) -> None:
	"""On cancel: a plan still waiting will find the note cancelled and write nothing."""
	if doc.get(STATUS) in ("Queued", "Planning", "Failed", "Stopped"):
		doc.db_set(STATUS, "Cancelled", update_modified=False)
