"""Visits that need the customer on site remind the customer two days before (the installed default),
on sites whose service types were installed before the setting existed. Only unset values change."""

import frappe

ON_SITE_VISITS = (
	"Arrival Acceptance",
	"Installation and Commissioning",
	"Operation Training",
	"Regular Inspection",
	"Maintenance",
	"Customer Return Visit",
)


def execute():
	service_type = frappe.qb.DocType("Genset Service Type")
	frappe.qb.update(service_type).set(service_type.remind_customer_days, 2).where(
		service_type.name.isin(ON_SITE_VISITS)
	).where((service_type.remind_customer_days == 0) | service_type.remind_customer_days.isnull()).run()
