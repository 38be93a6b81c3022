"""The API's OpenAPI description as the site serves it: valid OpenAPI 3.1, every whitelisted method of
v1's modules in it with the guard's limits, and v1 frozen (nothing a client relies on changed)."""

import json

from openapi_spec_validator import validate

import frappe

from genset_service.api import openapi as endpoint
from genset_service.openapi.describe import breaking_changes, contract
from genset_service.openapi.site import V1_MODULES, frozen_path, v1_description
from genset_service.tests.utils import TEST_IGNORE, GensetTestCase

test_ignore = TEST_IGNORE


class TestOpenAPI(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.doc = v1_description()

	def test_the_description_is_valid_openapi_3_1_and_served_to_anyone(self):
		validate(self.doc)
		frappe.set_user("Guest")
		response = endpoint.v1()
		self.assertEqual(response.status_code, 200)
		self.assertEqual(response.mimetype, "application/json")
		served = json.loads(response.get_data())
		self.assertEqual(served["openapi"], "3.1.0")
		self.assertEqual(set(served["paths"]), set(self.doc["paths"]))

	def test_every_whitelisted_method_of_v1_is_described_with_its_http_methods(self):
		described = {path.rsplit("/", 1)[-1]: item for path, item in self.doc["paths"].items()}
		found = 0
		for function in frappe.whitelisted:
			module = function.__module__
			if module not in V1_MODULES:
				continue
			found += 1
			dotted = f"{module}.{function.__name__}"
			self.assertIn(dotted, described)
			methods = {m.lower() for m in frappe.allowed_http_methods_for_whitelisted_func[function]}
			self.assertEqual(set(described[dotted]), methods, dotted)
		self.assertEqual(found, len(described))
		self.assertGreater(found, 35)

	def test_the_guards_limits_are_the_descriptions(self):
		paths = self.doc["paths"]
		survey = paths["/api/method/genset_service.api.v1.answer_survey"]["post"]
		props = survey["requestBody"]["content"]["application/json"]["schema"]["properties"]
		self.assertEqual((props["overall"]["minimum"], props["overall"]["maximum"]), (1, 5))
		self.assertEqual((props["nps"]["minimum"], props["nps"]["maximum"]), (0, 10))
		self.assertEqual(props["suggestions"]["maxLength"], 5000)
		self.assertEqual(survey["security"][0], {})  # the emailed link answers without a login
		upcoming = paths["/api/method/genset_service.api.v1.get_upcoming_services"]["get"]
		params = {p["name"]: p for p in upcoming["parameters"]}
		self.assertEqual(params["from_date"]["schema"]["format"], "date")
		self.assertTrue(params["from_date"]["required"])
		ingest = paths["/api/method/genset_service.api.telemetry_v1.ingest"]["post"]
		self.assertEqual(ingest["security"], [{"deviceId": [], "deviceToken": []}])
		self.assertIn("401", ingest["responses"])
		feed = paths["/api/method/genset_service.api.calendar_v1.feed"]["get"]
		self.assertIn("text/calendar", feed["responses"]["200"]["content"])
		self.assertIn("webhooks", self.doc)

	def test_v1_is_frozen(self):
		with open(frozen_path()) as f:
			frozen = json.load(f)
		self.assertEqual(breaking_changes(frozen, contract(self.doc)), [])
