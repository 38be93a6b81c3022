"""The dispatch problem read from the site: the engineers (profiles, skills, certified models and kVA
range, home pins, working days, holidays), the open on-site work (planned tasks and the tasks of open requests, with their windows and
on-site deadlines) and the travel between them. Bulk reads only; nothing is written here."""

import dataclasses
import datetime

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, get_time, getdate, now_datetime
from frappe.utils.nestedset import get_descendants_of

from erpnext.support.doctype.issue.issue import get_holidays

from genset_service.dispatch import road_client, travel
from genset_service.dispatch.certification import Certification, Genset, certify
from genset_service.dispatch.model import Engineer, Problem, Shift, Visit
from genset_service.dispatch.territory import territories_of
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import SERVICE_TYPE, TASK, UNIT, settings

ENGINEER = "Genset Engineer"
REQUEST = "Genset Service Request"
REQUEST_OPEN = ("Open", "In Progress")
MAX_DAYS = 31
DAY = 86_400
SHORTEST_SHIFT = 15 * 60  # seconds: what is left of today's hours below this is no working time
DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ENGINEER_FIELDS = [
	"name",
	"user",
	"full_name",
	"territory",
	"home_base",
	"working_from",
	"working_to",
	"holiday_list",
	"min_kva",
	"max_kva",
	*DAY_FIELDS,
]
# what dispatch reads of an open task
WORK_FIELDS = [
	"name",
	"service_type",
	"status",
	"due_from",
	"due_to",
	"unit",
	"customer",
	"customer_name",
	"assigned_to",
	"reference_doctype",
	"reference_name",
	"scheduled_start",
]
# the optimiser's order of work, as priorities 0..100 (VROOM places higher first)
PRIORITY = {"emergency": 100, "request": 60, "overdue": 30, "planned": 10}


@dataclasses.dataclass
class Site:
	"""A problem with what maps it back to the site's records."""

	problem: Problem
	horizon: datetime.datetime  # second 0 of the problem: the first day at midnight
	engineers: dict  # engineer name -> its row (user, full_name, ...)
	tasks: dict  # task name -> its row
	shift_of: dict  # (engineer, day) -> the index of that day's shift
	no_place: dict  # task -> why it has no place on the map

	def at(self, seconds: int) -> datetime.datetime:
		return self.horizon + datetime.timedelta(seconds=int(seconds))

	def seconds(self, moment) -> int:
		return int((get_datetime(moment) - self.horizon).total_seconds())

	def shift_index(self, engineer: str, day: datetime.date) -> int | None:
		return self.shift_of.get((engineer, day))


# ------------------------------------------------------------------ input
def check_range(from_date, to_date, allow_past: bool = False) -> tuple[datetime.date, datetime.date]:
	"""A range of at most 31 days, in order, not in the past (unless only looked at)."""
	if not from_date or not to_date:
		frappe.throw(_("Choose the days: a From Date and a To Date."), title=_("Missing Dates"))
	start, end = getdate(from_date), getdate(to_date)
	if end < start:
		frappe.throw(
			_("To Date {0} is before From Date {1}.").format(
				frappe.format(end, "Date"), frappe.format(start, "Date")
			),
			title=_("Invalid Dates"),
		)
	if (end - start).days + 1 > MAX_DAYS:
		frappe.throw(
			_("{0} days is too long: dispatch plans at most {1} days at a time.").format(
				(end - start).days + 1, MAX_DAYS
			),
			title=_("Range Too Long"),
		)
	if not allow_past and end < getdate():
		frappe.throw(_("These days are past: choose days from today on."), title=_("Invalid Dates"))
	return start, end


def days_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
	return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


# ------------------------------------------------------------------ engineers
def engineer_rows(names: list[str] | None = None, territory: str | None = None) -> list:
	"""Enabled engineer profiles: those named (all must exist and be enabled), else the territory's,
	else all."""
	filters = {"enabled": 1}
	if names:
		filters["name"] = ("in", names)
	elif territory:
		filters["territory"] = territory
	rows = frappe.get_all(
		ENGINEER, filters=filters, fields=ENGINEER_FIELDS, order_by="full_name asc, name asc"
	)
	if names:
		unknown = sorted(set(names) - {row.name for row in rows})
		if unknown:
			frappe.throw(
				_("Unknown or disabled engineer: {0}.").format(", ".join(unknown)),
				title=_("Unknown Engineer"),
			)
	if not rows:
		frappe.throw(
			_("No enabled engineer in territory {0}.").format(territory)
			if territory
			else _("No enabled engineer: add Genset Engineer profiles first."),
			title=_("No Engineers"),
		)
	return rows


def certifications_of(rows) -> dict[str, Certification]:
	"""Each engineer's certified models and kVA range (read in bulk)."""
	models = {}
	for row in frappe.get_all(
		"Genset Engineer Model",
		filters={"parent": ("in", [row.name for row in rows] or [""]), "parenttype": ENGINEER},
		fields=["parent", "item_code"],
	):
		models.setdefault(row.parent, set()).add(row.item_code)
	return {
		row.name: Certification(frozenset(models.get(row.name, ())), flt(row.min_kva), flt(row.max_kva))
		for row in rows
	}


def skills_of(names: list[str]) -> dict[str, frozenset]:
	skills = {}
	for row in frappe.get_all(
		"Genset Engineer Skill",
		filters={"parent": ("in", names), "parenttype": ENGINEER},
		fields=["parent", "service_type"],
	):
		skills.setdefault(row.parent, set()).add(row.service_type)
	return {name: frozenset(skills.get(name, ())) for name in names}


def pins_of(addresses) -> dict[str, tuple[float, float]]:
	"""Each address's pin (latitude, longitude); addresses without one are left out."""
	addresses = sorted({a for a in addresses if a})
	if not addresses:
		return {}
	return {
		row.name: (flt(row.genset_latitude), flt(row.genset_longitude))
		for row in frappe.get_all(
			"Address",
			filters={"name": ("in", addresses)},
			fields=["name", "genset_latitude", "genset_longitude"],
		)
		if flt(row.genset_latitude) or flt(row.genset_longitude)
	}


def holidays_of(rows) -> dict[str, frozenset]:
	"""Each holiday list's days (one read per list)."""
	return {
		name: frozenset(getdate(day) for day in get_holidays(name))
		for name in {row.holiday_list for row in rows if row.holiday_list}
	}


def works_on(row, day: datetime.date, holidays: dict) -> bool:
	return bool(row.get(DAY_FIELDS[day.weekday()])) and day not in holidays.get(row.holiday_list, ())


def homes_of(rows) -> dict[str, tuple[float, float]]:
	"""Each engineer's home pin; an engineer without one is named in a message."""
	pins = pins_of(row.home_base for row in rows)
	missing = [row.full_name or row.name for row in rows if row.home_base not in pins]
	if missing:
		frappe.throw(
			_(
				"These engineers have no pin on the map: {0}. Set a Home Base address with its latitude and longitude on each profile."
			).format(", ".join(missing)),
			title=_("Missing Coordinates"),
		)
	return pins


# ------------------------------------------------------------------ the work
def visit_services() -> dict:
	"""The services done at the genset's site: their visit hours and whether they are emergencies."""
	return {
		row.name: row
		for row in frappe.get_all(
			SERVICE_TYPE,
			filters={"visit_hours": (">", 0)},
			fields=["name", "visit_hours", "emergency_dispatch"],
		)
	}


def open_work(
	end: datetime.date,
	users: list[str],
	services: dict,
	tasks: list[str] | None = None,
	service_type: str | None = None,
	customer: str | None = None,
) -> list:
	"""Open on-site tasks due to start by ``end``, unassigned or assigned to one of ``users``."""
	filters = {
		"status": ("in", TaskStatus.OPEN),
		"service_type": ("in", list(services) or [""]),
		"due_from": ("<=", end),
		"unit": ("is", "set"),
	}
	if tasks is not None:
		filters["name"] = ("in", tasks or [""])
	if service_type:
		filters["service_type"] = service_type
	if customer:
		filters["customer"] = customer
	rows = frappe.get_all(
		TASK,
		filters=filters,
		or_filters=[["assigned_to", "in", users or [""]], ["assigned_to", "is", "not set"]],
		fields=WORK_FIELDS,
		order_by="due_to asc, name asc",
	)
	requests = request_facts([r.reference_name for r in rows if r.reference_doctype == REQUEST])
	live = []
	for row in rows:
		if row.reference_doctype == REQUEST:
			request = requests.get(row.reference_name)
			if not request or request.status not in REQUEST_OPEN or request.on_site_on:
				continue  # closed, held, or an engineer is already there
			row.request = request
		live.append(row)
	return live


def request_facts(names: list[str], extra: tuple[str, ...] = ()) -> dict:
	"""What dispatch (and the phone, with ``extra`` fields) reads of the requests behind tasks."""
	if not names:
		return {}
	return {
		row.name: row
		for row in frappe.get_all(
			REQUEST,
			filters={"name": ("in", names)},
			fields=[
				"name",
				"status",
				"opening_date",
				"on_site_by",
				"on_site_state",
				"on_site_on",
				"urgent",
				*extra,
			],
		)
	}


def places_of(units: list[str]) -> tuple[dict, dict, dict]:
	"""({unit: pin}, {unit: why it has none}, {unit: its model and size}) from each unit's site address
	and item."""
	rows = frappe.get_all(
		UNIT, filters={"name": ("in", units or [""])}, fields=["name", "site_address", "item_code", "kva"]
	)
	pins = pins_of(row.site_address for row in rows)
	places, missing = {}, {}
	gensets = {row.name: Genset(row.item_code, flt(row.kva)) for row in rows}
	for row in rows:
		if not row.site_address:
			missing[row.name] = _("Genset Unit {0} has no site address.").format(row.name)
		elif row.site_address not in pins:
			missing[row.name] = _("The site address {0} of {1} has no pin (latitude, longitude).").format(
				row.site_address, row.name
			)
		else:
			places[row.name] = pins[row.site_address]
	return places, missing, gensets


# ------------------------------------------------------------------ the problem
def read(
	from_date,
	to_date,
	engineers: list[str] | None = None,
	territory: str | None = None,
	tasks: list[str] | None = None,
	now=None,
) -> Site:
	"""The problem of planning the open work of ``from_date``..``to_date`` for some engineers."""
	start, end = check_range(from_date, to_date)
	now = get_datetime(now or now_datetime()).replace(microsecond=0)
	horizon = datetime.datetime.combine(start, datetime.time())
	days = days_between(start, end)

	def second(moment) -> int:
		return int((get_datetime(moment) - horizon).total_seconds())

	rows = engineer_rows(engineers, territory)
	homes = homes_of(rows)
	holidays = holidays_of(rows)
	skills = skills_of([row.name for row in rows])
	team, shift_of = [], {}
	for row in rows:
		shifts = []
		for day in days:
			if not works_on(row, day, holidays):
				continue
			begin = max(datetime.datetime.combine(day, get_time(row.working_from)), now)
			finish = datetime.datetime.combine(day, get_time(row.working_to))
			if (finish - begin).total_seconds() >= SHORTEST_SHIFT:
				shift_of[(row.name, day)] = len(shifts)
				shifts.append(Shift(second(begin), second(finish)))
		if not shifts and engineers:
			frappe.throw(
				_(
					"{0} has no working hours from {1} to {2} (days off and holidays): leave them out or choose other days."
				).format(row.full_name or row.name, frappe.format(start, "Date"), frappe.format(end, "Date")),
				title=_("No Working Hours"),
			)
		if shifts:
			team.append(
				Engineer(row.name, homes[row.home_base], tuple(shifts), skills[row.name], row.territory or "")
			)
	services = visit_services()
	work = open_work(end, [row.user for row in rows], services, tasks)
	places, missing, gensets = places_of(sorted({row.unit for row in work}))
	visits, no_place = [], {}
	horizon_end = len(days) * DAY
	earliest_now = max(0, second(now))
	for row in work:
		if row.unit not in places:
			no_place[row.name] = missing[row.unit]
			continue
		service = services[row.service_type]
		request = row.get("request")
		if request:
			earliest = max(earliest_now, second(request.opening_date))
			deadline = second(request.on_site_by) if request.on_site_by else None
			latest = deadline if deadline is not None and deadline >= earliest else horizon_end
			priority = PRIORITY["emergency" if service.emergency_dispatch or request.urgent else "request"]
		else:
			earliest = max(
				earliest_now, second(datetime.datetime.combine(getdate(row.due_from), datetime.time()))
			)
			latest = min(
				horizon_end, second(datetime.datetime.combine(getdate(row.due_to), datetime.time.max))
			)
			priority = PRIORITY["planned"]
			if latest < earliest:  # overdue: as soon as it fits
				latest, priority = horizon_end, PRIORITY["overdue"]
		if earliest > horizon_end:
			continue  # due after these days
		visits.append(
			Visit(
				row.name,
				places[row.unit],
				int(flt(service.visit_hours) * 3600),
				earliest,
				latest,
				row.service_type,
				priority,
			)
		)
	if territory and not engineers:
		visits, no_place = of_territory(territory, visits, no_place, {row.name: row for row in work})
	unit_of = {row.name: row.unit for row in work}
	team, visits = certify(
		tuple(team),
		tuple(visits),
		certifications_of(rows),
		{visit.id: gensets[unit_of[visit.id]] for visit in visits},
	)
	problem = Problem(team, visits, flt(settings().average_speed_kmh) or 50.0)
	problem = with_roads(problem)
	return Site(
		problem,
		horizon,
		{row.name: row for row in rows},
		{row.name: row for row in work},
		shift_of,
		no_place,
	)


def of_territory(territory: str, visits: list, no_place: dict, tasks: dict) -> tuple[list, dict]:
	"""A territory's work only: what its engineers hold, and the unassigned work it owns, by the rule
	that splits a region (``territory.territories_of``: of the territories with the skill, the one whose
	engineers live nearest), measured against every enabled engineer; an unassigned genset without a
	pin belongs to its customer's territory (or one within it). The other territories' work is not
	this proposal's to plan, nor to list as missed."""
	rows = frappe.get_all(ENGINEER, filters={"enabled": 1}, fields=["name", "territory", "home_base"])
	homes = pins_of(row.home_base for row in rows)
	skills = skills_of([row.name for row in rows])
	everyone = [
		Engineer(row.name, homes[row.home_base], (), skills[row.name], row.territory or "")
		for row in rows
		if row.home_base in homes
	]
	loose = [visit for visit in visits if not tasks[visit.id].assigned_to]
	owner = territories_of(everyone, loose)
	visits = [v for v in visits if tasks[v.id].assigned_to or owner.get(v.id, territory) == territory]
	unpinned = {task for task in no_place if not tasks[task].assigned_to}
	if unpinned:
		inside = territories_within(territory)
		customers = {tasks[task].customer for task in unpinned if tasks[task].customer}
		theirs = dict(
			frappe.get_all(
				"Customer",
				filters={"name": ("in", list(customers) or [""])},
				fields=["name", "territory"],
				as_list=True,
			)
		)
		no_place = {
			task: why
			for task, why in no_place.items()
			if task not in unpinned or theirs.get(tasks[task].customer) in inside
		}
	return visits, no_place


def territories_within(territory: str) -> set[str]:
	"""The territory and those under it in ERPNext's Territory tree."""
	if not frappe.db.exists("Territory", territory):
		return {territory}
	return {territory, *get_descendants_of("Territory", territory, ignore_permissions=True)}


def with_roads(problem: Problem) -> Problem:
	"""The problem with the road server's travel matrix, when the settings name one."""
	config = settings()
	engine = config.routing_engine or "Straight Line"
	if engine == "Straight Line" or not problem.visits:
		return problem
	if not config.routing_url:
		frappe.throw(
			_("Genset Service Settings name {0} as the routing server but give no URL.").format(engine),
			title=_("Routing Server"),
		)
	try:
		road = road_client.road_matrix(engine, config.routing_url, travel.places(problem))
	except road_client.RoadError as error:
		frappe.throw(
			_(
				"The routing server at {0} did not answer: {1}. Check its URL in Genset Service Settings, or choose Straight Line."
			).format(config.routing_url, str(error)),
			title=_("Routing Server"),
		)
	return dataclasses.replace(problem, road=road)


def visit_hours(service_type: str) -> float:
	return flt(frappe.db.get_value(SERVICE_TYPE, service_type, "visit_hours"))


def background_threshold() -> int:
	return cint(settings().dispatch_background_visits) or 300
