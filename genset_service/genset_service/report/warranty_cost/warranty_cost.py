# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Warranty Cost: what in-warranty work cost (parts at the valuation rate they left stock at, labour
hours as each service report's end less its start) per model, customer or month, beside the work done
out of warranty and what was charged for it (the submitted quotations raised from those reports)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate

from genset_service.reporting import check_filters, chosen, datetime_range

UNIT, REPORT = "Genset Unit", "Genset Service Report"
GROUPS = {"Model": "item_code", "Customer": "customer", "Month": "month"}
HOUR = 3600.0


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	group_by = GROUPS.get(filters.get("group_by") or "Model")
	if not group_by:
		frappe.throw(_("Group by Model, Customer or Month."))
	start, end = datetime_range(filters)
	conditions = {"docstatus": 1, "end_time": ("between", [start, end])}
	conditions.update(chosen(filters, ("company", "customer", "service_type", "engineer")))
	reports = frappe.get_list(
		REPORT,
		filters=conditions,
		fields=[
			"name",
			"unit",
			"customer",
			"in_warranty",
			"start_time",
			"end_time",
			"stock_entry",
			"quotation",
		],
		order_by="end_time asc",
		limit_page_length=0,
	)
	models = dict(
		frappe.get_all(
			UNIT,
			filters={"name": ("in", list({r.unit for r in reports}) or [""])},
			fields=["name", "item_code"],
			as_list=True,
		)
	)
	if filters.get("item_code"):
		reports = [r for r in reports if models.get(r.unit) == filters.item_code]
	parts = defaultdict(float)
	for entry, amount in frappe.get_all(
		"Stock Entry Detail",
		filters={"parent": ("in", [r.stock_entry for r in reports if r.stock_entry] or [""]), "docstatus": 1},
		fields=["parent", "basic_amount"],
		as_list=True,
	):
		parts[entry] += flt(amount)
	charged = dict(
		frappe.get_all(
			"Quotation",
			filters={
				"name": ("in", [r.quotation for r in reports if r.quotation and not r.in_warranty] or [""]),
				"docstatus": 1,
			},
			fields=["name", "base_net_total"],
			as_list=True,
		)
	)
	rows = defaultdict(lambda: defaultdict(float))
	counted = set()
	for r in reports:
		key = (
			models.get(r.unit)
			if group_by == "item_code"
			else r.customer
			if group_by == "customer"
			else getdate(r.end_time).strftime("%Y-%m")
		)
		row = rows[key]
		side = "warranty" if r.in_warranty else "paid"
		row[f"{side}_reports"] += 1
		row[f"{side}_parts"] += parts.get(r.stock_entry, 0)
		row[f"{side}_hours"] += max(
			0.0, (get_datetime(r.end_time) - get_datetime(r.start_time)).total_seconds() / HOUR
		)
		if r.quotation in charged and r.quotation not in counted:
			counted.add(r.quotation)
			row["charged"] += charged[r.quotation]
	data = [
		{"group": key, **{k: round(v, 2) for k, v in values.items()}}
		for key, values in sorted(rows.items(), key=lambda kv: str(kv[0]))
	]
	totals = defaultdict(float)
	for row in data:
		for key, value in row.items():
			if key != "group":
				totals[key] += value
	return columns(filters), data, None, chart(data), summary(totals)


def columns(filters) -> list[dict]:
	def column(fieldname, label, fieldtype="Currency", width=150):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}

	return [
		column("group", _(filters.get("group_by") or "Model"), "Data", 200),
		column("warranty_reports", _("In-Warranty Reports"), "Int", 140),
		column("warranty_parts", _("In-Warranty Parts Cost")),
		column("warranty_hours", _("In-Warranty Labour Hours"), "Float"),
		column("paid_reports", _("Out-of-Warranty Reports"), "Int", 160),
		column("paid_parts", _("Out-of-Warranty Parts Cost"), width=170),
		column("paid_hours", _("Out-of-Warranty Labour Hours"), "Float", 180),
		column("charged", _("Charged (Submitted Quotations)"), width=200),
	]


def chart(data: list[dict]) -> dict:
	return {
		"data": {
			"labels": [row["group"] for row in data],
			"datasets": [
				{
					"name": _("In-Warranty Parts Cost"),
					"values": [row.get("warranty_parts", 0) for row in data],
				},
				{"name": _("Charged"), "values": [row.get("charged", 0) for row in data]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def summary(totals) -> list[dict]:
	return [
		{
			"label": _("In-Warranty Parts Cost"),
			"value": totals["warranty_parts"],
			"datatype": "Currency",
			"indicator": "Red",
		},
		{"label": _("In-Warranty Labour Hours"), "value": totals["warranty_hours"], "datatype": "Float"},
		{"label": _("In-Warranty Reports"), "value": totals["warranty_reports"], "datatype": "Int"},
		{
			"label": _("Charged Out of Warranty"),
			"value": totals["charged"],
			"datatype": "Currency",
			"indicator": "Green",
		},
	]
