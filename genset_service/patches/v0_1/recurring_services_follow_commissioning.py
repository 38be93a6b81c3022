"""Recurring services hang on commissioning, no longer on the warranty start (which may now fall back
to delivery + N months). Only rows still carrying the old default are changed."""

import frappe

SERVICES = (
	"Warranty Service",
	"Regular Inspection",
	"Maintenance",
	"Customer Return Visit",
	"Satisfaction Survey",
)


def execute():
	service_type = frappe.qb.DocType("Genset Service Type")
	frappe.qb.update(service_type).set(service_type.anchor_event, "Commissioning").where(
		service_type.name.isin(SERVICES)
	).where(service_type.anchor_event == "Warranty Start").run()
