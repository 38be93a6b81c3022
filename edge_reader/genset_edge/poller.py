"""Reading the controllers over Modbus TCP (pymodbus's asyncio client): each controller on its own
schedule, its map's registers in as few reads as the map allows, a message of what was read (its own
time, to the millisecond) into the buffer. A controller that does not answer is tried again with a
growing pause (1 s to 60 s), the others go on."""

import asyncio
import datetime
import json
import logging
import time
from dataclasses import dataclass, field

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from genset_edge.buffer import Buffer
from genset_edge.config import Config, Controller
from genset_edge.registers import alarm_changes, decode, decode_alarms

log = logging.getLogger("genset_edge.poller")
MAX_BACKOFF = 60.0


@dataclass
class Health:
	connected: bool = False
	last_read: float | None = None
	last_error: str = ""
	reads: int = 0
	failures: int = 0
	extra: dict = field(default_factory=dict)


class ReadError(Exception):
	pass


class Poller:
	def __init__(self, config: Config, buffer: Buffer, clock=time.time):
		self.config = config
		self.buffer = buffer
		self.clock = clock
		self.health = {c.device: Health() for c in config.controllers}
		self.stopping = asyncio.Event()

	async def run(self) -> None:
		await asyncio.gather(*(self.poll(c) for c in self.config.controllers))

	def stop(self) -> None:
		self.stopping.set()

	async def _sleep(self, seconds: float) -> bool:
		"""Sleep, or return True at once when stopping."""
		try:
			await asyncio.wait_for(self.stopping.wait(), timeout=max(0.0, seconds))
			return True
		except asyncio.TimeoutError:
			return False

	async def poll(self, controller: Controller) -> None:
		health = self.health[controller.device]
		client = AsyncModbusTcpClient(
			controller.host, port=controller.port, timeout=self.config.timeout, retries=0, reconnect_delay=0
		)
		backoff, next_at = 1.0, self.clock()
		memory_key = f"alarms:{controller.device}"
		memory = self.buffer.recall(memory_key, {})
		try:
			while not self.stopping.is_set():
				try:
					if not client.connected:
						await client.connect()
						if not client.connected:
							raise ReadError(f"no answer from {controller.host}:{controller.port}")
						log.info(
							"%s: connected to %s:%s", controller.device, controller.host, controller.port
						)
					health.connected = True
					moment = self.clock()
					words = await self.read(client, controller)
					message, memory = self.message(controller, words, memory, moment)
					self.buffer.put([(self.config.topic(controller.device), message)])
					self.buffer.remember(memory_key, memory)
					health.last_read, health.reads, health.last_error = moment, health.reads + 1, ""
					backoff = 1.0
					next_at += controller.interval
					if next_at < self.clock():
						next_at = self.clock()  # a slow read: the next one now, not a burst to catch up
				except (ReadError, ModbusException, OSError, asyncio.TimeoutError) as error:
					health.connected, health.failures, health.last_error = (
						False,
						health.failures + 1,
						str(error)[:200],
					)
					log.warning("%s: %s (again in %.0f s)", controller.device, error, backoff)
					client.close()
					if await self._sleep(backoff):
						break
					backoff = min(backoff * 2, MAX_BACKOFF)
					next_at = self.clock()
					continue
				if await self._sleep(next_at - self.clock()):
					break
		finally:
			client.close()

	async def read(self, client, controller: Controller) -> dict[int, int]:
		words = {}
		for start, count in controller.map.blocks():
			if controller.map.function == "input":
				answer = await client.read_input_registers(start, count=count, device_id=controller.unit_id)
			else:
				answer = await client.read_holding_registers(start, count=count, device_id=controller.unit_id)
			if answer.isError():
				raise ReadError(f"registers {start}..{start + count - 1}: {answer}")
			words.update(zip(range(start, start + count), answer.registers, strict=False))
		return words

	def message(
		self, controller: Controller, words: dict[int, int], memory: dict, moment: float
	) -> tuple[bytes, dict]:
		entry = {
			"time": datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).isoformat(
				timespec="milliseconds"
			),
			"metrics": decode(controller.map, words),
		}
		if controller.map.alarms:
			changes, memory = alarm_changes(memory, decode_alarms(controller.map.alarms, words))
			if changes:
				entry["alarms"] = changes
		return json.dumps(entry, separators=(",", ":")).encode(), memory
