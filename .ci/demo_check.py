"""Browser check of the demo against a running site: log in with each login the demo printed and look at
what each person sees first. The manager's workspace (its cards with numbers), the dispatch board (the
demo's visits of the coming week), the customer's portal (their gensets) and the engineer's phone (today's
visit). Screenshots go to the artifacts folder.

Usage: python3 .ci/demo_check.py <base url> <the demo's output> <artifacts dir>
Prints 'N passed, N failed'.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

base, output, artifacts = sys.argv[1], Path(sys.argv[2]).read_text(), Path(sys.argv[3])
artifacts.mkdir(parents=True, exist_ok=True)
results = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(f"{'ok  ' if ok else 'FAIL'} {name}{(': ' + detail) if detail and not ok else ''}")


def login_of(label: str) -> str:
	match = re.search(rf"{label}:\s+(\S+@\S+)", output)
	return match.group(1) if match else ""


password = (re.search(r"password of every demo login: (\S+)", output) or [None, ""])[1]
logins = {
	"manager": login_of("the service manager"),
	"engineer": login_of(r"an engineer \(phone\)"),
	"customer": login_of(r"a customer \(portal\)"),
}
check(
	"the demo printed a password and the three logins", bool(password) and all(logins.values()), str(logins)
)

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

	def signed_in(user: str, viewport: dict):
		context = browser.new_context(viewport=viewport)
		answer = context.request.post(f"{base}/api/method/login", data={"usr": user, "pwd": password})
		check(f"{user} logs in with the printed password", answer.ok, str(answer.status))
		return context

	desk = signed_in(logins["manager"], {"width": 1366, "height": 900})
	page = desk.new_page()
	page.goto(f"{base}/app/genset-service", wait_until="networkidle")
	page.wait_for_timeout(4000)
	numbers = page.locator(".number-widget-box .widget-content").all_inner_texts()
	with_numbers = [n for n in numbers if re.search(r"\d", n)]
	check("manager: the workspace's cards show numbers", len(with_numbers) >= 8, str(numbers))
	page.screenshot(path=str(artifacts / "demo-workspace.png"), full_page=False)
	page.goto(f"{base}/app/genset-dispatch", wait_until="networkidle")
	page.wait_for_timeout(4000)
	board = page.content()
	check(
		"manager: the dispatch board shows the demo's week", "Demo" in board or "Regular Inspection" in board
	)
	page.screenshot(path=str(artifacts / "demo-dispatch-board.png"), full_page=False)
	desk.close()

	portal = signed_in(logins["customer"], {"width": 1280, "height": 900})
	page = portal.new_page()
	page.goto(f"{base}/my_gensets", wait_until="networkidle")
	cards = page.locator("a.gs-unit").count()
	check("customer: the portal lists their gensets", cards >= 4, str(cards))
	check("customer: never another customer's", "Minster Data Centre" not in page.content())
	page.screenshot(path=str(artifacts / "demo-portal.png"), full_page=True)
	portal.close()

	phone = signed_in(logins["engineer"], {"width": 390, "height": 844})
	page = phone.new_page()
	page.goto(f"{base}/field", wait_until="networkidle")
	page.wait_for_timeout(4000)
	text = page.locator("body").inner_text()
	check("engineer: the phone shows today's visit", "Regular Inspection" in text, text[:400])
	page.screenshot(path=str(artifacts / "demo-phone.png"), full_page=False)
	phone.close()
	browser.close()

passed, failed = results.count(True), results.count(False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
