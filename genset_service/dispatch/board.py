"""The schedule board: engineers by row, days by column, the on-site work as cards; a move of a card
goes through Frappe's own assignment (the task's assignment list and its ToDo stay in step); and the
emergency proposal: who can be at a failed genset soonest."""

import datetime
from collections import defaultdict

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import add_to_date, cint, flt, get_datetime, get_time, getdate, now_datetime

from genset_service.access.guard import app_action
from genset_service.dispatch import road_client, rules
from genset_service.dispatch import site as dispatch_site
from genset_service.dispatch.certification import Genset, describe
from genset_service.dispatch.soonest import Booked, Whereabouts, soonest, whereabouts_of
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT, settings

PROPOSAL = "Genset Dispatch Proposal"
CARD_FIELDS = [*dispatch_site.WORK_FIELDS, "serial_no", "scheduled_end", "route_order"]
MESSAGES = {
	"outside_window": "{task} is due from {due_from} to {due_to}; {day} is outside that window.",
	"past_deadline": "{task} must have an engineer on site by {deadline}; {start} is later.",
	"no_skill": "{engineer} does not have the skill {service}.",
	"day_off": "{engineer} does not work on {day} (day off or holiday).",
	"not_certified": "{engineer} is not certified for {genset}.",
}


# ------------------------------------------------------------------ the board
def board(
	from_date,
	to_date,
	territory: str | None = None,
	service_type: str | None = None,
	customer: str | None = None,
	proposal: str | None = None,
	start: int = 0,
	page_length: int = 100,
) -> dict:
	"""What the board shows for these days: engineers (with their days off), the scheduled cards, the
	unscheduled work (a page of it) and, when named, a proposal's cards and what it could not place."""
	first, last = dispatch_site.check_range(from_date, to_date, allow_past=True)
	days = dispatch_site.days_between(first, last)
	engineers = frappe.get_all(
		dispatch_site.ENGINEER,
		filters={"enabled": 1, **({"territory": territory} if territory else {})},
		fields=dispatch_site.ENGINEER_FIELDS,
		order_by="full_name asc, name asc",
	)
	holidays = dispatch_site.holidays_of(engineers)
	skills = dispatch_site.skills_of([e.name for e in engineers])
	users = [e.user for e in engineers]
	filters = {"service_type": service_type} if service_type else {}
	if customer:
		filters["customer"] = customer
	scheduled = frappe.get_all(
		TASK,
		filters={
			**filters,
			"status": ("!=", TaskStatus.CANCELLED),
			"scheduled_start": ("between", [first, last]),
			"assigned_to": ("in", users or [""]),
		},
		fields=CARD_FIELDS,
		order_by="scheduled_start asc",
	)
	services = dispatch_site.visit_services()
	waiting_filters = {
		"status": ("in", TaskStatus.OPEN),
		"service_type": ("in", list(services) or [""]),
		"due_from": ("<=", last),
		"scheduled_start": ("is", "not set"),
		**filters,
	}
	waiting = frappe.get_all(
		TASK,
		filters=waiting_filters,
		fields=CARD_FIELDS,
		order_by="due_to asc, name asc",
		limit_start=cint(start),
		limit_page_length=cint(page_length),
	)
	answer = {
		"days": [str(day) for day in days],
		"engineers": [
			{
				"name": e.name,
				"full_name": e.full_name or e.user,
				"user": e.user,
				"territory": e.territory,
				"hours": f"{get_time(e.working_from):%H:%M}-{get_time(e.working_to):%H:%M}",
				"days_off": [str(day) for day in days if not dispatch_site.works_on(e, day, holidays)],
				"skills": sorted(skills[e.name]),
			}
			for e in engineers
		],
		"cards": cards(scheduled, services),
		"unscheduled": cards(waiting, services),
		"unscheduled_total": frappe.db.count(TASK, waiting_filters),
		"start": cint(start),
	}
	if proposal:
		answer["proposal"] = proposal_view(proposal, services)
	return answer


def cards(rows: list, services: dict) -> list[dict]:
	"""Cards: unit, customer, site, service, status, the request's on-site clock and the risk."""
	if not rows:
		return []
	units = {
		row.name: row
		for row in frappe.get_all(
			UNIT,
			filters={"name": ("in", list({r.unit for r in rows if r.unit}) or [""])},
			fields=["name", "site_address", "serial_no", "item_name"],
		)
	}
	cities = {
		row.name: row.city or row.address_line1
		for row in frappe.get_all(
			"Address",
			filters={
				"name": ("in", list({u.site_address for u in units.values() if u.site_address}) or [""])
			},
			fields=["name", "city", "address_line1"],
		)
	}
	requests = dispatch_site.request_facts(
		[r.reference_name for r in rows if r.reference_doctype == dispatch_site.REQUEST]
	)
	found = []
	for row in rows:
		unit = units.get(row.unit) or frappe._dict()
		request = requests.get(row.reference_name) if row.reference_doctype == dispatch_site.REQUEST else None
		risk = ""
		if request and request.on_site_state in ("Breached", "At Risk"):
			risk = request.on_site_state
		elif row.status == TaskStatus.OVERDUE:
			risk = "Overdue"
		elif (
			request
			and row.scheduled_start
			and request.on_site_by
			and get_datetime(row.scheduled_start) > get_datetime(request.on_site_by)
		):
			risk = "Late"
		service = services.get(row.service_type) or frappe._dict()
		found.append(
			{
				"task": row.name,
				"service_type": row.service_type,
				"status": row.status,
				"unit": row.unit,
				"serial_no": row.serial_no or unit.serial_no,
				"model": unit.item_name,
				"customer": row.customer_name or row.customer,
				"site": cities.get(unit.site_address) or "",
				"due_from": row.due_from,
				"due_to": row.due_to,
				"assigned_to": row.assigned_to,
				"start": row.scheduled_start,
				"end": row.scheduled_end,
				"route_order": row.route_order,
				"hours": flt(service.visit_hours),
				"emergency": bool(service.emergency_dispatch) or bool(request and request.urgent),
				"request": request.name if request else None,
				"on_site_by": request.on_site_by if request else None,
				"clock": request.on_site_state if request else None,
				"risk": risk,
			}
		)
	return found


def proposal_view(name: str, services: dict) -> dict:
	doc = frappe.get_doc(PROPOSAL, name)
	doc.check_permission("read")
	rows = {
		row.name: row
		for row in frappe.get_all(
			TASK, filters={"name": ("in", [s.task for s in doc.stops] or [""])}, fields=CARD_FIELDS
		)
	}
	user_of = dict(frappe.get_all(dispatch_site.ENGINEER, fields=["name", "user"], as_list=True))
	placed = []
	for stop in doc.stops:
		row = rows.get(stop.task)
		if not row:
			continue
		row = frappe._dict(
			row, scheduled_start=stop.start, scheduled_end=stop.end, route_order=stop.route_order
		)
		row.assigned_to = user_of.get(stop.engineer)
		placed.append(row)
	return {
		"name": doc.name,
		"status": doc.status,
		"from_date": doc.from_date,
		"to_date": doc.to_date,
		"travel_km": doc.travel_km,
		"baseline_km": doc.baseline_km,
		"solver": doc.solver,
		"solve_seconds": doc.solve_seconds,
		"check_result": doc.check_result,
		"progress": doc.progress,
		"cards": cards(placed, services),
		"unassigned": [
			{"task": r.task, "service_type": r.service_type, "reason": r.reason} for r in doc.unassigned
		],
	}


# ------------------------------------------------------------------ moving a card
@app_action
def move(task: str, engineer: str | None = None, day=None, start_time=None, confirm: bool = False) -> dict:
	"""Give a task to an engineer on a day (at a time, else the start of their day), or take it off the
	board (no day). A move that breaks a rule (outside the due window, past the on-site deadline, an
	engineer without the skill, a day off) asks for confirmation first."""
	row = frappe.get_doc(TASK, task, for_update=True)
	row.check_permission("write")
	if row.status not in TaskStatus.OPEN:
		frappe.throw(
			_("{0} is {1}: only open work is dispatched.").format(task, _(row.status)), title=_("Not Open")
		)
	if not day:
		frappe.db.set_value(TASK, task, {"scheduled_start": None, "scheduled_end": None, "route_order": 0})
		_expect(row, None)
		return {"task": task, "scheduled_start": None}
	if not engineer:
		frappe.throw(_("Choose the engineer."), title=_("Missing Engineer"))
	profile = frappe.db.get_value(
		dispatch_site.ENGINEER, {"name": engineer, "enabled": 1}, dispatch_site.ENGINEER_FIELDS, as_dict=True
	)
	if not profile:
		frappe.throw(_("Unknown or disabled engineer: {0}.").format(engineer), title=_("Unknown Engineer"))
	day = getdate(day)
	begin = datetime.datetime.combine(day, get_time(start_time or profile.working_from))
	hours = dispatch_site.visit_hours(row.service_type) or 1
	deadline = None
	if row.reference_doctype == dispatch_site.REQUEST:
		deadline = frappe.db.get_value(dispatch_site.REQUEST, row.reference_name, "on_site_by")
	skills = dispatch_site.skills_of([profile.name])[profile.name]
	unit = frappe.db.get_value(UNIT, row.unit, ["item_code", "kva"], as_dict=True) if row.unit else None
	genset = Genset(unit.item_code, flt(unit.kva)) if unit else None
	certification = dispatch_site.certifications_of([profile])[profile.name]
	broken = rules.broken(
		rules.Move(
			day=day,
			start=begin,
			due_from=getdate(row.due_from) if row.due_from else None,
			due_to=getdate(row.due_to) if row.due_to else None,
			deadline=get_datetime(deadline) if deadline else None,
			skill=row.service_type,
			skills=skills,
			works=dispatch_site.works_on(profile, day, dispatch_site.holidays_of([profile])),
			certified=not genset or certification.covers(genset.model, genset.kva),
		)
	)
	facts = {
		"task": task,
		"due_from": frappe.format(row.due_from, "Date"),
		"due_to": frappe.format(row.due_to, "Date"),
		"day": frappe.format(day, "Date"),
		"deadline": frappe.format(deadline, "Datetime"),
		"start": frappe.format(begin, "Datetime"),
		"engineer": profile.full_name or profile.name,
		"service": _(row.service_type),
		"genset": describe(genset) if genset else "",
	}
	warnings = [_(MESSAGES[name]).format(**facts) for name in broken]
	if warnings and not confirm:
		return {"task": task, "confirm": warnings}
	schedule(row, profile.user, begin, hours)
	return {"task": task, "engineer": profile.name, "scheduled_start": begin, "warnings": warnings}


def reassign(doctype: str, name: str, user: str, day) -> None:
	"""Through Frappe's assignment: the others' open ToDos cancelled, the engineer's added or
	re-dated (the open ToDos are the truth, not the ``_assign`` column)."""
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": doctype, "reference_name": name, "status": "Open"},
		fields=["name", "allocated_to"],
	)
	for other in {todo.allocated_to for todo in todos} - {user}:
		assign_to.remove(doctype, name, other, ignore_permissions=True)
	mine = [todo.name for todo in todos if todo.allocated_to == user]
	if mine:
		frappe.db.set_value("ToDo", mine[0], "date", day)
		frappe.db.set_value(doctype, name, "assigned_to", user)
		return
	assign_to.add(
		{"assign_to": [user], "doctype": doctype, "name": name, "date": str(day)}, ignore_permissions=True
	)


def schedule(task, user: str, begin: datetime.datetime, hours: float) -> None:
	"""A task to an engineer at a time, for its on-site hours; its request learns when to expect them."""
	reassign(TASK, task.name, user, begin.date())
	frappe.db.set_value(
		TASK,
		task.name,
		{"scheduled_start": begin, "scheduled_end": add_to_date(begin, hours=hours), "route_order": 0},
	)
	_expect(task, begin)


def _expect(task, moment) -> None:
	if task.reference_doctype == dispatch_site.REQUEST:
		frappe.db.set_value(dispatch_site.REQUEST, task.reference_name, "expected_on_site", moment)


# ------------------------------------------------------------------ emergencies
def whereabouts(
	now: datetime.datetime, genset: Genset | None = None, leave_out: str | None = None
) -> list[Whereabouts]:
	"""Each enabled engineer working today (and certified for ``genset``, when given): where and when
	free (from the end of the visit in hand or of the last one he began today, done or scheduled, at
	its genset; else from home), with today's visits still to come, until when. ``leave_out``: a task
	not counted as booked (the one being dispatched)."""
	today = now.date()
	rows = frappe.get_all(
		dispatch_site.ENGINEER, filters={"enabled": 1}, fields=dispatch_site.ENGINEER_FIELDS
	)
	holidays = dispatch_site.holidays_of(rows)
	rows = [row for row in rows if dispatch_site.works_on(row, today, holidays)]
	if genset:
		certified = dispatch_site.certifications_of(rows)
		rows = [row for row in rows if certified[row.name].covers(genset.model, genset.kva)]
	if not rows:
		return []
	homes = dispatch_site.pins_of(row.home_base for row in rows)
	skills = dispatch_site.skills_of([row.name for row in rows])
	todays = frappe.get_all(
		TASK,
		filters={
			"status": ("in", [*TaskStatus.OPEN, TaskStatus.DONE]),
			"assigned_to": ("in", [row.user for row in rows]),
			"scheduled_start": ("between", [today, today]),
			"name": ("!=", leave_out or ""),
		},
		fields=["assigned_to", "unit", "status", "scheduled_start", "scheduled_end"],
		order_by="scheduled_start asc",
	)
	units = {
		row.name: row.site_address
		for row in frappe.get_all(
			UNIT, filters={"name": ("in", [t.unit for t in todays] or [""])}, fields=["name", "site_address"]
		)
	}
	places = dispatch_site.pins_of(units.values())
	by_user = defaultdict(list)
	for task in todays:
		place = places.get(units.get(task.unit))
		if not place:
			continue  # a genset without a pin: where it leaves the engineer is not known
		start = get_datetime(task.scheduled_start)
		end = get_datetime(task.scheduled_end) if task.scheduled_end else start
		by_user[task.assigned_to].append(Booked(place, start, end, task.status == TaskStatus.DONE))
	found = []
	for row in rows:
		if row.home_base not in homes:
			continue
		found.append(
			whereabouts_of(
				row.name,
				homes[row.home_base],
				skills[row.name],
				datetime.datetime.combine(today, get_time(row.working_from)),
				datetime.datetime.combine(today, get_time(row.working_to)),
				now,
				by_user[row.user],
			)
		)
	return found


def road_legs(site, people: list[Whereabouts]) -> tuple[dict | None, dict | None, str]:
	"""(seconds, km) by road from each place an engineer may set out from to the site, and from the
	site on to each of their visits still to come, when the settings name a routing server, and how
	travel was measured. An emergency is not held up by a server that does not answer: travel is then
	the straight line, and the answer says so."""
	config = settings()
	engine = config.routing_engine or "Straight Line"
	if engine == "Straight Line" or not config.routing_url or not people:
		return None, None, _("straight line")
	places = list(
		dict.fromkeys([site, *(p.place for p in people), *(visit.place for p in people for visit in p.later)])
	)
	try:
		secs, kms = road_client.road_matrix(engine, config.routing_url, places, timeout=10)
	except road_client.RoadError as error:
		return (
			None,
			None,
			_("straight line: the routing server did not answer ({0})").format(str(error)[:140]),
		)
	there = {place: (secs[n][0], kms[n][0]) for n, place in enumerate(places)}
	onward = {place: (secs[0][n], kms[0][n]) for n, place in enumerate(places)}
	return there, onward, _("by road ({0})").format(engine)


def nearest(request: str, now=None) -> dict:
	"""The engineers who can be on site soonest for a request: skill and certification for the genset,
	where today's visits leave each (the one in hand or the last begun, else home) and the first gap
	among those still to come that holds the visit, distance, today's working hours; each arrival set
	against the on-site deadline."""
	doc = frappe.get_doc(dispatch_site.REQUEST, request)
	doc.check_permission("read")
	now = get_datetime(now or now_datetime()).replace(microsecond=0)
	unit = (
		frappe.db.get_value(UNIT, doc.unit, ["site_address", "item_code", "kva"], as_dict=True)
		if doc.unit
		else None
	) or frappe._dict()
	address = unit.site_address
	pin = dispatch_site.pins_of([address]).get(address)
	if not pin:
		frappe.throw(
			_(
				"Genset Unit {0} has no pin on the map: set the latitude and longitude of its site address {1}."
			).format(doc.unit or "-", address or "-"),
			title=_("Missing Coordinates"),
		)
	speed = flt(settings().average_speed_kmh) or 50.0
	names = {
		row.name: row for row in frappe.get_all(dispatch_site.ENGINEER, fields=["name", "full_name", "user"])
	}
	genset = Genset(unit.item_code, flt(unit.kva))
	people = whereabouts(now, genset, leave_out=doc.task)
	legs, onward, travel_by = road_legs(pin, people)
	hours = dispatch_site.visit_hours(doc.service_type) or 1
	arrivals = soonest(people, pin, doc.service_type, speed, legs=legs, hours=hours, onward=onward)
	deadline = get_datetime(doc.on_site_by) if doc.on_site_by else None
	return {
		"request": doc.name,
		"on_site_by": doc.on_site_by,
		"travel": travel_by,
		"candidates": [
			{
				"engineer": a.engineer,
				"full_name": names[a.engineer].full_name or names[a.engineer].user,
				"user": names[a.engineer].user,
				"arrival": a.arrival,
				"km": a.km,
				"visits_left_today": a.visits_left,
				"visits_before": a.visits_before,
				"minutes_to_spare": round((deadline - a.arrival).total_seconds() / 60) if deadline else None,
			}
			for a in arrivals
		],
	}


@app_action
def assign_nearest(request: str, engineer: str, now=None) -> dict:
	"""One click: the request's task goes to the engineer, starting at the expected arrival."""
	doc = frappe.get_doc(dispatch_site.REQUEST, request)
	doc.check_permission("write")
	if doc.status not in dispatch_site.REQUEST_OPEN or not doc.task:
		frappe.throw(
			_("Request {0} is {1}: there is no open visit to dispatch.").format(doc.name, _(doc.status)),
			title=_("Not Open"),
		)
	choice = next((c for c in nearest(request, now)["candidates"] if c["engineer"] == engineer), None)
	if not choice:
		frappe.throw(
			_(
				"{0} cannot be on site today (skill, certification, working hours or distance); choose another engineer."
			).format(engineer),
			title=_("Engineer Not Available"),
		)
	arrival = get_datetime(choice["arrival"])
	task = frappe._dict(name=doc.task, reference_doctype=doc.doctype, reference_name=doc.name)
	schedule(task, choice["user"], arrival, dispatch_site.visit_hours(doc.service_type) or 1)
	return {"request": doc.name, "task": doc.task, "engineer": engineer, "expected_on_site": arrival}
