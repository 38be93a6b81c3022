# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import datetime

import frappe

from genset_service.telemetry import model
from genset_service.telemetry.common import ROLLUP
from genset_service.telemetry.rollup import as_rollup, rollup_key, write
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase

test_ignore = TEST_IGNORE


class TestGensetTelemetryRollup(GensetTestCase):
	def test_a_period_rolled_up_again_replaces_its_row(self):
		start = datetime.datetime(2026, 12, 1, 8)
		first = model.Rollup("D-1", "load_kw", model.HOUR, start, 2, 10, 20, 15, 20)
		again = model.Rollup("D-1", "load_kw", model.HOUR, start, 3, 10, 30, 20, 30)
		write([first], {"D-1": None})
		write([again], {"D-1": None})
		rows = frappe.get_all(ROLLUP, filters={"device": "D-1"}, fields=["*"])
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].name, rollup_key("D-1", "load_kw", model.HOUR, start))
		self.assertEqual(as_rollup(rows[0]), again)

	def test_a_counter_keeps_its_first_value_and_rise(self):
		start = datetime.datetime(2026, 12, 1)
		hours = model.Rollup("D-2", "running_hours", model.DAY, start, 24, 100, 112, 106, 112, 100, 12)
		write([hours], {"D-2": None})
		(row,) = frappe.get_all(ROLLUP, filters={"device": "D-2"}, fields=["*"])
		self.assertEqual(as_rollup(row), hours)

	def test_nobody_writes_one_by_hand(self):
		self.assertFalse(frappe.has_permission(ROLLUP, "create", user=self.team["Technical Support"]))
