"""Running hours a genset reports, into the reading log that typed readings go to, and so into its plan.

At most one reading per unit per clock hour enters the log (its ``reading_key`` is the unit and the hour:
a unique key, so two bridges cannot both log one hour); a reading that goes backwards or faster than the
clock is flagged (one event per unit and hour), not applied (``model.sift_hours``). Units whose latest
reading moved are re-planned in bulk, as a typed reading re-plans its unit. Readings of one genset are
written one at a time: the units are locked (in name order) before the log is read for the check."""

import frappe
from frappe.query_builder.functions import Max
from frappe.utils import flt, get_datetime

from genset_service.scheduling.common import UNIT, UNIT_GONE, bulk_update
from genset_service.scheduling.replan import refresh_units
from genset_service.telemetry import model
from genset_service.telemetry.common import EVENT, FLAGGED, EventType

LOG = "Genset Running Hours Reading"
SOURCE = "Telemetry"
LOG_COLUMNS = [
	"name",
	"unit",
	"item_code",
	"customer",
	"reading_time",
	"hours",
	"meter_replaced",
	"lifetime_hours",
	"source",
	"reference_doctype",
	"reference_name",
	"recorded_by",
	"reading_key",
	"creation",
	"modified",
	"owner",
	"modified_by",
]
EVENT_COLUMNS = [
	"name",
	"event_type",
	"event_time",
	"device",
	"unit",
	"customer",
	"code",
	"alarm_name",
	"severity",
	"value",
	"action",
	"request",
	"detail",
	"creation",
	"modified",
	"owner",
	"modified_by",
]


def hour_key(unit: str, moment) -> str:
	"""The log's unique key of a telemetry reading: one per unit and clock hour."""
	return f"telemetry:{unit}:{get_datetime(moment):%Y-%m-%dT%H}"


def latest_readings(units: list[str], lock: bool = False) -> dict[str, frappe._dict]:
	"""Each unit's latest log reading (hours, time, lifetime), one query; ``lock``: a locking read,
	which sees what another writer committed after this transaction began."""
	if not units:
		return {}
	log = frappe.qb.DocType(LOG)
	inner = (
		frappe.qb.from_(log)
		.select(log.unit, Max(log.reading_time).as_("at"))
		.where(log.unit.isin(units))
		.groupby(log.unit)
	)
	query = (
		frappe.qb.from_(log)
		.join(inner)
		.on((inner.unit == log.unit) & (inner.at == log.reading_time))
		.select(log.unit, log.hours, log.reading_time, log.lifetime_hours)
	)
	if lock:
		query = query.for_update()
	return {row.unit: row for row in query.run(as_dict=True)}


def taken_hours(units: list[str], since) -> set[tuple[str, str]]:
	"""(unit, hour) pairs of the log from ``since`` on: a late reading may not take an hour taken."""
	if not units:
		return set()
	log = frappe.qb.DocType(LOG)
	rows = (
		frappe.qb.from_(log)
		.select(log.unit, log.reading_time)
		.where(log.unit.isin(units))
		.where(log.reading_time >= since)
		.run()
	)
	return {(unit, f"{get_datetime(at):%Y-%m-%dT%H}") for unit, at in rows}


def lock_units(units: list[str]) -> dict[str, frappe._dict]:
	"""Lock these units (in name order, so that two writers never wait on each other crosswise) and
	read what the log rows need of them."""
	if not units:
		return {}
	table = frappe.qb.DocType(UNIT)
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.status, table.item_code, table.customer)
		.where(table.name.isin(sorted(units)))
		.orderby(table.name)
		.for_update()
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def _verdicts(by_unit: dict[str, list[model.Reading]], latest: dict, taken: set) -> dict:
	out = {}
	for unit, readings in by_unit.items():
		last = latest.get(unit)
		previous = (flt(last.hours), get_datetime(last.reading_time)) if last else (None, None)
		verdicts = []
		for reading, verdict in model.sift_hours(previous[0], previous[1], readings):
			if verdict == model.Verdict.APPLY and (unit, f"{reading.time:%Y-%m-%dT%H}") in taken:
				verdict = model.Verdict.SKIP_SAME_HOUR
			verdicts.append((reading, verdict))
		out[unit] = verdicts
	return out


def apply(readings: list[model.Reading], known: dict) -> dict:
	"""Log the running-hours readings that fit, flag those that do not, re-plan the units whose meter
	moved. Returns counts by verdict."""
	by_unit: dict[str, list[model.Reading]] = {}
	for reading in readings:
		device = known.get(reading.device)
		if device and device.unit:
			by_unit.setdefault(device.unit, []).append(reading)
	counts = dict.fromkeys(model.Verdict.ALL, 0)
	if not by_unit:
		return counts
	since = min(r.time for rs in by_unit.values() for r in rs).replace(minute=0, second=0, microsecond=0)
	# a first look without locks: most batches bring nothing but readings of an hour already logged
	first = _verdicts(by_unit, latest_readings(list(by_unit)), taken_hours(list(by_unit), since))
	moving = sorted(u for u, verdicts in first.items() if any(v in _WRITES for _r, v in verdicts))
	verdicts = {u: v for u, v in first.items() if u not in moving}
	if moving:
		units = lock_units(moving)
		latest = latest_readings(moving, lock=True)
		again = _verdicts({u: by_unit[u] for u in moving}, latest, taken_hours(moving, since))
		verdicts.update(again)
		_write(again, units, latest)
	for unit_verdicts in verdicts.values():
		for _reading, verdict in unit_verdicts:
			counts[verdict] += 1
	return counts


_WRITES = (model.Verdict.APPLY, *model.Verdict.FLAGS)


def _write(verdicts: dict, units: dict, latest: dict) -> None:
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	log_rows, flag_rows, moved = [], [], {}
	for unit_name, unit_verdicts in verdicts.items():
		unit = units.get(unit_name)
		if not unit or unit.status in UNIT_GONE:
			continue
		last = latest.get(unit_name)
		newest = (
			(get_datetime(last.reading_time), flt(last.hours), flt(last.lifetime_hours)) if last else None
		)
		for reading, verdict in sorted(unit_verdicts, key=lambda rv: rv[0].time):
			if verdict in model.Verdict.FLAGS:
				flag_rows.append(_flag_row(reading, verdict, unit, newest, now, user))
				continue
			if verdict != model.Verdict.APPLY:
				continue
			if newest is None:
				lifetime = reading.value
			else:
				# the log's neighbour: its latest reading, later or earlier than this one
				lifetime = round(newest[2] + reading.value - newest[1], 3)
			log_rows.append(
				(
					frappe.generate_hash(length=10),
					unit_name,
					unit.item_code,
					unit.customer,
					reading.time,
					reading.value,
					0,
					lifetime,
					SOURCE,
					"Genset Device",
					reading.device,
					user,
					hour_key(unit_name, reading.time),
					now,
					now,
					user,
					user,
				)
			)
			if newest is None or reading.time > newest[0]:
				newest = (reading.time, reading.value, lifetime)
				moved[unit_name] = newest
	if log_rows:
		frappe.db.bulk_insert(LOG, LOG_COLUMNS, log_rows, ignore_duplicates=True)
	if flag_rows:
		frappe.db.bulk_insert(EVENT, EVENT_COLUMNS, flag_rows, ignore_duplicates=True)
	if moved:
		bulk_update(
			UNIT,
			{
				unit: {"running_hours": hours, "running_hours_date": at.date(), "lifetime_hours": lifetime}
				for unit, (at, hours, lifetime) in moved.items()
			},
		)
		refresh_units(sorted(moved))


def _flag_row(reading, verdict, unit, newest, now, user) -> tuple:
	hour = f"{reading.time:%Y-%m-%dT%H}"
	what = "backwards" if verdict == model.Verdict.FLAG_BACKWARDS else "faster than the clock"
	before = f"{newest[1]:g} h at {newest[0]:%Y-%m-%d %H:%M}" if newest else "-"
	return (
		f"h:{unit.name}:{hour}",
		EventType.HOURS_FLAGGED,
		reading.time,
		reading.device,
		unit.name,
		unit.customer,
		verdict.upper(),
		"",
		"Warning",
		reading.value,
		FLAGGED,
		None,
		f"{reading.value:g} h went {what} (the log's reading: {before}); not applied",
		now,
		now,
		user,
		user,
	)
