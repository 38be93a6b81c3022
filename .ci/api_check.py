"""The API against its own description, on a served site: the OpenAPI document is fetched from its
stable URL and checked against the OpenAPI 3.1 schema; Schemathesis then runs every check it has
(`--checks all`, responses within 500 ms) with a fixed number of examples per operation and a fixed
seed, as an integrator's API user (Service Manager, token auth); any finding fails. Its reports
(JUnit, and a pytest file reproducing any failure) are kept in the artefacts.

    python3 .ci/api_check.py http://127.0.0.1:8011 .ci/artifacts/seed.json .ci/artifacts
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SPEC = "/api/method/genset_service.api.openapi.v1"
EXAMPLES = int(os.environ.get("GENSET_API_EXAMPLES", "25"))
SEED = int(os.environ.get("GENSET_API_SEED", "20261208"))
MAX_RESPONSE_SECONDS = 0.5
CONFIG = Path(__file__).with_name("schemathesis.toml")


def main(base: str, seed_file: str, artifacts: str) -> int:
	out = Path(artifacts) / "schemathesis"
	out.mkdir(parents=True, exist_ok=True)
	passed = failed = 0
	with urllib.request.urlopen(base + SPEC, timeout=60) as response:
		spec = json.load(response)
		content_type = response.headers.get("Content-Type", "")
	(out / "openapi-v1.json").write_text(json.dumps(spec, indent=1))
	try:
		from openapi_spec_validator import validate

		validate(spec)
		passed += 1
		print(f"ok   the served description is valid OpenAPI {spec['openapi']} ({content_type})")
	except Exception as error:
		failed += 1
		print(f"FAIL the served description is not valid OpenAPI: {error}")
	operations = sum(len(item) for item in spec["paths"].values())
	print(f"     {operations} operations in {len(spec['paths'])} paths")

	staff = json.loads(Path(seed_file).read_text())["staff_api"]
	auth = f"token {staff['api_key']}:{staff['api_secret']}"
	# the app's own answers where Frappe's would be wrong, over real HTTP
	for label, (status, headers), want in (
		(
			"a body labelled JSON that is not JSON is a 400, not Frappe's 500",
			call(
				base,
				"calendar_v1.revoke_feed",
				b";\xff",
				{"Content-Type": "application/json", "Authorization": auth},
			),
			(400, None),
		),
		(
			"a JSON list where the arguments' object belongs is a 417",
			call(
				base,
				"calendar_v1.revoke_feed",
				b"[null, null]",
				{"Content-Type": "application/json", "Authorization": auth},
			),
			(417, None),
		),
		(
			"a method called with an HTTP method it does not take is a 405 naming those it takes",
			call(base, "calendar_v1.feed?token=x", None, {}, verb="TRACE"),
			(405, "GET, HEAD"),
		),
	):
		ok = status == want[0] and (want[1] is None or headers.get("Allow") == want[1])
		passed, failed = passed + ok, failed + (not ok)
		print(f"{'ok  ' if ok else 'FAIL'} {label} ({status}, Allow: {headers.get('Allow')})")

	# an integrator generates a client from the served description and calls the API with it
	ok, detail = generated_client(base, out, auth, json.loads(Path(seed_file).read_text())["a"]["unit"])
	passed, failed = passed + ok, failed + (not ok)
	print(
		f"{'ok  ' if ok else 'FAIL'} a Python client generated from the description reads a genset's plan ({detail})"
	)

	# a served site warms up as it serves: the optimiser's libraries load at its first proposal (about
	# 1.5 s once per process); every later answer is timed
	call(
		base,
		"v1.propose_dispatch",
		b"from_date=2026-12-01&to_date=2026-12-02",
		{"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth},
	)
	if not shutil.which("st"):
		subprocess.run([sys.executable, "-m", "pip", "install", "-q", "schemathesis>=4.3,<5"], check=False)
	command = [
		"st",
		"--config-file",
		str(CONFIG),
		"run",
		base + SPEC,
		"--url",
		base,
		"--checks",
		"all",
		"--max-response-time",
		str(MAX_RESPONSE_SECONDS),
		"--max-examples",
		str(EXAMPLES),
		"--seed",
		str(SEED),
		"--workers",
		"1",
		"--header",
		f"Authorization: {auth}",
		"--report",
		"junit",
		"--report-dir",
		str(out),
		"--report-pytest-path",
		str(out / "reproduce_failures.py"),
		"--output-sanitize",
		"true",
	]
	seed = json.loads(Path(seed_file).read_text())
	env = dict(
		os.environ,
		GENSET_API_UNIT=seed["staff_api"]["unit"],
	)
	started = time.monotonic()
	result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, env=env)
	seconds = time.monotonic() - started
	(out / "schemathesis.out").write_text(result.stdout + result.stderr)
	print("\n".join(result.stdout.splitlines()[-40:]))
	if result.returncode == 0:
		passed += 1
		print(
			f"ok   Schemathesis --checks all found nothing ({EXAMPLES} examples per operation, {seconds:.0f} s)"
		)
	else:
		failed += 1
		print(
			f"FAIL Schemathesis found problems (exit {result.returncode}, {seconds:.0f} s): {out}/schemathesis.out"
		)
	print(f"{passed} passed, {failed} failed")
	return 0 if failed == 0 else 1


def generated_client(base: str, out: Path, auth: str, unit: str) -> tuple[bool, str]:
	"""openapi-python-client, in a venv of its own, generates a client; the client reads the plan."""
	venv = out.parent / "client-venv"
	python = venv / "bin" / "python"
	if not python.exists():
		subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
		subprocess.run(
			[str(python), "-m", "pip", "install", "-q", "openapi-python-client>=0.21,<1"], check=True
		)
	target = out / "client"
	shutil.rmtree(target, ignore_errors=True)
	target.mkdir(parents=True)
	generate = subprocess.run(
		[
			str(venv / "bin" / "openapi-python-client"),
			*("generate", "--path", str(out / "openapi-v1.json"), "--meta", "none"),
			*("--output-path", str(target / "genset_service_api_client")),
		],
		capture_output=True,
		text=True,
		check=False,
	)
	if generate.returncode:
		return False, generate.stdout[-300:] + generate.stderr[-300:]
	key, secret = auth.split(" ", 1)[1].split(":", 1)
	script = (
		"import json, sys\n"
		"from genset_service_api_client import AuthenticatedClient\n"
		"from genset_service_api_client.api.service import v1_get_unit_plan\n"
		f"client = AuthenticatedClient(base_url={base!r}, token={key + ':' + secret!r}, prefix='token')\n"
		f"answer = v1_get_unit_plan.sync_detailed(client=client, unit={unit!r})\n"
		"print(answer.status_code, answer.parsed.message['unit'], len(answer.parsed.message['tasks']))\n"
	)
	run = subprocess.run([str(python), "-c", script], capture_output=True, text=True, cwd=target, check=False)
	words = run.stdout.split()
	ok = run.returncode == 0 and words[:2] == ["200", unit]
	return ok, " ".join(words) if ok else (run.stdout + run.stderr)[-400:]


def call(base: str, path: str, body: bytes | None, headers: dict, verb: str = "POST"):
	"""(status, headers) of one request to an app method."""
	request = urllib.request.Request(
		f"{base}/api/method/genset_service.api.{path}", data=body, headers=headers, method=verb
	)
	try:
		with urllib.request.urlopen(request, timeout=60) as answer:
			return answer.status, answer.headers
	except urllib.error.HTTPError as error:
		return error.code, error.headers


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:4]))
