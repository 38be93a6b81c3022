"""Publishing what waits in the buffer, oldest first, with QoS 1 (paho-mqtt 2.x): a message leaves the
buffer only once the broker acknowledged it, and the acknowledged ones leave in order, so a broken
connection sends the rest again from where it stopped (the app keeps a reading once, whatever is sent
twice). The reader's health goes to its status topic (retained), and its will says it went offline."""

import json
import logging
import ssl
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from genset_edge import __version__
from genset_edge.buffer import Buffer
from genset_edge.config import Config

log = logging.getLogger("genset_edge.sender")
WINDOW = 200
ACK_TIMEOUT = 10.0


class Sender:
	def __init__(self, config: Config, buffer: Buffer, health=None):
		self.config = config
		self.buffer = buffer
		self.health = health or {}
		self.connected = threading.Event()
		self.stopping = threading.Event()
		self.last_publish: float | None = None
		self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=config.client_id)
		if config.mqtt.username:
			self.client.username_pw_set(config.mqtt.username, config.mqtt.password or None)
		if config.mqtt.tls:
			self.client.tls_set(ca_certs=config.mqtt.ca_file or None, cert_reqs=ssl.CERT_REQUIRED)
		self.client.will_set(config.status_topic, json.dumps({"online": False}), qos=1, retain=True)
		self.client.reconnect_delay_set(min_delay=1, max_delay=30)
		self.client.max_inflight_messages_set(WINDOW)
		self.client.on_connect = self._on_connect
		self.client.on_disconnect = self._on_disconnect
		self.thread = threading.Thread(target=self.run, name="sender", daemon=True)

	def _on_connect(self, client, userdata, flags, reason_code, properties):
		if reason_code.is_failure:
			log.error(
				"broker %s:%s refused the reader: %s",
				self.config.mqtt.host,
				self.config.mqtt.port,
				reason_code,
			)
			return
		log.info("connected to %s:%s", self.config.mqtt.host, self.config.mqtt.port)
		self.connected.set()

	def _on_disconnect(self, client, userdata, flags, reason_code, properties):
		if self.connected.is_set():
			log.warning("broker connection lost (%s); the buffer keeps what is read", reason_code)
		self.connected.clear()

	def start(self) -> None:
		self.client.connect_async(
			self.config.mqtt.host, self.config.mqtt.port, keepalive=self.config.mqtt.keepalive
		)
		self.client.loop_start()
		self.thread.start()

	def stop(self, flush_seconds: float = 5.0) -> None:
		"""Send what waits for up to ``flush_seconds``, say offline, disconnect."""
		deadline = time.time() + flush_seconds
		while self.buffer.depth() and self.connected.is_set() and time.time() < deadline:
			time.sleep(0.1)
		self.stopping.set()
		self.thread.join(timeout=ACK_TIMEOUT + 2)
		if self.connected.is_set():
			self.client.publish(
				self.config.status_topic, json.dumps({"online": False}), qos=1, retain=True
			).wait_for_publish(2)
		self.client.disconnect()
		self.client.loop_stop()

	def run(self) -> None:
		last_status = 0.0
		while not self.stopping.is_set():
			if not self.connected.wait(timeout=0.5):
				continue
			if time.time() - last_status >= self.config.status_every:
				self.publish_status()
				last_status = time.time()
			rows = self.buffer.oldest(WINDOW)
			if not rows:
				time.sleep(0.1)
				continue
			self.send(rows)

	def send(self, rows) -> int:
		"""Publish a window of rows; drop from the buffer the acknowledged ones, in order, up to the first
		that was not. Returns how many left the buffer."""
		infos = []
		for row_id, topic, payload in rows:
			info = self.client.publish(topic, payload, qos=1)
			if info.rc != mqtt.MQTT_ERR_SUCCESS:
				break
			infos.append((row_id, info))
		acked = []
		deadline = time.time() + ACK_TIMEOUT
		for row_id, info in infos:
			while not info.is_published() and time.time() < deadline and self.connected.is_set():
				time.sleep(0.005)
			if not info.is_published():
				break
			acked.append(row_id)
		self.buffer.done(acked)
		if acked:
			self.last_publish = time.time()
		elif infos:
			time.sleep(0.5)  # nothing went: the connection is going; paho reconnects
		return len(acked)

	def status(self) -> dict:
		return {
			"online": True,
			"reader": self.config.reader_id,
			"version": __version__,
			"time": int(time.time()),
			"last_publish": int(self.last_publish) if self.last_publish else None,
			"buffer_depth": self.buffer.depth(),
			"buffer_cap": self.buffer.max_messages,
			"dropped": self.buffer.counter("dropped"),
			"sent": self.buffer.counter("sent"),
			"controllers": {
				device: {
					"connected": h.connected,
					"last_read": int(h.last_read) if h.last_read else None,
					"reads": h.reads,
					"failures": h.failures,
					"last_error": h.last_error,
				}
				for device, h in self.health.items()
			},
		}

	def publish_status(self) -> None:
		self.client.publish(self.config.status_topic, json.dumps(self.status()), qos=1, retain=True)
