"""Raw readings rolled up by the hour and by the day (``model.roll_up``, ``model.combine``), and the
grains kept only as long as Genset Telemetry Settings says: storage grows with the gensets, not with time.

The job reads the raw readings stored since its last run (``rolled_up_to``, by the time they were
stored, so a late reading re-rolls the hour it belongs to), rolls up every complete hour they touch from
all of that hour's raw readings, and every day they touch from its hourly rollups (today's figures grow
through the day). A rollup's name is its key, so rolling an hour up again replaces it.

A batch is stamped when it is read and committed a moment later: the job reads only what was stored
``STORE_LAG`` before it runs, so that a batch still being written is read by the next run, not missed."""

import datetime
import hashlib

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Min
from frappe.utils import get_datetime

from genset_service.access.guard import app_action
from genset_service.telemetry import model
from genset_service.telemetry.common import READING, ROLLUP, SETTINGS, now, retention, settings

DateFormat = CustomFunction("DATE_FORMAT", ["date", "format"])
HOUR_FORMAT = "%Y-%m-%d %H:00:00"
DEVICE_CHUNK = 200
DELETE_CHUNK = 10_000
PERIOD_LABELS = {model.HOUR: "Hour", model.DAY: "Day"}
PERIOD_OF_LABEL = {label: period for period, label in PERIOD_LABELS.items()}
COLUMNS = [
	"name",
	"device",
	"unit",
	"metric",
	"period",
	"period_start",
	"samples",
	"min_value",
	"max_value",
	"mean_value",
	"last_value",
	"first_value",
	"delta",
	"creation",
	"modified",
	"owner",
	"modified_by",
]
EPOCH = datetime.datetime(2000, 1, 1)
STORE_LAG = datetime.timedelta(minutes=5)


def rollup_key(device: str, metric: str, period: str, start: datetime.datetime) -> str:
	raw = f"{device}|{metric}|{period}|{start:%Y-%m-%dT%H}"
	return f"{period[0]}:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


@app_action
def run(at: datetime.datetime | None = None, progress: bool = False, commit: bool = True) -> dict:
	"""Roll up what was stored since the last run, then drop what is past its keeping. Hourly, in the
	long queue (hooks.py); safe to run twice (a second run finds the hours already rolled). ``commit``:
	the rollups are committed before the old readings go, and the purge a chunk at a time."""
	at = at or now()
	since = get_datetime(settings().rolled_up_to) if settings().rolled_up_to else EPOCH
	hours, new_mark = touched_hours(since, at)
	units = units_of({device for device, _m, _s in hours})
	done_hours = roll_hours(hours, units, progress)
	days = {(device, metric, model.period_start(start, model.DAY)) for device, metric, start in hours}
	done_days = roll_days(days, units)
	frappe.db.set_single_value(SETTINGS, "rolled_up_to", new_mark, update_modified=False)
	if commit:
		# the rollups are kept before the old raw readings go
		frappe.db.commit()  # nosemgrep
	pruned = prune(at, new_mark, commit)
	return {"hours": done_hours, "days": done_days, "rolled_up_to": new_mark, **pruned}


def touched_hours(since: datetime.datetime, at: datetime.datetime) -> tuple[set, datetime.datetime]:
	"""The complete (device, metric, hour) periods the readings stored after ``since`` (and at least
	``STORE_LAG`` before ``at``) fall in, and the mark to start from next time: the end of that window, or
	just before the first reading stored of a period not yet complete (read again once it is over)."""
	raw = frappe.qb.DocType(READING)
	hour = DateFormat(raw.reading_time, HOUR_FORMAT)
	upto = at - STORE_LAG
	stored = (raw.creation > since) & (raw.creation <= upto)
	rows = frappe.qb.from_(raw).select(raw.device, raw.metric, hour).where(stored).distinct().run()
	current = model.period_start(at, model.HOUR)
	complete = {(device, metric, get_datetime(start)) for device, metric, start in rows}
	complete = {key for key in complete if key[2] < current}
	(first_open,) = (
		frappe.qb.from_(raw)
		.select(Min(raw.creation))
		.where(stored)
		.where(raw.reading_time >= current)
		.run()[0]
	)
	mark = get_datetime(first_open) - datetime.timedelta(microseconds=1) if first_open else upto
	return complete, max(mark, since)


def units_of(devices) -> dict[str, str]:
	if not devices:
		return {}
	return dict(
		frappe.get_all(
			"Genset Device", filters={"name": ("in", sorted(devices))}, fields=["name", "unit"], as_list=True
		)
	)


def _raw(devices: list[str], start: datetime.datetime, end: datetime.datetime) -> list[model.Reading]:
	raw = frappe.qb.DocType(READING)
	rows = (
		frappe.qb.from_(raw)
		.select(raw.device, raw.metric, raw.reading_time, raw.value)
		.where(raw.device.isin(devices))
		.where(raw.reading_time >= start)
		.where(raw.reading_time < end)
		.run()
	)
	return [model.Reading(d, m, get_datetime(t), float(v)) for d, m, t, v in rows]


def roll_hours(hours: set, units: dict[str, str], progress: bool = False) -> int:
	"""Each touched hour from all its raw readings (and the hour before it, whose last reading starts a
	counter's rise), a chunk of devices at a time."""
	by_hour: dict[datetime.datetime, set[str]] = {}
	for device, _metric, start in hours:
		by_hour.setdefault(start, set()).add(device)
	done, steps = 0, sum((len(d) + DEVICE_CHUNK - 1) // DEVICE_CHUNK for d in by_hour.values())
	step = 0
	for start in sorted(by_hour):
		devices = sorted(by_hour[start])
		for index in range(0, len(devices), DEVICE_CHUNK):
			chunk = devices[index : index + DEVICE_CHUNK]
			readings = _raw(chunk, start - datetime.timedelta(hours=1), start + datetime.timedelta(hours=1))
			rollups = [
				r
				for r in model.rollups_since(model.roll_up(readings, model.HOUR), start)
				if (r.device, r.metric, r.start) in hours
			]
			done += write(rollups, units)
			step += 1
			if progress:
				frappe.publish_progress(step * 100 / steps, title=_("Rolling up telemetry"))
	return done


def roll_days(days: set, units: dict[str, str]) -> int:
	"""Each touched day from its hourly rollups."""
	by_day: dict[datetime.datetime, set[str]] = {}
	for device, _metric, start in days:
		by_day.setdefault(start, set()).add(device)
	done = 0
	table = frappe.qb.DocType(ROLLUP)
	for start in sorted(by_day):
		devices = sorted(by_day[start])
		for index in range(0, len(devices), DEVICE_CHUNK):
			rows = (
				frappe.qb.from_(table)
				.select("*")
				.where(table.device.isin(devices[index : index + DEVICE_CHUNK]))
				.where(table.period == PERIOD_LABELS[model.HOUR])
				.where(table.period_start >= start)
				.where(table.period_start < start + datetime.timedelta(days=1))
				.run(as_dict=True)
			)
			daily = [
				r
				for r in model.combine([as_rollup(row) for row in rows], model.DAY)
				if (r.device, r.metric, r.start) in days
			]
			done += write(daily, units)
	return done


def as_rollup(row) -> model.Rollup:
	"""A stored rollup as the model's (a counter's first value and rise; 0 stored for the others)."""
	cumulative = row.metric in model.METRICS and model.METRICS[row.metric].cumulative
	return model.Rollup(
		device=row.device,
		metric=row.metric,
		period=PERIOD_OF_LABEL[row.period],
		start=get_datetime(row.period_start),
		count=int(row.samples or 0),
		min=float(row.min_value or 0),
		max=float(row.max_value or 0),
		mean=float(row.mean_value or 0),
		last=float(row.last_value or 0),
		first=float(row.first_value or 0) if cumulative else None,
		delta=float(row.delta or 0) if cumulative else None,
	)


def write(rollups: list[model.Rollup], units: dict[str, str]) -> int:
	"""Replace these rollups (delete by key, one insert)."""
	if not rollups:
		return 0
	stamp, user = now(), frappe.session.user
	rows = [
		(
			rollup_key(r.device, r.metric, r.period, r.start),
			r.device,
			units.get(r.device),
			r.metric,
			PERIOD_LABELS[r.period],
			r.start,
			r.count,
			r.min,
			r.max,
			r.mean,
			r.last,
			r.first or 0,
			r.delta or 0,
			stamp,
			stamp,
			user,
			user,
		)
		for r in rollups
	]
	table = frappe.qb.DocType(ROLLUP)
	frappe.qb.from_(table).delete().where(table.name.isin([row[0] for row in rows])).run()
	frappe.db.bulk_insert(ROLLUP, COLUMNS, rows)
	return len(rows)


def prune(at: datetime.datetime, rolled_up_to: datetime.datetime, commit: bool = True) -> dict:
	"""Raw readings past their days and already rolled up, then hourly and daily rollups past theirs;
	a chunk at a time, each committed."""
	keep = retention()
	day = model.period_start(at, model.DAY)
	raw = frappe.qb.DocType(READING)
	rollup = frappe.qb.DocType(ROLLUP)
	# raw readings by the time they were stored (indexed): a reading older than the raw days is refused
	# when it arrives, so one stored before them is no newer than them (but for the 15 minutes a
	# device's clock may run fast)
	out = {
		"raw_deleted": _delete(
			raw,
			(raw.creation < day - datetime.timedelta(days=keep.raw_days)) & (raw.creation <= rolled_up_to),
			commit,
		)
	}
	for period, days in ((model.HOUR, keep.hourly_days), (model.DAY, keep.daily_days)):
		out[f"{period}_deleted"] = (
			_delete(
				rollup,
				(rollup.period == PERIOD_LABELS[period])
				& (rollup.period_start < day - datetime.timedelta(days=days)),
				commit,
			)
			if days > 0
			else 0
		)
	return out


def _delete(table, where, commit: bool) -> int:
	total = 0
	while True:
		names = [
			n for (n,) in frappe.qb.from_(table).select(table.name).where(where).limit(DELETE_CHUNK).run()
		]
		if not names:
			return total
		frappe.qb.from_(table).delete().where(table.name.isin(names)).run()
		if commit:
			# a chunk at a time, so that a large purge holds no long lock
			frappe.db.commit()  # nosemgrep
		total += len(names)
