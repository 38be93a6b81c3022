# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, add_months, getdate

from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_genset_item,
	make_inspection,
	make_outgoing_email_account,
	make_service_item,
)

test_ignore = TEST_IGNORE
EXTENSION = "Genset Warranty Extension"


class TestGensetWarrantyExtension(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.genset = make_genset_item(
			"_Test Genset 250 kVA", warranty_months=12, contract_months=12, warranty_hours=1500
		)
		cls.service_item = make_service_item("_Test Genset Warranty Extension", 900)

	def commissioned_unit(self, commissioned=None):
		return make_delivered_unit(self.genset, commissioned=commissioned or self.today)

	def extend(self, unit, months=12, hours=0, submit_order=True, **fields):
		extension = frappe.get_doc(
			{
				"doctype": EXTENSION,
				"customer": unit.customer,
				"company": unit.company,
				"extra_months": months,
				"extra_hours": hours,
				"service_item": self.service_item,
				"units": [{"unit": unit.name}],
				**fields,
			}
		)
		extension.insert()
		extension.submit()
		if submit_order:
			order = frappe.get_doc("Sales Order", extension.sales_order)
			order.submit()
		extension.reload()
		return extension

	def inspections(self, unit):
		return frappe.db.count(
			TASK,
			{
				"unit": unit,
				"service_type": "Regular Inspection",
				"status": ("in", ["Planned", "Due", "Overdue"]),
			},
		)

	def test_extension_is_charged_applied_stacked_and_reverted(self):
		unit = self.commissioned_unit()
		base_end = getdate(add_months(self.today, 12))
		self.assertEqual((getdate(unit.warranty_end_date), unit.warranty_status), (base_end, "In Warranty"))
		self.assertEqual(self.inspections(unit.name), 2)

		first = self.extend(unit, months=12, submit_order=False)
		order = frappe.get_doc("Sales Order", first.sales_order)
		self.assertEqual(
			(order.docstatus, order.customer, order.items[0].item_code), (0, unit.customer, self.service_item)
		)
		self.assertEqual((order.items[0].qty, order.items[0].rate), (1, 900))
		self.assertEqual(first.status, "Awaiting Order")
		self.assertEqual(
			getdate(frappe.db.get_value(UNIT, unit.name, "warranty_end_date")), base_end
		)  # not yet

		order.submit()
		first.reload()
		self.assertEqual(first.status, "Applied")
		self.assertEqual(getdate(first.units[0].warranty_end_after), getdate(add_months(self.today, 24)))
		unit.reload()
		self.assertEqual(getdate(unit.warranty_end_date), getdate(add_months(self.today, 24)))
		self.assertEqual(getdate(unit.base_warranty_end_date), base_end)
		self.assertEqual(self.inspections(unit.name), 4)  # the plan gains the extra term's inspections
		offer = frappe.get_all(
			TASK,
			filters={
				"unit": unit.name,
				"service_type": "Extended Warranty Offer",
				"status": ("!=", "Cancelled"),
			},
			pluck="due_from",
		)
		self.assertEqual([getdate(d) for d in offer], [add_days(getdate(add_months(self.today, 24)), -60)])

		second = self.extend(unit, months=6)
		self.assertEqual(
			getdate(frappe.db.get_value(UNIT, unit.name, "warranty_end_date")),
			getdate(add_months(self.today, 30)),
		)

		frappe.get_doc("Sales Order", second.sales_order).cancel()
		self.assertEqual(frappe.db.get_value(EXTENSION, second.name, "status"), "Awaiting Order")
		self.assertEqual(
			getdate(frappe.db.get_value(UNIT, unit.name, "warranty_end_date")),
			getdate(add_months(self.today, 24)),
		)

		frappe.get_doc("Sales Order", first.sales_order).cancel()
		first.reload()
		first.cancel()
		self.assertEqual(frappe.db.get_value(EXTENSION, first.name, "status"), "Cancelled")
		unit.reload()
		self.assertEqual(getdate(unit.warranty_end_date), base_end)
		self.assertEqual(self.inspections(unit.name), 2)

	def test_cancelling_an_extension_with_a_draft_order_removes_the_order(self):
		unit = self.commissioned_unit()
		extension = self.extend(unit, submit_order=False)
		extension.cancel()
		self.assertFalse(frappe.db.exists("Sales Order", extension.sales_order))

	def test_an_extension_after_the_warranty_end_is_refused_naming_the_end(self):
		unit = self.commissioned_unit()
		frappe.db.set_value(
			UNIT,
			unit.name,
			{
				"delivery_date": add_days(self.today, -420),
				"arrival_date": add_days(self.today, -410),
				"commissioning_date": add_days(self.today, -400),
			},
		)
		unit.reload()
		unit.save()
		end = getdate(add_months(add_days(self.today, -400), 12))
		self.assertEqual((getdate(unit.warranty_end_date), unit.warranty_status), (end, "Expired"))
		with self.assertRaisesRegex(frappe.ValidationError, "ended on"):
			self.extend(unit)
		self.assertFalse(frappe.db.exists(EXTENSION, {"customer": unit.customer, "docstatus": 1}))

	def test_bad_extensions_are_refused(self):
		unit = self.commissioned_unit()
		with self.assertRaisesRegex(frappe.ValidationError, "Extra Months"):
			self.extend(unit, months=0)
		with self.assertRaisesRegex(frappe.ValidationError, "Extra Months"):
			self.extend(unit, months=-3)
		with self.assertRaisesRegex(frappe.ValidationError, "belongs to customer"):
			self.extend(unit, customer=make_customer("_Test Other Genset Customer"))

	def test_hours_cap_ends_the_warranty_and_an_hours_extension_restores_it(self):
		unit = self.commissioned_unit(commissioned=add_days(self.today, -30))
		make_inspection("Regular", unit=unit.name, running_hours=1600)
		unit.reload()
		self.assertEqual(getdate(unit.warranty_end_date), self.today)  # 1,500 h cap reached today
		extension = self.extend(unit, months=6, hours=1000)
		unit.reload()
		self.assertEqual(extension.status, "Applied")
		self.assertEqual(getdate(unit.warranty_end_date), getdate(add_months(add_days(self.today, -30), 18)))

	def test_running_hours_pull_maintenance_forward(self):
		unit = self.commissioned_unit(commissioned=add_days(self.today, -10))
		first = frappe.get_doc(TASK, {"unit": unit.name, "service_type": "Maintenance", "occurrence": 1})
		self.assertEqual(
			getdate(first.due_from), add_days(getdate(add_months(add_days(self.today, -10), 6)), -7)
		)
		# 240 h in 10 days: 24 h a day, the 250 h service falls due tomorrow, not in six months
		make_inspection("Regular", unit=unit.name, running_hours=240)
		first.reload()
		self.assertEqual(getdate(first.due_from), add_days(self.today, 1 - 7))
		self.assertEqual(first.due_hours, 250)

	def test_warranty_offer_email_goes_to_the_customer(self):
		from frappe.email.doctype.notification.notification import evaluate_alert

		make_outgoing_email_account()
		unit = self.commissioned_unit()
		frappe.db.set_value("Customer", unit.customer, "email_id", "buyer@example.com")
		offer = frappe.get_doc(TASK, {"unit": unit.name, "service_type": "Extended Warranty Offer"})
		frappe.db.set_value(TASK, offer.name, {"due_from": self.today, "contact_email": "buyer@example.com"})
		alert = frappe.get_doc("Notification", "Genset Extended Warranty Offer")
		due_today = alert.get_documents_for_today()
		self.assertIn(offer.name, [doc.name for doc in due_today])
		evaluate_alert(frappe.get_doc(TASK, offer.name), alert, alert.event)
		queued = frappe.get_all(
			"Email Queue Recipient", filters={"recipient": "buyer@example.com"}, pluck="parent"
		)
		self.assertTrue(queued)
		self.assertIn("warranty", frappe.db.get_value("Email Queue", queued[0], "message").lower())

	def queries_to_apply(self, count: int) -> tuple[int, set]:
		"""Queries of applying a 12-month extension of ``count`` commissioned gensets of one delivery."""
		from unittest.mock import patch

		from genset_service.scheduling import warranty

		first = make_delivered_unit(self.genset, commissioned=self.today, qty=count)
		units = frappe.get_all(UNIT, filters={"delivery_note": first.delivery_note}, pluck="name")
		for name in units:
			unit = frappe.get_doc(UNIT, name)
			unit.arrival_date = unit.commissioning_date = self.today
			unit.save()
		extension = frappe.get_doc(
			{
				"doctype": EXTENSION,
				"customer": first.customer,
				"company": first.company,
				"extra_months": 12,
				"service_item": self.service_item,
				"units": [{"unit": name} for name in units],
			}
		).insert()
		extension.submit()
		order = frappe.get_doc("Sales Order", extension.sales_order)
		calls, real = [], frappe.db.sql

		def counting(*args, **kwargs):
			calls.append(args[0] if args else "")
			return real(*args, **kwargs)

		with patch.object(frappe.db, "sql", side_effect=counting):
			warranty.on_order_submit(order)
		ends = {frappe.db.get_value(UNIT, name, "warranty_end_date") for name in units}
		self.calls = [*getattr(self, "calls", []), calls]
		return len(calls), ends

	def test_applying_an_extension_re_plans_in_bulk_whatever_the_number_of_gensets(self):
		few, ends = self.queries_to_apply(2)
		many, ends_many = self.queries_to_apply(10)
		self.assertEqual(len(ends), 1)
		self.assertEqual(len(ends_many), 1)
		self.assertEqual(getdate(next(iter(ends_many))), getdate(add_months(next(iter(ends)), 0)))
		self.assertEqual(many, few, f"{few} queries for 2 gensets, {many} for 10: {self.calls[-1][-40:]}")
