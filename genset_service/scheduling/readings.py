"""The running-hours reading log: every path that records a genset's hours writes here, under a row
lock on the unit, and the unit shows the latest reading (the rules are in planning/readings.py)."""

import datetime

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, now_datetime, nowdate

from genset_service.planning.readings import (
	Reading,
	ReadingError,
	check_fits,
	first_misfit,
	lifetime_hours,
)
from genset_service.scheduling.common import UNIT

READING = "Genset Running Hours Reading"
FIELDS = ["name", "reading_time", "hours", "meter_replaced", "lifetime_hours"]


def reading_time_of_day(day) -> datetime.datetime:
	"""A reading known only by its date (an inspection, a visit): now when it is today, else noon."""
	day = getdate(day)
	return now_datetime() if day == getdate(nowdate()) else get_datetime(f"{day} 12:00:00")


def reference_key(reference_doctype: str | None, reference_name: str | None) -> str | None:
	return f"{reference_doctype}:{reference_name}" if reference_doctype and reference_name else None


def _readings(unit: str) -> list[frappe._dict]:
	"""The unit's log as committed now: a locking read, not the transaction's snapshot. Under
	REPEATABLE READ a plain read after waiting for the unit's lock would still miss the reading that
	the other writer just committed, and both would pass the check."""
	log = frappe.qb.DocType(READING)
	return (
		frappe.qb.from_(log)
		.select(*(log[field] for field in FIELDS))
		.where(log.unit == unit)
		.orderby(log.reading_time)
		.for_update()
		.run(as_dict=True)
	)


def _as_reading(row) -> Reading:
	return Reading(
		at=get_datetime(row.reading_time),
		hours=flt(row.hours),
		meter_replaced=bool(row.meter_replaced),
		name=row.name or "",
	)


def _describe(row: Reading) -> str:
	return _("{0} h on {1}").format(frappe.format(row.hours, "Float"), frappe.format(row.at, "Datetime"))


def check_reading(unit: str, hours, at, meter_replaced: bool = False, name: str | None = None) -> None:
	"""Refuse a reading in the future, negative, or one that does not fit between its neighbours."""
	at = get_datetime(at)
	if flt(hours) < 0:
		frappe.throw(_("Running hours cannot be negative."), title=_("Invalid Running Hours"))
	if getdate(at) > getdate(nowdate()):
		frappe.throw(
			_("A reading cannot be dated in the future ({0}).").format(frappe.format(at, "Datetime")),
			title=_("Invalid Running Hours"),
		)
	new = Reading(at=at, hours=flt(hours), meter_replaced=bool(meter_replaced), name=name or "")
	try:
		check_fits([_as_reading(row) for row in _readings(unit)], new)
	except ReadingError as error:
		message = (
			_(
				"Running Hours {0} is higher than the later reading of this genset ({1}): hour meters never run backwards."
			)
			if error.later
			else _(
				"Running Hours {0} is lower than the earlier reading of this genset ({1}): hour meters never run backwards. If the meter was replaced, record the reading as Meter Replaced."
			)
		)
		frappe.throw(
			message.format(frappe.bold(flt(hours)), frappe.bold(_describe(error.neighbour))),
			title=_("Invalid Running Hours"),
		)


def lock_unit(unit: str) -> None:
	"""Readings of one genset are written one at a time: two at once would both pass the check."""
	if not frappe.db.get_value(UNIT, unit, "name", for_update=True):
		frappe.throw(_("Genset Unit {0} is unknown.").format(unit), frappe.DoesNotExistError)


def record_reading(
	unit: str,
	hours,
	at,
	source: str = "Manual",
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	meter_replaced: bool = False,
	remarks: str | None = None,
):
	"""Write one reading, then bring the lifetime hours and the unit up to date; returns the reading.
	A document records at most one reading (its reference is a unique key); the reading's validate
	locks the unit."""
	key = reference_key(reference_doctype, reference_name)
	if key and frappe.db.exists(READING, {"reading_key": key}):
		frappe.throw(
			_("{0} {1} has recorded its reading already.").format(_(reference_doctype), reference_name),
			frappe.DuplicateEntryError,
		)
	doc = frappe.get_doc(
		{
			"doctype": READING,
			"unit": unit,
			"hours": flt(hours),
			"reading_time": get_datetime(at),
			"source": source,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"meter_replaced": 1 if meter_replaced else 0,
			"remarks": remarks,
			"reading_key": key,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	return doc


def remove_reading(reference_doctype: str, reference_name: str) -> None:
	"""The document that recorded a reading is cancelled: its reading goes, the unit shows the latest
	of the others."""
	name = frappe.db.get_value(READING, {"reading_key": reference_key(reference_doctype, reference_name)})
	if name:
		frappe.delete_doc(READING, name, ignore_permissions=True, force=True)


def after_change(unit: str, removed: str | None = None) -> None:
	"""Lifetime hours of every reading of the unit (one pass, only changed rows written), then the
	unit's latest reading; saving the unit re-plans hours-based maintenance and the hours cap."""
	rows = {row.name: row for row in _readings(unit) if row.name != removed}
	lifetimes = lifetime_hours([_as_reading(row) for row in rows.values()])
	for reading, lifetime in lifetimes:
		if flt(rows[reading.name].lifetime_hours) != lifetime:
			frappe.db.set_value(READING, reading.name, "lifetime_hours", lifetime, update_modified=False)
	latest = lifetimes[-1] if lifetimes else None
	values = {
		"running_hours": latest[0].hours if latest else 0,
		"running_hours_date": getdate(latest[0].at) if latest else None,
		"lifetime_hours": latest[1] if latest else 0,
	}
	unit_doc = frappe.get_doc(UNIT, unit, for_update=True)  # as committed now (see _readings)
	if any(str(unit_doc.get(field) or "") != str(value or "") for field, value in values.items()):
		unit_doc.update(values)
		unit_doc.flags.ignore_permissions = True
		unit_doc.save()


def check_removal(unit: str, name: str) -> None:
	"""Removing a meter-replaced reading would join two meters' series: refuse when they disagree."""
	rows = [_as_reading(row) for row in _readings(unit) if row.name != name]
	misfit = first_misfit(rows)
	if misfit:
		frappe.throw(
			_("Without this reading, {0} would follow {1}: hour meters never run backwards.").format(
				frappe.bold(_describe(misfit[1])), frappe.bold(_describe(misfit[0]))
			),
			title=_("Invalid Running Hours"),
		)
