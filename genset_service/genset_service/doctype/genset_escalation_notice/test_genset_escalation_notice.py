# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, company, make_customer

test_ignore = TEST_IGNORE
NOTICE = "Genset Escalation Notice"


class TestGensetEscalationNotice(GensetTestCase):
	def make_request(self) -> str:
		request = frappe.get_doc(
			{
				"doctype": "Genset Service Request",
				"service_type": "Remote Support",
				"customer": make_customer(),
				"company": company(),
				"description": "No output voltage",
			}
		)
		request.insert(ignore_permissions=True)
		return request.name

	def test_one_notice_per_request_clock_and_level(self):
		request = self.make_request()

		def notice(clock, level):
			return frappe.get_doc(
				{"doctype": NOTICE, "request": request, "clock": clock, "level": level}
			).insert(ignore_permissions=True)

		self.assertEqual(notice("Acknowledge", "At Risk").notice_key, f"{request}:Acknowledge:At Risk")
		with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
			notice("Acknowledge", "At Risk")
		# the next level, and another clock, are notices of their own
		notice("Acknowledge", "Breached")
		notice("On Site", "At Risk")
		self.assertEqual(frappe.db.count(NOTICE, {"request": request}), 3)

	def test_portal_users_cannot_read_notices(self):
		from genset_service.tests.utils import make_portal_user

		user = make_portal_user("gs-notice-portal@example.com", make_customer())
		self.assertFalse(frappe.has_permission(NOTICE, "read", user=user))
