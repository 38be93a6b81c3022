"""``genset-edge-simulate``: a controller that is not there, for commissioning and tests. Serves raw
register values (a JSON file: ``{"registers": {"1024": 412, ...}}``) over Modbus TCP with pymodbus's own
simulator (``ModbusSimulatorServer``), whose HTTP API sets a register while it runs
(``POST /restapi/registers {"submit": "Set", "register": 39425, "value": 12288}``)."""

import argparse
import asyncio
import json
import pathlib
import tempfile

SIZE = 40_000


def setup(registers: dict[int, int], host: str, port: int) -> dict:
	"""The simulator's setup: the given registers hold their values and never change by themselves; the
	other registers of their 256-register pages read 0 (a register outside them answers "illegal data
	address", as a real controller's does)."""
	pages = {address // 256 for address in registers}
	cells = {a: 0 for page in pages for a in range(page * 256, page * 256 + 256) if a < SIZE}
	cells.update(registers)
	return {
		"server_list": {
			"server": {
				"comm": "tcp",
				"host": host,
				"port": port,
				"ignore_missing_devices": False,
				"framer": "socket",
				"identity": {"VendorName": "genset-edge simulate", "ProductName": "controller"},
			}
		},
		"device_list": {
			"device": {
				"setup": {
					"co size": 16,
					"di size": 16,
					"hr size": SIZE,
					"ir size": SIZE,
					"shared blocks": True,
					"type exception": False,
					"defaults": {
						"value": {
							"bits": 0,
							"uint16": 0,
							"uint32": 0,
							"float32": 0.0,
							"float64": 0.0,
							"string": " ",
						},
						"action": {
							"bits": None,
							"uint16": None,
							"uint32": None,
							"float32": None,
							"float64": None,
							"string": None,
						},
					},
				},
				"invalid": [],
				"write": [],
				"bits": [],
				"uint16": [
					{"addr": address, "value": value, "action": None}
					for address, value in sorted(cells.items())
				],
				"uint32": [],
				"float32": [],
				"float64": [],
				"string": [],
				"repeat": [],
			}
		},
	}


def read_fixture(path: str) -> dict[int, int]:
	data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
	return {int(address): int(value) for address, value in data["registers"].items()}


async def serve(registers: dict[int, int], host: str, port: int, http_port: int | None) -> None:
	from pymodbus.server import ModbusSimulatorServer

	with tempfile.TemporaryDirectory() as folder:
		path = pathlib.Path(folder) / "setup.json"
		path.write_text(json.dumps(setup(registers, host, port)))
		server = ModbusSimulatorServer(
			modbus_server="server",
			modbus_device="device",
			http_host=host if http_port else None,
			http_port=http_port,
			log_file=str(pathlib.Path(folder) / "server.log"),
			json_file=str(path),
		)
		await server.run_forever()


def main(argv=None) -> None:
	parser = argparse.ArgumentParser(prog="genset-edge-simulate", description=__doc__)
	parser.add_argument("--fixture", required=True, help="JSON file of raw register values")
	parser.add_argument("--host", default="127.0.0.1")
	parser.add_argument("--port", type=int, default=5020)
	parser.add_argument("--http-port", type=int, default=0, help="the simulator's HTTP API (0: none)")
	args = parser.parse_args(argv)
	asyncio.run(serve(read_fixture(args.fixture), args.host, args.port, args.http_port or None))


if __name__ == "__main__":  # pragma: no cover
	main()
