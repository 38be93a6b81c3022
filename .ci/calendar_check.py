"""Browser check of the calendar feeds, against a running site.

Usage: python3 .ci/calendar_check.py <base url> <seed json> <artifacts dir>

In headless Chromium: customer A's portal user makes a private calendar link on /my_gensets; the link,
fetched with no login as a calendar app does, is valid iCalendar (parsed by the `icalendar` package)
holding A's visits and none of B's, in the site's time zone; an engineer makes his link from the phone
app (/field) and it holds his dispatched visits at their times; a revoked link answers 404 and a second
link replaces the first. Screenshots go to the artifacts folder. Prints 'N passed, N failed'.
"""

import datetime
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

try:
	from icalendar import Calendar
except ImportError:  # the CI's Python gets it with tier 1; a bare machine here
	import subprocess

	subprocess.run([sys.executable, "-m", "pip", "install", "-q", "icalendar>=6,<7"], check=True)
	from icalendar import Calendar

base, seed_file, artifacts = sys.argv[1], sys.argv[2], Path(sys.argv[3])
artifacts.mkdir(parents=True, exist_ok=True)
seed = json.loads(Path(seed_file).read_text())
a, b = seed["a"], seed["b"]
ENGINEER_PASSWORD = "Calendar-Check-2026!"
results = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(f"{'ok  ' if ok else 'FAIL'} calendar: {name}{(': ' + detail) if detail and not ok else ''}")


def fetch(url: str) -> tuple[int, str, bytes]:
	"""A calendar app's GET: no cookie, no token but the link's."""
	try:
		with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=30) as answer:
			return answer.status, answer.headers.get("Content-Type", ""), answer.read()
	except urllib.error.HTTPError as error:
		return error.code, error.headers.get("Content-Type", ""), error.read()


def uids(body: bytes) -> dict:
	calendar = Calendar.from_ical(body)
	return {str(event["UID"]).split("@", 1)[0]: event for event in calendar.walk("VEVENT")}


with sync_playwright() as p:
	browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
	admin = browser.new_context()
	admin.request.post(f"{base}/api/method/login", data={"usr": "Administrator", "pwd": "admin"})

	def tasks(filters: list) -> list[dict]:
		answer = admin.request.get(
			f"{base}/api/resource/Genset Service Task",
			params={
				"filters": json.dumps(filters),
				"fields": json.dumps(["name", "customer", "assigned_to", "scheduled_start", "due_from"]),
				"limit_page_length": 0,
			},
		)
		return answer.json()["data"]

	session = admin.request.get(f"{base}/api/method/genset_service.api.v1.field_session").json()["message"]
	zone, csrf = session["time_zone"], {"X-Frappe-CSRF-Token": session["csrf_token"]}

	# ------------------------------------------------------------------ the customer, on the portal
	customer = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
	customer.request.post(f"{base}/api/method/login", data={"usr": a["user"], "pwd": seed["password"]})
	page = customer.new_page()
	page.goto(f"{base}/my_gensets", wait_until="networkidle")
	page.click("#gs-calendar-make")
	page.wait_for_selector("#gs-calendar-link:not([hidden])", timeout=15000)
	link = page.input_value("#gs-calendar-link input")
	webcal = page.get_attribute("#gs-calendar-link a", "href") or ""
	page.locator("#gs-calendar").scroll_into_view_if_needed()
	page.screenshot(path=str(artifacts / "calendar-portal.png"), full_page=False)
	check("the portal makes a private link", "token=gsc_" in link and webcal.startswith("webcal://"), link)
	status, kind, body = fetch(link)
	check(
		"the link answers a calendar with no login", status == 200 and kind.startswith("text/calendar"), kind
	)
	events = uids(body) if status == 200 else {}
	own = {t["name"] for t in tasks([["customer", "=", a["customer"]]])}
	others = {t["name"] for t in tasks([["customer", "=", b["customer"]]])}
	check("it holds A's visits", bool(events) and set(events) <= own, f"{len(events)} events")
	check("never one of B's", not (set(events) & others))
	check(
		"its times are in the site's zone",
		f"TZID:{zone}".encode() in body
		and all(e["DTSTART"].params.get("TZID") == zone for e in events.values()),
		zone,
	)
	page.click("#gs-calendar-make")
	page.wait_for_function(f"document.querySelector('#gs-calendar-link input').value !== {json.dumps(link)}")
	second = page.input_value("#gs-calendar-link input")
	check(
		"a new link replaces the old one: the old answers 404",
		fetch(link)[0] == 404 and fetch(second)[0] == 200,
	)
	page.click("#gs-calendar-revoke")
	page.wait_for_selector("#gs-calendar-link", state="hidden", timeout=15000)
	check("a revoked link answers 404", fetch(second)[0] == 404)

	# ------------------------------------------------------------------ an engineer, on the phone
	def dispatched_visits() -> list[dict]:
		return tasks([["scheduled_start", "is", "set"], ["assigned_to", "like", "gs-dispatch-%"]])

	dispatched = dispatched_visits()
	if not dispatched:
		# the portal check applies the board's proposal; on its own, this check applies one itself
		today = datetime.date.today()
		proposal = admin.request.post(
			f"{base}/api/method/genset_service.api.v1.propose_dispatch",
			form={
				"from_date": today.isoformat(),
				"to_date": (today + datetime.timedelta(days=13)).isoformat(),
				"engineers": json.dumps(seed["dispatch"]["engineers"]),
			},
			headers=csrf,
		).json()["message"]["name"]
		applied = admin.request.post(
			f"{base}/api/method/genset_service.api.v1.apply_dispatch",
			form={"proposal": proposal},
			headers=csrf,
		)
		print(f"     applied {proposal}: {applied.status} {applied.text()[:200]}")
		dispatched = dispatched_visits()
	if not dispatched:
		check("an engineer has dispatched visits to show", False, "none on this site")
	else:
		engineer = dispatched[0]["assigned_to"]
		mine = {t["name"]: t for t in dispatched if t["assigned_to"] == engineer}
		admin.request.put(
			f"{base}/api/resource/User/{engineer}", data={"new_password": ENGINEER_PASSWORD}, headers=csrf
		)
		phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
		signed = phone.request.post(
			f"{base}/api/method/login", data={"usr": engineer, "pwd": ENGINEER_PASSWORD}
		)
		check(f"the engineer ({engineer}) signs in", signed.status == 200, signed.text()[:200])
		app = phone.new_page()
		app.on("dialog", lambda dialog: dialog.accept())
		app.goto(f"{base}/field", wait_until="networkidle")
		app.click("#calendar")
		app.wait_for_selector("#calendar-link", timeout=15000)
		app.screenshot(path=str(artifacts / "calendar-phone.png"))
		subscribe = app.get_attribute("#calendar-link a.button", "href") or ""
		check("the phone makes the engineer's link", subscribe.startswith("webcal://"), subscribe)
		status, kind, body = fetch("http://" + subscribe.split("://", 1)[1]) if subscribe else (0, "", b"")
		events = uids(body) if status == 200 else {}
		check(
			"it holds his dispatched visits",
			set(mine) <= set(events),
			f"{len(mine)} dispatched, {len(events)} in feed",
		)
		check(
			"and no one else's",
			all(name in mine or name not in {t["name"] for t in dispatched} for name in events),
		)
		name = next(iter(mine))
		event = events.get(name)
		start = str(mine[name]["scheduled_start"])[:16].replace(" ", "T")
		check(
			"each at its dispatched time",
			event is not None and event.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M") == start,
			f"{event and event.decoded('DTSTART')} vs {start}",
		)
	browser.close()

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
