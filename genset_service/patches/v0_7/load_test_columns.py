"""The load test's checkpoints get their structured step and quantity (the certificate's rows and
columns), read once from their words ("Voltage L-L at 25 %" in "Load test 25 %"), in templates and in
the inspections already made: one UPDATE per distinct wording, never per row."""

import frappe

from genset_service.certificates.load_test import read_label

TABLES = ("Genset Inspection Template Item", "Genset Inspection Reading")


def execute():
	for doctype in TABLES:
		frappe.reload_doc("genset_service", "doctype", frappe.scrub(doctype))
		table = frappe.qb.DocType(doctype)
		labels = (
			frappe.qb.from_(table)
			.select(table.section, table.checkpoint)
			.where(table.quantity.isnull() | (table.quantity == ""))
			.where(table.checkpoint.isnotnull())
			.distinct()
			.run()
		)
		for section, checkpoint in labels:
			percent, quantity = read_label(section, checkpoint)
			if quantity is None:
				continue
			(
				frappe.qb.update(table)
				.set(table.load_percent, percent)
				.set(table.quantity, quantity)
				.where(table.section.isnull() if section is None else table.section == section)
				.where(table.checkpoint == checkpoint)
				.where(table.quantity.isnull() | (table.quantity == ""))
				.run()
			)
