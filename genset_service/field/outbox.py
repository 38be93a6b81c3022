"""The phone's outbox, as the server reads it (pure: no Frappe).

Each action the phone queues carries an id made on the phone, its kind, the phone's time of the act
with its time-zone offset, and its content. The server keeps each id with a hash of its content: the
same id sent again is a replay (answered with what the first send did); the same id with other
content is refused. The phone's time is what the record uses, when it is sane."""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass

ACTION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# a photo's place in a visit (the checkpoint's number)
SLOT = re.compile(r"^[0-9]{1,4}$")
# what each kind of action must carry (rules as data)
REQUIRED = {
	"check_in": ("request",),
	"running_hours": ("unit", "hours"),
	"inspection": ("task", "template", "readings", "signatory", "signature"),
	"service_report": ("unit", "service_type", "start", "work_done", "signatory", "signature"),
	"return_visit": ("task", "usage", "feedback"),
	"training": ("task", "topics", "attendees", "signatory", "signature"),
}

# how far the (corrected) time of an act may run ahead of the server's, how old an act may be, and the
# largest correction of a phone's clock that is trusted
AHEAD = datetime.timedelta(minutes=5)
OLDEST = datetime.timedelta(days=30)
LARGEST_CORRECTION = datetime.timedelta(hours=24)
# a difference this small between the phone's clock when it sent and the server's at receipt is the
# network's transit, not a clock that is off: not corrected
TRANSIT = datetime.timedelta(seconds=30)


class ActionError(ValueError):
	"""Bad input in an action: ``reason`` names the rule, ``detail`` what broke it."""

	def __init__(self, reason: str, detail: str = ""):
		super().__init__(reason, detail)
		self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Action:
	id: str
	kind: str
	at: datetime.datetime  # the time of the act, corrected for the phone's clock, time-zone aware
	payload: dict
	digest: str
	phone_at: datetime.datetime  # the time of the act as the phone's clock read it
	sent_at: datetime.datetime | None = None  # the phone's clock when it sent the action
	correction: datetime.timedelta = datetime.timedelta(0)  # added to the phone's times


def correction_of(sent_at: datetime.datetime | None, received: datetime.datetime) -> datetime.timedelta:
	"""How far the phone's clock is off, in whole seconds: the server's time at receipt minus the
	phone's time when it sent; up to ``TRANSIT`` it is the network's delay, and nothing is corrected."""
	if not sent_at:
		return datetime.timedelta(0)
	off = datetime.timedelta(seconds=round((received - sent_at).total_seconds()))
	return off if abs(off) > TRANSIT else datetime.timedelta(0)


def digest(kind: str, at: str, payload: dict) -> str:
	"""The hash of an action's content, whatever the order of its keys."""
	text = json.dumps({"kind": kind, "at": at, "payload": payload}, sort_keys=True, separators=(",", ":"))
	return hashlib.sha256(text.encode()).hexdigest()


def parse_time(text: str) -> datetime.datetime:
	"""An ISO 8601 time with its offset (``2026-12-07T10:15:00+01:00`` or ``...Z``)."""
	try:
		moment = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
	except ValueError:
		raise ActionError("bad_time", str(text)[:40]) from None
	if moment.tzinfo is None:
		raise ActionError("no_offset", str(text)[:40])
	return moment


def read(
	raw: dict,
	received: datetime.datetime,
	ahead: datetime.timedelta = AHEAD,
	largest_correction: datetime.timedelta = LARGEST_CORRECTION,
) -> Action:
	"""An action from the phone, checked: its id, kind, required content and a sane time of the act
	(``received`` is the server's time, time-zone aware). A phone that says what its clock read when it
	sent (``sent_at``) has its time of the act corrected by its clock's error; a correction larger than
	``largest_correction`` is refused, and the corrected time must not lie after the receipt by more
	than ``ahead``."""
	if not isinstance(raw, dict):
		raise ActionError("not_an_action")
	action_id, kind = str(raw.get("id") or ""), str(raw.get("kind") or "")
	if not ACTION_ID.match(action_id):
		raise ActionError("bad_id", action_id[:70])
	if kind not in REQUIRED:
		raise ActionError("unknown_kind", kind[:40])
	payload = raw.get("payload")
	if not isinstance(payload, dict):
		raise ActionError("no_payload")
	missing = [name for name in REQUIRED[kind] if payload.get(name) in (None, "", [])]
	if missing:
		raise ActionError("missing", ", ".join(missing))
	phone_at = parse_time(raw.get("at"))
	sent_at = parse_time(raw["sent_at"]) if raw.get("sent_at") else None
	correction = correction_of(sent_at, received)
	if abs(correction) > largest_correction:
		raise ActionError("skewed", f"{sent_at.isoformat()} / {received.isoformat()}")
	at = phone_at + correction
	if sent_at and phone_at > sent_at + ahead:
		raise ActionError("after_sending", phone_at.isoformat())
	if at > received + ahead:
		raise ActionError("future", at.isoformat())
	if at < received - OLDEST:
		raise ActionError("too_old", at.isoformat())
	# the digest is of what the phone queued: a replay sends another sent_at and is still the same action
	return Action(
		action_id,
		kind,
		at,
		payload,
		digest(kind, str(raw.get("at")), payload),
		phone_at=phone_at,
		sent_at=sent_at,
		correction=correction,
	)


def photo_ref(value) -> tuple[str, str] | None:
	"""A photo a visit refers to, uploaded on its own (``{"upload": <id>, "slot": <n>}``), or None for
	a photo carried in the visit itself (a data URI, as older phones send) or none."""
	if not isinstance(value, dict):
		return None
	upload, slot = (
		str(value.get("upload") or ""),
		str(value.get("slot") if value.get("slot") is not None else ""),
	)
	if not ACTION_ID.match(upload) or not SLOT.match(slot):
		raise ActionError("bad_photo_ref", f"{upload[:70]}:{slot[:10]}")
	return upload, slot


def local(at: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
	"""The act's time on the site's clock, naive (as Frappe stores datetimes)."""
	return at.astimezone(zone).replace(tzinfo=None)
