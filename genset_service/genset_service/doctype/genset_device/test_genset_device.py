# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days

from genset_service.telemetry.common import DEVICE, Status, token_hash
from genset_service.tests.telemetry_utils import make_device
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_delivered_unit

test_ignore = TEST_IGNORE


class TestGensetDevice(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset, commissioned=add_days(self.today, -3))

	def test_a_device_id_is_one_level_of_an_mqtt_topic_and_unique(self):
		for bad in ("gw/1", "gw+1", "gw#", " ", "-lead", "with space"):
			with self.assertRaises(frappe.ValidationError, msg=bad):
				frappe.get_doc({"doctype": DEVICE, "device_id": bad, "unit": self.unit.name}).insert()
		make_device(self.unit.name, "DSE890.site-1:ctrl_2")
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc(
				{"doctype": DEVICE, "device_id": "DSE890.site-1:ctrl_2", "unit": self.unit.name}
			).insert()

	def test_the_token_is_kept_as_a_hash_and_a_new_one_replaces_it(self):
		name, token = make_device(self.unit.name, "T-TOKEN-1")
		row = frappe.db.get_value(DEVICE, name, ["token_hash", "token_hint", "customer"], as_dict=True)
		self.assertEqual(row.token_hash, token_hash(token))
		self.assertNotIn(token, str(frappe.get_doc(DEVICE, name).as_dict().values()))
		self.assertEqual(row.token_hint, token[:8] + "...")
		self.assertEqual(row.customer, self.unit.customer)

	def test_disabling_and_enabling_sets_its_status_and_when_it_is_expected_to_speak(self):
		name, _token = make_device(self.unit.name, "T-STATUS-1")
		doc = frappe.get_doc(DEVICE, name)
		self.assertEqual(doc.status, Status.NEVER_HEARD)
		self.assertTrue(doc.enabled_on)
		doc.enabled = 0
		doc.save()
		self.assertEqual(doc.status, Status.DISABLED)
		frappe.db.set_value(DEVICE, name, "enabled_on", add_days(self.today, -9))
		doc.reload()
		doc.enabled = 1
		doc.save()
		self.assertEqual(doc.status, Status.NEVER_HEARD)
		self.assertEqual(doc.enabled_on.date(), self.today)

	def test_status_and_last_seen_are_the_apps_own(self):
		name, _token = make_device(self.unit.name, "T-OWN-1")
		frappe.set_user(self.team["Technical Support"])
		doc = frappe.get_doc(DEVICE, name)
		doc.status = Status.ONLINE
		with self.assertRaises(frappe.PermissionError):
			doc.save()
