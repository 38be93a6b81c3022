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
	set_gate,
)

PASSWORD = "Portal-Check-2026!"
FLEET = 25  # customer A's gensets: two portal pages


def _unit_of(customer: str, item: str) -> str:
	unit = frappe.db.get_value("Genset Unit", {"customer": customer, "status": ("!=", "Cancelled")})
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
	data["company"] = frappe.db.get_value("Genset Unit", a["unit"], "company")
	data["large_delivery"] = large_delivery(item)
	desk_history(a["customer"], team)
	from genset_service.scheduling.requests import escalate

	escalate(notify=False)  # the clocks' deadlines and states as of now
	data["open_request"] = frappe.db.get_value(
		"Genset Service Request",
		{"customer": a["customer"], "status": "Open", "service_type": "Field Maintenance"},
		order_by="opening_date asc",
	)
	frappe.db.commit()  # nosemgrep: a seeding command run on its own site, not a request
	print(json.dumps(data))


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
