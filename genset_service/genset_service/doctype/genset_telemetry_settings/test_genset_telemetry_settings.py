# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe

from genset_service.telemetry.bridge import config_from_settings
from genset_service.telemetry.common import SETTINGS
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase

test_ignore = TEST_IGNORE


class TestGensetTelemetrySettings(GensetTestCase):
	def test_bad_settings_are_refused(self):
		for values in (
			{"mqtt_port": 70000},
			{"batch_size": 0},
			{"raw_days": 0},
			{"raw_days": 30, "hourly_days": 7},
			{"hourly_days": 90, "daily_days": 30},
			{"json_topic": "genset/telemetry"},
			{"shared_group": "a/b"},
			{"silence_minutes": -5},
		):
			doc = frappe.get_single(SETTINGS)
			doc.update(values)
			with self.assertRaises(frappe.ValidationError, msg=values):
				doc.save()

	def test_the_bridge_reads_them_and_its_options_win(self):
		doc = frappe.get_single(SETTINGS)
		doc.update({"shared_group": "north", "json_topic": "fleet/+/data", "mqtt_password": "s3cret"})
		doc.save()
		config = config_from_settings(client_id="b-1")
		self.assertEqual(config.subscriptions(), ["$share/north/fleet/+/data", "spBv1.0/#"])
		self.assertEqual((config.password, config.client_id), ("s3cret", "b-1"))
		self.assertEqual(
			config_from_settings(shared_group="", sparkplug_topic="").subscriptions(), ["fleet/+/data"]
		)
