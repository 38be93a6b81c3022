"""On-demand service requests (services 10, 11, 12, 14, 17) under ERPNext's Service Level Agreement
engine: a task for the responsible role, a quotation when out of warranty, escalation when at risk
and when breached."""

import frappe
from frappe import _
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime, time_diff_in_seconds

from genset_service.permissions import customers_of, is_portal_user
from genset_service.planning import Event
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
HOLIDAY_LIST = "Genset Service 7x24"
OPEN = ("Open", "In Progress", "On Hold")
DONE = ("Resolved", "Closed")
PRIORITIES = ("Low", "Medium", "High")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AT_RISK_SHARE = 0.75  # of the response time elapsed


# ------------------------------------------------------------------ the request
def validate(doc) -> None:
	service = frappe.db.get_value(
		SERVICE_TYPE, doc.service_type, ["anchor_event", "enabled", "response_sla_hours"], as_dict=True
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
			doc.in_warranty = 1 if unit.warranty_status in ("In Warranty", "Extended") else 0
	if doc.status != "Open" and not doc.first_responded_on and doc.status != "Cancelled":
		doc.first_responded_on = now_datetime()


def after_insert(doc) -> None:
	values = {
		"task": open_service_task(
			doc.service_type, doc, doc.opening_date, unit=doc.unit, contract=doc.contract
		)
	}
	if doc.unit and not doc.in_warranty:
		values["quotation"] = make_quotation(doc)
	doc.db_set(values)


def make_quotation(doc) -> str | None:
	"""Out of warranty the work is charged: a draft quotation for labour, to which parts are added."""
	labour = settings().labour_item
	if not labour:
		frappe.msgprint(
			_("Set a Labour Item in Genset Service Settings to quote out-of-warranty work automatically."),
			indicator="orange",
		)
		return None
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
def escalate(now=None) -> dict:
	"""At risk (three quarters of the response time gone) and breached requests: notify the assignee,
	and on a breach the escalation role too. Marks each level once."""
	now = get_datetime(now or now_datetime())
	rows = frappe.get_all(
		REQUEST,
		filters={
			"status": ("in", OPEN),
			"first_responded_on": ("is", "not set"),
			"response_by": ("is", "set"),
		},
		fields=["name", "opening_date", "response_by", "escalation", "service_type", "customer_name", "task"],
	)
	assignees = dict(
		frappe.get_all(
			TASK,
			filters={"name": ("in", [r.task for r in rows if r.task])},
			fields=["name", "assigned_to"],
			as_list=True,
		)
	)
	done = {"At Risk": [], "Breached": []}
	if not rows:
		return done
	managers = users_with_role(settings().escalation_role)
	enabled = set(live_users([*assignees.values(), *managers]))
	try:
		_escalate_rows(rows, now, assignees, managers, enabled, done)
	except TransactionLost:
		return {"At Risk": [], "Breached": []}  # another worker is escalating; nothing of this run was kept
	return done


def _escalate_rows(rows, now, assignees: dict, managers: list, enabled: set, done: dict) -> None:
	for row in rows:
		response_by = get_datetime(row.response_by)
		allowed = time_diff_in_seconds(response_by, get_datetime(row.opening_date))
		level = None
		if now > response_by:
			level = "Breached"
		elif allowed > 0 and now >= add_to_date(
			get_datetime(row.opening_date), seconds=allowed * AT_RISK_SHARE
		):
			level = "At Risk"
		if not level or level == row.escalation:
			continue
		users = [assignees.get(row.task), *(managers if level == "Breached" else [])]
		if record_escalation(row, level, sorted({u for u in users if u in enabled}), now):
			done[level].append(row.name)


def record_escalation(row, level: str, users: list[str], now) -> bool:
	"""Take the request's notice for this level (a unique key: a second worker running the same job
	finds it taken and notifies nobody), mark the request and notify. A failure is logged and leaves
	the other requests to go on."""

	def mark_and_notify(_notice) -> None:
		values = {"escalation": level}
		if level == "Breached":
			values["agreement_status"] = "Failed"
		frappe.db.set_value(REQUEST, row.name, values, update_modified=False)
		notify(row, level, users)

	notice = insert_if_absent(
		{
			"doctype": NOTICE,
			"request": row.name,
			"clock": "Response",
			"level": level,
			"notified_on": now,
			"notified_users": "\n".join(users),
		},
		f"Genset escalation of {row.name} ({level})",
		then=mark_and_notify,
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


def notify(row, level: str, users: list[str]) -> None:
	subject = (
		_("Response time breached: {0} for {1} ({2})")
		if level == "Breached"
		else _("Response time at risk: {0} for {1} ({2})")
	).format(_(row.service_type), row.customer_name, row.name)
	notify_users(users, subject, REQUEST, row.name)


# ------------------------------------------------------------------ SLAs as data
def sync_service_level_agreements(service_types: list[str] | None = None) -> None:
	"""One Service Level Agreement per on-demand service with a response time, 7x24, from the
	service type's response hours. Made once; later changes of the hours update it."""
	_ensure_prerequisites()
	filters = {"anchor_event": Event.ON_DEMAND, "response_sla_hours": (">", 0)}
	if service_types:
		filters["name"] = ("in", service_types)
	for service in frappe.get_all(
		SERVICE_TYPE, filters=filters, fields=["name", "response_sla_hours", "enabled"]
	):
		level = f"Genset {service.name}"
		seconds = int(service.response_sla_hours * 3600)
		name = frappe.db.get_value(SLA, {"service_level": level, "document_type": REQUEST})
		if name:
			sla = frappe.get_doc(SLA, name)
			if all(row.response_time == seconds for row in sla.priorities) and sla.enabled == service.enabled:
				continue
			for row in sla.priorities:
				row.response_time = seconds
			sla.enabled = service.enabled
		else:
			sla = frappe.get_doc(
				{
					"doctype": SLA,
					"service_level": level,
					"document_type": REQUEST,
					"enabled": service.enabled,
					"default_service_level_agreement": 0,
					"condition": f"doc.service_type == {service.name!r}",
					"holiday_list": HOLIDAY_LIST,
					"apply_sla_for_resolution": 0,
					"priorities": [
						{
							"priority": priority,
							"response_time": seconds,
							"default_priority": priority == "Medium",
						}
						for priority in PRIORITIES
					],
					"support_and_resolution": [
						{"workday": day, "start_time": "00:00:00", "end_time": "23:59:59"} for day in WEEKDAYS
					],
					"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
					"pause_sla_on": [{"status": "On Hold"}],
				}
			)
		sla.flags.ignore_permissions = True
		if not name:
			_insert_agreement(sla)
		else:
			sla.save()


def _insert_agreement(sla) -> None:
	"""Insert an agreement for Genset Service Request. Its SLA fields are part of the DocType, and
	ERPNext's before_insert would try to re-set them as if they were Custom Fields, so the insert runs
	ERPNext's own validation and cache refresh, without that step."""
	from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
		set_documents_with_active_service_level_agreement,
	)

	sla.run_method("validate")
	sla.set_new_name()
	sla.set_parent_in_children()
	sla.db_insert()
	for child in sla.get_all_children():
		child.db_insert()
	set_documents_with_active_service_level_agreement()


def _ensure_prerequisites() -> None:
	frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
	for priority in PRIORITIES:
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	if not frappe.db.exists("Holiday List", HOLIDAY_LIST):
		year = getdate().year
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": HOLIDAY_LIST,
				"from_date": f"{year - 1}-01-01",
				"to_date": f"{year + 10}-12-31",
			}
		).insert(ignore_permissions=True)
