"""The telemetry's names and what the site code reads of the settings, the devices and the rules."""

import datetime
import hashlib
import hmac
import zoneinfo

import frappe
from frappe.utils import cint, get_datetime, get_system_timezone, now_datetime

from genset_service.telemetry import model

DEVICE = "Genset Device"
READING = "Genset Telemetry Reading"
ROLLUP = "Genset Telemetry Rollup"
EVENT = "Genset Telemetry Event"
RULE = "Genset Alarm Rule"
SETTINGS = "Genset Telemetry Settings"

DEVICE_FIELDS = (
	"name",
	"enabled",
	"unit",
	"customer",
	"controller_family",
	"gateway_serial",
	"status",
	"last_seen",
	"enabled_on",
	"silent_since",
)


class Status:
	NEVER_HEARD = "Never Heard"
	ONLINE = "Online"
	SILENT = "Silent"
	DISABLED = "Disabled"


class EventType:
	ALARM = "Alarm"
	ALARM_CLEARED = "Alarm Cleared"
	HOURS_FLAGGED = "Hours Flagged"
	SILENT = "Silent"
	BACK_ONLINE = "Back Online"
	SEQUENCE_GAP = "Sequence Gap"
	OFFLINE = "Offline"


# what an alarm did, as the event log says it (model.Action -> the log's words)
ACTION_LABELS = {
	model.Action.OPEN: "Opened a Request",
	model.Action.ADD: "Added to a Request",
	model.Action.NOTE_CLEAR: "Noted on a Request",
	model.Action.IGNORE: "Nothing Opened",
}
FLAGGED = "Flagged"


def settings():
	return frappe.get_cached_doc(SETTINGS)


def retention() -> model.Retention:
	values = settings()
	return model.Retention(
		raw_days=max(1, cint(values.raw_days) or model.RETENTION.raw_days),
		hourly_days=max(0, cint(values.hourly_days)),
		daily_days=max(0, cint(values.daily_days)),
	)


def site_time(moment: datetime.datetime) -> datetime.datetime:
	"""A time with an offset on the site's clock (naive, as Frappe stores times)."""
	return moment.astimezone(zoneinfo.ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def now() -> datetime.datetime:
	return now_datetime().replace(microsecond=0)


# ------------------------------------------------------------------ bulk writes
INSERT_CHUNK = 5000


def insert_ignore(doctype: str, columns: list[str], rows: list[tuple]) -> None:
	"""Many rows in a few multi-row ``INSERT IGNORE`` statements (a row whose key is taken is skipped).
	Frappe's ``bulk_insert`` builds the statement with the query builder, which spends two thirds of the
	time of a 6,000-row insert building it (docs/benchmarks.md (m)): the readings, the hot path, are
	written with placeholders instead. ``doctype`` and ``columns`` are the app's own names."""
	if not rows:
		return
	names = ", ".join(f"`{column}`" for column in columns)
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for start in range(0, len(rows), INSERT_CHUNK):
		part = rows[start : start + INSERT_CHUNK]
		query = f"INSERT IGNORE INTO `tab{doctype}` ({names}) VALUES " + ", ".join([one] * len(part))
		frappe.db.sql(query, [value for row in part for value in row])  # nosemgrep


# ------------------------------------------------------------------ tokens
TOKEN_PREFIX = "gst_"


def token_hash(token: str) -> str:
	return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
	"""Constant-time: a wrong token takes as long as a right one."""
	if not token or not stored_hash:
		return False
	return hmac.compare_digest(token_hash(token), stored_hash)


# ------------------------------------------------------------------ devices
def devices_by_name(names) -> dict[str, frappe._dict]:
	"""The devices of these names (one query), with their units' delivery times."""
	names = sorted({name for name in names if isinstance(name, str) and name})
	if not names:
		return {}
	rows = frappe.get_all(DEVICE, filters={"name": ("in", names)}, fields=list(DEVICE_FIELDS))
	return _with_delivery(rows)


def gateway_siblings(rows) -> dict[str, frappe._dict]:
	"""The devices that share a gateway with any of these (a gateway may send for its controllers)."""
	gateways = sorted({row.gateway_serial for row in rows if row.gateway_serial})
	if not gateways:
		return {}
	siblings = frappe.get_all(
		DEVICE, filters={"gateway_serial": ("in", gateways)}, fields=list(DEVICE_FIELDS)
	)
	return _with_delivery(siblings)


def _with_delivery(rows) -> dict[str, frappe._dict]:
	units = sorted({row.unit for row in rows if row.unit})
	delivered = dict(
		frappe.get_all(
			"Genset Unit",
			filters={"name": ("in", units)},
			fields=["name", "delivery_date"],
			as_list=True,
		)
	)
	out = {}
	for row in rows:
		day = delivered.get(row.unit)
		row.delivered = get_datetime(day) if day else None
		out[row.name] = row
	return out


def limits_for(sender: frappe._dict, known: dict[str, frappe._dict]) -> model.Limits:
	"""What ``sender`` may send: its own readings, and those of the enabled devices of its gateway; none
	before a genset's delivery day."""
	others = frozenset(
		name
		for name, row in known.items()
		if name != sender.name
		and row.enabled
		and sender.gateway_serial
		and row.gateway_serial == sender.gateway_serial
	)
	delivered = {
		name: row.delivered for name, row in known.items() if row.delivered and name in others | {sender.name}
	}
	return model.Limits(devices=others, delivered=delivered, to_local=site_time)


# ------------------------------------------------------------------ alarm rules
def alarm_rules() -> dict[tuple[str, str], model.AlarmRule]:
	"""The enabled rows of Genset Alarm Rule, as the model keys them (one query; read when a batch
	brings alarms)."""
	rows = frappe.get_all(
		RULE,
		filters={"enabled": 1},
		fields=["controller_family", "alarm_code", "severity", "service_type", "priority"],
	)
	return {
		(row.controller_family.strip(), model.alarm_code(row.alarm_code)): model.AlarmRule(
			row.severity, row.service_type or "", row.priority or model.Priority.MEDIUM
		)
		for row in rows
	}


def default_rule_records() -> list[dict]:
	"""The model's rules as Genset Alarm Rule records (installed once, like the other default records)."""
	records = []
	for (family, code), rule in model.ALARM_RULES.items():
		records.append(
			{
				"doctype": RULE,
				"name": rule_name(family, code),
				"controller_family": family,
				"alarm_code": code,
				"severity": rule.severity,
				"service_type": rule.service_type,
				"priority": rule.priority,
				"enabled": 1,
			}
		)
	return records


def rule_name(family: str, code: str) -> str:
	return f"{family.strip()}:{model.alarm_code(code)}"
