"""Warranty extensions: requested before the warranty ends, charged by a Sales Order, applied when
that order is submitted, withdrawn exactly when it is cancelled."""

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from genset_service.scheduling.common import UNIT_GONE, bulk_update
from genset_service.scheduling.replan import refresh_units

EXTENSION = "Genset Warranty Extension"
EXTENSION_UNIT = "Genset Warranty Extension Unit"
UNIT = "Genset Unit"
APPLIED = "Applied"


def validate(doc) -> None:
	if (doc.extra_months or 0) <= 0:
		frappe.throw(
			_("{0} must be a positive whole number, not {1}.").format(
				frappe.bold(_("Extra Months")), frappe.bold(doc.extra_months)
			),
			title=_("Invalid Extension"),
		)
	if flt(doc.extra_hours) < 0:
		frappe.throw(_("{0} cannot be negative.").format(frappe.bold(_("Extra Running Hours"))))
	names = [row.unit for row in doc.units]
	if len(names) != len(set(names)):
		frappe.throw(_("A genset is listed twice."), title=_("Invalid Extension"))
	units = {
		unit.name: unit
		for unit in frappe.get_all(
			UNIT,
			filters={"name": ("in", names)},
			fields=["name", "customer", "status", "warranty_end_date", "warranty_status"],
		)
	}
	request_date = getdate(doc.request_date or nowdate())
	for row in doc.units:
		unit = units.get(row.unit)
		if not unit:
			frappe.throw(_("Row #{0}: unknown Genset Unit {1}.").format(row.idx, row.unit))
		if unit.customer != doc.customer:
			frappe.throw(
				_("Row #{0}: Genset Unit {1} belongs to customer {2}, not {3}.").format(
					row.idx, row.unit, frappe.bold(unit.customer), frappe.bold(doc.customer)
				),
				title=_("Wrong Customer"),
			)
		if unit.status in UNIT_GONE:
			frappe.throw(
				_("Row #{0}: Genset Unit {1} is {2}.").format(row.idx, row.unit, _(unit.status).lower())
			)
		if doc.docstatus == 0 and (
			unit.warranty_status == "Expired" or request_date > getdate(unit.warranty_end_date)
		):
			frappe.throw(
				_(
					"Row #{0}: the warranty of {1} ended on {2}. An extension must be requested before the warranty ends."
				).format(row.idx, row.unit, frappe.bold(frappe.format(unit.warranty_end_date, "Date"))),
				title=_("Warranty Ended"),
			)
		if doc.docstatus == 0:
			row.warranty_end_before = unit.warranty_end_date
	if not doc.rate:
		doc.rate = frappe.db.get_value(
			"Item Price", {"item_code": doc.service_item, "selling": 1}, "price_list_rate"
		) or frappe.db.get_value("Item", doc.service_item, "standard_rate")


def on_submit(doc) -> None:
	"""Produce the Sales Order that charges the extension (a draft for sales to confirm)."""
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": doc.customer,
			"company": doc.company,
			"transaction_date": nowdate(),
			"delivery_date": nowdate(),
			"genset_warranty_extension": doc.name,
			"items": [
				{
					"item_code": doc.service_item,
					"qty": len(doc.units),
					"rate": doc.rate,
					"delivery_date": nowdate(),
					"description": _("Warranty extension of {0} months for {1}").format(
						doc.extra_months, ", ".join(row.serial_no or row.unit for row in doc.units)
					),
				}
			],
		}
	)
	order.flags.ignore_permissions = True
	order.insert()
	doc.db_set({"sales_order": order.name, "status": "Awaiting Order"})


def on_cancel(doc) -> None:
	order = doc.sales_order
	if order and frappe.db.get_value("Sales Order", order, "docstatus") == 0:
		doc.db_set("sales_order", None)  # unlink first: the draft order goes with the extension
		frappe.delete_doc("Sales Order", order, ignore_permissions=True)
	doc.db_set("status", "Cancelled")


def on_order_submit(order) -> None:
	"""The charging Sales Order is submitted: the extension applies."""
	_set_applied(order, APPLIED)


def on_order_cancel(order) -> None:
	"""The charging Sales Order is cancelled: the extension is withdrawn, every unit as it was.
	The submitted extension keeps its link to the order, so that link must not block the cancel."""
	if order.get("genset_warranty_extension"):
		order.ignore_linked_doctypes = (*(order.get("ignore_linked_doctypes") or ()), EXTENSION)
	_set_applied(order, "Awaiting Order")


def _set_applied(order, status: str) -> None:
	name = order.get("genset_warranty_extension")
	if not name:
		return
	extension = frappe.get_doc(EXTENSION, name)
	if extension.docstatus != 1:
		frappe.throw(
			_("Warranty Extension {0} is not submitted.").format(name), title=_("Invalid Warranty Extension")
		)
	extension.db_set({"status": status, "sales_order": order.name})
	ends = refresh_units([row.unit for row in extension.units])
	bulk_update(
		EXTENSION_UNIT,
		{
			row.name: {"warranty_end_after": ends.get(row.unit) if status == APPLIED else None}
			for row in extension.units
		},
	)
