"""Browser and HTTP check of the customer portal against a running site.

Usage: python3 .ci/portal_check.py <base url> <seed json> <artifacts dir>

As customer A's portal user, in headless Chromium (phone and desktop sizes): /my_gensets lists A's
gensets (searchable, 20 a page) and never B's; a genset's own page offers requests, readings and the
signature; B's genset is not found; the requests and history pages and the old anchors work; bad
input to pages and methods is a 4xx with a message; counts and /api/resource hold only A's records;
the token-authenticated API works. Screenshots go to the artifacts folder. Prints 'N passed, N failed'.
"""

import json
import sys
import time
import urllib.parse
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

		# the list: searchable, paged (A has more gensets than a page holds), never B's
		response = page.goto(f"{base}/my_gensets", wait_until="networkidle")
		html = page.content()
		check(
			f"{label}: /my_gensets loads", bool(response and response.ok), str(response and response.status)
		)
		cards = page.locator("a.gs-unit").count()
		check(f"{label}: a page of 20 gensets", cards == 20, str(cards))
		check(f"{label}: pager shows 2 pages", "Page 1 of 2" in html)
		check(f"{label}: never another customer's genset", b["unit"] not in html)
		page.screenshot(path=str(artifacts / f"portal-my-gensets-{label}.png"), full_page=True)
		page.goto(f"{base}/my_gensets?page=2", wait_until="networkidle")
		cards = page.locator("a.gs-unit").count()
		check(f"{label}: page 2 holds the other 5", cards == a["units"] - 20, str(cards))
		page.goto(f"{base}/my_gensets", wait_until="networkidle")
		page.fill("input[name=q]", a["unit"])
		page.click("form.gs-search button")
		page.wait_for_load_state("networkidle")
		cards = page.locator("a.gs-unit").count()
		check(
			f"{label}: search by unit finds exactly it",
			cards == 1 and a["unit"] in page.content(),
			str(cards),
		)

		# one genset's page: plan, history, forms, the visit to sign
		response = page.goto(f"{base}/my_gensets/{a['unit']}", wait_until="networkidle")
		html = page.content()
		check(
			f"{label}: the genset's page loads",
			bool(response and response.ok),
			str(response and response.status),
		)
		check(f"{label}: offers a service request", "Send request" in html and "Field Maintenance" in html)
		check(f"{label}: follow-up services are not offered", "Transport Damage Claim" not in html)
		check(f"{label}: a visit waits for signature", "Waiting for your signature" in html)
		page.screenshot(path=str(artifacts / f"portal-genset-{label}.png"), full_page=True)
		if label == "phone":
			width = page.evaluate("document.documentElement.scrollWidth")
			check("phone: no horizontal scrolling", width <= viewport["width"] + 1, f"scrollWidth {width}")
		other = page.goto(f"{base}/my_gensets/{b['unit']}", wait_until="networkidle")
		check(
			f"{label}: another customer's genset is not found",
			bool(other) and other.status == 404,
			str(other and other.status),
		)

		# requests and history are list pages of their own; the old one-page anchors still lead there
		for route, anchor in (
			("/my_service_requests", "service-requests"),
			("/my_service_history", "service-history"),
		):
			response = page.goto(f"{base}{route}", wait_until="networkidle")
			check(
				f"{label}: {route} loads",
				bool(response and response.ok) and f'id="{anchor}"' in page.content(),
			)
			page.screenshot(
				path=str(artifacts / f"portal{route.replace('/', '-')}-{label}.png"), full_page=True
			)
			page.goto(f"{base}/my_gensets#{anchor}")
			page.wait_for_url(f"**{route}", timeout=10000)
			check(f"{label}: /my_gensets#{anchor} leads to {route}", page.url.endswith(route), page.url)

		if label == "phone":
			api = context.request
			# bad input to the pages: a clear message and a 4xx, never a 500
			for query, words in (
				("page=99", "does not exist"),
				("page=abc", "whole number"),
				("q=" + "x" * 10000, "at most 140"),
			):
				bad = api.get(f"{base}/my_gensets?{query}")
				check(
					f"/my_gensets?{query[:12]}: a 417 that says why",
					bad.status == 417 and words in bad.text(),
					str(bad.status),
				)
			own = api.get(f"{base}/api/resource/Genset Unit/{a['unit']}")
			check("/api/resource: own genset", own.ok, str(own.status))
			other = api.get(f"{base}/api/resource/Genset Unit/{b['unit']}")
			check("/api/resource: another customer's genset refused", other.status == 403, str(other.status))
			listing = api.get(
				f"{base}/api/resource/Genset Unit",
				params={"fields": json.dumps(["name", "customer"]), "limit_page_length": 0},
			)
			customers = {row["customer"] for row in listing.json().get("data", [])} if listing.ok else {"?"}
			check("/api/resource: list holds only own records", customers == {a["customer"]}, str(customers))
			count = api.get(f"{base}/api/method/frappe.client.get_count", params={"doctype": "Genset Unit"})
			check(
				"get_count: only own gensets",
				count.ok and count.json()["message"] == a["units"],
				count.text()[:80],
			)
			probe = api.get(
				f"{base}/api/method/frappe.client.get_count",
				params={"doctype": "Genset Unit", "filters": json.dumps({"customer": b["customer"]})},
			)
			check(
				"get_count: probing another customer finds 0",
				probe.ok and probe.json()["message"] == 0,
				probe.text()[:80],
			)
			plan = api.get(
				f"{base}/api/method/genset_service.api.v1.get_unit_plan", params={"unit": b["unit"]}
			)
			check("/api/method: another customer's plan refused", plan.status == 403, str(plan.status))
			for args in (
				{"unit": a["unit"], "service_type": "Maintenance", "description": "oil"},
				{"unit": a["unit"], "service_type": "Remote Support"},
			):
				bad = api.post(f"{base}/api/method/genset_service.api.v1.open_service_request", data=args)
				check(f"open_service_request {sorted(args)}: a 4xx", 400 <= bad.status < 500, str(bad.status))
			for hours in ("nan", "inf", "1e309", "-5", "abc"):
				bad = api.post(
					f"{base}/api/method/genset_service.api.v1.record_running_hours",
					data={"unit": a["unit"], "hours": hours},
				)
				check(f"record_running_hours hours={hours}: a 417", bad.status == 417, str(bad.status))
			bad = api.get(
				f"{base}/api/method/genset_service.api.v1.get_upcoming_services",
				params={"from_date": "2026-02-30", "to_date": "2026-12-31"},
			)
			check("get_upcoming_services from 2026-02-30: a 417", bad.status == 417, str(bad.status))
			bad = api.get(f"{base}/api/method/genset_service.api.v1.get_upcoming_services")
			check("get_upcoming_services without dates: a 417", bad.status == 417, str(bad.status))
		context.close()

	# a large delivery, planned by a real RQ worker in the background; its form shows the state
	desk = browser.new_context(viewport={"width": 1280, "height": 900})
	login = desk.request.post(f"{base}/api/method/login", data={"usr": "Administrator", "pwd": "admin"})
	check("desk: Administrator logs in", login.ok, str(login.status))
	note, state = seed["large_delivery"], None
	for _ in range(90):
		state = desk.request.get(
			f"{base}/api/method/frappe.client.get_value",
			params={
				"doctype": "Delivery Note",
				"filters": json.dumps({"name": note}),
				"fieldname": json.dumps(["genset_planning_status", "genset_planning_progress"]),
			},
		).json()["message"]
		if state["genset_planning_status"] in ("Planned", "Failed"):
			break
		time.sleep(1)
	check(
		"background plan: the worker planned the large delivery",
		state["genset_planning_status"] == "Planned",
		str(state),
	)
	units = desk.request.get(
		f"{base}/api/method/frappe.client.get_count",
		params={"doctype": "Genset Unit", "filters": json.dumps({"delivery_note": note})},
	).json()["message"]
	check("background plan: exactly one unit per genset delivered", units == 6, str(units))
	page = desk.new_page()
	page.goto(f"{base}/app/delivery-note/{note}", wait_until="networkidle")
	page.wait_for_timeout(1500)
	check("background plan: the form shows it", "Genset plan: Planned" in page.content())
	page.screenshot(path=str(artifacts / "desk-delivery-note-background-plan.png"), full_page=False)
	# the manager's workspace: live number cards and charts first
	page.goto(f"{base}/app/genset-service", wait_until="networkidle")
	page.wait_for_timeout(3000)
	cards, charts = page.locator(".number-widget-box").count(), page.locator(".dashboard-widget-box").count()
	check(
		"desk: the workspace shows its 10 number cards and 5 charts",
		(cards, charts) == (10, 5),
		f"{cards}, {charts}",
	)
	numbers = page.locator(".number-widget-box .widget-content").all_inner_texts()
	check(
		"desk: every number card answers (no error, no endless loading)",
		len(numbers) == 10 and not any("Loading" in n or "Error" in n for n in numbers),
		str(numbers),
	)
	page.screenshot(path=str(artifacts / "desk-workspace-genset-service.png"), full_page=True)
	# the manager's reports in the desk, with their summary and chart
	company = urllib.parse.urlencode({"company": seed["company"]})
	for report, words in (
		("Service Schedule", "Open Services"),
		("First-Time Fix and Repeat Visits", "First-Time Fix"),
		("SLA Compliance", "SLA Met"),
		("Genset Reliability", "MTBF (Hours)"),
		("Warranty Cost", "In-Warranty Parts Cost"),
		("Customer Satisfaction", "Surveys Answered"),
		("Warranty and Contract Expiry", "Offer Conversion"),
	):
		page.goto(f"{base}/app/query-report/{report}?{company}", wait_until="networkidle")
		page.wait_for_timeout(2500)
		check(f"desk: the {report} report shows its summary", words in page.content())
		page.screenshot(
			path=str(artifacts / f"desk-report-{report.lower().replace(' ', '-')}.png"), full_page=True
		)
	# a request's three clocks on its form: the on-site promise is a clock a phone call cannot stop
	page.goto(f"{base}/app/genset-service-request/{seed['open_request']}", wait_until="networkidle")
	page.wait_for_timeout(2000)
	headline = page.locator(".form-message").first.inner_text()
	check(
		"desk: the request shows its on-site clock and its state",
		"On Site" in headline and "Breached" in headline,
		headline[:200],
	)
	page.screenshot(path=str(artifacts / "desk-request-clocks.png"), full_page=False)
	csrf = page.evaluate("() => frappe.csrf_token")
	not_engineer = desk.request.post(
		f"{base}/api/method/genset_service.api.v1.check_in",
		data={"request": seed["open_request"]},
		headers={"X-Frappe-CSRF-Token": csrf},
	)
	check(
		"desk: a check-in by someone who is not an engineer is a 403",
		not_engineer.status == 403,
		str(not_engineer.status),
	)
	# one genset's whole life, from its form's customer
	page.goto(f"{base}/app/query-report/Genset Service History?unit={a['unit']}", wait_until="networkidle")
	page.wait_for_timeout(2500)
	check("desk: the Genset Service History report tells the genset's life", "Delivered" in page.content())
	page.screenshot(path=str(artifacts / "desk-report-genset-service-history.png"), full_page=True)
	# the dispatch board: two weeks of unscheduled work, optimised, reviewed and applied
	region = seed["dispatch"]
	page.set_viewport_size({"width": 1600, "height": 1000})
	page.goto(f"{base}/app/genset-dispatch", wait_until="networkidle")
	page.wait_for_selector(".gd-grid", timeout=20000)
	page.wait_for_timeout(1000)
	rows = page.locator(".gd-grid tbody tr").count()
	waiting = page.locator(".gd-side .gd-unscheduled .gd-card").count()
	check(
		"dispatch: the board shows the engineers by row and the unscheduled work beside",
		rows >= 3 and waiting >= 20,
		f"{rows} rows, {waiting} unscheduled",
	)
	page.screenshot(path=str(artifacts / "desk-dispatch-board-before.png"), full_page=True)
	page.locator(".page-actions .primary-action").click()
	dialog = page.locator(".modal.show")
	dialog.wait_for(timeout=10000)
	dialog.locator(".btn-primary").last.click()
	page.wait_for_selector(".gd-banner", timeout=120000)
	page.wait_for_timeout(1500)
	banner = page.locator(".gd-banner").inner_text()
	check("dispatch: the proposal passed the independent check", "Holds" in banner, banner[:300])
	proposed = page.locator(".gd-grid .gd-card.gd-proposed").count()
	check("dispatch: the proposal is shown on the board for review", proposed >= 15, str(proposed))
	page.screenshot(path=str(artifacts / "desk-dispatch-board-proposal.png"), full_page=True)

	def scheduled() -> list:
		return desk.request.get(
			f"{base}/api/resource/Genset Service Task",
			params={
				"filters": json.dumps([["name", "in", region["tasks"]], ["scheduled_start", "is", "set"]]),
				"fields": json.dumps(["name", "assigned_to", "scheduled_start"]),
				"limit_page_length": 100,
			},
		).json()["data"]

	check("dispatch: an optimiser run changes nothing until applied", scheduled() == [], str(scheduled()[:3]))
	page.locator(".gd-apply").click()
	page.locator(".modal.show .btn-primary").last.click()
	page.wait_for_function("() => !document.querySelector('.gd-banner')", timeout=30000)
	page.wait_for_timeout(1500)
	applied = scheduled()
	check(
		"dispatch: applying writes each visit's day and engineer",
		len(applied) >= 15 and all(row["assigned_to"] for row in applied),
		f"{len(applied)} scheduled",
	)
	todos = desk.request.get(
		f"{base}/api/method/frappe.client.get_count",
		params={
			"doctype": "ToDo",
			"filters": json.dumps([["reference_name", "in", region["tasks"]], ["status", "=", "Open"]]),
		},
	).json()["message"]
	check("dispatch: each dispatched visit has its engineer's ToDo", todos == len(applied), f"{todos} ToDos")
	placed = page.locator(".gd-grid .gd-card").count()
	check("dispatch: the applied plan is on the board", placed >= len(applied), str(placed))
	page.screenshot(path=str(artifacts / "desk-dispatch-board-after.png"), full_page=True)
	# one day by hour
	page.locator(f".gd-grid th.gd-day[data-day='{applied[0]['scheduled_start'][:10]}']").click()
	page.wait_for_selector(".gd-day-view .gd-block", timeout=10000)
	page.screenshot(path=str(artifacts / "desk-dispatch-board-day.png"), full_page=True)
	page.locator(".gd-back").click()
	page.wait_for_selector(".gd-grid", timeout=10000)
	# drag a card to another engineer's day: Frappe's assignment follows (confirming a broken rule)
	owner = {row["name"]: row["assigned_to"] for row in applied}
	task = next(
		t
		for t in page.locator(".gd-grid .gd-card").evaluate_all("cs => cs.map(c => c.dataset.task)")
		if t in owner
	)
	card = page.locator(f".gd-grid .gd-card[data-task='{task}']")
	before = owner[task]
	target = page.locator(".gd-grid tbody tr").filter(has_not=page.locator(f"[data-task='{task}']")).first
	card.drag_to(target.locator("td.gd-cell").nth(3))
	page.wait_for_timeout(1500)
	if page.locator(".modal.show .btn-primary").count():
		page.locator(".modal.show .btn-primary").last.click()
		page.wait_for_timeout(1500)
	after = desk.request.get(
		f"{base}/api/method/frappe.client.get_value",
		params={
			"doctype": "Genset Service Task",
			"filters": json.dumps({"name": task}),
			"fieldname": "_assign",
		},
	).json()["message"]["_assign"]
	check(
		"dispatch: dragging a card to another engineer reassigns it",
		json.loads(after or "[]") not in ([], [before]),
		f"{before} -> {after}",
	)
	# an emergency: who can be on site soonest, from the request's form
	page.goto(f"{base}/app/genset-service-request/{seed['open_request']}", wait_until="networkidle")
	page.wait_for_timeout(1500)
	page.get_by_role("button", name="Nearest Engineers").click()
	page.wait_for_selector(".modal.show table, .modal.show p", timeout=15000)
	page.wait_for_timeout(500)
	shown = page.locator(".modal.show").inner_text()
	check(
		"dispatch: a request proposes the engineers who can be on site soonest",
		"On Call Engineer" in shown or "No engineer with the skill" in shown,
		shown[:300],
	)
	page.screenshot(path=str(artifacts / "desk-request-nearest-engineers.png"), full_page=False)
	page.keyboard.press("Escape")
	page.set_viewport_size({"width": 1280, "height": 900})
	# bad filters answer with a message, not a crash
	bad = desk.request.get(
		f"{base}/api/method/frappe.desk.query_report.run",
		params={
			"report_name": "SLA Compliance",
			"filters": json.dumps({"from_date": "2026-05-01", "to_date": "2026-01-01"}),
		},
	)
	check(
		"desk: a reversed range in a report is a 417 with a message",
		bad.status == 417 and "before it starts" in bad.text(),
		str(bad.status),
	)
	card = desk.request.get(f"{base}/api/method/genset_service.dashboard.cards.mean_time_to_repair")
	check(
		"desk: the MTTR card answers a number",
		card.ok and card.json()["message"]["value"] > 0,
		card.text()[:200],
	)
	desk.close()

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
	customer = browser.new_context().request
	customer.post(f"{base}/api/method/login", data={"usr": a["user"], "pwd": seed["password"]})
	args = {"unit": a["unit"], "service_type": "Field Maintenance", "description": "Smoke at start-up"}
	picked = customer.post(
		f"{base}/api/method/genset_service.api.v1.open_service_request", data={**args, "priority": "High"}
	)
	check("portal user: cannot pick the priority (403)", picked.status == 403, str(picked.status))
	urgent = customer.post(
		f"{base}/api/method/genset_service.api.v1.open_service_request", data={**args, "urgent": 1}
	)
	answer = urgent.json().get("message", {}) if urgent.ok else {}
	check(
		"portal user: an urgent request opens at the default priority with its on-site promise",
		urgent.ok
		and answer.get("priority") == "Medium"
		and answer.get("urgent") == 1
		and bool(answer.get("on_site_by")),
		urgent.text()[:200],
	)
	requests_page = browser.new_context()
	requests_page.request.post(f"{base}/api/method/login", data={"usr": a["user"], "pwd": seed["password"]})
	tab = requests_page.new_page()
	tab.goto(f"{base}/my_service_requests", wait_until="networkidle")
	check("portal: the requests page shows the promised on-site time", "engineer on site by" in tab.content())
	tab.screenshot(path=str(artifacts / "portal-requests-on-site-promise.png"), full_page=True)
	portal_card = browser.new_context().request
	portal_card.post(f"{base}/api/method/login", data={"usr": a["user"], "pwd": seed["password"]})
	refused = portal_card.get(f"{base}/api/method/genset_service.dashboard.cards.sla_met_percent")
	check("portal user: the manager's cards are refused (403)", refused.status == 403, str(refused.status))
	refused = portal_card.get(
		f"{base}/api/method/frappe.desk.query_report.run",
		params={
			"report_name": "Genset Reliability",
			"filters": json.dumps({"from_date": "2026-01-01", "to_date": "2026-06-01"}),
		},
	)
	check("portal user: the manager's reports are refused (403)", refused.status == 403, str(refused.status))
	browser.close()

passed, failed = results.count(True), results.count(False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
