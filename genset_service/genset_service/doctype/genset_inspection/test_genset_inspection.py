# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, add_months, getdate

from genset_service.genset_service.doctype.genset_inspection.genset_inspection import default_template
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	inspect_order,
	make_customer,
	make_delivery_note,
	make_inspection,
	make_sales_order,
	make_user,
	set_gate,
)

test_ignore = TEST_IGNORE
INSPECTION = "Genset Inspection"
TEMPLATE = "Genset Inspection Template"


def unit_task(unit, service_type, seq=1):
	return frappe.get_doc(TASK, {"unit": unit, "service_type": service_type, "occurrence": seq})


class TestGensetInspection(GensetTestCase):
	gate = "Stop"

	def delivered_unit(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		inspect_order(order.name)
		delivery = make_delivery_note(order.name)
		return frappe.get_doc(UNIT, {"delivery_note": delivery.name})

	# ---------------------------------------------------------------- the gate
	def test_gate_stops_a_delivery_until_each_genset_is_accepted(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 2}])
		with self.assertRaisesRegex(frappe.ValidationError, "0 of 2 gensets"):
			make_delivery_note(order.name)
		inspect_order(order.name)
		with self.assertRaisesRegex(frappe.ValidationError, "1 of 2 gensets"):
			make_delivery_note(order.name)
		rejected = make_inspection(
			"Pre-shipment", sales_order=order.name, result="Rejected", fail_first_numeric=True
		)
		self.assertEqual(rejected.readings[2].status, "Fail")
		with self.assertRaisesRegex(frappe.ValidationError, "1 of 2 gensets"):
			make_delivery_note(order.name)
		inspect_order(order.name)
		delivery = make_delivery_note(order.name)
		self.assertEqual(delivery.docstatus, 1)
		self.assertEqual(frappe.db.count(UNIT, {"delivery_note": delivery.name}), 2)
		# the order line's pre-shipment task was completed by the first accepted inspection
		task = frappe.get_doc(TASK, {"reference_name": order.name, "service_type": "Pre-shipment Inspection"})
		self.assertEqual(task.status, TaskStatus.DONE)

	def test_inspections_already_used_by_a_delivery_do_not_count_twice(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 2}])
		inspect_order(order.name)
		make_delivery_note(order.name, qty={self.genset: 1})
		with self.assertRaisesRegex(frappe.ValidationError, "0 of 1 gensets"):
			make_delivery_note(order.name)

	def test_gate_in_warn_mode_delivers_with_a_warning(self):
		set_gate("Warn")
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		frappe.clear_messages()
		delivery = make_delivery_note(order.name)
		self.assertEqual(delivery.docstatus, 1)
		self.assertIn("0 of 1 gensets", " ".join(str(message) for message in frappe.local.message_log))
		set_gate("Off")
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		self.assertEqual(make_delivery_note(order.name).docstatus, 1)

	# ---------------------------------------------------------------- events move the plan
	def test_arrival_acceptance_records_arrival_and_moves_installation(self):
		unit = self.delivered_unit()
		inspection = make_inspection("Arrival Acceptance", unit=unit.name)
		unit.reload()
		self.assertEqual(getdate(unit.arrival_date), self.today)
		self.assertEqual(unit.status, "Arrived")
		acceptance = unit_task(unit.name, "Arrival Acceptance")
		self.assertEqual((acceptance.status, inspection.task), (TaskStatus.DONE, acceptance.name))
		install = unit_task(unit.name, "Installation and Commissioning")
		self.assertEqual(
			(getdate(install.due_from), getdate(install.due_to)),
			(add_days(self.today, 1), add_days(self.today, 3)),
		)

		inspection.cancel()
		unit.reload()
		self.assertIsNone(unit.arrival_date)
		self.assertIn(unit_task(unit.name, "Arrival Acceptance").status, TaskStatus.OPEN)
		install = unit_task(unit.name, "Installation and Commissioning")
		self.assertEqual(getdate(install.due_from), add_days(getdate(unit.delivery_date), 8))

	def test_commissioning_rebases_warranty_and_cancel_reverts_it(self):
		unit = self.delivered_unit()
		make_inspection("Arrival Acceptance", unit=unit.name)
		commissioning = make_inspection("Commissioning", unit=unit.name, running_hours=12)
		unit.reload()
		self.assertEqual(getdate(unit.commissioning_date), self.today)
		self.assertEqual(getdate(unit.warranty_start_date), self.today)
		self.assertEqual(getdate(unit.warranty_end_date), getdate(add_months(self.today, 12)))
		self.assertEqual((unit.running_hours, unit.warranty_status), (12, "In Warranty"))
		inspection_task = unit_task(unit.name, "Regular Inspection")
		self.assertEqual(getdate(inspection_task.due_from), add_days(getdate(add_months(self.today, 6)), -7))

		commissioning.cancel()
		unit.reload()
		self.assertIsNone(unit.commissioning_date)
		self.assertEqual(unit.running_hours, 0)
		self.assertEqual(unit.warranty_status, "Not Started")
		# back to the contractual fallback: delivery + 6 months
		self.assertEqual(unit.warranty_basis, "Fallback")
		self.assertEqual(getdate(unit.warranty_start_date), getdate(add_months(unit.delivery_date, 6)))

	def test_rejected_arrival_opens_a_damage_claim_and_cancel_withdraws_it(self):
		unit = self.delivered_unit()
		inspection = make_inspection("Arrival Acceptance", unit=unit.name, result="Rejected")
		claim = frappe.get_doc(TASK, inspection.follow_up_task)
		self.assertEqual(claim.service_type, "Transport Damage Claim")
		self.assertEqual(claim.responsible_role, "Logistics Specialist")
		self.assertEqual(claim.assigned_to, self.team["Logistics Specialist"])
		self.assertEqual((claim.unit, claim.customer), (unit.name, unit.customer))
		self.assertEqual(getdate(frappe.db.get_value(UNIT, unit.name, "arrival_date")), self.today)

		inspection.cancel()
		self.assertEqual(frappe.db.get_value(TASK, claim.name, "status"), TaskStatus.CANCELLED)
		self.assertIsNone(frappe.db.get_value(UNIT, unit.name, "arrival_date"))

	def test_rejected_regular_inspection_opens_field_maintenance(self):
		unit = self.delivered_unit()
		inspection = make_inspection(
			"Regular", unit=unit.name, result="Rejected", inspector=self.team["After-sales Engineer"]
		)
		follow_up = frappe.get_doc(TASK, inspection.follow_up_task)
		self.assertEqual(
			(follow_up.service_type, follow_up.responsible_role),
			("Field Maintenance", "After-sales Engineer"),
		)
		self.assertEqual(getdate(follow_up.due_to), add_days(self.today, 2))  # within 48 h
		self.assertEqual(unit_task(unit.name, "Regular Inspection").status, TaskStatus.DONE)

	# ---------------------------------------------------------------- a new inspection's checklist
	def test_a_new_inspection_given_only_its_kind_and_unit_gets_its_checklist(self):
		unit = self.delivered_unit()
		engineer = self.team["After-sales Engineer"]
		frappe.set_user(engineer)
		# as the REST API inserts it (POST /api/resource): no template, no rows
		inserted = frappe.client.insert(
			{"doctype": INSPECTION, "inspection_kind": "Regular", "unit": unit.name}
		)
		doc = frappe.get_doc(INSPECTION, inserted["name"])
		template = frappe.get_doc(TEMPLATE, "Regular Inspection (Standard)")
		self.assertEqual((doc.template, doc.inspector, doc.docstatus), (template.name, engineer, 0))
		self.assertEqual(
			[
				(r.section, r.checkpoint, r.reading_type, r.min_value, r.max_value, r.mandatory)
				for r in doc.readings
			],
			[
				(r.section, r.checkpoint, r.reading_type, r.min_value, r.max_value, r.mandatory)
				for r in template.items
			],
		)
		self.assertTrue(doc.readings)
		# the form asks the same question before the first save
		self.assertEqual(default_template("Regular", unit=unit.name), template.name)
		self.assertEqual(default_template("Pre-shipment"), "Pre-shipment Inspection (Standard)")

	def test_what_the_user_gave_is_kept(self):
		unit = self.delivered_unit()
		given = frappe.get_doc(
			{
				"doctype": INSPECTION,
				"inspection_kind": "Regular",
				"unit": unit.name,
				"readings": [{"checkpoint": "Coolant level", "reading_type": "Pass/Fail", "value": "Pass"}],
			}
		).insert()
		self.assertEqual(
			(given.template, [r.checkpoint for r in given.readings]),
			(
				"Regular Inspection (Standard)",
				["Coolant level"],
			),
		)
		own = self.own_template("Regular", items=1)
		chosen = frappe.get_doc(
			{"doctype": INSPECTION, "inspection_kind": "Regular", "unit": unit.name, "template": own.name}
		).insert()
		self.assertEqual((chosen.template, len(chosen.readings)), (own.name, 1))

	def test_a_genset_whose_item_has_a_checklist_of_its_own_gets_that_one(self):
		own = self.own_template("Regular", items=2, item_code=self.genset)
		unit = self.delivered_unit()
		doc = frappe.get_doc(
			{"doctype": INSPECTION, "inspection_kind": "Regular", "unit": unit.name}
		).insert()
		self.assertEqual((doc.template, len(doc.readings)), (own.name, 2))
		self.assertEqual(default_template("Regular", unit=unit.name), own.name)
		self.assertEqual(default_template("Regular", item_code=self.genset), own.name)
		# another item's genset, and a disabled checklist: the one for every item
		self.assertEqual(
			default_template("Regular", item_code="_Test No Such Genset"), "Regular Inspection (Standard)"
		)
		frappe.db.set_value(TEMPLATE, own.name, "disabled", 1)
		self.assertEqual(default_template("Regular", unit=unit.name), "Regular Inspection (Standard)")

	def test_a_kind_without_a_template_is_refused_with_a_clear_message(self):
		unit = self.delivered_unit()
		frappe.db.set_value(TEMPLATE, {"inspection_kind": "Regular"}, "disabled", 1)
		self.assertIsNone(default_template("Regular", unit=unit.name))
		with self.assertRaisesRegex(frappe.ValidationError, "No enabled Genset Inspection Template"):
			frappe.get_doc({"doctype": INSPECTION, "inspection_kind": "Regular", "unit": unit.name}).insert()

	def test_only_who_may_make_inspections_asks_for_a_template(self):
		portal = make_user("gs-portal-template@example.com", ["Customer"])
		frappe.db.set_value("User", portal, "user_type", "Website User")
		frappe.set_user(portal)
		with self.assertRaises(frappe.PermissionError):
			default_template("Regular")

	def own_template(self, kind: str, items: int, item_code: str | None = None):
		template = frappe.copy_doc(
			frappe.get_doc(TEMPLATE, frappe.db.get_value(TEMPLATE, {"inspection_kind": kind}))
		)
		template.template_name = f"_Test {kind} {item_code or 'any'} {frappe.generate_hash(length=6)}"
		template.item_code = item_code
		template.set("items", template.items[:items])
		return template.insert()

	# ---------------------------------------------------------------- bad input
	def test_running_hours_never_decrease(self):
		unit = self.delivered_unit()
		make_inspection("Regular", unit=unit.name, running_hours=300)
		with self.assertRaisesRegex(frappe.ValidationError, "never run backwards"):
			make_inspection("Regular", unit=unit.name, running_hours=250)
		self.assertEqual(frappe.db.get_value(UNIT, unit.name, "running_hours"), 300)

	def test_bad_input_is_refused_with_a_clear_message(self):
		unit = self.delivered_unit()
		with self.assertRaisesRegex(frappe.ValidationError, "is for .*Arrival Acceptance.* inspections"):
			make_inspection("Commissioning", unit=unit.name, template="Arrival Acceptance (Standard)")
		with self.assertRaisesRegex(frappe.ValidationError, "belongs to customer"):
			make_inspection("Regular", unit=unit.name, customer=make_customer("_Test Other Genset Customer"))
		with self.assertRaisesRegex(frappe.ValidationError, "Sign-off|sign-off"):
			make_inspection(
				"Arrival Acceptance", unit=unit.name, customer_signatory=None, customer_signature=None
			)
		with self.assertRaisesRegex(frappe.ValidationError, "cannot be plain Accepted"):
			make_inspection("Regular", unit=unit.name, fail_first_numeric=True)
		with self.assertRaisesRegex(frappe.ValidationError, "must hold the role"):
			make_inspection("Regular", unit=unit.name, inspector=self.team["Logistics Specialist"])

		draft = make_inspection("Regular", unit=unit.name, submit=False)
		numeric = next(row for row in draft.readings if row.reading_type == "Numeric")
		numeric.value = "twelve"
		with self.assertRaisesRegex(frappe.ValidationError, "expects a number"):
			draft.save()
		self.assertEqual(frappe.db.count(INSPECTION, {"unit": unit.name, "docstatus": 1}), 0)

	# ---------------------------------------------------------------- permissions
	def test_engineer_inspects_and_a_portal_customer_cannot(self):
		unit = self.delivered_unit()
		frappe.set_user(self.team["After-sales Engineer"])
		inspection = make_inspection(
			"Regular", unit=unit.name, inspector=self.team["After-sales Engineer"], ignore_permissions=False
		)
		self.assertEqual(inspection.docstatus, 1)

		frappe.set_user("Administrator")
		portal = make_user("gs-portal-customer@example.com", ["Customer"])
		frappe.db.set_value("User", portal, "user_type", "Website User")
		frappe.set_user(portal)
		self.assertFalse(frappe.has_permission(INSPECTION, "create"))
		self.assertFalse(frappe.has_permission(INSPECTION, "write", inspection))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": INSPECTION,
					"inspection_kind": "Regular",
					"template": "Regular Inspection (Standard)",
					"unit": unit.name,
					"inspector": portal,
				}
			).insert()

	def test_report_prints_readings_result_and_signature(self):
		unit = self.delivered_unit()
		inspection = make_inspection("Arrival Acceptance", unit=unit.name, result="Accepted with Remarks")
		html = frappe.get_print(INSPECTION, inspection.name, print_format="Genset Inspection Report")
		self.assertIn("Genset Inspection Report", html)
		self.assertIn("Quantity matches the Delivery Note", html)
		self.assertIn("Accepted with Remarks", html)
		self.assertIn("Site Manager", html)
		self.assertIn(unit.name, html)

	def test_replanning_leaves_follow_up_tasks_alone(self):
		unit = self.delivered_unit()
		inspection = make_inspection("Arrival Acceptance", unit=unit.name, result="Rejected")
		make_inspection("Commissioning", unit=unit.name)  # re-plans the unit
		self.assertIn(frappe.db.get_value(TASK, inspection.follow_up_task, "status"), TaskStatus.OPEN)
