"""What a genset's own reports show on its desk page and the customer's portal page: the last reading of
each metric, hours run a day, open alarms, recent events, and charts over time (from the rollups: hours
for up to 3 days, days after). A fixed number of queries, whatever the span."""

import datetime
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder.functions import Max
from frappe.utils import flt, get_datetime

from genset_service.telemetry import model
from genset_service.telemetry.alarms import open_faults
from genset_service.telemetry.common import DEVICE, EVENT, READING, ROLLUP, now

HOURLY_UP_TO_DAYS = 3
MAX_DAYS = 3660
RECENT_EVENTS = 10


@dataclass(frozen=True)
class Chart:
	key: str
	label: str
	# the first of these the genset reports is drawn
	metrics: tuple[str, ...]
	# which figure of a period: mean, max, min, last or delta (what a counter rose by)
	figures: tuple[str, ...]


CHARTS = (
	Chart("hours", "Running Hours", (model.RUNNING_HOURS,), ("delta",)),
	Chart("load", "Load", (model.LOAD_PERCENT, model.LOAD_KW), ("mean", "max")),
	Chart("fuel", "Fuel Level", (model.FUEL_LEVEL_PERCENT,), ("min", "last")),
	Chart("battery", "Battery", (model.BATTERY_VOLTAGE,), ("min", "mean")),
)
FIGURE_COLUMNS = {
	"mean": "mean_value",
	"max": "max_value",
	"min": "min_value",
	"last": "last_value",
	"delta": "delta",
}
FIGURE_LABELS = {"mean": "Mean", "max": "Max", "min": "Min", "last": "Last", "delta": "Hours Run"}
METRIC_LABELS = {
	model.RUNNING_HOURS: "Running Hours",
	model.LOAD_KW: "Load",
	model.LOAD_PERCENT: "Load",
	model.FUEL_LEVEL_PERCENT: "Fuel Level",
	model.BATTERY_VOLTAGE: "Battery",
	model.OIL_PRESSURE_KPA: "Oil Pressure",
	model.COOLANT_TEMPERATURE_C: "Coolant Temperature",
	model.ENGINE_SPEED_RPM: "Engine Speed",
	model.KWH: "Energy",
	model.STARTS: "Starts",
	model.FREQUENCY_HZ: "Frequency",
	model.VOLTAGE_L1_N: "Voltage L1-N",
	model.CURRENT_L1: "Current L1",
	model.POWER_FACTOR: "Power Factor",
}


def when(moment) -> str:
	"""A time in the user's date format, to the minute."""
	if not moment:
		return ""
	moment = get_datetime(moment)
	return f"{frappe.format(moment.date(), {'fieldtype': 'Date'})} {moment:%H:%M}"


def last_readings(unit: str, since: datetime.datetime) -> list[dict]:
	"""The latest raw reading of each metric of the unit (one query)."""
	raw = frappe.qb.DocType(READING)
	latest = (
		frappe.qb.from_(raw)
		.select(raw.metric, Max(raw.reading_time).as_("at"))
		.where(raw.unit == unit)
		.where(raw.reading_time >= since)
		.groupby(raw.metric)
	)
	rows = (
		frappe.qb.from_(raw)
		.join(latest)
		.on((latest.metric == raw.metric) & (latest.at == raw.reading_time))
		.select(raw.metric, raw.value, raw.reading_time, raw.device)
		.where(raw.unit == unit)
		.run(as_dict=True)
	)
	out = {}
	for row in rows:
		rule = model.METRICS.get(row.metric)
		out[row.metric] = {
			"metric": row.metric,
			"label": _(METRIC_LABELS.get(row.metric, row.metric)),
			"value": flt(row.value, 3),
			"value_label": frappe.format(flt(row.value, 2), {"fieldtype": "Float", "precision": 2}),
			"unit": rule.unit if rule else "",
			"time": row.reading_time,
			"time_label": when(row.reading_time),
			"device": row.device,
		}
	order = list(model.METRICS)
	return sorted(out.values(), key=lambda r: order.index(r["metric"]) if r["metric"] in order else 99)


def unit_telemetry(unit: str, days: int = 30) -> dict:
	"""Everything the unit's telemetry panel shows (the caller checks that the user may read the unit)."""
	days = max(1, min(int(days), MAX_DAYS))
	at = now()
	period = model.HOUR if days <= HOURLY_UP_TO_DAYS else model.DAY
	start = model.period_start(
		at - datetime.timedelta(days=days - 1 if period == model.DAY else days), period
	)
	devices = frappe.get_all(
		DEVICE,
		filters={"unit": unit},
		fields=["name", "status", "last_seen", "controller_family", "enabled"],
		order_by="name asc",
	)
	for device in devices:
		device.last_seen_label = when(device.last_seen)
	metrics = sorted({m for chart in CHARTS for m in chart.metrics})
	rollup = frappe.qb.DocType(ROLLUP)
	rows = (
		frappe.qb.from_(rollup)
		.select(rollup.metric, rollup.period_start, *(rollup[c] for c in FIGURE_COLUMNS.values()))
		.where(rollup.unit == unit)
		.where(rollup.period == ("Hour" if period == model.HOUR else "Day"))
		.where(rollup.period_start >= start)
		.where(rollup.metric.isin(metrics))
		.orderby(rollup.period_start)
		.run(as_dict=True)
	)
	per_day = hours_per_day(unit, at)
	return {
		"unit": unit,
		"days": days,
		"period": period,
		"devices": devices,
		"last": last_readings(unit, at - datetime.timedelta(days=31)),
		"hours_per_day": per_day,
		"hours_per_day_label": frappe.format(per_day, {"fieldtype": "Float", "precision": 1})
		if per_day is not None
		else "",
		"open_alarms": open_alarms(unit),
		"events": recent_events(unit),
		"charts": charts(rows, start, at, period),
	}


def charts(rows, start, at, period) -> list[dict]:
	by_metric: dict[str, dict] = {}
	for row in rows:
		by_metric.setdefault(row.metric, {})[get_datetime(row.period_start)] = row
	step = datetime.timedelta(hours=1) if period == model.HOUR else datetime.timedelta(days=1)
	starts, moment = [], start
	while moment <= at:
		starts.append(moment)
		moment += step
	labels = [
		f"{frappe.format(s.date(), {'fieldtype': 'Date'})} {s:%H}:00"
		if period == model.HOUR
		else frappe.format(s.date(), {"fieldtype": "Date"})
		for s in starts
	]
	out = []
	for chart in CHARTS:
		metric = next((m for m in chart.metrics if m in by_metric), None)
		if metric is None:
			continue
		series = by_metric[metric]
		out.append(
			{
				"key": chart.key,
				"title": _(chart.label),
				"metric": metric,
				"unit": model.METRICS[metric].unit,
				"labels": labels,
				"datasets": [
					{
						"name": _(FIGURE_LABELS[figure]),
						"values": [
							flt(series[s][FIGURE_COLUMNS[figure]], 2) if s in series else None for s in starts
						],
					}
					for figure in chart.figures
				],
			}
		)
	return out


def hours_per_day(unit: str, at: datetime.datetime, days: int = 30) -> float | None:
	"""Hours run a day over the last 30 days with reports (None: no report of running hours)."""
	rows = frappe.get_all(
		ROLLUP,
		filters={
			"unit": unit,
			"metric": model.RUNNING_HOURS,
			"period": "Day",
			"period_start": (">=", model.period_start(at - datetime.timedelta(days=days), model.DAY)),
		},
		fields=["delta", "period_start"],
	)
	if not rows:
		return None
	first = min(get_datetime(r.period_start) for r in rows)
	span = max(1, (model.period_start(at, model.DAY) - first).days + 1)
	return round(sum(flt(r.delta) for r in rows) / span, 2)


def open_alarms(unit: str) -> list[dict]:
	faults, _noted = open_faults([unit])
	return [
		{
			"code": f.code,
			"label": f.code.replace("_", " ").title(),
			"request": f.request,
			"service_type": f.service_type,
			"since": f.opened_on,
			"since_label": when(f.opened_on),
		}
		for f in faults.get(unit, [])
		if f.active and not f.code.startswith("REQUEST:")
	]


def recent_events(unit: str) -> list[dict]:
	rows = frappe.get_all(
		EVENT,
		filters={"unit": unit},
		fields=["event_type", "event_time", "code", "alarm_name", "severity", "action", "request", "detail"],
		order_by="event_time desc",
		limit=RECENT_EVENTS,
	)
	for row in rows:
		row.time_label = when(row.event_time)
	return rows
