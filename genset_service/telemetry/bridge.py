"""The MQTT bridge: a long-running process beside the site (``bench --site <site> genset-telemetry-bridge``)
that subscribes to the gensets' topics on a broker and feeds what they send into the same path as the
HTTP endpoint (``ingest.store``).

- paho-mqtt 2.x (``CallbackAPIVersion.VERSION2``), MQTT v5, QoS 1 with manual acknowledgement: a message
  is acknowledged only after the batch that holds it is committed, and the session outlives a restart
  (``clean_start`` off, a session expiry), so the broker sends again whatever a dead bridge had not
  acknowledged. A reading sent twice is kept once (its key is the device, the metric and the time).
- Messages are written in batches (``batch_size`` messages or ``batch_wait_ms``), one transaction each.
- Scaling out: bridges with the same ``shared_group`` subscribe to ``$share/<group>/<json topic>`` and the
  broker splits the messages between them (docs/deploy.md).
- Sparkplug B: births, data and deaths read against this bridge's own view of each edge node
  (``sparkplug.Host``); an alias no birth gave, data before a birth or a sequence gap asks the node for a
  rebirth (NCMD ``Node Control/Rebirth``); a gap and a death are kept as device events.
- A message that cannot be stored (the database away) is retried with a growing pause, never dropped; a
  batch that keeps failing is split, and a single message that fails three times is logged and dropped,
  so that one bad message never stops the others.
"""

import dataclasses
import json
import logging
import os
import queue
import signal
import socket
import ssl
import time

import frappe
from frappe.utils import cint
from frappe.utils.password import get_decrypted_password

from genset_service.telemetry import model, sparkplug
from genset_service.telemetry.common import EVENT, SETTINGS, EventType, now
from genset_service.telemetry.hours import EVENT_COLUMNS
from genset_service.telemetry.ingest import Message, known_devices, read_json, read_sparkplug, store

STATUS_KEY = "genset_telemetry_bridge:"
STATUS_SECONDS = 120
REBIRTH_EVERY = 30
MAX_TRIES = 3
SESSION_EXPIRY = 3600
# the Sparkplug messages that carry a node's or device's metrics (deaths yield none but are read for
# their refusals); commands and STATE are other hosts' business
READ_TYPES = (*sparkplug.MessageType.BIRTHS, *sparkplug.MessageType.SEQUENCED, sparkplug.MessageType.NDEATH)


@dataclasses.dataclass
class Config:
	host: str = "127.0.0.1"
	port: int = 1883
	tls: bool = False
	ca_file: str = ""
	username: str = ""
	password: str = ""
	keepalive: int = 60
	json_topic: str = model.JSON_TOPIC
	sparkplug_topic: str = "spBv1.0/#"
	host_id: str = "genset_service"
	shared_group: str = ""
	share_sparkplug: bool = False
	batch_size: int = 500
	batch_wait: float = 0.2
	client_id: str = ""

	def subscriptions(self) -> list[str]:
		out = []
		if self.json_topic:
			out.append(model.shared(self.json_topic, self.shared_group))
		if self.sparkplug_topic:
			out.append(model.shared(self.sparkplug_topic, self.shared_group if self.share_sparkplug else ""))
		return out


def config_from_settings(**overrides) -> Config:
	values = frappe.get_single(SETTINGS)
	password = get_decrypted_password(SETTINGS, SETTINGS, "mqtt_password", raise_exception=False) or ""
	config = Config(
		host=values.mqtt_host or "127.0.0.1",
		port=cint(values.mqtt_port) or 1883,
		tls=bool(values.mqtt_tls),
		ca_file=values.mqtt_ca_file or "",
		username=values.mqtt_username or "",
		password=password,
		keepalive=cint(values.mqtt_keepalive) or 60,
		json_topic=values.json_topic or "",
		sparkplug_topic=values.sparkplug_topic or "",
		host_id=values.sparkplug_host_id or "genset_service",
		shared_group=values.shared_group or "",
		share_sparkplug=bool(values.share_sparkplug),
		batch_size=max(1, cint(values.batch_size) or 500),
		batch_wait=max(0, cint(values.batch_wait_ms) or 200) / 1000,
		client_id=f"genset-bridge-{socket.gethostname()}"[:64],
	)
	return dataclasses.replace(config, **{k: v for k, v in overrides.items() if v is not None})


class Bridge:
	def __init__(
		self, site: str, config: Config, max_messages: int = 0, max_seconds: float = 0, verbose=True
	):
		self.site = site
		self.config = config
		self.max_messages = max_messages
		self.max_seconds = max_seconds
		self.inbox: queue.Queue = queue.Queue()
		self.stopping = False
		self.host = sparkplug.Host()
		self.rebirths: dict[str, float] = {}
		self.stats = {
			"messages": 0,
			"stored": 0,
			"duplicates": 0,
			"refused": 0,
			"failed": 0,
			"batches": 0,
			"gaps": 0,
			"retries": 0,
		}
		self.connected = False
		self.started = time.time()
		self.log = logging.getLogger("genset_telemetry_bridge")
		if verbose and not self.log.handlers:
			handler = logging.StreamHandler()
			handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
			self.log.addHandler(handler)
			self.log.setLevel(logging.INFO)
		self.client = self._client()

	# ------------------------------------------------------------------ MQTT
	def _client(self):
		import paho.mqtt.client as mqtt
		from paho.mqtt.enums import CallbackAPIVersion

		client = mqtt.Client(
			CallbackAPIVersion.VERSION2,
			client_id=self.config.client_id,
			protocol=mqtt.MQTTv5,
			manual_ack=True,
		)
		if self.config.username:
			client.username_pw_set(self.config.username, self.config.password or None)
		if self.config.tls:
			client.tls_set(ca_certs=self.config.ca_file or None, cert_reqs=ssl.CERT_REQUIRED)
		if self.config.sparkplug_topic:
			client.will_set(self.state_topic, self._state(False), qos=1, retain=True)
		client.reconnect_delay_set(min_delay=1, max_delay=30)
		client.on_connect = self.on_connect
		client.on_disconnect = self.on_disconnect
		client.on_message = self.on_message
		return client

	@property
	def state_topic(self) -> str:
		return f"{sparkplug.NAMESPACE}/STATE/{self.config.host_id}"

	def _state(self, online: bool) -> str:
		return json.dumps({"online": online, "timestamp": int(time.time() * 1000)})

	def on_connect(self, client, userdata, flags, reason_code, properties):
		if reason_code.is_failure:
			self.log.error(
				"broker %s:%s refused the bridge: %s", self.config.host, self.config.port, reason_code
			)
			return
		from paho.mqtt.subscribeoptions import SubscribeOptions

		self.connected = True
		# noLocal: the bridge's own rebirth commands and STATE do not come back to it
		topics = [(topic, SubscribeOptions(qos=1, noLocal=True)) for topic in self.config.subscriptions()]
		if topics:
			client.subscribe(topics)
		if self.config.sparkplug_topic:
			client.publish(self.state_topic, self._state(True), qos=1, retain=True)
		self.log.info(
			"connected to %s:%s as %s, subscribed to %s",
			self.config.host,
			self.config.port,
			self.config.client_id,
			", ".join(t for t, _o in topics),
		)

	def on_disconnect(self, client, userdata, flags, reason_code, properties):
		self.connected = False
		if not self.stopping:
			self.log.warning("disconnected from the broker (%s); reconnecting", reason_code)

	def on_message(self, client, userdata, message):
		self.inbox.put(message)

	def connect(self) -> None:
		from paho.mqtt.packettypes import PacketTypes
		from paho.mqtt.properties import Properties

		properties = Properties(PacketTypes.CONNECT)
		properties.SessionExpiryInterval = SESSION_EXPIRY
		properties.ReceiveMaximum = min(65535, self.config.batch_size * 2)
		self.client.connect_async(
			self.config.host,
			self.config.port,
			keepalive=self.config.keepalive,
			clean_start=False,
			properties=properties,
		)
		self.client.loop_start()

	# ------------------------------------------------------------------ the loop
	def run(self) -> dict:
		"""Until stopped (SIGTERM, SIGINT), or ``max_messages`` handled, or ``max_seconds`` gone."""
		for signum in (signal.SIGTERM, signal.SIGINT):
			signal.signal(signum, self._stop)
		self.connect()
		last_status = 0.0
		try:
			while not self._done():
				batch = self._take()
				if batch:
					self.handle(batch)
				if time.time() - last_status > 10:
					self.report()
					last_status = time.time()
		finally:
			self.stopping = True
			if self.config.sparkplug_topic and self.connected:
				self.client.publish(
					self.state_topic, self._state(False), qos=1, retain=True
				).wait_for_publish(2)
			self.client.disconnect()
			self.client.loop_stop()
			self.report()
		return dict(self.stats)

	def _stop(self, *_args) -> None:
		self.stopping = True

	def _done(self) -> bool:
		if self.stopping:
			return True
		if self.max_messages and self.stats["messages"] >= self.max_messages:
			return True
		return bool(self.max_seconds and time.time() - self.started >= self.max_seconds)

	def _take(self) -> list:
		"""A batch: the first message waited for (up to a second), then what arrives within the batch
		wait, up to the batch size."""
		try:
			first = self.inbox.get(timeout=1)
		except queue.Empty:
			return []
		batch, deadline = [first], time.time() + self.config.batch_wait
		while len(batch) < self.config.batch_size:
			try:
				batch.append(self.inbox.get(timeout=max(0, deadline - time.time())))
			except queue.Empty:
				break
		return batch

	def handle(self, batch: list) -> None:
		"""Store a batch, retried until the database takes it; split when it keeps failing."""
		tries, pause = 0, 1.0
		while True:
			try:
				self.process(batch)
				break
			except Exception:
				tries += 1
				self.stats["retries"] += 1
				self._recover()
				self.log.exception("a batch of %s messages could not be stored (try %s)", len(batch), tries)
				if tries >= MAX_TRIES and len(batch) > 1:
					for message in batch:
						self.handle([message])
					return
				if tries >= MAX_TRIES:
					self.stats["failed"] += 1
					self._log_failure(batch[0])
					break
				time.sleep(pause)
				pause = min(pause * 2, 30)
		for message in batch:
			if message.qos:
				self.client.ack(message.mid, message.qos)
		self.stats["messages"] += len(batch)

	def _recover(self) -> None:
		try:
			frappe.db.rollback()
		except Exception:
			# the connection is gone (the database restarted): open a new one
			frappe.db.close()
			frappe.connect(site=self.site)
			frappe.set_user("Administrator")

	def _log_failure(self, message) -> None:
		try:
			frappe.log_error(
				f"Genset telemetry: a message on {message.topic} was dropped after {MAX_TRIES} tries",
				message=frappe.get_traceback(),
			)
			frappe.db.commit()
		except Exception:
			self._recover()

	# ------------------------------------------------------------------ a batch
	def process(self, batch: list) -> None:
		frappe.local.cache = {}  # the settings, devices and rules as they are now
		at = now()
		plain, spb = [], []
		for message in batch:
			device = (
				model.topic_device(self.config.json_topic, message.topic) if self.config.json_topic else None
			)
			if device:
				plain.append((device, message))
			elif message.topic.startswith(sparkplug.NAMESPACE + "/"):
				spb.append(message)
			else:
				self.log.warning("refused a message on %s: %s", message.topic, model.Reason.BAD_TOPIC)
				self.stats["refused"] += 1
		received = [(self.host.receive(m.topic, m.payload), m) for m in spb]
		senders = {d for d, _m in plain} | {self._sender(r) for r, _m in received if r.topic}
		known = known_devices(senders)
		read = [read_json(device, m.payload, known, at) for device, m in plain]
		events = []
		for result, message in received:
			sender = self._sender(result) if result.topic else ""
			events += self._node_events(result, sender, known, at)
			if result.rebirth and result.topic:
				self._ask_rebirth(result.topic)
			if result.topic and result.topic.message_type in READ_TYPES:
				read.append(read_sparkplug(sender, result, known, at))
			elif result.refusals:
				read.append(
					Message(sender or message.topic, model.Parsed([], list(result.refusals), [], None))
				)
		store(read, at)
		if events:
			frappe.db.bulk_insert(EVENT, EVENT_COLUMNS, events, ignore_duplicates=True)
		# a batch is one transaction, acknowledged once committed
		frappe.db.commit()  # nosemgrep
		self.stats["batches"] += 1
		for message in read:
			self.stats["stored"] += message.stored
			self.stats["duplicates"] += message.duplicates
			if message.parsed.refusals:
				self.stats["refused"] += len(message.parsed.refusals)
				first = message.parsed.refusals[0]
				self.log.info(
					"%s: %s refused (%s %s %s)",
					message.sender,
					len(message.parsed.refusals),
					first.reason,
					first.field,
					first.detail,
				)

	@staticmethod
	def _sender(received) -> str:
		"""The app's device a Sparkplug message speaks for: the topic's device, else its edge node."""
		return received.topic.device or received.topic.edge_node

	def _node_events(self, received, sender: str, known: dict, at) -> list[tuple]:
		"""A sequence gap and a death, as events of the device they concern (when it is known)."""
		device = known.get(sender)
		if not device or not received.topic:
			return []
		rows, user = [], frappe.session.user
		stamp = model.from_millis(received.timestamp, None) if received.timestamp else at
		if received.gap:
			self.stats["gaps"] += 1
			rows.append(
				(
					f"g:{sender}:{received.gap.expected}:{received.gap.got}:{stamp:%Y%m%d%H%M%S%f}",
					EventType.SEQUENCE_GAP,
					at,
					sender,
					device.unit,
					device.customer,
					"SEQUENCE_GAP",
					"",
					"Info",
					received.gap.missed,
					"",
					None,
					f"expected seq {received.gap.expected}, got {received.gap.got}: {received.gap.missed} message(s) lost; a rebirth was asked for",
					at,
					at,
					user,
					user,
				)
			)
		if received.death:
			rows.append(
				(
					f"d:{sender}:{received.topic.message_type}:{stamp:%Y%m%d%H%M%S%f}",
					EventType.OFFLINE,
					at,
					sender,
					device.unit,
					device.customer,
					received.topic.message_type,
					"",
					"Info",
					None,
					"",
					None,
					f"{received.topic.message_type}: the {'node' if received.topic.message_type == 'NDEATH' else 'device'} went offline",
					at,
					at,
					user,
					user,
				)
			)
		return rows

	def _ask_rebirth(self, topic) -> None:
		node = f"{topic.group}/{topic.edge_node}"
		if time.time() - self.rebirths.get(node, 0) < REBIRTH_EVERY:
			return
		self.rebirths[node] = time.time()
		self.client.publish(
			f"{sparkplug.NAMESPACE}/{topic.group}/NCMD/{topic.edge_node}",
			sparkplug.rebirth_command(int(time.time() * 1000)),
			qos=0,
		)
		self.log.info("asked %s for a rebirth", node)

	# ------------------------------------------------------------------ health
	def report(self) -> None:
		status = {
			"client_id": self.config.client_id,
			"host": socket.gethostname(),
			"pid": os.getpid(),
			"connected": self.connected,
			"subscriptions": self.config.subscriptions(),
			"since": int(self.started),
			"at": int(time.time()),
			"backlog": self.inbox.qsize(),
			**self.stats,
		}
		try:
			frappe.cache.set_value(STATUS_KEY + self.config.client_id, status, expires_in_sec=STATUS_SECONDS)
		except Exception:
			self.log.warning("could not write the bridge's status to Redis")
		self.log.info("%s", json.dumps(status))


def bridges() -> list[dict]:
	"""The bridges that reported in the last two minutes."""
	keys = frappe.cache.get_keys(STATUS_KEY)
	out = []
	for key in keys:
		name = key.decode() if isinstance(key, bytes) else key
		value = frappe.cache.get_value(name.split("|", 1)[-1], expires=True) if "|" in name else None
		if value:
			out.append(value)
	return sorted(out, key=lambda s: s.get("client_id", ""))


def run(site: str, **options) -> dict:
	"""The bench command's body (genset_service/commands.py)."""
	max_messages = options.pop("max_messages", 0) or 0
	max_seconds = options.pop("max_seconds", 0) or 0
	verbose = not options.pop("quiet", False)
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		config = config_from_settings(**options)
		return Bridge(site, config, max_messages, max_seconds, verbose).run()
	finally:
		frappe.destroy()
