"""Version 1 of the integrator API: ``/api/method/genset_service.api.v1.<function>``.

Every function checks the caller's permissions through Frappe (role permissions for staff, the
customer's own records for portal users) and answers bad input with a 4xx and a message.
"""

from typing import Annotated

import frappe
from frappe import _
from frappe.utils import date_diff, getdate, now_datetime, nowdate

from genset_service.api.guard import DateString, Hours, Image, Length, Limit, Name, Text, checked, name_list
from genset_service.api.plan import get_unit_plan as _unit_plan
from genset_service.permissions import customers_of, is_portal_user
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT, UNIT_GONE
from genset_service.scheduling.readings import reading_time_of_day, record_reading

REQUEST = "Genset Service Request"
MAX_RANGE_DAYS = 366
Rating = Annotated[int, Limit(1, 5)]
Score = Annotated[int, Limit(0, 10)]


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def get_unit_plan(unit: Name) -> dict:
	"""A genset's milestones and every task of its plan."""
	return _unit_plan(unit)


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def get_warranty_status(serial_no: Name) -> dict:
	"""Warranty of the genset with this serial number."""
	# the genset in service with that serial, else the last one returned (its warranty ended then)
	name = frappe.db.get_value(
		UNIT, {"serial_no": serial_no, "status": ("not in", UNIT_GONE)}
	) or frappe.db.get_value(
		UNIT, {"serial_no": serial_no, "status": "Returned"}, "name", order_by="returned_on desc"
	)
	if not name:
		frappe.throw(_("No genset with serial number {0}.").format(serial_no), frappe.DoesNotExistError)
	unit = frappe.get_doc(UNIT, name)
	unit.check_permission("read")
	return {
		"unit": unit.name,
		"serial_no": unit.serial_no,
		"item_code": unit.item_code,
		"customer": unit.customer,
		"status": unit.status,
		"warranty_status": unit.warranty_status,
		"warranty_basis": unit.warranty_basis,
		"warranty_start_date": unit.warranty_start_date,
		"warranty_end_date": unit.warranty_end_date,
		"warranty_hours": unit.warranty_hours,
		"running_hours": unit.running_hours,
	}


@frappe.whitelist(methods=["POST"])
@checked
def record_running_hours(
	unit: Name,
	hours: Hours,
	reading_date: DateString | None = None,
	meter_replaced: Annotated[int, Limit(0, 1)] = 0,
) -> dict:
	"""A new hour-meter reading, written to the genset's reading log. It must fit between the readings
	before and after it (a late reading is accepted); ``meter_replaced`` (staff only) starts a new
	series. Re-plans hours-based maintenance and the warranty's hours cap. Staff who may edit the unit,
	or the customer's own portal users."""
	doc = _own_unit(unit)
	portal = is_portal_user()
	if portal and meter_replaced:
		frappe.throw(_("Only the service team records a replaced hour meter."), frappe.PermissionError)
	if not portal:
		doc.check_permission("write")
	reading = record_reading(
		doc.name,
		hours,
		reading_time_of_day(reading_date or nowdate()),
		"Portal" if portal else "API",
		meter_replaced=bool(meter_replaced),
	)
	doc.reload()
	return {
		"unit": doc.name,
		"reading": reading.name,
		"running_hours": doc.running_hours,
		"running_hours_date": doc.running_hours_date,
		"lifetime_hours": doc.lifetime_hours,
	}


@frappe.whitelist(methods=["POST"])
@checked
def open_service_request(
	unit: Name,
	service_type: Name,
	description: Text,
	priority: Name | None = None,
	channel: Name = "API",
	urgent: Annotated[int, Limit(0, 1)] = 0,
) -> dict:
	"""Open an on-demand service request (remote support, field maintenance, spare parts, upgrade,
	emergency rescue) for a genset. Staff may set the priority; a customer marks it ``urgent`` and it
	opens at the service type's default priority until staff confirm (a priority from a customer is
	refused, 403). Answers the request's clocks: what is promised and by when."""
	doc = frappe.get_doc(
		{
			"doctype": REQUEST,
			"unit": unit,
			"service_type": service_type,
			"description": description,
			"priority": priority,
			"channel": channel,
			"urgent": urgent,
		}
	)
	doc.insert()
	return {
		**_clocks(doc),
		"in_warranty": doc.in_warranty,
		"agreement": doc.agreement,
		"urgent": doc.urgent,
		"response_by": doc.response_by,
	}


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def get_upcoming_services(
	from_date: DateString, to_date: DateString, unit: Name | None = None, customer: Name | None = None
) -> list:
	"""Open planned services due between two dates (at most a year), earliest first."""
	start, end = getdate(from_date), getdate(to_date)
	if end < start:
		frappe.throw(_("{0} cannot be before {1}.").format(frappe.bold("to_date"), frappe.bold("from_date")))
	if date_diff(end, start) > MAX_RANGE_DAYS:
		frappe.throw(_("Ask for at most {0} days at a time.").format(MAX_RANGE_DAYS))
	filters = {"status": ("in", TaskStatus.OPEN), "due_from": ("<=", end), "due_to": (">=", start)}
	if unit:
		filters["unit"] = unit
	if customer:
		filters["customer"] = customer
	return frappe.get_list(
		TASK,
		filters=filters,
		fields=[
			"name",
			"service_type",
			"status",
			"unit",
			"serial_no",
			"customer",
			"due_from",
			"due_to",
			"due_hours",
			"assigned_to",
		],
		order_by="due_from asc, name asc",
		limit_page_length=0,
	)


@frappe.whitelist(methods=["POST"], allow_guest=True)
@checked
def answer_survey(
	survey: Name,
	overall: Rating,
	response_speed: Rating,
	engineer_skill: Rating,
	product_quality: Rating,
	nps: Score,
	suggestions: Annotated[str, Length(5000)] | None = None,
	key: Name | None = None,
) -> dict:
	"""Answer a satisfaction survey: from the emailed link (its key), or as the customer's portal user."""
	from genset_service.scheduling.voice import answer_survey as record

	doc = (
		frappe.get_doc("Genset Satisfaction Survey", survey)
		if frappe.db.exists("Genset Satisfaction Survey", survey)
		else None
	)
	if not doc:
		raise frappe.PermissionError
	if key:
		if key != doc.access_key:
			raise frappe.PermissionError
	elif frappe.session.user == "Guest" or not (
		doc.customer in customers_of() if is_portal_user() else doc.has_permission("write")
	):
		raise frappe.PermissionError
	record(
		doc,
		{
			"overall": overall,
			"response_speed": response_speed,
			"engineer_skill": engineer_skill,
			"product_quality": product_quality,
			"nps": nps,
			"suggestions": suggestions,
		},
	)
	return {"name": doc.name, "status": doc.status, "follow_up_task": doc.follow_up_task}


SIGNABLE = ("Genset Service Report", "Genset Operation Training", "Genset Inspection")


def _own_unit(unit: str):
	"""The unit, if the caller may act for its customer (portal user of it, or staff who can read it)."""
	doc = frappe.get_doc(UNIT, unit)
	doc.check_permission("read")
	if is_portal_user() and doc.customer not in customers_of():
		raise frappe.PermissionError
	return doc


@frappe.whitelist(methods=["POST"])
@checked
def request_warranty_extension(unit: Name, months: Annotated[int, Limit(1, 120)] = 12) -> dict:
	"""Ask for an extended warranty: a draft Genset Warranty Extension for the sales team to quote.
	Refused once the warranty has ended."""
	doc = _own_unit(unit)
	if not is_portal_user():
		frappe.has_permission("Genset Warranty Extension", "create", throw=True)
	item = frappe.db.get_single_value("Genset Service Settings", "extension_item")
	if not item:
		frappe.throw(_("Warranty extensions cannot be requested online yet: please contact us."))
	extension = frappe.get_doc(
		{
			"doctype": "Genset Warranty Extension",
			"customer": doc.customer,
			"company": doc.company,
			"extra_months": months,
			"service_item": item,
			"units": [{"unit": doc.name}],
		}
	)
	extension.flags.ignore_permissions = True
	extension.insert()
	extension.add_comment("Info", _("Requested by {0}").format(frappe.session.user))
	return {"name": extension.name, "status": extension.status, "warranty_end_date": doc.warranty_end_date}


@frappe.whitelist(methods=["POST"])
@checked
def sign_off(doctype: Name, name: Name, signatory: Name, signature: Image) -> dict:
	"""The customer signs a visit (service report, training, arrival or commissioning inspection)
	that the engineer left in draft; the engineer then submits it."""
	if doctype not in SIGNABLE:
		frappe.throw(_("{0} documents are not signed by customers.").format(doctype), frappe.PermissionError)
	doc = frappe.get_doc(doctype, name)
	_own_unit(doc.unit)
	if not is_portal_user():
		doc.check_permission("write")
	if doc.docstatus != 0:
		frappe.throw(_("{0} is already submitted.").format(name))
	if not (signatory or "").strip() or not (signature or "").startswith("data:image/"):
		frappe.throw(_("Type your name and sign."), title=_("Sign-off Required"))
	doc.customer_signatory = signatory.strip()[:140]
	doc.customer_signature = signature
	doc.flags.ignore_permissions = True
	doc.save()
	doc.add_comment("Info", _("Signed off by {0} ({1})").format(doc.customer_signatory, frappe.session.user))
	return {"name": doc.name, "customer_signatory": doc.customer_signatory}


@frappe.whitelist(methods=["POST"])
@checked
def acknowledge_request(request: Name) -> dict:
	"""A person of the service team takes the request: stops its acknowledge clock (once)."""
	doc = frappe.get_doc(REQUEST, request)
	doc.check_permission("write")
	if is_portal_user():
		raise frappe.PermissionError
	if doc.status in ("Resolved", "Closed", "Cancelled"):
		frappe.throw(_("Request {0} is {1}.").format(doc.name, _(doc.status)), title=_("Request Closed"))
	if not doc.acknowledged_on:
		doc.acknowledged_on, doc.acknowledged_by = now_datetime(), frappe.session.user
		if doc.status == "Open":
			doc.status = "In Progress"
		doc.save()
	return _clocks(doc)


def _request_exists(request: str) -> None:
	if not frappe.db.exists(REQUEST, request):
		raise frappe.DoesNotExistError(_("Genset Service Request {0} not found.").format(request))


@frappe.whitelist(methods=["POST"])
@checked
def check_in(request: Name, engineer: Name | None = None) -> dict:
	"""The engineer arrives at the genset (from the desk or the phone): stops the on-site clock only.
	Only the engineer the request's task is assigned to checks in, or a dispatcher for him (`engineer`,
	a user id; recorded as checked in for him). Refused for a closed request."""
	from genset_service.scheduling.clocks import check_in as record

	_request_exists(request)
	if is_portal_user():
		raise frappe.PermissionError
	frappe.get_doc(REQUEST, request).check_permission("read")
	record(request, for_engineer=engineer)
	return _clocks(frappe.get_doc(REQUEST, request))


CLOCK_TIMES = {
	"opening": "opening_date",
	"acknowledged": "acknowledged_on",
	"on_site": "on_site_on",
	"restored": "restored_on",
}


@frappe.whitelist(methods=["POST"])
@checked
def correct_clock(
	request: Name,
	clock: Annotated[str, Length(20)],
	at: Annotated[str, Length(32)],
	reason: Annotated[str, Length(1000)],
) -> dict:
	"""A manager corrects one clock time of a request (opening, acknowledged, on_site, restored), with
	a reason: both are kept in the request's history (Version), and the clocks are read again."""
	from frappe.utils import get_datetime

	_request_exists(request)
	if not set(DISPATCHERS) & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Only a Service Manager corrects a clock time."))
	field = CLOCK_TIMES.get(clock)
	if not field:
		frappe.throw(
			_("{0} is not a clock time: choose one of {1}.").format(clock, ", ".join(CLOCK_TIMES)),
			title=_("Invalid Clock"),
		)
	try:
		moment = get_datetime(at)
	except Exception:
		moment = None
	if not moment:
		frappe.throw(_("{0} is not a date and time.").format(at), title=_("Invalid Time"))
	if moment > now_datetime():
		frappe.throw(_("A clock time cannot lie in the future ({0}).").format(at), title=_("Invalid Time"))
	doc = frappe.get_doc(REQUEST, request)
	doc.check_permission("write")
	opened = get_datetime(doc.opening_date)
	if field != "opening_date" and moment < opened:
		frappe.throw(
			_("{0} cannot lie before the request was opened ({1}).").format(at, opened),
			title=_("Invalid Time"),
		)
	doc.set(field, moment)
	doc.clock_correction_reason = _("{0} corrected by {1}: {2}").format(
		_(doc.meta.get_label(field)), frappe.session.user, reason.strip()
	)
	doc.save(ignore_version=False)  # the history keeps the correction and its reason, always
	return _clocks(doc)


def _clocks(doc) -> dict:
	return {
		"name": doc.name,
		"status": doc.status,
		"priority": doc.priority,
		**{
			field: doc.get(field)
			for field in (
				"acknowledge_by",
				"acknowledge_state",
				"acknowledged_on",
				"on_site_by",
				"on_site_state",
				"on_site_on",
				"restored_by",
				"restored_state",
				"restored_on",
			)
		},
	}


@frappe.whitelist(methods=["POST"])
@checked
def set_site_pin(
	unit: Name,
	latitude: Annotated[float, Limit(-90, 90)],
	longitude: Annotated[float, Limit(-180, 180)],
) -> dict:
	"""Pin a genset's site on the map (its site Address): staff who may edit the genset."""
	doc = frappe.get_doc(UNIT, unit)
	doc.check_permission("write")
	if is_portal_user():
		raise frappe.PermissionError
	if not doc.site_address:
		frappe.throw(
			_("Genset {0} has no site address: set its Site Address first.").format(doc.name),
			title=_("No Site Address"),
		)
	address = frappe.get_doc("Address", doc.site_address)
	address.genset_latitude, address.genset_longitude = latitude, longitude
	address.flags.ignore_permissions = True
	address.save()
	return {"unit": doc.name, "address": address.name, "latitude": latitude, "longitude": longitude}


# ------------------------------------------------------------------ dispatch
DISPATCHERS = ("Service Manager", "System Manager")
EngineerList = Annotated[str, Length(5_000)]


def _dispatcher() -> None:
	"""Dispatch is the service managers' work."""
	if frappe.session.user != "Administrator" and not set(DISPATCHERS) & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Dispatch is for the service managers."))


def _names(value: str | None) -> list[str] | None:
	"""Engineers as a JSON list or comma-separated names."""
	return name_list(value, _("Engineers"), _("Invalid Engineers"))


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def dispatch_board(
	from_date: DateString,
	to_date: DateString,
	territory: Name | None = None,
	service_type: Name | None = None,
	customer: Name | None = None,
	proposal: Name | None = None,
	start: Annotated[int, Limit(0, 1_000_000)] = 0,
	page_length: Annotated[int, Limit(1, 500)] = 100,
) -> dict:
	"""The schedule board of up to 31 days: engineers, scheduled cards, a page of unscheduled work and
	a proposal's cards when one is named."""
	from genset_service.dispatch.board import board

	_dispatcher()
	return board(from_date, to_date, territory, service_type, customer, proposal, start, page_length)


@frappe.whitelist(methods=["POST"])
@checked
def propose_dispatch(
	from_date: DateString,
	to_date: DateString,
	engineers: EngineerList | None = None,
	territory: Name | None = None,
) -> dict:
	"""Optimise the open on-site work of these days for these engineers (all, or the territory's): a
	Draft proposal, nothing else changes until it is applied."""
	from genset_service.dispatch.proposals import PROPOSAL, propose

	_dispatcher()
	name = propose(from_date, to_date, _names(engineers), territory)
	return frappe.db.get_value(
		PROPOSAL,
		name,
		[
			"name",
			"status",
			"visit_count",
			"placed_count",
			"travel_km",
			"baseline_km",
			"solver",
			"solve_seconds",
		],
		as_dict=True,
	)


@frappe.whitelist(methods=["POST"])
@checked
def apply_dispatch(proposal: Name) -> dict:
	"""Check a Draft proposal against the site as it is now and write it: dates, engineers, order,
	ToDos. Refused, with the checker's reasons, when it no longer holds."""
	from genset_service.dispatch.proposals import apply

	_dispatcher()
	return apply(proposal)


@frappe.whitelist(methods=["POST"])
@checked
def discard_dispatch(proposal: Name) -> dict:
	from genset_service.dispatch.proposals import discard

	_dispatcher()
	return discard(proposal)


@frappe.whitelist(methods=["POST"])
@checked
def move_visit(
	task: Name,
	engineer: Name | None = None,
	day: DateString | None = None,
	start_time: Annotated[str, Length(8)] | None = None,
	confirm: bool = False,
) -> dict:
	"""Move a card on the board: to an engineer on a day (and time), or off the board (no day). Answers
	``confirm`` with the reasons when the move breaks a rule and was not confirmed."""
	from genset_service.dispatch.board import move

	_dispatcher()
	if start_time:
		try:
			frappe.utils.get_time(start_time)
		except Exception:
			frappe.throw(_("{0} is not a time (HH:MM).").format(frappe.utils.escape_html(start_time)))
	return move(task, engineer, day, start_time, confirm)


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def nearest_engineers(request: Name) -> dict:
	"""The engineers who can be on site soonest for a request, with their arrival against its on-site
	deadline."""
	from genset_service.dispatch.board import nearest

	_request_exists(request)
	if is_portal_user():
		raise frappe.PermissionError
	return nearest(request)


@frappe.whitelist(methods=["POST"])
@checked
def assign_nearest(request: Name, engineer: Name) -> dict:
	"""Give the request's visit to one of the nearest engineers, expected at their arrival."""
	from genset_service.dispatch.board import assign_nearest as assign

	_dispatcher()
	_request_exists(request)
	return assign(request, engineer)


# ------------------------------------------------------------------ the engineer's phone
@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def field_work() -> dict:
	"""The engineer's week on the phone: their open tasks (overdue, today, this week) with each
	genset's facts and history, the checklists they need and the parts in their van. Engineers only."""
	from genset_service.field.work import my_work

	if is_portal_user():
		raise frappe.PermissionError
	return my_work()


@frappe.whitelist(methods=["GET"], allow_guest=True)
def field_session() -> dict:
	"""Who the phone is signed in as, and the CSRF token its queued actions are sent with (a Guest: the
	phone asks the engineer to log in and keeps its outbox); how it shows times: the site's time zone
	(the server's times are its wall clock) and the user's date format."""
	user = frappe.session.user
	if user == "Guest":
		return {"user": "Guest"}
	return {
		"user": user,
		"full_name": frappe.utils.get_fullname(user),
		"engineer": frappe.db.get_value("Genset Engineer", {"user": user, "enabled": 1}),
		"csrf_token": frappe.sessions.get_csrf_token(),
		"time_zone": frappe.utils.get_system_timezone(),
		"date_format": frappe.utils.get_user_date_format(),
	}


@frappe.whitelist(methods=["POST"])
@checked
def field_photo(
	upload: Annotated[str, Length(64)],
	slot: Annotated[str, Length(4)],
	sha256: Annotated[str, Length(64)] | None = None,
) -> dict:
	"""One photo of a visit, before the visit itself (multipart: the image as the ``photo`` part, the
	upload id the visit will refer to, its place, and its SHA-256 as the phone computed it). Kept once:
	the same photo again answers that it was received; another photo under the same id and place is a
	417."""
	from genset_service.field.photos import PHOTO_BYTES, receive_photo

	if is_portal_user():
		raise frappe.PermissionError
	files = getattr(getattr(frappe.local, "request", None), "files", None)
	part = files.get("photo") if files else None
	if not part:
		frappe.throw(
			_("No photo was sent: send the image as the form's photo part."), title=_("Invalid Photo")
		)
	return receive_photo(upload, slot, part.stream.read(PHOTO_BYTES + 1), sha256, frappe.session.user)


@frappe.whitelist(methods=["GET"])
@checked
def field_photos(upload: Annotated[str, Length(64)]) -> list[dict]:
	"""The photos of an upload id the server holds for the signed-in engineer (place, size, SHA-256):
	after a break, the phone uploads only the others."""
	from genset_service.field.engineer import engineer_of
	from genset_service.field.photos import received

	if is_portal_user():
		raise frappe.PermissionError
	engineer_of(frappe.session.user)
	return received(upload, frappe.session.user)


@frappe.whitelist(methods=["POST"])
@checked
def field_send(action: Annotated[str, Length(12_000_000)]) -> dict:
	"""One action of the phone's outbox (JSON: id made on the phone, kind, the phone's time of the act
	with its offset, payload). Done once: the same id again answers what was done; the same id with
	other content is a 417. A visit whose task was cancelled or given to someone else meanwhile is kept
	as a draft and answered with the reason."""
	from genset_service.field.sync import receive

	if is_portal_user():
		raise frappe.PermissionError
	try:
		raw = frappe.parse_json(action)
	except ValueError:
		raw = None
	if not isinstance(raw, dict):
		frappe.throw(_("The action is not a JSON object."), title=_("Invalid Action"))
	return receive(raw)
