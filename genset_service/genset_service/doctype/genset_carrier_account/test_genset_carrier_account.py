# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.logistics import model as M
from genset_service.logistics.shipment import accounts_status_map
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase

test_ignore = TEST_IGNORE


def make_account(name="_Test Carrier", secret="s3cret-of-the-carrier", **fields):
	if frappe.db.exists("Genset Carrier Account", name):
		return frappe.get_doc("Genset Carrier Account", name)
	return frappe.get_doc(
		{
			"doctype": "Genset Carrier Account",
			"carrier_name": name,
			"webhook_secret": secret,
			"tracking_url_template": "https://track.example.com/{tracking_number}",
			**fields,
		}
	).insert()


class TestGensetCarrierAccount(GensetTestCase):
	def test_a_new_account_starts_with_the_normalised_status_map(self):
		account = make_account()
		mapped = accounts_status_map(account.name)
		self.assertEqual(len(mapped), len(M.DEFAULT_CARRIER_MAP))
		self.assertEqual(mapped["customshold"], M.CUSTOMS_HELD)
		self.assertEqual(mapped["inforeceived"], "")
		self.assertTrue(account.webhook_path.endswith("carrier_events?account=_Test%20Carrier"))

	def test_a_code_twice_or_a_template_without_the_number_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_account(
				"_Test Carrier 2",
				status_map=[
					{"carrier_status": "DEP", "milestone": M.DEPARTED},
					{"carrier_status": "dep", "milestone": M.DELIVERED},
				],
			)
		with self.assertRaises(frappe.ValidationError):
			make_account("_Test Carrier 3", tracking_url_template="https://track.example.com/")
		self.assertFalse(frappe.db.exists("Genset Carrier Account", "_Test Carrier 2"))
