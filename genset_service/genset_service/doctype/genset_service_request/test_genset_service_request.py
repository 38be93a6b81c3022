# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_to_date, get_datetime, getdate

from genset_service.scheduling.common import TASK, UNIT
from genset_service.scheduling.requests import escalate
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_service_item,
	make_user,
)

test_ignore = TEST_IGNORE
REQUEST = "Genset Service Request"
NOTICE = "Genset Escalation Notice"


def labour_item():
	return make_service_item("_Test Genset Labour Hour", 60)


class TestGensetServiceRequest(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = make_user("gs-service-manager@example.com", ["Service Manager"])

	def setUp(self):
		super().setUp()
		settings = frappe.get_single("Genset Service Settings")
		settings.labour_item = labour_item()
		settings.escalation_role = "Service Manager"
		settings.save()
		self.unit = make_delivered_unit(self.genset)

	def commission(self):
		self.unit.arrival_date = self.unit.commissioning_date = getdate()
		self.unit.save()

	def request(self, service_type="Field Maintenance", **fields):
		doc = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": service_type,
				"unit": self.unit.name,
				"customer": self.unit.customer,
				"channel": "Phone",
				"description": "Set trips on low oil pressure after 10 minutes under load",
				**fields,
			}
		)
		doc.insert()
		return doc

	def test_field_maintenance_gets_the_48_hour_on_site_promise_and_a_task(self):
		self.commission()
		request = self.request()
		self.assertEqual((request.agreement, request.priority), ("Catalogue Promise", "Medium"))
		self.assertEqual((request.acknowledge_state, request.on_site_state), ("Not Promised", "Running"))
		hours = (get_datetime(request.on_site_by) - get_datetime(request.opening_date)).total_seconds() / 3600
		self.assertAlmostEqual(hours, 48, delta=0.01)
		task = frappe.get_doc(TASK, request.task)
		self.assertEqual(
			(task.service_type, task.unit, task.reference_name),
			("Field Maintenance", self.unit.name, request.name),
		)
		self.assertEqual(task.assigned_to, self.team["After-sales Engineer"])
		self.assertEqual(getdate(task.due_to), getdate(request.on_site_by))  # due by the promise
		self.assertTrue(request.in_warranty)
		self.assertFalse(request.quotation)  # in warranty: free

		emergency = self.request("Emergency Rescue")
		hours = (
			get_datetime(emergency.on_site_by) - get_datetime(emergency.opening_date)
		).total_seconds() / 3600
		self.assertAlmostEqual(hours, 4, delta=0.01)

	def test_a_person_taking_the_request_acknowledges_it_and_resolution_closes_the_task(self):
		self.commission()
		request = self.request("Remote Support")  # acknowledged within 2 hours
		request.status = "In Progress"
		request.save()
		self.assertTrue(request.acknowledged_on)
		self.assertEqual((request.acknowledged_by, request.acknowledge_state), ("Administrator", "Met"))
		request.status = "Resolved"
		request.resolution = "Reset the controller remotely"
		request.save()
		self.assertEqual(frappe.db.get_value(TASK, request.task, "status"), "Done")

	def test_at_risk_then_breach_escalates_to_assignee_and_manager(self):
		self.commission()
		request = self.request("Emergency Rescue")  # 4 hours
		opened = get_datetime(request.opening_date)
		self.assertEqual(escalate(add_to_date(opened, hours=1)), {"At Risk": [], "Breached": []})
		result = escalate(add_to_date(opened, hours=3, minutes=10))
		self.assertEqual(result["At Risk"], [request.name])
		self.assertEqual(frappe.db.get_value(REQUEST, request.name, "escalation"), "At Risk")
		engineer = self.team["After-sales Engineer"]
		self.assertTrue(
			frappe.db.exists("Notification Log", {"document_name": request.name, "for_user": engineer})
		)
		self.assertTrue(  # the service managers hear of it at risk too
			frappe.db.exists("Notification Log", {"document_name": request.name, "for_user": self.manager})
		)

		with self.freeze_time(add_to_date(opened, hours=5)):
			result = escalate()
		self.assertEqual(result["Breached"], [request.name])
		self.assertEqual(
			frappe.db.get_value(REQUEST, request.name, ["escalation", "agreement_status"]),
			("Breached", "Failed"),
		)
		self.assertEqual(
			frappe.db.count(NOTICE, {"request": request.name, "clock": "On Site"}), 2
		)  # at risk, then breached
		# once per level
		self.assertEqual(escalate(add_to_date(opened, hours=6))["Breached"], [])

	def test_out_of_warranty_request_is_quoted(self):
		frappe.db.set_value(UNIT, self.unit.name, "warranty_status", "Expired")
		request = self.request("Spare Parts Supply")
		self.assertFalse(request.in_warranty)
		quotation = frappe.get_doc("Quotation", request.quotation)
		self.assertEqual((quotation.docstatus, quotation.party_name), (0, self.unit.customer))
		self.assertEqual(quotation.items[0].item_code, labour_item())

	def test_an_emergency_on_a_delivered_genset_not_yet_commissioned_is_covered(self):
		# delivered, not commissioned: the warranty has not started, the maker covers it all the same
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "warranty_status"), "Not Started")
		request = self.request("Emergency Rescue")
		self.assertEqual((request.in_warranty, request.warranty_cover), (1, "Before Commissioning"))
		self.assertFalse(request.quotation)
		self.commission()
		self.assertEqual(self.request().warranty_cover, "Warranty")

	def test_no_labour_item_or_a_refused_quotation_keeps_the_request_and_tells_the_managers(self):
		frappe.db.set_value(UNIT, self.unit.name, "warranty_status", "Expired")
		frappe.db.set_single_value("Genset Service Settings", "labour_item", None)
		request = self.request("Spare Parts Supply")
		self.assertEqual((request.in_warranty, request.warranty_cover), (0, "Out of Warranty"))
		self.assertFalse(frappe.db.get_value(REQUEST, request.name, "quotation"))
		told = frappe.get_all(
			"Notification Log",
			filters={"for_user": self.manager, "document_name": request.name},
			pluck="subject",
		)
		self.assertEqual(len(told), 1)
		self.assertIn("set a Labour Item", told[0])
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{"reference_name": request.name, "content": ("like", "%no quotation was drafted%")},
			)
		)
		# ERPNext refusing the quotation (a disabled labour item) loses nothing either
		item = labour_item()
		frappe.db.set_single_value("Genset Service Settings", "labour_item", item)
		frappe.db.set_value("Item", item, "disabled", 1)
		second = self.request("Spare Parts Supply")
		self.assertTrue(frappe.db.exists(REQUEST, second.name))
		self.assertTrue(frappe.db.get_value(REQUEST, second.name, "task"))
		self.assertFalse(frappe.db.get_value(REQUEST, second.name, "quotation"))
		self.assertTrue(
			frappe.get_all(
				"Notification Log",
				filters={
					"for_user": self.manager,
					"document_name": second.name,
					"subject": ("like", "%could not be drafted%"),
				},
			)
		)

	def test_bad_requests_are_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "not a service a customer can request"):
			self.request("Regular Inspection")
		with self.assertRaisesRegex(frappe.ValidationError, "belongs to customer"):
			self.request(customer=make_customer("_Test Other Genset Customer"))
		with self.assertRaises(frappe.ValidationError):
			self.request(unit="GU-NOT-THERE")

	def test_changing_a_promise_changes_new_requests_deadlines(self):
		promise = frappe.get_doc("Genset Service Agreement", "Catalogue Promise")
		for row in promise.targets:
			if (row.service_type, row.priority) == ("Field Maintenance", "Medium"):
				row.on_site_hours = 24
		promise.save()
		request = self.request()
		hours = (get_datetime(request.on_site_by) - get_datetime(request.opening_date)).total_seconds() / 3600
		self.assertAlmostEqual(hours, 24, delta=0.01)
		# ERPNext's own SLA engine leaves requests alone
		self.assertFalse(
			frappe.db.exists("Service Level Agreement", {"document_type": REQUEST, "enabled": 1})
		)
