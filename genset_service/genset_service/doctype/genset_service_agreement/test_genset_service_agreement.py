# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_customer, make_portal_user

test_ignore = TEST_IGNORE
AGREEMENT = "Genset Service Agreement"


def agreement(name, applies_to="Customer", targets=None, **fields):
	return frappe.get_doc(
		{
			"doctype": AGREEMENT,
			"agreement_name": name,
			"applies_to": applies_to,
			"targets": targets
			if targets is not None
			else [{"service_type": "Field Maintenance", "priority": "Medium", "on_site_hours": 24}],
			**fields,
		}
	)


class TestGensetServiceAgreement(GensetTestCase):
	def test_the_catalogue_promise_is_installed_as_the_one_default(self):
		default = frappe.get_doc(AGREEMENT, "Catalogue Promise")
		self.assertEqual(
			(default.applies_to, default.enabled, default.default_key), ("Default", 1, "Default")
		)
		on_site = {(t.service_type, t.priority): t.on_site_hours for t in default.targets if t.on_site_hours}
		self.assertEqual(
			(on_site[("Field Maintenance", "Medium")], on_site[("Emergency Rescue", "High")]), (48, 2)
		)
		# a second enabled default is refused by the database (a unique key), a disabled one is not
		with self.assertRaises(frappe.UniqueValidationError):
			agreement("Second Default", "Default").insert()
		agreement("Old Default", "Default", enabled=0).insert()

	def test_bad_agreements_are_refused_with_a_message(self):
		customer = make_customer()
		for doc, words in (
			(agreement("No Customer"), "Choose the customer"),
			(
				agreement(
					"Planned",
					customer=customer,
					targets=[{"service_type": "Maintenance", "priority": "Medium", "on_site_hours": 4}],
				),
				"not an on-demand service",
			),
			(
				agreement(
					"Twice",
					customer=customer,
					targets=[{"service_type": "Field Maintenance", "priority": "Medium", "on_site_hours": 4}]
					* 2,
				),
				"promised twice",
			),
			(
				agreement(
					"Empty",
					customer=customer,
					targets=[{"service_type": "Field Maintenance", "priority": "Medium"}],
				),
				"at least one clock",
			),
			(
				agreement("Backwards", customer=customer, valid_from="2026-12-01", valid_to="2026-11-01"),
				"ends",
			),
			(
				agreement(
					"Night Shift",
					customer=customer,
					service_days=[{"workday": "Monday", "start_time": "18:00:00", "end_time": "08:00:00"}],
				),
				"end .* before they start",
			),
		):
			with self.subTest(doc.agreement_name), self.assertRaisesRegex(frappe.ValidationError, words):
				doc.insert()

	def test_portal_users_cannot_read_agreements(self):
		user = make_portal_user("gs-agreement-portal@example.com", make_customer())
		self.assertFalse(frappe.has_permission(AGREEMENT, "read", user=user))
