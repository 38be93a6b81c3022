"""Requests move from ERPNext's one response clock to the app's three clocks (acknowledge, on site,
restored): the catalogue's promise is installed as the default agreement, the agreements the app had
made in ERPNext's engine are disabled, what that engine recorded carries over (its first response is
the acknowledgement), and open requests get their deadlines and states, without notices (the next run
of the escalation job sends what is due)."""

import frappe

from genset_service.scheduling.requests import (
	OPEN,
	REQUEST,
	ensure_priorities,
	escalate,
	retire_erpnext_agreements,
)
from genset_service.setup.install import install_default_records

DEFAULT = "Catalogue Promise"


def execute():
	ensure_priorities()
	install_default_records()
	retire_erpnext_agreements()
	service_type = frappe.qb.DocType("Genset Service Type")
	frappe.qb.update(service_type).set(service_type.default_priority, "Medium").where(
		service_type.anchor_event == "On Demand"
	).where(service_type.default_priority.isnull() | (service_type.default_priority == "")).run()
	request = frappe.qb.DocType(REQUEST)
	frappe.qb.update(request).set(request.acknowledged_on, request.first_responded_on).where(
		request.acknowledged_on.isnull() & request.first_responded_on.isnotnull()
	).run()
	if frappe.db.exists("Genset Service Agreement", DEFAULT):
		frappe.qb.update(request).set(request.agreement, DEFAULT).where(request.status.isin(OPEN)).where(
			request.agreement.isnull() | (request.agreement == "")
		).run()
		escalate(notify=False)
