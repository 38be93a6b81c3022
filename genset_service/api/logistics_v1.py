"""Version 1 of the logistics API: ``/api/method/genset_service.api.logistics_v1.<function>``.

Shipments made from Delivery Notes, milestones recorded by staff and integrators, the customer's
confirmation of an arrival, a shipment's timeline, and the carriers' signed webhook (docs/api.md).
"""

from typing import Annotated

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from genset_service.api.guard import DateString, Length, Name, Text, checked, name_list
from genset_service.field.sync import site_time
from genset_service.logistics import model as M
from genset_service.logistics import shipment as S
from genset_service.logistics import webhook
from genset_service.logistics.common import MILESTONE, SHIPMENT, timeline
from genset_service.logistics.journey import check_event, record_events
from genset_service.permissions import customers_of, is_portal_user
from genset_service.scheduling.common import UNIT

NameList = Annotated[str, Length(20_000)]
TimeString = Annotated[str, Length(40)]
Place = Annotated[str, Length(140)]
Mode = Annotated[str, Length(20)]


def _list(value: str | None, what: str) -> list[str] | None:
	"""Names as a JSON list or comma-separated, each once."""
	names = name_list(value, what, _("Invalid Argument"))
	return list(dict.fromkeys(names)) if names else None


def _time(value: str | None):
	if not value:
		return now_datetime().replace(microsecond=0)
	try:
		return M.parse_time(value, site_time)
	except M.EventError:
		frappe.throw(
			_("{0} is not a date and time (ISO 8601, e.g. 2026-12-04T08:30:00+04:00).").format(value),
			title=_("Invalid Time"),
		)


def _shipment(name: str):
	if not frappe.db.exists(SHIPMENT, name):
		frappe.throw(_("Shipment {0} not found.").format(name), frappe.DoesNotExistError)
	doc = frappe.get_doc(SHIPMENT, name)
	doc.check_permission("read")
	return doc


@frappe.whitelist(methods=["POST"])
@checked
def make_shipment(
	delivery_notes: NameList,
	mode: Mode,
	origin: Place,
	destination: Place,
	planned_eta: DateString,
	units: NameList | None = None,
	carrier_account: Name | None = None,
	tracking_number: Name | None = None,
	bill_of_lading: Name | None = None,
	incoterm: Name | None = None,
) -> dict:
	"""A shipment of the gensets of these Delivery Notes, with ERPNext's Shipment as its header."""
	if mode not in ("Sea", "Road", "Air", "Rail", "Multimodal"):
		frappe.throw(_("Mode must be Sea, Road, Air, Rail or Multimodal."), title=_("Invalid Mode"))
	return S.make_from_delivery_notes(
		_list(delivery_notes, _("Delivery Notes")),
		mode=mode,
		origin=origin,
		destination=destination,
		planned_eta=planned_eta,
		units=_list(units, _("Gensets")),
		carrier_account=carrier_account,
		tracking_number=tracking_number,
		bill_of_lading=bill_of_lading,
		incoterm=incoterm,
	)


@frappe.whitelist(methods=["POST"])
@checked
def record_milestone(
	shipment: Name,
	milestone: Name,
	time: TimeString | None = None,
	place: Place | None = None,
	eta: DateString | None = None,
	reason: Place | None = None,
	details: Text | None = None,
	unit: Name | None = None,
) -> dict:
	"""One milestone of a shipment, by staff or an integrator (or, for their own genset's arrival only,
	a customer). A repeat of a recorded one (same milestone, time and genset) is a replay."""
	if milestone not in M.MILESTONES:
		frappe.throw(
			_("{0} is not a milestone; one of: {1}.").format(milestone, ", ".join(M.MILESTONES)),
			title=_("Invalid Milestone"),
		)
	doc = _shipment(shipment)
	portal = is_portal_user()
	if portal:
		if milestone not in M.PORTAL_MILESTONES or not unit:
			raise frappe.PermissionError(_("A customer may only confirm the arrival of their own genset."))
	else:
		frappe.has_permission(MILESTONE, "create", throw=True)
	if portal and frappe.db.get_value(UNIT, unit, "customer") not in customers_of():
		raise frappe.PermissionError(_("A customer may only confirm the arrival of their own genset."))
	when = _time(time)
	check_event(doc.name, doc.status, {row.unit for row in doc.units}, unit, when)
	source = M.Source.PORTAL if portal else (M.Source.DESK if _from_desk() else M.Source.API)
	(result,) = record_events(
		[
			{
				"shipment": doc.name,
				"milestone": milestone,
				"event_time": when,
				"place": place,
				"new_eta": getdate(eta) if eta else None,
				"reason": reason,
				"details": details,
				"unit": unit,
			}
		],
		source,
	)
	return {**result, "shipment": get_shipment_state(doc.name)}


def _from_desk() -> bool:
	"""A desk session (a browser with a session cookie), not an API key."""
	request = getattr(frappe.local, "request", None)
	auth = (request.headers.get("Authorization") or "") if request else ""
	return not auth.lower().startswith(("token ", "basic ", "bearer "))


@frappe.whitelist(methods=["POST"])
@checked
def confirm_arrival(unit: Name, time: TimeString | None = None) -> dict:
	"""The customer (or staff) confirms that a genset arrived at its site."""
	shipment = frappe.db.get_value(UNIT, unit, "shipment") if frappe.db.exists(UNIT, unit) else None
	if not frappe.db.exists(UNIT, unit):
		frappe.throw(_("Genset Unit {0} not found.").format(unit), frappe.DoesNotExistError)
	frappe.get_doc(UNIT, unit).check_permission("read")
	if not shipment:
		frappe.throw(_("Genset Unit {0} is not on a shipment.").format(unit), title=_("No Shipment"))
	return record_milestone(shipment=shipment, milestone=M.DELIVERED, time=time, unit=unit)


def get_shipment_state(name: str) -> dict:
	doc = frappe.get_doc(SHIPMENT, name)
	return {
		"name": doc.name,
		"status": doc.status,
		"mode": doc.mode,
		"lane": doc.lane,
		"customer": doc.customer,
		"planned_eta": doc.planned_eta,
		"eta": doc.eta,
		"days_late": doc.days_late,
		"tracking_number": doc.tracking_number,
		"tracking_url": doc.tracking_url,
		"last_event": doc.last_event,
		"last_event_on": doc.last_event_on,
		"next_leg": doc.next_leg,
		"erpnext_shipment": doc.shipment,
		"units": [
			{"unit": row.unit, "serial_no": row.serial_no, "arrival_date": row.arrival_date}
			for row in doc.units
		],
		"legs": [
			{
				"mode": leg.leg_mode,
				"from": leg.from_place,
				"to": leg.to_place,
				"planned_departure": leg.planned_departure,
				"planned_arrival": leg.planned_arrival,
				"actual_departure": leg.actual_departure,
				"actual_arrival": leg.actual_arrival,
			}
			for leg in doc.legs
		],
		"milestones": timeline(doc.name),
	}


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def get_shipment(shipment: Name) -> dict:
	"""A shipment: where it is, its ETA, its gensets and legs, and its milestones in time order."""
	_shipment(shipment)
	return get_shipment_state(shipment)


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
@checked
def get_unit_journey(unit: Name) -> dict:
	"""The shipment of a genset (None when it travels on none)."""
	if not frappe.db.exists(UNIT, unit):
		frappe.throw(_("Genset Unit {0} not found.").format(unit), frappe.DoesNotExistError)
	frappe.get_doc(UNIT, unit).check_permission("read")
	shipment = frappe.db.get_value(UNIT, unit, "shipment")
	return {"unit": unit, "shipment": get_shipment_state(shipment) if shipment else None}


@frappe.whitelist(methods=["POST"])
@checked
def cancel_shipment(shipment: Name, reason: Place) -> dict:
	"""A shipment that will not travel: its gensets go back to the usual transit days."""
	_shipment(shipment)
	S.cancel(shipment, reason)
	return get_shipment_state(shipment)


@frappe.whitelist(methods=["POST"], allow_guest=True)
def carrier_events(account: str | None = None) -> dict:
	"""The carrier's webhook: a signed batch of events (docs/api.md). 401 without a good signature."""
	request = getattr(frappe.local, "request", None)
	body = request.get_data() if request else b""
	# Frappe reads the arguments of a JSON request from its body alone: the account is in the URL
	account = account or (request.args.get("account") if request else None)
	if account is not None and not isinstance(account, str):
		account = None  # the same 401 as any stranger
	headers = request.headers if request else {}
	account = webhook.authenticate(
		account, body, headers.get(M.TIMESTAMP_HEADER), headers.get(M.SIGNATURE_HEADER)
	)
	events = webhook.parse_batch(body)
	# authenticated by its signature: what follows is the app's own work for this carrier account
	frappe.set_user("Administrator")
	return webhook.receive(account, events)
