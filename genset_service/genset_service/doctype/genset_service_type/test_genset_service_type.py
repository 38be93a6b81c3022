# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.scheduling.common import SERVICE_TYPE
from genset_service.setup.install import install_default_records
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_user

test_ignore = TEST_IGNORE


class TestGensetServiceType(GensetTestCase):
	def test_the_18_catalogue_services_are_installed(self):
		services = frappe.get_all(
			SERVICE_TYPE,
			filters={"catalogue_no": (">", 0)},
			fields=["catalogue_no", "responsible_role", "anchor_event"],
			order_by="catalogue_no",
		)
		self.assertEqual([s.catalogue_no for s in services], list(range(1, 19)))
		self.assertEqual(
			frappe.db.get_value(
				SERVICE_TYPE,
				"Pre-shipment Inspection",
				["anchor_event", "offset_from_days", "offset_to_days"],
			),
			("Planned Delivery", -2, -1),
		)
		self.assertEqual(
			frappe.db.get_value(
				"Genset Clock Target",
				{"parent": "Catalogue Promise", "service_type": "Field Maintenance", "priority": "Medium"},
				"on_site_hours",
			),
			48,
		)
		for role in {s.responsible_role for s in services}:
			self.assertTrue(frappe.db.exists("Role", role), role)

	def test_a_managers_edit_survives_reinstalling_defaults(self):
		service = frappe.get_doc(SERVICE_TYPE, "Customer Return Visit")
		service.recurrence_months = 4
		service.save()
		frappe.delete_doc(SERVICE_TYPE, "Emergency Rescue", force=True)
		install_default_records()
		self.assertEqual(frappe.db.get_value(SERVICE_TYPE, "Customer Return Visit", "recurrence_months"), 4)
		# a default record is installed once: the deletion is the site's choice and is kept
		self.assertFalse(frappe.db.exists(SERVICE_TYPE, "Emergency Rescue"))

	def test_impossible_rules_are_refused(self):
		service = frappe.get_doc(SERVICE_TYPE, "Operation Training")
		service.offset_from_days, service.offset_to_days = 5, 1
		with self.assertRaisesRegex(frappe.ValidationError, "Offset To"):
			service.save()
		service.reload()
		service.anchor_event = "Order"
		service.scope = "Order Line"
		service.recurrence = "Every N Months"
		service.recurrence_months = 3
		with self.assertRaisesRegex(frappe.ValidationError, "Recurrence"):
			service.save()
		service.reload()
		service.recurrence = "Every N Months"
		service.recurrence_months = 0
		with self.assertRaises(frappe.ValidationError):
			service.save()

	def test_only_a_system_manager_edits_the_catalogue(self):
		frappe.set_user(make_user("gs-type-sales@example.com", ["Sales Manager"]))
		service = frappe.get_doc(SERVICE_TYPE, "Maintenance")
		service.offset_to_days = 10
		with self.assertRaises(frappe.PermissionError):
			service.save()

	def test_replanning_applies_a_changed_rule_to_open_plans(self):
		from genset_service.api.plan import replan_open_plans
		from genset_service.scheduling.unit import replan_units
		from genset_service.tests.utils import make_delivery_note, make_genset_item, make_sales_order

		order = make_sales_order([{"item_code": make_genset_item(), "qty": 1}])
		delivery = make_delivery_note(order.name)
		unit = frappe.db.get_value("Genset Unit", {"delivery_note": delivery.name})
		visits = {
			"unit": unit,
			"service_type": "Customer Return Visit",
			"status": ("in", ["Planned", "Due", "Overdue"]),
		}
		self.assertEqual(frappe.db.count("Genset Service Task", visits), 8)

		service = frappe.get_doc(SERVICE_TYPE, "Customer Return Visit")
		service.recurrence_months = 6  # quarterly -> semiannual
		service.save()
		self.assertEqual(replan_units([unit]), 1)
		self.assertEqual(frappe.db.count("Genset Service Task", visits), 4)
		self.assertEqual(
			frappe.db.count(
				"Genset Service Task",
				{"unit": unit, "service_type": "Customer Return Visit", "status": "Cancelled"},
			),
			4,
		)

		frappe.set_user(make_user("gs-type-engineer@example.com", ["After-sales Engineer"]))
		with self.assertRaises(frappe.PermissionError):
			replan_open_plans()
