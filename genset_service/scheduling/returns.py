"""Returns: a return Delivery Note of gensets takes the returned units out of service, its
cancellation puts them back.

A returned unit is *Returned*: its open tasks are cancelled (done ones stay as its history), its warranty
ends on the day of the return (on the unit and on ERPNext's Serial No), and both say so in a comment.
Only the units returned are touched: by serial number when the genset is serialised, else as many units
of the delivered line as the return's quantity (the last delivered first, those not yet commissioned
before those in use). Cancelling the return re-plans the same units from their recorded events; a new
delivery of the genset plans it again as a new unit, like any delivery.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, nowdate

from genset_service.scheduling.common import (
	UNIT,
	UNIT_GONE,
	bulk_insert,
	bulk_update,
	genset_items_of,
	standard_values,
)
from genset_service.scheduling.delivery import refresh_contract_end, serials_by_row, sync_serial_warranty
from genset_service.scheduling.replan import refresh_units
from genset_service.scheduling.tasks import cancel_open_tasks

RETURNED = "Returned"


def returned_rows(doc) -> list:
	items = genset_items_of(doc)
	return [row for row in doc.items if row.item_code in items and flt(row.get("stock_qty") or row.qty) < 0]


def pick_units(doc, rows) -> tuple[list, list[str]]:
	"""The live units this return takes back, and the returned serial numbers the app has no live unit
	for (a genset delivered before the app was installed)."""
	units = frappe.get_all(
		UNIT,
		filters={"delivery_note": doc.return_against, "status": ("not in", UNIT_GONE)},
		fields=[
			"name",
			"dn_detail",
			"item_code",
			"unit_index",
			"serial_no",
			"commissioning_date",
			"contract",
			"warranty_end_date",
		],
	)
	by_serial = {unit.serial_no: unit for unit in units if unit.serial_no}
	by_line = defaultdict(list)
	for unit in units:
		by_line[unit.dn_detail].append(unit)
		by_line[unit.item_code].append(unit)
	serials = serials_by_row(rows)
	picked, unknown = {}, []
	for row in rows:
		row_serials = serials.get(row.name) or []
		if row_serials:
			for serial in row_serials:
				unit = by_serial.get(serial)
				if unit and unit.name not in picked:
					picked[unit.name] = unit
				elif not unit:
					unknown.append(serial)
			continue
		candidates = [
			unit
			for unit in by_line[row.get("dn_detail") or row.item_code]
			if unit.name not in picked and unit.item_code == row.item_code
		]
		# the last delivered first, those not in use before those commissioned
		candidates.sort(key=lambda unit: (bool(unit.commissioning_date), -cint(unit.unit_index)))
		for unit in candidates[: abs(cint(flt(row.get("stock_qty") or row.qty)))]:
			picked[unit.name] = unit
	return list(picked.values()), unknown


def return_units(doc) -> list[str]:
	"""On submit of a return Delivery Note: its gensets' units are Returned (bulk: a few statements)."""
	rows = returned_rows(doc)
	if not rows or not doc.get("return_against"):
		return []
	units, unknown = pick_units(doc, rows)
	if unknown:
		frappe.msgprint(
			_("No genset unit of {0} has serial number {1}: nothing to take out of service for it.").format(
				doc.return_against, ", ".join(unknown)
			),
			alert=True,
		)
	if not units:
		return []
	names = [unit.name for unit in units]
	day = getdate(doc.posting_date or nowdate())
	bulk_update(
		UNIT,
		{
			unit.name: {
				"status": RETURNED,
				"return_delivery_note": doc.name,
				"returned_on": day,
				"unit_key": None,
				"warranty_status": "Expired",
				"warranty_end_date": min(getdate(unit.warranty_end_date), day)
				if unit.warranty_end_date
				else day,
			}
			for unit in units
		},
	)
	cancel_open_tasks({"unit": ("in", names)})
	sync_serial_warranty({unit.serial_no: day for unit in units if unit.serial_no})
	note = _("Returned by Delivery Note {0} on {1}: open tasks cancelled, warranty ended.").format(
		doc.name, frappe.format(day, "Date")
	)
	comment(units, note)
	refresh_contract_end(list({unit.contract for unit in units}))
	return names


def restore_units(doc) -> list[str]:
	"""On cancel of a return: its units are back in service, re-planned from their recorded events
	(status, warranty, open tasks, the Serial No's warranty date)."""
	units = frappe.get_all(
		UNIT,
		filters={"return_delivery_note": doc.name, "status": RETURNED},
		fields=["name", "serial_no", "contract"],
	)
	if not units:
		return []
	names = [unit.name for unit in units]
	# the status is set from the unit's events by the re-plan; "Delivered" only makes it live again
	bulk_update(
		UNIT,
		{name: {"status": "Delivered", "return_delivery_note": None, "returned_on": None} for name in names},
	)
	refresh_units(names)
	comment(
		units,
		_("The return {0} was cancelled: back in service, plan and warranty restored.").format(doc.name),
	)
	return names


def comment(units, text: str) -> None:
	"""The same note on each unit and on its Serial No, in one insert."""
	base = standard_values()
	rows = [
		{
			**base,
			"name": frappe.generate_hash(length=10),
			"comment_type": "Info",
			"reference_doctype": doctype,
			"reference_name": name,
			"content": text,
			"comment_email": frappe.session.user,
		}
		for unit in units
		for doctype, name in ((UNIT, unit.name), ("Serial No", unit.serial_no))
		if name
	]
	bulk_insert("Comment", rows)
