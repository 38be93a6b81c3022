# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.api import calendar_v1
from genset_service.calendars.site import FEED, token_hash
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_user

test_ignore = TEST_IGNORE


class TestGensetCalendarFeed(GensetTestCase):
	def test_one_feed_per_user_its_token_a_hash_and_no_role_but_managers_reads_it(self):
		user = make_user("feed-doctype@example.com", ["After-sales Engineer"])
		frappe.set_user(user)
		first = calendar_v1.make_feed()
		second = calendar_v1.make_feed()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count(FEED, {"user": user}), 1)
		token = second["url"].rsplit("token=", 1)[1]
		self.assertEqual(frappe.db.get_value(FEED, user, "token_hash"), token_hash(token))
		self.assertNotEqual(first["url"], second["url"])
		self.assertEqual(frappe.db.get_value(FEED, user, "kind"), "Staff")
		self.assertFalse(frappe.has_permission(FEED, "read", user=user))
		manager = make_user("feed-doctype-manager@example.com", ["Service Manager"])
		self.assertTrue(frappe.has_permission(FEED, "read", user=manager))
		# the token hash is unique in the database, not only in Python
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc({"doctype": FEED, "user": manager, "token_hash": token_hash(token)}).db_insert()
