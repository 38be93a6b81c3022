"""A carrier's webhook on the site: one endpoint per carrier account, each request signed with the
account's secret; a batch of events, each recorded, a replay, acknowledged or refused with its reason.

The signature (``X-Genset-Signature: sha256=<hex>``) is an HMAC-SHA256 of ``<timestamp>.<raw body>``
with the account's secret, the timestamp (``X-Genset-Timestamp``, Unix seconds) no more than 5 minutes
off. Nothing of a refused event is written; the others are kept (docs/api.md)."""

import datetime
import json
import time

import frappe
from frappe import _
from frappe.utils import now_datetime
from frappe.utils.password import get_decrypted_password

from genset_service.access.guard import app_action
from genset_service.field.sync import site_time
from genset_service.logistics import model as M
from genset_service.logistics.common import ACCOUNT, SHIPMENT
from genset_service.logistics.journey import BACKGROUND, record_events
from genset_service.logistics.shipment import accounts_status_map

REASONS = {
	"missing": "a required key is missing",
	"not_text": "a key is not text",
	"too_long": "a value is too long",
	"bad_time": "time is not an ISO 8601 time",
	"bad_date": "eta is not a date (YYYY-MM-DD)",
	"not_an_object": "the event is not a JSON object",
	"unknown_status": "the carrier status is not in the account's status map",
	"unknown_tracking_number": "no live shipment of this account has this tracking number",
	"time_in_future": "the event's time is more than a day ahead",
}


def authenticate(account: str | None, body: bytes, timestamp: str | None, given: str | None) -> str:
	"""The enabled account whose secret signed this body, else a 401 (the same for an unknown account
	and a bad signature: the endpoint tells a stranger nothing)."""
	enabled = frappe.db.get_value(ACCOUNT, account, "enabled") if account else None
	secret = (
		get_decrypted_password(ACCOUNT, account, "webhook_secret", raise_exception=False) if enabled else None
	)
	reason = M.check_signature(secret, timestamp, body, given, time.time())
	if reason:
		frappe.throw(
			_("The request is not signed by a known carrier account ({0}).").format(reason),
			frappe.AuthenticationError,
			title=_("Not Authenticated"),
		)
	return account


def parse_batch(body: bytes) -> list:
	try:
		payload = json.loads(body or b"{}")
	except ValueError:
		frappe.throw(_("The body is not JSON."), title=_("Invalid Batch"))
	events = payload.get("events") if isinstance(payload, dict) else None
	if not isinstance(events, list):
		frappe.throw(_('The body must be a JSON object with a list "events".'), title=_("Invalid Batch"))
	if len(events) > M.MAX_EVENTS:
		frappe.throw(
			_("A batch holds at most {0} events; this one has {1}.").format(M.MAX_EVENTS, len(events)),
			title=_("Invalid Batch"),
		)
	return events


def refused(event_id, reason: str) -> dict:
	return {"id": event_id, "result": "refused", "reason": reason, "message": _(REASONS.get(reason, reason))}


@app_action
def receive(account: str, events: list) -> dict:
	"""Record a batch of a carrier's events; one result per event, in order."""
	status_map = accounts_status_map(account)
	results: list[dict | None] = [None] * len(events)
	parsed = []
	latest = now_datetime() + M.FUTURE_TOLERANCE
	for index, raw in enumerate(events):
		event_id = raw.get("id") if isinstance(raw, dict) else None
		try:
			event = M.parse_event(raw, site_time)
		except M.EventError as error:
			results[index] = refused(event_id, error.reason)
			continue
		milestone = status_map.get(event.carrier_status.lower())
		if milestone is None:
			results[index] = refused(event.event_id, "unknown_status")
		elif event.time > latest:
			results[index] = refused(event.event_id, "time_in_future")
		elif milestone == "":
			results[index] = {"id": event.event_id, "result": "acknowledged"}
		else:
			parsed.append((index, event, milestone))
	keys = {M.tracking_key(account, event.tracking_number) for _i, event, _m in parsed}
	shipments = dict(
		frappe.get_all(
			SHIPMENT,
			filters={"tracking_key": ("in", list(keys) or [""])},
			fields=["tracking_key", "name"],
			as_list=True,
		)
	)
	rows, where = [], []
	for index, event, milestone in parsed:
		shipment = shipments.get(M.tracking_key(account, event.tracking_number))
		if not shipment:
			results[index] = refused(event.event_id, "unknown_tracking_number")
			continue
		rows.append(
			{
				"shipment": shipment,
				"milestone": milestone,
				"event_time": event.time,
				"place": event.place,
				"new_eta": event.new_eta,
				"reason": event.reason,
				"details": event.details,
				"carrier_account": account,
				"carrier_event_id": event.event_id,
				"carrier_status": event.carrier_status,
			}
		)
		where.append((index, event.event_id, shipment))
	for (index, event_id, shipment), result in zip(
		where, record_events(rows, M.Source.CARRIER, plan=BACKGROUND), strict=True
	):
		results[index] = {"id": event_id, "result": result["result"], "shipment": shipment}
	counts: dict[str, int] = {}
	for result in results:
		counts[result["result"]] = counts.get(result["result"], 0) + 1
	return {"results": results, "counts": counts}
