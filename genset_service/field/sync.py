"""The phone's outbox, received: each action once (its id is a unique key on Genset Field Action), at
the phone's time of the act, as the same documents the desk makes. A visit the server can no longer
take as it is (its task cancelled or given to someone else meanwhile) is kept as a draft in the desk
and answered with the reason; bad input is refused (417) and nothing is written."""

import base64
import datetime
import zoneinfo

import frappe
from frappe import _
from frappe.utils import flt, get_system_timezone, now_datetime

from genset_service.access.guard import app_action
from genset_service.field.engineer import ENGINEER, engineer_of
from genset_service.field.outbox import ActionError, parse_time, photo_ref, read
from genset_service.field.outbox import local as local_time
from genset_service.field.photos import attach, resolve
from genset_service.genset_service.doctype.genset_operation_training.genset_operation_training import (
	SERVICE as TRAINING,
)
from genset_service.genset_service.doctype.genset_return_visit.genset_return_visit import (
	SERVICE as RETURN_VISIT,
)
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, settings, undo_to
from genset_service.scheduling.inspection import CHECKPOINT_FIELDS

LOG = "Genset Field Action"
REQUEST = "Genset Service Request"
# the phone's form for a task: a checklist where its service has an inspection kind, the service's own
# document where one completes it, a service report for all other work (rules as data)
FORMS = {RETURN_VISIT: "return_visit", TRAINING: "training"}
MAX_ATTENDEES = 100
SAVEPOINT = "genset_field_action"
PHOTO_BYTES = 3 * 1024 * 1024  # a photo the phone resized (at most 1600 px, JPEG) is far below this
IMAGE_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}
MESSAGES = {
	"not_an_action": "An action must be an object with id, kind, at and payload.",
	"bad_id": "The action id {0} is not an id made by the phone (8 to 64 letters, digits, - or _).",
	"unknown_kind": "Unknown action {0}.",
	"no_payload": "The action carries no content.",
	"missing": "The action lacks {0}.",
	"bad_time": "{0} is not a time of the act (ISO 8601 with its offset).",
	"no_offset": "The time of the act {0} has no time-zone offset.",
	"future": "The time of the act {0} is in the future: check the phone's clock.",
	"too_old": "The time of the act {0} is more than 30 days ago.",
	"skewed": "The phone's clock is too far off the server's ({0}): set the phone's date and time, then send again.",
	"after_sending": "The time of the act {0} is after the phone sent it: check the phone's clock.",
	"bad_photo_ref": "{0} is not a photo of this visit (an upload id and a place).",
}


class NotYourWork(frappe.ValidationError):
	"""An action queued on the phone by another user than the one signed in: answered 409 and not
	recorded; the phone keeps it for the user who queued it."""

	http_status_code = 409


@app_action
def receive(raw: dict, user: str | None = None) -> dict:
	"""Take one action from the phone's outbox: do it once; a replay answers what the first did."""
	user = user or frappe.session.user
	queued_by = raw.get("user") if isinstance(raw, dict) else None
	if queued_by and queued_by != user:
		raise NotYourWork(
			_("This was queued on the phone by {0}, not by {1}: it is sent when {0} signs in again.").format(
				str(queued_by)[:140], user
			)
		)
	engineer = engineer_of(user)
	rules = settings()
	try:
		action = read(
			raw,
			datetime.datetime.now(datetime.timezone.utc),
			ahead=datetime.timedelta(minutes=rules.clock_skew_allowance_minutes or 0),
			largest_correction=datetime.timedelta(hours=rules.max_phone_correction_hours or 24),
		)
	except ActionError as error:
		frappe.throw(_(MESSAGES[error.reason]).format(error.detail), title=_("Invalid Action"))
	done = _recorded(action, user)
	if done:
		return done
	at = site_time(action.at)
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"action_id": action.id,
			"user": user,
			"kind": action.kind,
			"status": "Done",
			"phone_time": site_time(action.phone_at),
			"phone_offset": action.phone_at.strftime("%z"),
			"phone_sent_at": site_time(action.sent_at) if action.sent_at else None,
			"clock_correction": action.correction.total_seconds(),
			"act_time": at,
			"received_on": now_datetime(),
			"content_hash": action.digest,
		}
	)
	frappe.db.savepoint(SAVEPOINT)
	try:
		# the id is claimed first: the same action sent twice at once waits here for the first send
		# to finish, then finds it recorded and answers as a replay
		log.insert(ignore_permissions=True)
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		frappe.db.rollback()
		return _recorded(action, user) or frappe.throw(_("Send the action again."))
	try:
		status, doctype, name, message = HANDLERS[action.kind](action.payload, at, user, engineer, action)
		log.db_set({"status": status, "result_doctype": doctype, "result_name": name, "message": message})
	except Exception:
		undo_to(SAVEPOINT)  # refused: nothing of it is kept, its id included
		raise
	return _answer(log, replay=False)


def _recorded(action, user: str) -> dict | None:
	row = frappe.db.get_value(LOG, {"action_id": action.id}, ["*"], as_dict=True)
	if not row:
		return None
	if row.user != user or row.content_hash != action.digest:
		frappe.throw(
			_("Action {0} was already received with other content; the phone must not reuse an id.").format(
				action.id
			),
			title=_("Action Id Reused"),
		)
	return _answer(row, replay=True)


def _answer(row, replay: bool) -> dict:
	return {
		"id": row.action_id,
		"status": row.status,
		"doctype": row.result_doctype,
		"name": row.result_name,
		"message": row.message,
		"received_on": row.received_on,
		"replay": replay,
	}


# ------------------------------------------------------------------ what each action does
def _visit_task(payload: dict, user: str) -> tuple[frappe._dict | None, str | None]:
	"""The visit's task, and why the visit is kept as a draft instead of closing it: the task was
	cancelled, done or given to someone else meanwhile, or the engineer asks to keep a visit the
	server refused as a draft for the desk to correct."""
	task, why = _my_task(payload.get("task"), user)
	if payload.get("keep_as_draft"):
		why = _("Refused on receipt ({0}); kept as a draft for the desk to correct.").format(
			str(payload.get("refusal") or _("no reason given"))[:500]
		)
	return task, why


def _my_task(task: str | None, user: str) -> tuple[frappe._dict | None, str | None]:
	"""The task, and why the visit cannot close it (cancelled, done, or someone else's)."""
	if not task:
		return None, None
	row = frappe.db.get_value(
		TASK,
		task,
		["name", "status", "assigned_to", "unit", "service_type", "reference_doctype", "reference_name"],
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Genset Service Task {0} not found.").format(task), frappe.DoesNotExistError)
	if row.status == TaskStatus.CANCELLED:
		return row, _("Task {0} was cancelled meanwhile.").format(task)
	if row.status == TaskStatus.DONE:
		return row, _("Task {0} was done meanwhile.").format(task)
	if row.assigned_to != user:
		return row, _("Task {0} was given to {1} meanwhile.").format(task, row.assigned_to or _("nobody"))
	return row, None


def _check_in(payload: dict, at, user: str, engineer, action) -> tuple:
	from genset_service.scheduling.clocks import check_in

	request = payload["request"]
	state = frappe.db.get_value(REQUEST, request, "status")
	if not state:
		frappe.throw(_("Genset Service Request {0} not found.").format(request), frappe.DoesNotExistError)
	if state in ("Resolved", "Closed", "Cancelled"):
		return (
			"Refused",
			REQUEST,
			request,
			_("Request {0} is {1}: the arrival was not recorded.").format(request, _(state)),
		)
	check_in(
		request,
		user,
		at,
		source="Phone",
		phone_time=site_time(action.phone_at),
		correction=action.correction.total_seconds(),
	)
	return "Done", REQUEST, request, None


def _running_hours(payload: dict, at, user: str, engineer, action) -> tuple:
	from genset_service.scheduling.readings import record_reading

	hours = _number(payload["hours"], _("running hours"))
	reading = record_reading(payload["unit"], hours, at, "Manual", remarks=_("From the field app"))
	return "Done", reading.doctype, reading.name, None


def _inspection(payload: dict, at, user: str, engineer, action) -> tuple:
	task, why = _visit_task(payload, user)
	template = frappe.get_doc("Genset Inspection Template", payload["template"])
	given = {str(row.get("checkpoint")): row for row in payload["readings"] if isinstance(row, dict)}
	unknown = sorted(set(given) - {item.checkpoint for item in template.items})
	if unknown or len(given) != len(payload["readings"]):
		frappe.throw(
			_("Readings for checkpoints not on the checklist {0}: {1}.").format(
				template.name, ", ".join(unknown) or _("(not a reading)")
			),
			title=_("Invalid Reading"),
		)
	doc = frappe.get_doc(
		{
			"doctype": "Genset Inspection",
			"inspection_kind": template.inspection_kind,
			"template": template.name,
			"inspection_date": at.date(),
			"inspector": user,
			**_linked(task, why),
			"result": payload.get("result") or "Accepted",
			"running_hours": flt(payload.get("running_hours")) or None,
			"remarks": payload.get("remarks"),
			**_signoff(payload),
			"readings": [
				{
					**{field: item.get(field) for field in CHECKPOINT_FIELDS},
					"value": str((given.get(item.checkpoint) or {}).get("value") or "")[:140],
					"remarks": (given.get(item.checkpoint) or {}).get("remarks"),
				}
				for item in template.items
			],
		}
	)
	sent = {item.checkpoint: (given.get(item.checkpoint) or {}).get("photo") for item in template.items}
	try:
		refs = {checkpoint: photo_ref(value) for checkpoint, value in sent.items()}
	except ActionError as error:
		frappe.throw(_(MESSAGES[error.reason]).format(error.detail), title=_("Invalid Action"))
	uploaded = resolve([ref for ref in refs.values() if ref], user)
	for row in doc.readings:
		if refs.get(row.checkpoint):
			row.photo = uploaded[refs[row.checkpoint]].file
	# a photo carried in the visit itself, as older phones send it
	photos = {checkpoint: _photo(value) for checkpoint, value in sent.items() if isinstance(value, str)}
	return _save_visit(doc, why, photos, payload, list(uploaded.values()))


def _service_report(payload: dict, at, user: str, engineer, action) -> tuple:
	task, why = _visit_task(payload, user)
	warehouse = engineer.van_warehouse or settings().parts_warehouse
	parts = []
	for row in payload.get("parts") or []:
		qty = _number(row.get("qty") if isinstance(row, dict) else None, _("quantity"))
		if qty <= 0:
			frappe.throw(
				_("Part {0}: the quantity must be more than zero, not {1}.").format(
					row.get("item_code"), qty
				),
				title=_("Invalid Part"),
			)
		parts.append({"item_code": row.get("item_code"), "qty": qty, "warehouse": warehouse})
	start = site_time(_aware(payload["start"]))
	doc = frappe.get_doc(
		{
			"doctype": "Genset Service Report",
			"unit": payload["unit"],
			"service_type": payload["service_type"],
			"task": task.name if task and not why else None,
			"service_request": payload.get("request") if not why else None,
			"engineer": user,
			"start_time": start,
			"end_time": at,
			"running_hours": flt(payload.get("running_hours")) or None,
			"work_done": str(payload["work_done"])[:10_000],
			"parts": parts,
			**_signoff(payload),
		}
	)
	return _save_visit(doc, why, {}, payload)


def _return_visit(payload: dict, at, user: str, engineer, action) -> tuple:
	task, why = _visit_task(payload, user)
	doc = frappe.get_doc(
		{
			"doctype": "Genset Return Visit",
			**_linked(task, why),
			"visit_date": at.date(),
			"visited_by": user,
			"running_hours": flt(payload.get("running_hours")) or None,
			"usage": str(payload["usage"])[:10_000],
			"feedback": str(payload["feedback"])[:10_000],
			"issues_found": 1 if payload.get("issues_found") else 0,
		}
	)
	return _save_visit(doc, why, {}, payload)


def _training(payload: dict, at, user: str, engineer, action) -> tuple:
	task, why = _visit_task(payload, user)
	attendees = payload["attendees"]
	if (
		not isinstance(attendees, list)
		or len(attendees) > MAX_ATTENDEES
		or not all(isinstance(row, dict) and str(row.get("attendee_name") or "").strip() for row in attendees)
	):
		frappe.throw(
			_("Attendees must be a list of up to {0}, each with a name.").format(MAX_ATTENDEES),
			title=_("Invalid Attendees"),
		)
	doc = frappe.get_doc(
		{
			"doctype": "Genset Operation Training",
			**_linked(task, why),
			"training_date": at.date(),
			"trainer": user,
			"topics": str(payload["topics"])[:10_000],
			"attendees": [
				{
					"attendee_name": str(row["attendee_name"]).strip()[:140],
					"designation": str(row.get("designation") or "")[:140],
				}
				for row in attendees
			],
			**_signoff(payload),
		}
	)
	return _save_visit(doc, why, {}, payload)


HANDLERS = {
	"check_in": _check_in,
	"running_hours": _running_hours,
	"inspection": _inspection,
	"service_report": _service_report,
	"return_visit": _return_visit,
	"training": _training,
}


def form_of(service_type: str, inspection_kind: str | None = None) -> str:
	"""The phone's form for a task of ``service_type``."""
	return "inspection" if inspection_kind else FORMS.get(service_type, "service_report")


def _linked(task, why: str | None) -> dict:
	"""The genset and task a visit records: no task when the visit is kept as a draft."""
	return {"unit": task.unit, "task": None if why else task.name}


def _signoff(payload: dict) -> dict:
	"""The customer's name and signature (an image, checked)."""
	return {
		"customer_signatory": str(payload["signatory"])[:140],
		"customer_signature": _signature(payload["signature"]),
	}


def _save_visit(doc, why: str | None, photos: dict, payload: dict, uploaded: list = ()) -> tuple:
	"""Insert the visit; submit it, or keep it as a draft in the desk with the reason. A visit the
	engineer keeps as a draft after a refusal is saved as it came (its checks run when the desk saves
	it), so that nothing of it is lost."""
	doc.flags.ignore_permissions = True
	if payload.get("keep_as_draft"):
		doc.flags.ignore_validate = doc.flags.ignore_mandatory = doc.flags.ignore_links = True
	doc.insert()
	attach(uploaded, doc)
	for row in doc.get("readings") or []:
		if photos.get(row.checkpoint):
			content, extension = photos[row.checkpoint]
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{doc.name}-{row.idx}.{extension}",
					"attached_to_doctype": doc.doctype,
					"attached_to_name": doc.name,
					"content": content,
					"is_private": 1,
				}
			).insert(ignore_permissions=True)
			row.db_set("photo", file.file_url)
	if why:
		doc.add_comment("Info", _("Kept as a draft from the field app: {0}").format(why))
		return "Draft", doc.doctype, doc.name, why
	doc.submit()
	return "Done", doc.doctype, doc.name, None


# ------------------------------------------------------------------ the content, checked
def _number(value, label: str) -> float:
	try:
		number = float(value)
	except (TypeError, ValueError):
		frappe.throw(
			_("The {0} must be a number, not {1}.").format(label, str(value)[:40]), title=_("Invalid Number")
		)
	if number != number or number in (float("inf"), float("-inf")):
		frappe.throw(_("The {0} must be a finite number.").format(label), title=_("Invalid Number"))
	return number


def site_time(moment: datetime.datetime) -> datetime.datetime:
	"""A time-zone aware moment on the site's clock, as Frappe stores it."""
	return local_time(moment, zoneinfo.ZoneInfo(get_system_timezone()))


def _aware(text) -> datetime.datetime:
	try:
		return parse_time(text)
	except ActionError as error:
		frappe.throw(_(MESSAGES[error.reason]).format(error.detail), title=_("Invalid Action"))


def _decode_image(data, what: str) -> tuple[bytes, str]:
	"""(bytes, extension) of a data-URI image; anything else is refused."""
	text = str(data or "")
	if not text.startswith("data:image/") or ";base64," not in text:
		frappe.throw(_("The {0} is not an image.").format(what), title=_("Invalid Image"))
	if len(text) > PHOTO_BYTES * 4 // 3 + 100:
		frappe.throw(
			_("The {0} is over {1} MB: the phone sends photos resized.").format(what, PHOTO_BYTES // 2**20),
			title=_("Image Too Large"),
		)
	try:
		content = base64.b64decode(text.split(";base64,", 1)[1], validate=True)
	except ValueError:
		frappe.throw(_("The {0} is not an image.").format(what), title=_("Invalid Image"))
	extension = next((ext for magic, ext in IMAGE_MAGIC.items() if content.startswith(magic)), None)
	if not extension:
		frappe.throw(_("The {0} is not an image.").format(what), title=_("Invalid Image"))
	return content, extension


def _photo(data) -> tuple[bytes, str] | None:
	return _decode_image(data, _("photo")) if data else None


def _signature(data) -> str:
	_decode_image(data, _("signature"))
	return str(data)
