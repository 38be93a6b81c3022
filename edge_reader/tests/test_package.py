"""Packaged for a site technician's ``pip install``: the wheel carries the maps and both commands, and
``--check`` tells what a configuration would read without touching a controller or a broker."""

import subprocess
import sys
import zipfile

EDGE = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_maps_and_the_commands(tmp_path):
	subprocess.run(
		[
			sys.executable,
			"-m",
			"pip",
			"wheel",
			"--no-deps",
			"--no-build-isolation",
			"-q",
			str(EDGE),
			"-w",
			str(tmp_path),
		],
		check=True,
	)
	(wheel,) = tmp_path.glob("genset_edge_reader-*.whl")
	names = set(zipfile.ZipFile(wheel).namelist())
	assert {"genset_edge/maps/dse_gencomm.json", "genset_edge/maps/comap_intelilite.json"} <= names
	entry_points = (
		zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
	)
	assert "genset-edge-reader=genset_edge.main:main" in entry_points.replace(" ", "")
	assert "genset-edge-simulate=genset_edge.simulator:main" in entry_points.replace(" ", "")


def test_check_names_what_it_will_read_and_a_mistake(tmp_path):
	config = tmp_path / "reader.toml"
	config.write_text((EDGE / "reader.example.toml").read_text())
	done = subprocess.run(
		[sys.executable, "-m", "genset_edge", "--config", str(config), "--check"],
		capture_output=True,
		text=True,
	)
	assert done.returncode == 0, done.stderr
	assert (
		"DSE890-0042: DSE at 192.168.10.20:502 unit 1 every 10 s; reads 1024+10, 1798+12, 39425+6"
		in done.stdout
	)
	config.write_text('[[controller]]\ndevice = "D"\nmap = "dse_gencomm"\n')
	done = subprocess.run(
		[sys.executable, "-m", "genset_edge", "--config", str(config), "--check"],
		capture_output=True,
		text=True,
	)
	assert done.returncode == 2 and "host is missing" in done.stderr
