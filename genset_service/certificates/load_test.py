"""The load test of a genset as the table a factory test certificate shows: one row per load step
(0, 25, 50, 75, 100, 110 %), one column per quantity (voltage, current, frequency, power, power factor,
coolant temperature, oil pressure), each cell with its reading, its limits and whether it passed.
Pure: no Frappe. The readings come from an inspection's rows (``load_percent`` and ``quantity`` set)."""

import re
from dataclasses import dataclass, field

# the columns, in the certificate's order: the quantity as stored, its short heading, its usual unit
QUANTITIES: tuple[tuple[str, str, str], ...] = (
	("Voltage L-L", "U", "V"),
	("Current", "I", "A"),
	("Frequency", "f", "Hz"),
	("Power", "P", "kW"),
	("Power Factor", "cos φ", ""),
	("Coolant Temperature", "T coolant", "°C"),
	("Oil Pressure", "p oil", "bar"),
)
QUANTITY_NAMES = tuple(name for name, _short, _unit in QUANTITIES)
STANDARD_STEPS = (0, 25, 50, 75, 100, 110)

# how an older checkpoint's words name its quantity and step ("Voltage L-L at 25 %", section "Load
# test 25 %"): used once, to give existing templates and inspections their structured columns
WORDS = {
	"Voltage L-L": re.compile(r"^\s*voltage\b", re.I),
	"Current": re.compile(r"^\s*current\b", re.I),
	"Frequency": re.compile(r"^\s*frequency\b", re.I),
	"Power Factor": re.compile(r"^\s*power\s+factor\b", re.I),
	"Power": re.compile(r"^\s*(active\s+)?power\b(?!\s+factor)", re.I),
	"Coolant Temperature": re.compile(r"^\s*coolant\s+temp", re.I),
	"Oil Pressure": re.compile(r"^\s*oil\s+pressure\b", re.I),
}
STEP = re.compile(r"\bload\s+test\s+(\d{1,3}(?:\.\d+)?)\s*%", re.I)
AT_STEP = re.compile(r"\bat\s+(\d{1,3}(?:\.\d+)?)\s*%", re.I)


def read_label(section: str | None, checkpoint: str | None) -> tuple[float | None, str | None]:
	"""The load step and quantity an older checkpoint's words name, else (None, None)."""
	found = STEP.search(section or "") or AT_STEP.search(checkpoint or "")
	quantity = next((name for name, words in WORDS.items() if words.search(checkpoint or "")), None)
	if not found or not quantity:
		return None, None
	return float(found.group(1)), quantity


@dataclass(frozen=True)
class Cell:
	value: str
	status: str  # "Pass", "Fail" or ""
	low: float | None
	high: float | None
	unit: str


@dataclass
class Step:
	load_percent: float
	cells: dict[str, Cell] = field(default_factory=dict)

	@property
	def status(self) -> str:
		marks = {cell.status for cell in self.cells.values() if cell.status}
		return "Fail" if "Fail" in marks else "Pass" if marks else ""


@dataclass
class LoadTable:
	columns: list[tuple[str, str, str]]  # (quantity, heading, unit) of the columns that hold a reading
	steps: list[Step]
	limits: dict[str, tuple[float | None, float | None]]  # a column's limits when every step shares them

	@property
	def status(self) -> str:
		marks = {step.status for step in self.steps if step.status}
		return "Fail" if "Fail" in marks else "Pass" if marks else ""


def _number(value) -> float | None:
	try:
		return None if value in (None, "") else float(value)
	except (TypeError, ValueError):
		return None


def load_table(readings: list[dict]) -> LoadTable | None:
	"""The load test of these readings (dicts or rows with ``load_percent``, ``quantity``, ``value``,
	``status``, ``min_value``, ``max_value``, ``uom``), or None when they hold none."""
	steps: dict[float, Step] = {}
	units: dict[str, str] = {}
	bounds: dict[str, set] = {}
	for row in readings:
		quantity, percent = row.get("quantity"), _number(row.get("load_percent"))
		if quantity not in QUANTITY_NAMES or percent is None:
			continue
		# a Float field holds 0 where no limit was set (as the inspection's own check reads it)
		low, high = _number(row.get("min_value")) or None, _number(row.get("max_value")) or None
		unit = row.get("uom") or dict((n, u) for n, _s, u in QUANTITIES)[quantity]
		units.setdefault(quantity, unit)
		bounds.setdefault(quantity, set()).add((low, high))
		step = steps.setdefault(percent, Step(percent))
		step.cells[quantity] = Cell(str(row.get("value") or ""), row.get("status") or "", low, high, unit)
	if not steps:
		return None
	columns = [(name, short, units[name]) for name, short, _unit in QUANTITIES if name in units]
	shared = {name: next(iter(pairs)) for name, pairs in bounds.items() if len(pairs) == 1}
	return LoadTable(columns=columns, steps=[steps[p] for p in sorted(steps)], limits=shared)


def limit_text(low: float | None, high: float | None, unit: str = "") -> str:
	"""Limits as a certificate prints them: "380-440 V", "≥ 2 bar", "≤ 95 °C", or ""."""

	def fmt(x: float) -> str:
		return f"{x:g}"

	text = (
		f"{fmt(low)}–{fmt(high)}"
		if low is not None and high is not None
		else f"≥ {fmt(low)}"
		if low is not None
		else f"≤ {fmt(high)}"
		if high is not None
		else ""
	)
	return f"{text} {unit}".strip() if text else ""
