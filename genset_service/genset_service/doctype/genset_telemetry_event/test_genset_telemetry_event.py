# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, now_datetime

from genset_service.tests.telemetry_utils import make_device, post
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_delivered_unit, make_portal_user

test_ignore = TEST_IGNORE
EVENT = "Genset Telemetry Event"


class TestGensetTelemetryEvent(GensetTestCase):
	def test_an_event_is_kept_once_and_read_only_by_its_customer_and_staff(self):
		unit = make_delivered_unit(self.genset, commissioned=add_days(self.today, -2))
		device, token = make_device(unit.name, "T-EVENT-1")
		alarm = {
			"time": now_datetime().replace(microsecond=0).isoformat(),
			"alarms": [{"code": "LOW_BATTERY"}],
		}
		self.assertEqual(post(device, token, alarm)[0], 200)
		self.assertEqual(post(device, token, alarm)[0], 200)  # sent again
		self.assertEqual(frappe.db.count(EVENT, {"device": device}), 1)
		user = make_portal_user("event-reader@example.com", unit.customer)
		frappe.set_user(user)
		self.assertEqual(len(frappe.get_list(EVENT, filters={"device": device})), 1)
		self.assertFalse(frappe.has_permission(EVENT, "write"))
		frappe.set_user(self.team["Technical Engineer"])
		self.assertEqual(len(frappe.get_list(EVENT, filters={"device": device})), 1)
		self.assertFalse(frappe.has_permission(EVENT, "create"))
