"""The engineer's phone against a real site: only their own work; each queued action done once, at the
phone's time of the act; a visit as the same submitted documents the desk makes, photo and signature
attached, parts from the van; a visit whose task was cancelled meanwhile kept as a draft; bad input
refused with nothing written."""

import base64
import datetime
import io
import json

import frappe
from frappe.utils import get_datetime, now_datetime

from genset_service.api import v1
from genset_service.planning import TaskStatus
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	company,
	make_customer,
	make_delivered_unit,
	make_genset_item,
	make_portal_user,
	make_user,
	passing_value,
)

test_ignore = TEST_IGNORE
TASK, ACTION = "Genset Service Task", "Genset Field Action"
SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def jpeg() -> str:
	from PIL import Image

	buffer = io.BytesIO()
	Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, "JPEG")
	return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


class TestGensetFieldAction(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
		self.user = make_user("gs-field-engineer@example.com", ["After-sales Engineer"])
		self.van = self.warehouse("GS Van North")
		self.engineer = frappe.get_doc(
			{
				"doctype": "Genset Engineer",
				"user": self.user,
				"working_from": "08:00:00",
				"working_to": "17:00:00",
				"van_warehouse": self.van,
				"skills": [{"service_type": "Regular Inspection"}, {"service_type": "Field Maintenance"}],
			}
		).insert()
		self.unit = make_delivered_unit(
			self.genset, commissioned=frappe.utils.add_days(frappe.utils.nowdate(), -30)
		)
		self.task = frappe.get_doc(
			{
				"doctype": TASK,
				"service_type": "Regular Inspection",
				"unit": self.unit.name,
				"due_from": frappe.utils.nowdate(),
				"due_to": frappe.utils.add_days(frappe.utils.nowdate(), 3),
				"responsible_role": "After-sales Engineer",
				"assigned_to": self.user,
			}
		).insert()
		self.filter = make_genset_item("_Test Genset Oil Filter", genset=False)

	def tearDown(self):
		frappe.flags.mute_emails = self.muted
		super().tearDown()

	def warehouse(self, name: str) -> str:
		firm = company()
		abbr = frappe.db.get_value("Company", firm, "abbr")
		if not frappe.db.exists("Warehouse", f"{name} - {abbr}"):
			frappe.get_doc({"doctype": "Warehouse", "warehouse_name": name, "company": firm}).insert()
		return f"{name} - {abbr}"

	def send(self, kind, payload, action_id="phone-0001-abcd", at=None, user=None):
		frappe.set_user(user or self.user)
		at = at or (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).astimezone(
			datetime.timezone(datetime.timedelta(hours=3))
		)
		try:
			return frappe.call(
				v1.field_send,
				action=json.dumps({"id": action_id, "kind": kind, "at": at.isoformat(), "payload": payload}),
			)
		finally:
			frappe.set_user("Administrator")

	def inspection_payload(self, **changes):
		template = frappe.get_doc("Genset Inspection Template", "Regular Inspection (Standard)")
		readings = [{"checkpoint": row.checkpoint, "value": passing_value(row)} for row in template.items]
		readings[0]["photo"] = jpeg()
		return {
			"task": self.task.name,
			"template": template.name,
			"result": "Accepted",
			"readings": readings,
			"running_hours": 120,
			"signatory": "Site Manager",
			"signature": SIGNATURE,
			**changes,
		}

	# ------------------------------------------------------------------ my work
	def test_an_engineer_sees_only_their_own_work(self):
		other = frappe.get_doc(
			{
				"doctype": TASK,
				"service_type": "Maintenance",
				"unit": self.unit.name,
				"due_from": frappe.utils.nowdate(),
				"due_to": frappe.utils.nowdate(),
				"assigned_to": self.team["After-sales Engineer"],
			}
		).insert()
		frappe.set_user(self.user)
		work = v1.field_work()
		frappe.set_user("Administrator")
		names = [task.name for task in work["tasks"]]
		self.assertIn(self.task.name, names)
		self.assertNotIn(other.name, names)
		self.assertEqual(work["units"][self.unit.name]["serial_no"], self.unit.serial_no)
		self.assertEqual(work["van_warehouse"], self.van)
		self.assertIn("Regular Inspection (Standard)", [t["name"] for t in work["templates"]])
		portal = make_portal_user("gs-field-portal@example.com", make_customer())
		for user in (portal, self.team["Technical Support"]):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				v1.field_work()
			with self.assertRaises(frappe.PermissionError):
				v1.field_send(
					json.dumps(
						{
							"id": "phone-stranger-01",
							"kind": "check_in",
							"at": now_datetime().isoformat() + "+00:00",
							"payload": {"request": "x"},
						}
					)
				)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists(ACTION, {"action_id": "phone-stranger-01"}))

	# ------------------------------------------------------------------ a visit, once
	def test_an_inspection_sent_twice_is_made_once_with_its_photo_and_signature(self):
		before = frappe.db.count("Genset Inspection")
		at = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=3))) - datetime.timedelta(
			minutes=5
		)
		payload = self.inspection_payload()
		answer = self.send("inspection", payload, at=at)
		self.assertEqual(
			(answer["status"], answer["doctype"], answer["replay"]), ("Done", "Genset Inspection", False)
		)
		doc = frappe.get_doc("Genset Inspection", answer["name"])
		self.assertEqual((doc.docstatus, doc.inspector, doc.task), (1, self.user, self.task.name))
		self.assertEqual(doc.customer_signature, SIGNATURE)
		self.assertTrue(doc.readings[0].photo)
		self.assertTrue(
			frappe.db.exists("File", {"attached_to_name": doc.name, "file_url": doc.readings[0].photo})
		)
		self.assertEqual(frappe.db.get_value(TASK, self.task.name, "status"), TaskStatus.DONE)
		again = self.send("inspection", payload, at=at)
		self.assertEqual((again["name"], again["replay"]), (doc.name, True))
		self.assertEqual(frappe.db.count("Genset Inspection"), before + 1)
		log = frappe.get_doc(ACTION, {"action_id": "phone-0001-abcd"})
		self.assertEqual(log.phone_offset, "+0300")
		self.assertLess(get_datetime(log.phone_time), get_datetime(log.received_on))
		# the same id with other content is refused
		with self.assertRaisesRegex(frappe.ValidationError, "already received with other content"):
			self.send("inspection", {**payload, "running_hours": 130}, at=at)

	def test_a_service_report_takes_its_parts_from_the_van(self):
		answer = self.send(
			"service_report",
			{
				"unit": self.unit.name,
				"service_type": "Field Maintenance",
				"start": (
					datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
				).isoformat(),
				"work_done": "Replaced the oil filter",
				"parts": [{"item_code": self.filter, "qty": 2}],
				"signatory": "Site Manager",
				"signature": SIGNATURE,
			},
			action_id="phone-report-0001",
		)
		report = frappe.get_doc("Genset Service Report", answer["name"])
		self.assertEqual(
			(report.docstatus, report.engineer, report.parts[0].warehouse), (1, self.user, self.van)
		)
		moved = frappe.get_all(
			"Stock Ledger Entry",
			filters={"voucher_no": report.stock_entry, "is_cancelled": 0},
			fields=["warehouse", "actual_qty"],
		)
		self.assertEqual([(m.warehouse, m.actual_qty) for m in moved], [(self.van, -2)])

	def customer_task(self, service: str) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": TASK,
					"service_type": service,
					"unit": self.unit.name,
					"due_from": frappe.utils.nowdate(),
					"due_to": frappe.utils.add_days(frappe.utils.nowdate(), 3),
					"assigned_to": self.user,
				}
			)
			.insert()
			.name
		)

	def test_a_return_visit_and_a_training_from_the_phone_complete_their_tasks(self):
		visit, training = (
			self.customer_task("Customer Return Visit"),
			self.customer_task("Operation Training"),
		)
		frappe.set_user(self.user)
		forms = v1.field_work()["form_of"]
		frappe.set_user("Administrator")
		self.assertEqual(
			(forms["Customer Return Visit"], forms["Operation Training"], forms["Regular Inspection"]),
			("return_visit", "training", "inspection"),
		)
		answer = self.send(
			"return_visit",
			{"task": visit, "usage": "Standby, 2 h a week", "feedback": "Happy", "issues_found": 1},
			action_id="phone-return-0001",
		)
		doc = frappe.get_doc("Genset Return Visit", answer["name"])
		self.assertEqual(
			(answer["status"], doc.docstatus, doc.visited_by, doc.task, doc.issues_found),
			("Done", 1, self.user, visit, 1),
		)
		attendees = [{"attendee_name": "Ann Operator", "designation": "Shift lead"}, {"attendee_name": "Bo"}]
		payload = {
			"task": training,
			"topics": "Start, stop, load transfer",
			"attendees": attendees,
			"signatory": "Site Manager",
			"signature": SIGNATURE,
		}
		answer = self.send("training", payload, action_id="phone-training-0001")
		doc = frappe.get_doc("Genset Operation Training", answer["name"])
		self.assertEqual(
			(doc.docstatus, doc.trainer, [a.attendee_name for a in doc.attendees], doc.customer_signature),
			(1, self.user, ["Ann Operator", "Bo"], SIGNATURE),
		)
		self.assertEqual(
			frappe.get_all(TASK, {"name": ("in", [visit, training])}, pluck="status"),
			[TaskStatus.DONE, TaskStatus.DONE],
		)
		before = frappe.db.count("Genset Operation Training")
		for bad, words in (
			({**payload, "attendees": [{"designation": "x"}]}, "each with a name"),
			({**payload, "attendees": "everyone"}, "each with a name"),
			({**payload, "signature": ""}, "lacks signature"),
		):
			with self.assertRaisesRegex(frappe.ValidationError, words):
				self.send("training", bad, action_id="phone-training-bad1")
		with self.assertRaisesRegex(frappe.ValidationError, "lacks feedback"):
			self.send("return_visit", {"task": visit, "usage": "x"}, action_id="phone-return-bad1")
		# a return visit sent for a task of another service is refused
		with self.assertRaisesRegex(frappe.ValidationError, "is not a Customer Return Visit"):
			self.send(
				"return_visit",
				{"task": self.task.name, "usage": "x", "feedback": "y"},
				action_id="phone-return-bad2",
			)
		self.assertEqual(frappe.db.count("Genset Operation Training"), before)

	def test_a_refused_visit_can_be_kept_as_a_draft_for_the_desk(self):
		payload = self.inspection_payload()
		numeric = next(
			n
			for n, row in enumerate(frappe.get_doc("Genset Inspection Template", payload["template"]).items)
			if row.reading_type == "Numeric"
		)
		payload["readings"][numeric]["value"] = "plenty"
		with self.assertRaises(frappe.ValidationError) as refused:
			self.send("inspection", payload, action_id="phone-refused-0001")
		self.assertFalse(frappe.db.exists(ACTION, {"action_id": "phone-refused-0001"}))
		answer = self.send(
			"inspection",
			{**payload, "keep_as_draft": 1, "refusal": str(refused.exception)},
			action_id="phone-refused-0002",
		)
		self.assertEqual(answer["status"], "Draft")
		self.assertIn("kept as a draft for the desk to correct", answer["message"])
		doc = frappe.get_doc("Genset Inspection", answer["name"])
		self.assertEqual((doc.docstatus, doc.task), (0, None))
		self.assertEqual(doc.readings[numeric].value, "plenty")  # as it came: the desk corrects it
		self.assertTrue(doc.readings[0].photo)  # the photo is kept too
		self.assertTrue(
			frappe.db.exists(
				"Comment", {"reference_name": doc.name, "content": ("like", "%expects a number%")}
			)
		)
		self.assertIn(frappe.db.get_value(TASK, self.task.name, "status"), TaskStatus.OPEN)

	# ------------------------------------------------------------------ photos sent on their own
	def uploaded_payload(self, upload_id: str, slots=(0, 1)) -> dict:
		"""An inspection whose photos went before it, one request each, and which refers to them."""
		from genset_service.genset_service.doctype.genset_field_photo.test_genset_field_photo import (
			jpeg_bytes,
			upload,
		)

		payload = self.inspection_payload()
		for slot in slots:
			upload(self.user, upload_id, str(slot), jpeg_bytes((slot * 40, 90, 160)))
			payload["readings"][slot]["photo"] = {"upload": upload_id, "slot": str(slot)}
		return payload

	def test_a_visit_takes_the_photos_uploaded_before_it(self):
		payload = self.uploaded_payload("phone-photos-0001")
		answer = self.send("inspection", payload, action_id="phone-photos-0001")
		doc = frappe.get_doc("Genset Inspection", answer["name"])
		photos = frappe.get_all(
			"Genset Field Photo",
			{"upload_id": "phone-photos-0001"},
			["slot", "file", "result_doctype", "result_name"],
			order_by="slot",
		)
		self.assertEqual([p.file for p in photos], [doc.readings[0].photo, doc.readings[1].photo])
		self.assertEqual({(p.result_doctype, p.result_name) for p in photos}, {(doc.doctype, doc.name)})
		for photo in photos:  # the files now belong to the inspection: who may read it may see them
			self.assertEqual(
				frappe.db.get_value(
					"File", {"file_url": photo.file}, ["attached_to_doctype", "attached_to_name"]
				),
				(doc.doctype, doc.name),
			)
		self.assertFalse(doc.readings[2].photo)

	def test_a_visit_before_its_photos_is_a_409_and_nothing_is_written(self):
		payload = self.uploaded_payload("phone-photos-0002", slots=(0,))
		payload["readings"][1]["photo"] = {"upload": "phone-photos-0002", "slot": "1"}  # never uploaded
		before = frappe.db.count("Genset Inspection")
		from genset_service.field.photos import PhotoMissing

		with self.assertRaisesRegex(PhotoMissing, "have not arrived"):
			self.send("inspection", payload, action_id="phone-photos-0002")
		self.assertEqual(PhotoMissing.http_status_code, 409)
		self.assertFalse(frappe.db.exists(ACTION, {"action_id": "phone-photos-0002"}))
		self.assertEqual(frappe.db.count("Genset Inspection"), before)
		# another engineer's photo is not this visit's either
		other = make_user("gs-field-other@example.com", ["After-sales Engineer"])
		payload["readings"][1]["photo"] = None
		with self.assertRaisesRegex(PhotoMissing, "have not arrived"):
			self.send(
				"inspection",
				payload,  # the task is not his either: the photos are checked first
				action_id="phone-photos-0003",
				user=self.engineer_user(other),
			)

	def engineer_user(self, user: str) -> str:
		frappe.get_doc({"doctype": "Genset Engineer", "user": user}).insert()
		return user

	def test_a_draft_of_a_refused_visit_keeps_its_photos(self):
		payload = self.uploaded_payload("phone-photos-0004")
		numeric = next(
			n
			for n, row in enumerate(frappe.get_doc("Genset Inspection Template", payload["template"]).items)
			if row.reading_type == "Numeric"
		)
		payload["readings"][numeric]["value"] = "plenty"
		before = frappe.db.count("Genset Inspection")
		with self.assertRaises(frappe.ValidationError):
			self.send("inspection", payload, action_id="phone-photos-0004")
		draft = {
			**payload,
			"keep_as_draft": 1,
			"refusal": "expects a number",
			"refused_id": "phone-photos-0004",
		}
		at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
		answer = self.send("inspection", draft, action_id="phone-photos-0004-d", at=at)
		again = self.send("inspection", draft, action_id="phone-photos-0004-d", at=at)  # after a timeout
		self.assertEqual((answer["status"], again["name"], again["replay"]), ("Draft", answer["name"], True))
		doc = frappe.get_doc("Genset Inspection", answer["name"])
		self.assertTrue(doc.readings[0].photo and doc.readings[1].photo)
		self.assertEqual(frappe.db.count("Genset Inspection"), before + 1)  # one draft, not two

	def test_an_act_queued_by_another_engineer_is_a_409_and_not_recorded(self):
		from genset_service.field.sync import NotYourWork

		frappe.set_user(self.user)
		try:
			with self.assertRaisesRegex(NotYourWork, "queued on the phone by"):
				frappe.call(
					v1.field_send,
					action=json.dumps(
						{
							"id": "phone-theirs-0001",
							"kind": "inspection",
							"user": "gs-someone-else@example.com",
							"at": (
								datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
							).isoformat(),
							"payload": self.inspection_payload(),
						}
					),
				)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(NotYourWork.http_status_code, 409)
		self.assertFalse(frappe.db.exists(ACTION, {"action_id": "phone-theirs-0001"}))

	def test_a_visit_whose_task_was_cancelled_meanwhile_is_kept_as_a_draft(self):
		frappe.db.set_value(TASK, self.task.name, "status", TaskStatus.CANCELLED)
		answer = self.send("inspection", self.inspection_payload(), action_id="phone-late-0001")
		self.assertEqual(answer["status"], "Draft")
		self.assertIn("cancelled", answer["message"])
		self.assertEqual(frappe.db.get_value("Genset Inspection", answer["name"], "docstatus"), 0)

	def test_check_in_records_the_phone_time_of_arrival(self):
		with self.freeze_time(now_datetime() - datetime.timedelta(hours=1)):  # opened before the arrival
			request = frappe.get_doc(
				{
					"doctype": "Genset Service Request",
					"service_type": "Field Maintenance",
					"unit": self.unit.name,
					"description": "Trips",
				}
			).insert()
		frappe.db.set_value("Genset Service Task", request.task, "assigned_to", self.user)
		arrived = (now_datetime() - datetime.timedelta(minutes=20)).replace(microsecond=0)
		zone = datetime.timezone(datetime.timedelta(hours=-5))
		import zoneinfo

		from frappe.utils import get_system_timezone

		aware = arrived.replace(tzinfo=zoneinfo.ZoneInfo(get_system_timezone())).astimezone(zone)
		answer = self.send("check_in", {"request": request.name}, action_id="phone-arrive-01", at=aware)
		self.assertEqual(answer["status"], "Done")
		self.assertEqual(
			get_datetime(frappe.db.get_value("Genset Service Request", request.name, "on_site_on")), arrived
		)

	# ------------------------------------------------------------------ bad input
	def test_bad_actions_are_refused_and_nothing_is_written(self):
		before = frappe.db.count("Genset Inspection"), frappe.db.count(ACTION)
		bad_reading = self.inspection_payload()
		numeric = next(
			n
			for n, row in enumerate(
				frappe.get_doc("Genset Inspection Template", bad_reading["template"]).items
			)
			if row.reading_type == "Numeric"
		)
		bad_reading["readings"][numeric]["value"] = "plenty"
		bad_photo = self.inspection_payload()
		bad_photo["readings"][0]["photo"] = "data:image/jpeg;base64,aGVsbG8="  # "hello", not a JPEG
		stranger = self.inspection_payload()
		stranger["readings"].append({"checkpoint": "Flux capacitor", "value": "Pass"})
		for kind, payload, words, extra in (
			("inspection", self.inspection_payload(signature=""), "lacks signature", {}),
			(
				"inspection",
				self.inspection_payload(signature="data:text/plain;base64,aGVsbG8="),
				"not an image",
				{},
			),
			("inspection", bad_photo, "not an image", {}),
			("inspection", stranger, "not on the checklist", {}),
			("inspection", bad_reading, "expects a number", {}),
			(
				"service_report",
				{
					"unit": self.unit.name,
					"service_type": "Field Maintenance",
					"start": "2026-01-01T08:00:00+00:00",
					"work_done": "x",
					"parts": [{"item_code": self.filter, "qty": 0}],
					"signatory": "A",
					"signature": SIGNATURE,
				},
				"more than zero",
				{},
			),
			(
				"inspection",
				self.inspection_payload(),
				"in the future",
				{"at": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)},
			),
			("teleport", {}, "Unknown action", {}),
		):
			with self.assertRaisesRegex(frappe.ValidationError, words):
				self.send(kind, payload, action_id="phone-bad-0001", **extra)
		with self.assertRaisesRegex(frappe.ValidationError, "no time-zone offset"):
			frappe.set_user(self.user)
			try:
				frappe.call(
					v1.field_send,
					action=json.dumps(
						{
							"id": "phone-bad-0002",
							"kind": "check_in",
							"at": "2026-11-30T10:00:00",
							"payload": {"request": "x"},
						}
					),
				)
			finally:
				frappe.set_user("Administrator")
		self.assertEqual((frappe.db.count("Genset Inspection"), frappe.db.count(ACTION)), before)
		self.assertEqual(frappe.db.get_value(TASK, self.task.name, "status") in TaskStatus.OPEN, True)
