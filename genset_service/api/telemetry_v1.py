"""Version 1 of the telemetry API: ``/api/method/genset_service.api.telemetry_v1.<function>``.

A device posts its readings and alarms with its own token (``ingest``); staff make a device's token
(``new_device_token``); staff and the genset's customer read what it reported (``get_unit_telemetry``).
The MQTT bridge (``bench genset-telemetry-bridge``) feeds the same path as ``ingest`` (docs/api.md)."""

import secrets
from typing import Annotated

import frappe
from frappe import _

from genset_service.api.guard import Limit, Name, checked
from genset_service.scheduling.common import UNIT
from genset_service.telemetry import model
from genset_service.telemetry.bridge import bridges
from genset_service.telemetry.charts import MAX_DAYS, unit_telemetry
from genset_service.telemetry.common import (
	DEVICE,
	SETTINGS,
	TOKEN_PREFIX,
	now,
	token_hash,
	token_matches,
)
from genset_service.telemetry.ingest import known_devices, read_json, store

DEVICE_HEADER = "X-Genset-Device"
TOKEN_HEADER = "X-Genset-Token"
Days = Annotated[int, Limit(1, MAX_DAYS)]


class PayloadTooLarge(frappe.ValidationError):
	http_status_code = 413


def _authenticate(device: str | None, token: str | None) -> str:
	"""The enabled device this token belongs to, else a 401: the same answer for an unknown device, a
	disabled one and a wrong token (the endpoint tells a stranger nothing)."""
	row = (
		frappe.db.get_value(DEVICE, device, ["name", "enabled", "token_hash"], as_dict=True)
		if device and isinstance(device, str) and len(device) <= 140
		else None
	)
	if not (row and row.enabled and token_matches(token, row.token_hash)):
		frappe.throw(
			_("The request does not come from a known device with its token ({0} and {1} headers).").format(
				DEVICE_HEADER, TOKEN_HEADER
			),
			frappe.AuthenticationError,
			title=_("Not Authenticated"),
		)
	return row.name


@frappe.whitelist(methods=["POST"], allow_guest=True)
def ingest() -> dict:
	"""A device's readings and alarms: one entry or a batch (``{"readings": [...]}``), the JSON of
	docs/api.md. Each entry is kept, a replay (kept before), or refused with its reason; a replayed batch
	changes nothing. 401 without the device's token; 413 over 256 KB; 417 when nothing of it was good."""
	request = getattr(frappe.local, "request", None)
	headers = request.headers if request else {}
	device = _authenticate(headers.get(DEVICE_HEADER), headers.get(TOKEN_HEADER))
	if request is not None and (request.content_length or 0) > model.MAX_BYTES:
		frappe.throw(
			_("A message holds at most {0} KB; this one has {1} KB.").format(
				model.MAX_BYTES // 1024, request.content_length // 1024
			),
			PayloadTooLarge,
			title=_("Too Large"),
		)
	body = request.get_data() if request else b""
	# authenticated by its token: what follows is the app's own work for this device
	frappe.set_user("Administrator")
	at = now()
	message = read_json(device, body, known_devices([device]), at)
	whole = [
		r for r in message.parsed.refusals if r.entry is None and r.reason != model.Reason.TOO_MANY_ENTRIES
	]
	if whole and not message.parsed.readings and not message.parsed.alarms:
		first = whole[0]
		frappe.throw(
			_("The message was refused: {0}.").format(_(first.reason.replace("_", " "))),
			PayloadTooLarge if first.reason == model.Reason.TOO_LARGE else frappe.ValidationError,
			title=_("Invalid Message"),
		)
	store([message], at)
	answer = message.answer()
	if message.parsed.refusals and not (message.stored or message.duplicates or message.parsed.alarms):
		# nothing of it was good: a 417, with the reason of each refusal
		frappe.local.response["http_status_code"] = 417
	return answer


@frappe.whitelist(methods=["POST"])
@checked
def new_device_token(device: Name) -> dict:
	"""A new token for a device (the old one stops working); shown this once, kept only as a hash."""
	if not frappe.db.exists(DEVICE, device):
		frappe.throw(_("Genset Device {0} not found.").format(device), frappe.DoesNotExistError)
	doc = frappe.get_doc(DEVICE, device)
	doc.check_permission("write")
	token = TOKEN_PREFIX + secrets.token_urlsafe(32)
	frappe.db.set_value(
		DEVICE,
		device,
		{"token_hash": token_hash(token), "token_hint": token[:8] + "...", "token_set_on": now()},
	)
	doc.add_comment("Info", _("A new token was made; the one before it no longer works."))
	return {"device": device, "token": token, "headers": {DEVICE_HEADER: device, TOKEN_HEADER: token}}


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def get_unit_telemetry(unit: Name, days: Days = 30) -> dict:
	"""What a genset reported: its last reading of each metric, hours run a day, open alarms, recent
	events and charts over ``days`` (hourly up to 3 days, daily after)."""
	if not frappe.db.exists(UNIT, unit):
		frappe.throw(_("Genset Unit {0} not found.").format(unit), frappe.DoesNotExistError)
	frappe.get_doc(UNIT, unit).check_permission("read")
	return unit_telemetry(unit, days)


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
def get_bridges() -> list[dict]:
	"""The MQTT bridges that reported in the last two minutes, with their counts (for the settings)."""
	frappe.has_permission(SETTINGS, "read", throw=True)
	return bridges()
