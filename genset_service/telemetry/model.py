"""The telemetry rules as data, and the pure steps that read them (no Frappe).

A genset's device reports metrics (a row of ``METRICS`` says each one's unit, the range a genset can
really show and whether it only counts up) and alarms. What an alarm opens is a row of ``ALARM_RULES``
keyed by controller family and alarm code, not a branch of code; a unit's open faults decide whether a
new alarm opens a request, adds to the open one or notes a clear, so a flapping alarm opens one request.

Times are naive datetimes in one zone: a time sent with an offset is turned into it by ``to_local``
(the site's), else into UTC. ``now`` must be given in the same zone.

The plain JSON payload (MQTT topic ``genset/<device>/telemetry`` or the HTTP endpoint) is one entry::

    {
        "device": "DSE-123",
        "time": "2026-12-04T08:00:00Z",
        "metrics": {"running_hours": 1234.5, "fuel_level_percent": 62},
        "alarms": [{"code": "LOW_OIL_PRESSURE", "state": "active"}],
    }

or a batch of them, ``{"readings": [entry, ...]}``. ``device`` defaults to the sender's; ``time`` is
ISO 8601 or seconds (or milliseconds) since 1970 UTC; each metric is a JSON number; an alarm is a
``code`` (or a ``name``), a ``state`` (active or cleared) and an optional ``time`` of its own. An entry
with only a time tells that the device is alive.
"""

import datetime
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

Datetime = datetime.datetime
Timedelta = datetime.timedelta


# ------------------------------------------------------------------ metrics
@dataclass(frozen=True)
class Metric:
	name: str
	unit: str
	# the range a genset can really show; a value outside it is refused, not clipped
	low: float
	high: float
	# only counts up (an hour meter, an energy meter, the starts): rolled up as first/last/delta
	cumulative: bool = False


RUNNING_HOURS = "running_hours"
LOAD_KW = "load_kw"
LOAD_PERCENT = "load_percent"
FUEL_LEVEL_PERCENT = "fuel_level_percent"
BATTERY_VOLTAGE = "battery_voltage"
OIL_PRESSURE_KPA = "oil_pressure_kpa"
COOLANT_TEMPERATURE_C = "coolant_temperature_c"
ENGINE_SPEED_RPM = "engine_speed_rpm"
KWH = "kwh"
STARTS = "starts"
FREQUENCY_HZ = "frequency_hz"
VOLTAGE_L1_N = "voltage_l1_n_v"
CURRENT_L1 = "current_l1_a"
POWER_FACTOR = "power_factor"

METRICS: Mapping[str, Metric] = MappingProxyType(
	{
		m.name: m
		for m in (
			Metric(RUNNING_HOURS, "h", 0, 250_000, cumulative=True),
			# a little below zero: a set motoring on reverse power reports it
			Metric(LOAD_KW, "kW", -1_000, 10_000),
			Metric(LOAD_PERCENT, "%", 0, 150),
			Metric(FUEL_LEVEL_PERCENT, "%", 0, 100),
			# 12 V and 24 V systems; 0 when the battery is disconnected
			Metric(BATTERY_VOLTAGE, "V", 0, 36),
			Metric(OIL_PRESSURE_KPA, "kPa", 0, 1_500),
			Metric(COOLANT_TEMPERATURE_C, "°C", -50, 150),
			Metric(ENGINE_SPEED_RPM, "rpm", 0, 4_000),
			Metric(KWH, "kWh", 0, 1e10, cumulative=True),
			Metric(STARTS, "", 0, 1e7, cumulative=True),
			# the alternator's output: 50 or 60 Hz sets; low voltage up to 690 V between phases
			Metric(FREQUENCY_HZ, "Hz", 0, 80),
			Metric(VOLTAGE_L1_N, "V", 0, 20_000),
			Metric(CURRENT_L1, "A", 0, 100_000),
			# leading or lagging
			Metric(POWER_FACTOR, "", -1, 1),
		)
	}
)
# other spellings the controllers and gateways send (after ``metric_name``'s normalising)
METRIC_SYNONYMS: Mapping[str, str] = MappingProxyType(
	{
		"engine_hours": RUNNING_HOURS,
		"engine_run_time": RUNNING_HOURS,
		"hours_run": RUNNING_HOURS,
		"run_hours": RUNNING_HOURS,
		"generator_total_kw": LOAD_KW,
		"total_kw": LOAD_KW,
		"load_pct": LOAD_PERCENT,
		"fuel_level": FUEL_LEVEL_PERCENT,
		"battery_v": BATTERY_VOLTAGE,
		"plant_battery_voltage": BATTERY_VOLTAGE,
		"oil_pressure": OIL_PRESSURE_KPA,
		"coolant_temperature": COOLANT_TEMPERATURE_C,
		"coolant_temp": COOLANT_TEMPERATURE_C,
		"engine_speed": ENGINE_SPEED_RPM,
		"rpm": ENGINE_SPEED_RPM,
		"kw_hours": KWH,
		"energy_kwh": KWH,
		"number_of_starts": STARTS,
		"frequency": FREQUENCY_HZ,
		"generator_frequency": FREQUENCY_HZ,
		"l1_n_voltage": VOLTAGE_L1_N,
		"generator_l1_n_voltage": VOLTAGE_L1_N,
		"voltage_l1_n": VOLTAGE_L1_N,
		"l1_current": CURRENT_L1,
		"generator_l1_current": CURRENT_L1,
		"current_l1": CURRENT_L1,
		"pf": POWER_FACTOR,
		"generator_power_factor": POWER_FACTOR,
	}
)


def metric_name(raw, metrics: Mapping[str, Metric] = METRICS) -> str | None:
	"""The metric a sent name means ("Running Hours", "Engine/Hours Run" and "running_hours" alike), or
	None when it means none of ``metrics``. The last part of a Sparkplug path is tried too."""
	if not isinstance(raw, str) or len(raw) > 200:
		return None
	for candidate in (raw, raw.rsplit("/", 1)[-1]):
		name = re.sub(r"[^a-z0-9]+", "_", candidate.strip().lower()).strip("_")
		name = METRIC_SYNONYMS.get(name, name)
		if name in metrics:
			return name
	return None


# ------------------------------------------------------------------ what comes in
@dataclass(frozen=True)
class Reading:
	"""One value of one metric of one device at one moment."""

	device: str
	metric: str
	time: Datetime
	value: float


class AlarmState:
	ACTIVE = "active"
	CLEARED = "cleared"

	ALL = (ACTIVE, CLEARED)


# the words a device may use for an alarm's state
ALARM_STATES: Mapping[str, str] = MappingProxyType(
	{
		"active": AlarmState.ACTIVE,
		"raised": AlarmState.ACTIVE,
		"on": AlarmState.ACTIVE,
		"true": AlarmState.ACTIVE,
		"cleared": AlarmState.CLEARED,
		"clear": AlarmState.CLEARED,
		"inactive": AlarmState.CLEARED,
		"off": AlarmState.CLEARED,
		"false": AlarmState.CLEARED,
	}
)


@dataclass(frozen=True)
class AlarmEvent:
	"""An alarm of one device going active or cleared; ``code`` is normalised (``alarm_code``)."""

	device: str
	code: str
	state: str
	time: Datetime
	# the controller's own words for it, when it sent them
	name: str = ""


def alarm_code(raw) -> str:
	"""An alarm's code as the rules key it: "Low Oil Pressure" and "LOW_OIL_PRESSURE" are one."""
	if not isinstance(raw, str | int) or isinstance(raw, bool):
		return ""
	return re.sub(r"[^A-Z0-9]+", "_", str(raw).strip().upper()).strip("_")[:140]


class Reason:
	"""Why a payload, an entry or a value of it was refused (the codes a sender gets back)."""

	TOO_LARGE = "too_large"
	NOT_JSON = "not_json"
	NOT_AN_OBJECT = "not_an_object"
	TOO_MANY_ENTRIES = "too_many_entries"
	UNKNOWN_DEVICE = "unknown_device"
	MISSING_TIME = "missing_time"
	BAD_TIME = "bad_time"
	TIME_IN_FUTURE = "time_in_future"
	BEFORE_DELIVERY = "before_delivery"
	# older than the raw readings are kept: its hour was rolled up and its neighbours are gone
	TOO_OLD = "too_old"
	UNKNOWN_METRIC = "unknown_metric"
	NOT_A_NUMBER = "not_a_number"
	OUT_OF_RANGE = "out_of_range"
	BAD_ALARM = "bad_alarm"
	# the same device, metric and time sent twice in one batch with two different values
	CONFLICTING_VALUE = "conflicting_value"
	# Sparkplug B only (see sparkplug.py)
	BAD_TOPIC = "bad_topic"
	MALFORMED_PAYLOAD = "malformed_payload"
	UNKNOWN_ALIAS = "unknown_alias"
	UNSUPPORTED_VALUE = "unsupported_value"
	NO_BIRTH = "no_birth"
	# an NDEATH naming an older birth's bdSeq: a will delivered late, ignored
	STALE_DEATH = "stale_death"


@dataclass(frozen=True)
class Refusal:
	"""One refused thing: ``entry`` is its place in the batch (None: the whole message), ``field`` the
	metric, alarm or key at fault."""

	reason: str
	entry: int | None = None
	field: str = ""
	detail: str = ""


class Parsed(NamedTuple):
	"""What a message brought: the good readings and alarm events, the refusals, and the latest time
	of a good entry (the device was heard from then; None when no entry was good)."""

	readings: list[Reading]
	refusals: list[Refusal]
	alarms: list[AlarmEvent]
	seen: Datetime | None


# a message or HTTP body larger than this is refused whole, unread
MAX_BYTES = 256 * 1024
# entries of a batch past this are refused one by one (the first ones are kept)
MAX_ENTRIES = 500
# an entry with more metrics or alarms than this is refused whole
MAX_METRICS_PER_ENTRY = 64
MAX_ALARMS_PER_ENTRY = 32
# a time this far ahead of the site's clock is refused (a device's clock may run a little fast)
FUTURE_TOLERANCE = Timedelta(minutes=15)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200


@dataclass(frozen=True)
class Limits:
	"""What a sender may send."""

	max_bytes: int = MAX_BYTES
	max_entries: int = MAX_ENTRIES
	max_metrics: int = MAX_METRICS_PER_ENTRY
	max_alarms: int = MAX_ALARMS_PER_ENTRY
	future_tolerance: Timedelta = FUTURE_TOLERANCE
	# other devices this sender may report for (a gateway's controllers); its own is always allowed
	devices: frozenset[str] = frozenset()
	# a device's genset left the factory then: anything earlier is refused
	delivered: Mapping[str, Datetime] = field(default_factory=dict)
	metrics: Mapping[str, Metric] = field(default_factory=lambda: METRICS)
	# turns a time with an offset into the site's naive time (UTC when not given)
	to_local: Callable[[Datetime], Datetime] | None = None
	# anything earlier is refused: the raw readings of that time are no longer kept whole
	earliest: Datetime | None = None


class TelemetryError(ValueError):
	"""A value refused; ``reason`` is a code of ``Reason``, ``field`` the key at fault when known."""

	def __init__(self, reason: str, detail: str = "", field: str = ""):
		super().__init__(f"{reason}: {detail}" if detail else reason)
		self.reason = reason
		self.detail = detail
		self.field = field


def naive(moment: Datetime, to_local: Callable[[Datetime], Datetime] | None = None) -> Datetime:
	"""A time with an offset as the site's naive time (UTC when ``to_local`` is not given)."""
	if moment.tzinfo is None:
		return moment
	if to_local:
		return to_local(moment).replace(tzinfo=None)
	return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def from_millis(millis: int, to_local: Callable[[Datetime], Datetime] | None = None) -> Datetime:
	"""Milliseconds since 1970 UTC (Sparkplug's timestamps) as the site's naive time."""
	return naive(EPOCH + Timedelta(milliseconds=millis), to_local)


def to_millis(moment: Datetime) -> int:
	"""The other way round, for a naive UTC time (or one with an offset)."""
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=datetime.timezone.utc)
	return (moment - EPOCH) // Timedelta(milliseconds=1)


def parse_time(value, to_local: Callable[[Datetime], Datetime] | None = None) -> Datetime:
	"""An ISO 8601 time, or seconds since 1970 UTC (milliseconds when the number is that large), to
	the millisecond; a TelemetryError when it is neither or outside the years a genset reports in."""
	try:
		if isinstance(value, bool) or value is None:
			raise ValueError
		if isinstance(value, int | float):
			if not math.isfinite(value) or value < 0:
				raise ValueError
			parsed = from_millis(round(value if value > 1e11 else value * 1000), to_local)
		elif isinstance(value, str) and len(value) <= 40:
			parsed = naive(Datetime.fromisoformat(value.strip().replace("Z", "+00:00")), to_local)
		else:
			raise ValueError
	except (ValueError, OverflowError, OSError) as error:
		raise TelemetryError(Reason.BAD_TIME, str(value)[:40]) from error
	if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
		raise TelemetryError(Reason.BAD_TIME, str(value)[:40])
	return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)


def check_time(moment: Datetime, device: str, now: Datetime, limits: Limits) -> None:
	"""Raise a TelemetryError for a time too far ahead of ``now``, before the genset's delivery or before
	the raw readings kept."""
	if moment > now + limits.future_tolerance:
		raise TelemetryError(Reason.TIME_IN_FUTURE, moment.isoformat())
	if limits.earliest and moment < limits.earliest:
		raise TelemetryError(Reason.TOO_OLD, moment.isoformat())
	delivered = limits.delivered.get(device)
	if delivered and moment < delivered:
		raise TelemetryError(Reason.BEFORE_DELIVERY, moment.isoformat())


def check_value(metric: str, value, metrics: Mapping[str, Metric] = METRICS) -> float:
	"""A metric's value as a float, or a TelemetryError: only a finite number is a value (a string,
	true/false and null are not), and only one in the metric's range."""
	if isinstance(value, bool) or not isinstance(value, int | float):
		raise TelemetryError(Reason.NOT_A_NUMBER, repr(value)[:40])
	number = float(value)
	if not math.isfinite(number):
		raise TelemetryError(Reason.NOT_A_NUMBER, repr(value)[:40])
	rule = metrics[metric]
	if not rule.low <= number <= rule.high:
		raise TelemetryError(Reason.OUT_OF_RANGE, f"{number:g} not in {rule.low:g}..{rule.high:g}")
	return number


def allowed_device(name, device: str, limits: Limits) -> bool:
	return name == device or name in limits.devices


# ------------------------------------------------------------------ MQTT topics
JSON_TOPIC = "genset/+/telemetry"


def topic_device(pattern: str, topic: str) -> str | None:
	"""The device a topic names, by the subscription pattern whose first ``+`` is the device
	(``genset/+/telemetry``: ``genset/DSE-123/telemetry`` is DSE-123); None when the topic does not
	match the pattern or names no device."""
	if not isinstance(topic, str) or not isinstance(pattern, str) or not pattern:
		return None
	levels, wanted = topic.split("/"), pattern.split("/")
	device = None
	for index, level in enumerate(wanted):
		if level == "#":
			return device or None
		if index >= len(levels):
			return None
		if level == "+":
			if device is None:
				device = levels[index]
		elif level != levels[index]:
			return None
	if len(levels) != len(wanted) or not device or len(device) > 140:
		return None
	return device


def shared(topic: str, group: str | None) -> str:
	"""The MQTT v5 shared subscription of a group: the broker hands each message to one subscriber of
	the group (``$share/<group>/<topic>``); no group, every subscriber gets every message."""
	return f"$share/{group}/{topic}" if group else topic


# ------------------------------------------------------------------ idempotency
def reading_key(device: str, metric: str, time: Datetime) -> str:
	"""The same metric of the same device at the same moment is one reading, however often it is sent."""
	raw = f"{device}|{metric}|{time.isoformat(timespec='milliseconds')}"
	return "r:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def alarm_key(device: str, code: str, state: str, time: Datetime) -> str:
	"""Likewise an alarm's going active or cleared."""
	raw = f"{device}|{code}|{state}|{time.isoformat(timespec='milliseconds')}"
	return "a:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def dedupe(readings: Iterable[Reading]) -> tuple[list[Reading], list[Reading]]:
	"""The readings once each by key, in the order first sent; and those sent again with another value
	(the first value is kept; a repeat with the same value is simply dropped)."""
	kept: dict[str, Reading] = {}
	conflicts = []
	for reading in readings:
		key = reading_key(reading.device, reading.metric, reading.time)
		first = kept.setdefault(key, reading)
		if first is not reading and first.value != reading.value:
			conflicts.append(reading)
	return list(kept.values()), conflicts


def dedupe_alarms(events: Iterable[AlarmEvent]) -> list[AlarmEvent]:
	kept: dict[str, AlarmEvent] = {}
	for event in events:
		kept.setdefault(alarm_key(event.device, event.code, event.state, event.time), event)
	return list(kept.values())


# ------------------------------------------------------------------ the plain JSON payload
def _load(payload, limits: Limits) -> dict:
	if isinstance(payload, Mapping):
		return dict(payload)
	if isinstance(payload, str):
		payload = payload.encode("utf-8", "surrogatepass")
	if not isinstance(payload, bytes | bytearray):
		raise TelemetryError(Reason.NOT_JSON)
	if len(payload) > limits.max_bytes:
		raise TelemetryError(Reason.TOO_LARGE, f"{len(payload)} bytes, at most {limits.max_bytes}")
	try:
		loaded = json.loads(payload)
	except (ValueError, RecursionError) as error:
		raise TelemetryError(Reason.NOT_JSON) from error
	if not isinstance(loaded, dict):
		raise TelemetryError(Reason.NOT_AN_OBJECT)
	return loaded


def parse_entry(
	raw, index: int, device: str, now: Datetime, limits: Limits
) -> tuple[list[Reading], list[AlarmEvent], list[Refusal], Datetime | None]:
	"""One entry of a payload: its good readings and alarms, its refusals, and its time when it is good
	(an entry refused whole, for its device or its time, yields only its refusal)."""
	try:
		name, metrics, alarms, time = _head(raw, device, now, limits)
	except TelemetryError as error:
		return [], [], [Refusal(error.reason, index, error.field, error.detail)], None
	readings, events, refusals = [], [], []
	for key, value in metrics.items():
		metric = metric_name(key, limits.metrics)
		if metric is None:
			refusals.append(Refusal(Reason.UNKNOWN_METRIC, index, str(key)[:140]))
			continue
		try:
			readings.append(Reading(name, metric, time, check_value(metric, value, limits.metrics)))
		except TelemetryError as error:
			refusals.append(Refusal(error.reason, index, str(key)[:140], error.detail))
	for alarm in alarms:
		try:
			events.append(parse_alarm(alarm, name, time, now, limits))
		except TelemetryError as error:
			label = (alarm.get("code") or alarm.get("name")) if isinstance(alarm, Mapping) else ""
			refusals.append(Refusal(error.reason, index, f"alarms:{str(label or '')[:130]}", error.detail))
	return readings, events, refusals, time


def _head(raw, device: str, now: Datetime, limits: Limits) -> tuple[str, Mapping, list, Datetime]:
	"""An entry's device, metrics, alarms and time, or a TelemetryError refusing the entry whole."""
	if not isinstance(raw, Mapping):
		raise TelemetryError(Reason.NOT_AN_OBJECT)
	name = raw.get("device", device)
	if not isinstance(name, str) or not allowed_device(name, device, limits):
		raise TelemetryError(Reason.UNKNOWN_DEVICE, str(name)[:140], "device")
	metrics, alarms = raw.get("metrics") or {}, raw.get("alarms") or []
	if not isinstance(metrics, Mapping):
		raise TelemetryError(Reason.NOT_AN_OBJECT, "", "metrics")
	if not isinstance(alarms, list):
		raise TelemetryError(Reason.BAD_ALARM, "not a list", "alarms")
	if len(metrics) > limits.max_metrics:
		raise TelemetryError(Reason.TOO_MANY_ENTRIES, f"at most {limits.max_metrics}", "metrics")
	if len(alarms) > limits.max_alarms:
		raise TelemetryError(Reason.TOO_MANY_ENTRIES, f"at most {limits.max_alarms}", "alarms")
	if raw.get("time") in (None, ""):
		raise TelemetryError(Reason.MISSING_TIME, "", "time")
	try:
		time = parse_time(raw["time"], limits.to_local)
		check_time(time, name, now, limits)
	except TelemetryError as error:
		raise TelemetryError(error.reason, error.detail, "time") from error
	return name, metrics, alarms, time


def parse_alarm(raw, device: str, time: Datetime, now: Datetime, limits: Limits) -> AlarmEvent:
	"""One alarm of an entry (``time`` is the entry's, used when the alarm has none of its own)."""
	if not isinstance(raw, Mapping):
		raise TelemetryError(Reason.BAD_ALARM, "not an object")
	code = alarm_code(raw.get("code")) or alarm_code(raw.get("name"))
	if not code:
		raise TelemetryError(Reason.BAD_ALARM, "no code or name")
	state = ALARM_STATES.get(str(raw.get("state", "active")).strip().lower())
	if state is None:
		raise TelemetryError(Reason.BAD_ALARM, f"state {str(raw.get('state'))[:40]}")
	if raw.get("time") not in (None, ""):
		time = parse_time(raw["time"], limits.to_local)
		check_time(time, device, now, limits)
	name = raw.get("name") if isinstance(raw.get("name"), str) else ""
	return AlarmEvent(device, code, state, time, name.strip()[:140])


def parse_json_payload(
	payload: bytes | str | Mapping, device: str, now: Datetime, limits: Limits | None = None
) -> Parsed:
	"""The readings and alarms of a plain JSON message or batch sent by ``device`` (see the module's
	docstring), each bad entry or value refused with its reason and the good ones kept. A message too
	large, not JSON or not an object is refused whole (a dict is taken as already read and sized)."""
	limits = limits or Limits()
	try:
		body = _load(payload, limits)
	except TelemetryError as error:
		return Parsed([], [Refusal(error.reason, None, "", error.detail)], [], None)
	if "readings" in body:
		entries = body["readings"]
		if not isinstance(entries, list):
			return Parsed([], [Refusal(Reason.NOT_AN_OBJECT, None, "readings", "not a list")], [], None)
		default = body.get("device", device)
		if not isinstance(default, str) or not allowed_device(default, device, limits):
			return Parsed([], [Refusal(Reason.UNKNOWN_DEVICE, None, "device", str(default)[:140])], [], None)
		entries = [
			{"device": default, **entry} if isinstance(entry, Mapping) and "device" not in entry else entry
			for entry in entries
		]
	else:
		entries = [body]

	kept: dict[str, Reading] = {}
	alarms, refusals, seen = [], [], None
	for index, entry in enumerate(entries[: limits.max_entries]):
		good, events, refused, time = parse_entry(entry, index, device, now, limits)
		refusals += refused
		for reading in good:
			first = kept.setdefault(reading_key(reading.device, reading.metric, reading.time), reading)
			if first.value != reading.value:
				refusals.append(
					Refusal(Reason.CONFLICTING_VALUE, index, reading.metric, f"{reading.value:g}")
				)
		alarms += events
		if time is not None and (seen is None or time > seen):
			seen = time
	if len(entries) > limits.max_entries:
		detail = f"entries {limits.max_entries} to {len(entries) - 1} not read: at most {limits.max_entries}"
		refusals.append(Refusal(Reason.TOO_MANY_ENTRIES, limits.max_entries, "", detail))
	return Parsed(list(kept.values()), refusals, dedupe_alarms(alarms), seen)


def ordered(readings: Iterable[Reading]) -> list[Reading]:
	"""In the order things happened (late and out-of-order batches sort by their own time)."""
	return sorted(readings, key=lambda r: (r.device, r.metric, r.time))


# ------------------------------------------------------------------ running hours
class Verdict:
	"""What becomes of a running-hours reading from a device."""

	APPLY = "apply"
	# lower than the reading before it (or higher than the one after it): flagged, not applied
	FLAG_BACKWARDS = "flag_backwards"
	# more hours than the wall clock allows between the two readings: flagged, not applied
	FLAG_JUMP = "flag_jump"
	# the reading log keeps at most one reading per unit per clock hour
	SKIP_SAME_HOUR = "skip_same_hour"

	ALL = (APPLY, FLAG_BACKWARDS, FLAG_JUMP, SKIP_SAME_HOUR)
	FLAGS = (FLAG_BACKWARDS, FLAG_JUMP)


# a genset runs at most one hour an hour; an hour meter's rounding and a controller's clock drift get
# this much leeway: a quarter of an hour, plus one per cent of the time between the readings
JUMP_TOLERANCE_HOURS = 0.25
JUMP_TOLERANCE_SHARE = 0.01


def check_hours(
	previous_hours: float | None,
	previous_time: Datetime | None,
	new_hours: float,
	new_time: Datetime,
) -> str:
	"""The verdict on a new running-hours reading against the unit's reading nearest to it (usually its
	latest). A late reading (older than ``previous_time``) is checked the other way round: it must not
	be higher than the later one. A meter never runs backwards, nor faster than the clock; a reading
	that fits but falls in the same clock hour as the previous one is skipped."""
	if previous_hours is None or previous_time is None:
		return Verdict.APPLY
	if new_time >= previous_time:
		earlier, later, elapsed = previous_hours, new_hours, new_time - previous_time
	else:
		earlier, later, elapsed = new_hours, previous_hours, previous_time - new_time
	if later < earlier:
		return Verdict.FLAG_BACKWARDS
	wall_clock = elapsed.total_seconds() / 3600
	if later - earlier > wall_clock * (1 + JUMP_TOLERANCE_SHARE) + JUMP_TOLERANCE_HOURS:
		return Verdict.FLAG_JUMP
	if _hour(new_time) == _hour(previous_time):
		return Verdict.SKIP_SAME_HOUR
	return Verdict.APPLY


def _hour(moment: Datetime) -> Datetime:
	return moment.replace(minute=0, second=0, microsecond=0)


def sift_hours(
	previous_hours: float | None, previous_time: Datetime | None, readings: Iterable[Reading]
) -> list[tuple[Reading, str]]:
	"""Each running-hours reading of one unit with its verdict, in time order; each one applied becomes
	the previous one for those after it (so a batch of a day of minutes logs one reading an hour)."""
	out = []
	taken = {_hour(previous_time)} if previous_time else set()
	for reading in sorted(readings, key=lambda r: r.time):
		verdict = check_hours(previous_hours, previous_time, reading.value, reading.time)
		if verdict == Verdict.APPLY and _hour(reading.time) in taken:
			verdict = Verdict.SKIP_SAME_HOUR
		if verdict == Verdict.APPLY:
			taken.add(_hour(reading.time))
			if previous_time is None or reading.time > previous_time:
				previous_hours, previous_time = reading.value, reading.time
		out.append((reading, verdict))
	return out


# ------------------------------------------------------------------ alarms
class Severity:
	CRITICAL = "Critical"
	WARNING = "Warning"
	INFO = "Info"

	ALL = (CRITICAL, WARNING, INFO)


class Service:
	"""The app's catalogue services an alarm can open (Genset Service Type names)."""

	# the 4-hour on-site clock
	EMERGENCY_RESCUE = "Emergency Rescue"
	FIELD_MAINTENANCE = "Field Maintenance"
	REMOTE_SUPPORT = "Remote Support"

	ALL = (EMERGENCY_RESCUE, FIELD_MAINTENANCE, REMOTE_SUPPORT)


class Priority:
	"""Issue Priority names the app's requests use."""

	LOW = "Low"
	MEDIUM = "Medium"
	HIGH = "High"

	ALL = (LOW, MEDIUM, HIGH)


@dataclass(frozen=True)
class AlarmRule:
	severity: str
	# the service the alarm opens; "" notes the alarm and opens nothing
	service_type: str
	priority: str = Priority.MEDIUM


ANY_FAMILY = "*"


class Family:
	"""Controller families with rows of their own."""

	DSE = "DSE"
	COMAP = "ComAp"

	ALL = (DSE, COMAP)


LOW_OIL_PRESSURE = "LOW_OIL_PRESSURE"
HIGH_COOLANT_TEMPERATURE = "HIGH_COOLANT_TEMPERATURE"
OVERSPEED = "OVERSPEED"
FAIL_TO_START = "FAIL_TO_START"
EMERGENCY_STOP = "EMERGENCY_STOP"
LOW_BATTERY = "LOW_BATTERY"
LOW_FUEL = "LOW_FUEL"
CHARGE_ALTERNATOR_FAILURE = "CHARGE_ALTERNATOR_FAILURE"
# not a controller's alarm: the device has been silent longer than the set time
COMMUNICATION_LOST = "COMMUNICATION_LOST"

_SHUTDOWN = AlarmRule(Severity.CRITICAL, Service.EMERGENCY_RESCUE, Priority.HIGH)
_WORN = AlarmRule(Severity.WARNING, Service.FIELD_MAINTENANCE, Priority.MEDIUM)
_CALL = AlarmRule(Severity.WARNING, Service.REMOTE_SUPPORT, Priority.MEDIUM)

# the generic names, for any family
GENERIC_RULES: Mapping[str, AlarmRule] = MappingProxyType(
	{
		LOW_OIL_PRESSURE: _SHUTDOWN,
		HIGH_COOLANT_TEMPERATURE: _SHUTDOWN,
		OVERSPEED: _SHUTDOWN,
		FAIL_TO_START: _SHUTDOWN,
		# someone pressed it on site: a call first, to learn why
		EMERGENCY_STOP: _CALL,
		LOW_BATTERY: _WORN,
		# the customer refuels; a call to tell them
		LOW_FUEL: _CALL,
		CHARGE_ALTERNATOR_FAILURE: _WORN,
		COMMUNICATION_LOST: AlarmRule(Severity.WARNING, Service.REMOTE_SUPPORT, Priority.LOW),
	}
)
# the controllers' own words for alarms, as their event logs spell them (normalised by ``alarm_code``);
# a site adds the rows its own controllers send
CONTROLLER_ALARMS: Mapping[str, Mapping[str, AlarmRule]] = MappingProxyType(
	{
		Family.DSE: {
			"Low Oil Pressure": _SHUTDOWN,
			"Oil Pressure Low Pre-Alarm": _WORN,
			"High Coolant Temperature": _SHUTDOWN,
			"Coolant Temperature High Pre-Alarm": _WORN,
			"Over Speed": _SHUTDOWN,
			"Fail to Start": _SHUTDOWN,
			"Emergency Stop": _CALL,
			"Battery Under Voltage": _WORN,
			"Low Fuel Level": _CALL,
			"Charge Alternator Failure": _WORN,
		},
		Family.COMAP: {
			# Sd: shut down; Wrn: a warning, the set still runs
			"Sd Oil Press": _SHUTDOWN,
			"Wrn Oil Press": _WORN,
			"Sd Water Temp": _SHUTDOWN,
			"Wrn Water Temp": _WORN,
			"Sd Overspeed": _SHUTDOWN,
			"Sd Start Fail": _SHUTDOWN,
			"Sd Emergency Stop": _CALL,
			"Wrn Batt Volt": _WORN,
			"Wrn Fuel Level": _CALL,
			"Wrn ChrgAlternFail": _WORN,
		},
	}
)
ALARM_RULES: Mapping[tuple[str, str], AlarmRule] = MappingProxyType(
	{
		**{(ANY_FAMILY, code): rule for code, rule in GENERIC_RULES.items()},
		**{
			(family, alarm_code(name)): rule
			for family, names in CONTROLLER_ALARMS.items()
			for name, rule in names.items()
		},
	}
)
# an alarm no row names: one remote look, at low priority, so that nobody misses it
UNKNOWN_ALARM = AlarmRule(Severity.WARNING, Service.REMOTE_SUPPORT, Priority.LOW)


def rule_for(
	family: str | None, code: str, rules: Mapping[tuple[str, str], AlarmRule] = ALARM_RULES
) -> AlarmRule:
	"""The family's own row for an alarm code, else the generic row, else ``UNKNOWN_ALARM``."""
	code = alarm_code(code)
	families = {f.lower(): f for f, _code in rules}
	own = families.get((family or "").strip().lower())
	return rules.get((own, code)) or rules.get((ANY_FAMILY, code)) or UNKNOWN_ALARM


@dataclass(frozen=True)
class OpenFault:
	"""An alarm of a unit whose request is still open."""

	code: str
	request: str
	service_type: str
	opened_on: Datetime
	# False once its alarm was cleared (the request stays open until someone closes it)
	active: bool = True


class Action:
	OPEN = "open"
	ADD = "add"
	NOTE_CLEAR = "note_clear"
	IGNORE = "ignore"

	ALL = (OPEN, ADD, NOTE_CLEAR, IGNORE)


@dataclass(frozen=True)
class Decision:
	"""What an alarm event does: ``rule`` is the row it matched; ``request`` the open request it adds
	to or clears on; ``why`` a word for the log."""

	action: str
	rule: AlarmRule
	request: str = ""
	why: str = ""


def decide_alarm(
	open_faults: Iterable[OpenFault],
	event: AlarmEvent,
	family: str | None = None,
	rules: Mapping[tuple[str, str], AlarmRule] = ALARM_RULES,
) -> Decision:
	"""What a unit's new alarm event does, given its open faults.

	An active alarm adds to the open request of the same alarm (a repeated or flapping alarm opens one
	request), else to an open request of the service it would open (a set that shuts down with three
	alarms gets one rescue), else opens a request, unless its rule opens nothing. A cleared alarm is
	noted on its open request; a clear with no open fault, or older than its fault, is ignored."""
	rule = rule_for(family, event.code, rules)
	faults = list(open_faults)
	code = alarm_code(event.code)
	same = next((f for f in faults if alarm_code(f.code) == code), None)
	if event.state == AlarmState.CLEARED:
		if same is None:
			return Decision(Action.IGNORE, rule, why="no_open_fault")
		if event.time < same.opened_on:
			return Decision(Action.IGNORE, rule, same.request, "older_than_fault")
		return Decision(Action.NOTE_CLEAR, rule, same.request, "cleared")
	if same is not None:
		return Decision(Action.ADD, rule, same.request, "repeated" if same.active else "again_after_clear")
	if not rule.service_type:
		return Decision(Action.IGNORE, rule, why="opens_nothing")
	sibling = next((f for f in faults if f.service_type == rule.service_type), None)
	if sibling is not None:
		return Decision(Action.ADD, rule, sibling.request, "same_service_open")
	return Decision(Action.OPEN, rule, why="new_fault")


# ------------------------------------------------------------------ silence
def is_silent(last_seen: Datetime | None, now: Datetime, silence_minutes: float | None) -> bool:
	"""Has the device been silent longer than the set time? Never heard from counts as silent (the site
	passes the time the device was enabled instead); no set time (0 or None) means never silent."""
	if not silence_minutes or silence_minutes <= 0:
		return False
	if last_seen is None:
		return True
	return now - last_seen > Timedelta(minutes=silence_minutes)


def silence_event(device: str, silent: bool, now: Datetime) -> AlarmEvent:
	"""Silence as an alarm, so that ``decide_alarm`` opens one remote-support check per silence and
	notes its end when the device speaks again."""
	return AlarmEvent(device, COMMUNICATION_LOST, AlarmState.ACTIVE if silent else AlarmState.CLEARED, now)


# ------------------------------------------------------------------ rollups and retention
HOUR = "hour"
DAY = "day"
PERIODS = (HOUR, DAY)


def period_start(moment: Datetime, period: str) -> Datetime:
	if period == HOUR:
		return moment.replace(minute=0, second=0, microsecond=0)
	if period == DAY:
		return moment.replace(hour=0, minute=0, second=0, microsecond=0)
	raise ValueError(period)


def period_end(start: Datetime, period: str) -> Datetime:
	return start + (Timedelta(hours=1) if period == HOUR else Timedelta(days=1))


@dataclass(frozen=True)
class Rollup:
	"""One metric of one device over one hour or day.

	For a cumulative metric ``first`` and ``last`` are its readings at the period's two ends, and
	``delta`` what it counted up during the period: the sum of the rises from each reading to the next,
	each counted in the period of the later reading (a counter reset adds nothing), so that the hours'
	deltas add up to the day's."""

	device: str
	metric: str
	period: str
	start: Datetime
	count: int
	min: float
	max: float
	mean: float
	last: float
	first: float | None = None
	delta: float | None = None


def roll_up(
	readings: Iterable[Reading], period: str, metrics: Mapping[str, Metric] = METRICS
) -> list[Rollup]:
	"""Hourly or daily figures from raw readings, by device, metric and period. To count a cumulative
	metric's rise into the window's first period, pass the last reading before the window too, and
	drop its own period's figure with ``rollups_since``."""
	groups: dict[tuple[str, str], list[Reading]] = {}
	for reading in readings:
		groups.setdefault((reading.device, reading.metric), []).append(reading)
	out = []
	for (device, metric), series in sorted(groups.items()):
		series.sort(key=lambda r: r.time)
		cumulative = metric in metrics and metrics[metric].cumulative
		buckets: dict[Datetime, list[Reading]] = {}
		rises: dict[Datetime, float] = {}
		previous = None
		for reading in series:
			start = period_start(reading.time, period)
			buckets.setdefault(start, []).append(reading)
			rise = reading.value - previous.value if previous is not None else 0.0
			rises[start] = rises.get(start, 0.0) + max(0.0, rise)
			previous = reading
		for start, rows in buckets.items():
			values = [r.value for r in rows]
			out.append(
				Rollup(
					device=device,
					metric=metric,
					period=period,
					start=start,
					count=len(values),
					min=min(values),
					max=max(values),
					mean=round(sum(values) / len(values), 6),
					last=values[-1],
					first=values[0] if cumulative else None,
					delta=round(rises[start], 6) if cumulative else None,
				)
			)
	return out


def rollups_since(rollups: Iterable[Rollup], since: Datetime) -> list[Rollup]:
	"""The rollups of the periods starting at ``since`` or later (drops the carried-over reading's)."""
	return [r for r in rollups if r.start >= since]


def combine(rollups: Iterable[Rollup], period: str = DAY) -> list[Rollup]:
	"""Longer-period figures from shorter ones (days from hours, once the raw readings are gone): the
	counts and deltas add up, the mean is weighted by the counts."""
	groups: dict[tuple[str, str, Datetime], list[Rollup]] = {}
	for rollup in rollups:
		key = (rollup.device, rollup.metric, period_start(rollup.start, period))
		groups.setdefault(key, []).append(rollup)
	out = []
	for (device, metric, start), rows in sorted(groups.items()):
		rows.sort(key=lambda r: r.start)
		count = sum(r.count for r in rows)
		cumulative = rows[0].delta is not None
		out.append(
			Rollup(
				device=device,
				metric=metric,
				period=period,
				start=start,
				count=count,
				min=min(r.min for r in rows),
				max=max(r.max for r in rows),
				mean=round(sum(r.mean * r.count for r in rows) / count, 6) if count else 0.0,
				last=rows[-1].last,
				first=rows[0].first if cumulative else None,
				delta=round(sum(r.delta or 0.0 for r in rows), 6) if cumulative else None,
			)
		)
	return out


@dataclass(frozen=True)
class Retention:
	"""How long each grain is kept: raw readings ``raw_days``, then only their hourly and daily
	rollups; the hourly ones ``hourly_days``; the daily ones for good (0)."""

	raw_days: int = 30
	hourly_days: int = 730
	daily_days: int = 0


RETENTION = Retention()


def complete_periods(since: Datetime, now: Datetime, period: str) -> list[Datetime]:
	"""The starts of the periods to roll up: from the one holding ``since`` (the end of the last period
	rolled up, or the first raw reading's time) to the last one over by ``now`` (the current period
	waits until it is over)."""
	end = period_start(now, period)
	start = period_start(since, period)
	out = []
	while start < end:
		out.append(start)
		start = period_end(start, period)
	return out


def raw_cutoff(
	now: Datetime,
	hourly_until: Datetime | None,
	daily_until: Datetime | None,
	retention: Retention = RETENTION,
) -> Datetime | None:
	"""Raw readings older than this may be deleted: older than ``raw_days``, and already rolled up both
	hourly and daily (a raw reading is never deleted before its rollups exist). None: delete nothing."""
	if retention.raw_days <= 0 or hourly_until is None or daily_until is None:
		return None
	return min(period_start(now, DAY) - Timedelta(days=retention.raw_days), hourly_until, daily_until)


def rollup_cutoff(now: Datetime, period: str, retention: Retention = RETENTION) -> Datetime | None:
	"""Rollups of ``period`` starting before this may be deleted; None keeps them for good."""
	days = retention.hourly_days if period == HOUR else retention.daily_days
	return period_start(now, DAY) - Timedelta(days=days) if days > 0 else None
