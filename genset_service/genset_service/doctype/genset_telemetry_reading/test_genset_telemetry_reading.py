# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.telemetry.common import READING
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase

test_ignore = TEST_IGNORE


class TestGensetTelemetryReading(GensetTestCase):
	def test_a_reading_is_never_made_or_changed_by_hand(self):
		for role in ("Service Manager", "Technical Support", "After-sales Engineer"):
			user = self.team.get(role) or self.make_manager()
			self.assertTrue(frappe.has_permission(READING, "read", user=user), role)
			self.assertFalse(frappe.has_permission(READING, "create", user=user), role)
			self.assertFalse(frappe.has_permission(READING, "write", user=user), role)

	def make_manager(self):
		from genset_service.tests.utils import make_user

		return make_user("gs-telemetry-manager@example.com", ["Service Manager"])

	def test_the_charts_and_the_rollup_job_read_it_by_index(self):
		indexes = {
			row.Key_name for row in frappe.db.sql(f"SHOW INDEX FROM `tab{READING}`", as_dict=True)
		}  # nosemgrep
		self.assertLessEqual(
			{"unit_metric_reading_time_index", "device_reading_time_index", "creation_index"}, indexes
		)
