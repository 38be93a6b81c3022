"""Demo-like data for the load scenario (benchmark k), on a site made for benchmarks:

- 500 customers, each with a portal user and 10 gensets delivered (5,000 gensets and their plans);
- 200 engineers (desk users with a password, a Genset Engineer record with skills and a van), each with
  a day's work: a Regular Inspection assigned to him, due today;
- 20 integrators (API key and secret, the Service Manager role);
- a draft Delivery Note of 200 gensets, for the background plan of the run.

Idempotent: what exists is kept. Writes the logins the load tool reads to the file named by
``--out`` (default ``benchmarks/load-users.json``, not committed).

    ~/frappe-bench/env/bin/python benchmarks/load_data.py --site bench.test
"""

import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import frappe

CUSTOMERS, GENSETS_EACH, ENGINEERS, INTEGRATORS = 500, 10, 200, 20
PASSWORD = "Load-Test-2026!"
ITEM = "_Load Genset 150 kVA"
OUT = pathlib.Path(__file__).resolve().parent / "load-users.json"


def parse():
	import argparse

	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--out", default=str(OUT))
	return parser.parse_args()


def connect(site: str) -> None:
	import os

	bench = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
	os.chdir(os.path.join(bench, "sites"))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	# Frappe refuses more than 60 new users a minute (a guard against sign-up abuse); this script makes 720
	frappe.local.conf.throttle_user_limit = 10_000


def set_password(user: str) -> None:
	from frappe.utils.password import update_password

	update_password(user, PASSWORD)


def customers() -> list[dict]:
	from genset_service.tests.utils import (
		make_customer,
		make_delivery_note,
		make_portal_user,
		make_sales_order,
	)

	made = []
	for n in range(1, CUSTOMERS + 1):
		name = make_customer(f"_Load Customer {n:03d}")
		email = f"load-customer-{n:03d}@example.com"
		if not frappe.db.exists("User", email):
			make_portal_user(email, name)
			set_password(email)
		if not frappe.db.exists("Genset Unit", {"customer": name, "status": ("!=", "Cancelled")}):
			order = make_sales_order([{"item_code": ITEM, "qty": GENSETS_EACH}], customer=name)
			make_delivery_note(order.name)
		made.append({"user": email, "password": PASSWORD, "customer": name})
		if n % 50 == 0:
			frappe.db.commit()  # nosemgrep (a benchmark script commits its own data)
			print(f"customers: {n}", flush=True)
	frappe.db.commit()  # nosemgrep
	return made


def engineers() -> list[dict]:
	from genset_service.tests.utils import make_user

	units = frappe.get_all(
		"Genset Unit",
		filters={"item_code": ITEM, "status": ("!=", "Cancelled")},
		fields=["name", "customer", "contract", "serial_no"],
		order_by="name asc",
		limit=ENGINEERS,
	)
	today = frappe.utils.nowdate()
	made = []
	for n, unit in enumerate(units, start=1):
		email = f"load-engineer-{n:03d}@example.com"
		if not frappe.db.exists("User", email):
			make_user(email, ["After-sales Engineer"])
			set_password(email)
		if not frappe.db.exists("Genset Engineer", {"user": email}):
			frappe.get_doc(
				{
					"doctype": "Genset Engineer",
					"user": email,
					"working_from": "00:00:00",
					"working_to": "23:59:00",
					"skills": [{"service_type": "Regular Inspection"}, {"service_type": "Field Maintenance"}],
				}
			).insert(ignore_permissions=True)
		task = frappe.db.get_value(
			"Genset Service Task",
			{"assigned_to": email, "status": ("in", ("Planned", "Due", "Overdue")), "unit": unit.name},
		)
		if not task:
			task = (
				frappe.get_doc(
					{
						"doctype": "Genset Service Task",
						"service_type": "Regular Inspection",
						"unit": unit.name,
						"due_from": today,
						"due_to": frappe.utils.add_days(today, 3),
						"responsible_role": "After-sales Engineer",
						"assigned_to": email,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		made.append({"user": email, "password": PASSWORD, "task": task, "unit": unit.name})
	frappe.db.commit()  # nosemgrep
	return made


def integrators() -> list[dict]:
	from frappe.core.doctype.user.user import generate_keys

	from genset_service.tests.utils import make_user

	units = frappe.get_all(
		"Genset Unit",
		filters={"item_code": ITEM},
		fields=["name", "serial_no"],
		order_by="name desc",
		limit=500,
	)
	made = []
	for n in range(1, INTEGRATORS + 1):
		email = f"load-integrator-{n:02d}@example.com"
		make_user(email, ["Service Manager"])
		key = frappe.db.get_value("User", email, "api_key")
		if not key:
			generate_keys(email)  # the secret is shown once: kept in the logins file
		secret = frappe.utils.password.get_decrypted_password("User", email, "api_secret")
		key = frappe.db.get_value("User", email, "api_key")
		made.append(
			{
				"user": email,
				"token": f"{key}:{secret}",
				"units": [u.name for u in units[n * 20 : n * 20 + 20]],
			}
		)
	frappe.db.commit()  # nosemgrep
	return made


def large_delivery() -> str:
	from genset_service.tests.utils import make_customer, make_delivery_note, make_sales_order

	customer = make_customer("_Load Customer Fleet")
	draft = frappe.db.get_value("Delivery Note", {"customer": customer, "docstatus": 0})
	if not draft:
		order = make_sales_order([{"item_code": ITEM, "qty": 200}], customer=customer)
		draft = make_delivery_note(order.name, submit=False).name
	frappe.db.commit()  # nosemgrep
	return draft


def main() -> None:
	args = parse()
	connect(args.site)
	from bench_site import prepare

	from genset_service.tests.utils import make_genset_item

	started = time.monotonic()
	prepare()
	frappe.db.set_single_value("Genset Service Settings", "background_planning_threshold", 50)
	make_genset_item(ITEM)
	frappe.db.commit()  # nosemgrep
	logins = {
		"customers": customers(),
		"engineers": engineers(),
		"integrators": integrators(),
		"manager": {"user": "Administrator", "password": frappe.conf.get("admin_password") or "admin"},
		"large_delivery": large_delivery(),
	}
	pathlib.Path(args.out).write_text(json.dumps(logins, indent=1))
	print(
		json.dumps(
			{
				"customers": len(logins["customers"]),
				"gensets": frappe.db.count("Genset Unit", {"item_code": ITEM}),
				"tasks": frappe.db.count("Genset Service Task"),
				"engineers": len(logins["engineers"]),
				"integrators": len(logins["integrators"]),
				"seconds": round(time.monotonic() - started, 1),
			}
		)
	)


if __name__ == "__main__":
	main()
