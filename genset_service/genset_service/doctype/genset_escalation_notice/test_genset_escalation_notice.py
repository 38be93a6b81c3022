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
		notice = frappe.get_doc({"doctype": NOTICE, "request": request, "level": "At Risk"})
		notice.insert(ignore_permissions=True)
		self.assertEqual(notice.notice_key, f"{request}:Response:At Risk")
		with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
			frappe.get_doc({"doctype": NOTICE, "request": request, "level": "At Risk"}).insert(
				ignore_permissions=True
			)
		# the next level is a notice of its own
		frappe.get_doc({"doctype": NOTICE, "request": request, "level": "Breached"}).insert(
			ignore_permissions=True
		)
		self.assertEqual(frappe.db.count(NOTICE, {"request": request}), 2)

	def test_portal_users_cannot_read_notices(self):
		from genset_service.tests.utils import make_portal_user

		user = make_portal_user("gs-notice-portal@example.com", make_customer())
		self.assertFalse(frappe.has_permission(NOTICE, "read", user=user))
