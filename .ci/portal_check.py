"""Browser and HTTP check of the customer portal against a running site.

Usage: python3 .ci/portal_check.py <base url> <seed json> <artifacts dir>

As customer A's portal user, in headless Chromium (phone and desktop sizes): /my_gensets shows A's
genset and never B's; /api/resource and /api/method answer for A's records and refuse B's; the
token-authenticated API works. Screenshots go to the artifacts folder. Prints 'N passed, N failed'.
"""

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

base, seed_file, artifacts = sys.argv[1], sys.argv[2], Path(sys.argv[3])
artifacts.mkdir(parents=True, exist_ok=True)
seed = json.loads(Path(seed_file).read_text())
a, b = seed["a"], seed["b"]
results = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(f"{'ok  ' if ok else 'FAIL'} {name}{(': ' + detail) if detail and not ok else ''}")


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
		response = page.goto(f"{base}/my_gensets", wait_until="networkidle")
		html = page.content()
		check(
			f"{label}: /my_gensets loads", bool(response and response.ok), str(response and response.status)
		)
		check(f"{label}: shows the user's genset", a["unit"] in html)
		check(f"{label}: never another customer's genset", b["unit"] not in html)
		check(f"{label}: offers a service request", "Send request" in html and "Field Maintenance" in html)
		check(f"{label}: follow-up services are not offered", "Transport Damage Claim" not in html)
		check(f"{label}: a visit waits for signature", "Waiting for your signature" in html)
		check(
			f"{label}: requests, history and surveys sections",
			all(f'id="{s}"' in html for s in ("service-requests", "service-history", "surveys")),
		)
		page.screenshot(path=str(artifacts / f"portal-my-gensets-{label}.png"), full_page=True)
		if label == "phone":
			width = page.evaluate("document.documentElement.scrollWidth")
			check("phone: no horizontal scrolling", width <= viewport["width"] + 1, f"scrollWidth {width}")
			api = context.request
			own = api.get(f"{base}/api/resource/Genset Unit/{a['unit']}")
			check("/api/resource: own genset", own.ok, str(own.status))
			other = api.get(f"{base}/api/resource/Genset Unit/{b['unit']}")
			check("/api/resource: another customer's genset refused", other.status == 403, str(other.status))
			listing = api.get(
				f"{base}/api/resource/Genset Unit", params={"fields": json.dumps(["name", "customer"])}
			)
			customers = {row["customer"] for row in listing.json().get("data", [])} if listing.ok else {"?"}
			check("/api/resource: list holds only own records", customers == {a["customer"]}, str(customers))
			plan = api.get(
				f"{base}/api/method/genset_service.api.v1.get_unit_plan", params={"unit": b["unit"]}
			)
			check("/api/method: another customer's plan refused", plan.status == 403, str(plan.status))
			bad = api.post(
				f"{base}/api/method/genset_service.api.v1.open_service_request",
				data={"unit": a["unit"], "service_type": "Maintenance", "description": "oil"},
			)
			check("/api/method: bad input is a 4xx, not a 500", 400 <= bad.status < 500, str(bad.status))
		context.close()

	token = browser.new_context(
		extra_http_headers={"Authorization": f"token {a['api_key']}:{a['api_secret']}"}
	).request
	plan = token.get(f"{base}/api/method/genset_service.api.v1.get_unit_plan", params={"unit": a["unit"]})
	check("token auth: own plan", plan.ok and plan.json()["message"]["unit"] == a["unit"], str(plan.status))
	upcoming = token.get(
		f"{base}/api/method/genset_service.api.v1.get_upcoming_services",
		params={"from_date": "2026-01-01", "to_date": "2026-12-31"},
	)
	check("token auth: upcoming services", upcoming.ok, str(upcoming.status))
	browser.close()

passed, failed = results.count(True), results.count(False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
