"""Writing the plan: tasks, their assignees (ToDo) and their cancellation, in bulk."""

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Count
from frappe.utils import add_days, add_to_date, cint, getdate, nowdate

from genset_service.planning import (
	Changes,
	Event,
	ExistingTask,
	Occurrence,
	TaskStatus,
	assign_least_loaded,
	task_status,
)
from genset_service.scheduling.clocks import first_promise
from genset_service.scheduling.common import (
	SERVICE_TYPE,
	TASK,
	bulk_insert,
	bulk_update,
	get_rules,
	reserve_names,
	set_assign,
	settings,
	standard_values,
)

TASK_SERIES = "GST-.YYYY.-.#####"


@dataclass
class TaskContext:
	"""What every task of one planning run shares, plus per-line / per-unit details."""

	customer: str | None
	company: str | None
	reference_doctype: str
	reference_name: str
	contract: str | None = None
	# line key or unit key -> {"unit":..., "item_code":..., "serial_no":...}
	details: dict[str, dict] = field(default_factory=dict)


def users_by_role(roles: set[str]) -> tuple[dict[str, list[str]], dict[str, int]]:
	"""Enabled desk users per role, and their open ToDo count: two queries."""
	roles = {role for role in roles if role}
	if not roles:
		return {}, {}
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	rows = (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(has_role.role, has_role.parent)
		.where(has_role.parenttype == "User")
		.where(has_role.role.isin(list(roles)))
		.where(user.enabled == 1)
		.where(user.user_type == "System User")
		.where(user.name.notin(["Administrator", "Guest"]))
		.run()
	)
	by_role = defaultdict(list)
	for role, name in rows:
		by_role[role].append(name)
	users = sorted({name for _, name in rows})
	load = {}
	if users:
		todo = frappe.qb.DocType("ToDo")
		load = dict(
			frappe.qb.from_(todo)
			.select(todo.allocated_to, Count("*"))
			.where(todo.status == "Open")
			.where(todo.allocated_to.isin(users))
			.groupby(todo.allocated_to)
			.run()
		)
	return dict(by_role), load


def _detail_key(occurrence: Occurrence) -> str | None:
	return occurrence.line or occurrence.key.split(":", 1)[0]


def insert_tasks(occurrences: list[Occurrence], context: TaskContext) -> list[str]:
	"""Insert one task per occurrence, assign the open ones and create their ToDos."""
	if not occurrences:
		return []
	today = getdate(nowdate())
	names = reserve_names(TASK_SERIES, len(occurrences))
	user = frappe.session.user

	open_roles = [None if o.auto_complete else o.role for o in occurrences]
	assignees = [None] * len(occurrences)
	if settings().assign_tasks:
		by_role, load = users_by_role(set(open_roles))
		assignees = assign_least_loaded(open_roles, by_role, load)
	assign_json = set_assign(dict(zip(names, assignees, strict=True)))

	customer = (
		frappe.db.get_value("Customer", context.customer, ["customer_name", "email_id"], as_dict=True)
		if context.customer
		else None
	) or frappe._dict()
	base = standard_values(user)
	rows, todos = [], []
	for name, occurrence, assignee in zip(names, occurrences, assignees, strict=True):
		detail = context.details.get(_detail_key(occurrence), {})
		done = occurrence.auto_complete
		rows.append(
			{
				**base,
				"name": name,
				"service_type": occurrence.service_type,
				"status": TaskStatus.DONE
				if done
				else task_status(occurrence.due_from, occurrence.due_to, today),
				"occurrence": occurrence.seq,
				"due_from": occurrence.due_from,
				"due_to": occurrence.due_to,
				"due_hours": occurrence.due_hours or 0,
				"responsible_role": occurrence.role,
				"assigned_to": assignee,
				"_assign": assign_json[name],
				"customer": context.customer,
				"customer_name": customer.customer_name,
				"contact_email": customer.email_id,
				"company": context.company,
				"contract": context.contract,
				"unit": detail.get("unit"),
				"item_code": detail.get("item_code"),
				"serial_no": detail.get("serial_no"),
				"reference_doctype": detail.get("reference_doctype") or context.reference_doctype,
				"reference_name": detail.get("reference_name") or context.reference_name,
				"plan_key": occurrence.key,
				"completed_on": today if done else None,
				"completed_by": user if done else None,
			}
		)
		if assignee:
			todos.append(
				{
					**base,
					"name": frappe.generate_hash(length=10),
					"status": "Open",
					"priority": "Medium",
					"date": occurrence.due_to,
					"allocated_to": assignee,
					"description": _("{0} for {1}, due {2}").format(
						_(occurrence.service_type),
						detail.get("serial_no")
						or detail.get("unit")
						or detail.get("reference_name")
						or context.reference_name,
						frappe.format(occurrence.due_from, {"fieldtype": "Date"}),
					),
					"reference_type": TASK,
					"reference_name": name,
					"role": occurrence.role,
					"assigned_by": user,
				}
			)
	bulk_insert(TASK, rows)
	bulk_insert("ToDo", todos)
	return names


def existing_tasks(key_prefix: str) -> list[ExistingTask]:
	"""The stored tasks of one plan: those whose plan key starts with the unit's (or the order's
	contract's) name. Follow-ups of inspections and tasks of service requests belong to their own
	documents and are left alone."""
	return existing_tasks_of([key_prefix]).get(key_prefix, [])


def existing_tasks_of(key_prefixes: list[str]) -> dict[str, list[ExistingTask]]:
	"""The stored tasks of many plans (plan key "<prefix>:..."), by prefix, in one query."""
	if not key_prefixes:
		return {}
	task = frappe.qb.DocType(TASK)
	rows = (
		frappe.qb.from_(task)
		.select(task.name, task.plan_key, task.status, task.due_from, task.due_to, task.due_hours)
		.where(Criterion.any([task.plan_key.like(f"{prefix}:%") for prefix in key_prefixes]))
		.run(as_dict=True)
	)
	plans = defaultdict(list)
	for row in rows:
		plans[row.plan_key.split(":", 1)[0]].append(
			ExistingTask(
				name=row.name,
				key=row.plan_key,
				status=row.status,
				due_from=getdate(row.due_from),
				due_to=getdate(row.due_to),
				due_hours=row.due_hours or 0,
			)
		)
	return plans


def apply_changes(changes: Changes, context: TaskContext) -> None:
	"""Write a reconciled plan: moved tasks in one UPDATE, new ones in bulk, dropped ones cancelled."""
	apply_many([(changes, context)])


def apply_many(work: list[tuple[Changes, TaskContext]]) -> None:
	"""Write many reconciled plans at once: every moved task in one UPDATE (and its ToDo's date in
	another), every dropped one cancelled in one, the new ones inserted in one batch per customer and
	contract (each task keeps its own unit and reference through the context's details)."""
	moved, cancel, groups = {}, [], {}
	for changes, context in work:
		moved.update(changes.update)
		cancel.extend(changes.cancel)
		if changes.insert:
			key = (context.customer, context.company, context.contract)
			if key not in groups:
				groups[key] = (
					TaskContext(
						customer=context.customer,
						company=context.company,
						reference_doctype=context.reference_doctype,
						reference_name=context.reference_name,
						contract=context.contract,
					),
					[],
				)
			group_context, occurrences = groups[key]
			group_context.details.update(
				{
					line: {
						"reference_doctype": context.reference_doctype,
						"reference_name": context.reference_name,
						**detail,
					}
					for line, detail in context.details.items()
				}
			)
			occurrences.extend(changes.insert)
	move_tasks(moved)
	for group_context, occurrences in groups.values():
		insert_tasks(occurrences, group_context)
	cancel_tasks(cancel)


def move_tasks(moved: dict[str, Occurrence]) -> None:
	"""Open tasks to new dates (status from the dates), and their open ToDos' dates: two UPDATEs."""
	if not moved:
		return
	today = getdate(nowdate())
	bulk_update(
		TASK,
		{
			name: {
				"due_from": occurrence.due_from,
				"due_to": occurrence.due_to,
				"due_hours": occurrence.due_hours or 0,
				"status": task_status(occurrence.due_from, occurrence.due_to, today),
			}
			for name, occurrence in moved.items()
		},
	)
	todo = frappe.qb.DocType("ToDo")
	due = Case()
	for name, occurrence in moved.items():
		due = due.when(todo.reference_name == name, occurrence.due_to)
	frappe.qb.update(todo).set(todo.date, due.else_(todo.date)).where(todo.reference_type == TASK).where(
		todo.reference_name.isin(list(moved))
	).where(todo.status == "Open").run()


def cancel_tasks(names: list[str]) -> None:
	"""Cancel open tasks (Done ones never change), free their plan keys and close their ToDos."""
	if not names:
		return
	task = frappe.qb.DocType(TASK)
	frappe.qb.update(task).set(task.status, TaskStatus.CANCELLED).set(task.plan_key, None).set(
		task.modified_by, frappe.session.user
	).where(task.name.isin(names)).where(task.status.isin(TaskStatus.OPEN)).run()
	close_todos(names, "Cancelled")


def cancel_open_tasks(filters: dict) -> list[str]:
	names = frappe.get_all(TASK, filters={**filters, "status": ("in", TaskStatus.OPEN)}, pluck="name")
	cancel_tasks(names)
	return names


def close_todos(task_names: list[str], status: str = "Closed") -> None:
	if not task_names:
		return
	todo = frappe.qb.DocType("ToDo")
	frappe.qb.update(todo).set(todo.status, status).where(todo.reference_type == TASK).where(
		todo.reference_name.isin(task_names)
	).where(todo.status == "Open").run()


def open_service_task(
	service_type: str,
	source,
	start,
	unit: str | None = None,
	contract: str | None = None,
	due_by=None,
) -> str | None:
	"""One task of a service for a document that needs it now (a service request, a rejected
	inspection's follow-up, a low survey's call back): due by ``due_by`` (a request's first clock
	deadline), or within the service's window, assigned like planned tasks."""
	service = frappe.db.get_value(
		SERVICE_TYPE,
		service_type,
		["responsible_role", "offset_to_days", "enabled"],
		as_dict=True,
	)
	if not service or not service.enabled:
		# a service switched off (or removed) opens no task; the source says why
		source.add_comment("Info", _("No {0} task opened: that service is disabled.").format(_(service_type)))
		return None
	start = getdate(start)
	if not due_by:
		hours = first_promise(service_type, source.get("customer"), start)
		due_by = add_to_date(start, hours=hours) if hours else None
	days = max(0, (getdate(due_by) - start).days) if due_by else cint(service.offset_to_days)
	unit_values = (
		frappe.db.get_value("Genset Unit", unit, ["item_code", "serial_no", "contract"], as_dict=True)
		if unit
		else None
	) or frappe._dict()
	(name,) = insert_tasks(
		[
			Occurrence(
				service_type=service_type,
				key=f"{source.name}:{service_type}:1",
				seq=1,
				due_from=start,
				due_to=add_days(start, days),
				anchor=Event.ON_DEMAND,
				role=service.responsible_role,
			)
		],
		TaskContext(
			customer=source.get("customer"),
			company=source.get("company")
			or frappe.db.get_value("Genset Service Contract", contract, "company"),
			reference_doctype=source.doctype,
			reference_name=source.name,
			contract=contract or unit_values.contract,
			details={
				source.name: {
					"unit": unit,
					"item_code": unit_values.item_code,
					"serial_no": unit_values.serial_no,
				}
			},
		),
	)
	return name


def close_task(
	name: str, completed_on, completed_by: str, notes: str | None = None, recorded_by=None
) -> bool:
	"""Mark an open task Done on behalf of the document that performed it (a visit, a report, an
	inspection). ``recorded_by`` names a document that records the life event itself. Returns whether
	the task was open."""
	task = frappe.get_doc(TASK, name)
	if task.status not in TaskStatus.OPEN:
		return False
	task.status = TaskStatus.DONE
	task.completed_on = getdate(completed_on)
	task.completed_by = completed_by
	if notes:
		task.notes = notes
	task.flags.ignore_permissions = True
	task.flags.event_recorded_by = recorded_by
	task.save()
	return True


def reopen_task(name: str) -> None:
	"""Undo close_task when the document that performed it is cancelled: the task is open again
	(its status follows its dates) and so is its ToDo."""
	task = frappe.get_doc(TASK, name)
	if task.status != TaskStatus.DONE:
		return
	task.status = TaskStatus.PLANNED  # the controller sets Planned, Due or Overdue from the dates
	task.flags.ignore_permissions = True
	task.save()


def reopen_todos(task_names: list[str]) -> None:
	todo = frappe.qb.DocType("ToDo")
	frappe.qb.update(todo).set(todo.status, "Open").where(todo.reference_type == TASK).where(
		todo.reference_name.isin(task_names)
	).where(todo.status == "Closed").run()


def close_until_arrival(arrivals: dict) -> list[str]:
	"""The open tasks that follow a genset until it arrives (services whose window ends at Arrival:
	Logistics Tracking as installed) are done on the day it arrived (``arrivals``: unit -> date); one
	statement, and their ToDos closed."""
	services = [rule.name for rule in get_rules() if rule.until_event == Event.ARRIVAL]
	if not services or not arrivals:
		return []
	tasks = frappe.get_all(
		TASK,
		filters={
			"unit": ("in", list(arrivals)),
			"service_type": ("in", services),
			"status": ("in", TaskStatus.OPEN),
		},
		fields=["name", "unit"],
	)
	bulk_update(
		TASK,
		{
			task.name: {
				"status": TaskStatus.DONE,
				"completed_on": getdate(arrivals[task.unit]),
				"completed_by": frappe.session.user,
			}
			for task in tasks
		},
	)
	close_todos([task.name for task in tasks])
	return [task.name for task in tasks]
