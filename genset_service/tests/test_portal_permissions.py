"""A customer's portal users see only their own customer's records: lists, documents, API methods."""

import frappe
from frappe.utils import getdate

from genset_service.api.plan import get_unit_plan
from genset_service.permissions import PORTAL_DOCTYPES
from genset_service.scheduling.common import CONTRACT, TASK, UNIT
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_inspection,
	make_portal_user,
	make_sales_order,
)

test_ignore = TEST_IGNORE
REQUEST = "Genset Service Request"


class TestPortalPermissions(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.records = {}
		for key in ("a", "b"):
			customer = make_customer(f"_Test Portal Customer {key.upper()}")
			order = make_sales_order([{"item_code": self.genset, "qty": 1}], customer=customer)
			delivery = make_delivery_note(order.name)
			unit = frappe.get_value(UNIT, {"delivery_note": delivery.name})
			make_inspection("Arrival Acceptance", unit=unit)
			request = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Remote Support",
					"unit": unit,
					"description": "Alarm E12",
				}
			).insert()
			self.records[key] = {
				"customer": customer,
				"user": make_portal_user(f"gs-portal-{key}@example.com", customer),
				"unit": unit,
				"contract": frappe.get_value(CONTRACT, {"sales_order": order.name}),
				"request": request.name,
			}

	def test_lists_show_only_the_users_customer(self):
		a, b = self.records["a"], self.records["b"]
		frappe.set_user(a["user"])
		for doctype in PORTAL_DOCTYPES:
			customers = set(frappe.get_list(doctype, pluck="customer"))
			self.assertLessEqual(customers, {a["customer"]}, doctype)
		self.assertEqual(frappe.get_list(UNIT, pluck="name"), [a["unit"]])
		self.assertEqual(frappe.get_list(UNIT, filters={"name": b["unit"]}), [])
		self.assertTrue(frappe.get_list(TASK, filters={"unit": a["unit"]}))
		self.assertEqual(frappe.get_list(TASK, filters={"unit": b["unit"]}), [])

	def test_surveys_and_visits_are_private_too(self):
		a, b = self.records["a"], self.records["b"]
		survey = frappe.get_doc(
			{
				"doctype": "Genset Satisfaction Survey",
				"customer": b["customer"],
				"contract": b["contract"],
				"occurrence": 1,
			}
		).insert()
		frappe.set_user(a["user"])
		self.assertEqual(frappe.get_list("Genset Satisfaction Survey", filters={"name": survey.name}), [])
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Genset Satisfaction Survey", survey.name).check_permission("read")
		self.assertFalse(frappe.has_permission("Genset Return Visit", "create"))

	def test_another_customers_documents_are_refused(self):
		a, b = self.records["a"], self.records["b"]
		frappe.set_user(a["user"])
		frappe.get_doc(UNIT, a["unit"]).check_permission("read")
		for doctype, name in ((UNIT, b["unit"]), (CONTRACT, b["contract"]), (REQUEST, b["request"])):
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				frappe.get_doc(doctype, name).check_permission("read")
		# what /api/resource/<doctype>/<name> and /api/method/frappe.client.get call
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get(UNIT, b["unit"])
		with self.assertRaises(frappe.PermissionError):
			get_unit_plan(b["unit"])
		self.assertEqual(get_unit_plan(a["unit"])["unit"], a["unit"])

	def test_portal_user_requests_service_for_own_genset_only(self):
		a, b = self.records["a"], self.records["b"]
		frappe.set_user(a["user"])
		own = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Field Maintenance",
				"unit": a["unit"],
				"channel": "Portal",
				"description": "Leak",
			}
		).insert()
		self.assertEqual(own.customer, a["customer"])
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Field Maintenance",
					"unit": b["unit"],
					"description": "Leak",
				}
			).insert()
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Field Maintenance",
					"unit": b["unit"],
					"customer": b["customer"],
					"description": "Leak",
				}
			).insert()

	def test_portal_user_cannot_edit_plans_or_inspections(self):
		a = self.records["a"]
		frappe.set_user(a["user"])
		task = frappe.get_doc(
			TASK, frappe.get_list(TASK, filters={"unit": a["unit"]}, pluck="name", limit=1)[0]
		)
		self.assertFalse(frappe.has_permission(TASK, "write", task))
		self.assertFalse(frappe.has_permission("Genset Inspection", "create"))
		unit = frappe.get_doc(UNIT, a["unit"])
		unit.arrival_date = getdate()
		with self.assertRaises(frappe.PermissionError):
			unit.save()

	def test_my_generators_pages_show_only_own_gensets(self):
		from frappe.utils import set_request
		from frappe.website.serve import get_response, get_response_content

		from genset_service.www import my_service_requests
		from genset_service.www.my_gensets import genset, index

		a, b = self.records["a"], self.records["b"]
		frappe.set_user(a["user"])
		frappe.form_dict.clear()
		context = index.get_context(frappe._dict())
		self.assertEqual([unit.name for unit in context.units], [a["unit"]])
		frappe.form_dict.update({"unit": a["unit"]})
		context = genset.get_context(frappe._dict())
		self.assertTrue(context.upcoming)
		self.assertEqual({request.name for request in context.requests}, {a["request"]})
		self.assertEqual([d.doctype for d in context.documents], ["Genset Inspection"])
		# the certificate, in the record's print language (the customer's)
		self.assertIn("format=Genset Inspection Certificate", context.documents[0].pdf)
		self.assertIn("&language=", context.documents[0].pdf)
		self.assertIn("Field Maintenance", [t.name for t in context.request_types])
		frappe.form_dict.update({"unit": b["unit"]})
		with self.assertRaises(frappe.PageDoesNotExistError):
			genset.get_context(frappe._dict())
		frappe.form_dict.clear()
		context = my_service_requests.get_context(frappe._dict())
		self.assertEqual([r.name for r in context.requests], [a["request"]])
		# the pages as the browser gets them
		set_request(method="GET", path="/my_gensets")
		html = get_response_content("/my_gensets")
		self.assertIn(a["unit"], html)
		self.assertNotIn(b["unit"], html)
		set_request(method="GET", path=f"/my_gensets/{a['unit']}")
		self.assertIn("Request service", get_response_content(f"/my_gensets/{a['unit']}"))
		set_request(method="GET", path=f"/my_gensets/{b['unit']}")
		self.assertEqual(get_response(f"/my_gensets/{b['unit']}").status_code, 404)

		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			index.get_context(frappe._dict())

	def test_a_large_fleet_is_searched_and_paged(self):
		from genset_service.www.my_gensets import index

		a = self.records["a"]
		order = make_sales_order([{"item_code": self.genset, "qty": 24}], customer=a["customer"])
		make_delivery_note(order.name)
		frappe.set_user(a["user"])
		frappe.form_dict.clear()
		first = index.get_context(frappe._dict())
		self.assertEqual((len(first.units), first.pager.pages, first.pager.total), (20, 2, 25))
		frappe.form_dict.update({"page": "2"})
		second = index.get_context(frappe._dict())
		self.assertEqual(len(second.units), 5)
		self.assertFalse({u.name for u in first.units} & {u.name for u in second.units})
		frappe.form_dict.clear()
		frappe.form_dict.update({"q": a["unit"]})
		self.assertEqual([u.name for u in index.get_context(frappe._dict()).units], [a["unit"]])
		frappe.form_dict.update({"q": self.records["b"]["unit"]})
		self.assertEqual(index.get_context(frappe._dict()).units, [])
		for bad, words in (
			({"page": "3"}, "does not exist"),
			({"page": "x"}, "whole number"),
			({"q": "x" * 10_000}, "at most 140"),
		):
			frappe.form_dict.clear()
			frappe.form_dict.update(bad)
			with self.assertRaisesRegex(frappe.ValidationError, words):
				index.get_context(frappe._dict())
		frappe.form_dict.clear()

	def test_portal_user_requests_an_extension_and_signs_a_visit(self):
		from frappe.utils import add_to_date, now_datetime

		from genset_service.api import v1
		from genset_service.tests.utils import make_service_item

		a, b = self.records["a"], self.records["b"]
		frappe.db.set_single_value(
			"Genset Service Settings",
			"extension_item",
			make_service_item("_Test Genset Warranty Extension", 900),
		)
		frappe.clear_document_cache("Genset Service Settings", "Genset Service Settings")
		start = now_datetime()
		report = frappe.get_doc(
			{
				"doctype": "Genset Service Report",
				"unit": a["unit"],
				"service_type": "Field Maintenance",
				"engineer": "gs-after_sales_engineer@example.com",
				"start_time": start,
				"end_time": add_to_date(start, hours=1),
				"work_done": "Cleaned the radiator",
			}
		).insert()

		frappe.set_user(a["user"])
		extension = v1.request_warranty_extension(unit=a["unit"], months=12)
		self.assertEqual(
			frappe.db.get_value("Genset Warranty Extension", extension["name"], ["docstatus", "customer"]),
			(0, a["customer"]),
		)
		with self.assertRaises(frappe.PermissionError):
			v1.request_warranty_extension(unit=b["unit"])

		signature = "data:image/png;base64,iVBORw0KGgo="
		v1.sign_off(
			doctype="Genset Service Report", name=report.name, signatory="Site Manager A", signature=signature
		)
		self.assertEqual(
			frappe.db.get_value("Genset Service Report", report.name, "customer_signatory"), "Site Manager A"
		)
		with self.assertRaisesRegex(frappe.ValidationError, "sign"):
			v1.sign_off(
				doctype="Genset Service Report", name=report.name, signatory="A", signature="not an image"
			)
		with self.assertRaises(frappe.PermissionError):
			v1.sign_off(doctype="Genset Unit", name=a["unit"], signatory="A", signature=signature)
		frappe.set_user(b["user"])
		with self.assertRaises(frappe.PermissionError):
			v1.sign_off(doctype="Genset Service Report", name=report.name, signatory="B", signature=signature)
