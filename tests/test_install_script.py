"""The set-up script (install.sh) stops at once, naming what is missing and how to fix it.

Each case runs the real script with one prerequisite taken away (Node off PATH, an old Node, MariaDB
not listening, a wrong DB password, Redis not listening, sources that cannot be reached); none of them
gets as far as building anything. The cases that need the machine's MariaDB or Redis skip without them.
"""

import os
import pathlib
import shutil
import socket
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "install.sh"


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _listening(port: int) -> bool:
	try:
		socket.create_connection(("127.0.0.1", port), timeout=1).close()
		return True
	except OSError:
		return False


def _mariadb_root(sql: str) -> bool:
	client = shutil.which("mariadb") or shutil.which("mysql")
	if not client:
		return False
	return subprocess.run([client, "-u", "root", "-e", sql], capture_output=True).returncode == 0


def run(tmp_path, path=None, **env):
	"""The script as a newcomer runs it, on a bench folder that does not exist yet."""
	full = {
		**os.environ,
		"FRAPPE_BENCH_PATH": str(tmp_path / "bench"),
		"GENSET_NO_INSTALL": "1",  # a test never installs anything on the machine
		**env,
	}
	if path is not None:
		full["PATH"] = path
	return subprocess.run(
		["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=120, cwd=tmp_path
	)


def path_without(tmp_path, *tools, replace=None) -> str:
	"""A PATH holding every program of this one but `tools` (and `replace`d ones as given scripts)."""
	bin_dir = tmp_path / "bin"
	bin_dir.mkdir()
	for folder in os.environ["PATH"].split(os.pathsep):
		if not os.path.isdir(folder):
			continue
		for entry in os.scandir(folder):
			target = bin_dir / entry.name
			if entry.name in tools or target.exists() or not os.access(entry.path, os.X_OK):
				continue
			target.symlink_to(entry.path)
	for name, body in (replace or {}).items():
		script = bin_dir / name
		script.unlink(missing_ok=True)
		script.write_text(f"#!/bin/sh\n{body}\n")
		script.chmod(0o755)
	return str(bin_dir)


def test_the_script_is_valid_bash_and_executable():
	assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0
	assert os.access(SCRIPT, os.X_OK)


def test_no_node_stops_at_once_and_says_how_to_install_it(tmp_path):
	result = run(tmp_path, path=path_without(tmp_path, "node"))
	assert result.returncode == 1, result.stdout + result.stderr
	assert "Node.js is missing" in result.stderr
	assert "apt-get install nodejs" in result.stderr
	assert not (tmp_path / "bench").exists()


def test_an_old_node_is_refused_with_its_version(tmp_path):
	fake = {"node": 'case "$*" in *process.versions*) echo 16 ;; *) echo v16.20.0 ;; esac'}
	result = run(tmp_path, path=path_without(tmp_path, replace=fake))
	assert result.returncode == 1, result.stdout + result.stderr
	assert "Node.js 18+ is needed, this is v16.20.0" in result.stderr


def test_mariadb_down_is_named_with_host_port_and_the_fix(tmp_path):
	if not (shutil.which("mariadb") or shutil.which("mysql")):
		pytest.skip("no MariaDB client on this machine")
	port = _free_port()  # nothing listens there: a server that is down
	result = run(tmp_path, GENSET_DB_PORT=str(port))
	assert result.returncode == 1, result.stdout + result.stderr
	assert f"MariaDB is not reachable at 127.0.0.1:{port}" in result.stderr
	assert "start it" in result.stderr
	assert not (tmp_path / "bench").exists()


def test_a_wrong_db_password_is_named_as_such(tmp_path):
	if not _listening(3306) or not _mariadb_root(
		"CREATE USER IF NOT EXISTS 'genset_setup_probe'@'%' IDENTIFIED BY 'right';"
		"CREATE USER IF NOT EXISTS 'genset_setup_probe'@'localhost' IDENTIFIED BY 'right';"
	):
		pytest.skip("no local MariaDB whose root logs in here")
	try:
		result = run(tmp_path, GENSET_DB_ROOT_USER="genset_setup_probe", GENSET_DB_ROOT_PASSWORD="wrong")
	finally:
		_mariadb_root(
			"DROP USER IF EXISTS 'genset_setup_probe'@'%'; DROP USER IF EXISTS 'genset_setup_probe'@'localhost';"
		)
	assert result.returncode == 1, result.stdout + result.stderr
	assert "MariaDB refused genset_setup_probe: wrong password" in result.stderr
	assert "GENSET_DB_ROOT_PASSWORD" in result.stderr


def _prerequisites_here() -> bool:
	return _listening(3306) and _listening(6379) and _mariadb_root("SELECT 1")


def test_redis_down_is_named(tmp_path):
	if not _prerequisites_here():
		pytest.skip("no local MariaDB and Redis")
	port = _free_port()
	result = run(tmp_path, GENSET_REDIS_URL=f"redis://127.0.0.1:{port}")
	assert result.returncode == 1, result.stdout + result.stderr
	assert f"Redis is not reachable at redis://127.0.0.1:{port}" in result.stderr


def test_sources_that_cannot_be_reached_exit_3_before_anything_is_built(tmp_path):
	if not _prerequisites_here():
		pytest.skip("no local MariaDB and Redis")
	result = run(tmp_path, FRAPPE_SOURCE=str(tmp_path / "no-such-clone"))
	assert result.returncode == 3, result.stdout + result.stderr
	assert "is not a git clone" in result.stderr
	assert "FRAPPE_SOURCE" in result.stderr
	assert not (tmp_path / "bench").exists()


def test_a_clone_without_the_branch_is_refused(tmp_path):
	if not _prerequisites_here():
		pytest.skip("no local MariaDB and Redis")
	clone = tmp_path / "frappe"
	subprocess.run(["git", "init", "-q", "-b", "develop", str(clone)], check=True)
	result = run(tmp_path, FRAPPE_SOURCE=str(clone))
	assert result.returncode == 1, result.stdout + result.stderr
	assert "has no branch version-15" in result.stderr
