"""iCalendar (RFC 5545) feeds of service visits, the pure side (no Frappe).

``build_calendar`` turns a list of ``Visit`` into the bytes of one VCALENDAR (METHOD:PUBLISH) with a
VTIMEZONE for the site's zone; ``feed_etag`` gives a strong ETag for those bytes. Escaping, folding at
75 octets and CRLF line endings are left to the ``icalendar`` package (6.x).

A visit keeps its UID for life (``uid_key@domain``); each change raises its SEQUENCE; a cancelled visit
stays in the feed with STATUS:CANCELLED so that subscribed calendars drop it.
"""

import functools
import hashlib
import re
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDuration

PRODID = "-//genset_service//Visits//EN"
DEFAULT_LENGTH = timedelta(hours=2)
ALARM_BEFORE = timedelta(hours=1)
# the visit's status -> the event's STATUS
STATUS = {
	"planned": "TENTATIVE",
	"moved": "TENTATIVE",
	"dispatched": "CONFIRMED",
	"done": "CONFIRMED",
	"cancelled": "CANCELLED",
}
# visits that get no reminder
NO_ALARM = frozenset({"done", "cancelled"})
# what may stay in a UID's domain part; anything else becomes "-"
_NOT_IN_DOMAIN = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class Visit:
	"""One visit as an event. Naive datetimes are in the site's zone (``tz`` of build_calendar)."""

	uid_key: str
	start: datetime
	end: datetime | None = None
	all_day: bool = False
	summary: str = ""
	description: str = ""
	location: str = ""
	url: str = ""
	status: str = "planned"
	sequence: int = 0
	last_modified: datetime | None = None
	geo: tuple[float, float] | None = None
	categories: tuple[str, ...] = ()

	def __post_init__(self):
		if not self.uid_key:
			raise ValueError("a visit needs a uid_key")
		if self.status not in STATUS:
			raise ValueError(f"unknown status {self.status!r}; one of {sorted(STATUS)}")
		if self.sequence < 0:
			raise ValueError("sequence cannot be negative")
		if self.end is not None and not self.all_day and self.end <= self.start:
			raise ValueError(f"{self.uid_key}: the end is not after the start")


def uid(uid_key: str, domain: str) -> str:
	"""The visit's UID: its key (percent-encoded, so distinct keys stay distinct) at the domain."""
	return f"{urllib.parse.quote(uid_key, safe='-._~')}@{clean_domain(domain)}"


def clean_domain(domain: str) -> str:
	"""The domain, lower case, with anything but letters, digits, dots and hyphens made a hyphen."""
	cleaned = _NOT_IN_DOMAIN.sub("-", (domain or "").strip().lower()).strip(".-")
	if not cleaned:
		raise ValueError(f"no domain for the UIDs in {domain!r}")
	return cleaned


def build_calendar(
	events: list[Visit],
	*,
	name: str,
	tz: str,
	domain: str,
	prodid: str = PRODID,
	refresh_minutes: int = 30,
	now: datetime | None = None,
) -> bytes:
	"""The VCALENDAR of the visits, as bytes (UTF-8, CRLF). ``now`` (UTC) is the DTSTAMP."""
	if refresh_minutes <= 0:
		raise ValueError("refresh_minutes must be positive")
	zone = ZoneInfo(tz)
	stamp = _utc(now or datetime.now(timezone.utc), timezone.utc)
	refresh = timedelta(minutes=refresh_minutes)

	cal = Calendar()
	cal.add("PRODID", prodid)
	cal.add("VERSION", "2.0")
	cal.add("CALSCALE", "GREGORIAN")
	cal.add("METHOD", "PUBLISH")
	cal.add("X-WR-CALNAME", name)
	cal.add("X-WR-TIMEZONE", tz)
	cal.add("REFRESH-INTERVAL", vDuration(refresh), parameters={"VALUE": "DURATION"})
	cal.add("X-PUBLISHED-TTL", vDuration(refresh))

	visits = sorted(events, key=lambda v: (_local(v.start, zone), v.uid_key))
	years = [_local(v.start, zone).year for v in visits] + [_local(_end(v), zone).year for v in visits]
	first, last = (min(years), max(years)) if years else (stamp.year, stamp.year)
	cal.add_component(_vtimezone(tz, first, last))
	for visit in visits:
		cal.add_component(_event(visit, zone, domain, stamp))
	return cal.to_ical()


def feed_etag(body: bytes) -> str:
	"""A strong ETag (quoted) from the SHA-256 of the feed's bytes."""
	return f'"{hashlib.sha256(body).hexdigest()}"'


@functools.lru_cache(maxsize=64)
def _vtimezone(tz: str, first_year: int, last_year: int) -> Timezone:
	"""The VTIMEZONE of ``tz`` from zoneinfo, for 1 January of the first year to that after the last."""
	return Timezone.from_tzinfo(
		ZoneInfo(tz), tzid=tz, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
	)


def _event(visit: Visit, zone: ZoneInfo, domain: str, stamp: datetime) -> Event:
	event = Event()
	event.add("UID", uid(visit.uid_key, domain))
	event.add("DTSTAMP", stamp)
	if visit.all_day:
		first = _local(visit.start, zone).date()
		last = _local(visit.end, zone).date() if visit.end else first
		event.add("DTSTART", first)
		event.add("DTEND", max(first, last) + timedelta(days=1))
	else:
		event.add("DTSTART", _local(visit.start, zone))
		event.add("DTEND", _local(_end(visit), zone))
	event.add("SEQUENCE", visit.sequence)
	event.add("STATUS", STATUS[visit.status])
	event.add("TRANSP", "OPAQUE")
	if visit.last_modified:
		event.add("LAST-MODIFIED", _utc(visit.last_modified, zone))
	event.add("SUMMARY", visit.summary)
	for key, value in (("DESCRIPTION", visit.description), ("LOCATION", visit.location), ("URL", visit.url)):
		if value:
			event.add(key, value)
	if visit.geo is not None:
		event.add("GEO", (float(visit.geo[0]), float(visit.geo[1])))
	if visit.categories:
		event.add("CATEGORIES", list(visit.categories))
	if visit.status not in NO_ALARM:
		alarm = Alarm()
		alarm.add("ACTION", "DISPLAY")
		alarm.add("DESCRIPTION", visit.summary or "Visit")
		alarm.add("TRIGGER", -ALARM_BEFORE)
		event.add_component(alarm)
	return event


def _end(visit: Visit) -> datetime:
	return visit.end if visit.end is not None else visit.start + DEFAULT_LENGTH


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
	"""A naive time read in the site's zone; an aware one moved into it."""
	return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _utc(moment: datetime, zone) -> datetime:
	"""In UTC, whole seconds; a naive time is read in ``zone``."""
	return _local(moment, zone).astimezone(timezone.utc).replace(microsecond=0)
