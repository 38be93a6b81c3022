"""Value objects of the after-sales planner.

Everything here is plain Python so that the planning rules can be tested without a Frappe site.
The string values are the options of the matching Select fields of the DocTypes.
"""

import datetime
from dataclasses import dataclass, field

Date = datetime.date


class Event:
	"""The moment a service hangs on (Genset Service Type.anchor_event)."""

	ORDER = "Order"
	PLANNED_DELIVERY = "Planned Delivery"
	DELIVERY = "Delivery"
	ARRIVAL = "Arrival"
	COMMISSIONING = "Commissioning"
	WARRANTY_START = "Warranty Start"
	WARRANTY_END = "Warranty End"
	ON_DEMAND = "On Demand"

	ALL = (
		ORDER,
		PLANNED_DELIVERY,
		DELIVERY,
		ARRIVAL,
		COMMISSIONING,
		WARRANTY_START,
		WARRANTY_END,
		ON_DEMAND,
	)
	# events known when the Sales Order is submitted; the rest need a delivered unit
	ORDER_EVENTS = (ORDER, PLANNED_DELIVERY)
	# events that can be recorded as they really happen (they re-base the plan)
	RECORDABLE = (ARRIVAL, COMMISSIONING)


class Recurrence:
	"""How often a service repeats (Genset Service Type.recurrence)."""

	NONE = "None"
	FIXED = "Every N Months"
	INSPECTION = "Inspection Interval"
	MAINTENANCE = "Maintenance Interval"

	ALL = (NONE, FIXED, INSPECTION, MAINTENANCE)


class Scope:
	"""How many occurrences one document yields (Genset Service Type.scope)."""

	CONTRACT = "Contract"
	LINE = "Order Line"
	UNIT = "Unit"

	ALL = (CONTRACT, LINE, UNIT)


class TaskStatus:
	PLANNED = "Planned"
	DUE = "Due"
	OVERDUE = "Overdue"
	DONE = "Done"
	CANCELLED = "Cancelled"

	OPEN = (PLANNED, DUE, OVERDUE)
	CLOSED = (DONE, CANCELLED)
	ALL = (PLANNED, DUE, OVERDUE, DONE, CANCELLED)


class TermsError(ValueError):
	"""Bad after-sales terms or event dates. ``field`` names the offending field, ``reason`` is a code."""

	def __init__(self, field: str, reason: str, value=None):
		super().__init__(f"{field}: {reason} ({value!r})")
		self.field = field
		self.reason = reason
		self.value = value


@dataclass(frozen=True)
class ServiceRule:
	"""The timing rule of one Genset Service Type."""

	name: str
	anchor: str
	offset_from: int = 0
	offset_to: int = 0
	until_event: str | None = None
	recurrence: str = Recurrence.NONE
	recurrence_months: int = 0
	scope: str = Scope.UNIT
	auto_complete: bool = False
	sets_event: str | None = None
	role: str | None = None

	@property
	def planned_on_order(self) -> bool:
		return self.anchor in Event.ORDER_EVENTS

	@property
	def on_demand(self) -> bool:
		return self.anchor == Event.ON_DEMAND

	def validate(self) -> None:
		if self.anchor not in Event.ALL:
			raise TermsError("anchor_event", "unknown_event", self.anchor)
		if self.until_event and self.until_event not in Event.ALL:
			raise TermsError("until_event", "unknown_event", self.until_event)
		if self.recurrence not in Recurrence.ALL:
			raise TermsError("recurrence", "unknown_recurrence", self.recurrence)
		if self.scope not in Scope.ALL:
			raise TermsError("scope", "unknown_scope", self.scope)
		if not self.until_event and self.offset_to < self.offset_from:
			raise TermsError("offset_to", "window_reversed", self.offset_to)
		if self.recurrence == Recurrence.FIXED and (self.recurrence_months or 0) <= 0:
			raise TermsError("recurrence_months", "not_positive", self.recurrence_months)
		if self.planned_on_order and self.recurrence != Recurrence.NONE:
			raise TermsError("recurrence", "order_event_recurs", self.recurrence)
		if self.planned_on_order and self.scope == Scope.UNIT:
			raise TermsError("scope", "unit_scope_on_order", self.scope)
		if not self.planned_on_order and not self.on_demand and self.scope != Scope.UNIT:
			raise TermsError("scope", "order_scope_on_unit_event", self.scope)


@dataclass(frozen=True)
class Terms:
	"""After-sales terms of one genset line (Item defaults, overridden per Sales Order line)."""

	warranty_months: int
	inspection_interval_months: int
	maintenance_interval_months: int
	contract_months: int = 0
	warranty_hours: float = 0
	maintenance_interval_hours: float = 0

	def validate(self) -> None:
		for fieldname in ("warranty_months", "inspection_interval_months", "maintenance_interval_months"):
			value = getattr(self, fieldname)
			if value is None or int(value) != value or value <= 0:
				raise TermsError(fieldname, "not_positive", value)
		for fieldname in ("contract_months", "warranty_hours", "maintenance_interval_hours"):
			value = getattr(self, fieldname) or 0
			if value < 0:
				raise TermsError(fieldname, "negative", value)

	@property
	def service_months(self) -> int:
		"""How long recurring services run after the warranty starts: warranty or contract, the longer."""
		return max(self.warranty_months, self.contract_months or 0)


def resolve_terms(item_terms: dict, line_overrides: dict) -> Terms:
	"""Item defaults with the Sales Order line's overrides on top (an empty or zero override keeps
	the default; a negative one is refused)."""
	values = {}
	for fieldname in Terms.__dataclass_fields__:
		override = line_overrides.get(fieldname)
		if override is not None and override < 0:
			raise TermsError(fieldname, "negative", override)
		values[fieldname] = override if override else (item_terms.get(fieldname) or 0)
	terms = Terms(**values)
	terms.validate()
	return terms


@dataclass
class UnitEvents:
	"""What is known of one unit's life. Actual dates win over expected ones."""

	delivery: Date
	transit_days: int = 0
	arrival: Date | None = None
	# the arrival its shipment expects (the carrier's or the desk's latest ETA); the real one wins
	eta: Date | None = None
	commissioning: Date | None = None
	# last meter reading and usage rate, for hours-or-months services and the warranty hours cap
	reading_hours: float = 0
	reading_date: Date | None = None
	hours_per_day: float = 0
	# the warranty starts at commissioning, but no later than delivery + this many months
	# (the contractual fallback when the genset is never, or very late, put into use); 0: no fallback
	warranty_fallback_months: int = 0
	# applied warranty extensions, summed
	extension_months: int = 0
	extension_hours: float = 0

	def validate(self) -> None:
		if self.transit_days is None or self.transit_days < 0:
			raise TermsError("transit_days", "negative", self.transit_days)
		for fieldname in ("warranty_fallback_months", "extension_months", "extension_hours", "reading_hours"):
			if (getattr(self, fieldname) or 0) < 0:
				raise TermsError(fieldname, "negative", getattr(self, fieldname))
		if self.arrival and self.arrival < self.delivery:
			raise TermsError("arrival_date", "before_delivery", self.arrival)
		if self.commissioning:
			if self.commissioning < (self.arrival or self.delivery):
				raise TermsError(
					"commissioning_date",
					"before_arrival" if self.arrival else "before_delivery",
					self.commissioning,
				)


@dataclass(frozen=True)
class Occurrence:
	"""One planned service occurrence: a task to be."""

	service_type: str
	key: str
	seq: int
	due_from: Date
	due_to: Date
	anchor: str
	due_hours: float = 0
	auto_complete: bool = False
	role: str | None = None
	line: str | None = None


@dataclass
class Milestones:
	"""The dates of a unit's life as the plan assumes them."""

	delivery: Date
	arrival: Date
	commissioning: Date
	warranty_start: Date
	warranty_end: Date
	service_end: Date
	arrival_is_actual: bool = False
	commissioning_is_actual: bool = False
	# how the warranty start was found: "Commissioning", "Expected Commissioning" or "Fallback"
	warranty_basis: str = "Expected Commissioning"
	# the warranty end without extensions, and whether the hours cap ended it
	base_warranty_end: Date | None = None
	ended_by_hours: bool = False

	def warranty_status(self, today: Date) -> str:
		"""Not Started, In Warranty, Extended (running on an extension) or Expired."""
		if self.warranty_basis == "Expected Commissioning" or today < self.warranty_start:
			return "Not Started"
		if today > self.warranty_end:
			return "Expired"
		if self.base_warranty_end and today > self.base_warranty_end:
			return "Extended"
		return "In Warranty"

	def date_of(self, event: str) -> Date | None:
		return {
			Event.DELIVERY: self.delivery,
			Event.ARRIVAL: self.arrival,
			Event.COMMISSIONING: self.commissioning,
			Event.WARRANTY_START: self.warranty_start,
			Event.WARRANTY_END: self.warranty_end,
		}.get(event)


@dataclass
class UnitPlan:
	milestones: Milestones
	occurrences: list[Occurrence] = field(default_factory=list)


@dataclass(frozen=True)
class ExistingTask:
	"""A task already in the database, as the reconciler needs it."""

	name: str
	key: str
	status: str
	due_from: Date
	due_to: Date
	due_hours: float = 0


@dataclass
class Changes:
	"""What to write to bring the stored plan in line with the desired one."""

	insert: list[Occurrence] = field(default_factory=list)
	update: dict[str, Occurrence] = field(default_factory=dict)
	cancel: list[str] = field(default_factory=list)

	def __bool__(self) -> bool:
		return bool(self.insert or self.update or self.cancel)


def rule_from_record(record: dict) -> ServiceRule:
	"""A ServiceRule from a Genset Service Type row (a dict of its fields)."""
	return ServiceRule(
		name=record["name"],
		anchor=record.get("anchor_event") or Event.ON_DEMAND,
		offset_from=int(record.get("offset_from_days") or 0),
		offset_to=int(record.get("offset_to_days") or 0),
		until_event=record.get("until_event") or None,
		recurrence=record.get("recurrence") or Recurrence.NONE,
		recurrence_months=int(record.get("recurrence_months") or 0),
		scope=record.get("scope") or Scope.UNIT,
		auto_complete=bool(record.get("auto_complete")),
		sets_event=record.get("sets_event") or None,
		role=record.get("responsible_role") or None,
	)


# fields of a Genset Service Type that the planner reads
RULE_FIELDS = (
	"name",
	"anchor_event",
	"offset_from_days",
	"offset_to_days",
	"until_event",
	"recurrence",
	"recurrence_months",
	"scope",
	"auto_complete",
	"sets_event",
	"responsible_role",
)


# who bears the cost of work on a delivered genset, by its warranty status (rules as data): from
# delivery until the warranty starts (commissioning, or the fallback date) the maker covers it as under
# warranty, as makers do for faults found on arrival, in installation and in commissioning
# (dead on arrival); an expired warranty covers nothing and the work is quoted
WARRANTY_COVER = {
	"Not Started": "Before Commissioning",
	"In Warranty": "Warranty",
	"Extended": "Extension",
	"Expired": None,
}


def covered_by(warranty_status: str | None) -> str | None:
	"""What covers work on a genset of this warranty status, or None when it is charged."""
	return WARRANTY_COVER.get(warranty_status or "")
