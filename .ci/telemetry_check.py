"""Browser and HTTP check of the genset reporting itself, against a running site.

Usage: python3 .ci/telemetry_check.py <base url> <seed json> <artifacts dir>

Over real HTTP, as a device: its token's batch is kept (200), a replay changes nothing, a wrong token
or another device's name is a 401, a message over 256 KB a 413, a body that is not JSON or holds nothing
good a 417. In headless Chromium: customer A's portal page of a genset draws what it reports (last
readings, hours a day, the open alarm, charts over 30 days and a year), never B's (403 through the API);
the desk's Genset Unit form draws the same, the Genset Device form offers a new token, the settings say
which bridges run. Screenshots go to the artifacts folder. Prints 'N passed, N failed'.
"""

import datetime
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

base, seed_file, artifacts = sys.argv[1], sys.argv[2], Path(sys.argv[3])
artifacts.mkdir(parents=True, exist_ok=True)
seed = json.loads(Path(seed_file).read_text())
a, b, tm = seed["a"], seed["b"], seed["telemetry"]
INGEST = f"{base}/api/method/genset_service.api.telemetry_v1.ingest"
results = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(f"{'ok  ' if ok else 'FAIL'} {name}{(': ' + detail) if detail and not ok else ''}")


def send(body: bytes, device: str | None, token: str | None, content_type="application/json"):
	"""POST to the ingest endpoint as a device does: (status, JSON answer or text)."""
	headers = {"Content-Type": content_type, "Accept": "application/json"}
	if device:
		headers["X-Genset-Device"] = device
	if token:
		headers["X-Genset-Token"] = token
	request = urllib.request.Request(INGEST, data=body, headers=headers, method="POST")
	try:
		with urllib.request.urlopen(request, timeout=30) as answer:
			status, text = answer.status, answer.read().decode()
	except urllib.error.HTTPError as error:
		status, text = error.code, error.read().decode()
	try:
		return status, json.loads(text)
	except ValueError:
		return status, text


# ------------------------------------------------------------------ the device's HTTP path
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
batch = {
	"readings": [
		{
			"time": (now - datetime.timedelta(minutes=3)).isoformat(),
			"metrics": {"coolant_temperature_c": 82.5},
		},
		{"time": (now - datetime.timedelta(minutes=2)).isoformat(), "metrics": {"coolant_temperature_c": 83}},
		{
			"time": (now - datetime.timedelta(minutes=1)).isoformat(),
			"metrics": {"coolant_temperature_c": "hot"},
		},
	]
}
body = json.dumps(batch).encode()
status, answer = send(body, tm["device"], tm["token"])
stored = answer.get("message", {}) if isinstance(answer, dict) else {}
check(
	"ingest: a batch with its token is kept, the bad entry refused with its reason",
	status == 200
	and stored.get("stored") == 2
	and [r["reason"] for r in stored.get("refused", [])] == ["not_a_number"],
	f"{status} {answer}",
)
status, answer = send(body, tm["device"], tm["token"])
again = answer.get("message", {}) if isinstance(answer, dict) else {}
check(
	"ingest: the same batch again is a replay",
	status == 200 and (again.get("stored"), again.get("duplicates")) == (0, 2),
	f"{status} {answer}",
)
check("ingest: a wrong token is a 401", send(body, tm["device"], "gst_wrong")[0] == 401)
check("ingest: no token is a 401", send(body, tm["device"], None)[0] == 401)
check("ingest: another device's token is a 401", send(body, tm["device"], tm["other_token"])[0] == 401)
status, _answer = send(
	b'{"readings": [' + b'{"time": "2026-01-01T00:00:00Z"},' * 12000 + b"{}]}", tm["device"], tm["token"]
)
check("ingest: a message over 256 KB is a 413", status == 413, str(status))
status, answer = send(b"{not json", tm["device"], tm["token"], content_type="text/plain")
check("ingest: a body that is not JSON is a 417", status == 417, f"{status} {str(answer)[:200]}")
status, answer = send(b"\x00\xff", tm["device"], tm["token"], content_type="application/octet-stream")
check("ingest: bytes that are not text are a 417", status == 417, f"{status} {str(answer)[:200]}")
status, answer = send(
	json.dumps({"readings": [{"time": "yesterday", "metrics": {"load_kw": 1}}]}).encode(),
	tm["device"],
	tm["token"],
)
check(
	"ingest: a batch with nothing good is a 417 with the reasons",
	status == 417 and "bad_time" in json.dumps(answer),
	f"{status} {answer}",
)

# ------------------------------------------------------------------ the pages
with sync_playwright() as p:
	browser = p.chromium.launch(
		executable_path="/usr/bin/chromium",
		args=[
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--no-first-run",
		],
	)
	for label, viewport in (
		("phone", {"width": 390, "height": 844}),
		("desktop", {"width": 1280, "height": 900}),
	):
		context = browser.new_context(viewport=viewport)
		login = context.request.post(
			f"{base}/api/method/login", data={"usr": a["user"], "pwd": seed["password"]}
		)
		check(f"{label}: portal user logs in", login.ok, str(login.status))
		page = context.new_page()
		errors = []
		page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
		page.goto(f"{base}/my_gensets/{a['unit']}", wait_until="networkidle")
		try:
			page.wait_for_selector("#gs-telemetry .gs-tm-chart svg", timeout=20000)
		except Exception:
			pass
		page.wait_for_timeout(1500)  # frappe-charts draws its lines with an animation
		text = page.locator("#gs-telemetry").inner_text() if page.locator("#gs-telemetry").count() else ""
		charts = page.locator("#gs-telemetry .gs-tm-chart svg").count()
		check(
			f"{label}: the genset page draws its charts (hours, load, fuel, battery)",
			charts >= 4,
			f"{charts} {errors}",
		)
		check(
			f"{label}: the last readings and the device are shown",
			"PCHK-DSE-A1" in text and "FUEL LEVEL" in text.upper(),
			text[:300],
		)
		check(f"{label}: the open low-fuel alarm is shown", "Low Fuel" in text, text[:400])
		check(f"{label}: no script error", not errors, str(errors))
		page.locator("#gs-telemetry").scroll_into_view_if_needed()
		page.screenshot(path=str(artifacts / f"portal-genset-telemetry-{label}.png"), full_page=True)
		if label == "desktop":
			page.click("#gs-telemetry .gs-tm-spans button[data-days='365']")
			page.wait_for_timeout(1500)
			labels = page.locator("#gs-telemetry .gs-tm-chart[data-key='hours'] .x.axis text").count()
			check("desktop: a year of rolled-up days is drawn", labels >= 5, str(labels))
			page.locator("#gs-telemetry").screenshot(path=str(artifacts / "portal-genset-telemetry-year.png"))
			api = context.request
			mine = api.get(
				f"{base}/api/method/genset_service.api.telemetry_v1.get_unit_telemetry",
				params={"unit": a["unit"], "days": 365},
			)
			check(
				"portal user: own genset's telemetry over a year",
				mine.ok and len(mine.json()["message"]["charts"]) == 4,
				str(mine.status),
			)
			theirs = api.get(
				f"{base}/api/method/genset_service.api.telemetry_v1.get_unit_telemetry",
				params={"unit": b["unit"]},
			)
			check("portal user: another customer's genset is a 403", theirs.status == 403, str(theirs.status))
			for doctype in ("Genset Telemetry Reading", "Genset Telemetry Rollup"):
				raw = api.get(f"{base}/api/resource/{doctype}")
				check(f"portal user: /api/resource/{doctype} is a 403", raw.status == 403, str(raw.status))
			devices = (
				api.get(f"{base}/api/resource/Genset Device", params={"fields": json.dumps(["name"])})
				.json()
				.get("data", [])
			)
			check(
				"portal user: lists only own devices",
				[d["name"] for d in devices] == [tm["device"]],
				str(devices),
			)
			bad = api.get(
				f"{base}/api/method/genset_service.api.telemetry_v1.get_unit_telemetry",
				params={"unit": a["unit"], "days": 100000},
			)
			check("portal user: days out of range is a 417", bad.status == 417, str(bad.status))
		context.close()

	desk = browser.new_context(viewport={"width": 1366, "height": 900})
	login = desk.request.post(f"{base}/api/method/login", data={"usr": "Administrator", "pwd": "admin"})
	check("desk: Administrator logs in", login.ok, str(login.status))
	page = desk.new_page()
	errors = []
	page.on("pageerror", lambda error: errors.append(str(error)))
	page.goto(f"{base}/app/genset-unit/{a['unit']}", wait_until="networkidle")
	try:
		page.wait_for_selector(".gs-telemetry .gs-tm-chart svg", timeout=20000)
	except Exception:
		pass
	page.wait_for_timeout(1500)
	charts = page.locator(".gs-telemetry .gs-tm-chart svg").count()
	check("desk: the Genset Unit form draws what the genset reports", charts >= 4, f"{charts} {errors}")
	section = page.locator(".gs-telemetry")
	if section.count():
		section.scroll_into_view_if_needed()
		page.wait_for_timeout(500)
		page.screenshot(path=str(artifacts / "desk-genset-unit-telemetry.png"), full_page=False)
	text = section.inner_text() if section.count() else ""
	check(
		"desk: the open alarm links its request",
		"Low Fuel" in text and page.locator(".gs-tm-alarms a").count() >= 1,
		text[:300],
	)
	page.goto(f"{base}/app/genset-device/{tm['device']}", wait_until="networkidle")
	page.wait_for_timeout(1000)
	check(
		"desk: the device form offers a new token", page.get_by_role("button", name="New Token").count() >= 1
	)
	check(
		"desk: the device shows it is online", "Online" in page.locator(".indicator-pill").first.inner_text()
	)
	page.screenshot(path=str(artifacts / "desk-genset-device.png"), full_page=False)
	page.goto(f"{base}/app/genset-telemetry-settings", wait_until="networkidle")
	page.wait_for_timeout(1500)
	check("desk: the settings say whether a bridge runs", "bridge" in page.content().lower())
	page.screenshot(path=str(artifacts / "desk-genset-telemetry-settings.png"), full_page=False)
	page.goto(f"{base}/app/genset-telemetry-event?unit={a['unit']}", wait_until="networkidle")
	page.wait_for_timeout(1500)
	check("desk: the event list shows the alarm", "Alarm" in page.content() and "LOW_FUEL" in page.content())
	page.screenshot(path=str(artifacts / "desk-genset-telemetry-events.png"), full_page=False)
	check("desk: no script error", not errors, str(errors))
	browser.close()

passed, failed = results.count(True), results.count(False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
