"""The certificates as a served site prints them: PDFs over HTTP, read back as text.

Usage: python3 .ci/certificate_check.py <base url> <seed json> <artifacts dir>

A service report of customer A's genset is printed through Frappe's own download (the renderer the site
has: wkhtmltopdf with patched Qt), in English and in Chinese: the letterhead and "Page n of m" on every
page, the report's words, the customer's signatory; in Chinese, Frappe's Chinese for the labels.
The PDFs are kept in the artifacts folder. Prints 'N passed, N failed'.
"""

import io
import json
import re
import sys
import urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright

try:
	from pypdf import PdfReader
except ImportError:  # Frappe's own PDF library, for the CI's Python too
	import subprocess

	subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pypdf>=4,<6"], check=True)
	from pypdf import PdfReader

base, seed_file, artifacts = sys.argv[1], sys.argv[2], Path(sys.argv[3])
artifacts.mkdir(parents=True, exist_ok=True)
seed = json.loads(Path(seed_file).read_text())
LETTERHEAD = "Genset Check Letterhead"
results = []


def check(name: str, ok: bool, detail: str = "") -> None:
	results.append(ok)
	print(
		f"{'ok  ' if ok else 'FAIL'} certificate: {name}{(': ' + detail[:300]) if detail and not ok else ''}"
	)


def text_of(pdf: bytes) -> list[str]:
	return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


with sync_playwright() as p:
	browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
	admin = browser.new_context()
	admin.request.post(f"{base}/api/method/login", data={"usr": "Administrator", "pwd": "admin"})
	session = admin.request.get(f"{base}/api/method/genset_service.api.v1.field_session").json()["message"]
	csrf = {"X-Frappe-CSRF-Token": session["csrf_token"]}
	if admin.request.get(f"{base}/api/resource/Letter Head/{LETTERHEAD}").status != 200:
		admin.request.post(
			f"{base}/api/resource/Letter Head",
			data={
				"letter_head_name": LETTERHEAD,
				"source": "HTML",
				"content": "<div><b>GENSET WORKS LTD</b> Sheffield</div>",
				"footer_source": "HTML",
				"footer": "<div>Registered in England No. 01234567</div>",
			},
			headers=csrf,
		)
	reports = admin.request.get(
		f"{base}/api/resource/Genset Service Report",
		params={"filters": json.dumps([["unit", "=", seed["a"]["unit"]]]), "fields": json.dumps(["name"])},
	).json()["data"]
	if not reports:
		check("customer A's genset has a service report to print", False, "none")
	else:
		name = reports[0]["name"]
		for language, words in (("en", ("Service Report", "Customer", "Work Done")), ("zh", ("客户",))):
			query = urllib.parse.urlencode(
				{
					"doctype": "Genset Service Report",
					"name": name,
					"format": "Genset Service Report",
					"letterhead": LETTERHEAD,
					"language": language,
				}
			)
			answer = admin.request.get(f"{base}/api/method/frappe.utils.print_format.download_pdf?{query}")
			body = answer.body()
			ok = answer.status == 200 and body.startswith(b"%PDF")
			check(f"the service report prints to PDF ({language})", ok, f"{answer.status} {body[:200]!r}")
			if not ok:
				continue
			(artifacts / f"service-report-{language}.pdf").write_bytes(body)
			pages = text_of(body)
			check(
				f"the letterhead and the page number on every page ({language}, {len(pages)} pages)",
				all("GENSET WORKS LTD" in page and "Registered in England" in page for page in pages)
				and (
					language != "en"
					or all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))
				),
				" | ".join(pages)[:300],
			)
			whole = " ".join(pages)
			check(
				f"its words read back ({language})",
				all(word in whole for word in words) and name in whole,
				whole[:300],
			)
	browser.close()

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
