"""The three clocks of each on-demand request, on the app's own rules (planning/clocks.py): which
agreement applies, when each clock starts, pauses and stops, its deadline and state, written on the
request. ERPNext's SLA engine is not used for requests: in it any status change is the first response,
On Hold pauses everything, and there is one response and one resolution clock."""

import datetime

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time, getdate, now_datetime

from erpnext.support.doctype.issue.issue import get_holidays

from genset_service.access.rules import MANAGERS
from genset_service.permissions import is_portal_user
from genset_service.planning.clocks import (
	Agreement,
	Calendar,
	Clock,
	ClockFacts,
	State,
	Targets,
	choose_agreement,
	read_clock,
)
from genset_service.scheduling.common import TASK, settings

AGREEMENT = "Genset Service Agreement"
ENGINEER = "Genset Engineer"
PAUSING_REASONS = ("Site Closed", "Customer Asked")  # On Hold for these pauses on site and restored
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# clock -> (its hours in Targets, and on the request: when it stopped, its deadline, its state)
FIELDS = {
	Clock.ACKNOWLEDGE: ("acknowledge", "acknowledged_on", "acknowledge_by", "acknowledge_state"),
	Clock.ON_SITE: ("on_site", "on_site_on", "on_site_by", "on_site_state"),
	Clock.RESTORED: ("restored", "restored_on", "restored_by", "restored_state"),
}
# the request's columns the clocks read and write
CLOCK_COLUMNS = [column for _target, *columns in FIELDS.values() for column in columns]
WORST = (State.BREACHED, State.AT_RISK)


# ------------------------------------------------------------------ agreements as data
def agreements_for(customer: str | None, on: datetime.date) -> list[Agreement]:
	"""The enabled agreements valid on a day that may apply to a customer: the default, the customer's
	own and its group's (one read of agreements, one of their targets)."""
	group = frappe.db.get_value("Customer", customer, "customer_group") if customer else None
	rows = frappe.get_all(
		AGREEMENT,
		filters={"enabled": 1},
		fields=["name", "applies_to", "customer", "customer_group", "valid_from", "valid_to"],
	)
	rows = [
		row
		for row in rows
		if (not row.valid_from or getdate(row.valid_from) <= on)
		and (not row.valid_to or getdate(row.valid_to) >= on)
		and (
			row.applies_to == "Default"
			or (row.applies_to == "Customer" and customer and row.customer == customer)
			or (row.applies_to == "Customer Group" and group and row.customer_group == group)
		)
	]
	if not rows:
		return []
	targets = targets_by_agreement([r.name for r in rows])
	days = set(
		frappe.get_all(
			"Service Day",
			filters={"parent": ("in", [r.name for r in rows]), "parenttype": AGREEMENT},
			pluck="parent",
		)
	)
	return [Agreement(r.name, r.applies_to, targets.get(r.name, {}), always=r.name not in days) for r in rows]


def targets_by_agreement(names) -> dict:
	"""{agreement: {(service type, priority): Targets}} in one read."""
	targets = {}
	for row in frappe.get_all(
		"Genset Clock Target",
		filters={"parent": ("in", list(names) or [""]), "parenttype": AGREEMENT},
		fields=["parent", "service_type", "priority", "acknowledge_hours", "on_site_hours", "restored_hours"],
	):
		targets.setdefault(row.parent, {})[(row.service_type, row.priority)] = Targets(
			row.acknowledge_hours or None, row.on_site_hours or None, row.restored_hours or None
		)
	return targets


def calendar_of(agreement: str | None) -> Calendar:
	"""The agreement's service days and holidays; 7x24 when it has no service days and no holidays."""
	if not agreement:
		return Calendar()
	days = {
		WEEKDAYS.index(row.workday): (get_time(row.start_time), get_time(row.end_time))
		for row in frappe.get_all(
			"Service Day",
			filters={"parent": agreement, "parenttype": AGREEMENT},
			fields=["workday", "start_time", "end_time"],
		)
	}
	holiday_list = frappe.db.get_value(AGREEMENT, agreement, "holiday_list")
	holidays = frozenset(getdate(d) for d in get_holidays(holiday_list)) if holiday_list else frozenset()
	return Calendar(days=days or None, holidays=holidays)


def targets_of(doc) -> tuple[str | None, Targets | None]:
	agreements = agreements_for(doc.customer, getdate(doc.opening_date))
	chosen = choose_agreement(agreements, doc.service_type, doc.priority)
	return (chosen.name, chosen.targets[(doc.service_type, doc.priority)]) if chosen else (None, None)


# ------------------------------------------------------------------ the request's clocks
def pauses_of(doc) -> tuple:
	return tuple(
		(get_datetime(row.paused_from), get_datetime(row.paused_to) if row.paused_to else None)
		for row in doc.get("pauses") or []
	)


def read_clocks(doc, targets: Targets | None, calendar: Calendar, now) -> dict:
	"""Each clock's reading for a request."""
	opened = get_datetime(doc.opening_date or now)
	pauses = pauses_of(doc)
	return {
		clock: read_clock(
			ClockFacts(
				started=opened,
				target_hours=getattr(targets, target) if targets else None,
				stopped=get_datetime(doc.get(stopped)) if doc.get(stopped) else None,
				pauses=pauses if clock in Clock.PAUSABLE else (),
			),
			calendar,
			now,
		)
		for clock, (target, stopped, _deadline, _state) in FIELDS.items()
	}


def set_clocks(doc, now=None) -> dict:
	"""Deadlines, states and the worst escalation on the request (in memory), from its agreement."""
	now = get_datetime(now or now_datetime())
	doc.opening_date = doc.opening_date or now
	doc.agreement, targets = targets_of(doc)
	readings = read_clocks(doc, targets, calendar_of(doc.agreement), now)
	for clock, reading in readings.items():
		_target, _stopped, deadline, state = FIELDS[clock]
		doc.set(deadline, reading.deadline)
		doc.set(state, reading.state)
	# the ERPNext-shaped fields the lists, reports and integrators read
	doc.response_by = doc.acknowledge_by
	doc.first_responded_on = doc.acknowledged_on
	doc.sla_resolution_by = doc.restored_by
	return readings


def worst(readings: dict) -> str | None:
	states = {reading.state for reading in readings.values()}
	return next((level for level in WORST if level in states), None)


# ------------------------------------------------------------------ what stops and pauses them
def is_person() -> bool:
	"""A person at the desk (not the scheduler, a background job, a guest or a portal customer)."""
	user = frappe.session.user
	return bool(
		user
		and user != "Guest"
		and not frappe.flags.in_scheduler
		and not getattr(frappe.local, "job", None)
		and not is_portal_user(user)
	)


def on_validate(doc, service_default_priority: str | None) -> None:
	"""Priority, acknowledgement and holds, before the clocks are read."""
	before = doc.get_doc_before_save() if not doc.is_new() else None
	_priority(doc, before, service_default_priority)
	status_changed = before is not None and before.status != doc.status
	# a person moving the request on (taking it, holding it, resolving it) is its first response;
	# opening it again or cancelling it is not
	if status_changed and not doc.acknowledged_on and doc.status not in ("Open", "Cancelled") and is_person():
		doc.acknowledged_on, doc.acknowledged_by = now_datetime(), frappe.session.user
	if doc.status == "On Hold" and not doc.hold_reason:
		frappe.throw(
			_("Say why the request is on hold ({0}).").format(
				", ".join(_(r) for r in (*PAUSING_REASONS, "Other"))
			),
			title=_("Hold Reason Required"),
		)
	if doc.status != "On Hold":
		doc.hold_reason = None
	open_pause = next((row for row in doc.get("pauses") or [] if not row.paused_to), None)
	pausing = doc.status == "On Hold" and doc.hold_reason in PAUSING_REASONS
	if open_pause and (not pausing or open_pause.reason != doc.hold_reason):
		open_pause.paused_to = now_datetime()
	if pausing and (not open_pause or open_pause.reason != doc.hold_reason):
		doc.append(
			"pauses",
			{"paused_from": now_datetime(), "reason": doc.hold_reason, "paused_by": frappe.session.user},
		)


def _priority(doc, before, default: str | None) -> None:
	"""Staff set and change the priority; a customer (portal or API) cannot: the request opens at the
	service type's default priority, marked urgent when the customer says so, until staff confirm."""
	default = default or "Medium"
	if is_portal_user():
		if doc.priority and doc.priority != ((before and before.priority) or default):
			frappe.throw(
				_("The service team sets the priority; mark the request urgent instead."),
				frappe.PermissionError,
			)
		doc.priority = (before and before.priority) or default
		doc.priority_confirmed = before.priority_confirmed if before else 0
		return
	if not doc.priority:
		doc.priority = default
	elif before is not None and before.priority != doc.priority:
		doc.priority_confirmed = 1  # staff changed it: confirmed
	elif before is None and doc.priority != default:
		doc.priority_confirmed = 1  # staff opened it at another priority


def check_in(
	request: str,
	user: str | None = None,
	at=None,
	for_engineer: str | None = None,
	source: str = "Desk",
	phone_time=None,
	correction: float = 0,
) -> None:
	"""An engineer arrives at the genset: stops the on-site clock (once), nothing else.

	Only the engineer the request's task is assigned to checks in, or a dispatcher for him (recorded
	as such); the time of arrival lies between the request's opening and now, within the allowance of
	the settings (a phone's clock is corrected before it comes here)."""
	user = user or frappe.session.user
	engineer = for_engineer or user
	doc = frappe.get_doc("Genset Service Request", request)
	if doc.status in ("Resolved", "Closed", "Cancelled"):
		frappe.throw(
			_("Request {0} is {1}: there is nothing to check in to.").format(doc.name, _(doc.status)),
			title=_("Request Closed"),
		)
	if not frappe.db.get_value(ENGINEER, {"user": engineer, "enabled": 1}):
		frappe.throw(
			_(
				"{0} is not an engineer: only a user with an enabled Genset Engineer profile checks in."
			).format(engineer),
			frappe.PermissionError,
		)
	if engineer != user and not MANAGERS & set(frappe.get_roles(user)):
		frappe.throw(
			_("Only a dispatcher checks in for another engineer."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	assignee = frappe.db.get_value(TASK, doc.task, "assigned_to") if doc.task else None
	if assignee != engineer:
		frappe.throw(
			_("Request {0} is assigned to {1}, not to {2}: only its engineer checks in.").format(
				doc.name, assignee or _("nobody yet"), engineer
			),
			frappe.PermissionError,
			title=_("Not Your Request"),
		)
	arrived = get_datetime(at or now_datetime())
	allowance = datetime.timedelta(minutes=settings().clock_skew_allowance_minutes or 0)
	opened, now = get_datetime(doc.opening_date), now_datetime()
	if arrived < opened - allowance or arrived > now + allowance:
		frappe.throw(
			_("An arrival at {0} cannot be: request {1} was opened at {2} and it is now {3}.").format(
				arrived, doc.name, opened, now
			),
			title=_("Impossible Time"),
		)
	if not doc.on_site_on:
		doc.on_site_on, doc.checked_in_by = arrived, user
		doc.checked_in_for = engineer if engineer != user else None
		doc.on_site_source = source
		doc.on_site_phone_time = phone_time
		doc.on_site_correction = correction or 0
	doc.flags.ignore_permissions = True
	doc.save()


def first_promise(service_type: str, customer: str | None, on) -> float | None:
	"""The hours of the first clock the customer's agreement promises for this service at its default
	priority (a follow-up opened by a rejected inspection is due within them)."""
	priority = frappe.db.get_value("Genset Service Type", service_type, "default_priority") or "Medium"
	chosen = choose_agreement(agreements_for(customer, getdate(on)), service_type, priority)
	if not chosen:
		return None
	targets = chosen.targets[(service_type, priority)]
	return min((h for h in (targets.acknowledge, targets.on_site, targets.restored) if h), default=None)
