"""The logistics rules as data, and the pure steps that read them (no Frappe).

A shipment's journey is a time-ordered log of milestones. What each milestone means (the status it puts
the shipment in, the status of ERPNext's Shipment it maps onto, whether the customer is told) is a row
of ``MILESTONES``, not a branch of code; a carrier's own status codes map onto the milestones through a
table per carrier account (``DEFAULT_CARRIER_MAP`` is the one a new account starts with, after
AfterShip's normalised statuses).
"""

import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Date = datetime.date
Datetime = datetime.datetime


class Status:
	"""Genset Shipment.status: where the shipment is, from its latest milestone."""

	BOOKED = "Booked"
	IN_TRANSIT = "In Transit"
	HELD = "Held at Customs"
	EXCEPTION = "Exception"
	DELIVERED = "Delivered"
	CANCELLED = "Cancelled"

	LIVE = (BOOKED, IN_TRANSIT, HELD, EXCEPTION)
	ALL = (BOOKED, IN_TRANSIT, HELD, EXCEPTION, DELIVERED, CANCELLED)


class Source:
	"""Who recorded a milestone."""

	DESK = "Desk"
	CARRIER = "Carrier"
	API = "API"
	PORTAL = "Portal"

	ALL = (DESK, CARRIER, API, PORTAL)


@dataclass(frozen=True)
class Milestone:
	name: str
	# the shipment's status once this is its latest milestone
	status: str
	# ERPNext Shipment.tracking_status (its four: In Progress, Delivered, Returned, Lost)
	tracking_status: str
	# the customer is emailed when this milestone is recorded (ETA changes are told by their size)
	tells_customer: bool = False
	# told only the first time it happens on a shipment (the departure, not every leg's)
	first_only: bool = False


PICKED_UP = "Picked Up"
DEPARTED = "Departed"
TRANSSHIPPED = "Transshipped"
ARRIVED_AT_PORT = "Arrived at Port"
CUSTOMS_HELD = "Customs Held"
CUSTOMS_CLEARED = "Customs Cleared"
OUT_FOR_DELIVERY = "Out for Delivery"
DELIVERED = "Delivered at Site"
EXCEPTION = "Exception"
ETA_UPDATED = "ETA Updated"

MILESTONES: dict[str, Milestone] = {
	m.name: m
	for m in (
		Milestone(PICKED_UP, Status.IN_TRANSIT, "In Progress"),
		Milestone(DEPARTED, Status.IN_TRANSIT, "In Progress", tells_customer=True, first_only=True),
		Milestone(TRANSSHIPPED, Status.IN_TRANSIT, "In Progress"),
		Milestone(ARRIVED_AT_PORT, Status.IN_TRANSIT, "In Progress"),
		Milestone(CUSTOMS_HELD, Status.HELD, "In Progress", tells_customer=True),
		Milestone(CUSTOMS_CLEARED, Status.IN_TRANSIT, "In Progress"),
		Milestone(OUT_FOR_DELIVERY, Status.IN_TRANSIT, "In Progress"),
		Milestone(DELIVERED, Status.DELIVERED, "Delivered", tells_customer=True),
		Milestone(EXCEPTION, Status.EXCEPTION, "In Progress"),
		# a new estimate with no movement (a carrier's or the desk's)
		Milestone(ETA_UPDATED, "", "In Progress"),
	)
}
# an exception whose reason says the goods are gone maps onto ERPNext's own words
EXCEPTION_TRACKING = {"lost": "Lost", "returned": "Returned", "returned to sender": "Returned"}
# what a customer may record on the portal: that the genset has arrived
PORTAL_MILESTONES = frozenset({DELIVERED})

# a carrier account's first status map: AfterShip's normalised statuses and their common sub-codes
DEFAULT_CARRIER_MAP: tuple[tuple[str, str], ...] = (
	("InfoReceived", ""),
	("PickedUp", PICKED_UP),
	("InTransit", DEPARTED),
	("Transshipment", TRANSSHIPPED),
	("ArrivedAtPort", ARRIVED_AT_PORT),
	("CustomsHold", CUSTOMS_HELD),
	("CustomsCleared", CUSTOMS_CLEARED),
	("OutForDelivery", OUT_FOR_DELIVERY),
	("AttemptFail", EXCEPTION),
	("Delivered", DELIVERED),
	("Exception", EXCEPTION),
	("EtaChanged", ETA_UPDATED),
)


@dataclass(frozen=True)
class Event:
	"""One milestone of one shipment, as recorded."""

	milestone: str
	time: Datetime
	new_eta: Date | None = None
	place: str = ""
	reason: str = ""
	unit: str = ""


@dataclass(frozen=True)
class State:
	"""What a shipment's log says now."""

	status: str
	tracking_status: str
	eta: Date | None
	last_event: str
	last_event_on: Datetime | None
	departed_on: Datetime | None
	delivered_on: Datetime | None
	# units confirmed delivered one by one (a customer's confirmation of its own genset)
	units_delivered: frozenset[str]


def ordered(events: Iterable[Event]) -> list[Event]:
	"""The log in the order things happened (late and out-of-order arrivals sort by their own time)."""
	return sorted(events, key=lambda e: (e.time, e.milestone))


def state_of(events: Iterable[Event], planned_eta: Date | None, units: Iterable[str] = ()) -> State:
	"""A shipment's status, tracking status and ETA from its whole log.

	The ETA is the one carried by the latest event (by its own time) that carries one, else the
	planned one. A delivery of the whole shipment (no unit named) delivers it; deliveries of single
	units deliver it once every unit named in ``units`` is delivered."""
	log = ordered(events)
	eta, status, tracking, last = planned_eta, Status.BOOKED, "", None
	departed = delivered = None
	per_unit: set[str] = set()
	all_units = set(units)
	for event in log:
		rule = MILESTONES[event.milestone]
		if event.new_eta:
			eta = event.new_eta
		if rule.name == DELIVERED and event.unit:
			per_unit.add(event.unit)
			if not all_units or not all_units <= per_unit:
				if status == Status.BOOKED:
					status, tracking = Status.IN_TRANSIT, "In Progress"
				last = event
				continue
		if rule.status:
			status = rule.status
			tracking = rule.tracking_status
			if rule.name == EXCEPTION:
				tracking = EXCEPTION_TRACKING.get(event.reason.strip().lower(), tracking)
		elif status == Status.BOOKED:
			tracking = rule.tracking_status
		if rule.status and departed is None and rule.status != Status.BOOKED:
			departed = event.time
		if status == Status.DELIVERED and delivered is None:
			delivered = event.time
		last = event
	return State(
		status=status,
		tracking_status=tracking,
		eta=eta,
		last_event=last.milestone if last else "",
		last_event_on=last.time if last else None,
		departed_on=departed,
		delivered_on=delivered,
		units_delivered=frozenset(per_unit),
	)


def days_late(eta: Date | None, planned_eta: Date | None, delivered_on: Date | None, today: Date) -> int:
	"""Days after the planned arrival: the delivery's when delivered, else the later of today and the
	ETA (a shipment still on its way is late by its new estimate, or by today once that has passed)."""
	if not planned_eta:
		return 0
	if delivered_on:
		return max(0, (delivered_on - planned_eta).days)
	expected = max(today, eta) if eta else today
	return max(0, (expected - planned_eta).days)


def eta_moved_beyond(old: Date | None, new: Date | None, threshold_days: int) -> bool:
	"""Is a new ETA worth telling the customer (more than the threshold away from the last one told)?"""
	if not new or not old:
		return bool(new and not old)
	return abs((new - old).days) > max(0, threshold_days)


def lane_of(origin: str | None, destination: str | None, mode: str | None) -> str:
	"""A lane names where from, where to and how: "Shanghai -> Mombasa (Sea)"."""
	origin, destination = (origin or "").strip() or "?", (destination or "").strip() or "?"
	return f"{origin} -> {destination}" + (f" ({mode})" if mode else "")


def event_key(shipment: str, milestone: str, time: Datetime, unit: str = "") -> str:
	"""The same milestone of the same shipment at the same time is one event, whoever sends it."""
	raw = f"{shipment}|{milestone}|{time.replace(microsecond=0).isoformat()}|{unit}"
	return "e:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def carrier_event_key(account: str, event_id: str) -> str:
	"""A carrier's own event id is unique within its account."""
	return "c:" + hashlib.sha256(f"{account}|{event_id}".encode()).hexdigest()[:40]


def tracking_key(account: str | None, tracking_number: str | None) -> str | None:
	"""A tracking number is unique within its carrier account (None when either is missing)."""
	number = normalise_tracking(tracking_number)
	return f"{account}:{number}" if account and number else None


def normalise_tracking(number: str | None) -> str:
	return re.sub(r"\s+", "", (number or "")).upper()


# ------------------------------------------------------------------ the carrier webhook
SIGNATURE_HEADER = "X-Genset-Signature"
TIMESTAMP_HEADER = "X-Genset-Timestamp"
TOLERANCE_SECONDS = 300
MAX_EVENTS = 500
# an event stamped later than this ahead of the site's clock is refused
FUTURE_TOLERANCE = datetime.timedelta(hours=24)


def signature(secret: str, timestamp: str, body: bytes) -> str:
	"""``sha256=<hex>``: HMAC-SHA256 of ``<timestamp>.<raw body>`` with the account's secret."""
	mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
	return "sha256=" + mac.hexdigest()


def check_signature(
	secret: str | None, timestamp: str | None, body: bytes, given: str | None, now: float
) -> str | None:
	"""None when the request is authentic and fresh, else why not (a code)."""
	if not secret:
		return "no_secret"
	if not given or not timestamp:
		return "missing_signature"
	try:
		sent = int(timestamp)
	except ValueError:
		return "bad_timestamp"
	if abs(now - sent) > TOLERANCE_SECONDS:
		return "stale_timestamp"
	if not hmac.compare_digest(signature(secret, timestamp, body), given.strip()):
		return "bad_signature"
	return None


@dataclass(frozen=True)
class CarrierEvent:
	"""One event of a carrier's batch, checked for shape (not yet for its shipment)."""

	event_id: str
	tracking_number: str
	carrier_status: str
	time: Datetime
	place: str = ""
	new_eta: Date | None = None
	reason: str = ""
	details: str = ""


class EventError(ValueError):
	"""An event of a batch refused for its shape; ``reason`` is a code, ``field`` the offending key."""

	def __init__(self, reason: str, field: str = ""):
		super().__init__(f"{reason}: {field}")
		self.reason = reason
		self.field = field


def _text(raw: Mapping, key: str, limit: int, required: bool = False) -> str:
	value = raw.get(key)
	if value is None or value == "":
		if required:
			raise EventError("missing", key)
		return ""
	if not isinstance(value, str | int) or isinstance(value, bool):
		raise EventError("not_text", key)
	value = str(value).strip()
	if len(value) > limit:
		raise EventError("too_long", key)
	return value


def parse_time(value, to_local=None) -> Datetime:
	"""An ISO 8601 time; with an offset it is turned into the site's time by ``to_local``."""
	if not isinstance(value, str):
		raise EventError("bad_time", "time")
	try:
		parsed = Datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
	except ValueError as error:
		raise EventError("bad_time", "time") from error
	if parsed.tzinfo is not None:
		parsed = to_local(parsed) if to_local else parsed.replace(tzinfo=None)
	if not 1990 <= parsed.year <= 2200:
		raise EventError("bad_time", "time")
	return parsed.replace(microsecond=0)


def parse_date(value, key: str = "eta") -> Date | None:
	if value in (None, ""):
		return None
	if not isinstance(value, str):
		raise EventError("bad_date", key)
	try:
		parsed = Date.fromisoformat(value.strip()[:10])
	except ValueError as error:
		raise EventError("bad_date", key) from error
	if not 1990 <= parsed.year <= 2200:
		raise EventError("bad_date", key)
	return parsed


def parse_event(raw, to_local=None) -> CarrierEvent:
	"""One event of the webhook's JSON (see docs/api.md), or an EventError."""
	if not isinstance(raw, Mapping):
		raise EventError("not_an_object")
	return CarrierEvent(
		event_id=_text(raw, "id", 140, required=True),
		tracking_number=normalise_tracking(_text(raw, "tracking_number", 140, required=True)),
		carrier_status=_text(raw, "status", 140, required=True),
		time=parse_time(raw.get("time"), to_local),
		place=_text(raw, "location", 140),
		new_eta=parse_date(raw.get("eta")),
		reason=_text(raw, "reason", 140),
		details=_text(raw, "message", 1000),
	)


# ------------------------------------------------------------------ lanes
@dataclass(frozen=True)
class Delivered:
	"""A delivered shipment, as the lane figures read it."""

	lane: str
	departed: Datetime | None
	delivered: Datetime
	planned_eta: Date | None


@dataclass
class LaneMonth:
	lane: str
	month: str
	shipments: int = 0
	on_time: int = 0
	transit_days: float = 0

	@property
	def on_time_percent(self) -> float:
		return round(100 * self.on_time / self.shipments, 1) if self.shipments else 0

	@property
	def average_transit_days(self) -> float:
		return round(self.transit_days / self.shipments, 1) if self.shipments else 0


def lane_months(rows: Iterable[Delivered]) -> list[LaneMonth]:
	"""Per lane and month of delivery: shipments delivered, how many by their planned arrival, and the
	average days from departure to delivery (a shipment with no departure recorded counts 0 days)."""
	out: dict[tuple[str, str], LaneMonth] = {}
	for row in rows:
		key = (row.lane, row.delivered.strftime("%Y-%m"))
		figure = out.setdefault(key, LaneMonth(*key))
		figure.shipments += 1
		if not row.planned_eta or row.delivered.date() <= row.planned_eta:
			figure.on_time += 1
		if row.departed:
			figure.transit_days += max(0.0, (row.delivered - row.departed).total_seconds() / 86400)
	return sorted(out.values(), key=lambda f: (f.lane, f.month))
