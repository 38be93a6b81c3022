"""The engineer's phone under every answer a network gives, in headless Chromium against a running
site (called by .ci/portal-check after the portal check, on the same served site):

a page that is not the app (a Wi-Fi sign-in answered with 200), a redirect to a sign-in page, a 500, a
503 with Retry-After, an answer lost after the server committed (a timeout), one act refused among
others, storage full, a 10-photo commissioning visit over a throttled link, a reload in the middle of
a photo upload, a second engineer signing in on the phone with the first one's work waiting, and the
page opening from the phone when the server hangs. Each ends with exactly one document per visit in
the desk and nothing lost on the phone.

usage: field_check.py <base url> <seed.json> <artifacts folder>
"""

import base64
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from phone import sign

base, seed_path, artifacts = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
seed = json.loads(seed_path.read_text())
bench_path = os.environ.get("FRAPPE_BENCH_PATH", os.path.expanduser("~/frappe-bench"))
site = os.environ.get("GENSET_PORTAL_SITE", "portal.test")
port = base.rsplit(":", 1)[1].split("/")[0]
results: list[bool] = []
figures: dict[str, float | str] = {}
SEND = "**/api/method/genset_service.api.v1.field_send"


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(f"{'ok  ' if ok else 'FAIL'} outbox: {name}{(': ' + detail) if detail and not ok else ''}")


made = subprocess.run(
	["bench", "--site", site, "execute", "genset_service.tests.portal_demo.field_outbox"],
	cwd=bench_path,
	capture_output=True,
	text=True,
	check=False,
)
line = next((text for text in made.stdout.splitlines() if text.startswith('{"outbox"')), None)
if not line:
	print(made.stdout[-2000:], made.stderr[-2000:])
	print("0 passed, 1 failed")
	sys.exit(1)
demo = json.loads(line)["outbox"]
visits = demo["visits"]


def server_pids() -> list[int]:
	found = subprocess.run(["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True)
	return [int(pid) for pid in found.stdout.split()]


with sync_playwright() as p:
	browser = p.chromium.launch(
		executable_path="/usr/bin/chromium",
		args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
	)
	desk = browser.new_context()
	desk.request.post(f"{base}/api/method/login", data={"usr": "Administrator", "pwd": "admin"})

	def get_list(doctype: str, filters: dict, fields: list) -> list:
		return desk.request.get(
			f"{base}/api/resource/{doctype}",
			params={"filters": json.dumps(filters), "fields": json.dumps(fields), "limit_page_length": 100},
		).json()["data"]

	def visits_of(task: str) -> list:
		return get_list("Genset Return Visit", {"task": task}, ["name", "docstatus", "visited_by"])

	phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)

	def login(user: str) -> None:
		phone.clear_cookies()
		phone.request.post(f"{base}/api/method/login", data={"usr": user, "pwd": seed["password"]})

	login(demo["a"])
	app = phone.new_page()
	app.on("dialog", lambda dialog: dialog.accept())
	app.goto(f"{base}/field", wait_until="networkidle")
	app.wait_for_selector(f"a.card[data-task='{visits['html']}']", timeout=20000)
	app.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
	app.reload(wait_until="networkidle")
	app.wait_for_selector("a.card", timeout=20000)

	def waiting() -> str:
		return app.locator("#outbox").inner_text()

	def wait_waiting(prefix: str, timeout: int = 30000) -> bool:
		try:
			app.wait_for_function(
				"(p) => document.querySelector('#outbox').innerText.startsWith(p)",
				arg=prefix,
				timeout=timeout,
			)
			return True
		except Exception:
			return False

	def wait_banner(words: str, timeout: int = 20000) -> str:
		try:
			app.wait_for_function(
				"(w) => !document.querySelector('#banner').hidden && document.querySelector('#banner').innerText.includes(w)",
				arg=words,
				timeout=timeout,
			)
		except Exception:
			pass
		return app.locator("#banner").inner_text()

	def queue_visit(task: str, note: str = "Standby set, weekly test runs") -> None:
		app.evaluate(
			"""([task, note]) => window.fieldApp.queue('return_visit',
				{task, usage: note, feedback: 'Happy with the set', issues_found: 0, running_hours: null})""",
			[task, note],
		)

	def arrived(doctype: str, task: str, timeout: float = 60) -> list:
		"""The documents a visit made, once the desk has them (polled), and the phone's outbox empty."""
		until = time.time() + timeout
		while time.time() < until:
			found = get_list(doctype, {"task": task}, ["name", "docstatus"])
			if found and waiting().startswith("0 waiting"):
				return found
			time.sleep(0.5)
		return get_list(doctype, {"task": task}, ["name", "docstatus"])

	def send_now() -> None:
		app.evaluate("() => window.fieldApp.send({now: true})")

	def outbox() -> list:
		return app.evaluate(
			"async () => (await window.fieldApp.outboxAll()).map(({payload, ...item}) => ({...item, task: payload.task}))"
		)

	# ------------------------------------------------------------------ the page opens when the server hangs
	pids = server_pids()
	for pid in pids:
		os.kill(pid, signal.SIGSTOP)  # the server accepts the connection and never answers
	try:
		began = time.time()
		app.goto(f"{base}/field", wait_until="commit", timeout=20000)
		app.wait_for_selector("a.card", timeout=15000)
		opened = time.time() - began
	except Exception as error:
		opened = float("inf")
		print(error)
	finally:
		for pid in pids:
			os.kill(pid, signal.SIGCONT)
	figures["open_with_a_hung_server_s"] = round(opened, 2)
	check(
		"with the server hanging, the page opens from the phone after the 3 s wait, not never",
		opened < 6,
		f"{opened:.2f} s",
	)
	app.screenshot(path=str(artifacts / "outbox-opened-server-hung.png"), full_page=True)
	app.goto(f"{base}/field", wait_until="networkidle")
	app.wait_for_selector("a.card", timeout=20000)

	# ------------------------------------------------------------------ a sign-in page answered with 200
	app.route(
		SEND,
		lambda route: route.fulfill(
			status=200,
			content_type="text/html",
			body="<html><body><h1>Harbour Hotel Wi-Fi</h1><form>Room number <input></form></body></html>",
		),
	)
	queue_visit(visits["html"])
	banner = wait_banner("not the app")
	items = [item for item in outbox() if item["task"] == visits["html"]]
	check(
		"a 200 page that is not the app (a Wi-Fi sign-in) keeps the visit and says so in words",
		len(items) == 1 and not items[0]["error"] and "sign in to the network" in banner,
		f"{banner} / {items}",
	)
	check("... and nothing reached the desk", not visits_of(visits["html"]))
	app.screenshot(path=str(artifacts / "outbox-wifi-sign-in.png"), full_page=True)
	app.unroute(SEND)
	send_now()
	check(
		"... and once the network lets it through, it arrives exactly once",
		wait_waiting("0 waiting") and len(visits_of(visits["html"])) == 1,
		f"{waiting()} / {visits_of(visits['html'])}",
	)

	# ------------------------------------------------------------------ a redirect to a sign-in page
	app.route(
		SEND,
		lambda route: route.fulfill(status=302, headers={"Location": "https://sso.example.com/login"}),
	)
	queue_visit(visits["redirect"])
	banner = wait_banner("another page")
	check(
		"a 302 to a sign-in page keeps the visit and says so",
		"another page" in banner and waiting().startswith("1 waiting") and not visits_of(visits["redirect"]),
		f"{banner} / {waiting()}",
	)
	app.unroute(SEND)
	send_now()
	check(
		"... then arrives exactly once",
		wait_waiting("0 waiting") and len(visits_of(visits["redirect"])) == 1,
		waiting(),
	)

	# ------------------------------------------------------------------ a 500
	app.route(
		SEND,
		lambda route: route.fulfill(
			status=500,
			content_type="application/json",
			body=json.dumps({"exception": "Internal Server Error"}),
		),
	)
	queue_visit(visits["error"])
	banner = wait_banner("(500)")
	check(
		"a 500 is 'try later', not refused: no Discard offered",
		"(500)" in banner
		and "Trying again" in banner
		and app.locator("button.discard").count() == 0
		and not [item for item in outbox() if item["error"]],
		f"{banner} / {outbox()}",
	)
	app.screenshot(path=str(artifacts / "outbox-server-error.png"), full_page=True)
	app.unroute(SEND)
	send_now()
	check("... then arrives exactly once", wait_waiting("0 waiting") and len(visits_of(visits["error"])) == 1)

	# ------------------------------------------------------------------ a 503 with Retry-After
	answered = {"first": True}

	def busy(route):
		if answered["first"]:
			answered["first"] = False
			return route.fulfill(
				status=503,
				headers={"Retry-After": "4"},
				content_type="text/html",
				body="<h1>Maintenance</h1>",
			)
		return route.continue_()

	app.route(SEND, busy)
	began = time.time()
	queue_visit(visits["busy"])
	banner = wait_banner("Trying again in 4 s")
	check("a 503 with Retry-After: 4 waits 4 s, and says so", "Trying again in 4 s" in banner, banner)
	came = bool(arrived("Genset Return Visit", visits["busy"], timeout=20))
	took = time.time() - began
	app.unroute(SEND)
	check(
		"... and sends again by itself after the wait, exactly once",
		came and took >= 3.5 and len(visits_of(visits["busy"])) == 1,
		f"{took:.1f} s, {visits_of(visits['busy'])}",
	)

	# ------------------------------------------------------------------ the answer lost after the commit
	held = []

	def lose_answer(route):
		route.fetch()  # the server receives and commits the visit ...
		held.append(route)  # ... and its answer never reaches the phone

	app.evaluate("() => { window.fieldApp.state.timeoutMs = 3000; }")
	app.route(SEND, lose_answer)
	queue_visit(visits["lost"])
	banner = wait_banner("No answer")
	app.unroute(SEND)
	app.evaluate("() => { window.fieldApp.state.timeoutMs = null; }")
	first_id = [item["id"] for item in outbox() if item["task"] == visits["lost"]]
	check(
		"a timeout (the server committed, the answer was lost) keeps the visit, with its id",
		len(first_id) == 1 and len(visits_of(visits["lost"])) == 1 and "No answer" in banner,
		f"{banner} / {first_id} / {visits_of(visits['lost'])}",
	)
	send_now()
	actions = get_list("Genset Field Action", {"action_id": first_id[0] if first_id else "-"}, ["name"])
	check(
		"... the retry with the same id is a replay: still exactly one visit, one action",
		wait_waiting("0 waiting") and len(visits_of(visits["lost"])) == 1 and len(actions) == 1,
		f"{waiting()} / {visits_of(visits['lost'])} / {actions}",
	)

	# ------------------------------------------------------------------ one act refused, the rest go on
	app.evaluate(
		"(request) => window.fieldApp.queue('check_in', {request})", demo["request_of_b"]
	)  # someone else's breakdown: a 403
	queue_visit(visits["forbidden"])
	wait_waiting("1 waiting (1 refused)")
	try:
		app.wait_for_selector(".notice.bad button.discard", timeout=10000)
	except Exception:
		pass
	refusal = app.locator(".notice.bad").first.inner_text() if app.locator(".notice.bad").count() else ""
	check(
		"a 403 on one act marks it refused with the server's words; the act after it is sent",
		waiting().startswith("1 waiting (1 refused)")
		and "assigned" in refusal.lower()
		and len(visits_of(visits["forbidden"])) == 1,
		f"{waiting()} / {refusal} / {visits_of(visits['forbidden'])}",
	)
	app.screenshot(path=str(artifacts / "outbox-one-refused.png"), full_page=True)
	app.locator("button.discard").first.click()
	check("... and the engineer discards it", wait_waiting("0 waiting"), waiting())
	on_site = get_list("Genset Service Request", {"name": demo["request_of_b"]}, ["on_site_on"])
	check("... which recorded nothing", on_site and not on_site[0]["on_site_on"], str(on_site))

	# ------------------------------------------------------------------ storage full
	# the error the browser raises when the origin's quota is used up (QuotaExceededError), made to
	# happen in the page for every write while the phone is "full"
	app.goto(f"{base}/field#/visit/{visits['quota']}")
	app.wait_for_selector("form#visit", timeout=10000)
	app.fill('[name="usage"]', "Prime power for a quarry crusher")
	app.fill('[name="feedback"]', "Asks for a second set")
	app.evaluate(
		"""() => { window.__full = true;
		for (const m of ['add', 'put']) { const own = IDBObjectStore.prototype[m];
			IDBObjectStore.prototype[m] = function (...args) {
				if (window.__full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
				return own.apply(this, args); }; } }"""
	)
	app.locator("button.primary").click()
	try:
		app.wait_for_function(
			"() => /storage is full/.test(document.querySelector('#error').innerText)", timeout=10000
		)
	except Exception:
		pass
	said = app.locator("#error").inner_text() if app.locator("#error").count() else "(no form)"
	check(
		"storage full: Finish says so, the form stays as it is, nothing is queued",
		"storage is full" in said
		and app.locator("form#visit").count() == 1
		and app.input_value('[name="usage"]') == "Prime power for a quarry crusher"
		and waiting().startswith("0 waiting"),
		f"{said} / {waiting()}",
	)
	app.screenshot(path=str(artifacts / "outbox-storage-full.png"), full_page=True)
	app.evaluate("() => { window.__full = false; }")
	app.locator("button.primary").click()
	check(
		"... with room again, Finish keeps it and it arrives exactly once",
		len(arrived("Genset Return Visit", visits["quota"])) == 1,
		f"{waiting()} / {visits_of(visits['quota'])}",
	)
	cdp = phone.new_cdp_session(app)

	# ------------------------------------------------------------------ ten photos over a throttled link
	photo_files = []
	for n in range(10):
		path = artifacts / f"outbox-photo-{n}.jpg"
		if not path.exists() or path.stat().st_size < 4_000_000:
			data = app.evaluate(
				"""(seed) => { const w = 2600, h = 1950; const c = document.createElement('canvas');
				c.width = w; c.height = h; const g = c.getContext('2d'); const img = g.createImageData(w, h);
				let x = seed * 2654435761 >>> 0;
				for (let i = 0; i < img.data.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
					img.data[i] = (i % 4 === 3) ? 255 : (x >>> 0) & 255; }
				g.putImageData(img, 0, 0); g.fillStyle = '#fff'; g.font = '160px sans-serif';
				g.fillText('Checkpoint ' + (seed + 1), 200, 900);
				return c.toDataURL('image/jpeg', 0.92).split(',')[1]; }""",
				n + 1,
			)
			path.write_bytes(base64.b64decode(data))
		photo_files.append(path)

	def fill_checklist(task: str, photos: list[Path]) -> None:
		app.goto(f"{base}/field#/visit/{task}")
		app.wait_for_selector("form#visit .reading", timeout=20000)
		rows = app.locator(".reading")
		for n in range(rows.count()):
			row = rows.nth(n)
			value = row.locator('[name="value"]')
			if value.evaluate("e => e.tagName") == "SELECT":
				value.select_option("Pass")
			elif value.get_attribute("inputmode") == "decimal":
				limits = row.locator(".muted").inner_text() if row.locator(".muted").count() else ""
				numbers = [
					part for part in limits.replace("–", " ").split() if part.replace(".", "").isdigit()
				]
				value.fill(numbers[0] if numbers else "1")
			else:
				value.fill("OK")
			if n < len(photos):
				row.locator('[name="photo"]').set_input_files(str(photos[n]))
		app.wait_for_function(
			"(n) => [...document.querySelectorAll('.thumb')].filter(t => !t.hidden).length >= n",
			arg=len(photos),
			timeout=60000,
		)
		app.fill('[name="signatory"]', "Site Manager")
		sign(app)

	fill_checklist(demo["commissioning"], photo_files)
	upload_bps = 1_000_000  # 8 Mbit/s up, as a good 4G link on site
	cdp.send("Network.enable")
	cdp.send(
		"Network.emulateNetworkConditions",
		{"offline": False, "latency": 150, "downloadThroughput": 2_500_000, "uploadThroughput": upload_bps},
	)
	began = time.time()
	app.locator("button.primary").click()
	sent = bool(arrived("Genset Inspection", demo["commissioning"], timeout=300))
	took = time.time() - began
	cdp.send(
		"Network.emulateNetworkConditions",
		{"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
	)
	inspections = get_list("Genset Inspection", {"task": demo["commissioning"]}, ["name", "docstatus"])
	kept = get_list(
		"Genset Field Photo",
		{"result_name": inspections[0]["name"] if inspections else "-"},
		["slot", "size"],
	)
	total = sum(row["size"] for row in kept)
	figures.update(
		{
			"ten_photo_visit_s": round(took, 1),
			"ten_photo_visit_mb": round(total / 1e6, 1),
			"throttle_up_mbit_s": upload_bps * 8 / 1e6,
		}
	)
	check(
		"a commissioning visit (35 checkpoints, 10 photos, at least 30 MB) over a throttled link arrives once",
		sent
		and len(inspections) == 1
		and inspections[0]["docstatus"] == 1
		and len(kept) == 10
		and len({row["slot"] for row in kept}) == 10
		and total >= 30_000_000,
		f"{sent} {inspections} {len(kept)} photos, {total} bytes, {took:.1f} s",
	)
	app.screenshot(path=str(artifacts / "outbox-ten-photos-sent.png"), full_page=True)

	# ------------------------------------------------------------------ a reload in the middle of a photo upload
	uploads = []
	phone.on(
		"response",
		lambda r: uploads.append(r.status)
		if r.request.method == "POST" and r.url.endswith("v1.field_photo")
		else None,
	)
	fill_checklist(demo["regular"], photo_files[:3])
	cdp.send(
		"Network.emulateNetworkConditions",
		{"offline": False, "latency": 150, "downloadThroughput": 2_500_000, "uploadThroughput": 400_000},
	)
	with app.expect_request(
		lambda r: r.method == "POST" and r.url.endswith("v1.field_photo"), timeout=60000
	) as first:
		app.locator("button.primary").click()
	first.value  # the first photo is on its way
	app.wait_for_function(
		"() => /photo 2 of 3/.test(document.querySelector('#outbox').innerText)", timeout=60000
	)
	app.wait_for_timeout(1500)  # in the middle of the second photo
	app.reload(wait_until="commit")
	cdp = phone.new_cdp_session(app)
	cdp.send("Network.enable")
	cdp.send(
		"Network.emulateNetworkConditions",
		{"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
	)
	app.wait_for_selector("#outbox", timeout=20000)
	sent = bool(arrived("Genset Inspection", demo["regular"], timeout=120))
	inspections = get_list("Genset Inspection", {"task": demo["regular"]}, ["name", "docstatus"])
	kept = get_list(
		"Genset Field Photo", {"result_name": inspections[0]["name"] if inspections else "-"}, ["slot"]
	)
	check(
		"a reload in the middle of a photo upload resumes: one inspection, three photos, none sent twice",
		sent
		and len(inspections) == 1
		and sorted(row["slot"] for row in kept) == ["0", "1", "2"]
		and uploads.count(200) <= 3,
		f"{sent} {inspections} {kept} uploads {uploads}",
	)

	# ------------------------------------------------------------------ a second engineer on the phone
	phone.set_offline(True)
	queue_visit(visits["theirs"], "Queued by A with no signal")
	wait_waiting("1 waiting")
	theirs = [item for item in outbox() if item["task"] == visits["theirs"]]
	# the phone handed over with the app closed: A's session ended outside the app, B signs in
	app.close()
	phone.set_offline(False)
	login(demo["b"])
	app = phone.new_page()
	app.on("dialog", lambda dialog: dialog.accept())
	app.goto(f"{base}/field", wait_until="networkidle")
	app.wait_for_selector("#others", timeout=20000)
	notice = app.locator("#others").inner_text()
	check(
		"a second engineer signing in is told that someone else's work waits, and neither sees nor sends it",
		demo["a"] in notice
		and waiting().startswith("0 waiting")
		and not visits_of(visits["theirs"])
		and app.locator(f"a.card[data-task='{visits['theirs']}']").count() == 0,
		f"{notice} / {waiting()} / {visits_of(visits['theirs'])}",
	)
	app.screenshot(path=str(artifacts / "outbox-someone-elses-work.png"), full_page=True)
	forced = app.evaluate(
		"""async (task) => { const item = (await window.fieldApp.outboxAll()).find(i => i.payload.task === task);
			try { await window.fieldApp.post(item); return 'sent'; } catch (e) { return e.status; } }""",
		visits["theirs"],
	)
	check(
		"... and the server refuses it as B even when forced (409), recording nothing",
		forced == 409
		and not visits_of(visits["theirs"])
		and not get_list("Genset Field Action", {"action_id": theirs[0]["id"] if theirs else "-"}, ["name"]),
		str(forced),
	)
	queue_visit(visits["b"], "B's own visit")
	arrived("Genset Return Visit", visits["b"])
	mine = visits_of(visits["b"])
	check("... B's own work goes as B", len(mine) == 1 and mine[0]["visited_by"] == demo["b"], str(mine))
	app.locator("#logout").click()
	app.wait_for_url("**/login**", timeout=20000)
	login(demo["a"])
	app.goto(f"{base}/field", wait_until="networkidle")
	arrived("Genset Return Visit", visits["theirs"])
	done = visits_of(visits["theirs"])
	action = get_list("Genset Field Action", {"action_id": theirs[0]["id"] if theirs else "-"}, ["user"])
	check(
		"... B's logging out leaves A's work on the phone; A signs in again and it goes, as A, once",
		len(done) == 1 and done[0]["visited_by"] == demo["a"] and [a["user"] for a in action] == [demo["a"]],
		f"{done} / {action}",
	)
	app.screenshot(path=str(artifacts / "outbox-back-to-a.png"), full_page=True)

	# every visit of the run: exactly one document each
	counts = {key: len(visits_of(task)) for key, task in visits.items()}
	check(
		"every visit queued in this run is exactly one document in the desk",
		set(counts.values()) == {1},
		str(counts),
	)
	phone.close()
	desk.close()
	browser.close()

figures["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
figures["date"] = time.strftime("%Y-%m-%d")
(artifacts / "outbox-figures.json").write_text(json.dumps(figures, indent=1))
print("figures:", json.dumps(figures))
passed, failed = results.count(True), results.count(False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
