"""Calendar feeds on the site: a user's private feed token (kept as a hash, regenerable, revocable) and
the visits the feed shows: the tasks assigned to the user (an engineer's visits) and the tasks of the
customers whose portal user they are (a customer's upcoming visits). One query; the feed itself is
built by the pure ``calendars/feed.py``."""

import secrets
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, get_system_timezone, get_url, getdate, now_datetime, nowdate

from genset_service.calendars.feed import Visit, build_calendar
from genset_service.permissions import customers_of, is_portal_user
from genset_service.scheduling.common import TASK, UNIT
from genset_service.telemetry.common import token_hash

FEED = "Genset Calendar Feed"
ENGINEER = "Genset Engineer"
TOKEN_PREFIX = "gsc_"
# the days a feed shows, from today: a month back (what was done) and a year ahead
DAYS_BACK, DAYS_AHEAD = 30, 366
# a task's status -> the visit's (the event's STATUS is then the feed's rule)
TASK_STATUS = {
	"Planned": "planned",
	"Due": "planned",
	"Overdue": "planned",
	"Done": "done",
	"Cancelled": "cancelled",
}
# a visit with no time of its own lasts the day's working hours
DAY_START, DAY_END = time(8, 0), time(17, 0)
# who sees a task's link where: staff in the desk, a customer on the portal
DESK_LINK = "/app/genset-service-task/{task}"
PORTAL_LINK = "/my_gensets/{unit}"


def kind_of(user: str) -> str:
	if is_portal_user(user):
		return "Customer"
	return "Engineer" if frappe.db.exists(ENGINEER, {"user": user}) else "Staff"


def issue(user: str) -> str:
	"""A new secret token for the user's feed (the old link stops working); returned this once."""
	token = TOKEN_PREFIX + secrets.token_urlsafe(32)
	values = {
		"token_hash": token_hash(token),
		"token_hint": token[:8] + "...",
		"token_set_on": now_datetime(),
		"revoked": 0,
		"revoked_on": None,
		"kind": kind_of(user),
	}
	if frappe.db.exists(FEED, user):
		frappe.db.set_value(FEED, user, values)
	else:
		frappe.get_doc({"doctype": FEED, "user": user, **values}).insert(ignore_permissions=True)
	return token


def revoke(user: str) -> None:
	"""The user's feed answers 404 from now on (until a new token is made)."""
	if not frappe.db.exists(FEED, user):
		frappe.throw(_("{0} has no calendar feed.").format(user), frappe.DoesNotExistError)
	frappe.db.set_value(FEED, user, {"revoked": 1, "revoked_on": now_datetime(), "token_hash": None})


def user_of(token: str | None) -> str:
	"""The user whose live feed this token opens, else a 404 (an unknown, replaced or revoked token)."""
	row = None
	if token and isinstance(token, str) and token.startswith(TOKEN_PREFIX) and len(token) <= 100:
		# looked up by its hash (a unique key): the token itself is never stored
		row = frappe.db.get_value(
			FEED, {"token_hash": token_hash(token), "revoked": 0}, ["user"], as_dict=True
		)
	if not row or not frappe.db.get_value("User", row.user, "enabled"):
		frappe.throw(_("No calendar feed at this address."), frappe.DoesNotExistError)
	return row.user


def feed_url(token: str) -> str:
	return get_url(f"/api/method/genset_service.api.calendar_v1.feed?token={token}")


def visits_of(user: str, today=None) -> list[Visit]:
	"""The user's visits: tasks assigned to them and their customers' tasks, in the feed's window."""
	today = getdate(today or nowdate())
	first, last = add_days(today, -DAYS_BACK), add_days(today, DAYS_AHEAD)
	customers = customers_of(user) if is_portal_user(user) else []
	task, unit = frappe.qb.DocType(TASK), frappe.qb.DocType(UNIT)
	address = frappe.qb.DocType("Address")
	mine = task.assigned_to == user
	if customers:
		mine = mine | task.customer.isin(customers)
	rows = (
		frappe.qb.from_(task)
		.left_join(unit)
		.on(unit.name == task.unit)
		.left_join(address)
		.on(address.name == unit.site_address)
		.select(
			task.name,
			task.service_type,
			task.status,
			task.due_from,
			task.due_to,
			task.scheduled_start,
			task.scheduled_end,
			task.dispatch_proposal,
			task.customer_name,
			task.unit,
			task.serial_no,
			task.item_code,
			task.creation,
			task.modified,
			unit.site_address_display,
			address.genset_latitude,
			address.genset_longitude,
		)
		.where(mine)
		.where(
			((task.scheduled_start >= first) & (task.scheduled_start < add_days(last, 1)))
			| (task.scheduled_start.isnull() & (task.due_from >= first) & (task.due_from <= last))
		)
		.orderby(task.name)
		.run(as_dict=True)
	)
	portal = bool(customers)
	return [_visit(row, portal) for row in rows]


def _visit(row, portal: bool) -> Visit:
	status = TASK_STATUS.get(row.status, "planned")
	if status == "planned" and row.scheduled_start and row.dispatch_proposal:
		status = "dispatched"
	if row.scheduled_start:
		start = get_datetime(row.scheduled_start)
		end = get_datetime(row.scheduled_end) if row.scheduled_end else None
		if end is not None and end <= start:
			end = None
	else:
		start = datetime.combine(getdate(row.due_from), DAY_START)
		end = datetime.combine(getdate(row.due_from), DAY_END)
	genset = " ".join(filter(None, (row.item_code, row.serial_no)))
	lines = [
		_("{0} for {1}").format(_(row.service_type), row.customer_name or ""),
		_("Genset: {0} ({1})").format(genset, row.unit) if row.unit else "",
		_("Due between {0} and {1}").format(row.due_from, row.due_to) if row.due_from else "",
		_("Task: {0}").format(row.name),
	]
	link = PORTAL_LINK.format(unit=row.unit) if portal and row.unit else DESK_LINK.format(task=row.name)
	latitude, longitude = row.genset_latitude, row.genset_longitude
	geo = (float(latitude), float(longitude)) if latitude and longitude else None
	return Visit(
		uid_key=row.name,
		start=start,
		end=end,
		summary=" - ".join(filter(None, (_(row.service_type), row.customer_name or row.unit))),
		description="\n".join(line for line in lines if line),
		location=(row.site_address_display or "").replace("<br>", ", ").strip(", \n"),
		url=get_url(link),
		status=status,
		# every save of the task moves its modified time: the seconds since it was made only grow
		sequence=max(0, int((get_datetime(row.modified) - get_datetime(row.creation)).total_seconds())),
		last_modified=get_datetime(row.modified),
		geo=geo,
		categories=(_(row.service_type),),
	)


def render(user: str) -> bytes:
	"""The user's feed. Its DTSTAMP is the last change of what it shows, so an unchanged feed has the
	same bytes (and ETag) at every fetch."""
	visits = visits_of(user)
	changed = max((visit.last_modified for visit in visits), default=None)
	set_on = frappe.db.get_value(FEED, user, "token_set_on")
	stamp = max(filter(None, (changed, get_datetime(set_on) if set_on else None)), default=None)
	zone = get_system_timezone()
	site = frappe.local.site
	return build_calendar(
		visits,
		name=_("Genset visits: {0}").format(frappe.utils.get_fullname(user)),
		tz=zone,
		domain=site,
		now=_as_utc(stamp, zone) if stamp else datetime(2000, 1, 1, tzinfo=timezone.utc),
	)


def _as_utc(moment: datetime, zone: str) -> datetime:
	return moment.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def note_fetch(user: str) -> None:
	"""When and how often the feed was read (one UPDATE, no document save)."""
	feed = frappe.qb.DocType(FEED)
	(
		frappe.qb.update(feed)
		.set(feed.last_fetched_on, now_datetime())
		.set(feed.fetch_count, feed.fetch_count + 1)
		.where(feed.name == user)
		.run()
	)
