# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_user

test_ignore = TEST_IGNORE
TEMPLATE = "Genset Inspection Template"


class TestGensetInspectionTemplate(GensetTestCase):
	def test_default_templates_cover_every_kind(self):
		kinds = set(frappe.get_all(TEMPLATE, filters={"disabled": 0}, pluck="inspection_kind"))
		self.assertEqual(kinds, {"Pre-shipment", "Arrival Acceptance", "Commissioning", "Regular", "Field"})
		pre = frappe.get_doc(TEMPLATE, "Pre-shipment Inspection (Standard)")
		insulation = next(row for row in pre.items if row.checkpoint.startswith("Insulation resistance"))
		self.assertEqual(
			(insulation.reading_type, insulation.min_value, insulation.uom), ("Numeric", 1, "MOhm")
		)
		steps = {row.section for row in pre.items if row.section.startswith("Load test")}
		self.assertEqual(steps, {f"Load test {pct} %" for pct in (0, 25, 50, 75, 100, 110)})
		# the load test's rows carry their step and quantity: the certificate's table
		self.assertEqual({row.load_percent for row in pre.items if row.quantity}, {0, 25, 50, 75, 100, 110})
		self.assertEqual(
			{row.quantity for row in pre.items if row.quantity},
			{
				"Voltage L-L",
				"Current",
				"Frequency",
				"Power",
				"Power Factor",
				"Coolant Temperature",
				"Oil Pressure",
			},
		)
		shutdowns = {row.checkpoint for row in pre.items if row.section == "Protection"}
		self.assertEqual(len(shutdowns), 4)
		self.assertTrue(frappe.db.get_value(TEMPLATE, "Arrival Acceptance (Standard)", "requires_signoff"))
		self.assertTrue(frappe.db.get_value(TEMPLATE, "Commissioning (Standard)", "requires_signoff"))

	def test_reversed_limits_are_refused(self):
		template = frappe.copy_doc(frappe.get_doc(TEMPLATE, "Regular Inspection (Standard)"))
		template.template_name = "Reversed limits"
		template.append(
			"items", {"checkpoint": "Bad", "reading_type": "Numeric", "min_value": 10, "max_value": 5}
		)
		with self.assertRaisesRegex(frappe.ValidationError, "Max cannot be below Min"):
			template.insert()

	def test_only_a_system_manager_edits_templates(self):
		frappe.set_user(make_user("gs-template-engineer@example.com", ["Technical Engineer"]))
		template = frappe.get_doc(TEMPLATE, "Regular Inspection (Standard)")
		template.disabled = 1
		with self.assertRaises(frappe.PermissionError):
			template.save()
