"""Making the demo: every step through the app's own paths (orders submitted, deliveries planned,
inspections, visits and reports recorded, requests opened under their clocks, surveys answered, an
extension sold, a shipment followed, a genset reporting itself), dated over the last two years.

Each step finds what an earlier run made and makes only what is missing (run twice: nothing twice).
Every master record the demo makes (its company, customers, items, users, engineers, addresses,
fiscal years) is listed in the site's defaults (``REGISTRY``), so that ``remove`` takes exactly those."""

import datetime
import json
import math
import time

import frappe
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime, nowdate

from genset_service.access.guard import as_app
from genset_service.demo import spec as S
from genset_service.planning.inspection import passing_value

REGISTRY = "genset_service_demo_records"
UNIT = "Genset Unit"
TASK = "Genset Service Task"
REQUEST = "Genset Service Request"
SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


# ------------------------------------------------------------------ the registry of made masters
def registry() -> list[list[str]]:
	return json.loads(frappe.db.get_global(REGISTRY) or "[]")


def register(doctype: str, name: str) -> str:
	made = registry()
	if [doctype, name] not in made:
		made.append([doctype, name])
		frappe.db.set_global(REGISTRY, json.dumps(made))
	return name


def days_ago(days: float) -> datetime.date:
	return getdate(add_days(nowdate(), -days))


# ------------------------------------------------------------------ the company and its masters
def company() -> str:
	"""The demo's own company (the site's first company's country and currency, so that no exchange
	rate is needed); a site whose set-up wizard never ran is set up with it."""
	if frappe.db.exists("Company", S.COMPANY):
		return S.COMPANY
	if not frappe.db.a_row_exists("Company"):
		from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

		year = now_datetime().year
		setup_complete(
			{
				"currency": "GBP",
				"full_name": "Demo Administrator",
				"company_name": S.COMPANY,
				"timezone": "Europe/London",
				"company_abbr": S.ABBR,
				"industry": "Manufacturing",
				"country": "United Kingdom",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"company_tagline": "Gensets that keep the lights on",
				"email": f"admin@{S.DOMAIN}",
				"password": S.PASSWORD,
				"chart_of_accounts": "Standard",
			}
		)
		register("User", f"admin@{S.DOMAIN}")
	else:
		first = frappe.get_all(
			"Company", fields=["default_currency", "country"], order_by="creation asc", limit=1
		)[0]
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": S.COMPANY,
				"abbr": S.ABBR,
				"default_currency": first.default_currency,
				"country": first.country,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return register("Company", S.COMPANY)


def fiscal_years() -> None:
	"""The calendar years the demo's documents fall in."""
	for year in range(days_ago(800).year, getdate().year + 2):
		if not frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
			doc = frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": f"{year}"
					if not frappe.db.exists("Fiscal Year", str(year))
					else f"{year} ({S.PREFIX})",
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)
			register("Fiscal Year", doc.name)


def items() -> None:
	group = frappe.db.get_value("Item Group", {"is_group": 0}, "name", order_by="creation asc")
	for model in S.MODELS:
		register("Item", model.code)  # the demo's own name: registered even when found
		if frappe.db.exists("Item", model.code):
			continue
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": model.code,
				"item_name": model.code,
				"item_group": group,
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"allow_negative_stock": 1,
				"valuation_rate": round(model.rate * 0.7),
				"standard_rate": model.rate,
				"is_genset": 1,
				"genset_kva": model.kva,
				"genset_warranty_months": model.warranty_months,
				"genset_warranty_hours": model.warranty_hours,
				"genset_inspection_interval_months": model.inspection_months,
				"genset_maintenance_interval_months": model.maintenance_months,
				"genset_maintenance_interval_hours": model.maintenance_hours,
				"genset_contract_months": model.contract_months,
			}
		).insert(ignore_permissions=True)
		register("Item", model.code)
	for code, stock in ((EXTENSION_ITEM, 0), (LABOUR_ITEM, 0)):
		register("Item", code)
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": code,
					"item_group": group,
					"stock_uom": "Nos",
					"is_stock_item": stock,
				}
			).insert(ignore_permissions=True)
			register("Item", code)


EXTENSION_ITEM = "Demo Warranty Extension 12 Months"
LABOUR_ITEM = "Demo Service Labour"


def address(title: str, city: str, pin: tuple, links: list[dict] | None = None, ours: bool = False) -> str:
	name = frappe.db.get_value("Address", {"address_title": title})
	if name:
		return register("Address", name)
	doc = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": title,
			"address_type": "Shipping",
			"address_line1": "1 Works Road",
			"city": city,
			"pincode": "",
			"country": frappe.db.get_value("Company", S.COMPANY, "country"),
			"genset_latitude": pin[0],
			"genset_longitude": pin[1],
			"is_shipping_address": 1,
			"is_your_company_address": 1 if ours else 0,
			"links": links or [],
		}
	).insert(ignore_permissions=True)
	return register("Address", doc.name)


def user(email: str, first_name: str, roles: list[str], website: bool = False) -> str:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name.split(" ")[0],
				"last_name": " ".join(first_name.split(" ")[1:]),
				"send_welcome_email": 0,
				"user_type": "Website User" if website else "System User",
				"new_password": S.PASSWORD,
				"roles": [{"role": role} for role in roles],
			}
		).insert(ignore_permissions=True)
	return register("User", email)


def customers() -> dict[str, frappe._dict]:
	out = {}
	for customer in S.CUSTOMERS:
		if not frappe.db.exists("Customer", customer.name):
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": customer.name,
					"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
					"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
					"email_id": customer.email,
				}
			).insert(ignore_permissions=True)
		register("Customer", customer.name)
		site = address(
			f"{customer.name} Site",
			customer.city,
			customer.pin,
			[{"link_doctype": "Customer", "link_name": customer.name}],
		)
		portal = user(f"{customer.key}@{S.DOMAIN}", customer.contact, ["Customer"], website=True)
		doc = frappe.get_doc("Customer", customer.name)
		if portal not in [row.user for row in doc.get("portal_users", [])]:
			doc.append("portal_users", {"user": portal})
			doc.save(ignore_permissions=True)
		out[customer.key] = frappe._dict(name=customer.name, site=site, user=portal, spec=customer)
	return out


def staff() -> dict[str, str]:
	"""The service team's logins: the manager, support, a salesperson, a logistics specialist."""
	return {
		"manager": user(
			f"manager@{S.DOMAIN}", "Morgan Reyes", ["Service Manager", "Sales Manager", "Stock User"]
		),
		"support": user(
			f"support@{S.DOMAIN}", "Priya Natarajan", ["Technical Support", "Customer Service Specialist"]
		),
		"sales": user(f"sales@{S.DOMAIN}", "Sam Ortega", ["Sales Manager", "Sales User"]),
		"logistics": user(f"logistics@{S.DOMAIN}", "Lena Vogel", ["Logistics Specialist"]),
	}


def engineers() -> dict[str, frappe._dict]:
	out = {}
	week = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
	for spec in S.ENGINEERS:
		email = user(f"{spec.key}@{S.DOMAIN}", spec.name, ["After-sales Engineer", "Technical Engineer"])
		name = frappe.db.get_value("Genset Engineer", {"user": email})
		if name:
			register("Genset Engineer", name)
		else:
			van = warehouse(f"{S.PREFIX} Van {spec.name.split()[0]}")
			name = (
				frappe.get_doc(
					{
						"doctype": "Genset Engineer",
						"user": email,
						"full_name": spec.name,
						"home_base": address(f"{S.PREFIX} Home {spec.name}", spec.city, spec.home),
						"van_warehouse": van,
						"working_from": spec.hours[0],
						"working_to": spec.hours[1],
						"skills": [{"service_type": skill} for skill in spec.skills],
						**{day: int(n < spec.days) for n, day in enumerate(week)},
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			register("Genset Engineer", name)
		out[spec.key] = frappe._dict(name=name, user=email)
	return out


def warehouse(title: str) -> str:
	name = frappe.db.get_value("Warehouse", {"warehouse_name": title, "company": S.COMPANY})
	if name:
		return name
	parent = frappe.db.get_value(
		"Warehouse", {"company": S.COMPANY, "is_group": 1}, "name", order_by="lft asc"
	)
	doc = frappe.get_doc(
		{"doctype": "Warehouse", "warehouse_name": title, "company": S.COMPANY, "parent_warehouse": parent}
	).insert(ignore_permissions=True)
	return doc.name


def stores() -> str:
	return frappe.db.get_value(
		"Warehouse", {"company": S.COMPANY, "is_group": 0, "warehouse_name": ("like", "Stores%")}
	) or frappe.db.get_value(
		"Warehouse", {"company": S.COMPANY, "is_group": 0}, "name", order_by="creation asc"
	)


# ------------------------------------------------------------------ orders and deliveries


def inspection(kind: str, day, inspector: str, **fields) -> str:
	"""A fully read, accepted inspection of ``kind`` (every checkpoint passing), submitted."""
	template = frappe.db.get_value("Genset Inspection Template", {"inspection_kind": kind, "disabled": 0})
	doc = frappe.get_doc(
		{
			"doctype": "Genset Inspection",
			"inspection_kind": kind,
			"template": template,
			"inspection_date": getdate(day),
			"inspector": inspector,
			"result": fields.pop("result", "Accepted"),
			"customer_signatory": "Site Manager",
			"customer_signature": SIGNATURE,
			**fields,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	for row in doc.readings:
		row.value = passing_value(row)
	if doc.result != "Accepted":
		doc.remarks = "Coolant hose perished at the lower clamp"
		numeric = next((row for row in doc.readings if row.reading_type == "Numeric" and row.min_value), None)
		if numeric:
			numeric.value = str(numeric.min_value - 1)
	doc.save()
	doc.submit()
	return doc.name


def orders(people: dict, team: dict) -> dict[str, list[str]]:
	"""Each order submitted on its day; its gensets inspected before shipping and delivered on theirs.
	Returns the units of each order."""
	units = {}
	engineer = team["dana"].user
	for order in S.ORDERS:
		customer = people[order.customer]
		model = next(m for m in S.MODELS if m.code == order.model)
		so = frappe.db.get_value("Sales Order", {"po_no": f"{S.PREFIX}-{order.key}", "docstatus": 1})
		if not so:
			ordered = days_ago(order.ordered)
			due = (
				days_ago(order.delivered)
				if order.delivered is not None
				else add_days(nowdate(), order.due_in)
			)
			doc = frappe.get_doc(
				{
					"doctype": "Sales Order",
					"customer": customer.name,
					"company": S.COMPANY,
					"po_no": f"{S.PREFIX}-{order.key}",
					"transaction_date": ordered,
					"delivery_date": due,
					"set_warehouse": stores(),
					"shipping_address_name": customer.site,
					"items": [
						{"item_code": model.code, "qty": order.qty, "rate": model.rate, "delivery_date": due}
					],
				}
			)
			doc.insert(ignore_permissions=True)
			doc.submit()
			so = doc.name
		if order.delivered is None:
			units[order.key] = []
			continue
		if not frappe.db.exists("Delivery Note Item", {"against_sales_order": so, "docstatus": 1}):
			delivered = days_ago(order.delivered)
			accepted = frappe.db.count(
				"Genset Inspection",
				{"sales_order": so, "docstatus": 1, "result": "Accepted", "inspection_kind": "Pre-shipment"},
			)
			for _n in range(order.qty - accepted):
				inspection(
					"Pre-shipment", add_days(delivered, -1), engineer, sales_order=so, item_code=model.code
				)
			from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

			note = make_delivery_note(so)
			note.set_posting_time = 1
			note.posting_date = delivered
			note.shipping_address_name = customer.site
			note.insert(ignore_permissions=True)
			note.submit()
		names = frappe.get_all(
			UNIT,
			filters={"sales_order": so, "status": ("!=", "Cancelled")},
			pluck="name",
			order_by="unit_index asc, name asc",
		)
		for name in names:
			if not frappe.db.get_value(UNIT, name, "site_address"):
				frappe.db.set_value(UNIT, name, "site_address", customer.site)
		units[order.key] = names
	return units


def life(units: dict[str, list[str]], team: dict) -> None:
	"""Arrival and commissioning recorded by their inspections on their days; the operation training
	given two days after commissioning."""
	trainer = team["erik"].user
	for order in S.ORDERS:
		if order.delivered is None or order.arrival_after is None:
			continue
		delivered = days_ago(order.delivered)
		for name in units[order.key]:
			unit = frappe.db.get_value(UNIT, name, ["arrival_date", "commissioning_date"], as_dict=True)
			if not unit.arrival_date:
				inspection("Arrival Acceptance", add_days(delivered, order.arrival_after), trainer, unit=name)
			if order.commissioning_after is not None and not unit.commissioning_date:
				commissioned = add_days(delivered, order.commissioning_after)
				inspection("Commissioning", commissioned, team["dana"].user, unit=name, running_hours=2)
				if not frappe.db.exists("Genset Operation Training", {"unit": name, "docstatus": 1}):
					training(name, add_days(commissioned, 2), trainer)


def training(unit: str, day, trainer: str) -> None:
	task = frappe.db.get_value(
		TASK, {"unit": unit, "service_type": "Operation Training", "status": ("!=", "Cancelled")}
	)
	doc = frappe.get_doc(
		{
			"doctype": "Genset Operation Training",
			"unit": unit,
			"task": task,
			"training_date": getdate(day),
			"trainer": trainer,
			"topics": "Start and stop, the controller's alarms, daily checks, refuelling safely",
			"attendees": [{"attendee_name": "Site Electrician"}, {"attendee_name": "Facilities Manager"}],
			"customer_signatory": "Facilities Manager",
			"customer_signature": SIGNATURE,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	doc.submit()


# ------------------------------------------------------------------ two years of visits
def hours_at(order: S.Order, day) -> float:
	"""The hour meter of a genset of ``order`` on ``day``: its hours a day since commissioning."""
	commissioned = days_ago(order.delivered - order.commissioning_after)
	return round(2 + max(0, (getdate(day) - commissioned).days) * order.hours_a_day, 1)


def history(units: dict[str, list[str]], team: dict) -> None:
	"""Until no visit of the past is left open but those left on purpose: each round's hour-meter
	readings bring hours-based maintenance forward, which the next round does."""
	for _round in range(4):
		if not past_visits(units, team):
			return


def past_visits(units: dict[str, list[str]], team: dict) -> int:
	"""The past visits done: regular inspections and maintenance recorded by their documents with the
	hour meter as it was, return visits and warranty checks; the most recent regular inspection of the
	first genset left overdue, and one rejected (which opens a Field Maintenance follow-up)."""
	today = getdate()
	done = 0
	engineers = [team[key].user for key in ("dana", "erik", "fatima")]
	for order in S.ORDERS:
		if order.commissioning_after is None:
			continue
		for position, name in enumerate(units[order.key]):
			tasks = frappe.get_all(
				TASK,
				filters={
					"unit": name,
					"status": ("in", ("Planned", "Due", "Overdue")),
					"due_to": ("<", add_days(today, -3)),
				},
				fields=["name", "service_type", "due_from", "due_to"],
				order_by="due_from asc",
			)
			last_regular = next(
				(t.name for t in reversed(tasks) if t.service_type == "Regular Inspection"), None
			)
			for n, task in enumerate(tasks):
				day = task.due_from
				who = engineers[(n + position) % len(engineers)]
				if task.service_type in ("Extended Warranty Offer", "Satisfaction Survey"):
					continue  # an offer not taken up stays as it is; surveys are sent and answered after
				if task.service_type == "Regular Inspection" and (
					order.key == "leeds-2024" and position == 0 and task.name == last_regular
				):
					continue  # left overdue
				done += 1
				if task.service_type == "Regular Inspection":
					rejected = order.key == "york-2024" and position == 1 and task.name == last_regular
					inspection(
						"Regular",
						day,
						who,
						unit=name,
						task=task.name,
						running_hours=hours_at(order, day),
						result="Rejected" if rejected else "Accepted",
					)
				elif task.service_type == "Maintenance":
					report(
						name,
						"Maintenance",
						task.name,
						day,
						who,
						hours_at(order, day),
						"Oil, oil filter, fuel filters and air filter changed; load tested",
					)
				elif task.service_type == "Customer Return Visit":
					return_visit(name, task.name, day, team["erik"].user, hours_at(order, day))
				else:
					close(task.name, day, who)
	return done


def close(task: str, day, who: str) -> None:
	from genset_service.scheduling.tasks import close_task

	close_task(task, day, who, notes=S.NOTE)


def report(
	unit: str,
	service: str,
	task: str | None,
	day,
	engineer: str,
	hours: float,
	work: str,
	request: str | None = None,
) -> str:
	start = get_datetime(f"{getdate(day)} 09:30:00")
	doc = frappe.get_doc(
		{
			"doctype": "Genset Service Report",
			"unit": unit,
			"service_type": service,
			"task": task,
			"service_request": request,
			"engineer": engineer,
			"start_time": start,
			"end_time": add_to_date(start, hours=2),
			"running_hours": hours,
			"work_done": work,
			"customer_signatory": "Site Manager",
			"customer_signature": SIGNATURE,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	doc.submit()
	return doc.name


def return_visit(unit: str, task: str, day, visitor: str, hours: float) -> None:
	doc = frappe.get_doc(
		{
			"doctype": "Genset Return Visit",
			"unit": unit,
			"task": task,
			"visit_date": getdate(day),
			"visited_by": visitor,
			"running_hours": hours,
			"usage": "Standby for mains failures; weekly test run on load",
			"feedback": "Happy with the response times; asks for the service dates a month ahead",
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	doc.submit()


# ------------------------------------------------------------------ on demand, under their clocks
def requests(units: dict[str, list[str]], team: dict) -> dict[str, str]:
	out = {}
	now = now_datetime().replace(microsecond=0)
	for spec in S.REQUESTS:
		unit = units[spec.order][0]
		name = frappe.db.get_value(REQUEST, {"unit": unit, "description": ("like", f"%{spec.description}%")})
		if not name:
			opened = add_to_date(now, hours=-spec.hours_ago)
			doc = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": spec.service,
					"unit": unit,
					"channel": "Phone",
					"description": spec.description,
					"opening_date": opened,
					"priority": spec.priority,
				}
			)
			doc.flags.ignore_permissions = True
			doc.insert()
			name = doc.name
			values = {}
			if spec.acknowledged is not None:
				values.update(
					acknowledged_on=add_to_date(opened, hours=spec.acknowledged),
					acknowledged_by=team["dana"].user,
				)
			if spec.status in ("Resolved", "Closed"):
				hours = order_of(spec.order)
				report(
					unit,
					spec.service,
					doc.task,
					add_to_date(opened, hours=spec.resolved).date(),
					team["fatima"].user,
					hours_at(hours, add_to_date(opened, hours=spec.resolved)),
					"Found and fixed; tested on load for an hour",
					request=name,
				)
				doc.reload()
				doc.status, doc.resolution = spec.status, "Fixed on site; tested on load"
				doc.save()
				values.update(
					on_site_on=add_to_date(opened, hours=spec.resolved - 2),
					restored_on=add_to_date(opened, hours=spec.resolved),
				)
			elif spec.status != "Open":
				doc.reload()
				doc.status = spec.status
				if spec.status == "On Hold":
					doc.hold_reason = "Customer Asked"
				doc.save()
			if values:
				frappe.db.set_value(REQUEST, name, values, update_modified=False)
		if spec.status in ("Open", "In Progress", "On Hold"):
			task = frappe.db.get_value(REQUEST, name, "task")
			if task and spec.service in ("Emergency Rescue", "Field Maintenance"):
				frappe.db.set_value(
					TASK,
					task,
					"assigned_to",
					team["dana"].user if spec.service == "Emergency Rescue" else team["erik"].user,
				)
		out[spec.key] = name
	return out


def order_of(key: str) -> S.Order:
	return next(o for o in S.ORDERS if o.key == key)


# ------------------------------------------------------------------ the customer's voice, sales
def surveys() -> None:
	"""The survey rounds due are sent; all but the newest of each customer answered."""
	from genset_service.scheduling.voice import answer_survey, send_due_surveys

	send_due_surveys()
	for customer in S.CUSTOMERS:
		sent = frappe.get_all(
			"Genset Satisfaction Survey",
			filters={"customer": customer.name, "status": ("!=", "Answered")},
			pluck="name",
			order_by="creation asc",
		)
		for index, name in enumerate(sent[:-1]):
			score = 5 if index % 3 else 4
			answer_survey(
				frappe.get_doc("Genset Satisfaction Survey", name),
				{
					"overall": score,
					"response_speed": score,
					"engineer_skill": 5,
					"product_quality": 4,
					"nps": 9 if score == 5 else 7,
					"suggestions": "Text us when the engineer sets off" if score < 5 else None,
				},
			)


def extension(units: dict[str, list[str]]) -> None:
	"""An extension of 12 months sold for the older 500 kVA gensets and applied by its order."""
	if frappe.db.exists("Genset Warranty Extension", {"customer": S.CUSTOMERS[1].name, "docstatus": 1}):
		return
	doc = frappe.get_doc(
		{
			"doctype": "Genset Warranty Extension",
			"customer": S.CUSTOMERS[1].name,
			"company": S.COMPANY,
			"request_date": nowdate(),
			"extra_months": 12,
			"extra_hours": 2000,
			"service_item": EXTENSION_ITEM,
			"rate": 2400,
			"units": [{"unit": name} for name in units["york-2024"]],
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	doc.submit()
	order = frappe.get_doc(
		"Sales Order", frappe.db.get_value("Genset Warranty Extension", doc.name, "sales_order")
	)
	order.submit()


def consultation(people: dict) -> None:
	from genset_service.api.plan import log_consultation

	lead = frappe.db.get_value("Lead", {"company_name": f"{S.PREFIX} Harbour Cold Store"})
	if lead:
		return
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"lead_name": "Olu Bankole",
			"company_name": f"{S.PREFIX} Harbour Cold Store",
			"email_id": f"olu@coldstore.{S.DOMAIN}",
			"company": S.COMPANY,
		}
	).insert(ignore_permissions=True)
	log_consultation(
		"Lead",
		lead.name,
		"Two 500 kVA sets in N+1 for the freezers; sized for motor starting",
		str(days_ago(3)),
	)


# ------------------------------------------------------------------ a shipment, a genset reporting
def journey(order_key: str, units: dict[str, list[str]], planned_eta, milestones: list[tuple]) -> None:
	"""A shipment of the order's gensets, made from its Delivery Note, and its milestones so far: (days
	after the delivery, milestone, place, new ETA)."""
	from genset_service.logistics.journey import record_events
	from genset_service.logistics.shipment import make_from_delivery_notes

	names = units[order_key]
	if not names or frappe.db.get_value(UNIT, names[0], "shipment"):
		return
	note = frappe.db.get_value(UNIT, names[0], ["delivery_note", "delivery_date"], as_dict=True)
	made = make_from_delivery_notes(
		[note.delivery_note],
		mode="Sea",
		origin="Ningbo",
		destination=frappe.db.get_value(UNIT, names[0], "customer_name") or "Site",
		planned_eta=str(planned_eta),
		tracking_number=f"{S.PREFIX.upper()}-MSKU-{order_key.upper()}",
		bill_of_lading=f"NGB-IMM-{abs(hash(order_key)) % 100000:05d}",
		incoterm="CIF",
	)
	shipped = get_datetime(note.delivery_date)
	record_events(
		[
			{
				"shipment": made.shipment,
				"milestone": milestone,
				"event_time": add_to_date(shipped, days=after, hours=9),
				"place": place,
				"new_eta": getdate(eta) if eta else None,
			}
			for after, milestone, place, eta in milestones
		],
		"Desk",
	)


def shipments(units: dict[str, list[str]]) -> None:
	"""One delivered on time a while ago (its arrival recorded by it), one at sea and late."""
	from genset_service.logistics import model as M

	delivered = days_ago(order_of("york-2026").delivered)
	journey(
		"york-2026",
		units,
		add_days(delivered, 6),
		[
			(0, M.PICKED_UP, "Factory gate", None),
			(1, M.DEPARTED, "Ningbo", None),
			(4, M.ARRIVED_AT_PORT, "Immingham", None),
			(4, M.CUSTOMS_CLEARED, "Immingham", None),
			(5, M.DELIVERED, "York", None),
		],
	)
	journey(
		"sheffield-ship",
		units,
		days_ago(1),
		[
			(0, M.PICKED_UP, "Factory gate", None),
			(2, M.DEPARTED, "Ningbo", None),
			(8, M.TRANSSHIPPED, "Rotterdam", None),
			(9, M.ETA_UPDATED, "Rotterdam", add_days(nowdate(), 4)),
		],
	)


def telemetry(units: dict[str, list[str]]) -> None:
	"""Two gensets reporting themselves: a week of readings (rolled up), and a low-fuel alarm."""
	from genset_service.api.telemetry_v1 import new_device_token
	from genset_service.telemetry import rollup
	from genset_service.telemetry.common import DEVICE, now
	from genset_service.telemetry.ingest import known_devices, read_json, store

	at = now()
	for device, order, family in (
		("DEMO-DSE-7320-01", "york-2026", "DSE"),
		("DEMO-COMAP-IL-02", "leeds-2025", "ComAp"),
	):
		unit = units[order][0]
		if frappe.db.exists(DEVICE, device):
			continue
		frappe.get_doc(
			{
				"doctype": DEVICE,
				"device_id": device,
				"unit": unit,
				"controller_family": family,
				"gateway_serial": f"GW-{device}",
			}
		).insert(ignore_permissions=True)
		new_device_token(device)
		hours = frappe.db.get_value(UNIT, unit, "running_hours") or 0
		spec = order_of(order)
		start = max(
			at - datetime.timedelta(days=7),
			get_datetime(frappe.db.get_value(UNIT, unit, "running_hours_date") or at)
			+ datetime.timedelta(hours=1),
		)
		entries, moment, run = [], start, float(hours)
		while moment < at:
			on = 6 <= moment.hour < 6 + spec.hours_a_day * 1.5
			run += 1 if on else 0
			entries.append(
				{
					"time": moment.isoformat(),
					"metrics": {
						"running_hours": round(run, 1),
						"load_percent": round(55 + 20 * math.sin(moment.hour / 3), 1) if on else 0,
						"fuel_level_percent": round(max(8, 90 - (moment - start).total_seconds() / 7200), 1),
						"battery_voltage": 27.4 if on else 25.9,
						"coolant_temperature_c": 83 if on else 24,
					},
				}
			)
			moment += datetime.timedelta(hours=1)
		if order == "leeds-2025":
			entries.append(
				{"time": at.isoformat(), "alarms": [{"code": "Wrn Fuel Level", "name": "Wrn Fuel Level"}]}
			)
		for begin in range(0, len(entries), 400):
			batch = {"readings": entries[begin : begin + 400]}
			store([read_json(device, batch, known_devices([device]), at)], at)
	rollup.run(at + rollup.STORE_LAG + datetime.timedelta(seconds=1), commit=False)


# ------------------------------------------------------------------ the coming week, for the board
def dispatch_week(units: dict[str, list[str]], team: dict) -> list[str]:
	"""Visits due over the next week, unscheduled, for the board to optimise; today's two visits of Dana's
	on her phone."""
	live = [name for order in S.ORDERS if order.commissioning_after is not None for name in units[order.key]]
	tasks = frappe.get_all(
		TASK, filters={"notes": S.NOTE, "status": ("in", ("Planned", "Due"))}, pluck="name"
	)
	for index in range(len(tasks), S.DISPATCH_VISITS):
		doc = frappe.get_doc(
			{
				"doctype": TASK,
				"service_type": ("Regular Inspection", "Maintenance")[index % 2],
				"unit": live[index % len(live)],
				"due_from": add_days(nowdate(), 1 + index % 5),
				"due_to": add_days(nowdate(), 3 + index % 5),
				"responsible_role": "After-sales Engineer",
				"notes": S.NOTE,
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()
		tasks.append(doc.name)
	today = frappe.db.get_value(
		TASK, {"notes": S.NOTE, "assigned_to": team["dana"].user, "due_from": nowdate()}
	)
	if not today:
		doc = frappe.get_doc(
			{
				"doctype": TASK,
				"service_type": "Regular Inspection",
				"unit": units["york-2026"][0],
				"due_from": nowdate(),
				"due_to": nowdate(),
				"responsible_role": "After-sales Engineer",
				"notes": S.NOTE,
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()
		frappe.db.set_value(
			TASK,
			doc.name,
			{
				"assigned_to": team["dana"].user,
				"_assign": json.dumps([team["dana"].user]),
				"scheduled_start": get_datetime(f"{nowdate()} 10:00:00"),
			},
		)
	return tasks


# ------------------------------------------------------------------ all of it
STEPS = (
	"company",
	"masters",
	"orders",
	"life",
	"history",
	"requests",
	"voice",
	"logistics",
	"telemetry",
	"dispatch",
	"clocks",
)


def make(progress=print) -> dict:
	"""The whole demo, a step at a time, each committed (a command, not a request)."""
	started = time.monotonic()  # the set-up wizard may change the site's time zone on the way
	frappe.flags.mute_emails = True
	setters = set(frappe.get_all("Property Setter", pluck="name"))
	with as_app():
		company()
		fiscal_years()
		frappe.db.commit()  # nosemgrep
		progress("company and fiscal years")
		items()
		address(
			f"{S.COMPANY} Works",
			"Sheffield",
			(53.39, -1.42),
			[{"link_doctype": "Company", "link_name": S.COMPANY}],
			ours=True,
		)
		people = customers()
		team = engineers()
		logins = staff()
		settings = frappe.get_single("Genset Service Settings")
		if not settings.labour_item:
			settings.labour_item = LABOUR_ITEM
			settings.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		progress("customers, engineers and items")
		units = orders(people, team)
		frappe.db.commit()  # nosemgrep
		progress(f"orders and deliveries: {sum(len(v) for v in units.values())} gensets")
		shipments(units)
		frappe.db.commit()  # nosemgrep
		progress("shipments: one delivered, one at sea and late")
		life(units, team)
		frappe.db.commit()  # nosemgrep
		progress("arrivals, commissioning and training")
		history(units, team)
		frappe.db.commit()  # nosemgrep
		progress("two years of visits")
		made = requests(units, team)
		frappe.db.commit()  # nosemgrep
		progress("service requests")
		surveys()
		extension(units)
		consultation(people)
		frappe.db.commit()  # nosemgrep
		progress("surveys, an extension sold, a consultation")
		telemetry(units)
		frappe.db.commit()  # nosemgrep
		progress("two gensets reporting themselves")
		dispatch_week(units, team)
		from genset_service.scheduling.requests import escalate
		from genset_service.scheduling.status import refresh_statuses

		refresh_statuses()
		escalate(notify=False)
		# ERPNext's Company sets site-wide Property Setters when a company is saved (Purchase Receipt's
		# provisional expense account): those made while the demo was made are the demo's
		for name in set(frappe.get_all("Property Setter", pluck="name")) - setters:
			register("Property Setter", name)
		frappe.db.commit()  # nosemgrep
		progress("the coming week and the clocks")
	return {
		"units": units,
		"requests": made,
		"customers": {key: value.user for key, value in people.items()},
		"engineers": {key: value.user for key, value in team.items()},
		"staff": logins,
		"seconds": round(time.monotonic() - started, 1),
	}
