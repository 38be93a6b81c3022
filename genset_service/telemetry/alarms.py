"""A genset's alarms into service requests: the rule of its controller family says what an alarm opens
(Genset Alarm Rule), ``model.decide_alarm`` whether it opens a request, adds to the open one or notes a
clear. Each alarm event is kept once (its key is the device, the code, the state and the time); a
request opened by an alarm carries ``telemetry_key`` (the unit and the service, unique while it is
open), so that one fault opens one request however many bridges hear it. The units are locked first,
so two writers decide one unit's alarms one after the other."""

import datetime

import frappe
from frappe import _
from frappe.utils import cint, get_datetime

from genset_service.scheduling.common import notify_users, undo_to
from genset_service.scheduling.requests import OPEN, REQUEST, users_with_role
from genset_service.telemetry import model
from genset_service.telemetry.common import (
	ACTION_LABELS,
	EVENT,
	EventType,
	alarm_rules,
	settings,
)
from genset_service.telemetry.hours import EVENT_COLUMNS, lock_units

CHANNEL = "Telemetry"
ALARM_TYPES = (EventType.ALARM, EventType.ALARM_CLEARED, EventType.SILENT, EventType.BACK_ONLINE)


def event_type(event: model.AlarmEvent) -> str:
	active = event.state == model.AlarmState.ACTIVE
	if event.code == model.COMMUNICATION_LOST:
		return EventType.SILENT if active else EventType.BACK_ONLINE
	return EventType.ALARM if active else EventType.ALARM_CLEARED


def telemetry_key(unit: str, service_type: str) -> str:
	return f"{unit}|{service_type}"


# ------------------------------------------------------------------ what is open
def open_faults(
	units: list[str],
) -> tuple[dict[str, list[model.OpenFault]], dict[tuple[str, str], datetime.datetime]]:
	"""Each unit's open faults: the alarms behind its open requests (opened when first active, active
	unless their last event cleared them), and its other open requests (an alarm of their service joins
	them). Also when each (request, code) was last noted. Two queries."""
	if not units:
		return {}, {}
	event = frappe.qb.DocType(EVENT)
	request = frappe.qb.DocType(REQUEST)
	rows = (
		frappe.qb.from_(event)
		.join(request)
		.on(request.name == event.request)
		.select(
			event.unit,
			event.code,
			event.request,
			event.event_type,
			event.event_time,
			event.action,
			request.service_type,
		)
		.where(event.unit.isin(units))
		.where(event.event_type.isin(ALARM_TYPES))
		.where(request.status.isin(OPEN))
		.orderby(event.event_time)
		.run(as_dict=True)
	)
	faults: dict[tuple[str, str, str], dict] = {}
	noted: dict[tuple[str, str], datetime.datetime] = {}
	for row in rows:
		key = (row.unit, row.request, row.code)
		at = get_datetime(row.event_time)
		fault = faults.setdefault(key, {"opened_on": at, "active": True, "service_type": row.service_type})
		fault["active"] = row.event_type in (EventType.ALARM, EventType.SILENT)
		if row.action != ACTION_LABELS[model.Action.IGNORE]:
			noted[(row.request, row.code)] = max(at, noted.get((row.request, row.code), at))
	out: dict[str, list[model.OpenFault]] = {unit: [] for unit in units}
	for (unit, name, code), fault in faults.items():
		out[unit].append(
			model.OpenFault(code, name, fault["service_type"], fault["opened_on"], fault["active"])
		)
	covered = {name for (_unit, name, _code) in faults}
	for row in frappe.get_all(
		REQUEST,
		filters={"unit": ("in", units), "status": ("in", OPEN)},
		fields=["name", "unit", "service_type", "opening_date"],
		order_by="opening_date asc",
	):
		if row.name not in covered:
			out[row.unit].append(
				model.OpenFault(
					f"REQUEST:{row.name}", row.name, row.service_type, get_datetime(row.opening_date)
				)
			)
	return out, noted


def existing_events(keys: list[str]) -> set[str]:
	"""Which alarm events are kept already: a locking read (after the units' locks), so that an event
	another writer just committed is seen."""
	if not keys:
		return set()
	table = frappe.qb.DocType(EVENT)
	return {
		name
		for (name,) in frappe.qb.from_(table)
		.select(table.name)
		.where(table.name.isin(keys))
		.for_update()
		.run()
	}


# ------------------------------------------------------------------ deciding
def handle(events: list[model.AlarmEvent], known: dict, at: datetime.datetime) -> list[dict]:
	"""Decide and record each new alarm event of these devices; returns the event rows written."""
	by_unit: dict[str, list[model.AlarmEvent]] = {}
	for event in model.dedupe_alarms(events):
		device = known.get(event.device)
		if device and device.unit:
			by_unit.setdefault(device.unit, []).append(event)
	if not by_unit:
		return []
	units = lock_units(list(by_unit))
	keys = {
		model.alarm_key(e.device, e.code, e.state, e.time): e for events_ in by_unit.values() for e in events_
	}
	kept = existing_events(list(keys))
	rules = alarm_rules()
	faults, noted = open_faults(sorted(units))
	repeat_every = datetime.timedelta(minutes=max(0, cint(settings().repeat_note_minutes)))
	rows, comments, user = [], [], frappe.session.user
	for unit_name in sorted(units):
		unit = units[unit_name]
		for event in sorted(by_unit[unit_name], key=lambda e: (e.time, e.state != model.AlarmState.ACTIVE)):
			key = model.alarm_key(event.device, event.code, event.state, event.time)
			if key in kept:
				continue
			kept.add(key)
			device = known[event.device]
			decision = model.decide_alarm(faults[unit_name], event, device.controller_family, rules)
			request, detail = decision.request, decision.why
			if decision.action == model.Action.OPEN:
				request = open_request(unit, device, event, decision.rule)
				if request:
					faults[unit_name].append(
						model.OpenFault(event.code, request, decision.rule.service_type, event.time)
					)
					noted[(request, event.code)] = event.time
					detail = "new_fault"
				else:
					detail = "not_opened"
			elif decision.action == model.Action.ADD:
				faults[unit_name] = _activate(faults[unit_name], event, decision)
				last = noted.get((request, event.code))
				# a repeat is noted at most every so often; an alarm back after its clear always is
				if last is None or event.time - last >= repeat_every or decision.why == "again_after_clear":
					comments.append((request, _describe(event, decision)))
					noted[(request, event.code)] = event.time
			elif decision.action == model.Action.NOTE_CLEAR:
				faults[unit_name] = [
					model.OpenFault(f.code, f.request, f.service_type, f.opened_on, False)
					if model.alarm_code(f.code) == event.code
					else f
					for f in faults[unit_name]
				]
				comments.append((request, _describe(event, decision)))
			opened = request or decision.action == model.Action.IGNORE
			action = ACTION_LABELS[decision.action if opened else model.Action.IGNORE]
			rows.append(
				(
					key,
					event_type(event),
					event.time,
					event.device,
					unit_name,
					unit.customer,
					event.code,
					event.name,
					decision.rule.severity,
					None,
					action,
					request or None,
					detail,
					at,
					at,
					user,
					user,
				)
			)
	if rows:
		frappe.db.bulk_insert(EVENT, EVENT_COLUMNS, rows, ignore_duplicates=True)
	if comments:
		add_comments(comments, at)
	return rows


def _activate(faults: list[model.OpenFault], event: model.AlarmEvent, decision) -> list[model.OpenFault]:
	"""An alarm added to a request becomes one of its open faults (active again after a clear)."""
	out, found = [], False
	for fault in faults:
		if model.alarm_code(fault.code) == event.code:
			found = True
			fault = model.OpenFault(fault.code, fault.request, fault.service_type, fault.opened_on, True)
		out.append(fault)
	if not found:
		service = next((f.service_type for f in faults if f.request == decision.request), "")
		out.append(model.OpenFault(event.code, decision.request, service, event.time))
	return out


def _describe(event: model.AlarmEvent, decision) -> str:
	words = event.name or event.code
	when = frappe.format(event.time, "Datetime")
	if event.state == model.AlarmState.CLEARED:
		return _("The genset reported {0} cleared at {1}.").format(frappe.bold(words), when)
	return _("The genset reported {0} ({1}) again at {2}.").format(
		frappe.bold(words), _(decision.rule.severity), when
	)


# ------------------------------------------------------------------ opening a request
def open_request(unit, device, event: model.AlarmEvent, rule: model.AlarmRule) -> str | None:
	"""A request of the rule's service for the unit, under its clocks and assigned like any other; None
	when it cannot be opened (the service is switched off, the unit is gone: logged). When another
	writer opened the unit's request of that service meanwhile, that one is returned."""
	key = telemetry_key(unit.name, rule.service_type)
	words = event.name or event.code
	if event.code == model.COMMUNICATION_LOST:
		description = _(
			"The genset's device {0} has not reported since {1}: check its connection and the genset."
		).format(
			frappe.bold(device.name), frappe.format(device.last_seen or device.enabled_on, "Datetime") or "-"
		)
	else:
		description = _("The genset reported {0} ({1}) at {2} through its device {3}.").format(
			frappe.bold(words),
			_(rule.severity),
			frappe.format(event.time, "Datetime"),
			frappe.bold(device.name),
		)
	savepoint = "genset_telemetry_request"
	frappe.db.savepoint(savepoint)
	try:
		doc = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": rule.service_type,
				"unit": unit.name,
				"customer": unit.customer,
				"channel": CHANNEL,
				"priority": rule.priority,
				"urgent": 1 if rule.severity == model.Severity.CRITICAL else 0,
				"description": description,
				"telemetry_key": key,
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		undo_to(savepoint)
		return frappe.db.get_value(REQUEST, {"telemetry_key": key})
	except frappe.QueryDeadlockError:
		raise
	except Exception:
		undo_to(savepoint)
		frappe.log_error(f"Genset alarm {words} of {unit.name}: no request opened", reference_doctype=REQUEST)
		return None
	if rule.severity == model.Severity.CRITICAL:
		managers = users_with_role(frappe.db.get_single_value("Genset Service Settings", "escalation_role"))
		notify_users(
			managers,
			_("{0} on {1} ({2}): {3} opened").format(words, unit.name, unit.customer, doc.name),
			REQUEST,
			doc.name,
		)
	return doc.name


def add_comments(comments: list[tuple[str, str]], at) -> None:
	user = frappe.session.user
	frappe.db.bulk_insert(
		"Comment",
		[
			"name",
			"comment_type",
			"reference_doctype",
			"reference_name",
			"content",
			"comment_email",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		[
			(frappe.generate_hash(length=10), "Info", REQUEST, request, text, user, at, at, user, user)
			for request, text in comments
		],
	)
