"""A production-like server of the bench for measurements: what `bench setup production` makes
supervisor run, without nginx and supervisor (they need a service manager this machine has not):

- gunicorn with the same command line (`-w <workers> --max-requests 5000 --max-requests-jitter 500
  -t 120 --graceful-timeout 30 frappe.app:application --preload`, from the bench's ``sites`` folder);
- RQ workers for the default, short and long queues, each also taking the others' work as Frappe v15
  does (multi-queue consumption), and the scheduler;
- the site's scheduler enabled while it runs (``bench schedule`` skips a site whose scheduler is off).

    python3 benchmarks/production.py start --site bench.test [--workers 5] [--port 8020]
    python3 benchmarks/production.py status
    python3 benchmarks/production.py stop

A small supervisor (this script, ``supervise``) starts them and starts again any that exits, as
supervisor's ``autorestart`` does (Frappe's RQ workers exit when Redis goes away, and production
counts on that restart). The processes' ids and restarts are kept in
``<bench>/config/pids/genset-production.json`` and their output in
``<bench>/logs/genset-production-<name>.log``. ``start`` returns once the server answers ``ping``.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

BENCH = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
PIDS = os.path.join(BENCH, "config", "pids", "genset-production.json")
MAX_REQUESTS = 5000  # bench's default for more than one worker; jitter 10 %


def commands(workers: int, port: int) -> dict[str, tuple[list[str], str]]:
	"""name -> (command, working folder), as bench's supervisor.conf has them."""
	env_bin = os.path.join(BENCH, "env", "bin")
	bench_cmd = [shutil.which("bench") or "bench"]
	gunicorn = [
		os.path.join(env_bin, "gunicorn"),
		"-b",
		f"127.0.0.1:{port}",
		"-w",
		str(workers),
		"--max-requests",
		str(MAX_REQUESTS),
		"--max-requests-jitter",
		str(MAX_REQUESTS // 10),
		"-t",
		"120",
		"--graceful-timeout",
		"30",
		"frappe.app:application",
		"--preload",
	]
	sites = os.path.join(BENCH, "sites")
	return {
		"web": (gunicorn, sites),
		"worker-default": ([*bench_cmd, "worker", "--queue", "default"], BENCH),
		"worker-short": ([*bench_cmd, "worker", "--queue", "short,default"], BENCH),
		"worker-long": ([*bench_cmd, "worker", "--queue", "long,default,short"], BENCH),
		"schedule": ([*bench_cmd, "schedule"], BENCH),
	}


def bench(*args: str) -> None:
	subprocess.run(["bench", *args], cwd=BENCH, check=True, stdout=subprocess.DEVNULL)


def alive(pid: int) -> bool:
	try:
		os.kill(pid, 0)
		return True
	except OSError:
		return False


def read_pids() -> dict:
	try:
		with open(PIDS) as f:
			return json.load(f)
	except FileNotFoundError:
		return {}


def ping(port: int, site: str) -> urllib.request.Request:
	"""The server's ping for the site (no nginx here: the site is named in Frappe's own header)."""
	return urllib.request.Request(
		f"http://127.0.0.1:{port}/api/method/ping", headers={"X-Frappe-Site-Name": site}
	)


def wait_for(request: urllib.request.Request, seconds: float) -> float:
	"""Seconds until the request answers 200, or raise after ``seconds``."""
	started = time.monotonic()
	while time.monotonic() - started < seconds:
		try:
			with urllib.request.urlopen(request, timeout=2) as answer:
				if answer.status == 200:
					return time.monotonic() - started
		except Exception:
			time.sleep(0.2)
	raise SystemExit(f"{request.full_url} did not answer within {seconds:.0f} s")


def write_state(state: dict) -> None:
	with open(PIDS + ".tmp", "w") as f:
		json.dump(state, f)
	os.replace(PIDS + ".tmp", PIDS)


def spawn(name: str, workers: int, port: int, env: dict) -> int:
	command, folder = commands(workers, port)[name]
	log = open(os.path.join(BENCH, "logs", f"genset-production-{name}.log"), "ab")
	return subprocess.Popen(
		command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
	)


def supervise(site: str, workers: int, port: int) -> None:
	"""What supervisor does for the bench: start every process, start again any that exits
	(``autorestart``), each restart written to the state file; stop them all on SIGTERM."""
	env = {**os.environ, "PATH": os.path.join(BENCH, "env", "bin") + os.pathsep + os.environ["PATH"]}
	children = {name: spawn(name, workers, port, env) for name in commands(workers, port)}
	state = {
		"site": site,
		"port": port,
		"workers": workers,
		"supervisor": os.getpid(),
		"processes": {name: child.pid for name, child in children.items()},
		"restarts": [],
	}
	write_state(state)
	stopping = []
	signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
	while not stopping:
		for name, child in list(children.items()):
			if child.poll() is not None:
				time.sleep(1)  # supervisor's startsecs: do not spin on a process that cannot start
				children[name] = spawn(name, workers, port, env)
				state["processes"][name] = children[name].pid
				state["restarts"].append({"process": name, "exit": child.returncode, "at": time.time()})
				write_state(state)
		time.sleep(0.5)
	for child in children.values():
		try:
			os.killpg(child.pid, signal.SIGTERM)
		except OSError:
			pass
	deadline = time.monotonic() + 40
	while time.monotonic() < deadline and any(child.poll() is None for child in children.values()):
		time.sleep(0.3)
	for child in children.values():
		if child.poll() is None:
			os.killpg(child.pid, signal.SIGKILL)


def start(site: str, workers: int, port: int) -> dict:
	state = read_pids()
	if state.get("supervisor") and alive(state["supervisor"]):
		raise SystemExit("already running: stop it first")
	bench("--site", site, "set-config", "pause_scheduler", "0")
	bench("--site", site, "scheduler", "enable")
	if os.path.exists(PIDS):
		os.remove(PIDS)
	log = open(os.path.join(BENCH, "logs", "genset-production-supervisor.log"), "ab")
	command = [sys.executable, os.path.abspath(__file__), "supervise", "--site", site]
	command += ["--workers", str(workers), "--port", str(port)]
	subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
	deadline = time.monotonic() + 20
	while not os.path.exists(PIDS) and time.monotonic() < deadline:
		time.sleep(0.2)
	state = read_pids()
	state["ready_s"] = round(wait_for(ping(port, site), 60), 2)
	return state


def gunicorn_workers(master: int) -> list[int]:
	"""The web server's worker processes (children of its master)."""
	out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
	return [int(pid) for pid in out.split()]


def stop() -> dict:
	state = read_pids()
	supervisor = state.get("supervisor")
	if supervisor and alive(supervisor):
		os.kill(supervisor, signal.SIGTERM)
		deadline = time.monotonic() + 60
		while time.monotonic() < deadline and alive(supervisor):
			time.sleep(0.3)
	for pid in state.get("processes", {}).values():
		if alive(pid):
			os.killpg(pid, signal.SIGKILL)
	# an RQ work horse runs in a session of its own: it outlives its worker's process group, and a
	# job it was running (a long re-plan) would go on beside the next measurement
	python = os.path.join(BENCH, "env", "bin", "python")
	for role in ("worker", "schedule"):
		subprocess.run(
			["pkill", "-9", "-f", f"{python} -m frappe.utils.bench_helper frappe {role}"], capture_output=True
		)
	if os.path.exists(PIDS):
		os.remove(PIDS)
	if state.get("site"):
		bench("--site", state["site"], "scheduler", "disable")
	return {"stopped": sorted(state.get("processes", {})), "restarts": state.get("restarts", [])}


def status() -> dict:
	state = read_pids()
	processes = state.get("processes", {})
	return {
		**state,
		"alive": {name: alive(pid) for name, pid in processes.items()},
		"web_workers": gunicorn_workers(processes["web"]) if processes.get("web") else [],
	}


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
	parser.add_argument("action", choices=("start", "stop", "status", "supervise"))
	parser.add_argument("--site")
	parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1)
	parser.add_argument("--port", type=int, default=8020)
	args = parser.parse_args()
	if args.action == "start":
		if not args.site:
			parser.error("start needs --site")
		result = start(args.site, args.workers, args.port)
	elif args.action == "supervise":
		supervise(args.site, args.workers, args.port)
		return
	elif args.action == "stop":
		result = stop()
	else:
		result = status()
	print(json.dumps(result), flush=True)


if __name__ == "__main__":
	sys.exit(main())
