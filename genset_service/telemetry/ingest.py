"""One path for what the gensets send, whichever way it came (the MQTT bridge, the HTTP endpoint): each
message is read for its sender (``Message``), then a whole batch of them is stored at once (``store``):
the raw readings in one insert that skips the ones already kept, running hours into the reading log,
alarms into requests, and the devices marked heard from. The caller commits."""

import datetime
from dataclasses import dataclass, field

import frappe
from frappe import _

from genset_service.access.guard import app_action
from genset_service.scheduling.common import bulk_update
from genset_service.telemetry import alarms, hours, model
from genset_service.telemetry.common import (
	DEVICE,
	READING,
	EventType,
	Status,
	devices_by_name,
	gateway_siblings,
	insert_ignore,
	limits_for,
	now,
	retention,
)
from genset_service.telemetry.sparkplug import to_parsed

# what a refusal's code means, for a person (the HTTP answer and the device's Last Refusal)
MESSAGES = {
	model.Reason.TOO_LARGE: "the message is too large",
	model.Reason.NOT_JSON: "the message is not JSON",
	model.Reason.NOT_AN_OBJECT: "not a JSON object",
	model.Reason.TOO_MANY_ENTRIES: "too many entries",
	model.Reason.UNKNOWN_DEVICE: "a device this sender may not report for",
	model.Reason.MISSING_TIME: "the entry has no time",
	model.Reason.BAD_TIME: "the time is not an ISO 8601 time or seconds since 1970",
	model.Reason.TIME_IN_FUTURE: "the time is ahead of the site's clock",
	model.Reason.BEFORE_DELIVERY: "the time is before the genset was delivered",
	model.Reason.TOO_OLD: "the time is older than the raw readings are kept",
	model.Reason.UNKNOWN_METRIC: "an unknown metric",
	model.Reason.NOT_A_NUMBER: "the value is not a number",
	model.Reason.OUT_OF_RANGE: "the value is outside what a genset can show",
	model.Reason.BAD_ALARM: "the alarm is not a code with a state",
	model.Reason.CONFLICTING_VALUE: "the same metric and time sent twice with two values",
	model.Reason.BAD_TOPIC: "the topic is not a telemetry topic",
	model.Reason.MALFORMED_PAYLOAD: "the Sparkplug B payload cannot be read",
	model.Reason.UNKNOWN_ALIAS: "a metric alias no birth gave",
	model.Reason.UNSUPPORTED_VALUE: "a Sparkplug B value of a kind genset metrics never are",
	model.Reason.NO_BIRTH: "data before its birth certificate",
	model.Reason.STALE_DEATH: "an old session's death certificate",
}


def describe(refusal: model.Refusal) -> dict:
	return {
		"entry": refusal.entry,
		"field": refusal.field,
		"reason": refusal.reason,
		"message": _(MESSAGES.get(refusal.reason, refusal.reason)),
		"detail": refusal.detail,
	}


@dataclass
class Message:
	"""One message of one sender, read: ``device`` is the sending device's record (None: unknown or
	disabled, nothing of it is kept)."""

	sender: str
	parsed: model.Parsed
	device: frappe._dict | None = None
	# filled by ``store``: readings newly kept, and those kept before (a replay)
	stored: int = 0
	duplicates: int = 0
	events: list[dict] = field(default_factory=list)

	def answer(self) -> dict:
		return {
			"device": self.sender,
			"stored": self.stored,
			"duplicates": self.duplicates,
			"alarms": len(self.parsed.alarms),
			"refused": [describe(r) for r in self.parsed.refusals],
		}


# ------------------------------------------------------------------ reading messages
def known_devices(senders) -> dict[str, frappe._dict]:
	"""The senders' device records and their gateways' other devices (two queries)."""
	known = devices_by_name(senders)
	known.update({k: v for k, v in gateway_siblings(known.values()).items() if k not in known})
	return known


def _limits(sender: frappe._dict, known: dict, at: datetime.datetime) -> model.Limits:
	limits = limits_for(sender, known)
	earliest = model.period_start(at, model.DAY) - datetime.timedelta(days=retention().raw_days)
	return model.Limits(
		devices=limits.devices, delivered=limits.delivered, to_local=limits.to_local, earliest=earliest
	)


def read_json(sender: str, payload, known: dict, at: datetime.datetime) -> Message:
	"""A plain JSON message (or HTTP batch) of ``sender``: refused whole when the device is unknown or
	disabled, else its good readings and alarms with a reason for each bad part."""
	device = known.get(sender)
	if not device or not device.enabled:
		refusal = model.Refusal(model.Reason.UNKNOWN_DEVICE, None, "device", str(sender)[:140])
		return Message(sender, model.Parsed([], [refusal], [], None))
	return Message(sender, model.parse_json_payload(payload, sender, at, _limits(device, known, at)), device)


def read_sparkplug(sender: str, received, known: dict, at: datetime.datetime) -> Message:
	"""A Sparkplug B message already read against its node (``sparkplug.Host``), for the app's device
	``sender`` (the topic's device id, or the edge node's for a node's own metrics)."""
	device = known.get(sender)
	if not device or not device.enabled:
		refusal = model.Refusal(model.Reason.UNKNOWN_DEVICE, None, "device", str(sender)[:140])
		return Message(sender, model.Parsed([], [*received.refusals, refusal], [], None))
	return Message(sender, to_parsed(received, sender, at, _limits(device, known, at)), device)


# ------------------------------------------------------------------ storing a batch
@app_action
def store(messages: list[Message], at: datetime.datetime | None = None) -> list[Message]:
	"""Keep a batch of read messages: the raw readings once each, running hours into the log, alarms
	into requests, and every sender marked heard from (a silent one back online). Returns the messages
	with what was kept of each."""
	at = at or now()
	live = [m for m in messages if m.device]
	known = known_devices({r.device for m in live for r in m.parsed.readings} | {m.sender for m in live})
	readings = _keep_readings(live, known, at)
	hours.apply([r for r in readings if r.metric == model.RUNNING_HOURS], known)
	events = [event for m in live for event in m.parsed.alarms]
	if events:
		alarms.handle(events, known, at)
	heard(live, at)
	return messages


def reading_rows(readings: list[model.Reading], known: dict, at: datetime.datetime) -> list[tuple]:
	user = frappe.session.user
	return [
		(
			model.reading_key(r.device, r.metric, r.time),
			r.device,
			known[r.device].unit,
			r.metric,
			r.time,
			r.value,
			at,
			at,
			user,
			user,
		)
		for r in readings
	]


READING_COLUMNS = [
	"name",
	"device",
	"unit",
	"metric",
	"reading_time",
	"value",
	"creation",
	"modified",
	"owner",
	"modified_by",
]


def _keep_readings(messages: list[Message], known: dict, at: datetime.datetime) -> list[model.Reading]:
	"""Insert the readings not kept before (one read of the keys, one insert that skips a key another
	writer kept meanwhile); count each message's new and repeated ones. Returns the new readings."""
	keys_of = {}
	for message in messages:
		for reading in message.parsed.readings:
			keys_of.setdefault(model.reading_key(reading.device, reading.metric, reading.time), reading)
	kept_before = existing(READING, list(keys_of))
	new = {}
	for message in messages:
		for reading in message.parsed.readings:
			key = model.reading_key(reading.device, reading.metric, reading.time)
			if key in kept_before or key in new:
				message.duplicates += 1
			else:
				new[key] = reading
				message.stored += 1
	if new:
		insert_ignore(READING, READING_COLUMNS, reading_rows(list(new.values()), known, at))
	return list(new.values())


def existing(doctype: str, names: list[str], chunk: int = 1000) -> set[str]:
	"""Which of these names are kept (a read per thousand)."""
	table = frappe.qb.DocType(doctype)
	found = set()
	for start in range(0, len(names), chunk):
		part = names[start : start + chunk]
		found.update(
			n for (n,) in frappe.qb.from_(table).select(table.name).where(table.name.isin(part)).run()
		)
	return found


def heard(messages: list[Message], at: datetime.datetime) -> None:
	"""Every sender was heard from now; a silent one is back online (its silence's request is noted)."""
	senders = {m.device.name: m.device for m in messages}
	if not senders:
		return
	refusals = {}
	for m in messages:
		if m.parsed.refusals:
			first = m.parsed.refusals[0]
			text = _("{0} refused of {1} sent at {2}: {3}").format(
				len(m.parsed.refusals),
				m.sender,
				frappe.format(at, "Datetime"),
				f"{first.reason} {first.field} {first.detail}".strip(),
			)
			refusals[m.device.name] = {"last_refusal": text[:1000], "last_refusal_on": at}
	back = [name for name, row in senders.items() if row.status == Status.SILENT]
	table = frappe.qb.DocType(DEVICE)
	(
		frappe.qb.update(table)
		.set(table.last_seen, at)
		.set(table.status, Status.ONLINE)
		.set(table.silent_since, None)
		.where(table.name.isin(sorted(senders)))
		.run()
	)
	if refusals:
		bulk_update(DEVICE, refusals, update_modified=False)
	if back:
		alarms.handle(
			[model.silence_event(name, False, at) for name in back],
			{name: senders[name] for name in back},
			at,
		)
	for name in senders:
		senders[name].status = Status.ONLINE


__all__ = ["Message", "EventType", "read_json", "read_sparkplug", "store", "known_devices"]
