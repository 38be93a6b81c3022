"""Benchmark (l): the carriers' webhook under load, and what an ETA change costs.

1. **Ingest**: 10,000 carrier events for 1,000 shipments (10 each: picked up, two departures, a
   transshipment, two port arrivals, a customs hold and its clearance with new ETAs, out for delivery,
   delivered), shuffled, in signed batches of 100 from 4 concurrent senders against a production-like
   server (``production.py start --workers 2``). A sender sends a batch again when it gets no answer
   or a 5xx (the replays are then answered "replay"). At the end every event must be in the desk once:
   ``count`` checks it. Baseline in the same run: 500 more events (100 more shipments) sent one per
   request.
2. **Re-plan**: the SQL statements and time of an ETA change on a shipment of 10 and of 100 gensets
   (the milestone, the shipment, the units, their re-plan), against the same gensets saved one by one.

    ~/frappe-bench/env/bin/python benchmarks/logistics.py --site bench.test setup
    python3 benchmarks/production.py start --site bench.test --workers 2
    python3 benchmarks/logistics.py send --url http://127.0.0.1:8020 --site bench.test
    ~/frappe-bench/env/bin/python benchmarks/logistics.py --site bench.test count
    python3 benchmarks/production.py stop
    ~/frappe-bench/env/bin/python benchmarks/logistics.py --site bench.test replan
    ~/frappe-bench/env/bin/python benchmarks/logistics.py --site bench.test remove

``setup`` needs 1,100 live gensets on no shipment (``load_data.py`` makes 5,000) and writes the
account's name and secret to ``benchmarks/logistics-data.json`` (not committed).
"""

import argparse
import datetime
import hashlib
import hmac
import json
import pathlib
import platform
import queue
import random
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "logistics-data.json"
ACCOUNT = "_Bench Carrier"
PREFIX = "GSHIP-BENCH-"
SHIPMENTS, EVENTS_EACH, BATCH, SENDERS = 1000, 10, 100, 4
BASELINE_SHIPMENTS, BASELINE_EVENTS_EACH = 100, 5
STATUSES = (
	("PickedUp", 0, None),
	("InTransit", 6, None),
	("Transshipment", 120, None),
	("InTransit", 130, None),
	("ArrivedAtPort", 300, None),
	("CustomsHold", 310, 3),
	("CustomsCleared", 360, 5),
	("ArrivedAtPort", 370, None),
	("OutForDelivery", 390, None),
	("Delivered", 400, None),
)


def machine() -> dict:
	import os

	return {
		"machine": f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}",
		"date": datetime.date.today().isoformat(),
	}


# ------------------------------------------------------------------ on the site (bench's Python)
def connect(site: str):
	sys.path.insert(0, str(HERE))
	from bench_site import connect as _connect

	sys.argv = [sys.argv[0], "--site", site]
	return _connect(__doc__)


def setup(site: str) -> None:
	"""The carrier account and 1,100 shipments of one genset each (bulk INSERTs), committed."""
	import frappe
	from frappe.utils import add_days, now_datetime, nowdate

	from genset_service.logistics import model as M

	connect(site)
	secret = hashlib.sha256(str(time.time()).encode()).hexdigest()
	if not frappe.db.exists("Genset Carrier Account", ACCOUNT):
		frappe.get_doc(
			{"doctype": "Genset Carrier Account", "carrier_name": ACCOUNT, "webhook_secret": secret}
		).insert()
	else:
		account = frappe.get_doc("Genset Carrier Account", ACCOUNT)
		account.webhook_secret = secret
		account.save()
	total = SHIPMENTS + BASELINE_SHIPMENTS
	units = frappe.get_all(
		"Genset Unit",
		filters={"status": "Delivered", "shipment": ("is", "not set"), "arrival_date": ("is", "not set")},
		fields=["name", "customer", "company"],
		limit=total,
		order_by="name",
	)
	if len(units) < total:
		raise SystemExit(f"needs {total} delivered gensets on no shipment; the site has {len(units)}")
	now, planned = now_datetime(), add_days(nowdate(), 40)
	shipments, rows = [], []
	for index, unit in enumerate(units):
		name = f"{PREFIX}{index:05d}"
		number = f"BENCH{index:07d}"
		shipments.append(
			(
				name,
				now,
				now,
				"Administrator",
				"Administrator",
				unit.customer,
				unit.company,
				"Booked",
				"Sea",
				ACCOUNT,
				number,
				"Ningbo",
				"Mombasa",
				M.lane_of("Ningbo", "Mombasa", "Sea"),
				planned,
				planned,
				M.tracking_key(ACCOUNT, number),
			)
		)
		rows.append(
			(
				frappe.generate_hash(length=12),
				now,
				now,
				"Administrator",
				"Administrator",
				name,
				"units",
				"Genset Shipment",
				1,
				unit.name,
				unit.name,
			)
		)
	frappe.db.bulk_insert(
		"Genset Shipment",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"customer",
			"company",
			"status",
			"mode",
			"carrier_account",
			"tracking_number",
			"origin",
			"destination",
			"lane",
			"planned_eta",
			"eta",
			"tracking_key",
		],
		shipments,
	)
	frappe.db.bulk_insert(
		"Genset Shipment Unit",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"parent",
			"parentfield",
			"parenttype",
			"idx",
			"unit",
			"live_unit",
		],
		rows,
	)
	table = frappe.qb.DocType("Genset Unit")
	shipment = frappe.qb.DocType("Genset Shipment Unit")
	frappe.qb.update(table).join(shipment).on(shipment.unit == table.name).set(
		table.shipment, shipment.parent
	).where(shipment.parent.like(f"{PREFIX}%")).run()
	frappe.db.commit()  # nosemgrep (a benchmark script commits its own data)
	DATA.write_text(json.dumps({"account": ACCOUNT, "secret": secret, "planned": str(planned)}))
	print(json.dumps({"setup": "done", "shipments": total, **machine()}))


def count(site: str) -> None:
	"""Every event sent is in the desk exactly once."""
	import frappe

	connect(site)
	rows = frappe.db.sql(  # nosemgrep
		"""select shipment, count(*), count(distinct carrier_event_id) from `tabGenset Shipment Milestone`
		where shipment like %s group by shipment""",
		(f"{PREFIX}%",),
	)
	main = [r for r in rows if int(r[0][len(PREFIX) :]) < SHIPMENTS]
	base = [r for r in rows if int(r[0][len(PREFIX) :]) >= SHIPMENTS]
	statuses = dict(
		frappe.db.sql(  # nosemgrep
			"select status, count(*) from `tabGenset Shipment` where name like %s group by status",
			(f"{PREFIX}%",),
		)
	)
	print(
		json.dumps(
			{
				"figure": "events in the desk after the run",
				"ingest_events": sum(r[1] for r in main),
				"ingest_expected": SHIPMENTS * EVENTS_EACH,
				"ingest_doubled": sum(r[1] - r[2] for r in main),
				"shipments_with_all_10": sum(1 for r in main if r[1] == EVENTS_EACH),
				"baseline_events": sum(r[1] for r in base),
				"baseline_expected": BASELINE_SHIPMENTS * BASELINE_EVENTS_EACH,
				"shipment_statuses": statuses,
				"arrived_units": frappe.db.count(
					"Genset Unit", {"shipment": ("like", f"{PREFIX}%"), "arrival_date": ("is", "set")}
				),
				**machine(),
			}
		)
	)


def remove(site: str) -> None:
	"""The benchmark's shipments, milestones and account; its gensets back to no shipment."""
	import frappe

	connect(site)
	names = frappe.get_all("Genset Shipment", filters={"name": ("like", f"{PREFIX}%")}, pluck="name")
	units = frappe.get_all("Genset Unit", filters={"shipment": ("in", names or [""])}, pluck="name")
	frappe.db.delete("Genset Shipment Milestone", {"shipment": ("in", names or [""])})
	frappe.db.delete("Genset Shipment Unit", {"parent": ("in", names or [""])})
	frappe.db.delete("Genset Shipment", {"name": ("in", names or [""])})
	if units:
		frappe.db.sql(  # nosemgrep
			"update `tabGenset Unit` set shipment=null, eta_date=null, arrival_date=null where name in %s",
			(units,),
		)
		from genset_service.scheduling.replan import refresh_units

		refresh_units(units)
	frappe.db.commit()  # nosemgrep
	print(json.dumps({"removed": len(names), "units": len(units)}))


def replan(site: str) -> None:
	"""Statements and time of an ETA change on a shipment of 10 and of 100 gensets (bulk), against the
	same ETA given to each genset and saved one by one; everything rolled back."""
	from bench_site import measured

	import frappe
	from frappe.utils import add_days, getdate, now_datetime

	from genset_service.access.guard import as_app
	from genset_service.logistics import journey  # nosemgrep (the benchmark sets journey.INLINE_UNITS below)
	from genset_service.logistics import model as M

	connect(site)
	journey.INLINE_UNITS = 10**6  # measure the re-plan itself, inline
	for size in (10, 100):
		units = frappe.get_all(
			"Genset Unit",
			filters={"status": "Delivered", "shipment": ("is", "not set"), "arrival_date": ("is", "not set")},
			fields=["name", "customer"],
			limit=size * 4,
		)
		customer = max({u.customer for u in units}, key=lambda c: sum(u.customer == c for u in units))
		units = [u.name for u in units if u.customer == customer][:size]
		if len(units) < size:
			# one customer with enough gensets: any customer's, sorted by count
			rows = frappe.db.sql(  # nosemgrep
				"""select customer from `tabGenset Unit` where status='Delivered' and shipment is null
				and arrival_date is null group by customer having count(*) >= %s limit 1""",
				(size,),
			)
			units = frappe.get_all(
				"Genset Unit",
				filters={"customer": rows[0][0], "status": "Delivered", "shipment": ("is", "not set")},
				pluck="name",
				limit=size,
			)
		frappe.db.savepoint("bench_replan")
		doc = frappe.get_doc(
			{
				"doctype": "Genset Shipment",
				"mode": "Sea",
				"origin": "Ningbo",
				"destination": "Mombasa",
				"planned_eta": add_days(getdate(), 30),
				"units": [{"unit": u} for u in units],
			}
		).insert()
		with measured() as bulk:
			journey.record_events(
				[
					{
						"shipment": doc.name,
						"milestone": M.CUSTOMS_HELD,
						"event_time": now_datetime().replace(microsecond=0),
						"new_eta": add_days(getdate(), 37),
					}
				],
				M.Source.API,
			)
		moved = frappe.db.count(
			"Genset Service Task",
			{
				"unit": ("in", units),
				"service_type": "Installation and Commissioning",
				"due_from": (">", add_days(getdate(), 36)),
			},
		)
		frappe.db.rollback(save_point="bench_replan")
		frappe.db.savepoint("bench_replan")
		with measured() as one_by_one, as_app():
			for name in units:
				unit = frappe.get_doc("Genset Unit", name)
				unit.eta_date = add_days(getdate(), 37)
				unit.save()
		frappe.db.rollback(save_point="bench_replan")
		print(
			json.dumps(
				{
					"figure": f"ETA change on a shipment of {size} gensets",
					"bulk_sql": bulk["sql"],
					"bulk_s": round(bulk["s"], 3),
					"installations_moved": moved,
					"one_by_one_sql": one_by_one["sql"],
					"one_by_one_s": round(one_by_one["s"], 3),
					**machine(),
				}
			)
		)


# ------------------------------------------------------------------ the senders (plain Python)
def sign(secret: str, body: bytes) -> dict:
	stamp = str(int(time.time()))
	mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
	return {"X-Genset-Timestamp": stamp, "X-Genset-Signature": f"sha256={mac}"}


def events_for(first: int, count: int, each: int, base: datetime.datetime, planned: str) -> list[dict]:
	planned_day = datetime.date.fromisoformat(planned)
	out = []
	for index in range(first, first + count):
		number = f"BENCH{index:07d}"
		for step, (status, hours, eta_days) in enumerate(STATUSES[:each]):
			event = {
				"id": f"bench-{index}-{step}",
				"tracking_number": number,
				"status": status,
				"time": (base + datetime.timedelta(hours=hours)).isoformat() + "Z",
				"location": "Mombasa" if hours >= 300 else "Ningbo",
			}
			if eta_days:
				event["eta"] = str(planned_day + datetime.timedelta(days=eta_days))
			out.append(event)
	return out


def post(url: str, site: str, secret: str, batch: list[dict], stats: dict, lock) -> None:
	body = json.dumps({"events": batch}).encode()
	tries = 0
	while True:
		tries += 1
		request = urllib.request.Request(
			f"{url}/api/method/genset_service.api.logistics_v1.carrier_events?account={urllib.request.quote(ACCOUNT)}",
			data=body,
			headers={"Content-Type": "application/json", "X-Frappe-Site-Name": site, **sign(secret, body)},
			method="POST",
		)
		started = time.perf_counter()
		try:
			with urllib.request.urlopen(request, timeout=120) as response:
				answer = json.loads(response.read())["message"]
			with lock:
				stats["latencies"].append(time.perf_counter() - started)
				for result in answer["results"]:
					stats[result["result"]] = stats.get(result["result"], 0) + 1
			return
		except urllib.error.HTTPError as error:
			with lock:
				stats[f"http_{error.code}"] = stats.get(f"http_{error.code}", 0) + 1
			if error.code < 500 or tries > 10:
				return
		except (urllib.error.URLError, TimeoutError, ConnectionError):
			with lock:
				stats["no_answer"] = stats.get("no_answer", 0) + 1
			if tries > 10:
				return
		with lock:
			stats["resent"] = stats.get("resent", 0) + 1
		time.sleep(min(5, 0.2 * 2**tries))


def run_senders(url: str, site: str, secret: str, batches: list[list[dict]], senders: int) -> dict:
	work: queue.Queue = queue.Queue()
	for batch in batches:
		work.put(batch)
	stats: dict = {"latencies": []}
	lock = threading.Lock()

	def sender():
		while True:
			try:
				batch = work.get_nowait()
			except queue.Empty:
				return
			post(url, site, secret, batch, stats, lock)

	started = time.perf_counter()
	threads = [threading.Thread(target=sender) for _ in range(senders)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	elapsed = time.perf_counter() - started
	latencies = sorted(stats.pop("latencies"))
	events = sum(len(batch) for batch in batches)
	return {
		"events": events,
		"requests": len(latencies),
		"seconds": round(elapsed, 1),
		"events_per_s": round(events / elapsed, 1),
		"p50_s": round(latencies[len(latencies) // 2], 3) if latencies else None,
		"p95_s": round(latencies[int(len(latencies) * 0.95)], 3) if latencies else None,
		**stats,
	}


def send(url: str, site: str) -> None:
	data = json.loads(DATA.read_text())
	base = datetime.datetime.utcnow().replace(microsecond=0) - datetime.timedelta(days=20)
	events = events_for(0, SHIPMENTS, EVENTS_EACH, base, data["planned"])
	random.Random(7).shuffle(events)
	batches = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]
	figure = run_senders(url, site, data["secret"], batches, SENDERS)
	print(json.dumps({"figure": "webhook ingest, batches of 100, 4 senders", **figure, **machine()}))
	baseline = events_for(SHIPMENTS, BASELINE_SHIPMENTS, BASELINE_EVENTS_EACH, base, data["planned"])
	random.Random(8).shuffle(baseline)
	figure = run_senders(url, site, data["secret"], [[event] for event in baseline], SENDERS)
	print(json.dumps({"figure": "baseline: one event per request, 4 senders", **figure, **machine()}))


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", default="bench.test")
	parser.add_argument("--url", default="http://127.0.0.1:8020")
	parser.add_argument("what", choices=("setup", "send", "count", "replan", "remove"))
	args = parser.parse_args()
	if args.what == "send":
		send(args.url, args.site)
	else:
		{"setup": setup, "count": count, "replan": replan, "remove": remove}[args.what](args.site)


if __name__ == "__main__":
	main()
