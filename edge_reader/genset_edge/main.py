"""``genset-edge-reader --config /etc/genset-edge/reader.toml``: read the controllers, buffer, publish.

Runs until SIGTERM or SIGINT (systemd stops it so), then sends what waits for a few seconds and says
it is offline. ``--check`` reads the configuration and each map, prints what it would read, and exits."""

import argparse
import asyncio
import logging
import signal
import sys

from genset_edge import __version__
from genset_edge.buffer import Buffer
from genset_edge.config import ConfigError, load
from genset_edge.poller import Poller
from genset_edge.sender import Sender


def main(argv=None) -> int:
	parser = argparse.ArgumentParser(prog="genset-edge-reader", description=__doc__)
	parser.add_argument("--config", default="/etc/genset-edge/reader.toml")
	parser.add_argument("--check", action="store_true", help="check the configuration and exit")
	parser.add_argument("--verbose", action="store_true")
	parser.add_argument("--version", action="version", version=__version__)
	args = parser.parse_args(argv)
	logging.basicConfig(
		level=logging.DEBUG if args.verbose else logging.INFO,
		format="%(asctime)s %(levelname)s %(name)s %(message)s",
	)
	try:
		config = load(args.config)
	except ConfigError as error:
		print(f"genset-edge-reader: {error}", file=sys.stderr)
		return 2
	if args.check:
		for controller in config.controllers:
			blocks = ", ".join(f"{start}+{count}" for start, count in controller.map.blocks())
			print(
				f"{controller.device}: {controller.map.family} at {controller.host}:{controller.port} unit "
				f"{controller.unit_id} every {controller.interval:g} s; reads {blocks}; publishes to "
				f"{config.topic(controller.device)}"
			)
		print(
			f"buffer {config.buffer_path} (at most {config.max_messages} messages); broker {config.mqtt.host}:{config.mqtt.port}"
		)
		return 0
	buffer = Buffer(config.buffer_path, config.max_messages)
	poller = Poller(config, buffer)
	sender = Sender(config, buffer, poller.health)
	sender.start()
	loop = asyncio.new_event_loop()
	for signum in (signal.SIGTERM, signal.SIGINT):
		loop.add_signal_handler(signum, poller.stop)
	try:
		loop.run_until_complete(poller.run())
	finally:
		sender.stop()
		buffer.close()
		loop.close()
	return 0


if __name__ == "__main__":  # pragma: no cover
	sys.exit(main())
