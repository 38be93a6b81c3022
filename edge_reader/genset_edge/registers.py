"""Register maps as data, and the pure steps that read them (no Modbus, no MQTT).

A map (``maps/<family>.json``) names, for one controller family, each metric's register address, its
type (``uint16``, ``int16``, ``uint32``, ``int32``), its word order for 32-bit values (``big``: the high
word first, ``little``: the low word first), its scale (``value * scale / divisor``) and unit, the raw
values that mean "not available" (``sentinels``: a raw value at or above it is not sent), and how its
alarms are packed: ``nibbles`` (DSE: four alarms a 16-bit register, four bits each, the first in the
most significant nibble, each nibble a level) or ``bits`` (one bit an alarm). A new family is a new map.
"""

import json
import pathlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MAPS = pathlib.Path(__file__).parent / "maps"
TYPES = {"uint16": (1, False), "int16": (1, True), "uint32": (2, False), "int32": (2, True)}
# at most this many registers in one read (Modbus allows 125)
MAX_BLOCK = 120
ACTIVE_LEVELS = ("warning", "shutdown", "trip", "indication")


class MapError(ValueError):
	"""A register map that cannot be used, with what is wrong."""


@dataclass(frozen=True)
class Register:
	metric: str
	address: int
	type: str = "uint16"
	scale: float = 1.0
	divisor: float = 1.0
	unit: str = ""
	word_order: str = "big"

	@property
	def width(self) -> int:
		return TYPES[self.type][0]


@dataclass(frozen=True)
class Alarm:
	name: str
	code: str
	# the code sent while the alarm is only a warning (DSE's pre-alarms), when it has one of its own
	warning: str = ""


@dataclass(frozen=True)
class AlarmBlock:
	kind: str  # "nibbles" or "bits"
	address: int
	alarms: tuple[Alarm, ...]
	# nibbles: level number -> "cleared", "warning", "shutdown", "trip", "indication" or None (not fitted)
	levels: Mapping[int, str | None] = field(default_factory=dict)

	@property
	def count(self) -> int:
		per = 4 if self.kind == "nibbles" else 16
		return (len(self.alarms) + per - 1) // per


@dataclass(frozen=True)
class RegisterMap:
	family: str
	registers: tuple[Register, ...]
	alarms: AlarmBlock | None = None
	sentinels: Mapping[str, int] = field(default_factory=dict)
	function: str = "holding"
	title: str = ""

	def blocks(self) -> list[tuple[int, int]]:
		"""(start, count) reads that cover every register of the map, contiguous runs joined while a
		read stays within MAX_BLOCK registers and skips at most 8 unused ones."""
		wanted = {r.address + i for r in self.registers for i in range(r.width)}
		if self.alarms:
			wanted |= {self.alarms.address + i for i in range(self.alarms.count)}
		out: list[list[int]] = []
		for address in sorted(wanted):
			if out and address - (out[-1][0] + out[-1][1]) <= 8 and address - out[-1][0] < MAX_BLOCK:
				out[-1][1] = address - out[-1][0] + 1
			else:
				out.append([address, 1])
		return [(start, count) for start, count in out]


def load_map(name_or_path: str) -> RegisterMap:
	"""A shipped map by its name (``dse_gencomm``, ``comap_intelilite``) or a JSON file of the same form."""
	path = pathlib.Path(name_or_path)
	if not path.suffix:
		path = MAPS / f"{name_or_path}.json"
	try:
		data = json.loads(path.read_text(encoding="utf-8"))
	except FileNotFoundError as error:
		known = ", ".join(sorted(p.stem for p in MAPS.glob("*.json")))
		raise MapError(f"no register map {name_or_path} (shipped: {known})") from error
	except ValueError as error:
		raise MapError(f"{path}: not JSON ({error})") from error
	return parse_map(data)


def parse_map(data: Mapping) -> RegisterMap:
	word_order = data.get("word_order", "big")
	registers = []
	for row in data.get("metrics", []):
		kind = row.get("type", "uint16")
		if kind not in TYPES:
			raise MapError(f"{row.get('metric')}: type {kind} is not one of {', '.join(TYPES)}")
		order = row.get("word_order", word_order)
		if order not in ("big", "little"):
			raise MapError(f"{row.get('metric')}: word order {order} is not big or little")
		if not isinstance(row.get("address"), int) or not 0 <= row["address"] <= 65535:
			raise MapError(f"{row.get('metric')}: address {row.get('address')} is not 0..65535")
		if not row.get("divisor", 1):
			raise MapError(f"{row.get('metric')}: a divisor of 0")
		registers.append(
			Register(
				metric=row["metric"],
				address=row["address"],
				type=kind,
				scale=float(row.get("scale", 1)),
				divisor=float(row.get("divisor", 1)),
				unit=row.get("unit", ""),
				word_order=order,
			)
		)
	alarms = None
	if data.get("alarms"):
		block = data["alarms"]
		if block.get("kind") not in ("nibbles", "bits"):
			raise MapError(f"alarms: kind {block.get('kind')} is not nibbles or bits")
		alarms = AlarmBlock(
			kind=block["kind"],
			address=int(block["address"]),
			alarms=tuple(Alarm(a["name"], a["code"], a.get("warning", "")) for a in block.get("list", [])),
			levels={int(k): v for k, v in (block.get("levels") or {}).items()},
		)
	return RegisterMap(
		family=data.get("family", ""),
		registers=tuple(registers),
		alarms=alarms,
		sentinels=dict(data.get("sentinels") or {}),
		function=data.get("function", "holding"),
		title=data.get("title", ""),
	)


# ------------------------------------------------------------------ decoding
def raw_value(words: Sequence[int], kind: str, word_order: str = "big") -> int:
	"""The integer of one or two 16-bit registers: two words joined in the map's order, then read as
	signed (two's complement) when the type is."""
	width, signed = TYPES[kind]
	if len(words) != width or any(not 0 <= w <= 0xFFFF for w in words):
		raise ValueError(f"{kind} needs {width} register(s) of 0..65535, got {list(words)}")
	if width == 1:
		value = words[0]
	else:
		high, low = (words[0], words[1]) if word_order == "big" else (words[1], words[0])
		value = (high << 16) | low
	bits = 16 * width
	if signed and value >= 1 << (bits - 1):
		value -= 1 << bits
	return value


def is_sentinel(register: Register, value: int, sentinels: Mapping[str, int]) -> bool:
	"""A raw value that means "not available" (unimplemented, over or under range, a sensor fault)."""
	limit = sentinels.get(register.type)
	# the top of the type's range (of its positive half, for a signed type) holds the flags
	return limit is not None and value >= limit


def decode(register_map: RegisterMap, words: Mapping[int, int]) -> dict[str, float]:
	"""Each metric's engineering value from the registers read (address -> raw word); a metric whose
	registers were not read or that holds a "not available" value is left out."""
	out = {}
	for register in register_map.registers:
		try:
			raw = [words[register.address + i] for i in range(register.width)]
		except KeyError:
			continue
		value = raw_value(raw, register.type, register.word_order)
		if is_sentinel(register, value, register_map.sentinels):
			continue
		out[register.metric] = round(value * register.scale / register.divisor, 6)
	return out


@dataclass(frozen=True)
class AlarmState:
	"""One alarm as read: its level word (``cleared``, ``warning``, ``shutdown``...) or None (not fitted)."""

	alarm: Alarm
	level: str | None

	@property
	def active(self) -> bool:
		return self.level in ACTIVE_LEVELS

	@property
	def code(self) -> str:
		"""The code sent: a warning has its own when the map gives one."""
		return self.alarm.warning if self.level == "warning" and self.alarm.warning else self.alarm.code


def decode_alarms(block: AlarmBlock, words: Mapping[int, int]) -> list[AlarmState]:
	"""The state of each alarm of the block (alarms whose register was not read are left out)."""
	out = []
	per = 4 if block.kind == "nibbles" else 16
	for index, alarm in enumerate(block.alarms):
		word = words.get(block.address + index // per)
		if word is None:
			continue
		if block.kind == "nibbles":
			nibble = (word >> (12 - 4 * (index % 4))) & 0xF
			level = block.levels.get(nibble)
		else:
			level = "shutdown" if word >> (index % 16) & 1 else "cleared"
		out.append(AlarmState(alarm, level))
	return out


def alarm_changes(before: Mapping[str, str], now: Iterable[AlarmState]) -> tuple[list[dict], dict[str, str]]:
	"""What to send about the alarms, given what was sent before (alarm name -> the code sent active,
	or "" when cleared): each alarm that became active, changed level (its old code cleared, its new
	one active) or cleared. Returns the alarm entries of a message and the new memory. An alarm not
	fitted (level None) says nothing."""
	entries, memory = [], dict(before)
	for state in now:
		if state.level is None:
			continue
		sent = before.get(state.alarm.name)
		if state.active:
			if sent == state.code:
				continue
			if sent:
				entries.append({"code": sent, "state": "cleared", "name": state.alarm.name})
			entries.append(
				{"code": state.code, "state": "active", "name": f"{state.alarm.name} ({state.level})"}
			)
			memory[state.alarm.name] = state.code
		else:
			if sent:
				entries.append({"code": sent, "state": "cleared", "name": state.alarm.name})
			memory[state.alarm.name] = ""
	return entries, memory
