"""The catalogue's promises as three clocks per request (acknowledge, on site, restored), with frozen
time: each starts at the opening, pauses only as stated, stops on its own event, and breaches as its
agreement says; escalation notices once per request, clock and level; which agreement applies; who
sets the priority; engineers and site pins."""

import datetime

import frappe
from frappe.utils import get_datetime

from genset_service.api import v1
from genset_service.planning.clocks import State
from genset_service.scheduling.requests import escalate
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_portal_user,
	make_user,
)

test_ignore = TEST_IGNORE
REQUEST, AGREEMENT, ENGINEER = "Genset Service Request", "Genset Service Agreement", "Genset Engineer"
NOTICE = "Genset Escalation Notice"
MONDAY = datetime.datetime(2026, 11, 23, 10, 0)


class TestRequestClocks(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.unit = make_delivered_unit(self.genset, commissioned=MONDAY.date() - datetime.timedelta(days=30))
		self.engineer = self.team["After-sales Engineer"]
		if not frappe.db.exists(ENGINEER, self.engineer):
			frappe.get_doc(
				{
					"doctype": ENGINEER,
					"user": self.engineer,
					"skills": [{"service_type": "Field Maintenance"}],
				}
			).insert()
		settings = frappe.get_single("Genset Service Settings")
		settings.escalation_role = "Service Manager"
		settings.save()
		self.manager = make_user("gs-clock-manager@example.com", ["Service Manager"])

	def request(self, service_type="Field Maintenance", opened=MONDAY, **fields):
		with self.freeze_time(opened):
			doc = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": service_type,
					"unit": self.unit.name,
					"description": "Fault",
					**fields,
				}
			).insert()
		return doc

	def save_at(self, doc, at, **values):
		with self.freeze_time(at):
			doc.reload()
			doc.update(values)
			doc.save()
		return doc

	def at(self, hours: float) -> datetime.datetime:
		return MONDAY + datetime.timedelta(hours=hours)

	# ------------------------------------------------------------------ the clocks
	def test_field_maintenance_promises_on_site_within_48_hours_and_a_phone_call_does_not_stop_it(self):
		doc = self.request()
		self.assertEqual((doc.agreement, doc.priority), ("Catalogue Promise", "Medium"))
		self.assertEqual(get_datetime(doc.on_site_by), self.at(48))
		self.assertEqual(
			(doc.acknowledge_state, doc.on_site_state, doc.restored_state),
			(State.NOT_PROMISED, State.RUNNING, State.NOT_PROMISED),
		)
		# the engineer phones the customer: a person's first response; the on-site clock runs on
		self.save_at(doc, self.at(1), status="In Progress")
		self.assertEqual(get_datetime(doc.acknowledged_on), self.at(1))
		self.assertEqual(doc.on_site_state, State.RUNNING)
		# the check-in (by the request's own engineer) stops the on-site clock, and only it
		frappe.db.set_value("Genset Service Task", doc.task, "assigned_to", self.engineer)
		with self.freeze_time(self.at(30)):
			frappe.set_user(self.engineer)
			v1.check_in(doc.name)
			frappe.set_user("Administrator")
		doc.reload()
		self.assertEqual((get_datetime(doc.on_site_on), doc.on_site_state), (self.at(30), State.MET))
		self.assertEqual(doc.checked_in_by, self.engineer)
		self.assertEqual(doc.restored_state, State.NOT_PROMISED)

	def test_the_acknowledge_clock_stops_only_for_a_person_and_never_pauses(self):
		doc = self.request("Remote Support")
		self.assertEqual(get_datetime(doc.acknowledge_by), self.at(2))
		# the scheduler moving the request is not a response
		frappe.flags.in_scheduler = True
		try:
			self.save_at(doc, self.at(0.5), status="In Progress")
		finally:
			frappe.flags.in_scheduler = False
		self.assertFalse(doc.acknowledged_on)
		# on hold for a closed site pauses nothing of the acknowledge clock
		self.save_at(doc, self.at(0.6), status="Open")
		frappe.flags.in_scheduler = True
		try:
			self.save_at(doc, self.at(1), status="On Hold", hold_reason="Site Closed")
		finally:
			frappe.flags.in_scheduler = False
		self.assertEqual(get_datetime(doc.acknowledge_by), self.at(2))
		with self.freeze_time(self.at(3)):
			result = escalate()
		self.assertIn(doc.name, result["Breached"])
		self.assertEqual(frappe.db.get_value(REQUEST, doc.name, "acknowledge_state"), State.BREACHED)
		# acknowledged late stays breached
		with self.freeze_time(self.at(4)):
			v1.acknowledge_request(doc.name)
		doc.reload()
		self.assertEqual(
			(doc.acknowledge_state, get_datetime(doc.acknowledged_on)), (State.BREACHED, self.at(4))
		)

	def test_on_hold_pauses_on_site_and_restored_only_with_a_reason(self):
		frappe.db.set_value(
			"Genset Clock Target",
			{"parent": "Catalogue Promise", "service_type": "Field Maintenance", "priority": "Medium"},
			"restored_hours",
			72,
		)
		doc = self.request()
		self.save_at(doc, self.at(1), status="In Progress")
		with self.assertRaisesRegex(frappe.ValidationError, "on hold"):
			self.save_at(doc, self.at(2), status="On Hold")
		self.save_at(doc, self.at(2), status="On Hold", hold_reason="Site Closed")
		self.assertEqual(doc.on_site_state, State.PAUSED)
		self.save_at(doc, self.at(12), status="In Progress")
		# ten hours on hold: both pausable clocks move by ten hours
		self.assertEqual(
			(get_datetime(doc.on_site_by), get_datetime(doc.restored_by)), (self.at(58), self.at(82))
		)
		self.assertEqual(len(doc.pauses), 1)
		# on hold for another reason pauses nothing
		self.save_at(doc, self.at(13), status="On Hold", hold_reason="Other")
		self.save_at(doc, self.at(20), status="In Progress")
		self.assertEqual(get_datetime(doc.on_site_by), self.at(58))

	def test_the_resolving_report_stops_restored_and_counts_as_arrival(self):
		doc = self.request("Emergency Rescue")
		self.assertEqual(get_datetime(doc.on_site_by), self.at(4))
		if True:  # real time: the report is written days after the frozen opening
			frappe.get_doc(
				{
					"doctype": "Genset Service Report",
					"unit": self.unit.name,
					"service_type": "Emergency Rescue",
					"service_request": doc.name,
					"engineer": self.engineer,
					"start_time": self.at(3),
					"end_time": self.at(5),
					"work_done": "Replaced the starter motor",
					"customer_signatory": "Site Manager",
					"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
				}
			).insert().submit()
		doc.reload()
		self.assertEqual(doc.status, "Resolved")
		self.assertEqual((get_datetime(doc.on_site_on), doc.on_site_state), (self.at(3), State.MET))
		self.assertEqual(get_datetime(doc.restored_on), self.at(5))

	def test_notices_once_per_request_clock_and_level(self):
		doc = self.request("Emergency Rescue")
		with self.freeze_time(self.at(1)):
			self.assertEqual(escalate(), {"At Risk": [], "Breached": []})
		with self.freeze_time(self.at(3.1)):
			self.assertEqual(escalate()["At Risk"], [doc.name])
			self.assertEqual(escalate()["At Risk"], [])  # run twice: once
		with self.freeze_time(self.at(5)):
			self.assertEqual(escalate()["Breached"], [doc.name])
		notices = frappe.get_all(
			NOTICE, filters={"request": doc.name}, fields=["clock", "level", "notified_users"]
		)
		self.assertEqual(
			sorted((n.clock, n.level) for n in notices), [("On Site", "At Risk"), ("On Site", "Breached")]
		)
		self.assertTrue(all(self.manager in n.notified_users for n in notices))
		self.assertEqual(frappe.db.get_value(REQUEST, doc.name, "escalation"), "Breached")

	# ------------------------------------------------------------------ agreements and priorities
	def agreement(self, name, applies_to, hours, **fields):
		return frappe.get_doc(
			{
				"doctype": AGREEMENT,
				"agreement_name": name,
				"applies_to": applies_to,
				"targets": [
					{"service_type": "Field Maintenance", "priority": "Medium", "on_site_hours": hours}
				],
				**fields,
			}
		).insert()

	def test_the_customers_own_agreement_beats_the_default_and_the_stricter_wins(self):
		customer = self.unit.customer
		group = frappe.db.get_value("Customer", customer, "customer_group")
		self.agreement("Hospital Promise", "Customer", 36, customer=customer)
		self.assertEqual(get_datetime(self.request().on_site_by), self.at(36))
		self.agreement("Gold Group Promise", "Customer Group", 24, customer_group=group)
		doc = self.request()
		self.assertEqual((doc.agreement, get_datetime(doc.on_site_by)), ("Gold Group Promise", self.at(24)))
		# another customer keeps the default
		other = make_delivered_unit(self.genset)
		frappe.db.set_value("Genset Unit", other.name, "customer", make_customer("_Test Genset Clock Other"))
		frappe.db.set_value(
			"Customer",
			"_Test Genset Clock Other",
			"customer_group",
			frappe.db.get_value("Customer Group", {"is_group": 0, "name": ("!=", group)}),
		)
		with self.freeze_time(MONDAY):
			plain = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Field Maintenance",
					"unit": other.name,
					"description": "x",
				}
			).insert()
		self.assertEqual(plain.agreement, "Catalogue Promise")

	def test_service_days_and_holidays_shape_the_deadline(self):
		self.agreement(
			"Office Hours Promise",
			"Customer",
			9,
			customer=self.unit.customer,
			service_days=[
				{"workday": d, "start_time": "08:00:00", "end_time": "17:00:00"}
				for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
			],
		)
		self.assertEqual(get_datetime(self.request().on_site_by), self.at(24))  # Tuesday 10:00

	def test_priority_is_the_company_s_word(self):
		high = self.request(priority="High")
		self.assertEqual((get_datetime(high.on_site_by), high.priority_confirmed), (self.at(24), 1))
		user = make_portal_user("gs-clock-portal@example.com", self.unit.customer)
		frappe.set_user(user)
		with self.assertRaises(frappe.PermissionError):
			self.request(priority="High")
		doc = self.request(urgent=1)
		frappe.set_user("Administrator")
		self.assertEqual((doc.priority, doc.urgent, doc.priority_confirmed), ("Medium", 1, 0))
		self.save_at(doc, self.at(1), priority="High")
		self.assertEqual((doc.priority_confirmed, get_datetime(doc.on_site_by)), (1, self.at(24)))

	# ------------------------------------------------------------------ bad input
	def test_bad_input_is_refused_with_a_message(self):
		doc = self.request()
		with self.assertRaises(frappe.PermissionError):  # not an engineer
			frappe.set_user(self.team["Technical Support"])
			v1.check_in(doc.name)
		frappe.set_user("Administrator")
		self.save_at(doc, self.at(1), status="Closed")
		frappe.set_user(self.engineer)
		with self.assertRaisesRegex(frappe.ValidationError, "nothing to check in"):
			v1.check_in(doc.name)
		frappe.set_user("Administrator")
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": "Site",
				"address_line1": "1 Quarry Road",
				"city": "Leeds",
				"country": frappe.db.get_value("Company", self.unit.company, "country"),
			}
		)
		address.genset_latitude, address.genset_longitude = 91, 10
		with self.assertRaisesRegex(frappe.ValidationError, "Latitude 91"):
			address.insert()
		address.genset_latitude, address.genset_longitude = 53.8, -181
		with self.assertRaisesRegex(frappe.ValidationError, "Longitude -181"):
			address.insert()
		engineer = make_user("gs-clock-engineer@example.com", ["After-sales Engineer"])
		with self.assertRaisesRegex(frappe.ValidationError, "end .* before they start"):
			frappe.get_doc(
				{"doctype": ENGINEER, "user": engineer, "working_from": "17:00:00", "working_to": "08:00:00"}
			).insert()
		with self.assertRaises(frappe.ValidationError):  # an unknown skill
			frappe.get_doc(
				{
					"doctype": ENGINEER,
					"user": engineer,
					"working_from": "08:00:00",
					"working_to": "17:00:00",
					"skills": [{"service_type": "Juggling"}],
				}
			).insert()

	def test_a_site_pin_and_the_address_fields_come_and_go_with_the_app(self):
		from genset_service.setup.install import remove_custom_fields, setup

		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": "Quarry",
				"address_line1": "1 Quarry Road",
				"city": "Leeds",
				"country": frappe.db.get_value("Company", self.unit.company, "country"),
			}
		).insert()
		frappe.db.set_value("Genset Unit", self.unit.name, "site_address", address.name)
		answer = v1.set_site_pin(self.unit.name, 53.8, -1.55)
		self.assertEqual(
			frappe.db.get_value("Address", address.name, ["genset_latitude", "genset_longitude"]),
			(53.8, -1.55),
		)
		self.assertEqual(answer["address"], address.name)
		self.assertTrue(frappe.db.has_column("Address", "genset_latitude"))
		frappe.db.rollback(save_point="genset_test")
		try:
			remove_custom_fields(["Address"])  # DDL: what uninstall does, for Address only
			self.assertNotIn("genset_latitude", columns("Address"))
			self.assertFalse(frappe.db.exists("Custom Field", "Address-genset_latitude"))
		finally:
			setup()
			# the DDL above ended the test's transaction
			frappe.db.commit()  # nosemgrep
			frappe.db.savepoint("genset_test")
		self.assertIn("genset_latitude", columns("Address"))


def columns(doctype: str) -> set[str]:
	"""The table's columns as the database has them now (not Frappe's cached list)."""
	table = frappe.qb.Table("COLUMNS", schema="information_schema")
	return {
		name
		for (name,) in frappe.qb.from_(table)
		.select(table.COLUMN_NAME)
		.where(table.TABLE_SCHEMA == frappe.conf.db_name)
		.where(table.TABLE_NAME == f"tab{doctype}")
		.run()
	}
