"""Who may write what, over real HTTP: every field group of the app's records, through every door that
changes a saved record, as every role, with the outcome the rule (access/rules.py) says: changed,
reset or refused. The matrix is generated from the DocTypes' metadata and the rule, so a new field is
tried the day it is added.

The requests go through Frappe's whole WSGI application (token authentication, the REST and method
handlers, the form's savedocs) in a thread of their own, with their own database connection: the
records they change are committed first, and each change that is let through is put back.
"""

import glob
import json
import os
from collections import Counter

import frappe
from frappe.core.doctype.user.user import generate_keys
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import (
	add_days,
	add_to_date,
	cint,
	flt,
	get_datetime,
	get_test_client,
	getdate,
	now_datetime,
)

from genset_service.access import guard
from genset_service.access import rules as R
from genset_service.api import v1
from genset_service.scheduling.tasks import cancel_tasks
from genset_service.tests.utils import (
	TEST_IGNORE,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_inspection,
	make_portal_user,
	make_sales_order,
	make_service_item,
	make_service_team,
	make_user,
	set_gate,
)

test_ignore = TEST_IGNORE
REQUEST, TASK, UNIT = "Genset Service Request", "Genset Service Task", "Genset Unit"
READING, CONTRACT, ENGINEER = "Genset Running Hours Reading", "Genset Service Contract", "Genset Engineer"
SURVEY = "Genset Satisfaction Survey"
INSPECTION, REPORT, VISIT = "Genset Inspection", "Genset Service Report", "Genset Return Visit"
TRAINING, EXTENSION = "Genset Operation Training", "Genset Warranty Extension"
PROPOSAL, SETTINGS = "Genset Dispatch Proposal", "Genset Service Settings"
CUSTOMER = "_Test Genset Access Customer"
MARK = "access matrix request"
SKIP = object()
UPDATE_DOORS = (
	"PUT /api/resource",
	"frappe.client.set_value",
	"savedocs",
	"frappe.client.save",
	"bulk_update",
	"list bulk edit",
)
# the records tried through every door; the others through the REST API's PUT
EVERY_DOOR = {REQUEST, TASK}


def role_user(role: str) -> str:
	return f"gs-access-{frappe.scrub(role)}@example.com"


# ------------------------------------------------------------------ committed records
def fixture() -> frappe._dict:
	"""One user per role with API keys, a delivered genset of a customer of its own with a request, its
	task given to an engineer, a reading; made once and kept (committed) for the HTTP threads."""
	frappe.set_user("Administrator")
	set_gate("Off")  # the pre-shipment gate is proven elsewhere
	make_service_team()
	item = make_genset_item()
	make_customer(CUSTOMER)
	users = {}
	for role in R.ROLES:
		if role == "Customer":
			users[role] = make_portal_user(role_user(role), CUSTOMER)
		else:
			users[role] = make_user(role_user(role), [role])
	unit = frappe.db.get_value(UNIT, {"customer": CUSTOMER, "status": ("!=", "Cancelled")})
	if not unit:
		order = make_sales_order([{"item_code": item, "qty": 1}], customer=CUSTOMER)
		unit = frappe.db.get_value(UNIT, {"delivery_note": make_delivery_note(order.name).name})
	if not frappe.db.exists("Address", {"address_title": CUSTOMER}):
		# a second site for the genset: a staff change of its site address has somewhere to go
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": CUSTOMER,
				"address_type": "Shipping",
				"address_line1": "2 Quarry Road",
				"city": "Leeds",
				"country": frappe.db.get_value("Company", frappe.defaults.get_defaults().company, "country")
				or "United States",
				"links": [{"link_doctype": "Customer", "link_name": CUSTOMER}],
			}
		).insert(ignore_permissions=True)
	engineer = users["After-sales Engineer"]
	if not frappe.db.exists(ENGINEER, {"user": engineer}):
		with guard.as_app():
			frappe.get_doc(
				{"doctype": ENGINEER, "user": engineer, "skills": [{"service_type": "Field Maintenance"}]}
			).insert()
	request = frappe.db.get_value(
		REQUEST, {"unit": unit, "description": ("like", f"%{MARK}%"), "status": "Open"}
	)
	if not request:
		request = v1.open_service_request(unit, "Field Maintenance", f"<p>{MARK}</p>")["name"]
	task = frappe.db.get_value(REQUEST, request, "task")
	frappe.db.set_value(TASK, task, "assigned_to", engineer)
	frappe.db.set_value("ToDo", {"reference_type": TASK, "reference_name": task}, "allocated_to", engineer)
	reading = frappe.db.get_value(READING, {"unit": unit})
	if not reading:
		reading = v1.record_running_hours(unit, 12.5, str(getdate()))["reading"]
	set_enabled(users.values(), True)
	keys = {}
	for role, user in users.items():
		secret = generate_keys(user)["api_secret"]
		keys[role] = (frappe.db.get_value("User", user, "api_key"), secret)
	frappe.db.commit()
	contract = frappe.db.get_value(UNIT, unit, "contract")
	survey = frappe.db.get_value(SURVEY, {"contract": contract})
	if not survey and contract:
		doc = frappe.get_doc(
			{
				"doctype": SURVEY,
				"contract": contract,
				"customer": CUSTOMER,
				"status": "Sent",
				"sent_on": getdate(),
			}
		)
		doc.flags.ignore_mandatory = True
		with guard.as_app():  # a survey as the app sends one
			survey = doc.insert(ignore_permissions=True).name
	frappe.db.commit()
	drafts = make_drafts(users, unit)
	frappe.db.commit()
	return frappe._dict(
		users=users,
		tokens=keys,
		records={
			**drafts,
			REQUEST: request,
			TASK: task,
			UNIT: unit,
			READING: reading,
			CONTRACT: contract,
			SURVEY: survey,
			ENGINEER: frappe.db.get_value(ENGINEER, {"user": engineer}),
			"Genset Service Type": "Field Maintenance",
			"Genset Service Agreement": frappe.db.get_value(
				"Genset Service Agreement", {"applies_to": "Default"}
			),
			"Genset Inspection Template": frappe.get_all("Genset Inspection Template", pluck="name", limit=1)[
				0
			],
		},
	)


def make_drafts(users: dict, unit: str) -> dict:
	"""A draft of each record people fill in before submitting it (an inspection, a service report, a
	return visit, a training, a warranty extension), a dispatch proposal and the settings: each made
	once, marked, and kept for the HTTP threads."""
	drafts = {"Genset Service Settings": "Genset Service Settings"}
	engineer, trainer = users["After-sales Engineer"], users["Technical Engineer"]
	start = add_to_date(now_datetime(), hours=-3).replace(microsecond=0)
	company = frappe.db.get_value(UNIT, unit, "company")
	made = {
		INSPECTION: lambda: make_inspection(
			"Regular", unit=unit, inspector=engineer, submit=False, remarks=MARK
		).name,
		REPORT: lambda: insert(
			REPORT,
			unit=unit,
			service_type="Field Maintenance",
			engineer=engineer,
			start_time=start,
			end_time=add_to_date(start, hours=2),
			work_done=f"<p>{MARK}</p>",
		),
		VISIT: lambda: insert(
			VISIT,
			unit=unit,
			visited_by=users["Customer Service Specialist"],
			usage=MARK,
			feedback="Happy with the set",
		),
		TRAINING: lambda: insert(
			TRAINING,
			unit=unit,
			trainer=trainer,
			topics=MARK,
			attendees=[{"attendee_name": "R. Kumar", "designation": "Shift electrician"}],
		),
		EXTENSION: lambda: insert(
			EXTENSION,
			customer=CUSTOMER,
			company=company,
			extra_months=12,
			service_item=make_service_item("_Test Genset Access Extension", 500),
			units=[{"unit": unit}],
		),
		PROPOSAL: lambda: insert(
			PROPOSAL, from_date=add_days(getdate(), 30), to_date=add_days(getdate(), 31)
		),
	}
	marks = {
		INSPECTION: {"remarks": MARK},
		REPORT: {"work_done": ("like", f"%{MARK}%")},
		VISIT: {"usage": MARK},
		TRAINING: {"topics": MARK},
		EXTENSION: {"customer": CUSTOMER},
		PROPOSAL: {"from_date": add_days(getdate(), 30)},
	}
	for doctype, make in made.items():
		drafts[doctype] = frappe.db.get_value(doctype, {**marks[doctype], "docstatus": 0}) or make()
	return drafts


def insert(doctype: str, **fields) -> str:
	with guard.as_app():
		return frappe.get_doc({"doctype": doctype, **fields}).insert(ignore_permissions=True).name


def set_enabled(users, enabled: bool) -> None:
	"""The matrix's users hold the service roles: enabled only while it runs, so that the planner never
	gives another suite's tasks to them (the least-loaded assignee counts enabled users)."""
	frappe.db.set_value("User", {"name": ("in", list(users))}, "enabled", int(enabled))
	frappe.db.commit()


# ------------------------------------------------------------------ HTTP
class Http:
	def __init__(self, keys):
		self.keys = keys
		self.client = get_test_client()

	def send(self, role, verb, path, body=None):
		key, secret = self.keys[role]
		failed = []

		def call():
			try:
				return getattr(self.client, verb)(
					path, json=body, headers={"Authorization": f"token {key}:{secret}"}
				)
			except Exception as error:  # the thread's own failure, raised here
				failed.append(error)

		response = make_request(target=call, args=(), kwargs={})
		if failed:
			raise failed[0]
		return response

	def door(self, role, door, doctype, name, field, value):
		"""Change one field of a saved record through one door."""
		if door == "PUT /api/resource":
			return self.send(role, "put", f"/api/resource/{doctype}/{name}", {field: value})
		if door == "frappe.client.set_value":
			body = {"doctype": doctype, "name": name, "fieldname": field, "value": value}
			return self.send(role, "post", "/api/method/frappe.client.set_value", body)
		if door in ("savedocs", "frappe.client.save"):
			doc = frappe.get_doc(doctype, name).as_dict(convert_dates_to_str=True)
			doc[field] = value
			if door == "savedocs":
				body = {"doc": json.dumps(doc, default=str), "action": "Save"}
				return self.send(role, "post", "/api/method/frappe.desk.form.save.savedocs", body)
			return self.send(
				role, "post", "/api/method/frappe.client.save", {"doc": json.dumps(doc, default=str)}
			)
		if door == "bulk_update":
			body = {"docs": json.dumps([{"doctype": doctype, "docname": name, field: value}], default=str)}
			return self.send(role, "post", "/api/method/frappe.client.bulk_update", body)
		if door == "list bulk edit":
			body = {
				"doctype": doctype,
				"docnames": json.dumps([name]),
				"action": "update",
				"data": json.dumps({field: value}, default=str),
			}
			return self.send(
				role,
				"post",
				"/api/method/frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
				body,
			)
		raise ValueError(door)


# ------------------------------------------------------------------ values to try
def other_value(df, current, users):
	"""A value of the field's type, other than the current one, that its own validation can take."""
	kind = df.fieldtype
	if kind == "Datetime":
		return str(add_to_date(now_datetime(), hours=-5).replace(microsecond=0))
	if kind == "Date":
		return str(add_days(getdate(), -3 if str(current) != str(add_days(getdate(), -3)) else -4))
	if kind == "Check":
		return 0 if cint(current) else 1
	if kind in ("Int",):
		return cint(current) + 1
	if kind in ("Float", "Currency", "Percent", "Duration"):
		return flt(current) + 60
	if kind == "Select":
		options = [o for o in (df.options or "").split("\n") if o and o != current]
		return options[0] if options else SKIP
	if kind == "Link":
		if df.options == "User":
			others = [u for u in users.values() if u != current]
		else:
			others = [
				n
				for n in frappe.get_all(df.options, pluck="name", limit=20, order_by="creation desc")
				if n != current
			]
		return others[0] if others else SKIP
	if kind in ("Data", "Small Text", "Text", "Long Text", "Text Editor"):
		return f"forged {frappe.generate_hash(length=6)}"
	return SKIP  # tables, attachments, signatures, dynamic links: tried by the dedicated tests


def row_of(doctype, name) -> dict:
	"""A record's stored columns (a single's stored values)."""
	meta = frappe.get_meta(doctype)
	if meta.issingle:
		values = frappe.db.get_singles_dict(doctype, cast=True)
		return {df.fieldname: values.get(df.fieldname) for df in meta.fields if df.fieldname in values}
	return frappe.db.get_value(doctype, name, "*", as_dict=True)


def stored(doctype, name, field):
	frappe.db.rollback()  # a fresh snapshot: the HTTP thread committed
	return frappe.db.get_value(doctype, name, field)


def same(df, a, b) -> bool:
	return guard.normal(df.fieldtype, a) == guard.normal(df.fieldtype, b)


class TestWriteRuleOverHttp(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.f = fixture()
		cls.http = Http(cls.f.tokens)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		set_enabled(cls.f.users.values(), False)
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def restore(self, doctype, name, row):
		frappe.db.rollback()
		current = row_of(doctype, name)
		changed = {k: v for k, v in row.items() if current.get(k) != v}
		if changed:
			frappe.db.set_value(doctype, name, changed, update_modified=False)
			frappe.db.commit()

	def test_every_field_group_through_every_door_as_every_role(self):
		tally, changed_by = Counter(), Counter()
		for doctype, name in self.f.records.items():
			if not name:
				continue
			meta = frappe.get_meta(doctype)
			rules = guard.rules_of(doctype)
			# one field of each group: the first whose type can be tried
			seen, fields = set(), []
			for rule in rules.values():
				key = (rule.group, rule.create, rule.change, rule.reason)
				if key in seen:
					continue
				df = meta.get_field(rule.fieldname)
				if other_value(df, None, self.f.users) is SKIP:
					continue
				seen.add(key)
				fields.append(rule)
			doors = UPDATE_DOORS if doctype in EVERY_DOOR else UPDATE_DOORS[:1]
			for role, user in self.f.users.items():
				roles = set(frappe.get_roles(user))
				may_write = frappe.has_permission(doctype, "write", doc=name, user=user)
				for rule in fields:
					df = meta.get_field(rule.fieldname)
					for door in doors:
						row = row_of(doctype, name)
						before = row.get(rule.fieldname)
						value = other_value(df, before, self.f.users)
						if value is SKIP:
							continue
						outcome = R.decide(rule, roles, False, before, value) if may_write else R.REFUSED
						response = self.http.door(role, door, doctype, name, rule.fieldname, value)
						after = stored(doctype, name, rule.fieldname)
						case = (doctype, rule.fieldname, role, door, response.status_code, outcome)
						if outcome == R.ALLOWED:
							self.assertNotEqual(response.status_code, 403, case)
							if response.status_code == 200 and not same(df, before, after):
								changed_by[doctype] += 1
							self.restore(doctype, name, row)
						else:
							self.assertTrue(same(df, before, after), (*case, before, after))
							if door not in (
								"bulk_update",
								"list bulk edit",
							):  # these answer 200 with the failures
								self.assertEqual(
									response.status_code, 417 if outcome == R.NEEDS_REASON else 403, case
								)
						tally[outcome] += 1
		print(
			f"\nwrite rule over HTTP: {sum(tally.values())} attempts; "
			+ ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
			+ "; let through and changed per DocType: "
			+ ", ".join(f"{k} {v}" for k, v in sorted(changed_by.items()))
		)
		self.assertGreater(tally[R.REFUSED], 100)
		# the matrix is not vacuous: people still do their work through the same doors
		for doctype in (REQUEST, TASK, UNIT):
			self.assertGreater(changed_by[doctype], 0, doctype)

	def test_a_customer_cancels_an_open_request_and_nothing_more(self):
		request = self.f.records[REQUEST]
		row = frappe.db.get_value(REQUEST, request, "*", as_dict=True)
		try:
			for status in ("Closed", "Resolved", "In Progress"):
				response = self.http.door("Customer", "PUT /api/resource", REQUEST, request, "status", status)
				self.assertEqual(response.status_code, 403, status)
				self.assertEqual(stored(REQUEST, request, "status"), "Open")
			response = self.http.door(
				"Customer", "PUT /api/resource", REQUEST, request, "status", "Cancelled"
			)
			self.assertEqual(response.status_code, 200, response.json)
			self.assertEqual(stored(REQUEST, request, "status"), "Cancelled")
			# and once cancelled, not opened again
			response = self.http.door("Customer", "PUT /api/resource", REQUEST, request, "status", "Open")
			self.assertEqual(response.status_code, 403)
		finally:
			self.restore(REQUEST, request, row)
			# the cancellation closed the task and its ToDo: open them again for the other tests
			engineer = self.f.users["After-sales Engineer"]
			frappe.db.set_value(TASK, row.task, {"status": "Open", "assigned_to": engineer})
			frappe.db.set_value(
				"ToDo", {"reference_type": TASK, "reference_name": row.task}, "status", "Open"
			)
			frappe.db.commit()

	def test_a_new_request_keeps_none_of_the_clock_times_anyone_sends(self):
		unit = self.f.records[UNIT]
		forged = {
			"doctype": REQUEST,
			"unit": unit,
			"service_type": "Field Maintenance",
			"description": "<p>opened with forged clocks</p>",
			"opening_date": str(add_to_date(now_datetime(), hours=-72)),
			"acknowledged_on": str(add_to_date(now_datetime(), hours=-71)),
			"on_site_on": str(add_to_date(now_datetime(), hours=-70)),
			"restored_on": str(add_to_date(now_datetime(), hours=-69)),
			"status": "Closed",
			"on_site_state": "Met",
			"escalation": "",
			"flags": {"genset_app_depth": 1, "ignore_permissions": 1},
		}
		doors = (
			("Customer", "/api/resource/" + REQUEST, forged),
			("Service Manager", "/api/resource/" + REQUEST, forged),
			("Technical Engineer", "/api/resource/" + REQUEST, forged),
			("Customer", "/api/method/frappe.client.insert", {"doc": json.dumps(forged)}),
			("Technical Support", "/api/method/frappe.client.insert", {"doc": json.dumps(forged)}),
		)
		for role, path, body in doors:
			response = self.http.send(role, "post", path, body)
			self.assertEqual(response.status_code, 200, (role, path, response.json))
			name = (response.json.get("data") or response.json.get("message"))["name"]
			doc = frappe._dict(frappe.db.get_value(REQUEST, name, "*", as_dict=True))
			self.assertLess(abs((get_datetime(doc.opening_date) - now_datetime()).total_seconds()), 120, role)
			self.assertEqual(
				(doc.acknowledged_on, doc.on_site_on, doc.restored_on, doc.status),
				(None, None, None, "Open"),
				role,
			)
			self.assertNotEqual(doc.on_site_state, "Met", role)
			frappe.db.set_value(REQUEST, name, "status", "Cancelled")
			cancel_tasks([doc.task])  # and its ToDo
			frappe.db.commit()

	def test_flags_sent_by_a_client_do_not_open_the_door(self):
		request = self.f.records[REQUEST]
		body = {"on_site_on": str(now_datetime()), "flags": {"genset_app_depth": 1, "ignore_permissions": 1}}
		for role in ("Customer", "After-sales Engineer", "Service Manager"):
			response = self.http.send(role, "put", f"/api/resource/{REQUEST}/{request}", body)
			self.assertIn(response.status_code, (403, 417), role)
			self.assertIsNone(stored(REQUEST, request, "on_site_on"), role)

	def test_run_doc_method_with_a_clients_document_is_ruled_too(self):
		request = self.f.records[REQUEST]
		doc = frappe.get_doc(REQUEST, request).as_dict(convert_dates_to_str=True)
		doc["on_site_on"] = str(add_to_date(now_datetime(), hours=-1).replace(microsecond=0))
		for role in ("Customer", "After-sales Engineer"):
			for method in ("submit", "save"):
				body = {"docs": json.dumps(doc, default=str), "method": method}
				response = self.http.send(role, "post", "/api/method/run_doc_method", body)
				self.assertIn(response.status_code, (403, 417), (role, method, response.json))
				self.assertIsNone(stored(REQUEST, request, "on_site_on"), (role, method))

	def test_delete_rename_and_insert_many_are_closed_too(self):
		request = self.f.records[REQUEST]
		for role in ("Customer", "Technical Engineer", "After-sales Engineer"):
			self.assertEqual(
				self.http.send(role, "delete", f"/api/resource/{REQUEST}/{request}").status_code, 403
			)
			body = {"doctype": REQUEST, "old_name": request, "new_name": request + "-X"}
			self.assertIn(
				self.http.send(role, "post", "/api/method/frappe.client.rename_doc", body).status_code,
				(403, 417),
			)
			self.assertTrue(stored(REQUEST, request, "name"))
		docs = [
			{
				"doctype": READING,
				"unit": self.f.records[UNIT],
				"hours": 9999,
				"reading_time": str(now_datetime().replace(microsecond=0)),
				"source": "Telemetry",
				"lifetime_hours": 5,
				"recorded_by": self.f.users["Customer"],
			}
		]
		response = self.http.send(
			"Technical Engineer", "post", "/api/method/frappe.client.insert_many", {"docs": json.dumps(docs)}
		)
		name = stored(READING, {"unit": self.f.records[UNIT], "hours": 9999}, "name")
		if name:
			source, recorded_by = frappe.db.get_value(READING, name, ["source", "recorded_by"])
			# the app's own fields of the new reading are the app's, not what was sent
			self.assertNotEqual((source, recorded_by), ("Telemetry", self.f.users["Customer"]))
			frappe.db.delete(READING, {"name": name})
			frappe.db.commit()
		else:
			self.assertIn(response.status_code, (403, 417))

	def test_data_import_is_a_door_like_the_others(self):
		import csv
		import tempfile

		from frappe.core.doctype.data_import.data_import import import_file

		request = self.f.records[REQUEST]
		meta = frappe.get_meta(REQUEST)
		forged = str(add_to_date(now_datetime(), hours=-30).replace(microsecond=0))
		described = f"<p>imported {frappe.generate_hash(length=6)}</p>"
		row = frappe.db.get_value(REQUEST, request, "*", as_dict=True)
		path = os.path.join(tempfile.mkdtemp(), "requests.csv")
		try:
			for field, value in (("on_site_on", forged), ("description", described)):
				with open(path, "w", newline="") as out:
					writer = csv.writer(out)
					writer.writerow(["ID", meta.get_label(field)])
					writer.writerow([request, value])
				# Frappe's console import reads the logs of earlier console imports as its own
				frappe.db.delete("Data Import Log", {"data_import": ("is", "not set")})
				frappe.set_user(self.f.users["Technical Engineer"])
				try:
					import_file(REQUEST, path, "Update", console=True)
				finally:
					frappe.set_user("Administrator")
			frappe.db.rollback()
			doc = frappe.db.get_value(REQUEST, request, ["on_site_on", "description"], as_dict=True)
			self.assertIsNone(doc.on_site_on)  # refused
			self.assertEqual(doc.description, described)  # the engineer's own words: taken
		finally:
			self.restore(REQUEST, request, row)
			# Frappe's console import leaves a log file in the working folder
			for log in glob.glob(f"{REQUEST}_import_on_*.txt"):
				os.remove(log)


class TestAppMarker(FrappeTestCase):
	def test_the_marker_lasts_as_long_as_the_action_and_no_longer(self):
		self.assertFalse(guard.acting_as_app())
		with guard.as_app():
			self.assertTrue(guard.acting_as_app())
			with guard.as_app():
				self.assertTrue(guard.acting_as_app())
			self.assertTrue(guard.acting_as_app())
		self.assertFalse(guard.acting_as_app())
		try:
			with guard.as_app():
				raise RuntimeError
		except RuntimeError:
			pass
		self.assertFalse(guard.acting_as_app())


class TestOwnWorkAndTheRemainingDoors(FrappeTestCase):
	"""An engineer records only his own work; submit, run_doc_method's submit, Customize Form and the
	Data Import form's job are doors like the others."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.f = fixture()
		cls.http = Http(cls.f.tokens)
		cls.report = cls.f.records[REPORT]
		cls.mine, cls.other = cls.f.users["After-sales Engineer"], cls.f.users["Technical Engineer"]

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		set_enabled(cls.f.users.values(), False)
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def put(self, role, doctype, name, values):
		return self.http.send(role, "put", f"/api/resource/{doctype}/{name}", values)

	def report_body(self, engineer, **fields):
		start = add_to_date(now_datetime(), hours=-3).replace(microsecond=0)
		return {
			"doctype": REPORT,
			"unit": self.f.records[UNIT],
			"service_type": "Field Maintenance",
			"engineer": engineer,
			"start_time": str(start),
			"end_time": str(add_to_date(start, hours=2)),
			"work_done": "<p>somebody else's visit</p>",
			**fields,
		}

	def test_an_engineer_changes_submits_and_makes_only_his_own_work(self):
		row = row_of(REPORT, self.report)
		before = frappe.db.count(REPORT)
		try:
			# another engineer: not the report's words, not its engineer, not its submission
			for values in ({"work_done": "<p>rewritten</p>"}, {"engineer": self.other}):
				self.assertEqual(self.put("Technical Engineer", REPORT, self.report, values).status_code, 403)
			self.assertEqual(stored(REPORT, self.report, "engineer"), self.mine)
			doc = frappe.get_doc(REPORT, self.report).as_dict(convert_dates_to_str=True)
			response = self.http.send(
				"Technical Engineer",
				"post",
				"/api/method/frappe.client.submit",
				{"doc": json.dumps(doc, default=str)},
			)
			self.assertEqual(response.status_code, 403, response.json)
			self.assertEqual(stored(REPORT, self.report, "docstatus"), 0)
			# nor a new report naming a colleague, nor one for a task given to a colleague
			task = self.f.records[TASK]
			self.assertEqual(frappe.db.get_value(TASK, task, "assigned_to"), self.mine)
			for body in (self.report_body(self.mine), self.report_body(self.other, task=task)):
				response = self.http.send("Technical Engineer", "post", f"/api/resource/{REPORT}", body)
				self.assertEqual(response.status_code, 403, (body, response.json))
			frappe.db.rollback()
			self.assertEqual(frappe.db.count(REPORT), before)
			# the form shows it read only to him: Frappe's own document check says no
			self.assertFalse(frappe.has_permission(REPORT, "write", doc=self.report, user=self.other))
			self.assertTrue(frappe.has_permission(REPORT, "read", doc=self.report, user=self.other))
			# his own report, by its engineer; any report, by a manager
			response = self.put("After-sales Engineer", REPORT, self.report, {"work_done": "<p>mine</p>"})
			self.assertEqual(response.status_code, 200, response.json)
			self.assertEqual(stored(REPORT, self.report, "work_done"), "<p>mine</p>")
			response = self.put("Service Manager", REPORT, self.report, {"work_done": "<p>checked</p>"})
			self.assertEqual(response.status_code, 200, response.json)
			# and his own new report, for no one's task, is his to make
			response = self.http.send(
				"Technical Engineer", "post", f"/api/resource/{REPORT}", self.report_body(self.other)
			)
			self.assertEqual(response.status_code, 200, response.json)
			frappe.db.rollback()
			self.assertEqual(frappe.db.count(REPORT), before + 1)
			frappe.db.delete(REPORT, {"name": response.json["data"]["name"]})
			frappe.db.commit()
		finally:
			self.restore(REPORT, self.report, row)

	def test_every_work_record_is_bound_to_the_person_it_names(self):
		# the other work records, each changed by someone it does not name: refused; by a manager: taken
		for doctype, field, outsider in (
			(INSPECTION, "remarks", "Technical Engineer"),
			(TRAINING, "topics", "Service Manager"),
			(VISIT, "feedback", "Service Manager"),
		):
			name = self.f.records[doctype]
			row = row_of(doctype, name)
			try:
				person = frappe.db.get_value(doctype, name, R.OWN_WORK[doctype])
				self.assertNotEqual(person, self.f.users[outsider])
				response = self.put(outsider, doctype, name, {field: "changed by someone else"})
				if outsider in R.WRITES_ANY_WORK:
					self.assertEqual(response.status_code, 200, (doctype, response.json))
				else:
					self.assertEqual(response.status_code, 403, doctype)
					self.assertEqual(stored(doctype, name, field), row[field])
			finally:
				self.restore(doctype, name, row)

	def test_run_doc_method_submit_of_a_draft_is_ruled(self):
		doc = frappe.get_doc(REPORT, self.report).as_dict(convert_dates_to_str=True)
		doc["in_warranty"] = 0 if doc.in_warranty else 1  # the app's own, from the unit's warranty
		for role in ("After-sales Engineer", "Service Manager"):
			body = {"docs": json.dumps(doc, default=str), "method": "submit"}
			response = self.http.send(role, "post", "/api/method/run_doc_method", body)
			self.assertEqual(response.status_code, 403, (role, response.json))
			self.assertEqual(stored(REPORT, self.report, "docstatus"), 0)
			response = self.http.send(
				role, "post", "/api/method/frappe.client.submit", {"doc": json.dumps(doc, default=str)}
			)
			self.assertEqual(response.status_code, 403, (role, response.json))
			self.assertEqual(stored(REPORT, self.report, "docstatus"), 0)

	def test_customize_form_can_tighten_the_rule_never_loosen_it(self):
		row = row_of(REPORT, self.report)
		setters = []
		for field, value in (("in_warranty", "0"), ("work_done", "1")):
			frappe.make_property_setter(
				{
					"doctype": REPORT,
					"fieldname": field,
					"property": "read_only",
					"value": value,
					"property_type": "Check",
				},
				validate_fields_for_doctype=False,
			)
			setters.append(
				frappe.db.get_value(
					"Property Setter", {"doc_type": REPORT, "field_name": field, "property": "read_only"}
				)
			)
		frappe.db.commit()
		frappe.clear_cache(doctype=REPORT)
		try:
			self.assertFalse(frappe.get_meta(REPORT).get_field("in_warranty").read_only)
			flipped = 0 if row.in_warranty else 1
			response = self.put("Service Manager", REPORT, self.report, {"in_warranty": flipped})
			self.assertEqual(response.status_code, 403, response.json)
			self.assertEqual(stored(REPORT, self.report, "in_warranty"), row.in_warranty)
			response = self.put("After-sales Engineer", REPORT, self.report, {"work_done": "<p>x</p>"})
			self.assertEqual(response.status_code, 403, response.json)
			self.assertEqual(stored(REPORT, self.report, "work_done"), row.work_done)
		finally:
			frappe.db.delete("Property Setter", {"name": ("in", setters)})
			frappe.db.commit()
			frappe.clear_cache(doctype=REPORT)
			self.restore(REPORT, self.report, row)

	def test_the_data_import_forms_background_job_is_a_door_too(self):
		request = self.f.records[REQUEST]
		row = row_of(REQUEST, request)
		meta = frappe.get_meta(REQUEST)
		forged = str(add_to_date(now_datetime(), hours=-30).replace(microsecond=0))
		content = (
			f'"ID","{meta.get_label("on_site_on")}","{meta.get_label("description")}"\n'
			f'"{request}","{forged}","<p>imported</p>"\n'
		)
		frappe.set_user(self.f.users["System Manager"])
		names = {}
		try:
			names["File"] = (
				frappe.get_doc(
					{"doctype": "File", "file_name": "requests.csv", "content": content, "is_private": 1}
				)
				.insert()
				.name
			)
			job = frappe.get_doc(
				{
					"doctype": "Data Import",
					"reference_doctype": REQUEST,
					"import_type": "Update Existing Records",
					"import_file": frappe.db.get_value("File", names["File"], "file_url"),
				}
			).insert()
			names["Data Import"] = job.name
			frappe.db.commit()
			self.assertTrue(job.start_import())  # the form's Start Import: the job, run as in the worker
		finally:
			frappe.set_user("Administrator")
		try:
			frappe.db.rollback()
			self.assertIsNone(stored(REQUEST, request, "on_site_on"))  # a correction with no reason
			self.assertEqual(stored(REQUEST, request, "description"), row.description)  # the row failed
			logs = frappe.get_all(
				"Data Import Log", {"data_import": names["Data Import"]}, ["success", "messages"]
			)
			self.assertEqual([log.success for log in logs], [0])
			self.assertIn("reason", logs[0].messages)
			self.assertNotEqual(frappe.db.get_value("Data Import", names["Data Import"], "status"), "Success")
		finally:
			frappe.db.delete("Data Import Log", {"data_import": names.get("Data Import")})
			for doctype, name in names.items():
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			frappe.db.commit()
			self.restore(REQUEST, request, row)

	restore = TestWriteRuleOverHttp.restore
