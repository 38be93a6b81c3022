"""Demo data for the browser check of the portal (`.ci/portal-check`), on a site of its own.

`bench --site portal.test execute genset_service.tests.portal_demo.seed` makes (once) two customers,
each with a delivered genset and a portal user, a visit waiting for customer A's signature, A's fleet
of FLEET gensets in all (more than a portal page holds), and API keys for A's user; it commits and
prints what the check needs as JSON.
"""

import json

import frappe

from genset_service.tests.utils import (
	before_tests,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_portal_user,
	make_sales_order,
	make_service_team,
	make_shipping_addresses,
	make_user,
	set_gate,
)

PASSWORD = "Portal-Check-2026!"
FLEET = 25  # customer A's gensets: two portal pages


def _unit_of(customer: str, item: str) -> str:
	# the customer's first genset, whatever was changed last (the API check writes to it)
	unit = frappe.db.get_value(
		"Genset Unit",
		{"customer": customer, "status": ("!=", "Cancelled")},
		order_by="creation asc, name asc",
	)
	if unit:
		return unit
	order = make_sales_order([{"item_code": item, "qty": 1}], customer=customer)
	return frappe.db.get_value("Genset Unit", {"delivery_note": make_delivery_note(order.name).name})


def large_delivery(item: str) -> str:
	"""A delivery above the background threshold (lowered to 5 here), submitted while an RQ worker runs:
	its plan is written by the worker. Made once."""
	frappe.db.set_single_value("Genset Service Settings", "background_planning_threshold", 5)
	customer = make_customer("Portal Check Fleet Customer")
	existing = frappe.db.get_value(
		"Delivery Note", {"customer": customer, "docstatus": 1, "genset_planning_status": ("is", "set")}
	)
	if existing:
		return existing
	order = make_sales_order([{"item_code": item, "qty": 6}], customer=customer)
	return make_delivery_note(order.name).name


def seed() -> None:
	before_tests()
	frappe.set_user("Administrator")
	# the outbox check's engineers (field_outbox) are not the dispatch demo's: off until it runs again
	frappe.db.set_value("Genset Engineer", {"user": ("like", "gs-outbox-%")}, "enabled", 0)
	team = make_service_team()
	set_gate("Off")
	item = make_genset_item("Portal Check Genset 250 kVA")
	data = {}
	for key in ("a", "b"):
		customer = make_customer(f"Portal Check Customer {key.upper()}")
		data[key] = {
			"customer": customer,
			"user": make_portal_user(f"portal-check-{key}@example.com", customer, PASSWORD),
			"unit": _unit_of(customer, item),
		}
	a = data["a"]
	more = FLEET - frappe.db.count("Genset Unit", {"customer": a["customer"], "status": ("!=", "Cancelled")})
	if more > 0:
		make_delivery_note(make_sales_order([{"item_code": item, "qty": more}], customer=a["customer"]).name)
	a["units"] = FLEET
	if not frappe.db.exists("Genset Service Report", {"unit": a["unit"], "docstatus": 0}):
		frappe.get_doc(
			{
				"doctype": "Genset Service Report",
				"unit": a["unit"],
				"service_type": "Field Maintenance",
				"engineer": team["After-sales Engineer"],
				"start_time": frappe.utils.now_datetime(),
				"end_time": frappe.utils.add_to_date(frappe.utils.now_datetime(), hours=1),
				"work_done": "Cleaned the radiator and checked the belts",
			}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", a["user"])
	if not user.api_key:
		user.api_key = frappe.generate_hash(length=15)
		user.save(ignore_permissions=True)
	secret = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	data["a"]["api_key"], data["a"]["api_secret"] = user.api_key, secret
	data["password"] = PASSWORD
	data["staff_api"] = staff_api_user()
	# the API check's own genset (Schemathesis writes to it), apart from the browser checks' records
	data["staff_api"]["unit"] = _unit_of(make_customer("API Check Customer"), item)
	data["company"] = frappe.db.get_value("Genset Unit", a["unit"], "company")
	data["large_delivery"] = large_delivery(item)
	desk_history(a["customer"], team)
	from genset_service.scheduling.requests import escalate

	escalate(notify=False)  # the clocks' deadlines and states as of now
	retire_field_demo()
	data["dispatch"] = dispatch_region(a["customer"])
	data["shipment"] = journey_of(a["customer"])
	data["telemetry"] = telemetry_demo(a["unit"], data["b"]["unit"])
	data["open_request"] = frappe.db.get_value(
		"Genset Service Request",
		{"customer": a["customer"], "status": "Open", "service_type": "Field Maintenance"},
		order_by="opening_date asc",
	)
	# a seeding command run on its own site, not a request
	frappe.db.commit()  # nosemgrep
	print(json.dumps(data))


def staff_api_user() -> dict:
	"""An integrator's API user with the Service Manager role, and a fresh key pair (the API check's)."""
	user = frappe.get_doc("User", make_user("api-check@example.com", ["Service Manager"]))
	if not user.api_key:
		user.api_key = frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	return {"user": user.name, "api_key": user.api_key, "api_secret": secret}


def telemetry_demo(unit: str, other_unit: str) -> dict:
	"""Customer A's genset reporting itself: a device (a fresh token each run), a year of daily rollups
	and this morning's raw readings of hours, load, fuel and battery, and an open low-fuel alarm. B's
	genset gets a device too, which A must never see."""
	import datetime
	import math

	from genset_service.api.telemetry_v1 import new_device_token
	from genset_service.telemetry import model, rollup
	from genset_service.telemetry.common import DEVICE, now
	from genset_service.telemetry.ingest import known_devices, read_json, store

	devices = {}
	for name, genset in (("PCHK-DSE-A1", unit), ("PCHK-DSE-B1", other_unit)):
		if not frappe.db.exists(DEVICE, name):
			frappe.get_doc(
				{"doctype": DEVICE, "device_id": name, "unit": genset, "controller_family": "DSE"}
			).insert(ignore_permissions=True)
		devices[name] = new_device_token(name)["token"]
	device = "PCHK-DSE-A1"
	at = now()
	today = model.period_start(at, model.DAY)
	days = []
	hours = 1000.0
	for back in range(365, 0, -1):
		start = today - datetime.timedelta(days=back)
		run = 6 + 4 * math.sin(back / 9)
		days.append(
			model.Rollup(
				device,
				model.RUNNING_HOURS,
				model.DAY,
				start,
				24,
				hours,
				hours + run,
				hours + run / 2,
				hours + run,
				hours,
				round(run, 2),
			)
		)
		hours += run
		load = 55 + 20 * math.sin(back / 5)
		days.append(
			model.Rollup(device, model.LOAD_PERCENT, model.DAY, start, 96, load - 20, load + 25, load, load)
		)
		fuel = 30 + (back * 7) % 65
		days.append(
			model.Rollup(
				device, model.FUEL_LEVEL_PERCENT, model.DAY, start, 96, fuel - 5, fuel + 30, fuel + 10, fuel
			)
		)
		days.append(model.Rollup(device, model.BATTERY_VOLTAGE, model.DAY, start, 96, 24.1, 27.8, 26.9, 27.2))
	rollup.write(days, {device: unit})
	# the hour meter goes on from the genset's last reading (a higher count would be flagged, not applied)
	hours = frappe.db.get_value("Genset Unit", unit, "running_hours") or 0
	since = max(at.replace(minute=0, second=0) - datetime.timedelta(hours=3), today)
	entries = [
		{
			"time": (since + datetime.timedelta(minutes=10 * i)).isoformat(),
			"metrics": {
				"running_hours": round(hours + 1 + i / 6, 2),
				"load_percent": 60 + i % 7,
				"fuel_level_percent": 24 - i * 0.2,
				"battery_voltage": 27.1,
			},
		}
		for i in range(int((at - since).total_seconds() // 600))
	]
	entries.append({"time": at.isoformat(), "alarms": [{"code": "LOW_FUEL", "name": "Low Fuel Level"}]})
	frappe.set_user("Administrator")
	store([read_json(device, {"readings": entries}, known_devices([device]), at)], at)
	# the hours just stored, rolled up as the hourly job will (it reads what is five minutes old)
	rollup.run(at + rollup.STORE_LAG + datetime.timedelta(seconds=1))
	return {
		"device": device,
		"token": devices[device],
		"other_device": "PCHK-DSE-B1",
		"other_token": devices["PCHK-DSE-B1"],
	}


def journey_of(customer: str) -> dict:
	"""A sea shipment of one of the customer's gensets still on its way, departed ten days ago and held
	at customs since yesterday with a new ETA (idempotent: the genset's live shipment is kept)."""
	from frappe.utils import add_days, now_datetime

	from genset_service.logistics import model as M
	from genset_service.logistics.journey import record_events
	from genset_service.logistics.shipment import make_from_delivery_notes

	unit = frappe.db.get_value(
		"Genset Unit", {"customer": customer, "shipment": ("is", "set")}
	) or frappe.db.get_value(
		"Genset Unit",
		{"customer": customer, "status": "Delivered", "arrival_date": ("is", "not set")},
		order_by="name desc",
	)
	current = frappe.db.get_value("Genset Unit", unit, "shipment")
	if current and frappe.db.get_value("Genset Shipment", current, "status") != "Cancelled":
		return {"name": current, "unit": unit}
	if not frappe.db.exists("Genset Carrier Account", "Portal Check Carrier"):
		frappe.get_doc(
			{
				"doctype": "Genset Carrier Account",
				"carrier_name": "Portal Check Carrier",
				"webhook_secret": "portal-check-secret",
				"tracking_url_template": "https://track.example.com/{tracking_number}",
			}
		).insert(ignore_permissions=True)
	make_shipping_addresses(customer)
	note = frappe.db.get_value("Genset Unit", unit, "delivery_note")
	made = make_from_delivery_notes(
		[note],
		mode="Sea",
		origin="Shanghai",
		destination="Mombasa",
		planned_eta=str(add_days(frappe.utils.nowdate(), 5)),
		units=[unit],
		carrier_account="Portal Check Carrier",
		tracking_number="PCHK0000001",
	)
	now = now_datetime().replace(microsecond=0)
	record_events(
		[
			{
				"shipment": made.shipment,
				"milestone": M.DEPARTED,
				"event_time": add_days(now, -10),
				"place": "Shanghai",
			},
			{
				"shipment": made.shipment,
				"milestone": M.CUSTOMS_HELD,
				"event_time": add_days(now, -1),
				"place": "Mombasa",
				"new_eta": add_days(frappe.utils.nowdate(), 9),
				"reason": "certificate of origin missing",
			},
		],
		M.Source.CARRIER,
	)
	return {"name": made.shipment, "unit": unit}


def desk_history(customer: str, team: dict) -> None:
	"""A little history for the manager's reports: three failures of the customer's first gensets,
	two fixed by one visit each and one waiting, their hour-meter readings, and two answered surveys
	(once: nothing is added when the customer already has resolved requests)."""
	from frappe.utils import add_days, add_to_date, now_datetime

	if frappe.db.exists("Genset Service Request", {"customer": customer, "status": "Resolved"}):
		return
	now = now_datetime().replace(microsecond=0)
	units = frappe.get_all(
		"Genset Unit",
		filters={"customer": customer, "status": ("!=", "Cancelled")},
		pluck="name",
		order_by="name",
		limit=3,
	)
	for position, unit in enumerate(units):
		frappe.db.set_value(
			"Genset Unit",
			unit,
			{
				"delivery_date": add_days(now, -125),
				"arrival_date": add_days(now, -120),
				"commissioning_date": add_days(now, -120),
			},
		)
		request = frappe.get_doc(
			{
				"doctype": "Genset Service Request",
				"service_type": ("Field Maintenance", "Emergency Rescue", "Field Maintenance")[position],
				"unit": unit,
				"description": "Genset trips on overload after a few minutes",
			}
		).insert(ignore_permissions=True)
		opened = add_to_date(now, days=-(10 + 20 * position), hours=-3)
		frappe.db.set_value("Genset Service Request", request.name, "opening_date", opened)
		if position == 2:
			continue
		report = frappe.get_doc(
			{
				"doctype": "Genset Service Report",
				"unit": unit,
				"service_type": request.service_type,
				"service_request": request.name,
				"engineer": team["After-sales Engineer"],
				"start_time": add_to_date(opened, hours=5 + 20 * position),
				"end_time": add_to_date(opened, hours=8 + 20 * position),
				"running_hours": 400 + 150 * position,
				"work_done": "Replaced the AVR and tested under load",
				"customer_signatory": "Site Manager",
				"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
			}
		).insert(ignore_permissions=True)
		report.submit()
		frappe.db.set_value(
			"Genset Service Request",
			request.name,
			"first_responded_on",
			add_to_date(opened, hours=1 + 3 * position),
		)
	for days, overall, nps in ((5, 5, 10), (40, 3, 6)):
		survey = frappe.get_doc(
			{
				"doctype": "Genset Satisfaction Survey",
				"customer": customer,
				"status": "Answered",
				"sent_on": add_days(now, -days - 2),
				"answered_on": add_days(now, -days),
				"overall": overall,
				"response_speed": 4,
				"engineer_skill": 5,
				"product_quality": 4,
				"nps": nps,
				"suggestions": "Send the engineer's arrival time by SMS" if nps < 9 else None,
			}
		)
		survey.flags.ignore_mandatory = True
		survey.insert(ignore_permissions=True)


DEMO_NOTE = "Dispatch demo"
# engineers of the demo region: key, home pin, skills, working days, hours
DEMO_ENGINEERS = (
	(
		"north",
		(53.82, -1.56),
		("Regular Inspection", "Maintenance", "Field Maintenance", "Emergency Rescue"),
		7,
		("07:00:00", "22:00:00"),
	),
	("east", (53.78, -1.20), ("Regular Inspection", "Field Maintenance"), 5, ("08:00:00", "17:00:00")),
	("south", (53.58, -1.48), ("Regular Inspection", "Maintenance"), 5, ("08:00:00", "17:00:00")),
	# on call around the clock for failures only: the optimiser gives them no planned work
	("on-call", (53.70, -1.60), ("Field Maintenance", "Emergency Rescue"), 7, ("00:00:00", "23:59:00")),
)


def _pinned_address(title: str, pin: tuple, country: str) -> str:
	name = frappe.db.get_value("Address", {"address_title": title})
	if name:
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": title,
				"address_line1": f"{title} Road",
				"city": ("Leeds", "Wakefield", "Harrogate", "York", "Bradford")[len(title) % 5],
				"country": country,
				"genset_latitude": pin[0],
				"genset_longitude": pin[1],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def dispatch_region(customer: str) -> dict:
	"""Customer A's gensets pinned across a region, three engineers with homes, skills and hours, and
	twenty on-site visits due over the next two weeks, unscheduled (reset on every run: the browser
	check optimises and applies them)."""
	from frappe.utils import add_days, nowdate

	from genset_service.dispatch.proposals import PROPOSAL

	units = frappe.get_all(
		"Genset Unit",
		filters={"customer": customer, "status": ("!=", "Cancelled")},
		fields=["name", "company", "site_address"],
		order_by="name",
	)
	country = frappe.db.get_value("Company", units[0].company, "country")
	for index, unit in enumerate(units):
		pin = (53.55 + (index % 5) * 0.09, -1.85 + (index // 5) * 0.16)
		if not unit.site_address or not frappe.db.get_value("Address", unit.site_address, "genset_latitude"):
			address = _pinned_address(f"Genset Site {index + 1:02d}", pin, country)
			frappe.db.set_value("Genset Unit", unit.name, "site_address", address)
	engineers = []
	for key, home, skills, days, (start, end) in DEMO_ENGINEERS:
		user = make_user(f"gs-dispatch-{key}@example.com", ["After-sales Engineer"])
		names = {"first_name": key.replace("-", " ").title(), "last_name": "Engineer"}
		frappe.db.set_value("User", user, {**names, "full_name": " ".join(names.values())})
		name = frappe.db.get_value("Genset Engineer", {"user": user})
		if not name:
			week = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
			name = (
				frappe.get_doc(
					{
						"doctype": "Genset Engineer",
						"user": user,
						"full_name": f"{key.title()} Engineer",
						"home_base": _pinned_address(f"Engineer Home {key.title()}", home, country),
						"working_from": start,
						"working_to": end,
						"skills": [{"service_type": skill} for skill in skills],
						**{day: int(n < days) for n, day in enumerate(week)},
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		frappe.db.set_value("Genset Engineer", name, "full_name", f"{names['first_name']} Engineer")
		engineers.append(name)
	today = nowdate()
	tasks = frappe.get_all("Genset Service Task", filters={"notes": DEMO_NOTE}, pluck="name", order_by="name")
	for index in range(len(tasks), 20):
		tasks.append(
			frappe.get_doc(
				{
					"doctype": "Genset Service Task",
					"service_type": ("Regular Inspection", "Maintenance")[index % 2],
					"unit": units[index % len(units)].name,
					"due_from": today,
					"due_to": today,
					"responsible_role": "After-sales Engineer",
					"notes": DEMO_NOTE,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	for index, task in enumerate(tasks):
		frappe.db.set_value(
			"Genset Service Task",
			task,
			{
				"status": "Planned",
				"due_from": add_days(today, 1 + index % 9),
				"due_to": add_days(today, 4 + index % 9),
				"assigned_to": None,
				"_assign": None,
				"scheduled_start": None,
				"scheduled_end": None,
				"route_order": 0,
				"dispatch_proposal": None,
			},
		)
	todo = frappe.qb.DocType("ToDo")
	frappe.qb.update(todo).set(todo.status, "Cancelled").where(todo.reference_name.isin(tasks)).run()
	proposal = frappe.qb.DocType(PROPOSAL)
	frappe.qb.update(proposal).set(proposal.status, "Discarded").where(proposal.status == "Draft").run()
	return {"engineers": engineers, "tasks": tasks}


FIELD_NOTE = "Field demo"


def retire_field_demo() -> None:
	"""The last run's field demo out of the way: its open tasks and its breakdown cancelled."""
	task = frappe.qb.DocType("Genset Service Task")
	frappe.qb.update(task).set(task.status, "Cancelled").where(task.notes == FIELD_NOTE).where(
		task.status.isin(("Planned", "Due", "Overdue"))
	).run()
	request = frappe.qb.DocType("Genset Service Request")
	frappe.qb.update(request).set(request.status, "Cancelled").where(request.description == FIELD_NOTE).where(
		request.status.isin(("Open", "In Progress", "On Hold"))
	).run()


def field_visits(customer: str) -> dict:
	"""An engineer with a password, a van with oil filters, and fresh tasks assigned to them on every
	run: an inspection, a service report, a return visit and a training to do offline, one the office
	cancels meanwhile, and a breakdown's visit to check in to.
	Made by the browser check when it comes to the phone (after the dispatch board's optimisation, which
	would otherwise move these tasks to other engineers); commits and prints JSON."""

	from genset_service.tests.utils import company, make_genset_item

	user = make_user("gs-field-engineer@example.com", ["After-sales Engineer"])
	frappe.db.set_value(
		"User", user, {"first_name": "Field", "last_name": "Engineer", "full_name": "Field Engineer"}
	)
	from frappe.utils.password import update_password

	update_password(user, PASSWORD)
	firm = company()
	abbr = frappe.db.get_value("Company", firm, "abbr")
	van = f"GS Field Van - {abbr}"
	if not frappe.db.exists("Warehouse", van):
		frappe.get_doc({"doctype": "Warehouse", "warehouse_name": "GS Field Van", "company": firm}).insert(
			ignore_permissions=True
		)
	part = make_genset_item("_Test Genset Oil Filter", genset=False)
	if (frappe.db.get_value("Bin", {"warehouse": van, "item_code": part}, "actual_qty") or 0) < 10:
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": firm,
				"items": [{"item_code": part, "qty": 20, "t_warehouse": van, "basic_rate": 12}],
			}
		)
		entry.insert(ignore_permissions=True)
		entry.submit()
	name = frappe.db.get_value("Genset Engineer", {"user": user})
	if not name:
		name = (
			frappe.get_doc(
				{
					"doctype": "Genset Engineer",
					"user": user,
					"working_from": "07:00:00",
					"working_to": "19:00:00",
					"van_warehouse": van,
					"home_base": _pinned_address(
						"Engineer Home Field", (53.79, -1.52), frappe.db.get_value("Company", firm, "country")
					),
					"skills": [{"service_type": "Regular Inspection"}, {"service_type": "Maintenance"}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	retire_field_demo()
	units = frappe.get_all(
		"Genset Unit",
		filters={"customer": customer, "status": ("!=", "Cancelled"), "commissioning_date": ("is", "set")},
		pluck="name",
		order_by="name",
		limit=3,
	)
	tasks = {
		key: demo_task(user, service, unit, FIELD_NOTE, role="After-sales Engineer")
		for key, service, unit in (
			("inspection", "Regular Inspection", units[0]),
			("report", "Maintenance", units[1 % len(units)]),
			("conflict", "Regular Inspection", units[2 % len(units)]),
			("return", "Customer Return Visit", units[1 % len(units)]),
			("training", "Operation Training", units[2 % len(units)]),
		)
	}
	# a breakdown whose visit is the engineer's: they check in from the phone, which stops its on-site clock
	request, visit = demo_breakdown(units[0], user, FIELD_NOTE)
	tasks["arrival"] = visit
	# a seeding command run on its own site, not a request
	frappe.db.commit()  # nosemgrep
	answer = {
		"user": user,
		"engineer": name,
		"van": van,
		"part": part,
		"tasks": tasks,
		"request": request.name,
	}
	print(json.dumps(answer))
	return answer


def demo_task(user: str, service: str, unit: str, note: str, role: str | None = None) -> str:
	"""An open task due in the next three days, given to ``user`` and marked with ``note``."""
	from frappe.utils import add_days, nowdate

	return (
		frappe.get_doc(
			{
				"doctype": "Genset Service Task",
				"service_type": service,
				"unit": unit,
				"due_from": nowdate(),
				"due_to": add_days(nowdate(), 3),
				"responsible_role": role
				or frappe.db.get_value("Genset Service Type", service, "responsible_role"),
				"assigned_to": user,
				"notes": note,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def demo_breakdown(unit: str, user: str, note: str) -> tuple:
	"""A breakdown of ``unit`` whose visit is given to ``user``: the request and its task."""
	request = frappe.get_doc(
		{
			"doctype": "Genset Service Request",
			"service_type": "Field Maintenance",
			"unit": unit,
			"description": note,
		}
	).insert(ignore_permissions=True)
	visit = frappe.db.get_value(
		"Genset Service Task", {"reference_doctype": request.doctype, "reference_name": request.name}
	)
	frappe.db.set_value("Genset Service Task", visit, {"assigned_to": user, "notes": note})
	return request, visit


def cancel_task(task: str) -> None:
	"""The office cancels a task (while the engineer's phone is offline)."""
	frappe.db.set_value("Genset Service Task", task, "status", "Cancelled")
	# a command run on its own, not a request
	frappe.db.commit()  # nosemgrep


OUTBOX_NOTE = "Outbox demo"
# the acts the outbox check queues, one task each: the answers the network gives them (rules as data)
OUTBOX_VISITS = ("html", "redirect", "error", "busy", "lost", "forbidden", "theirs", "quota")


def field_outbox() -> dict:
	"""Two engineers who share a phone, with fresh tasks on every run: a return visit for each network
	answer the outbox check tries, a new genset to commission (a 35-point checklist, ten photos), a
	regular inspection with photos for a reload in the middle of its upload, and a breakdown that is
	someone else's (its check-in is refused, the rest go on). Commits and prints JSON."""
	from frappe.utils.password import update_password

	team = make_service_team()
	task = frappe.qb.DocType("Genset Service Task")
	frappe.qb.update(task).set(task.status, "Cancelled").where(task.notes == OUTBOX_NOTE).where(
		task.status.isin(("Planned", "Due", "Overdue"))
	).run()
	users = {}
	for key in ("a", "b"):
		user = make_user(f"gs-outbox-{key}@example.com", ["After-sales Engineer", "Technical Engineer"])
		frappe.db.set_value(
			"User", user, {"first_name": f"Engineer {key.upper()}", "full_name": f"Engineer {key.upper()}"}
		)
		update_password(user, PASSWORD)
		profile = frappe.db.get_value("Genset Engineer", {"user": user})
		if not profile:
			frappe.get_doc(
				{
					"doctype": "Genset Engineer",
					"user": user,
					"working_from": "07:00:00",
					"working_to": "19:00:00",
				}
			).insert(ignore_permissions=True)
		else:  # put aside by the portal seed, so that the dispatch board's demo never plans for them
			frappe.db.set_value("Genset Engineer", profile, "enabled", 1)
		users[key] = user
	item = make_genset_item("Portal Check Genset 250 kVA")
	customer = make_customer("Portal Check Outbox Customer")
	order = make_sales_order([{"item_code": item, "qty": 2}], customer=customer)
	units = frappe.get_all(
		"Genset Unit", {"delivery_note": make_delivery_note(order.name).name}, pluck="name", order_by="name"
	)

	visits = {
		key: demo_task(users["a"], "Customer Return Visit", units[0], OUTBOX_NOTE) for key in OUTBOX_VISITS
	}
	visits["b"] = demo_task(users["b"], "Customer Return Visit", units[1], OUTBOX_NOTE)
	request, _visit = demo_breakdown(units[1], users["b"], OUTBOX_NOTE)
	answer = {
		"a": users["a"],
		"b": users["b"],
		"team": team,
		"visits": visits,
		"commissioning": demo_task(users["a"], "Installation and Commissioning", units[0], OUTBOX_NOTE),
		"regular": demo_task(users["a"], "Regular Inspection", units[1], OUTBOX_NOTE),
		"request_of_b": request.name,
		"units": units,
	}
	# a seeding command run on its own site, not a request
	frappe.db.commit()  # nosemgrep
	print(json.dumps({"outbox": answer}))
	return answer
