"""Sparkplug B, the pure side (no Frappe, no MQTT client): topics, payloads, births and sequence.

A Sparkplug B edge node (a genset's gateway) publishes on ``spBv1.0/<group>/<type>/<edge>[/<device>]``.
Its NBIRTH and each device's DBIRTH name every metric and may give it a numeric alias; the DATA messages
after them may carry the alias alone, so a host keeps an alias table per edge node and device from the
births (``Node``). Every message of a node after its NBIRTH (seq 0) carries the next ``seq``, 0 to 255
and round again: a gap means lost messages, and the host asks for a rebirth. NDEATH (the node's MQTT
will, with the ``bdSeq`` of its birth) and DDEATH mark the node or device offline.

Payloads are decoded with the ``protobuf`` package and the small schema below, written by hand from
Eclipse Tahu's ``sparkplug_b.proto`` (Payload and Metric; the DataSet, Template, PropertySet and
MetaData messages are left out, so a metric holding one is kept as unknown fields and refused as
``unsupported_value``). PyPI's Sparkplug libraries do not fit beside paho-mqtt 2.x: pysparkplug pins
``paho-mqtt<2`` from 0.3.2 to 0.6.1, the latest (the older 0.3.0 and 0.3.1 do not pin it, but their
client is written for paho-mqtt 1), and mqtt-spb-wrapper 2.1.2 pins ``paho_mqtt==1.6.1`` and
``protobuf==3.20.3``. Signed integers are encoded in their own width (an Int8's -1 as 255, as
pysparkplug does) and decoded from that or the sign-extended form other devices send.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

from genset_service.telemetry import model

# the decoder: the protobuf package (tried with 4.21.12, 5.29.5, 6.31.1 and 7.36.2), no Sparkplug library
DECODER = "protobuf"
NAMESPACE = "spBv1.0"
MAX_BYTES = model.MAX_BYTES
MAX_METRICS = 1000
SEQ_MODULO = 256
# metric names that are Sparkplug's own housekeeping, not a genset's readings
BD_SEQ = "bdSeq"
REBIRTH = "Node Control/Rebirth"
HOUSEKEEPING_PREFIXES = ("Node Control/", "Device Control/", "Properties/", "Node Info/", "Device Info/")
# a Boolean metric under this prefix is an alarm: true active, false cleared ("Alarms/LOW_OIL_PRESSURE")
ALARM_PREFIX = "Alarms/"


class MessageType:
	NBIRTH = "NBIRTH"
	NDATA = "NDATA"
	NDEATH = "NDEATH"
	NCMD = "NCMD"
	DBIRTH = "DBIRTH"
	DDATA = "DDATA"
	DDEATH = "DDEATH"
	DCMD = "DCMD"
	STATE = "STATE"

	NODE = (NBIRTH, NDATA, NDEATH, NCMD)
	DEVICE = (DBIRTH, DDATA, DDEATH, DCMD)
	ALL = (*NODE, *DEVICE, STATE)
	BIRTHS = (NBIRTH, DBIRTH)
	DEATHS = (NDEATH, DDEATH)
	# the messages of a node that carry the next seq after its NBIRTH
	SEQUENCED = (NDATA, DBIRTH, DDATA, DDEATH)


class DataType:
	"""Sparkplug B's datatype codes (the ones a genset's metrics use, and the rest by number)."""

	UNKNOWN = 0
	INT8, INT16, INT32, INT64 = 1, 2, 3, 4
	UINT8, UINT16, UINT32, UINT64 = 5, 6, 7, 8
	FLOAT, DOUBLE, BOOLEAN, STRING = 9, 10, 11, 12
	DATETIME, TEXT, UUID = 13, 14, 15
	DATASET, BYTES, FILE, TEMPLATE = 16, 17, 18, 19


# which value field each datatype is carried in, and the width of the signed integers
VALUE_FIELD: Mapping[int, str] = {
	**dict.fromkeys((DataType.INT8, DataType.INT16, DataType.INT32), "int_value"),
	**dict.fromkeys((DataType.UINT8, DataType.UINT16, DataType.UINT32), "int_value"),
	**dict.fromkeys((DataType.INT64, DataType.UINT64, DataType.DATETIME), "long_value"),
	DataType.FLOAT: "float_value",
	DataType.DOUBLE: "double_value",
	DataType.BOOLEAN: "boolean_value",
	**dict.fromkeys((DataType.STRING, DataType.TEXT, DataType.UUID), "string_value"),
	**dict.fromkeys((DataType.BYTES, DataType.FILE), "bytes_value"),
}
SIGNED_BITS: Mapping[int, int] = {
	DataType.INT8: 8,
	DataType.INT16: 16,
	DataType.INT32: 32,
	DataType.INT64: 64,
}


class SparkplugError(ValueError):
	"""A topic or payload refused; ``reason`` is a code of ``model.Reason``."""

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(f"{reason}: {detail}" if detail else reason)
		self.reason = reason
		self.detail = detail


# ------------------------------------------------------------------ topics
@dataclass(frozen=True)
class Topic:
	group: str
	message_type: str
	# the edge node's id (for STATE: the host application's id)
	edge_node: str
	device: str = ""

	@property
	def source(self) -> str:
		"""Who spoke: the device, or the edge node for a node's own messages."""
		return self.device or self.edge_node

	def __str__(self) -> str:
		if self.message_type == MessageType.STATE:
			return f"{NAMESPACE}/STATE/{self.edge_node}"
		tail = f"/{self.device}" if self.device else ""
		return f"{NAMESPACE}/{self.group}/{self.message_type}/{self.edge_node}{tail}"


def parse_topic(topic: str) -> Topic:
	"""A Sparkplug B topic, or a SparkplugError (``bad_topic``): node messages have four parts, device
	messages five, STATE is ``spBv1.0/STATE/<host>``; no part is empty or holds a wildcard."""
	parts = topic.split("/") if isinstance(topic, str) else []
	bad = SparkplugError(model.Reason.BAD_TOPIC, str(topic)[:200])
	if len(parts) < 3 or parts[0] != NAMESPACE or any(not p or "+" in p or "#" in p for p in parts):
		raise bad
	if parts[1] == MessageType.STATE:
		if len(parts) != 3:
			raise bad
		return Topic("", MessageType.STATE, parts[2])
	if len(parts) not in (4, 5) or parts[2] not in MessageType.NODE + MessageType.DEVICE:
		raise bad
	if (parts[2] in MessageType.DEVICE) != (len(parts) == 5):
		raise bad
	return Topic(parts[1], parts[2], parts[3], parts[4] if len(parts) == 5 else "")


# ------------------------------------------------------------------ the payload schema
def _schema():
	"""Sparkplug B's Payload message as a protobuf class, built from a hand-written descriptor in a pool
	of its own (no generated code; no clash with another copy of Tahu's schema in the process)."""
	kind = descriptor_pb2.FieldDescriptorProto
	file = descriptor_pb2.FileDescriptorProto(
		name="genset_service/sparkplug_b.proto", package="genset_service.sparkplug_b", syntax="proto2"
	)
	payload = file.message_type.add(name="Payload")
	metric = payload.nested_type.add(name="Metric")
	metric.oneof_decl.add(name="value")

	def add(message, name, number, type_, repeated=False, type_name="", oneof=None):
		label = kind.LABEL_REPEATED if repeated else kind.LABEL_OPTIONAL
		row = message.field.add(name=name, number=number, type=type_, label=label)
		if type_name:
			row.type_name = type_name
		if oneof is not None:
			row.oneof_index = oneof

	add(payload, "timestamp", 1, kind.TYPE_UINT64)
	add(payload, "metrics", 2, kind.TYPE_MESSAGE, True, ".genset_service.sparkplug_b.Payload.Metric")
	add(payload, "seq", 3, kind.TYPE_UINT64)
	add(payload, "uuid", 4, kind.TYPE_STRING)
	add(payload, "body", 5, kind.TYPE_BYTES)
	for name, number, type_ in (
		("name", 1, kind.TYPE_STRING),
		("alias", 2, kind.TYPE_UINT64),
		("timestamp", 3, kind.TYPE_UINT64),
		("datatype", 4, kind.TYPE_UINT32),
		("is_historical", 5, kind.TYPE_BOOL),
		("is_transient", 6, kind.TYPE_BOOL),
		("is_null", 7, kind.TYPE_BOOL),
	):
		add(metric, name, number, type_)
	# 8 metadata, 9 properties, 17 dataset, 18 template and 19 extension are left out
	for name, number, type_ in (
		("int_value", 10, kind.TYPE_UINT32),
		("long_value", 11, kind.TYPE_UINT64),
		("float_value", 12, kind.TYPE_FLOAT),
		("double_value", 13, kind.TYPE_DOUBLE),
		("boolean_value", 14, kind.TYPE_BOOL),
		("string_value", 15, kind.TYPE_STRING),
		("bytes_value", 16, kind.TYPE_BYTES),
	):
		add(metric, name, number, type_, oneof=0)
	pool = descriptor_pool.DescriptorPool()
	pool.Add(file)
	descriptor = pool.FindMessageTypeByName("genset_service.sparkplug_b.Payload")
	if hasattr(message_factory, "GetMessageClass"):
		return message_factory.GetMessageClass(descriptor)
	return message_factory.MessageFactory(pool).GetPrototype(descriptor)


PayloadMessage = _schema()


# ------------------------------------------------------------------ payloads
@dataclass(frozen=True)
class SparkplugMetric:
	"""One metric of a payload. ``value`` None with ``is_null`` False: a value this schema leaves out
	(a DataSet, a Template). ``timestamp`` is in milliseconds since 1970 UTC."""

	name: str = ""
	value: object = None
	alias: int | None = None
	timestamp: int | None = None
	datatype: int = DataType.UNKNOWN
	is_null: bool = False
	is_historical: bool = False
	is_transient: bool = False


@dataclass(frozen=True)
class Payload:
	timestamp: int | None
	seq: int | None
	metrics: tuple[SparkplugMetric, ...] = ()
	uuid: str = ""


def infer_datatype(value) -> int:
	"""The datatype an encoder gives a Python value (a genset's counters as Int64, its readings as
	Double)."""
	if isinstance(value, bool):
		return DataType.BOOLEAN
	if isinstance(value, int):
		return DataType.INT64
	if isinstance(value, float):
		return DataType.DOUBLE
	if isinstance(value, bytes | bytearray):
		return DataType.BYTES
	if isinstance(value, str):
		return DataType.STRING
	return DataType.UNKNOWN


def coerce(value, datatype: int):
	"""A raw protobuf value as its datatype means it: signed integers from their two's complement, a
	Float to the digits it holds, an integer sent for a Float or Double as a float."""
	if isinstance(value, int) and not isinstance(value, bool):
		if datatype in SIGNED_BITS:
			bits = SIGNED_BITS[datatype]
			value &= (1 << bits) - 1
			return value - (1 << bits) if value >= 1 << (bits - 1) else value
		if datatype in (DataType.FLOAT, DataType.DOUBLE):
			return float(value)
		if datatype == DataType.BOOLEAN:
			return bool(value)
	if isinstance(value, float) and datatype == DataType.FLOAT:
		return float(f"{value:.7g}")
	return value


def decode_payload(data: bytes, max_bytes: int = MAX_BYTES) -> Payload:
	"""A Sparkplug B payload, or a SparkplugError: ``too_large``, ``malformed_payload`` (not protobuf,
	or a seq outside 0..255), ``too_many_entries``. Aliases are not resolved here (see ``receive``)."""
	if not isinstance(data, bytes | bytearray):
		raise SparkplugError(model.Reason.MALFORMED_PAYLOAD, "not bytes")
	if len(data) > max_bytes:
		raise SparkplugError(model.Reason.TOO_LARGE, f"{len(data)} bytes, at most {max_bytes}")
	message = PayloadMessage()
	try:
		message.ParseFromString(bytes(data))
	except (DecodeError, ValueError, RuntimeError) as error:
		raise SparkplugError(model.Reason.MALFORMED_PAYLOAD, str(error)[:200]) from error
	if len(message.metrics) > MAX_METRICS:
		raise SparkplugError(model.Reason.TOO_MANY_ENTRIES, f"{len(message.metrics)} metrics")
	seq = message.seq if message.HasField("seq") else None
	if seq is not None and seq >= SEQ_MODULO:
		raise SparkplugError(model.Reason.MALFORMED_PAYLOAD, f"seq {seq}")
	metrics = []
	for row in message.metrics:
		which = row.WhichOneof("value")
		datatype = row.datatype if row.HasField("datatype") else DataType.UNKNOWN
		metrics.append(
			SparkplugMetric(
				name=row.name,
				value=coerce(getattr(row, which), datatype) if which else None,
				alias=row.alias if row.HasField("alias") else None,
				timestamp=row.timestamp if row.HasField("timestamp") else None,
				datatype=datatype,
				is_null=row.is_null,
				is_historical=row.is_historical,
				is_transient=row.is_transient,
			)
		)
	return Payload(
		timestamp=message.timestamp if message.HasField("timestamp") else None,
		seq=seq,
		metrics=tuple(metrics),
		uuid=message.uuid,
	)


def metric(name: str = "", value=None, *, alias=None, datatype=None, timestamp=None) -> SparkplugMetric:
	"""A metric to encode; its datatype inferred from the value unless given."""
	datatype = infer_datatype(value) if datatype is None else datatype
	return SparkplugMetric(name, value, alias, timestamp, datatype, is_null=value is None)


def encode_payload(
	metrics: Iterable[SparkplugMetric],
	timestamp: int | None = None,
	seq: int | None = None,
	uuid: str = "",
	bare_aliases: bool = False,
) -> bytes:
	"""Payload bytes (for the tests and the simulator). A metric with no name goes by its alias; with
	``bare_aliases`` it carries no datatype either (its birth gave it), its value still in the field
	its datatype names."""
	message = PayloadMessage()
	if timestamp is not None:
		message.timestamp = timestamp
	if seq is not None:
		message.seq = seq % SEQ_MODULO
	if uuid:
		message.uuid = uuid
	for item in metrics:
		row = message.metrics.add()
		if item.name:
			row.name = item.name
		if item.alias is not None:
			row.alias = item.alias
		if item.timestamp is not None:
			row.timestamp = item.timestamp
		if item.datatype and not (bare_aliases and item.alias is not None and not item.name):
			row.datatype = item.datatype
		if item.is_historical:
			row.is_historical = True
		if item.is_transient:
			row.is_transient = True
		datatype = item.datatype or infer_datatype(item.value)
		if item.value is None or item.is_null:
			row.is_null = True
			continue
		field_name = VALUE_FIELD.get(datatype)
		if field_name is None:
			raise ValueError(f"cannot encode datatype {datatype}")
		value = item.value
		if field_name in ("int_value", "long_value"):
			# a negative number as its two's complement in its own width (an Int8's -1 as 255); the
			# decoder takes the sign-extended form some devices send as well
			bits = SIGNED_BITS.get(datatype, 32 if field_name == "int_value" else 64)
			value = int(value) & ((1 << bits) - 1)
		setattr(row, field_name, value)
	return message.SerializeToString()


def birth_payload(
	values: Mapping[str, object],
	timestamp: int,
	seq: int = 0,
	aliases: Mapping[str, int] | None = None,
	bd_seq: int | None = None,
	datatypes: Mapping[str, int] | None = None,
) -> bytes:
	"""An NBIRTH (seq 0, with the session's ``bdSeq``) or a DBIRTH (the node's next seq): every metric
	by name, datatype and, when given, alias."""
	aliases, datatypes = aliases or {}, datatypes or {}
	metrics = [metric(BD_SEQ, bd_seq, datatype=DataType.INT64)] if bd_seq is not None else []
	metrics += [
		metric(name, value, alias=aliases.get(name), datatype=datatypes.get(name))
		for name, value in values.items()
	]
	return encode_payload(metrics, timestamp, seq)


def data_payload(
	values: Mapping[str, object],
	timestamp: int,
	seq: int,
	aliases: Mapping[str, int] | None = None,
	datatypes: Mapping[str, int] | None = None,
) -> bytes:
	"""An NDATA or DDATA: a metric with an alias goes by the alias alone, without name or datatype, as
	a thrifty edge node sends it; the rest by name. ``datatypes`` are the birth's, when not inferred."""
	aliases, datatypes = aliases or {}, datatypes or {}
	metrics = [
		metric("" if name in aliases else name, value, alias=aliases.get(name), datatype=datatypes.get(name))
		for name, value in values.items()
	]
	return encode_payload(metrics, timestamp, seq, bare_aliases=True)


def death_payload(bd_seq: int, timestamp: int | None = None) -> bytes:
	"""An NDEATH: the node's MQTT will, naming the ``bdSeq`` of the birth it ends (no seq)."""
	return encode_payload([metric(BD_SEQ, bd_seq, datatype=DataType.INT64)], timestamp)


def rebirth_command(timestamp: int) -> bytes:
	"""An NCMD asking the node to send its births again (after a gap or an unknown alias)."""
	return encode_payload([metric(REBIRTH, True)], timestamp)


# ------------------------------------------------------------------ a host's view of an edge node
@dataclass
class Node:
	"""What a host keeps of one edge node between its messages (``to_dict`` for the site's cache)."""

	online: bool = False
	bd_seq: int | None = None
	# the seq of the node's last message
	seq: int | None = None
	# per device ("" for the node itself): alias -> (name, datatype), from the births
	aliases: dict[str, dict[int, tuple[str, int]]] = field(default_factory=dict)
	# the devices born since the node's birth and not dead since
	devices: set[str] = field(default_factory=set)

	def to_dict(self) -> dict:
		return {
			"online": self.online,
			"bd_seq": self.bd_seq,
			"seq": self.seq,
			"aliases": {d: {str(a): list(v) for a, v in t.items()} for d, t in self.aliases.items()},
			"devices": sorted(self.devices),
		}

	@classmethod
	def from_dict(cls, data: Mapping) -> "Node":
		return cls(
			online=bool(data.get("online")),
			bd_seq=data.get("bd_seq"),
			seq=data.get("seq"),
			aliases={
				d: {int(a): (v[0], int(v[1])) for a, v in t.items()}
				for d, t in (data.get("aliases") or {}).items()
			},
			devices=set(data.get("devices") or ()),
		)

	def resolve(self, device: str, alias: int) -> tuple[str, int] | None:
		"""An alias's name and datatype: the device's own birth first, then the node's."""
		return self.aliases.get(device, {}).get(alias) or self.aliases.get("", {}).get(alias)


@dataclass(frozen=True)
class Gap:
	"""A seq that did not follow the one before it."""

	expected: int
	got: int

	@property
	def missed(self) -> int:
		"""How many messages went missing (counting round the 0..255 wrap)."""
		return (self.got - self.expected) % SEQ_MODULO


@dataclass(frozen=True)
class Received:
	"""One message as the host understands it: the metrics with their names resolved from the aliases
	and their timestamps filled from the payload's; what was refused; whether a seq was skipped;
	whether the node or device died (``offline``: the devices that went with it); whether to ask for a
	rebirth; whether it was delivered twice. For STATE, ``online`` is the host application's state."""

	topic: Topic | None
	timestamp: int | None = None
	seq: int | None = None
	metrics: tuple[SparkplugMetric, ...] = ()
	refusals: tuple[model.Refusal, ...] = ()
	gap: Gap | None = None
	birth: bool = False
	death: bool = False
	offline: tuple[str, ...] = ()
	rebirth: bool = False
	online: bool | None = None
	# the same seq as the message before: a redelivery, not a gap
	repeated: bool = False


def next_seq(seq: int | None) -> int:
	return 0 if seq is None else (seq + 1) % SEQ_MODULO


def _bd_seq(payload: Payload) -> int | None:
	value = next((m.value for m in payload.metrics if m.name == BD_SEQ), None)
	return value if isinstance(value, int) and not isinstance(value, bool) else None


def _alias_table(payload: Payload) -> dict[int, tuple[str, int]]:
	return {m.alias: (m.name, m.datatype) for m in payload.metrics if m.alias is not None and m.name}


def parse_state(topic: Topic, data: bytes) -> Received:
	"""A host application's STATE: JSON ``{"online": true, "timestamp": ...}`` (Sparkplug 3.0), or the
	plain ``ONLINE`` / ``OFFLINE`` of 2.2."""
	text = bytes(data or b"")[:1024].decode("utf-8", "replace").strip()
	if text in ("ONLINE", "OFFLINE"):
		return Received(topic, online=text == "ONLINE")
	try:
		state = json.loads(text)
		online, timestamp = state["online"], state.get("timestamp")
		if not isinstance(online, bool):
			raise ValueError
	except (ValueError, KeyError, TypeError, AttributeError):
		refusal = model.Refusal(model.Reason.MALFORMED_PAYLOAD, None, "STATE", text[:80])
		return Received(topic, refusals=(refusal,))
	return Received(topic, timestamp=timestamp if isinstance(timestamp, int) else None, online=online)


def receive(node: Node, topic: Topic, data: bytes) -> Received:
	"""One message of an edge node, read against (and updating) what the host knows of it.

	An NBIRTH starts the node's session afresh (its aliases, seq 0, its bdSeq); a DBIRTH adds a
	device's aliases; a seq that does not follow is a gap; DATA before its birth, an alias no birth
	gave, or a gap asks for a rebirth. An NDEATH whose bdSeq is not the birth's is an old session's
	will, late: it is ignored."""
	if topic.message_type == MessageType.STATE:
		return parse_state(topic, data)
	try:
		payload = decode_payload(data)
	except SparkplugError as error:
		return Received(topic, refusals=(model.Refusal(error.reason, None, "", error.detail),))
	kind, device = topic.message_type, topic.device
	refusals: list[model.Refusal] = []
	gap, rebirth, repeated = None, False, False

	if kind == MessageType.NDEATH:
		bd_seq = _bd_seq(payload)
		if node.bd_seq is not None and bd_seq is not None and bd_seq != node.bd_seq:
			stale = model.Refusal(model.Reason.STALE_DEATH, None, BD_SEQ, f"{bd_seq}, not {node.bd_seq}")
			return Received(topic, payload.timestamp, refusals=(stale,))
		offline = tuple(sorted(node.devices))
		node.online, node.seq, node.devices = False, None, set()
		return Received(topic, payload.timestamp, death=True, offline=offline)

	if kind == MessageType.NBIRTH:
		node.online, node.seq, node.bd_seq = True, payload.seq, _bd_seq(payload)
		node.aliases, node.devices = {"": _alias_table(payload)}, set()
	elif kind in MessageType.SEQUENCED:
		if not node.online:
			refusals.append(model.Refusal(model.Reason.NO_BIRTH, None, topic.edge_node, "no NBIRTH seen"))
			rebirth = True
		if payload.seq is None:
			refusals.append(model.Refusal(model.Reason.MALFORMED_PAYLOAD, None, "seq", "no seq"))
			rebirth = True
		elif node.seq is not None and payload.seq == node.seq and kind != MessageType.DBIRTH:
			# the broker delivered the last message again (QoS 1): its readings are idempotent
			repeated = True
		else:
			if node.seq is not None and payload.seq != next_seq(node.seq):
				gap, rebirth = Gap(next_seq(node.seq), payload.seq), True
			node.seq = payload.seq
		if kind == MessageType.DBIRTH:
			node.aliases[device] = _alias_table(payload)
			node.devices.add(device)
		elif kind == MessageType.DDEATH:
			node.devices.discard(device)
			return Received(
				topic,
				payload.timestamp,
				payload.seq,
				refusals=tuple(refusals),
				gap=gap,
				death=True,
				rebirth=rebirth,
				repeated=repeated,
			)
		elif kind == MessageType.DDATA and node.online and device not in node.devices:
			refusals.append(model.Refusal(model.Reason.NO_BIRTH, None, device, "no DBIRTH seen"))
			rebirth = True

	metrics = []
	for index, item in enumerate(payload.metrics):
		name, datatype = item.name, item.datatype
		if item.alias is not None and (not name or not datatype):
			known = node.resolve(device, item.alias)
			if known is None and not name:
				refusals.append(model.Refusal(model.Reason.UNKNOWN_ALIAS, index, f"alias:{item.alias}"))
				rebirth = True
				continue
			if known is not None:
				name, datatype = name or known[0], datatype or known[1]
		if not name:
			refusals.append(model.Refusal(model.Reason.MALFORMED_PAYLOAD, index, "", "no name or alias"))
			continue
		if item.value is None and not item.is_null:
			refusals.append(model.Refusal(model.Reason.UNSUPPORTED_VALUE, index, name))
			continue
		metrics.append(
			SparkplugMetric(
				name=name,
				value=coerce(item.value, datatype) if item.datatype == DataType.UNKNOWN else item.value,
				alias=item.alias,
				timestamp=item.timestamp if item.timestamp is not None else payload.timestamp,
				datatype=datatype,
				is_null=item.is_null,
				is_historical=item.is_historical,
				is_transient=item.is_transient,
			)
		)
	return Received(
		topic,
		payload.timestamp,
		payload.seq,
		tuple(metrics),
		tuple(refusals),
		gap,
		birth=kind in MessageType.BIRTHS,
		rebirth=rebirth,
		repeated=repeated,
	)


class Host:
	"""A host application's view of every edge node it hears, by group and edge node id."""

	def __init__(self, nodes: Mapping[str, Node] | None = None):
		self.nodes: dict[str, Node] = dict(nodes or {})

	def receive(self, topic: str, data: bytes) -> Received:
		"""One MQTT message: its topic parsed (a bad one refused) and its payload read against its node."""
		try:
			parsed = parse_topic(topic)
		except SparkplugError as error:
			return Received(None, refusals=(model.Refusal(error.reason, None, "topic", error.detail),))
		if parsed.message_type == MessageType.STATE:
			return parse_state(parsed, data)
		return receive(self.nodes.setdefault(f"{parsed.group}/{parsed.edge_node}", Node()), parsed, data)

	def to_dict(self) -> dict:
		return {key: node.to_dict() for key, node in self.nodes.items()}

	@classmethod
	def from_dict(cls, data: Mapping) -> "Host":
		return cls({key: Node.from_dict(value) for key, value in data.items()})


# ------------------------------------------------------------------ to the model's readings
def is_housekeeping(name: str) -> bool:
	return name == BD_SEQ or name.startswith(HOUSEKEEPING_PREFIXES)


def to_parsed(
	received: Received, device: str, now: model.Datetime, limits: model.Limits | None = None
) -> model.Parsed:
	"""A received message as the model's readings and alarm events of ``device`` (the app's device the
	topic's source maps onto), with the same refusals as the JSON payload's (``entry`` is the metric's
	place in the payload). Housekeeping metrics and null values are passed over; a death yields none."""
	limits = limits or model.Limits()
	refusals = list(received.refusals)
	if received.death or received.topic is None or received.topic.message_type == MessageType.STATE:
		return model.Parsed([], refusals, [], None)
	readings, alarms, seen = [], [], None
	for index, item in enumerate(received.metrics):
		if item.is_null or is_housekeeping(item.name):
			continue
		try:
			if item.timestamp is None:
				raise model.TelemetryError(model.Reason.MISSING_TIME)
			try:
				time = model.from_millis(item.timestamp, limits.to_local)
			except (OverflowError, ValueError) as error:
				raise model.TelemetryError(model.Reason.BAD_TIME, str(item.timestamp)) from error
			if not model.EARLIEST_YEAR <= time.year <= model.LATEST_YEAR:
				raise model.TelemetryError(model.Reason.BAD_TIME, str(item.timestamp))
			model.check_time(time, device, now, limits)
			if item.name.startswith(ALARM_PREFIX):
				code = model.alarm_code(item.name[len(ALARM_PREFIX) :])
				if not code or not isinstance(item.value, bool):
					raise model.TelemetryError(model.Reason.BAD_ALARM, "an alarm is a Boolean")
				state = model.AlarmState.ACTIVE if item.value else model.AlarmState.CLEARED
				alarms.append(model.AlarmEvent(device, code, state, time, item.name[len(ALARM_PREFIX) :]))
			else:
				name = model.metric_name(item.name, limits.metrics)
				if name is None:
					raise model.TelemetryError(model.Reason.UNKNOWN_METRIC)
				readings.append(
					model.Reading(device, name, time, model.check_value(name, item.value, limits.metrics))
				)
		except model.TelemetryError as error:
			refusals.append(model.Refusal(error.reason, index, item.name[:140], error.detail))
			continue
		seen = time if seen is None or time > seen else seen
	readings, conflicts = model.dedupe(readings)
	refusals += [
		model.Refusal(model.Reason.CONFLICTING_VALUE, None, r.metric, f"{r.value:g}") for r in conflicts
	]
	return model.Parsed(readings, refusals, model.dedupe_alarms(alarms), seen)
