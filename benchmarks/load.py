"""Benchmark (k): the morning rush, with Locust, against the production-like server
(``benchmarks/production.py``) on the data of ``benchmarks/load_data.py``.

Users, as the issue has them, all in one run:

- 200 phones (engineers): sign in, read their session and their work, upload one photo and send one
  inspection visit that refers to it, all within the first 2 minutes; then read their work again
  every minute (a phone that stays open);
- 100 portal customers: browse their gensets, open one, their requests, and now and then open a request;
- 20 integrators (token auth): push running hours, read plans and warranty by serial;
- the manager: the workspace's number cards and a report, refreshed.

    locust -f benchmarks/load.py --headless -u 321 -r 3 -t 10m --host http://127.0.0.1:8020 \\
        --csv <prefix> --logins benchmarks/load-users.json

Every 4xx the scenario expects (none here) would be counted as expected; any other answer is an error.
Each phone's visit carries a fixed action id, so a retry after a failure is a replay, never a second
visit (``benchmarks/load_check.py`` counts them in the desk after the run).
"""

import base64
import datetime
import hashlib
import io
import itertools
import json
import random
import re
import threading
import time

from locust import HttpUser, between, events, task

LOGINS: dict = {}
METER_ZERO = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc).timestamp()
V1 = "/api/method/genset_service.api.v1."
SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
_counters = {name: itertools.count() for name in ("engineers", "customers", "integrators")}
_lock = threading.Lock()


@events.init_command_line_parser.add_listener
def _options(parser):
	parser.add_argument(
		"--logins", default="benchmarks/load-users.json", help="the data script's logins file"
	)
	parser.add_argument("--site", default="bench.test", help="the site (X-Frappe-Site-Name: no nginx here)")


@events.test_start.add_listener
def _load(environment, **_kwargs):
	with open(environment.parsed_options.logins) as f:
		LOGINS.update(json.load(f))
	LOGINS["site"] = environment.parsed_options.site
	photo()  # made before the first user starts


class Site(HttpUser):
	"""Every user names the site, as nginx would by the host name."""

	abstract = True

	def on_start(self):
		self.client.headers["X-Frappe-Site-Name"] = LOGINS["site"]


def next_of(kind: str) -> dict:
	with _lock:
		people = LOGINS[kind]
		return people[next(_counters[kind]) % len(people)]


PHOTOS: list[bytes] = []


def photo(key: str = "") -> bytes:
	"""A phone photo: a 1600 x 1200 JPEG of about 300 KB (20 made once, before the run starts, so
	that the load tool's own work does not take the server's cores during it); the same for a key."""
	if not PHOTOS:
		from PIL import Image, ImageFilter

		for seed in range(20):
			noise = Image.effect_noise((400, 300), 40 + seed).resize((1600, 1200))
			noise = noise.filter(ImageFilter.GaussianBlur(2))
			base = Image.linear_gradient("L").rotate(seed * 18).resize((1600, 1200))
			image = Image.merge("RGB", (noise, base, Image.blend(noise, base, 0.5)))
			buffer = io.BytesIO()
			image.save(buffer, "JPEG", quality=85)
			PHOTOS.append(buffer.getvalue())
	return PHOTOS[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(PHOTOS)]


def passing(row: dict) -> str:
	if row.get("reading_type") == "Pass/Fail":
		return "Pass"
	if row.get("reading_type") == "Text":
		return "Checked"
	if row.get("min_value"):
		return str(row["min_value"] + 1)
	if row.get("max_value"):
		return str(row["max_value"] - 1)
	return "10"


class Signed(Site):
	abstract = True

	def sign_in(self, login: dict) -> None:
		self.client.post(
			"/api/method/login", data={"usr": login["user"], "pwd": login["password"]}, name="login"
		)


class Phone(Signed):
	"""An engineer's phone: the morning sync and one visit with a photo, then an open app. Like the
	phone app's outbox, every step is tried again (with a growing pause) until the server has it: a
	5xx, a dropped connection or a 409 for a photo the server lost is not the end of the visit."""

	weight = 200
	wait_time = between(50, 70)
	PAUSES = (2, 5, 10, 20, 30, 60)

	def on_start(self):
		super().on_start()
		self.login = next_of("engineers")
		self.sign_in(self.login)
		session = self.until_ok(lambda: self.get_json(V1 + "field_session", "phone: session", signed=True))
		self.client.headers["X-Frappe-CSRF-Token"] = session["csrf_token"]
		work = self.until_ok(lambda: self.get_json(V1 + "field_work", "phone: my work"))
		self.visit(work)

	def until_ok(self, step):
		"""Run ``step`` until it gives a value (None: try again after a pause), at most ~5 minutes."""
		import gevent

		for pause in (*self.PAUSES, 60, 60, 60):
			value = step()
			if value is not None:
				return value
			gevent.sleep(pause)
		raise RuntimeError("the server did not answer for 5 minutes")

	def get_json(self, url: str, name: str, signed: bool = False):
		with self.client.get(url, name=name, catch_response=True) as answer:
			message = answer.json().get("message") if answer.status_code == 200 else None
			if message is None or (signed and message.get("user") == "Guest"):
				answer.failure(f"{answer.status_code}: tried again")
				if signed and answer.status_code in (200, 401, 403):
					self.sign_in(self.login)  # the session was lost: the phone asks to sign in again
				return None
			return message

	def upload(self, action_id: str, jpeg: bytes) -> bool | None:
		with self.client.post(
			V1 + "field_photo",
			data={"upload": action_id, "slot": "0", "sha256": hashlib.sha256(jpeg).hexdigest()},
			files={"photo": ("0.jpg", jpeg, "image/jpeg")},
			name="phone: photo (300 KB)",
			catch_response=True,
		) as answer:
			if answer.status_code == 200:
				return True
			answer.failure(f"{answer.status_code}: tried again")
			return None

	def visit(self, work: dict) -> None:
		task = next((t for t in work["tasks"] if t["name"] == self.login["task"]), None)
		if not task:
			return  # already sent by an earlier run
		kind = work["inspection_kind_of"][task["service_type"]]
		template = next(
			t for t in work["templates"] if t["inspection_kind"] == kind and not t.get("item_code")
		)
		action_id = "load-" + hashlib.sha256(self.login["task"].encode()).hexdigest()[:24]
		jpeg = photo(action_id)  # kept on the phone: the same bytes whenever it is sent again
		self.until_ok(lambda: self.upload(action_id, jpeg))
		readings = [{"checkpoint": row["checkpoint"], "value": passing(row)} for row in template["items"]]
		readings[0]["photo"] = {"upload": action_id, "slot": "0"}
		at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)
		action = {
			"id": action_id,
			"kind": "inspection",
			"at": at.isoformat(),
			"user": self.login["user"],
			"payload": {
				"task": task["name"],
				"template": template["name"],
				"result": "Accepted",
				"readings": readings,
				"signatory": "Site Manager",
				"signature": SIGNATURE,
			},
		}

		def send():
			action["sent_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
			with self.client.post(
				V1 + "field_send",
				data={"action": json.dumps(action)},
				name="phone: visit with a photo",
				catch_response=True,
			) as answer:
				if answer.status_code == 200:
					return True
				answer.failure(f"{answer.status_code}: sent again")
				if answer.status_code == 409:  # the server has not the photo: upload it again first
					self.until_ok(lambda: self.upload(action_id, jpeg))
				return None

		self.until_ok(send)

	@task
	def my_work(self):
		self.client.get(V1 + "field_work", name="phone: my work")


def page(user, path: str, name: str):
	"""A portal page; a 5xx is a failure that names the server's error (with System Settings' Allow
	Error Traceback on, the page carries it); a 403 (the session was lost) signs the customer in again,
	as the portal's login page would."""
	with user.client.get(path, name=name, catch_response=True) as answer:
		if answer.status_code >= 500:
			found = re.search(r"<pre>(.*?)</pre>", answer.text or "", re.S)
			answer.failure(f"{answer.status_code}: {(found.group(1) if found else answer.text or '')[-300:]}")
		elif answer.status_code == 403:
			answer.failure("403: signed in again")
			user.sign_in(user.login)
		return answer


class Customer(Signed):
	"""A customer on the portal after an outage."""

	weight = 100
	wait_time = between(3, 8)

	def on_start(self):
		super().on_start()
		self.login = next_of("customers")
		self.sign_in(self.login)
		self.units = []

	@task(4)
	def gensets(self):
		page_ = page(self, "/my_gensets", "portal: my generators")
		if not self.units and page_.ok:
			self.units = sorted(set(re.findall(r"/my_gensets/(GU-[0-9A-Za-z.-]+)", page_.text)))

	@task(3)
	def one_genset(self):
		if self.units:
			page(self, f"/my_gensets/{random.choice(self.units)}", "portal: one genset")

	@task(2)
	def requests(self):
		page(self, "/my_service_requests", "portal: service requests")

	@task(1)
	def open_request(self):
		if not self.units:
			return
		self.client.post(
			V1 + "open_service_request",
			json={
				"unit": random.choice(self.units),
				"service_type": "Field Maintenance",
				"description": "Load test: the set trips under load",
			},
			name="portal: open a request",
		)


class Integrator(Site):
	"""An integrator's ERP: running hours for every genset, plans and warranty read back."""

	weight = 20
	wait_time = between(1, 3)

	def on_start(self):
		super().on_start()
		self.login = next_of("integrators")
		self.client.headers["Authorization"] = f"token {self.login['token']}"

	@task(3)
	def running_hours(self):
		unit = random.choice(self.login["units"])
		# a plausible meter, the same on every run: 0.9 running hours an hour of the clock since a
		# fixed day, so that a reading is never below the one before (which is refused, rightly)
		hours = round(100 + (time.time() - METER_ZERO) / 3600 * 0.9, 2)
		self.client.post(
			V1 + "record_running_hours",
			json={"unit": unit, "hours": hours},
			name="api: record running hours",
		)

	@task(2)
	def plan(self):
		self.client.get(
			V1 + "get_unit_plan", params={"unit": random.choice(self.login["units"])}, name="api: unit plan"
		)

	@task(1)
	def upcoming(self):
		today = datetime.date.today()
		self.client.get(
			V1 + "get_upcoming_services",
			params={
				"from_date": str(today),
				"to_date": str(today + datetime.timedelta(days=90)),
				"unit": random.choice(self.login["units"]),
			},
			name="api: upcoming services",
		)


class Manager(Signed):
	"""The service manager's workspace, refreshed."""

	weight = 1
	fixed_count = 1
	wait_time = between(20, 40)

	def on_start(self):
		super().on_start()
		self.sign_in(LOGINS["manager"])

	@task
	def workspace(self):
		for card in (
			"sla_met_percent",
			"first_time_fix_percent",
			"mean_time_to_repair",
			"net_promoter_score",
		):
			self.client.get(f"/api/method/genset_service.dashboard.cards.{card}", name="desk: number card")
		today = datetime.date.today()
		filters = {"from_date": str(today), "to_date": str(today + datetime.timedelta(days=30))}
		self.client.get(
			"/api/method/frappe.desk.query_report.run",
			params={"report_name": "Service Schedule", "filters": json.dumps(filters)},
			name="desk: report",
		)
