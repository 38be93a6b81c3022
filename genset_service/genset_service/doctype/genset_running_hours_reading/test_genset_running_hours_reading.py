# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime

from genset_service.api import v1
from genset_service.scheduling.common import UNIT
from genset_service.scheduling.readings import READING, record_reading
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_portal_user,
)

test_ignore = TEST_IGNORE


class TestGensetRunningHoursReading(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset, commissioned=add_days(self.today, -30))
		self.now = now_datetime()

	def at(self, days: float):
		return add_to_date(self.now, hours=-24 * days)

	def unit_values(self):
		return frappe.db.get_value(
			UNIT, self.unit.name, ["running_hours", "running_hours_date", "lifetime_hours"], as_dict=True
		)

	def lifetimes(self) -> list[tuple[float, float]]:
		return [
			(row.hours, row.lifetime_hours)
			for row in frappe.get_all(
				READING,
				filters={"unit": self.unit.name},
				fields=["hours", "lifetime_hours"],
				order_by="reading_time asc",
			)
		]

	def test_the_unit_shows_the_latest_and_a_late_reading_fits_between_its_neighbours(self):
		record_reading(self.unit.name, 100, self.at(20))
		record_reading(self.unit.name, 300, self.at(10))
		self.assertEqual(self.unit_values().running_hours, 300)
		# read 15 days ago, entered today: fits between 100 and 300; the unit still shows 300
		record_reading(self.unit.name, 200, self.at(15), "API")
		values = self.unit_values()
		self.assertEqual(
			(values.running_hours, getdate(values.running_hours_date)), (300, getdate(self.at(10)))
		)
		self.assertEqual(self.lifetimes(), [(100, 100), (200, 200), (300, 300)])

	def test_a_reading_that_does_not_fit_is_refused_naming_its_neighbour(self):
		record_reading(self.unit.name, 100, self.at(20))
		record_reading(self.unit.name, 300, self.at(10))
		with self.assertRaisesRegex(frappe.ValidationError, "lower than the earlier reading.*300"):
			record_reading(self.unit.name, 250, self.at(5))
		with self.assertRaisesRegex(frappe.ValidationError, "higher than the later reading.*300"):
			record_reading(self.unit.name, 350, self.at(15))
		with self.assertRaisesRegex(frappe.ValidationError, "future"):
			record_reading(self.unit.name, 400, add_to_date(self.now, days=2))
		self.assertEqual(len(self.lifetimes()), 2)

	def test_a_replaced_meter_starts_a_new_series_and_lifetime_hours_go_on(self):
		record_reading(self.unit.name, 900, self.at(20))
		record_reading(self.unit.name, 5, self.at(10), meter_replaced=True)
		record_reading(self.unit.name, 55, self.at(5))
		self.assertEqual(self.lifetimes(), [(900, 900), (5, 900), (55, 950)])
		values = self.unit_values()
		self.assertEqual((values.running_hours, values.lifetime_hours), (55, 950))
		with self.assertRaisesRegex(frappe.ValidationError, "lower than the earlier reading"):
			record_reading(self.unit.name, 4, self.at(7))
		# removing the meter change would put 55 after 900: refused
		change = frappe.get_value(READING, {"unit": self.unit.name, "meter_replaced": 1})
		with self.assertRaisesRegex(frappe.ValidationError, "never run backwards"):
			frappe.delete_doc(READING, change)
		# removing the latest shows the one before it again
		latest = frappe.get_value(READING, {"unit": self.unit.name, "hours": 55})
		frappe.delete_doc(READING, latest)
		self.assertEqual((self.unit_values().running_hours, self.unit_values().lifetime_hours), (5, 900))

	def test_a_document_records_one_reading_and_takes_it_back_when_cancelled(self):
		record_reading(self.unit.name, 100, self.at(20))
		visit = frappe.get_doc(
			{
				"doctype": "Genset Return Visit",
				"unit": self.unit.name,
				"visited_by": self.team["Customer Service Specialist"],
				"visit_date": getdate(self.at(2)),
				"running_hours": 180,
				"usage": "Prime power for a quarry",
				"feedback": "Runs well",
			}
		).insert()
		visit.submit()
		reading = frappe.get_doc(READING, {"reference_name": visit.name})
		self.assertEqual((reading.source, reading.hours), ("Return Visit", 180))
		self.assertEqual(self.unit_values().running_hours, 180)
		with self.assertRaises(frappe.DuplicateEntryError):
			record_reading(self.unit.name, 190, self.at(1), "Return Visit", visit.doctype, visit.name)
		visit.cancel()
		self.assertFalse(frappe.db.exists(READING, reading.name))
		self.assertEqual(self.unit_values().running_hours, 100)

	def test_hours_based_maintenance_follows_lifetime_hours(self):
		record_reading(self.unit.name, 400, self.at(10))
		before = frappe.get_doc(UNIT, self.unit.name)
		record_reading(self.unit.name, 3, self.at(5), meter_replaced=True)
		after = frappe.get_doc(UNIT, self.unit.name)
		# a new meter reading 3 h does not make the genset young again
		self.assertEqual(after.lifetime_hours, 400)
		self.assertEqual(before.warranty_end_date, after.warranty_end_date)

	def test_the_api_and_the_portal(self):
		customer = frappe.db.get_value(UNIT, self.unit.name, "customer")
		answer = v1.record_running_hours(self.unit.name, 120)
		self.assertEqual((answer["running_hours"], answer["lifetime_hours"]), (120, 120))
		self.assertEqual(frappe.db.get_value(READING, answer["reading"], "source"), "API")
		user = make_portal_user("gs-readings-portal@example.com", customer)
		other = make_portal_user("gs-readings-other@example.com", make_customer("_Test Genset Other"))
		frappe.set_user(user)
		self.assertFalse(frappe.has_permission(READING, "read"))
		with self.assertRaises(frappe.PermissionError):
			v1.record_running_hours(self.unit.name, 130, meter_replaced=1)
		answer = v1.record_running_hours(self.unit.name, 130)
		self.assertEqual(frappe.db.get_value(READING, answer["reading"], "source"), "Portal")
		frappe.set_user(other)
		with self.assertRaises(frappe.PermissionError):
			v1.record_running_hours(self.unit.name, 140)
		frappe.set_user("Administrator")
		self.assertEqual(len(self.lifetimes()), 2)

	def test_desk_entry_is_checked_like_any_other(self):
		record_reading(self.unit.name, 100, self.at(3))
		doc = frappe.get_doc(
			{
				"doctype": READING,
				"unit": self.unit.name,
				"hours": 90,
				"reading_time": get_datetime(self.at(1)),
			}
		)
		with self.assertRaisesRegex(frappe.ValidationError, "never run backwards"):
			doc.insert()
		frappe.set_user(make_portal_user("gs-readings-portal@example.com", make_customer()))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{"doctype": READING, "unit": self.unit.name, "hours": 200, "reading_time": self.now}
			).insert()

	def test_the_patch_backfills_the_log_on_an_existing_site_once(self):
		from genset_service.patches.v0_3 import running_hours_log

		visit = frappe.get_doc(
			{
				"doctype": "Genset Return Visit",
				"unit": self.unit.name,
				"visited_by": self.team["Customer Service Specialist"],
				"visit_date": getdate(self.at(2)),
				"running_hours": 150,
				"usage": "Standby",
				"feedback": "Fine",
			}
		).insert()
		visit.submit()
		# a site from before the log: no readings, only the documents and the genset's last reading
		frappe.db.delete(READING, {"unit": self.unit.name})
		frappe.db.set_value(
			UNIT,
			self.unit.name,
			{"running_hours": 170, "running_hours_date": getdate(self.at(1)), "lifetime_hours": 0},
		)
		running_hours_log.execute()
		rows = frappe.get_all(
			READING,
			filters={"unit": self.unit.name},
			fields=["source", "hours", "lifetime_hours", "reference_name"],
			order_by="reading_time asc",
		)
		self.assertEqual(
			[(r.source, r.hours, r.lifetime_hours, r.reference_name) for r in rows],
			[("Return Visit", 150, 150, visit.name), ("Manual", 170, 170, None)],
		)
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "lifetime_hours"), 170)
		running_hours_log.execute()  # a second run adds nothing
		self.assertEqual(frappe.db.count(READING, {"unit": self.unit.name}), 2)
