"""Large deliveries are planned in the background, on the site's RQ workers.

A Delivery Note of more gensets than the threshold (Genset Service Settings, default 50) is marked
*Queued* on submit and its plan is written by a job (``frappe.enqueue`` with a ``job_id`` per note,
deduplicated), which shows its progress on the form. The plan is finished exactly once: the job
locks the note's row, plans only if the note is still submitted and has no live unit yet, and the
units' unique key forbids a second set anyway. A note cancelled while its plan is queued gets none.
A scheduler sweep re-queues a plan whose job died (failed, or its worker was killed). Where no worker
is alive, the plan is written as the note is submitted, as for small deliveries.
"""

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, flt, now_datetime
from frappe.utils.background_jobs import generate_qname, get_workers, is_job_enqueued

from genset_service.access.guard import app_action
from genset_service.scheduling.common import UNIT, genset_items_of, settings
from genset_service.scheduling.delivery import plan_delivery_note

DN = "Delivery Note"
QUEUE = "long"
STATUS = "genset_planning_status"
PROGRESS = "genset_planning_progress"
STALE_AFTER_MINUTES = 15
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


@app_action
def requeue_stale_plans() -> list[str]:
	"""Scheduler sweep: a plan still Queued or Planning after a while whose job is no longer queued or
	running (it failed, or its worker was killed) is queued again; Failed plans too."""
	cutoff = add_to_date(now_datetime(), minutes=-STALE_AFTER_MINUTES)
	stale = frappe.get_all(
		DN,
		filters={STATUS: ("in", ("Queued", "Planning", "Failed")), "docstatus": 1, "modified": ("<", cutoff)},
		pluck="name",
	)
	requeued = [name for name in stale if not is_job_enqueued(job_id(name))]
	for name in requeued:
		enqueue_plan(name)
	return requeued


def cancel_queued_plan(doc) -> None:
	"""On cancel: a plan still waiting will find the note cancelled and write nothing."""
	if doc.get(STATUS) in ("Queued", "Planning", "Failed"):
		doc.db_set(STATUS, "Cancelled", update_modified=False)
