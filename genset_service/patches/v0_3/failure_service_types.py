"""Field maintenance and emergency rescue requests mean the genset failed (the installed default), on
sites whose service types were installed before the setting existed."""

import frappe


def execute():
	service_type = frappe.qb.DocType("Genset Service Type")
	frappe.qb.update(service_type).set(service_type.counts_as_failure, 1).where(
		service_type.name.isin(("Field Maintenance", "Emergency Rescue"))
	).run()
