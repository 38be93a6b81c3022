"""On-demand service requests (services 10, 11, 12, 14, 17): a task for the responsible role, a
quotation when out of warranty, three clocks (acknowledge, on site, restored; scheduling/clocks.py)
and escalation per clock when at risk and when breached."""

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from genset_service.access.guard import app_action
from genset_service.permissions import customers_of, is_portal_user
from genset_service.planning import Event, covered_by
from genset_service.planning.clocks import escalation_level
from genset_service.scheduling import clocks
from genset_service.scheduling.common import (
	SERVICE_TYPE,
	TASK,
	TransactionLost,
	insert_if_absent,
	live_unit,
	notify_users,
	settings,
)
from genset_service.scheduling.tasks import cancel_tasks, close_task, open_service_task

REQUEST = "Genset Service Request"
NOTICE = "Genset Escalation Notice"
SLA = "Service Level Agreement"
OPEN = ("Open", "In Progress", "On Hold")
DONE = ("Resolved", "Closed")
PRIORITIES = ("Low", "Medium", "High")


# ------------------------------------------------------------------ the request
def validate(doc) -> None:
	service = frappe.db.get_value(
		SERVICE_TYPE, doc.service_type, ["anchor_event", "enabled", "default_priority"], as_dict=True
	)
	if not service or service.anchor_event != Event.ON_DEMAND or not service.enabled:
		frappe.throw(
			_("{0} is not a service a customer can request; choose an on-demand service.").format(
				frappe.bold(doc.service_type)
			),
			title=_("Invalid Service"),
		)
	if doc.unit:
		unit = live_unit(
			doc.unit, ["company", "item_code", "serial_no", "contract", "warranty_status"], doc.customer
		)
		doc.customer, doc.company = unit.customer, unit.company
		if is_portal_user() and unit.customer not in customers_of():
			frappe.throw(_("Genset Unit {0} is not one of yours.").format(doc.unit), frappe.PermissionError)
		doc.item_code, doc.serial_no, doc.contract = unit.item_code, unit.serial_no, unit.contract
		if doc.is_new():
			doc.warranty_cover = covered_by(unit.warranty_status) or _("Out of Warranty")
			doc.in_warranty = 1 if covered_by(unit.warranty_status) else 0
	clocks.on_validate(doc, service.default_priority)
	clocks.set_clocks(doc)
	if doc.status not in OPEN:
		# a request a genset's alarm opened is done: the next fault of its kind opens a new one
		doc.telemetry_key = None


def after_insert(doc) -> None:
	deadlines = [d for d in (doc.acknowledge_by, doc.on_site_by, doc.restored_by) if d]
	values = {
		"task": open_service_task(
			doc.service_type,
			doc,
			doc.opening_date,
			unit=doc.unit,
			contract=doc.contract,
			due_by=min(get_datetime(d) for d in deadlines) if deadlines else None,
		)
	}
	if doc.unit and not doc.in_warranty:
		values["quotation"] = make_quotation(doc)
	doc.db_set(values)


def make_quotation(doc) -> str | None:
	"""Out of warranty the work is charged: a draft quotation for labour, to which parts are added.
	When none can be drafted (no Labour Item, or ERPNext refuses it) the request is kept all the same,
	and the request and the Service Managers are told why."""
	labour = settings().labour_item
	if not labour:
		no_quotation(
			doc,
			_(
				"Request {0} is out of warranty but no quotation was drafted: set a Labour Item in Genset Service Settings."
			).format(doc.name),
		)
		return None
	savepoint = "genset_quotation"
	frappe.db.savepoint(savepoint)
	try:
		return draft_quotation(doc, labour)
	except frappe.QueryDeadlockError:
		raise
	except Exception as error:
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(
			f"Genset quotation of {doc.name}", reference_doctype=REQUEST, reference_name=doc.name
		)
		no_quotation(
			doc,
			_("Request {0} is out of warranty but its quotation could not be drafted: {1}").format(
				doc.name, frappe.utils.strip_html(str(error))[:200]
			),
		)
		return None


def no_quotation(doc, message: str) -> None:
	"""Say on the request, to its Service Managers and to the desk user who opened it, why the work is
	not quoted yet."""
	doc.add_comment("Info", message)
	notify_users(users_with_role(settings().escalation_role or "Service Manager"), message, REQUEST, doc.name)
	if not is_portal_user():
		frappe.msgprint(message, indicator="orange", alert=True)


def draft_quotation(doc, labour: str) -> str:
	quotation = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": doc.customer,
			"company": doc.company,
			"transaction_date": getdate(doc.opening_date),
			"items": [
				{
					"item_code": labour,
					"qty": 1,
					"description": _("{0} for {1} (out of warranty), request {2}").format(
						_(doc.service_type), doc.serial_no or doc.unit, doc.name
					),
				}
			],
		}
	)
	quotation.flags.ignore_permissions = True
	quotation.insert()
	return quotation.name


def on_update(doc) -> None:
	if not doc.task or not doc.has_value_changed("status"):
		return
	if doc.status in DONE:
		close_task(doc.task, getdate(), frappe.session.user)
	elif doc.status == "Cancelled":
		cancel_tasks([doc.task])  # closes its ToDo too


# ------------------------------------------------------------------ escalation
@app_action
def escalate(now=None, notify: bool = True) -> dict:
	"""Each open request's clocks, read at ``now``: a clock three quarters gone is at risk, past its
	deadline breached; each (request, clock, level) notifies the assignee and the escalation role once.
	The request keeps each clock's state and its worst level (for the lists and the cards)."""
	now = get_datetime(now or now_datetime())
	rows = frappe.get_all(
		REQUEST,
		filters={"status": ("in", OPEN), "agreement": ("is", "set")},
		fields=[
			"name",
			"opening_date",
			"service_type",
			"priority",
			"agreement",
			"escalation",
			"customer_name",
			"task",
			*clocks.CLOCK_COLUMNS,
		],
	)
	done = {"At Risk": [], "Breached": []}
	if not rows:
		return done
	targets = clocks.targets_by_agreement({row.agreement for row in rows})
	calendars = {name: clocks.calendar_of(name) for name in {row.agreement for row in rows}}
	pauses = {}
	for row in frappe.get_all(
		"Genset Request Pause",
		filters={"parent": ("in", [r.name for r in rows]), "parenttype": REQUEST},
		fields=["parent", "paused_from", "paused_to"],
		order_by="paused_from asc",
	):
		pauses.setdefault(row.parent, []).append(row)
	assignees = dict(
		frappe.get_all(
			TASK,
			filters={"name": ("in", [r.task for r in rows if r.task])},
			fields=["name", "assigned_to"],
			as_list=True,
		)
	)
	managers = users_with_role(settings().escalation_role)
	enabled = set(live_users([*assignees.values(), *managers]))
	try:
		for row in rows:
			row.pauses = pauses.get(row.name, [])
			key = (row.service_type, row.priority)
			readings = clocks.read_clocks(
				row, targets.get(row.agreement, {}).get(key), calendars[row.agreement], now
			)
			_record_states(row, readings)
			users = sorted({u for u in (assignees.get(row.task), *managers) if u in enabled})
			for clock, reading in readings.items():
				level = escalation_level(reading) if notify else None
				if level and record_escalation(row, clock, level, users, now):
					done[level].append(row.name)
	except TransactionLost:
		return {"At Risk": [], "Breached": []}  # another worker is escalating; nothing of this run was kept
	return done


def _record_states(row, readings: dict) -> None:
	"""Write the clocks' states and deadlines when they changed (a running clock turns at risk, then
	breached; a paused one's deadline moves)."""
	values = {}
	for clock, reading in readings.items():
		_target, _stopped, deadline, state = clocks.FIELDS[clock]
		if row.get(state) != reading.state:
			values[state] = reading.state
		if str(row.get(deadline) or "") != str(reading.deadline or ""):
			values[deadline] = reading.deadline
	level = clocks.worst(readings)
	if level != (row.escalation or None):
		values["escalation"] = level
		if level == "Breached":
			values["agreement_status"] = "Failed"
	if values:
		frappe.db.set_value(REQUEST, row.name, values, update_modified=False)


def record_escalation(row, clock: str, level: str, users: list[str], now) -> bool:
	"""Take the request's notice for this clock and level (a unique key: a second worker running the
	same job finds it taken and notifies nobody), then notify. A failure is logged and leaves the other
	requests to go on."""
	notice = insert_if_absent(
		{
			"doctype": NOTICE,
			"request": row.name,
			"clock": clock,
			"level": level,
			"notified_on": now,
			"notified_users": "\n".join(users),
		},
		f"Genset escalation of {row.name} ({clock}, {level})",
		then=lambda _notice: notify(row, clock, level, users),
	)
	return bool(notice)


def live_users(users: list[str]) -> list[str]:
	"""The enabled users among these (an assignee may have been deleted or disabled since)."""
	users = sorted({user for user in users if user})
	if not users:
		return []
	return frappe.get_all(
		"User", filters={"name": ("in", users), "enabled": 1}, pluck="name", order_by="name"
	)


def users_with_role(role: str | None) -> list[str]:
	if not role:
		return []
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	return [
		name
		for (name,) in frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(has_role.parent)
		.distinct()
		.where(has_role.role == role)
		.where(has_role.parenttype == "User")
		.where(user.enabled == 1)
		.where(user.name.notin(["Administrator", "Guest"]))
		.run()
	]


def notify(row, clock: str, level: str, users: list[str]) -> None:
	subject = (
		_("{0} clock breached: {1} for {2} ({3})")
		if level == "Breached"
		else _("{0} clock at risk: {1} for {2} ({3})")
	).format(_(clock), _(row.service_type), row.customer_name, row.name)
	notify_users(users, subject, REQUEST, row.name)


# ------------------------------------------------------------------ priorities
def ensure_priorities() -> None:
	"""The three priorities the agreements speak of."""
	for priority in PRIORITIES:
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)


def retire_erpnext_agreements() -> None:
	"""Requests no longer run on ERPNext's SLA engine: the agreements the app made for them are
	disabled (kept, with their history), so that ERPNext's engine leaves the requests alone."""
	sla = frappe.qb.DocType(SLA)
	frappe.qb.update(sla).set(sla.enabled, 0).where(sla.document_type == REQUEST).run()
	from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
		set_documents_with_active_service_level_agreement,
	)

	set_documents_with_active_service_level_agreement()
