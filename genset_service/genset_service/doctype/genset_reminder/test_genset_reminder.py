# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.scheduling.reminders import claim, reminder_key
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_customer, make_portal_user

test_ignore = TEST_IGNORE


class TestGensetReminder(GensetTestCase):
	def test_a_reminder_is_claimed_once_per_task_reason_and_day(self):
		frappe.db.delete("Genset Reminder")
		entries = [(None, "Daily Digest", self.today, "manager@example.com")]
		self.assertEqual(claim(entries), {reminder_key(None, "Daily Digest", self.today)})
		self.assertEqual(claim(entries), set())  # taken
		self.assertEqual(frappe.db.count("Genset Reminder"), 1)

	def test_portal_users_cannot_read_reminders(self):
		user = make_portal_user("gs-reminder-portal@example.com", make_customer())
		self.assertFalse(frappe.has_permission("Genset Reminder", "read", user=user))
