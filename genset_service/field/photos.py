"""A visit's photos, each uploaded on its own before the visit itself: a visit of any size goes over a
weak link, and a break costs one photo, not the visit. A photo is kept once under its key (the phone's
upload id and its place in the visit, a unique key): the same photo sent again is answered as already
received, another photo under the same key is refused. The visit, when it arrives, refers to its photos
by that key, and they are attached to the document it makes."""

import hashlib

import frappe
from frappe import _
from frappe.utils import now_datetime

from genset_service.access.guard import app_action
from genset_service.field.engineer import engineer_of
from genset_service.field.outbox import ACTION_ID, SLOT

PHOTO = "Genset Field Photo"
# a photo as the phone keeps it (at most 3200 px, JPEG) is far below this
PHOTO_BYTES = 12 * 1024 * 1024
IMAGE_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}
FIELDS = ["name", "upload_key", "upload_id", "slot", "user", "file", "size", "content_hash", "result_name"]


def key_of(upload_id: str, slot: str) -> str:
	return f"{upload_id}:{slot}"


def image_type(content: bytes) -> str | None:
	return next((ext for magic, ext in IMAGE_MAGIC.items() if content.startswith(magic)), None)


@app_action
def receive_photo(upload_id: str, slot: str, content: bytes, sha256: str | None, user: str) -> dict:
	"""Keep one photo of a visit (once)."""

	engineer_of(user)
	if not ACTION_ID.match(upload_id or ""):
		frappe.throw(_("The upload id {0} is not an id made by the phone.").format(str(upload_id)[:70]))
	if not SLOT.match(slot or ""):
		frappe.throw(_("{0} is not a photo's place in a visit (a number).").format(str(slot)[:20]))
	if len(content) > PHOTO_BYTES:
		frappe.throw(
			_("The photo is over {0} MB: the phone keeps photos at most 3200 px.").format(
				PHOTO_BYTES // 2**20
			),
			title=_("Image Too Large"),
		)
	extension = image_type(content)
	if not extension:
		frappe.throw(_("The photo is not an image (JPEG, PNG or WebP)."), title=_("Invalid Image"))
	digest = hashlib.sha256(content).hexdigest()
	if sha256 and sha256.lower() != digest:
		frappe.throw(
			_(
				"The photo arrived damaged (its SHA-256 is not the one the phone computed): the phone sends it again."
			),
			title=_("Damaged Upload"),
		)
	key = key_of(upload_id, slot)
	found = _kept(key, digest, user)
	if found:
		return found
	photo = frappe.get_doc(
		{
			"doctype": PHOTO,
			"upload_key": key,
			"upload_id": upload_id,
			"slot": slot,
			"user": user,
			"size": len(content),
			"content_hash": digest,
			"received_on": now_datetime(),
		}
	)
	try:
		photo.insert(ignore_permissions=True)  # the key first: the same photo twice at once waits here
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		# nothing else was written: a new transaction, whose snapshot sees the first upload's commit
		frappe.db.rollback()
		return _kept(key, digest, user) or frappe.throw(_("Send the photo again."))
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{upload_id}-{slot}.{extension}",
			"attached_to_doctype": PHOTO,
			"attached_to_name": photo.name,
			"content": content,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	photo.db_set("file", file.file_url)
	return _answer(photo.as_dict(), replay=False)


def _kept(key: str, digest: str, user: str) -> dict | None:
	row = frappe.db.get_value(PHOTO, {"upload_key": key}, FIELDS, as_dict=True)
	if not row:
		return None
	if row.user != user or row.content_hash != digest:
		frappe.throw(
			_("Photo {0} was already received with other content; the phone must not reuse an id.").format(
				key
			),
			title=_("Upload Id Reused"),
		)
	return _answer(row, replay=True)


def _answer(row, replay: bool) -> dict:
	return {
		"upload": row.upload_id,
		"slot": row.slot,
		"status": "Received",
		"size": row.size,
		"sha256": row.content_hash,
		"replay": replay,
	}


def received(upload_id: str, user: str) -> list[dict]:
	"""The photos of an upload id the server holds for the user: the phone uploads only the others."""
	rows = frappe.get_all(
		PHOTO, filters={"upload_id": upload_id, "user": user}, fields=FIELDS, order_by="slot asc"
	)
	return [_answer(row, replay=True) for row in rows]


def resolve(refs: list[tuple[str, str]], user: str) -> dict[tuple[str, str], frappe._dict]:
	"""The kept photos a visit refers to, in one query; a photo that has not arrived is a 409 that asks
	the phone to upload it again (the visit itself is not refused)."""
	if not refs:
		return {}
	keys = sorted({key_of(upload, slot) for upload, slot in refs})
	rows = frappe.get_all(PHOTO, filters={"upload_key": ("in", keys), "user": user}, fields=FIELDS)
	found = {(row.upload_id, row.slot): row for row in rows}
	missing = [key_of(*ref) for ref in refs if ref not in found]
	if missing:
		raise PhotoMissing(
			_("{0} photo(s) of this visit have not arrived ({1}): the phone uploads them again.").format(
				len(missing), ", ".join(missing[:5])
			)
		)
	return found


def attach(rows, doc) -> None:
	"""The photos now belong to the document the visit made: its files are attached to it, in bulk."""
	if not rows:
		return
	names = [row.name for row in rows]
	photo, file = frappe.qb.DocType(PHOTO), frappe.qb.DocType("File")
	frappe.qb.update(file).set(file.attached_to_doctype, doc.doctype).set(
		file.attached_to_name, doc.name
	).where((file.attached_to_doctype == PHOTO) & file.attached_to_name.isin(names)).run()
	frappe.qb.update(photo).set(photo.result_doctype, doc.doctype).set(photo.result_name, doc.name).where(
		photo.name.isin(names)
	).run()


class PhotoMissing(frappe.ValidationError):
	"""A visit arrived before one of its photos: answered 409, the phone uploads it and sends again."""

	http_status_code = 409


@app_action
def delete_orphans(days: int = 30) -> int:
	"""Photos no visit used within ``days`` of their upload (the visit was discarded on the phone)."""
	from frappe.utils import add_days

	names = frappe.get_all(
		PHOTO,
		filters={"result_name": ("is", "not set"), "received_on": ("<", add_days(now_datetime(), -days))},
		pluck="name",
	)
	for name in names:
		frappe.delete_doc(PHOTO, name, ignore_permissions=True, delete_permanently=True)
	return len(names)
