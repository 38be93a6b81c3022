# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import datetime

import frappe
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivered_unit,
	make_genset_item,
	warehouse,
)

test_ignore = TEST_IGNORE
REPORT = "Genset Service Report"
REQUEST = "Genset Service Request"


class TestGensetServiceReport(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.oil_filter = make_genset_item("_Test Genset Oil Filter", genset=False)

	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset, commissioned=getdate())

	def open_request(self):
		request = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Field Maintenance",
				"unit": self.unit.name,
				"customer": self.unit.customer,
				"description": "Oil leak at the filter housing",
			}
		)
		request.insert()
		return request

	def report(self, submit=True, **fields):
		# a two-hour visit that ends today, whatever the hour the suite runs at (a reading may not be
		# dated tomorrow)
		start = min(now_datetime(), datetime.datetime.combine(getdate(), datetime.time(21)))
		doc = frappe.get_doc(
			{
				"doctype": REPORT,
				"unit": self.unit.name,
				"service_type": "Field Maintenance",
				"engineer": self.team["After-sales Engineer"],
				"start_time": start,
				"end_time": add_to_date(start, hours=2),
				"work_done": "Replaced the oil filter and gasket; no leak under load",
				"running_hours": 35,
				"parts": [{"item_code": self.oil_filter, "qty": 2, "warehouse": warehouse()}],
				"customer_signatory": "Site Manager",
				"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
				**fields,
			}
		)
		doc.insert()
		if submit:
			doc.submit()
		return doc

	def test_report_consumes_parts_closes_the_request_and_stops_the_clock(self):
		request = self.open_request()
		report = self.report(service_request=request.name)
		moved = frappe.get_all(
			"Stock Ledger Entry",
			filters={"voucher_no": report.stock_entry, "item_code": self.oil_filter, "is_cancelled": 0},
			pluck="actual_qty",
		)
		self.assertEqual(moved, [-2])
		self.assertEqual(report.in_warranty, 1)
		self.assertFalse(report.quotation)  # in warranty: free
		request.reload()
		self.assertEqual(request.status, "Resolved")
		# the visit stopped the request's clocks: on site at its start, restored at its end
		self.assertEqual(
			(request.on_site_on, request.restored_on),
			(get_datetime(report.start_time), get_datetime(report.end_time)),
		)
		self.assertEqual(frappe.db.get_value(TASK, request.task, "status"), "Done")
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "running_hours"), 35)

		report.cancel()
		self.assertEqual(frappe.db.get_value("Stock Entry", report.stock_entry, "docstatus"), 2)
		self.assertEqual(frappe.db.get_value(REQUEST, request.name, "status"), "In Progress")
		self.assertIn(frappe.db.get_value(TASK, request.task, "status"), ("Planned", "Due", "Overdue"))
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "running_hours"), 0)

	def test_out_of_warranty_parts_are_charged(self):
		frappe.db.set_value(UNIT, self.unit.name, "warranty_status", "Expired")
		report = self.report()
		self.assertEqual((report.in_warranty, report.parts[0].chargeable), (0, 1))
		quotation = frappe.get_doc("Quotation", report.quotation)
		self.assertEqual([(row.item_code, row.qty) for row in quotation.items], [(self.oil_filter, 2)])

	def test_a_planned_maintenance_report_completes_its_task(self):
		task = frappe.get_value(
			TASK, {"unit": self.unit.name, "service_type": "Maintenance", "occurrence": 1}
		)
		self.report(service_type="Maintenance", task=task, parts=[])
		self.assertEqual(frappe.db.get_value(TASK, task, "status"), "Done")

	def test_bad_reports_are_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "must be positive"):
			self.report(parts=[{"item_code": self.oil_filter, "qty": -1, "warehouse": warehouse()}])
		start = now_datetime()
		with self.assertRaisesRegex(frappe.ValidationError, "cannot be before"):
			self.report(start_time=start, end_time=add_to_date(start, hours=-1))
		with self.assertRaisesRegex(frappe.ValidationError, "sign-off"):
			self.report(customer_signatory=None, customer_signature=None)
		self.assertFalse(frappe.db.exists(REPORT, {"unit": self.unit.name, "docstatus": 1}))
