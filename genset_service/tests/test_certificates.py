"""Certificates people accept, printed to PDF by the renderer Frappe uses (wkhtmltopdf with patched Qt)
and read back as text: the factory test's load steps as a table, the company's letterhead and the page
number on every page, the inspector's and the customer's signatures, in the customer's language."""

import functools
import http.server
import io
import re
import threading
import unicodedata

from pypdf import PdfReader

import frappe
from frappe.translate import print_language
from frappe.utils import add_days

from genset_service.certificates.site import genset_load_table
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_engineer,
	make_inspection,
	make_sales_order,
)

test_ignore = TEST_IGNORE
LETTERHEAD = "Genset Certificates Letterhead"
SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def pages(pdf: bytes) -> list[str]:
	return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
	return re.sub(r"\s+", " ", text)


class TestCertificates(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		"""The PDF renderer loads the print styles from the site's URL, as on a served site: the site's
		assets are served here for the length of the class."""
		super().setUpClass()
		handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=frappe.local.sites_path)
		handler.log_message = lambda *args: None
		cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
		threading.Thread(target=cls.server.serve_forever, daemon=True).start()
		cls.host_name = frappe.local.conf.get("host_name")
		frappe.local.conf.host_name = f"http://127.0.0.1:{cls.server.server_address[1]}"

	@classmethod
	def tearDownClass(cls):
		cls.server.shutdown()
		frappe.local.conf.host_name = cls.host_name
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Letter Head", LETTERHEAD):
			frappe.get_doc(
				{
					"doctype": "Letter Head",
					"letter_head_name": LETTERHEAD,
					"source": "HTML",
					"content": "<div style='font-size:16px'><b>GENSET WORKS LTD</b> Sheffield S1 2AB</div>",
					"footer_source": "HTML",
					"footer": "<div>Registered in England No. 01234567</div>",
				}
			).insert(ignore_permissions=True)
		self.company = (
			frappe.db.get_value("Genset Unit", {}, "company") or frappe.defaults.get_defaults().company
		)
		frappe.db.set_value("Company", self.company, "default_letter_head", LETTERHEAD)
		self.inspector = make_engineer(
			"cert-inspector@example.com", "Wang Lei", None, ["Field Maintenance"], signature=SIGNATURE
		).user
		frappe.get_doc("User", self.inspector).add_roles("Technical Engineer")  # factory tests are theirs
		self.inspector_name = frappe.db.get_value("Genset Engineer", {"user": self.inspector}, "full_name")

	def pdf(self, doctype: str, name: str, print_format: str, language: str = "en") -> list[str]:
		with print_language(language):
			data = frappe.get_print(doctype, name, print_format, as_pdf=True)
		self.assertTrue(data.startswith(b"%PDF"))
		return pages(data)

	def factory_test(self, customer: str | None = None):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}], customer=customer)
		return make_inspection("Pre-shipment", sales_order=order.name, inspector=self.inspector)

	def test_the_factory_test_is_a_table_of_load_steps_with_the_letterhead_on_every_page(self):
		doc = self.factory_test()
		self.assertEqual(doc.letter_head, LETTERHEAD)  # the company's, fetched
		table = genset_load_table(doc)
		self.assertGreaterEqual({step.load_percent for step in table.steps}, {25, 50, 75, 100, 110})
		self.assertEqual(table.columns[0][0], "Voltage L-L")
		self.assertEqual(table.status, "Pass")
		text = self.pdf("Genset Inspection", doc.name, "Genset Inspection Certificate")
		count = len(text)
		self.assertGreaterEqual(count, 2, "the certificate spans pages: the header must repeat")
		for number, page in enumerate(text, start=1):
			self.assertIn("GENSET WORKS LTD", page, f"letterhead on page {number}")
			self.assertIn("Registered in England", page, f"footer on page {number}")
			self.assertIn(f"Page {number} of {count}", flat(page))
		whole = flat(" ".join(text))
		self.assertIn("Factory Test Certificate", whole)
		self.assertIn(f"Certificate No. {doc.name}", whole)
		self.assertIn("Load Test", whole)
		# (a heading may wrap inside its cell: compared without spaces)
		for heading in ("Voltage L-L (V)", "Frequency (Hz)", "Oil Pressure (bar)"):
			self.assertIn(heading.replace(" ", ""), whole.replace(" ", ""))
		# each step a row: its load, then its readings (the template's limits + 1, as the test reads)
		self.assertRegex(whole, r"110 % 381(\.0)? ")
		self.assertIn("380–440", whole)  # the voltage column's limits under its heading
		self.assertIn(f"Inspector {self.inspector_name}", whole)  # signing with the signature on file
		self.assertIn("Site Manager", whole)  # the customer's signatory

	def test_a_failed_step_fails_its_row_and_the_table(self):
		order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		doc = make_inspection(
			"Pre-shipment",
			sales_order=order.name,
			inspector=self.inspector,
			result="Rejected",
			fail_first_numeric=True,
			submit=False,
		)
		failed = [row for row in doc.readings if row.status == "Fail"]
		self.assertTrue(failed)
		table = genset_load_table(doc)
		if failed[0].quantity:
			step = next(s for s in table.steps if s.load_percent == failed[0].load_percent)
			self.assertEqual(step.status, "Fail")
			self.assertEqual(table.status, "Fail")
		whole = flat(" ".join(self.pdf("Genset Inspection", doc.name, "Genset Inspection Certificate")))
		self.assertIn("DRAFT", whole)
		self.assertIn("Rejected", whole)

	def test_in_the_customers_language(self):
		customer = make_customer("_Test Certificate Customer ZH")
		frappe.db.set_value("Customer", customer, "language", "zh")
		doc = self.factory_test(customer)
		self.assertEqual(doc.language, "zh")  # the customer's, fetched: the desk prints in it
		whole = flat(" ".join(self.pdf("Genset Inspection", doc.name, "Genset Inspection Certificate", "zh")))
		# Frappe's own Chinese for the words it has: the certificate is set in the customer's language,
		# with fonts that draw it (read back from the PDF's text)
		for word in ("客户", "日期"):
			self.assertIn(word, whole)
		self.assertNotIn("Customer _Test", whole)  # the label is the customer's language's
		self.assertIn("_Test Certificate Customer ZH", whole)

	def test_arabic_is_drawn_and_reads_back(self):
		customer = make_customer("شركة المولدات العربية")
		frappe.db.set_value("Customer", customer, "language", "ar")
		doc = self.factory_test(customer)
		self.assertEqual(doc.language, "ar")
		whole = " ".join(self.pdf("Genset Inspection", doc.name, "Genset Inspection Certificate", "ar"))
		# the PDF holds Arabic's joined presentation forms in the order they are drawn, right to left:
		# read back, each word's letters come out reversed
		letters = unicodedata.normalize("NFKC", whole)
		for word in ("شركة", "المولدات", "العربية"):
			self.assertIn(word[::-1], letters)

	def test_the_service_report_carries_both_signatures_and_the_work(self):
		unit = make_delivered_unit(self.genset, commissioned=add_days(self.today, -10))
		report = frappe.get_doc(
			{
				"doctype": "Genset Service Report",
				"unit": unit.name,
				"service_type": "Field Maintenance",
				"engineer": self.inspector,
				"start_time": f"{self.today} 09:00:00",
				"end_time": f"{self.today} 11:30:00",
				"work_done": "<p>Replaced the fuel filter and bled the system; load test at 75 % for 30 minutes.</p>",
				"customer_signatory": "Anna Schmidt",
				"customer_signature": SIGNATURE,
			}
		).insert(ignore_permissions=True)
		self.assertEqual(report.letter_head, LETTERHEAD)
		text = self.pdf("Genset Service Report", report.name, "Genset Service Report")
		whole = flat(" ".join(text))
		for expected in (
			"GENSET WORKS LTD",
			"Service Report",
			report.name,
			"Replaced the fuel filter",
			f"Engineer {self.inspector_name}",
			"Anna Schmidt",
			unit.name,
			"Page 1 of",
		):
			self.assertIn(expected, whole)
		# the portal's link to it is the certificate's format, in the customer's language
		from genset_service.www.my_gensets.genset import documents

		frappe.db.set_value("Genset Service Report", report.name, "docstatus", 1)
		links = [row.pdf for row in documents(unit.name) if row.name == report.name]
		self.assertEqual(len(links), 1)
		self.assertIn("format=Genset Service Report", links[0])
