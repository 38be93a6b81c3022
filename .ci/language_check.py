"""Browser check of the portal in its customers' languages, against a running site.

Usage: python3 .ci/language_check.py <base url> <seed json> <artifacts dir>

Customer A's portal user reads /my_gensets and a genset's page in English, then in Chinese and in
Arabic (the user's Language, set as a customer would): every message of the app that the English pages
show is gone from the translated ones (its translation is there instead), the Arabic pages are laid out
right to left, and screenshots are kept. The user's language is set back to English at the end.
Prints 'N passed, N failed'.
"""

import json
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import sync_playwright

base, seed_file, artifacts = sys.argv[1], sys.argv[2], Path(sys.argv[3])
artifacts.mkdir(parents=True, exist_ok=True)
seed = json.loads(Path(seed_file).read_text())
a = seed["a"]
LOCALE = Path(__file__).resolve().parents[1] / "genset_service" / "locale"
results = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(f"{'ok  ' if ok else 'FAIL'} language: {name}{(': ' + detail[:300]) if detail and not ok else ''}")


def catalogue(lang: str) -> dict:
	with open(LOCALE / f"{lang}.po", "rb") as f:
		return {m.id: m.string for m in read_po(f) if m.id and m.string}


# the app's messages worth looking for on a page: a few words, no placeholder
with open(LOCALE / "main.pot", "rb") as f:
	MESSAGES = [m.id for m in read_po(f) if m.id and "{" not in m.id and len(m.id) >= 6 and " " in m.id]
PAGES = {"list": "/my_gensets", "genset": f"/my_gensets/{a['unit']}"}


def visible(page) -> str:
	return re.sub(r"\s+", " ", page.locator("body").inner_text())


with sync_playwright() as p:
	browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
	admin = browser.new_context()
	admin.request.post(f"{base}/api/method/login", data={"usr": "Administrator", "pwd": "admin"})
	session = admin.request.get(f"{base}/api/method/genset_service.api.v1.field_session").json()["message"]
	csrf = {"X-Frappe-CSRF-Token": session["csrf_token"]}

	def read_as(lang: str) -> dict:
		admin.request.put(f"{base}/api/resource/User/{a['user']}", data={"language": lang}, headers=csrf)
		context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
		context.request.post(f"{base}/api/method/login", data={"usr": a["user"], "pwd": seed["password"]})
		page = context.new_page()
		seen = {}
		for key, path in PAGES.items():
			page.goto(f"{base}{path}", wait_until="networkidle")
			seen[key] = {"text": visible(page), "dir": page.get_attribute("html", "dir") or "ltr"}
			page.screenshot(path=str(artifacts / f"portal-{key}-{lang}.png"), full_page=False)
		context.close()
		return seen

	try:
		english = read_as("en")
		shown = {key: [m for m in MESSAGES if m in value["text"]] for key, value in english.items()}
		check("the English pages show the app's messages", all(len(found) >= 5 for found in shown.values()))
		for lang in ("zh", "ar"):
			words = catalogue(lang)
			pages = read_as(lang)
			for key, value in pages.items():
				left = [m for m in shown[key] if m in value["text"]]
				check(f"{lang}: the {key} page has no English message of the app left", not left, str(left))
				there = [m for m in shown[key] if words.get(m) and words[m] in value["text"]]
				check(
					f"{lang}: the {key} page shows their translations",
					len(there) >= len(shown[key]) * 0.8,
					f"{len(there)} of {len(shown[key])}",
				)
				want = "rtl" if lang == "ar" else "ltr"
				check(f"{lang}: the {key} page is laid out {want}", value["dir"] == want, value["dir"])
	finally:
		admin.request.put(f"{base}/api/resource/User/{a['user']}", data={"language": "en"}, headers=csrf)
	browser.close()

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
