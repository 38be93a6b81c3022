"""A visit's photos uploaded one by one before the visit, through the endpoint the phone calls
(multipart): each kept once under its key, a replay answered as received, other content under the same
key refused, only images, only engineers, only one's own; and a photo sent twice at once kept once."""

import hashlib
import io

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe
from frappe.tests.utils import FrappeTestCase

from genset_service.access.guard import as_app
from genset_service.api import v1
from genset_service.field.photos import PHOTO
from genset_service.tests.utils import TEST_IGNORE, make_customer, make_portal_user, make_user

test_ignore = TEST_IGNORE


def jpeg_bytes(colour=(200, 30, 30), size=(64, 48)) -> bytes:
	from PIL import Image

	buffer = io.BytesIO()
	Image.new("RGB", size, colour).save(buffer, "JPEG")
	return buffer.getvalue()


def engineer(email: str) -> str:
	user = make_user(email, ["After-sales Engineer"])
	if not frappe.db.exists("Genset Engineer", {"user": user}):
		with as_app():
			frappe.get_doc({"doctype": "Genset Engineer", "user": user}).insert()
	return user


def upload(user: str, upload_id: str, slot: str, content: bytes, sha256: str | None = None, method=None):
	"""The phone's multipart upload, through the whitelisted endpoint as ``user``."""
	form = {"upload": upload_id, "slot": slot, "photo": (io.BytesIO(content), f"{slot}.jpg")}
	if sha256 is not None:
		form["sha256"] = sha256
	environ = EnvironBuilder(method="POST", data=form).get_environ()
	previous = getattr(frappe.local, "request", None)
	frappe.local.request = Request(environ)
	frappe.set_user(user)
	try:
		return frappe.call(
			method or v1.field_photo, upload=upload_id, slot=slot, **({"sha256": sha256} if sha256 else {})
		)
	finally:
		frappe.set_user("Administrator")
		frappe.local.request = previous


class TestGensetFieldPhoto(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.user = engineer("gs-photo-engineer@example.com")
		self.other = engineer("gs-photo-other@example.com")
		self.id = f"phone-photo-{frappe.generate_hash(length=8)}"

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_photo_is_kept_once_private_and_a_replay_answers_received(self):
		content = jpeg_bytes()
		digest = hashlib.sha256(content).hexdigest()
		answer = upload(self.user, self.id, "3", content, digest)
		self.assertEqual(
			(answer["upload"], answer["slot"], answer["status"], answer["size"], answer["replay"]),
			(self.id, "3", "Received", len(content), False),
		)
		row = frappe.get_doc(PHOTO, {"upload_key": f"{self.id}:3"})
		self.assertEqual((row.user, row.content_hash, row.size), (self.user, digest, len(content)))
		file = frappe.get_doc("File", {"file_url": row.file})
		self.assertEqual(
			(file.is_private, file.attached_to_doctype, file.attached_to_name), (1, PHOTO, row.name)
		)
		self.assertEqual(file.get_content(), content)
		again = upload(self.user, self.id, "3", content, digest)
		self.assertEqual((again["status"], again["replay"]), ("Received", True))
		self.assertEqual(frappe.db.count(PHOTO, {"upload_id": self.id}), 1)
		self.assertEqual(frappe.db.count("File", {"attached_to_name": row.name}), 1)
		# the phone asks what is held after a break: its own photos only
		frappe.set_user(self.user)
		self.assertEqual([(r["slot"], r["sha256"]) for r in v1.field_photos(self.id)], [("3", digest)])
		frappe.set_user(self.other)
		self.assertEqual(v1.field_photos(self.id), [])

	def test_bad_uploads_are_refused_and_nothing_is_kept(self):
		content = jpeg_bytes()
		upload(self.user, self.id, "0", content)
		for user, upload_id, slot, body, sha256, words in (
			(self.user, self.id, "0", jpeg_bytes((0, 0, 255)), None, "already received with other content"),
			(self.other, self.id, "0", content, None, "already received with other content"),
			(self.user, self.id, "1", b"<html>login</html>", None, "not an image"),
			(self.user, self.id, "1", content, "0" * 64, "arrived damaged"),
			(self.user, self.id, "x1", content, None, "not a photo's place"),
			(self.user, "short", "1", content, None, "not an id made by the phone"),
		):
			with self.assertRaisesRegex(frappe.ValidationError, words):
				upload(user, upload_id, slot, body, sha256)
		self.assertEqual(frappe.db.count(PHOTO, {"upload_id": self.id}), 1)
		# a photo over the limit, without building one: the limit read by the endpoint is PHOTO_BYTES
		from genset_service.field import photos

		with self.assertRaisesRegex(frappe.ValidationError, "over"):
			photos.receive_photo(self.id, "2", b"\xff\xd8\xff" + b"0" * photos.PHOTO_BYTES, None, self.user)

	def test_only_an_engineers_phone_uploads(self):
		make_customer("_Test Genset Photo Customer")
		portal = make_portal_user("gs-photo-portal@example.com", "_Test Genset Photo Customer")
		clerk = make_user("gs-photo-clerk@example.com", ["Sales Manager"])
		for user in (portal, clerk):
			with self.assertRaises(frappe.PermissionError):
				upload(user, self.id, "0", jpeg_bytes())
		self.assertFalse(frappe.db.exists(PHOTO, {"upload_id": self.id}))
		# and the record itself is written by the app alone
		self.assertFalse(frappe.has_permission(PHOTO, "create", user=self.user))
		self.assertFalse(frappe.has_permission(PHOTO, "read", user=self.user))

	def test_photos_no_visit_used_are_deleted_after_30_days_and_used_ones_kept(self):
		from frappe.utils import add_days, now_datetime

		from genset_service.field.photos import delete_orphans

		upload(self.user, self.id, "0", jpeg_bytes())
		upload(self.user, self.id, "1", jpeg_bytes((0, 90, 0)))
		used = frappe.db.get_value(PHOTO, {"upload_key": f"{self.id}:1"}, "name")
		frappe.db.set_value(PHOTO, used, {"result_doctype": "Genset Inspection", "result_name": "GI-used"})
		old = add_days(now_datetime(), -31)
		frappe.db.set_value(PHOTO, {"upload_id": self.id}, "received_on", old)
		orphan = frappe.db.get_value(PHOTO, {"upload_key": f"{self.id}:0"}, ["name", "file"], as_dict=True)
		self.assertGreaterEqual(delete_orphans(), 1)
		self.assertFalse(frappe.db.exists(PHOTO, orphan.name))
		self.assertFalse(frappe.db.exists("File", {"file_url": orphan.file}))
		self.assertTrue(frappe.db.exists(PHOTO, used))
		# a recent photo waiting for its visit is kept
		upload(self.user, self.id, "2", jpeg_bytes((9, 9, 9)))
		delete_orphans()
		self.assertTrue(frappe.db.exists(PHOTO, {"upload_key": f"{self.id}:2"}))
