# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt
"""Chart source: overall CSAT and NPS of the surveys answered each month over the last twelve months
(the Customer Satisfaction report's rules)."""

import frappe
from frappe import _
from frappe.utils import getdate

from genset_service.analytics.satisfaction import satisfaction
from genset_service.dashboard.months import last_twelve_months
from genset_service.genset_service.report.customer_satisfaction.customer_satisfaction import surveys


@frappe.whitelist()
@frappe.read_only()
def get(filters=None, **_chart):
	"""See genset_service.dashboard.months.last_twelve_months."""
	months, period = last_twelve_months(filters)
	rows = {
		row["group"]: row
		for row in satisfaction(surveys(period), lambda s: getdate(s["answered_on"]).strftime("%Y-%m"))
		if row["group"]
	}
	return {
		"labels": months,
		"datasets": [
			{
				"name": _("Overall CSAT %"),
				"values": [(rows.get(m) or {}).get("overall_csat") or 0 for m in months],
			},
			{"name": _("NPS"), "values": [(rows.get(m) or {}).get("nps") or 0 for m in months]},
		],
	}
