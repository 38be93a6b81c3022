# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, add_months, getdate

from genset_service.api.plan import complete_task, get_unit_plan
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import CONTRACT, TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_portal_user,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE


def task(unit, service_type, seq=1):
	return frappe.get_all(
		TASK,
		filters={"unit": unit, "service_type": service_type, "occurrence": seq},
		fields=["name", "status", "due_from", "due_to"],
	)[0]


class TestGensetUnit(GensetTestCase):
	def setUp(self):
		super().setUp()
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		self.delivery = make_delivery_note(order.name)
		self.unit = frappe.get_doc(UNIT, {"delivery_note": self.delivery.name})
		self.posting = getdate(self.delivery.posting_date)

	def test_recorded_arrival_moves_installation(self):
		self.unit.arrival_date = add_days(self.posting, 3)
		self.unit.save()
		self.assertEqual(self.unit.status, "Arrived")
		self.assertEqual(getdate(self.unit.expected_arrival_date), add_days(self.posting, 3))
		install = task(self.unit.name, "Installation and Commissioning")
		self.assertEqual(
			(getdate(install.due_from), getdate(install.due_to)),
			(add_days(self.posting, 4), add_days(self.posting, 6)),
		)
		logistics = task(self.unit.name, "Logistics Tracking")
		self.assertEqual(getdate(logistics.due_to), add_days(self.posting, 3))
		# the genset is there: following it on its way is done, on the day it arrived
		self.assertEqual(
			frappe.db.get_value(TASK, logistics.name, ["status", "completed_on"]),
			(TaskStatus.DONE, add_days(self.posting, 3)),
		)

	def test_commissioning_rebases_warranty_and_recurring_tasks_but_not_done_ones(self):
		training = task(self.unit.name, "Operation Training")
		complete_task(training.name)
		commissioned = add_days(self.posting, 30)
		self.unit.arrival_date = add_days(self.posting, 25)
		self.unit.commissioning_date = commissioned
		self.unit.save()

		self.assertEqual(self.unit.status, "Commissioned")
		self.assertEqual(self.unit.warranty_basis, "Commissioning")
		self.assertEqual(self.unit.warranty_status, "Not Started")  # commissioning is 30 days ahead
		self.assertEqual(getdate(self.unit.warranty_start_date), commissioned)
		self.assertEqual(getdate(self.unit.warranty_end_date), getdate(add_months(commissioned, 12)))
		inspection = task(self.unit.name, "Regular Inspection")
		self.assertEqual(getdate(inspection.due_from), add_days(getdate(add_months(commissioned, 6)), -7))
		offer = task(self.unit.name, "Extended Warranty Offer")
		self.assertEqual(getdate(offer.due_from), add_days(getdate(add_months(commissioned, 12)), -60))
		# done work never moves
		self.assertEqual(task(self.unit.name, "Operation Training"), training | {"status": TaskStatus.DONE})
		# the contract now ends with the re-based service term
		self.assertEqual(
			getdate(frappe.db.get_value(CONTRACT, self.unit.contract, "end_date")),
			getdate(add_months(commissioned, 24)),
		)
		plan = get_unit_plan(self.unit.name)
		self.assertEqual(getdate(plan["commissioning_date"]), commissioned)
		self.assertEqual(len(plan["tasks"]), frappe.db.count(TASK, {"unit": self.unit.name}))

	def test_arrival_before_delivery_is_refused(self):
		self.unit.arrival_date = add_days(self.posting, -1)
		with self.assertRaisesRegex(frappe.ValidationError, "Arrival Date"):
			self.unit.save()
		self.assertIsNone(frappe.db.get_value(UNIT, self.unit.name, "arrival_date"))

	def test_commissioning_before_arrival_is_refused(self):
		self.unit.arrival_date = add_days(self.posting, 5)
		self.unit.commissioning_date = add_days(self.posting, 4)
		with self.assertRaisesRegex(frappe.ValidationError, "Commissioning Date"):
			self.unit.save()
		self.assertIsNone(frappe.db.get_value(UNIT, self.unit.name, "commissioning_date"))
		install = task(self.unit.name, "Installation and Commissioning")
		self.assertEqual(getdate(install.due_from), add_days(self.posting, 8))

	def test_cancelled_unit_dates_are_frozen(self):
		self.delivery.reload()
		self.delivery.cancel()
		self.unit.reload()
		self.assertEqual(self.unit.status, "Cancelled")
		self.unit.arrival_date = add_days(self.posting, 2)
		with self.assertRaises(frappe.ValidationError):
			self.unit.save()

	def test_roles_and_permissions(self):
		support = make_user("gs-support-only@example.com", ["Technical Support"])
		outsider = make_user("gs-outsider@example.com", ["Sales User"])

		frappe.set_user(self.team["After-sales Engineer"])
		unit = frappe.get_doc(UNIT, self.unit.name)
		unit.arrival_date = add_days(self.posting, 2)
		unit.save()  # engineers record life events

		frappe.set_user(support)
		unit = frappe.get_doc(UNIT, self.unit.name)  # can read
		unit.commissioning_date = add_days(self.posting, 4)
		with self.assertRaises(frappe.PermissionError):
			unit.save()

		frappe.set_user(outsider)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(UNIT, self.unit.name).check_permission("read")
		with self.assertRaises(frappe.PermissionError):
			get_unit_plan(self.unit.name)

	def test_a_site_without_a_postcode_never_shows_none(self):
		"""Germany's Address Template prints ``{{ pincode }} {{ city | upper }}``: "None HAMBURG" when
		the postcode is empty, on the unit and on the portal, until the app drew the site itself."""
		from frappe.utils import set_request
		from frappe.website.serve import get_response_content

		customer = make_customer("_Test Genset Customer Hamburg")
		if not frappe.db.exists("Address Template", {"country": "Germany"}):
			frappe.get_doc(
				{
					"doctype": "Address Template",
					"country": "Germany",
					"template": "{{ address_line1 }}<br>\n{% if address_line2 %}{{ address_line2 }}<br>{% endif -%}"
					"\n{{ pincode }} {{ city | upper }}<br>\n{{ country | upper }}",
				}
			).insert()
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": "Hafen Hamburg",
				"address_type": "Shipping",
				"address_line1": "Am Kai 1",
				"city": "Hamburg",
				"country": "Germany",
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert()
		order = make_sales_order(
			[{"item_code": self.genset, "qty": 1}],
			customer=customer,
			customer_address=address.name,
			shipping_address_name=address.name,
		)
		delivery = make_delivery_note(order.name)
		unit = frappe.get_doc(UNIT, {"delivery_note": delivery.name})
		self.assertEqual(unit.site_address, address.name)
		lines = unit.site_address_display.split("<br>\n")
		self.assertEqual(lines[:2], ["Am Kai 1", "HAMBURG"])
		self.assertNotIn("None", unit.site_address_display)
		self.assertNotIn("None", delivery.shipping_address + delivery.address_display)

		# the postcode given later: the gensets at that site follow
		address.pincode = "20457"
		address.save()
		self.assertIn("20457 HAMBURG", frappe.db.get_value(UNIT, unit.name, "site_address_display"))

		# a unit drawn before (with Jinja's "None") shows without it on the portal, and is mended when saved
		frappe.db.set_value(
			UNIT,
			unit.name,
			"site_address_display",
			"Am Kai 1<br>\nNone HAMBURG<br>\nGERMANY",
			update_modified=False,
		)
		frappe.set_user(make_portal_user("gs-portal-hamburg@example.com", customer))
		for path in ("/my_gensets", f"/my_gensets/{unit.name}"):
			set_request(method="GET", path=path)
			html = get_response_content(path)
			self.assertIn("HAMBURG", html, path)
			self.assertNotIn("None HAMBURG", html, path)
		frappe.set_user("Administrator")
		unit.reload()
		unit.save()
		self.assertEqual(unit.site_address_display, "Am Kai 1<br>\nHAMBURG<br>\nGERMANY")
