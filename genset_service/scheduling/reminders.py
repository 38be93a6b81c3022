"""Reminders, sent by the daily scheduler: each assignee before a planned service is due and when it
becomes overdue (an email and a desk notification per person and reason, listing the services), the
customer before a visit that needs them (days per service type, with the visit's window), and a daily
digest for the escalation role (overdue services, requests at risk or breached, warranties ending).

Never twice for the same task, reason and due date: each reminder is claimed by one bulk
``INSERT IGNORE`` on the unique ``reminder_key`` of **Genset Reminder** (task:reason:due date), and
only what this run claimed is sent. A rescheduled task has another due date and is reminded again.
Off with the settings *Send Reminders* and *Daily Digest*.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, cint, escape_html, getdate, now_datetime

from genset_service.access.guard import app_action
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import (
	SERVICE_TYPE,
	TASK,
	UNIT,
	UNIT_GONE,
	TransactionLost,
	notify_users,
	send_email_safely,
	settings,
	standard_values,
)
from genset_service.scheduling.requests import REQUEST, live_users, users_with_role

REMINDER = "Genset Reminder"
DUE_SOON, OVERDUE, CUSTOMER, DIGEST = "Due Soon", "Overdue", "Customer Visit", "Daily Digest"
WARRANTY_WINDOW_DAYS = 60
TASK_FIELDS = [
	"name",
	"service_type",
	"status",
	"due_from",
	"due_to",
	"assigned_to",
	"customer",
	"customer_name",
	"unit",
	"serial_no",
]


def reminder_key(task: str | None, reason: str, day) -> str:
	return f"{task or '-'}:{reason}:{getdate(day).isoformat()}"


@app_action
def send_reminders(today=None) -> dict[str, int]:
	"""The daily job. Returns how many reminders of each reason this run sent."""
	config = settings()
	today = getdate(today or frappe.utils.nowdate())
	sent = {DUE_SOON: 0, OVERDUE: 0, CUSTOMER: 0, DIGEST: 0}
	try:
		if cint(config.send_reminders):
			sent.update(remind_assignees(today, cint(config.remind_assignee_days)))
			sent[CUSTOMER] = remind_customers(today)
		if cint(config.daily_digest):
			sent[DIGEST] = send_digest(today, config.escalation_role)
	except (TransactionLost, frappe.QueryDeadlockError):
		frappe.db.rollback()  # another worker is sending these; nothing of this run was kept
		return dict.fromkeys(sent, 0)
	return sent


def claim(entries: list[tuple[str | None, str, object, str]]) -> set[str]:
	"""Claim reminders (task, reason, due date, recipients) not sent before: one INSERT IGNORE on the
	unique key and one read of what this run inserted. Another run at the same moment claims none of
	these (it waits on the keys, then finds them taken)."""
	if not entries:
		return set()
	keys = {reminder_key(task, reason, day) for task, reason, day, _to in entries}
	taken = set(frappe.get_all(REMINDER, filters={"reminder_key": ("in", list(keys))}, pluck="reminder_key"))
	run = frappe.generate_hash(length=16)
	values = standard_values()
	rows = [
		{
			**values,
			"name": frappe.generate_hash(length=12),
			"reason": reason,
			"task": task,
			"due_from": getdate(day),
			"recipients": recipients,
			"sent_on": now_datetime(),
			"run_id": run,
			"reminder_key": key,
		}
		for task, reason, day, recipients in entries
		if (key := reminder_key(task, reason, day)) not in taken
	]
	if not rows:
		return set()
	fields = list(rows[0])
	frappe.db.bulk_insert(
		REMINDER, fields, [[row[f] for f in fields] for row in rows], ignore_duplicates=True
	)
	return set(frappe.get_all(REMINDER, filters={"run_id": run}, pluck="reminder_key"))


def _task_lines(tasks: list) -> str:
	lines = "".join(
		"<li>{} &middot; {} &middot; {} {} &ndash; {}</li>".format(
			escape_html(_(t.service_type)),
			escape_html(t.customer_name or t.customer or ""),
			escape_html(t.serial_no or t.unit or ""),
			frappe.format(t.due_from, "Date"),
			frappe.format(t.due_to, "Date"),
		)
		for t in tasks
	)
	return f"<ul>{lines}</ul>"


def remind_assignees(today, days: int) -> dict[str, int]:
	"""Due within ``days`` (or due now), and overdue: one email and one notification per assignee and
	reason, for the tasks this run claimed."""
	tasks = frappe.get_all(
		TASK,
		filters={
			"status": ("in", TaskStatus.OPEN),
			"assigned_to": ("is", "set"),
			"due_from": ("<=", add_days(today, days)),
		},
		fields=TASK_FIELDS,
		order_by="due_from asc",
	)
	enabled = set(live_users([t.assigned_to for t in tasks]))
	entries = [
		(t.name, OVERDUE if t.status == TaskStatus.OVERDUE else DUE_SOON, t.due_from, t.assigned_to)
		for t in tasks
		if t.assigned_to in enabled
	]
	claimed = claim(entries)
	batches = defaultdict(list)
	by_name = {t.name: t for t in tasks}
	for task, reason, day, user in entries:
		if reminder_key(task, reason, day) in claimed:
			batches[(user, reason)].append(by_name[task])
	counts = {DUE_SOON: 0, OVERDUE: 0}
	for (user, reason), batch in batches.items():
		subject = (
			_("{0} services overdue").format(len(batch))
			if reason == OVERDUE
			else _("{0} services due soon").format(len(batch))
		)
		send_email_safely([user], subject, _task_lines(batch), TASK, batch[0].name)
		_notify([user], subject, TASK, batch[0].name)
		counts[reason] += len(batch)
	return counts


def remind_customers(today) -> int:
	"""Visits that need the customer (Remind Customer days on the service type): one email per
	customer, listing the visits and their windows, from that many days before the window opens."""
	lead_days = dict(
		frappe.get_all(
			SERVICE_TYPE,
			filters={"remind_customer_days": (">", 0), "enabled": 1},
			fields=["name", "remind_customer_days"],
			as_list=True,
		)
	)
	if not lead_days:
		return 0
	tasks = frappe.get_all(
		TASK,
		filters={
			"status": ("in", [TaskStatus.PLANNED, TaskStatus.DUE]),
			"service_type": ("in", list(lead_days)),
			"customer": ("is", "set"),
			"due_from": ("between", [today, add_days(today, max(lead_days.values()))]),
		},
		fields=TASK_FIELDS,
		order_by="due_from asc",
	)
	tasks = [t for t in tasks if getdate(t.due_from) <= add_days(today, lead_days[t.service_type])]
	emails = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ("in", list({t.customer for t in tasks}) or [""]), "email_id": ("is", "set")},
			fields=["name", "email_id"],
			as_list=True,
		)
	)
	entries = [(t.name, CUSTOMER, t.due_from, emails[t.customer]) for t in tasks if t.customer in emails]
	claimed = claim(entries)
	batches = defaultdict(list)
	for task in tasks:
		if reminder_key(task.name, CUSTOMER, task.due_from) in claimed:
			batches[task.customer].append(task)
	for customer, batch in batches.items():
		send_email_safely(
			[emails[customer]],
			_("Your generator service visit is coming"),
			_(
				"Dear {0},<br><br>Our engineer will visit within these windows; please make the site and the genset available:"
			).format(escape_html(batch[0].customer_name or customer))
			+ _task_lines(batch),
			TASK,
			batch[0].name,
		)
	return sum(len(batch) for batch in batches.values())


def send_digest(today, role: str | None) -> int:
	"""The morning digest for the escalation role: one a day."""
	users = users_with_role(role)
	key = reminder_key(None, DIGEST, today)
	if not users or key not in claim([(None, DIGEST, today, ", ".join(users))]):
		return 0
	name = frappe.db.get_value(REMINDER, {"reminder_key": key})
	overdue = frappe.db.count(TASK, {"status": TaskStatus.OVERDUE})
	at_risk = frappe.db.count(
		REQUEST, {"status": ("in", ("Open", "In Progress", "On Hold")), "escalation": "At Risk"}
	)
	breached = frappe.db.count(
		REQUEST, {"status": ("in", ("Open", "In Progress", "On Hold")), "escalation": "Breached"}
	)
	ending = frappe.db.count(
		UNIT,
		{
			"status": ("not in", UNIT_GONE),
			"warranty_end_date": ("between", [today, add_days(today, WARRANTY_WINDOW_DAYS)]),
		},
	)
	subject = _("Genset service today: {0} overdue, {1} requests at risk, {2} breached").format(
		overdue, at_risk, breached
	)
	message = "<ul>{}</ul>".format(
		"".join(
			f"<li>{line}</li>"
			for line in (
				_("{0} planned services overdue").format(overdue),
				_("{0} service requests at risk, {1} breached").format(at_risk, breached),
				_("{0} warranties ending in the next {1} days").format(ending, WARRANTY_WINDOW_DAYS),
			)
		)
	)
	send_email_safely(users, subject, message, REMINDER, name)
	_notify(users, subject, REMINDER, name)
	return 1


def _notify(users: list[str], subject: str, doctype: str | None, name: str | None) -> None:
	try:
		notify_users(users, subject, doctype, name)
	except Exception:
		frappe.log_error(f"Genset reminder not notified: {subject}"[:140])
