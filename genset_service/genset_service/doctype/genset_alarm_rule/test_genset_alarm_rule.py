# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.setup.install import install_default_records
from genset_service.telemetry import model
from genset_service.telemetry.common import RULE, alarm_rules
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase

test_ignore = TEST_IGNORE


class TestGensetAlarmRule(GensetTestCase):
	def test_the_models_rules_are_installed_as_records_and_read_back_as_the_model_keys_them(self):
		self.assertEqual(alarm_rules(), dict(model.ALARM_RULES))
		self.assertEqual(
			frappe.db.get_value(RULE, "DSE:LOW_OIL_PRESSURE", "service_type"), "Emergency Rescue"
		)

	def test_a_rule_is_named_by_its_family_and_normalised_code_once(self):
		rule = frappe.get_doc(
			{
				"doctype": RULE,
				"controller_family": " SmartGen ",
				"alarm_code": "High Coolant Temp.",
				"severity": "Critical",
				"service_type": "Emergency Rescue",
				"priority": "High",
			}
		).insert()
		self.assertEqual((rule.name, rule.alarm_code), ("SmartGen:HIGH_COOLANT_TEMP", "HIGH_COOLANT_TEMP"))
		self.assertIn(("SmartGen", "HIGH_COOLANT_TEMP"), alarm_rules())
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc(
				{
					"doctype": RULE,
					"controller_family": "SmartGen",
					"alarm_code": "high coolant temp",
					"severity": "Warning",
				}
			).insert()
		rule.alarm_code = "Something Else"
		with self.assertRaises(frappe.ValidationError):
			rule.save()

	def test_an_alarm_opens_only_an_on_demand_service(self):
		planned = frappe.db.get_value("Genset Service Type", {"anchor_event": ("!=", "On Demand")})
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": RULE,
					"controller_family": "*",
					"alarm_code": "X1",
					"severity": "Info",
					"service_type": planned,
				}
			).insert()

	def test_a_deleted_default_rule_stays_deleted(self):
		frappe.delete_doc(RULE, "*:LOW_FUEL")
		install_default_records()
		self.assertFalse(frappe.db.exists(RULE, "*:LOW_FUEL"))
