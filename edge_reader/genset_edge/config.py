"""The reader's one configuration file (TOML), read and checked: a clear message for each mistake."""

import pathlib
import socket
from dataclasses import dataclass, field

try:  # Python 3.11+
	import tomllib
except ModuleNotFoundError:  # pragma: no cover - 3.9 and 3.10 gateways
	import tomli as tomllib

from genset_edge.registers import RegisterMap, load_map


class ConfigError(ValueError):
	"""A configuration that cannot be used, with what is wrong."""


@dataclass(frozen=True)
class Mqtt:
	host: str = "127.0.0.1"
	port: int = 1883
	tls: bool = False
	ca_file: str = ""
	username: str = ""
	password: str = ""
	client_id: str = ""
	keepalive: int = 60
	topic: str = "genset/{device}/telemetry"
	status_topic: str = "genset-edge/{reader_id}/status"


@dataclass(frozen=True)
class Controller:
	device: str
	map: RegisterMap
	host: str
	port: int = 502
	unit_id: int = 1
	interval: float = 10.0


@dataclass(frozen=True)
class Config:
	reader_id: str
	mqtt: Mqtt
	buffer_path: str
	max_messages: int
	timeout: float
	controllers: tuple[Controller, ...] = field(default_factory=tuple)
	status_every: float = 30.0

	def topic(self, device: str) -> str:
		return self.mqtt.topic.format(device=device, reader_id=self.reader_id)

	@property
	def status_topic(self) -> str:
		return self.mqtt.status_topic.format(reader_id=self.reader_id)

	@property
	def client_id(self) -> str:
		return self.mqtt.client_id or f"genset-edge-{self.reader_id}"[:64]


def _number(section: dict, key: str, default, low, high, where: str):
	value = section.get(key, default)
	if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
		raise ConfigError(f"{where}.{key} must be a number from {low} to {high}, not {value!r}")
	return value


def parse(data: dict) -> Config:
	reader_id = str(data.get("reader_id") or socket.gethostname())
	section = data.get("mqtt") or {}
	mqtt = Mqtt(
		host=str(section.get("host", "127.0.0.1")),
		port=int(_number(section, "port", 1883, 1, 65535, "mqtt")),
		tls=bool(section.get("tls", False)),
		ca_file=str(section.get("ca_file", "")),
		username=str(section.get("username", "")),
		password=str(section.get("password", "")),
		client_id=str(section.get("client_id", "")),
		keepalive=int(_number(section, "keepalive", 60, 5, 3600, "mqtt")),
		topic=str(section.get("topic", Mqtt.topic)),
		status_topic=str(section.get("status_topic", Mqtt.status_topic)),
	)
	if "{device}" not in mqtt.topic:
		raise ConfigError("mqtt.topic must hold {device}, e.g. genset/{device}/telemetry")
	buffer = data.get("buffer") or {}
	controllers, seen = [], set()
	rows = data.get("controller") or []
	if not rows:
		raise ConfigError("no [[controller]]: name at least one controller to read")
	for index, row in enumerate(rows):
		where = f"controller[{index}]"
		device = str(row.get("device") or "").strip()
		if not device or any(c in device for c in "/+# "):
			raise ConfigError(
				f"{where}.device must be the app's Device ID (no / + # or spaces), not {device!r}"
			)
		if device in seen:
			raise ConfigError(f"{where}.device {device} is listed twice")
		seen.add(device)
		if not row.get("host"):
			raise ConfigError(f"{where}.host is missing (the controller's or gateway's address)")
		try:
			register_map = load_map(str(row.get("map") or ""))
		except ValueError as error:
			raise ConfigError(f"{where}.map: {error}") from error
		controllers.append(
			Controller(
				device=device,
				map=register_map,
				host=str(row["host"]),
				port=int(_number(row, "port", 502, 1, 65535, where)),
				unit_id=int(_number(row, "unit_id", 1, 0, 255, where)),
				interval=float(_number(row, "interval", 10, 0.2, 86400, where)),
			)
		)
	return Config(
		reader_id=reader_id,
		mqtt=mqtt,
		buffer_path=str(buffer.get("path", "/var/lib/genset-edge/buffer.sqlite")),
		max_messages=int(_number(buffer, "max_messages", 200_000, 100, 100_000_000, "buffer")),
		timeout=float(_number(data.get("modbus") or {}, "timeout", 3.0, 0.1, 60, "modbus")),
		controllers=tuple(controllers),
		status_every=float(_number(data.get("status") or {}, "every", 30, 1, 3600, "status")),
	)


def load(path: str) -> Config:
	try:
		data = tomllib.loads(pathlib.Path(path).read_text(encoding="utf-8"))
	except FileNotFoundError as error:
		raise ConfigError(f"no configuration file at {path}") from error
	except tomllib.TOMLDecodeError as error:
		raise ConfigError(f"{path}: {error}") from error
	return parse(data)
