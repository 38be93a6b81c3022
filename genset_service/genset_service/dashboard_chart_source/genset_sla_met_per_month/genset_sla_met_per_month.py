# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Chart source: the share of requests that met every promised clock, per month of opening, over the
last twelve months (the SLA Compliance report's rule)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import now_datetime

from genset_service.analytics.sla import compliance
from genset_service.dashboard.months import last_twelve_months
from genset_service.genset_service.report.sla_compliance.sla_compliance import request_times


@frappe.whitelist()
@frappe.read_only()
def get(filters=None, **_chart):
	"""See genset_service.dashboard.months.last_twelve_months."""
	months, period = last_twelve_months(filters)
	by_month = defaultdict(list)
	for fact in request_times(period):
		by_month[fact.opened.strftime("%Y-%m")].append(fact)
	now = now_datetime()
	values = []
	for month in months:
		rows = compliance(by_month[month], now)
		values.append((rows[-1]["met_percent"] or 0) if rows else 0)
	return {
		"labels": months,
		"datasets": [{"name": _("SLA Met %"), "values": values}],
		"fieldtype": "Percent",
	}
