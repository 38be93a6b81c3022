# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Service Schedule: every open planned service due in a date range, by due date, with its genset,
customer, site, assignee and status."""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from genset_service.planning import TaskStatus
from genset_service.reporting import check_filters, chosen

TASK, UNIT = "Genset Service Task", "Genset Unit"


@frappe.read_only()
def execute(filters=None):
	filters = check_filters(filters)
	conditions = {
		"status": ("in", TaskStatus.OPEN),
		"due_from": ("<=", filters.to_date),
		"due_to": (">=", filters.from_date),
	}
	conditions.update(chosen(filters, ("company", "customer", "item_code", "service_type")))
	if filters.get("engineer"):
		conditions["assigned_to"] = filters.engineer
	tasks = frappe.get_list(
		TASK,
		filters=conditions,
		fields=[
			"name",
			"due_from",
			"due_to",
			"service_type",
			"unit",
			"serial_no",
			"item_code",
			"customer",
			"customer_name",
			"assigned_to",
			"responsible_role",
			"status",
		],
		order_by="due_from asc, name asc",
		limit_page_length=0,
	)
	sites = dict(
		frappe.get_all(
			UNIT,
			filters={"name": ("in", list({t.unit for t in tasks if t.unit}) or [""])},
			fields=["name", "site_address_display"],
			as_list=True,
		)
	)
	for task in tasks:
		task.site = frappe.utils.strip_html(sites.get(task.unit) or "")[:140]
	columns = [
		{"fieldname": "due_from", "label": _("Due From"), "fieldtype": "Date", "width": 100},
		{"fieldname": "due_to", "label": _("Due By"), "fieldtype": "Date", "width": 100},
		{"fieldname": "name", "label": _("Task"), "fieldtype": "Link", "options": TASK, "width": 150},
		{
			"fieldname": "service_type",
			"label": _("Service"),
			"fieldtype": "Link",
			"options": "Genset Service Type",
			"width": 170,
		},
		{"fieldname": "unit", "label": _("Genset"), "fieldtype": "Link", "options": UNIT, "width": 140},
		{"fieldname": "serial_no", "label": _("Serial No"), "fieldtype": "Data", "width": 120},
		{"fieldname": "item_code", "label": _("Model"), "fieldtype": "Link", "options": "Item", "width": 150},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "site", "label": _("Site"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "assigned_to",
			"label": _("Assigned To"),
			"fieldtype": "Link",
			"options": "User",
			"width": 170,
		},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
	]
	by_service = Counter(task.service_type for task in tasks)
	chart = {
		"data": {
			"labels": list(by_service),
			"datasets": [{"name": _("Services"), "values": list(by_service.values())}],
		},
		"type": "bar",
	}
	week_end = add_days(getdate(), 7)
	summary = [
		{"label": _("Open Services"), "value": len(tasks), "datatype": "Int"},
		{
			"label": _("Overdue"),
			"value": sum(task.status == TaskStatus.OVERDUE for task in tasks),
			"datatype": "Int",
			"indicator": "Red",
		},
		{
			"label": _("Due This Week"),
			"value": sum(
				getdate(task.due_from) <= week_end for task in tasks if task.status != TaskStatus.OVERDUE
			),
			"datatype": "Int",
			"indicator": "Orange",
		},
		{"label": _("Unassigned"), "value": sum(not task.assigned_to for task in tasks), "datatype": "Int"},
	]
	return columns, tasks, None, chart, summary
