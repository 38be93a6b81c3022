"""Benchmark (h): the engineer's phone app on a poor connection, beside the ERPNext desk in the same run.

Headless Chromium at phone size, against a served site with the browser check's demo data (the field
engineer of `.ci/portal-check`). Measured, median of --repeat loads:

- the first load online: bytes of JavaScript downloaded and the time until the work list shows, for
  the field app (/field) and, as the baseline, for the desk's task list (/app/genset-service-task),
  which is what an engineer had before;
- the open with no network (the web server stopped), after one visit online: the field app's time
  until the work list shows (goal: under 1.5 s); the desk does not open at all.

    python3 benchmarks/field.py --url http://127.0.0.1:8011 --bench ~/frappe-bench --site portal.test
"""

import argparse
import json
import os
import statistics
import subprocess
import time
import urllib.request

from playwright.sync_api import sync_playwright

USER, PASSWORD = "gs-field-engineer@example.com", "Portal-Check-2026!"
CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def up(url: str) -> bool:
	try:
		urllib.request.urlopen(f"{url}/api/method/ping", timeout=1)
		return True
	except Exception:
		return False


def serve(bench: str, site: str, port: int):
	process = subprocess.Popen(
		["bench", "--site", site, "serve", "--port", str(port)],
		cwd=bench,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	for _ in range(60):
		if up(f"http://127.0.0.1:{port}"):
			return process
		time.sleep(1)
	raise SystemExit("the site did not start")


def stop(port: int, url: str) -> None:
	subprocess.run(["pkill", "-f", f"serve --port {port}"], check=False)
	while up(url):
		time.sleep(0.2)


def load(context, url: str, wait_for: str) -> tuple[float, int]:
	page = context.new_page()
	started = time.perf_counter()
	page.goto(url)
	page.wait_for_selector(wait_for, timeout=60000)
	seconds = time.perf_counter() - started
	scripts = page.evaluate(
		"() => performance.getEntriesByType('resource').filter(r => r.initiatorType === 'script' || r.name.includes('.js'))"
		".reduce((s, r) => s + (r.transferSize || r.encodedBodySize || 0), 0)"
	)
	page.close()
	return seconds, scripts


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--url", default="http://127.0.0.1:8011")
	parser.add_argument(
		"--bench", default=os.path.expanduser(os.environ.get("FRAPPE_BENCH_PATH", "~/frappe-bench"))
	)
	parser.add_argument("--site", default="portal.test")
	parser.add_argument("--repeat", type=int, default=5)
	args = parser.parse_args()
	port = int(args.url.rsplit(":", 1)[1])
	server = serve(args.bench, args.site, port) if not up(args.url) else None
	results = {"field_online_s": [], "desk_online_s": [], "field_offline_s": [], "field_js": 0, "desk_js": 0}
	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM)
		for _ in range(args.repeat):
			for key, path, selector in (
				("field", "/field", "#view section"),
				("desk", "/app/genset-service-task", ".list-row-container, .no-result"),
			):
				context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
				context.request.post(f"{args.url}/api/method/login", data={"usr": USER, "pwd": PASSWORD})
				seconds, scripts = load(context, f"{args.url}{path}", selector)
				results[f"{key}_online_s"].append(seconds)
				results[f"{key}_js"] = scripts
				context.close()
		# after one visit online, with the server stopped
		context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
		context.request.post(f"{args.url}/api/method/login", data={"usr": USER, "pwd": PASSWORD})
		page = context.new_page()
		page.goto(f"{args.url}/field", wait_until="networkidle")
		page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
		page.reload(wait_until="networkidle")
		stop(port, args.url)
		for _ in range(args.repeat):
			started = time.perf_counter()
			page.reload()
			page.wait_for_selector("#view section", timeout=10000)
			results["field_offline_s"].append(time.perf_counter() - started)
		desk = context.new_page()
		try:
			desk.goto(f"{args.url}/app/genset-service-task", timeout=5000)
			desk_offline = "opened"
		except Exception:
			desk_offline = "does not open"
		browser.close()
	if server is None:  # it was running before: leave it running
		serve(args.bench, args.site, port)
	for name in ("field_online_s", "desk_online_s", "field_offline_s"):
		print(
			json.dumps(
				{
					"figure": name,
					"median": round(statistics.median(results[name]), 3),
					"runs": len(results[name]),
				}
			)
		)
	print(
		json.dumps(
			{
				"figure": "javascript_bytes_first_load",
				"field": results["field_js"],
				"desk": results["desk_js"],
			}
		)
	)
	print(json.dumps({"figure": "desk_with_no_network", "desk": desk_offline}))


if __name__ == "__main__":
	main()
