"""Shipments on the site: made from Delivery Notes with ERPNext's Shipment as their header, checked on
every save, cancelled by the app's own action.

ERPNext's Shipment keeps what it has fields for (carrier, AWB number, tracking URL, incoterm, pickup,
delivery address, the Delivery Notes); the Genset Shipment keeps what it has not (mode, B/L, containers
and seals, legs, the milestones, the ETA) and names its gensets, which may come from several notes.
"""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from genset_service.access.guard import app_action
from genset_service.logistics import model as M
from genset_service.logistics.common import ACCOUNT, HEADER, MILESTONE, SHIPMENT, SHIPMENT_UNIT
from genset_service.logistics.journey import follow, follow_plan
from genset_service.scheduling.common import UNIT, UNIT_GONE, bulk_update

DN = "Delivery Note"
PICKUP_FROM, PICKUP_TO = "09:00:00", "17:00:00"


# ------------------------------------------------------------------ the controller's checks
def validate(doc) -> None:
	"""Its gensets (live, one customer, not on another live shipment), lane, tracking link and key."""
	names = [row.unit for row in doc.units if row.unit]
	if len(names) != len(set(names)):
		frappe.throw(_("A genset is listed twice on this shipment."), title=_("Invalid Shipment"))
	units = {
		unit.name: unit
		for unit in frappe.get_all(
			UNIT,
			filters={"name": ("in", names)},
			fields=["name", "status", "customer", "company", "arrival_date"],
		)
	}
	for name in names:
		unit = units.get(name)
		if not unit or (unit.status in UNIT_GONE and doc.status != M.Status.CANCELLED):
			frappe.throw(
				_("Genset Unit {0} is unknown, cancelled or returned.").format(name),
				title=_("Invalid Genset"),
			)
	customers = {unit.customer for unit in units.values()}
	if len(customers) > 1:
		frappe.throw(
			_("A shipment carries the gensets of one customer; these belong to {0}.").format(
				", ".join(sorted(customers))
			),
			title=_("Invalid Shipment"),
		)
	if units:
		first = units[names[0]]
		doc.customer, doc.company = first.customer, first.company
	if doc.planned_eta and getdate(doc.planned_eta).year < 1990:
		frappe.throw(_("The planned arrival is not a real date."), title=_("Invalid Shipment"))
	doc.lane = M.lane_of(doc.origin, doc.destination, doc.mode)
	doc.tracking_number = M.normalise_tracking(doc.tracking_number) or None
	doc.tracking_url = tracking_url(doc.carrier_account, doc.tracking_number)
	live = doc.status in M.Status.LIVE
	doc.tracking_key = (
		M.tracking_key(doc.carrier_account, doc.tracking_number) if doc.status != "Cancelled" else None
	)
	for row in doc.units:
		row.live_unit = row.unit if live else None
	if doc.is_new() and not doc.eta:
		doc.eta = doc.planned_eta
	doc.next_leg = next_leg(doc.legs)


def tracking_url(account: str | None, number: str | None) -> str | None:
	if not (account and number):
		return None
	template = frappe.db.get_value(ACCOUNT, account, "tracking_url_template")
	return template.replace("{tracking_number}", number) if template else None


def next_leg(legs) -> str | None:
	for leg in legs:
		if not leg.actual_arrival:
			return f"{leg.from_place} -> {leg.to_place}"
	return None


def on_update(doc) -> None:
	"""The gensets know their shipment; a genset taken off it forgets it; then the state and the plan."""
	before = doc.get_doc_before_save()
	now = {row.unit for row in doc.units}
	gone = {row.unit for row in before.units} - now if before else set()
	values = {name: {"shipment": doc.name} for name in now}
	left = frappe.get_all(UNIT, filters={"name": ("in", list(gone)), "shipment": doc.name}, pluck="name")
	values.update({name: {"shipment": None, "eta_date": None} for name in left})
	bulk_update(UNIT, values)
	follow([doc.name])
	if left:
		follow_plan(left)


def before_delete(doc) -> None:
	if frappe.db.exists(MILESTONE, {"shipment": doc.name}):
		frappe.throw(
			_("Shipment {0} has milestones: cancel it instead of deleting it.").format(doc.name),
			title=_("Cannot Delete"),
		)
	units = frappe.get_all(UNIT, filters={"shipment": doc.name}, pluck="name")
	bulk_update(UNIT, {name: {"shipment": None, "eta_date": None} for name in units})
	if units:
		follow_plan(units)


# ------------------------------------------------------------------ made from Delivery Notes
@app_action
def make_from_delivery_notes(
	delivery_notes: list[str],
	mode: str,
	origin: str,
	destination: str,
	planned_eta: str,
	units: list[str] | None = None,
	carrier_account: str | None = None,
	tracking_number: str | None = None,
	bill_of_lading: str | None = None,
	incoterm: str | None = None,
) -> frappe._dict:
	"""A Genset Shipment of the gensets of these notes (all not yet on a live shipment, or the ones
	named), with an ERPNext Shipment as its header, prefilled from the first note's transporter and LR
	number. Needs the right to create a Genset Shipment."""
	frappe.has_permission(SHIPMENT, "create", throw=True)
	notes = frappe.get_all(
		DN,
		filters={"name": ("in", delivery_notes)},
		fields=[
			"name",
			"docstatus",
			"is_return",
			"customer",
			"company",
			"transporter",
			"transporter_name",
			"lr_no",
			"lr_date",
			"posting_date",
		],
	)
	found = {note.name for note in notes}
	for name in delivery_notes:
		if name not in found:
			frappe.throw(_("Delivery Note {0} not found.").format(name), frappe.DoesNotExistError)
	for note in notes:
		if note.docstatus != 1 or note.is_return:
			frappe.throw(
				_("Delivery Note {0} is not a submitted delivery.").format(note.name),
				title=_("Invalid Shipment"),
			)
		frappe.has_permission(DN, "read", doc=note.name, throw=True)
	first = next(note for note in notes if note.name == delivery_notes[0])
	candidates = frappe.get_all(
		UNIT,
		filters={"delivery_note": ("in", delivery_notes), "status": ("not in", UNIT_GONE)},
		fields=["name", "arrival_date"],
		order_by="delivery_note asc, unit_index asc",
	)
	on_live = set(
		frappe.get_all(
			SHIPMENT_UNIT, filters={"live_unit": ("in", [u.name for u in candidates])}, pluck="live_unit"
		)
	)
	if units:
		known = {unit.name for unit in candidates}
		for name in units:
			if name not in known:
				frappe.throw(
					_("Genset Unit {0} is not a live genset of these Delivery Notes.").format(name),
					title=_("Invalid Shipment"),
				)
		chosen = [name for name in units if name not in on_live]
	else:
		chosen = [unit.name for unit in candidates if unit.name not in on_live and not unit.arrival_date]
	if not chosen:
		frappe.throw(
			_("Every genset of these Delivery Notes is already on a live shipment or has arrived."),
			title=_("Nothing to Ship"),
		)
	account = carrier_account or (
		frappe.db.get_value(ACCOUNT, first.transporter_name) if first.transporter_name else None
	)
	number = tracking_number or first.lr_no
	header = make_header(delivery_notes, first, number, account, incoterm, len(chosen))
	doc = frappe.get_doc(
		{
			"doctype": SHIPMENT,
			"shipment": header,
			"mode": mode,
			"origin": origin,
			"destination": destination,
			"planned_eta": planned_eta,
			"carrier_account": account,
			"tracking_number": number,
			"bill_of_lading": bill_of_lading,
			"incoterm": incoterm,
			"units": [{"unit": name} for name in chosen],
		}
	)
	doc.insert(ignore_permissions=True)
	return frappe._dict(shipment=doc.name, erpnext_shipment=header, units=chosen)


def make_header(delivery_notes: list[str], first, number, account, incoterm, count: int) -> str:
	"""ERPNext's Shipment for these notes (a draft the Stock Manager books and submits as usual)."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_shipment

	header = make_shipment(delivery_notes[0])
	for name in delivery_notes[1:]:
		header.append(
			"shipment_delivery_note",
			{"delivery_note": name, "grand_total": frappe.db.get_value(DN, name, "grand_total")},
		)
	if not header.pickup_address_name:
		header.pickup_address_name = _company_address(first.company)
	if not header.delivery_address_name:
		# a note made before the customer had an address: the customer's shipping address now
		from frappe.contacts.doctype.address.address import get_address_display, get_default_address

		header.delivery_address_name = get_default_address("Customer", first.customer, "is_shipping_address")
		if header.delivery_address_name:
			header.delivery_address = get_address_display(header.delivery_address_name)
	missing = [
		label
		for label, value in (
			(_("the company's address"), header.pickup_address_name),
			(_("the customer's delivery address"), header.delivery_address_name),
		)
		if not value
	]
	if missing:
		frappe.throw(
			_("ERPNext's Shipment needs {0}: set it on Delivery Note {1} (or the company) first.").format(
				" {} ".format(_("and")).join(missing), delivery_notes[0]
			),
			title=_("Address Missing"),
		)
	header.update(
		{
			"pickup_date": first.lr_date or max(getdate(first.posting_date), getdate(nowdate())),
			"pickup_from": PICKUP_FROM,
			"pickup_to": PICKUP_TO,
			"description_of_content": _("Generator sets: {0}").format(count),
			"carrier": first.transporter_name or account,
			"awb_number": number,
			"tracking_url": tracking_url(account, M.normalise_tracking(number)),
			"incoterm": incoterm,
		}
	)
	header.flags.ignore_permissions = True
	header.insert()
	return header.name


def _company_address(company: str) -> str | None:
	from frappe.contacts.doctype.address.address import get_company_address

	return get_company_address(company).company_address


# ------------------------------------------------------------------ cancelled
@app_action
def cancel(name: str, reason: str) -> None:
	"""A shipment that will not travel: its keys are freed, its gensets forget it and their plan goes
	back to the usual transit days. Its milestones stay as history."""
	doc = frappe.get_doc(SHIPMENT, name)
	doc.check_permission("write")
	if doc.status == M.Status.CANCELLED:
		return
	if doc.status == M.Status.DELIVERED:
		frappe.throw(
			_("Shipment {0} is delivered: it cannot be cancelled.").format(name), title=_("Delivered")
		)
	units = [row.unit for row in doc.units]
	doc.db_set({"status": M.Status.CANCELLED, "tracking_key": None})
	frappe.qb.update(frappe.qb.DocType(SHIPMENT_UNIT)).set("live_unit", None).where(
		frappe.qb.DocType(SHIPMENT_UNIT).parent == name
	).run()
	if doc.shipment:
		frappe.db.set_value(
			HEADER, doc.shipment, "tracking_status_info", _("Cancelled: {0}").format(reason)[:140]
		)
	stay = frappe.get_all(UNIT, filters={"name": ("in", units), "shipment": name}, pluck="name")
	bulk_update(UNIT, {unit: {"shipment": None, "eta_date": None} for unit in stay})
	doc.add_comment("Info", _("Cancelled: {0}").format(reason))
	if stay:
		follow_plan(stay)


def accounts_status_map(account: str) -> dict[str, str]:
	"""A carrier account's codes (lower case) and the milestone each records ("" = acknowledged)."""
	rows = frappe.get_all(
		"Genset Carrier Status",
		filters={"parent": account, "parenttype": ACCOUNT},
		fields=["carrier_status", "milestone"],
	)
	return {row.carrier_status.strip().lower(): row.milestone or "" for row in rows}


def default_status_map() -> list[dict]:
	return [{"carrier_status": code, "milestone": milestone} for code, milestone in M.DEFAULT_CARRIER_MAP]
