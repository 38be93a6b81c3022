"""Tier 1: iCalendar feeds (genset_service/calendars/feed.py), parsed back and read line by line."""

import ast
import dataclasses
import datetime
import pathlib
import random

import pytest
from icalendar import Calendar

from genset_service.calendars import feed as F

T = datetime.datetime
D = datetime.date
H = datetime.timedelta(hours=1)
UTC = datetime.timezone.utc
ROOT = pathlib.Path(__file__).resolve().parents[1]
NOW = T(2027, 7, 1, 6, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"
DOMAIN = "genset.example.com"


def visit(**kw):
	base = dict(uid_key="TASK-0001", start=T(2027, 7, 15, 9), summary="Annual service")
	return F.Visit(**{**base, **kw})


def build(visits, **kw):
	base = dict(name="Visits of Engineer A", tz=BERLIN, domain=DOMAIN, now=NOW)
	body = F.build_calendar(visits, **{**base, **kw})
	check_structure(body)
	return body


def parse(body):
	return Calendar.from_ical(body)


def events(body):
	return parse(body).walk("VEVENT")


def unfolded(body):
	"""The content lines, folding undone by hand (RFC 5545 3.1: CRLF and one space or tab)."""
	text = body.decode("utf-8")
	assert text.endswith("\r\n")
	return text[:-2].replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def name_of(line):
	return line.split(":", 1)[0].split(";", 1)[0].upper()


def check_structure(body):
	"""A small RFC 5545 check: BEGIN/END balance, VERSION and PRODID once, what each component needs."""
	stack, props = [], []
	components = []
	lines = unfolded(body)
	assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
	for line in lines:
		assert ":" in line, line
		name = name_of(line)
		if name == "BEGIN":
			stack.append(line.split(":", 1)[1])
			props.append([])
		elif name == "END":
			assert stack and stack[-1] == line.split(":", 1)[1], (stack, line)
			components.append((stack.pop(), props.pop()))
		else:
			assert stack, f"a property outside any component: {line}"
			props[-1].append(name)
	assert not stack
	required = {
		"VCALENDAR": ("VERSION", "PRODID"),
		"VEVENT": ("UID", "DTSTAMP", "DTSTART"),
		"VALARM": ("ACTION", "TRIGGER"),
		"VTIMEZONE": ("TZID",),
		"STANDARD": ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"),
		"DAYLIGHT": ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"),
	}
	for component, names in components:
		for needed in required.get(component, ()):
			assert names.count(needed) == 1, (component, needed, names)
	assert [c for c, _ in components].count("VCALENDAR") == 1
	return components


def split_text_list(value):
	"""A TEXT list (RFC 5545 3.3.11): split on unescaped commas, then unescape."""
	items, current, chars = [], "", iter(value)
	for char in chars:
		if char == "\\":
			nxt = next(chars)
			current += {"n": "\n", "N": "\n"}.get(nxt, nxt)
		elif char == ",":
			items.append(current)
			current = ""
		else:
			current += char
	return [*items, current]


def observances(vtimezone):
	"""(onset in local time, TZOFFSETTO) for each DTSTART and RDATE of each STANDARD and DAYLIGHT."""
	found = []
	for sub in vtimezone.subcomponents:
		offset = sub["TZOFFSETTO"].td
		found.append((sub["DTSTART"].dt.replace(tzinfo=None), offset))
		rdates = sub.get("RDATE", [])
		for rdate in rdates if isinstance(rdates, list) else [rdates]:
			found.extend((p.dt.replace(tzinfo=None), offset) for p in rdate.dts)
	return sorted(found)


def offset_at(vtimezone, local):
	"""The offset the VTIMEZONE gives a local time: that of the latest onset before it."""
	before = [offset for onset, offset in observances(vtimezone) if onset <= local]
	assert before, f"the VTIMEZONE does not reach back to {local}"
	return before[-1]


def test_feed_py_imports_no_frappe():
	roots = set()
	for node in ast.walk(ast.parse((ROOT / "genset_service/calendars/feed.py").read_text())):
		if isinstance(node, ast.Import):
			roots.update(a.name.split(".")[0] for a in node.names)
		elif isinstance(node, ast.ImportFrom):
			roots.add((node.module or "").split(".")[0])
	assert "frappe" not in roots
	assert roots <= {
		"functools",
		"hashlib",
		"re",
		"urllib",
		"dataclasses",
		"datetime",
		"zoneinfo",
		"icalendar",
	}


def test_the_calendar_says_what_it_is():
	body = build([visit()])
	cal = parse(body)
	assert str(cal["VERSION"]) == "2.0"
	assert str(cal["PRODID"]) == "-//genset_service//Visits//EN"
	assert str(cal["CALSCALE"]) == "GREGORIAN"
	assert str(cal["METHOD"]) == "PUBLISH"
	assert str(cal["X-WR-CALNAME"]) == "Visits of Engineer A"
	assert str(cal["X-WR-TIMEZONE"]) == BERLIN
	lines = unfolded(body)
	assert "REFRESH-INTERVAL;VALUE=DURATION:PT30M" in lines
	assert "X-PUBLISHED-TTL:PT30M" in lines
	hourly = unfolded(build([], refresh_minutes=60, prodid="-//Acme//Feed//EN"))
	assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in hourly and "X-PUBLISHED-TTL:PT1H" in hourly
	assert "PRODID:-//Acme//Feed//EN" in hourly
	with pytest.raises(ValueError):
		build([], refresh_minutes=0)


def test_the_vtimezone_has_berlins_summer_and_winter_offsets():
	body = build([visit(start=T(2027, 1, 15, 9)), visit(uid_key="TASK-0002", start=T(2027, 7, 15, 9))])
	zones = parse(body).walk("VTIMEZONE")
	assert len(zones) == 1 and str(zones[0]["TZID"]) == BERLIN
	# worked out by hand: CEST (UTC+2) from the last Sunday of March, CET (UTC+1) from the last of October
	assert offset_at(zones[0], T(2027, 7, 15, 9)) == 2 * H
	assert offset_at(zones[0], T(2027, 1, 15, 9)) == 1 * H
	assert offset_at(zones[0], T(2027, 3, 27, 12)) == 1 * H
	assert offset_at(zones[0], T(2027, 3, 28, 12)) == 2 * H
	assert offset_at(zones[0], T(2027, 10, 30, 12)) == 2 * H
	assert offset_at(zones[0], T(2027, 10, 31, 12)) == 1 * H
	lines = unfolded(body)
	assert "TZID:Europe/Berlin" in lines
	assert "TZOFFSETTO:+0200" in lines and "TZOFFSETTO:+0100" in lines
	assert "BEGIN:DAYLIGHT" in lines and "BEGIN:STANDARD" in lines


def test_the_vtimezone_covers_every_year_the_visits_span():
	body = build([visit(start=T(2027, 2, 1, 9)), visit(uid_key="TASK-0002", start=T(2029, 12, 1, 9))])
	(zone,) = parse(body).walk("VTIMEZONE")
	assert offset_at(zone, T(2029, 7, 15, 9)) == 2 * H
	assert offset_at(zone, T(2029, 12, 1, 9)) == 1 * H
	assert offset_at(zone, T(2028, 7, 15, 9)) == 2 * H


@pytest.mark.parametrize(
	"tz, summer, winter",
	[
		("America/New_York", -4 * H, -5 * H),
		("Asia/Shanghai", 8 * H, 8 * H),
		("Australia/Sydney", 10 * H, 11 * H),
	],
)
def test_other_zones_get_their_own_offsets(tz, summer, winter):
	"""July and January; Sydney's summer is January."""
	body = build([visit(start=T(2027, 7, 15, 9)), visit(uid_key="B", start=T(2027, 1, 15, 9))], tz=tz)
	(zone,) = parse(body).walk("VTIMEZONE")
	assert str(zone["TZID"]) == tz
	assert offset_at(zone, T(2027, 7, 15, 9)) == summer
	assert offset_at(zone, T(2027, 1, 15, 9)) == winter
	assert f"DTSTART;TZID={tz}:20270715T090000" in unfolded(body)


def test_a_berlin_visit_at_nine_in_july_is_at_nine_in_berlin():
	body = build([visit(), visit(uid_key="TASK-0002", start=T(2027, 1, 15, 9), end=T(2027, 1, 15, 12, 30))])
	lines = unfolded(body)
	assert "DTSTART;TZID=Europe/Berlin:20270715T090000" in lines
	# no end given: two hours
	assert "DTEND;TZID=Europe/Berlin:20270715T110000" in lines
	assert "DTSTART;TZID=Europe/Berlin:20270115T090000" in lines
	assert "DTEND;TZID=Europe/Berlin:20270115T123000" in lines
	by_uid = {str(e["UID"]): e for e in events(body)}
	summer = by_uid[f"TASK-0001@{DOMAIN}"]["DTSTART"].dt
	winter = by_uid[f"TASK-0002@{DOMAIN}"]["DTSTART"].dt
	assert summer.astimezone(UTC) == T(2027, 7, 15, 7, tzinfo=UTC)
	assert winter.astimezone(UTC) == T(2027, 1, 15, 8, tzinfo=UTC)


def test_a_moved_visit_keeps_its_uid_and_its_sequence_rises():
	first = events(build([visit()]))[0]
	moved = visit(start=T(2027, 7, 16, 13), status="moved", sequence=1, last_modified=T(2027, 7, 2, 10))
	body = build([moved])
	second = events(body)[0]
	assert str(first["UID"]) == str(second["UID"]) == f"TASK-0001@{DOMAIN}"
	assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
	lines = unfolded(body)
	assert "SEQUENCE:1" in lines and "STATUS:TENTATIVE" in lines
	assert "DTSTART;TZID=Europe/Berlin:20270716T130000" in lines
	# 10:00 in Berlin in July is 08:00 UTC
	assert "LAST-MODIFIED:20270702T080000Z" in lines


@pytest.mark.parametrize(
	"status, expected, alarm",
	[
		("planned", "TENTATIVE", True),
		("moved", "TENTATIVE", True),
		("dispatched", "CONFIRMED", True),
		("done", "CONFIRMED", False),
		("cancelled", "CANCELLED", False),
	],
)
def test_status_and_reminder(status, expected, alarm):
	body = build([visit(status=status)])
	(event,) = events(body)
	assert str(event["STATUS"]) == expected
	assert str(event["TRANSP"]) == "OPAQUE"
	alarms = event.walk("VALARM")
	assert len(alarms) == int(alarm)
	lines = unfolded(body)
	assert f"STATUS:{expected}" in lines
	if alarm:
		assert str(alarms[0]["ACTION"]) == "DISPLAY"
		assert alarms[0]["TRIGGER"].dt == -H
		assert "TRIGGER:-PT1H" in lines
	else:
		assert "BEGIN:VALARM" not in lines


def test_the_status_mapping_is_data():
	assert F.STATUS == {
		"planned": "TENTATIVE",
		"moved": "TENTATIVE",
		"dispatched": "CONFIRMED",
		"done": "CONFIRMED",
		"cancelled": "CANCELLED",
	}


def test_a_cancelled_visit_stays_in_the_feed_so_calendars_drop_it():
	body = build([visit(), visit(uid_key="TASK-0002", status="cancelled", sequence=3)])
	by_uid = {str(e["UID"]): e for e in events(body)}
	cancelled = by_uid[f"TASK-0002@{DOMAIN}"]
	assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 3
	assert not cancelled.walk("VALARM")
	assert by_uid[f"TASK-0001@{DOMAIN}"].walk("VALARM")


def test_text_round_trips_exactly():
	summary = "Oil, filters; belts\nthen coolant \\ hoses"
	description = (
		"发电机组年度保养，更换机油；检查冷却液。\nصيانة المولد السنوية، تغيير الزيت؛ فحص البطارية\n" * 4
	)
	location = "Hall 3, Gate B; Muster-Straße 1, 10115 Berlin"
	categories = ("Annual, full", "保养", "صيانة")
	name = "Engineer Ä; Ömer, 工程师"
	body = build(
		[visit(summary=summary, description=description, location=location, categories=categories)], name=name
	)
	(event,) = events(body)
	assert str(event["SUMMARY"]) == summary
	assert str(event["DESCRIPTION"]) == description
	assert str(event["LOCATION"]) == location
	# icalendar 6 parses CATEGORIES by splitting on every comma (escaped or not), so read it by hand too
	raw = next(line for line in unfolded(body) if name_of(line) == "CATEGORIES")
	assert split_text_list(raw.split(":", 1)[1]) == list(categories)
	assert [str(c) for c in event["CATEGORIES"].cats][-2:] == ["保养", "صيانة"]
	assert str(parse(body)["X-WR-CALNAME"]) == name
	lines = unfolded(body)
	assert "SUMMARY:Oil\\, filters\\; belts\\nthen coolant \\\\ hoses" in lines
	assert "LOCATION:Hall 3\\, Gate B\\; Muster-Straße 1\\, 10115 Berlin" in lines
	assert "CATEGORIES:Annual\\, full,保养,صيانة" in lines


def test_every_line_is_at_most_75_octets_and_ends_with_crlf():
	long = "机组 صيانة, x; " * 40
	body = build([visit(description=long, location=long, url="https://example.com/" + "a" * 200)])
	assert body.endswith(b"\r\n")
	physical = body.split(b"\r\n")[:-1]
	assert b"\n" not in b"".join(physical) and b"\r" not in b"".join(physical)
	assert all(len(line) <= 75 for line in physical), max(map(len, physical))
	assert any(line.startswith(b" ") for line in physical), "long lines are folded"
	# folding never splits a character: every physical line is valid UTF-8 on its own
	for line in physical:
		line.decode("utf-8")
	assert str(events(body)[0]["DESCRIPTION"]) == long


def test_all_day_visits_use_dates():
	body = build(
		[
			visit(start=T(2027, 12, 24), all_day=True),
			visit(uid_key="TASK-0002", start=T(2027, 12, 27), end=T(2027, 12, 29), all_day=True),
		]
	)
	lines = unfolded(body)
	assert "DTSTART;VALUE=DATE:20271224" in lines and "DTEND;VALUE=DATE:20271225" in lines
	# several days: the end date is the day after the last
	assert "DTSTART;VALUE=DATE:20271227" in lines and "DTEND;VALUE=DATE:20271230" in lines
	first = events(body)[0]
	assert type(first["DTSTART"].dt) is D and first["DTSTART"].dt == D(2027, 12, 24)
	assert first["DTEND"].dt == D(2027, 12, 25)


def test_an_empty_list_is_still_a_valid_calendar():
	body = build([])
	cal = parse(body)
	assert not cal.walk("VEVENT")
	assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
	(zone,) = cal.walk("VTIMEZONE")
	assert str(zone["TZID"]) == BERLIN
	assert offset_at(zone, T(2027, 7, 15, 9)) == 2 * H


def test_uids_differ_between_visits_and_stay_across_builds():
	visits = [visit(), visit(uid_key="TASK-0002", start=T(2027, 7, 15, 14))]
	one = [str(e["UID"]) for e in events(build(visits))]
	later = [str(e["UID"]) for e in events(build(visits[::-1], now=T(2027, 9, 1, tzinfo=UTC)))]
	assert len(set(one)) == 2
	assert sorted(one) == sorted(later) == [f"TASK-0001@{DOMAIN}", f"TASK-0002@{DOMAIN}"]


def test_uids_are_sanitised():
	assert F.uid("TASK-0001", " Genset Site.Example.com ") == "TASK-0001@genset-site.example.com"
	odd = F.uid("Visit 7/a@b", DOMAIN)
	assert " " not in odd and odd.count("@") == 1 and odd.endswith(f"@{DOMAIN}")
	# keys that differ keep UIDs that differ
	assert F.uid("a b", DOMAIN) != F.uid("a-b", DOMAIN) != F.uid("a_b", DOMAIN)
	with pytest.raises(ValueError):
		F.uid("TASK-0001", " @ ")
	assert f"UID:{odd}" in unfolded(build([visit(uid_key="Visit 7/a@b")]))


def test_the_other_properties():
	body = build(
		[
			visit(
				description="Check the ATS",
				location="Hall 3",
				url="https://genset.example.com/portal/visits/TASK-0001",
				geo=(52.520008, 13.404954),
				categories=("Preventive", "Berlin"),
				sequence=2,
			)
		],
		now=T(2027, 7, 1, 8, 30, 15, 999, tzinfo=datetime.timezone(2 * H)),
	)
	(event,) = events(body)
	assert event["GEO"].latitude == pytest.approx(52.520008) and event["GEO"].longitude == pytest.approx(
		13.404954
	)
	assert str(event["URL"]) == "https://genset.example.com/portal/visits/TASK-0001"
	lines = unfolded(body)
	# the DTSTAMP is the build time in UTC
	assert "DTSTAMP:20270701T063015Z" in lines
	assert "GEO:52.520008;13.404954" in lines
	assert "URL:https://genset.example.com/portal/visits/TASK-0001" in lines
	assert "CATEGORIES:Preventive,Berlin" in lines
	assert "SEQUENCE:2" in lines and "TRANSP:OPAQUE" in lines
	# what a visit lacks is left out
	bare = unfolded(build([visit()]))
	event_lines = bare[bare.index("BEGIN:VEVENT") : bare.index("BEGIN:VALARM")]
	left_out = {"GEO", "URL", "LOCATION", "DESCRIPTION", "CATEGORIES", "LAST-MODIFIED"}
	assert not [line for line in event_lines if name_of(line) in left_out]


def test_the_same_visits_give_the_same_bytes_in_any_order():
	visits = [visit(uid_key=f"TASK-{n:04}", start=T(2027, 7, 1 + n, 9)) for n in range(6)]
	shuffled = visits[:]
	random.Random(7).shuffle(shuffled)
	assert build(visits) == build(shuffled)


def test_the_etag_follows_the_content():
	body = build([visit()])
	tag = F.feed_etag(body)
	assert tag.startswith('"') and tag.endswith('"') and not tag.startswith("W/")
	assert F.feed_etag(build([visit()])) == tag
	assert F.feed_etag(build([visit(summary="Annual service, moved")])) != tag
	assert F.feed_etag(build([visit(sequence=1)])) != tag
	assert F.feed_etag(build([visit()], now=NOW + H)) != tag


def test_visits_refuse_what_cannot_be_an_event():
	with pytest.raises(ValueError):
		visit(status="postponed")
	with pytest.raises(ValueError):
		visit(end=T(2027, 7, 15, 8))
	with pytest.raises(ValueError):
		visit(uid_key="")
	with pytest.raises(dataclasses.FrozenInstanceError):
		visit().summary = "x"
