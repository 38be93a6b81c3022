"""Benchmark (k), faults: production fails in pieces while the load runs (``benchmarks/load.py``
against ``benchmarks/production.py``). Each fault is made once, at its moment, and what it cost is
measured: how long the server did not answer (``ping`` every 0.2 s), and, after the run,
``benchmarks/load_check.py`` says whether anything was lost or doubled.

- ``worker``: the large delivery of the data is submitted (its plan is queued on the long queue); as
  soon as its plan is *Planning*, the worker that runs it is killed (``kill -9``, with its work horse)
  and started again, as supervisor would; the scheduler's sweep then finds the dead plan (it is run
  with its clock 16 minutes on, the time after which a plan counts as dead) and queues it again;
- ``mariadb``: MariaDB restarted (``service mariadb restart``) during the phones' burst;
- ``redis``: Redis restarted (it keeps nothing on disk here: the queues and the cache are lost);
- ``web``: a gunicorn worker killed (``kill -9``); the master starts another;
- ``plan`` (no fault, for the load run): the large delivery submitted, its plan written in the background.

    python3 benchmarks/faults.py --site bench.test --logins benchmarks/load-users.json \\
        [--at worker=20,mariadb=60,redis=150,web=200]

Prints one JSON line per fault.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from production import BENCH, alive, gunicorn_workers, ping, read_pids

PYTHON = os.path.join(BENCH, "env", "bin", "python")
HEARTBEAT_GRACE_S = 120  # genset_service.scheduling.large_delivery.HEARTBEAT_GRACE_S


def down_for(port: int, limit: float = 120) -> float:
	return down_for_site(port, read_pids()["site"], limit)


def down_for_site(port: int, site: str, limit: float) -> float:
	"""Seconds from the end of a fault until a ping is answered (however slowly: under this load a
	ping waits its turn behind the other requests), tried again at once on an error."""
	started = time.monotonic()
	while time.monotonic() - started < limit:
		try:
			with urllib.request.urlopen(ping(port, site), timeout=60) as answer:
				if answer.status == 200:
					return round(time.monotonic() - started, 2)
		except Exception:
			time.sleep(0.2)
	return float("inf")


def site_python(site: str, code: str) -> str:
	"""Run ``code`` on the site with the bench's Python (connected as Administrator); its output."""
	script = (
		"import os, frappe\n"
		f"os.chdir({os.path.join(BENCH, 'sites')!r})\n"
		f"frappe.init(site={site!r}, sites_path='.')\n"
		"frappe.connect()\nfrappe.set_user('Administrator')\n" + code + "\nfrappe.db.commit()\n"
	)
	return subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def plan_status(site: str, note: str) -> str:
	"""The note's planning status, read with MariaDB's client (milliseconds, to catch the plan running)."""
	with open(os.path.join(BENCH, "sites", site, "site_config.json")) as f:
		db = json.load(f)["db_name"]
	query = f"select genset_planning_status from `tabDelivery Note` where name = '{note}'"
	return subprocess.run(
		["mariadb", "-N", "-B", db, "-e", query], capture_output=True, text=True
	).stdout.strip()


def submit_note(site: str, note: str) -> subprocess.Popen:
	return subprocess.Popen(
		[
			PYTHON,
			"-c",
			"import os, frappe\n"
			f"os.chdir({os.path.join(BENCH, 'sites')!r})\n"
			f"frappe.init(site={site!r}, sites_path='.')\n"
			"frappe.connect()\nfrappe.set_user('Administrator')\n"
			f"frappe.get_doc('Delivery Note', {note!r}).submit()\nfrappe.db.commit()\n",
		]
	)


def background_plan(site: str, note: str) -> dict:
	"""No fault: the large delivery is submitted and its plan written by the long queue's worker."""
	started = time.monotonic()
	submit_note(site, note).wait()
	status = ""
	while time.monotonic() - started < 600:
		status = plan_status(site, note)
		if status in ("Planned", "Failed", "Stopped"):
			break
		time.sleep(0.5)
	return {
		"event": "background plan of 200 gensets",
		"status": status,
		"s": round(time.monotonic() - started, 1),
	}


def descendants(pid: int) -> list[int]:
	"""A process and every process under it."""
	children = {}
	for line in subprocess.run(
		["ps", "-eo", "pid=,ppid="], capture_output=True, text=True
	).stdout.splitlines():
		child, parent = (int(x) for x in line.split())
		children.setdefault(parent, []).append(child)
	found, todo = [], [pid]
	while todo:
		current = todo.pop()
		found.append(current)
		todo.extend(children.get(current, []))
	return found


def job_status(site: str, note: str) -> str:
	"""The RQ state of the note's plan job (the note's own status is written in the job's transaction,
	so it reads Planning only once the job is over): queued, started, finished, failed or ''."""
	key = f"rq:job:{site}::genset_service::plan::{note}"
	return subprocess.run(["redis-cli", "hget", key, "status"], capture_output=True, text=True).stdout.strip()


def worker_fault(site: str, port: int, note: str) -> dict:
	state = read_pids()
	submit = submit_note(site, note)
	started = time.monotonic()
	status = ""
	while time.monotonic() - started < 180:
		status = job_status(site, note)
		if status in ("started", "finished", "failed"):
			break
		time.sleep(0.02)
	# the worker and the work horse it forked for the job (RQ puts the horse in a session of its own)
	doomed = descendants(state["processes"]["worker-long"])
	for pid in doomed:
		os.kill(pid, signal.SIGKILL)
	killed_while = f"job {status}, note {plan_status(site, note) or 'not yet submitted'}"
	submit.wait()
	# the supervisor starts the worker again, as supervisor would
	deadline = time.monotonic() + 30
	while read_pids()["processes"]["worker-long"] == state["processes"]["worker-long"]:
		if time.monotonic() > deadline:
			break
		time.sleep(0.2)
	restarted_s = round(time.monotonic() - (deadline - 30), 1)
	# the scheduler's sweep, as it runs 16 minutes later: a plan still Queued or Planning whose job has
	# not beaten for 2 minutes is dead (the load goes on meanwhile; the note's age is set back instead)
	time.sleep(HEARTBEAT_GRACE_S + 5)
	requeued = site_python(
		site,
		"from frappe.utils import add_to_date, now_datetime\n"
		"from genset_service.scheduling.large_delivery import requeue_stale_plans\n"
		"frappe.db.set_value('Delivery Note', "
		f"{note!r}, 'modified', add_to_date(now_datetime(), minutes=-16), update_modified=False)\n"
		"print(requeue_stale_plans())",
	)
	waited = time.monotonic()
	while time.monotonic() - waited < 300:
		status = plan_status(site, note)
		if status == "Planned":
			break
		time.sleep(1)
	return {
		"fault": "RQ worker killed during the background plan",
		"plan_status_when_killed": killed_while,
		"processes_killed": len(doomed),
		"worker_started_again_s": restarted_s,
		"requeued_by_sweep": requeued,
		"plan_status_after": status,
		"plan_finished_s_after_requeue": round(time.monotonic() - waited, 1),
	}


def mariadb_fault(port: int) -> dict:
	"""A clean shutdown and a start, as a restart by the service manager does (the Debian init
	script's restart waits on a maintenance account this machine has not set up)."""
	started = time.monotonic()
	subprocess.run(["mariadb-admin", "-uroot", "shutdown"], check=True, capture_output=True)
	while subprocess.run(["pgrep", "-x", "mariadbd"], capture_output=True).returncode == 0:
		time.sleep(0.1)
	stopped = time.monotonic()
	# started as the machine's own service start does (no mysqld_safe: it is not always there)
	subprocess.run(
		["start-stop-daemon", "--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd"],
		check=True,
		capture_output=True,
	)
	while subprocess.run(["mariadb", "-e", "select 1"], capture_output=True).returncode != 0:
		time.sleep(0.1)
	return {
		"fault": "MariaDB restarted",
		"shutdown_s": round(stopped - started, 2),
		"down_s": round(time.monotonic() - stopped, 2),
		"server_answers_after_s": down_for(port),
	}


def redis_fault(port: int) -> dict:
	started = time.monotonic()
	subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
	subprocess.run(
		["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--daemonize", "yes", "--save", ""],
		check=True,
		capture_output=True,
	)
	return {
		"fault": "Redis restarted (queues and cache lost)",
		"restart_s": round(time.monotonic() - started, 2),
		"server_answers_after_s": down_for(port),
	}


def web_fault(port: int) -> dict:
	state = read_pids()
	workers = gunicorn_workers(state["processes"]["web"])
	os.kill(workers[0], signal.SIGKILL)
	answered = down_for(port)
	time.sleep(3)
	return {
		"fault": "gunicorn worker killed",
		"server_answers_after_s": answered,
		"workers_before": len(workers),
		"workers_after": len(gunicorn_workers(state["processes"]["web"])),
		"killed_worker_gone": not alive(workers[0]),
	}


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
	parser.add_argument("--site", required=True)
	parser.add_argument("--logins", required=True)
	parser.add_argument("--at", default="worker=20,mariadb=60,redis=150,web=200")
	args = parser.parse_args()
	with open(args.logins) as f:
		logins = json.load(f)
	port = read_pids()["port"]
	plan = sorted(((float(at), name) for name, at in (p.split("=") for p in args.at.split(","))))
	started = time.monotonic()
	for at, name in plan:
		time.sleep(max(0.0, at - (time.monotonic() - started)))
		before = down_for(port)  # how long a ping takes under this load, with no fault
		if name == "plan":
			result = background_plan(args.site, logins["large_delivery"])
		elif name == "worker":
			result = worker_fault(args.site, port, logins["large_delivery"])
		elif name == "mariadb":
			result = mariadb_fault(port)
		elif name == "redis":
			result = redis_fault(port)
		else:
			result = web_fault(port)
		print(
			json.dumps({"at_s": round(time.monotonic() - started, 1), "ping_before_s": before, **result}),
			flush=True,
		)


if __name__ == "__main__":
	main()
