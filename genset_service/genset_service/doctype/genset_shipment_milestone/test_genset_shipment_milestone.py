# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

"""A milestone made in the desk form is checked and followed like one from the API; it is a log entry:
a second copy is refused by its key, an edit is refused, a deletion is followed."""

import frappe
from frappe.utils import add_days, getdate

from genset_service.genset_service.doctype.genset_shipment.test_genset_shipment import (
	CUSTOMER,
	at,
	ship,
)
from genset_service.logistics import model as M
from genset_service.logistics.common import MILESTONE, SHIPMENT
from genset_service.scheduling.common import UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_sales_order,
	make_shipping_addresses,
)

test_ignore = TEST_IGNORE


class TestGensetShipmentMilestone(GensetTestCase):
	def setUp(self):
		super().setUp()
		make_customer(CUSTOMER)
		make_shipping_addresses(CUSTOMER)
		item = make_genset_item("_Test Genset 800 kVA")
		order = make_sales_order([{"item_code": item, "qty": 1}], customer=CUSTOMER)
		self.planned = add_days(self.today, 20)
		self.made = ship([make_delivery_note(order.name)], self.planned, mode="Road")

	def milestone(self, milestone, when, **fields):
		return frappe.get_doc(
			{
				"doctype": MILESTONE,
				"shipment": self.made.shipment,
				"milestone": milestone,
				"event_time": when,
				"source": "Carrier",  # not the desk user's to say: the app resets it
				**fields,
			}
		).insert()

	def test_the_desk_form_records_once_and_moves_the_plan(self):
		doc = self.milestone(M.OUT_FOR_DELIVERY, at(self.today, 9), new_eta=add_days(self.planned, 3))
		self.assertEqual((doc.source, doc.customer), ("Desk", CUSTOMER))
		self.assertEqual(
			getdate(frappe.db.get_value(UNIT, self.made.units[0], "eta_date")), add_days(self.planned, 3)
		)
		with self.assertRaises(frappe.DuplicateEntryError):
			self.milestone(M.OUT_FOR_DELIVERY, at(self.today, 9))
		doc.place = "somewhere else"
		with self.assertRaises((frappe.PermissionError, frappe.ValidationError)):
			doc.save()
		# a wrong one is deleted by a System Manager: the shipment follows its log again
		doc.delete()
		self.assertEqual(frappe.db.get_value(SHIPMENT, self.made.shipment, "status"), M.Status.BOOKED)
		self.assertEqual(getdate(frappe.db.get_value(UNIT, self.made.units[0], "eta_date")), self.planned)

	def test_a_genset_not_on_the_shipment_or_a_time_far_ahead_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.milestone(M.DELIVERED, at(self.today, 9), unit="GU-nope")
		with self.assertRaises(frappe.ValidationError):
			self.milestone(M.DEPARTED, at(add_days(self.today, 3), 9))
		self.assertEqual(frappe.db.count(MILESTONE, {"shipment": self.made.shipment}), 0)
