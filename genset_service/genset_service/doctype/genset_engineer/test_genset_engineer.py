# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_customer, make_portal_user, make_user

test_ignore = TEST_IGNORE
ENGINEER = "Genset Engineer"


class TestGensetEngineer(GensetTestCase):
	def engineer(self, **fields):
		user = make_user("gs-profile-engineer@example.com", ["After-sales Engineer"])
		# Frappe sets every Time field of a new document to the current time: the hours are given
		hours = {"working_from": "08:00:00", "working_to": "17:00:00"}
		return frappe.get_doc({"doctype": ENGINEER, "user": user, **hours, **fields})

	def test_a_profile_with_skills_hours_and_days(self):
		doc = self.engineer(
			skills=[{"service_type": "Field Maintenance"}, {"service_type": "Emergency Rescue"}],
			min_kva=20,
			max_kva=500,
			saturday=1,
		).insert()
		self.assertEqual((str(doc.working_from), str(doc.working_to)), ("08:00:00", "17:00:00"))
		self.assertEqual({row.service_type for row in doc.skills}, {"Field Maintenance", "Emergency Rescue"})
		self.assertEqual((doc.monday, doc.saturday, doc.sunday), (1, 1, 0))
		with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):  # one per user
			self.engineer().insert()

	def test_bad_profiles_are_refused_with_a_message(self):
		for fields, words in (
			({"working_from": "17:00:00", "working_to": "08:00:00"}, "end .* before they start"),
			({"skills": [{"service_type": "Juggling"}]}, "Juggling"),
			({"min_kva": 500, "max_kva": 20}, "reversed"),
			(
				{d: 0 for d in ("monday", "tuesday", "wednesday", "thursday", "friday")},
				"at least one working day",
			),
			(
				{"skills": [{"service_type": "Field Maintenance"}, {"service_type": "Field Maintenance"}]},
				"twice",
			),
		):
			with self.assertRaisesRegex(frappe.ValidationError, words):
				self.engineer(**fields).insert()
		portal = make_portal_user("gs-profile-portal@example.com", make_customer())
		with self.assertRaisesRegex(frappe.ValidationError, "not a desk user"):
			frappe.get_doc(
				{"doctype": ENGINEER, "user": portal, "working_from": "08:00:00", "working_to": "17:00:00"}
			).insert()

	def test_portal_users_cannot_read_profiles(self):
		user = make_portal_user("gs-profile-portal@example.com", make_customer())
		self.assertFalse(frappe.has_permission(ENGINEER, "read", user=user))
