# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Warranty and Contract Expiry: the gensets whose warranty ends in a window, with their contract's end,
whether the extended warranty was offered (the offer task's window opened, and the offer email with
it), quoted (an extension awaiting its order) or sold (an extension applied), and the conversion
rate of the offers."""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import getdate

from genset_service.analytics.kpi import percent
from genset_service.reporting import check_filters, chosen

UNIT, TASK, EXTENSION = "Genset Unit", "Genset Service Task", "Genset Warranty Extension"
OFFER = "Extended Warranty Offer"


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	conditions = {
		"status": ("!=", "Cancelled"),
		"warranty_end_date": ("between", [filters.from_date, filters.to_date]),
	}
	conditions.update(chosen(filters, ("company", "customer", "item_code")))
	units = frappe.get_list(
		UNIT,
		filters=conditions,
		fields=[
			"name",
			"serial_no",
			"item_code",
			"customer",
			"warranty_end_date",
			"warranty_status",
			"contract",
		],
		order_by="warranty_end_date asc, name asc",
		limit_page_length=0,
	)
	names = [u.name for u in units] or [""]
	contract_ends = dict(
		frappe.get_all(
			"Genset Service Contract",
			filters={"name": ("in", list({u.contract for u in units if u.contract}) or [""])},
			fields=["name", "end_date"],
			as_list=True,
		)
	)
	today = getdate()
	offered = {
		row.unit
		for row in frappe.get_all(
			TASK,
			filters={"unit": ("in", names), "service_type": OFFER, "status": ("!=", "Cancelled")},
			fields=["unit", "due_from"],
		)
		if getdate(row.due_from) <= today
	}
	extension = frappe.qb.DocType(EXTENSION)
	item = frappe.qb.DocType("Genset Warranty Extension Unit")
	stage = {}
	for unit, status in (
		frappe.qb.from_(item)
		.join(extension)
		.on(extension.name == item.parent)
		.select(item.unit, extension.status)
		.where(item.unit.isin(names))
		.where(extension.status.isin(["Awaiting Order", "Applied"]))
		.run()
	):
		stage[unit] = "Sold" if status == "Applied" or stage.get(unit) == "Sold" else "Quoted"
	for unit in units:
		unit.contract_end_date = contract_ends.get(unit.contract)
		unit.offered = 1 if unit.name in offered else 0
		unit.extension = _(stage.get(unit.name, "None"))
		unit.quoted = 1 if unit.name in stage else 0
		unit.sold = 1 if stage.get(unit.name) == "Sold" else 0
	columns = [
		{"fieldname": "name", "label": _("Genset"), "fieldtype": "Link", "options": UNIT, "width": 140},
		{"fieldname": "serial_no", "label": _("Serial No"), "fieldtype": "Data", "width": 120},
		{"fieldname": "item_code", "label": _("Model"), "fieldtype": "Link", "options": "Item", "width": 150},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "warranty_end_date", "label": _("Warranty Ends"), "fieldtype": "Date", "width": 110},
		{"fieldname": "warranty_status", "label": _("Warranty"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "contract",
			"label": _("Contract"),
			"fieldtype": "Link",
			"options": "Genset Service Contract",
			"width": 140,
		},
		{"fieldname": "contract_end_date", "label": _("Contract Ends"), "fieldtype": "Date", "width": 110},
		{"fieldname": "offered", "label": _("Offered"), "fieldtype": "Check", "width": 80},
		{"fieldname": "extension", "label": _("Extension"), "fieldtype": "Data", "width": 100},
	]
	by_month = Counter(getdate(u.warranty_end_date).strftime("%Y-%m") for u in units)
	chart = {
		"data": {
			"labels": sorted(by_month),
			"datasets": [{"name": _("Warranties Ending"), "values": [by_month[m] for m in sorted(by_month)]}],
		},
		"type": "bar",
	}
	offers = sum(u.offered for u in units)
	sold = sum(u.sold for u in units if u.offered)
	summary = [
		{"label": _("Warranties Ending"), "value": len(units), "datatype": "Int"},
		{"label": _("Offered"), "value": offers, "datatype": "Int"},
		{"label": _("Quoted"), "value": sum(u.quoted for u in units), "datatype": "Int"},
		{"label": _("Sold"), "value": sum(u.sold for u in units), "datatype": "Int", "indicator": "Green"},
		{"label": _("Offer Conversion"), "value": percent(sold, offers), "datatype": "Percent"},
	]
	return columns, units, None, chart, summary
