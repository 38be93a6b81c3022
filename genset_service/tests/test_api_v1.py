"""Every example of docs/api.md, called as the API calls it, plus the webhooks."""

import frappe
from frappe.utils import add_days, getdate

from genset_service.api import v1
from genset_service.scheduling.common import TASK, UNIT
from genset_service.scheduling.status import refresh_statuses
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_genset_item,
	make_portal_user,
	make_sales_order,
	receive_serials,
)

test_ignore = TEST_IGNORE


class TestApiV1(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.genset = make_genset_item("_Test Genset 500 kVA", serial=True)

	def setUp(self):
		super().setUp()
		self.serial = receive_serials(self.genset, 1)[0]
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		delivery = make_delivery_note(order.name, serials={self.genset: [self.serial]})
		self.unit = frappe.get_doc(UNIT, {"delivery_note": delivery.name})
		self.unit.arrival_date = self.unit.commissioning_date = add_days(self.today, 0)
		self.unit.save()

	def test_get_unit_plan(self):
		plan = v1.get_unit_plan(unit=self.unit.name)
		self.assertEqual(plan["unit"], self.unit.name)
		self.assertEqual(len(plan["tasks"]), frappe.db.count(TASK, {"unit": self.unit.name}))

	def test_get_warranty_status(self):
		status = v1.get_warranty_status(serial_no=self.serial)
		self.assertEqual(
			(status["unit"], status["warranty_status"], status["warranty_basis"]),
			(self.unit.name, "In Warranty", "Commissioning"),
		)
		with self.assertRaises(frappe.DoesNotExistError):
			v1.get_warranty_status(serial_no="NO-SUCH-SERIAL")

	def test_record_running_hours(self):
		result = v1.record_running_hours(unit=self.unit.name, hours=412.5, reading_date=str(self.today))
		self.assertEqual(
			(result["running_hours"], getdate(result["running_hours_date"])), (412.5, self.today)
		)
		with self.assertRaisesRegex(frappe.ValidationError, "never run backwards"):
			v1.record_running_hours(unit=self.unit.name, hours=400)
		with self.assertRaisesRegex(frappe.ValidationError, "future"):
			v1.record_running_hours(unit=self.unit.name, hours=500, reading_date=str(add_days(self.today, 1)))
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "running_hours"), 412.5)

	def test_portal_user_records_hours_for_own_genset_only(self):
		own = make_portal_user("gs-api-own@example.com", self.unit.customer)
		other = make_portal_user("gs-api-other@example.com", make_customer("_Test Other Genset Customer"))
		frappe.set_user(own)
		self.assertEqual(v1.record_running_hours(unit=self.unit.name, hours=10)["running_hours"], 10)
		frappe.set_user(other)
		with self.assertRaises(frappe.PermissionError):
			v1.record_running_hours(unit=self.unit.name, hours=20)
		with self.assertRaises(frappe.PermissionError):
			v1.get_warranty_status(serial_no=self.serial)

	def test_open_service_request(self):
		result = v1.open_service_request(
			unit=self.unit.name,
			service_type="Emergency Rescue",
			priority="High",
			description="Set does not start on mains failure",
		)
		request = frappe.get_doc("Genset Service Request", result["name"])
		self.assertEqual((request.channel, request.priority, result["in_warranty"]), ("API", "High", 1))
		self.assertEqual((result["agreement"], result["on_site_state"]), ("Catalogue Promise", "Running"))
		opened = frappe.utils.get_datetime(request.opening_date)
		self.assertEqual(
			frappe.utils.get_datetime(result["on_site_by"]), frappe.utils.add_to_date(opened, hours=2)
		)
		with self.assertRaisesRegex(frappe.ValidationError, "description.* is required"):
			v1.open_service_request(unit=self.unit.name, service_type="Emergency Rescue", description=" ")
		with self.assertRaisesRegex(frappe.ValidationError, "too long"):
			v1.open_service_request(
				unit=self.unit.name, service_type="Emergency Rescue", description="x" * 10_001
			)
		with self.assertRaisesRegex(frappe.ValidationError, "not a service"):
			v1.open_service_request(unit=self.unit.name, service_type="Maintenance", description="oil")

	def test_get_upcoming_services(self):
		services = v1.get_upcoming_services(from_date=str(self.today), to_date=str(add_days(self.today, 90)))
		mine = [s for s in services if s.unit == self.unit.name]
		self.assertTrue(mine)
		self.assertEqual(mine, sorted(mine, key=lambda s: (s.due_from, s.name)))
		self.assertTrue(all(s.due_from <= add_days(self.today, 90) and s.due_to >= self.today for s in mine))
		with self.assertRaisesRegex(frappe.ValidationError, "366"):
			v1.get_upcoming_services(from_date="2026-01-01", to_date="2027-06-01")
		with self.assertRaisesRegex(frappe.ValidationError, "cannot be before"):
			v1.get_upcoming_services(from_date="2026-06-01", to_date="2026-01-01")

	def test_webhooks_are_disabled_until_enabled_and_then_fire(self):
		self.assertEqual(
			frappe.get_all("Webhook", filters={"name": ("like", "Genset%")}, pluck="enabled"), [0, 0]
		)
		for name in ("Genset Service Request Opened", "Genset Service Task Overdue"):
			webhook = frappe.get_doc("Webhook", name)
			webhook.enabled = 1
			webhook.save()
		frappe.local._webhook_queue = []
		try:
			v1.open_service_request(unit=self.unit.name, service_type="Remote Support", description="Alarm")
			task = frappe.get_all(
				TASK, filters={"unit": self.unit.name, "status": "Planned"}, pluck="name", limit=1
			)[0]
			frappe.db.set_value(
				TASK, task, {"due_from": add_days(self.today, -3), "due_to": add_days(self.today, -1)}
			)
			refresh_statuses()
			queued = {(item.webhook.name, item.doc.doctype) for item in frappe.local._webhook_queue}
			self.assertIn(("Genset Service Request Opened", "Genset Service Request"), queued)
			self.assertIn(("Genset Service Task Overdue", TASK), queued)
		finally:
			frappe.local._webhook_queue = []
