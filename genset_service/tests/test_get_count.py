"""``frappe.client.get_count`` counts the app's DocTypes with the caller's permissions: a customer's
portal user learns nothing of other customers' records; staff counts and other DocTypes are unchanged."""

import frappe

from genset_service.api.client import get_count
from genset_service.permissions import PORTAL_DOCTYPES
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_delivery_note,
	make_portal_user,
	make_sales_order,
)

test_ignore = TEST_IGNORE


class TestGetCount(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.mine = make_customer("_Test Genset Count Mine")
		self.other = make_customer("_Test Genset Count Other")
		for customer, qty in ((self.mine, 1), (self.other, 3)):
			order = make_sales_order([{"item_code": self.genset, "qty": qty}], customer=customer)
			make_delivery_note(order.name)
		make_delivered_unit(self.genset)  # a third customer's genset too
		self.user = make_portal_user("gs-count-portal@example.com", self.mine)

	def test_the_api_answers_through_the_override(self):
		"""What /api/method/frappe.client.get_count runs (Frappe's handler resolves the override)."""
		cmd = frappe.override_whitelisted_method("frappe.client.get_count")
		self.assertEqual(cmd, "genset_service.api.client.get_count")
		method = frappe.get_attr(cmd)
		frappe.set_user(self.user)
		self.assertEqual(frappe.call(method, doctype="Genset Unit", cmd=cmd), 1)
		self.assertEqual(frappe.call(method, doctype="Genset Unit", filters={"customer": self.other}), 0)

	def test_portal_user_counts_only_its_own_rows(self):
		own = {doctype: frappe.db.count(doctype, {"customer": self.mine}) for doctype in PORTAL_DOCTYPES}
		self.assertEqual(own["Genset Unit"], 1)
		self.assertGreater(own["Genset Service Task"], 10)
		frappe.set_user(self.user)
		for doctype in PORTAL_DOCTYPES:
			self.assertEqual(get_count(doctype), own[doctype], doctype)
			# probing another customer's records one filter at a time finds nothing
			self.assertEqual(get_count(doctype, filters={"customer": self.other}), 0, doctype)
			self.assertEqual(get_count(doctype, filters=f'[["customer", "=", "{self.other}"]]'), 0, doctype)
		self.assertEqual(get_count("Genset Unit", filters={"customer": self.mine}), 1)
		# app DocTypes a portal user may not read at all are refused, not counted
		for doctype in ("Genset Service Type", "Genset Escalation Notice"):
			with self.assertRaises(frappe.PermissionError):
				get_count(doctype)

	def test_staff_counts_are_unchanged(self):
		for doctype in (*PORTAL_DOCTYPES, "Genset Service Type", "Customer", "ToDo"):
			self.assertEqual(get_count(doctype), frappe.db.count(doctype), doctype)
		self.assertEqual(
			get_count("Genset Unit", filters={"customer": self.other}),
			frappe.db.count("Genset Unit", {"customer": self.other}),
		)
		self.assertEqual(get_count("Genset Unit", filters={"customer": self.other}), 3)

	def test_malformed_filters_are_a_clear_417(self):
		for filters in ('{"customer": ', "[[1]]", '{"no_such_field": 1}', '[["x", "=", 1]]', "42"):
			with self.assertRaises(frappe.ValidationError, msg=filters):
				get_count("Genset Unit", filters=filters)
		with self.assertRaises(frappe.DoesNotExistError):
			get_count("No Such DocType")
