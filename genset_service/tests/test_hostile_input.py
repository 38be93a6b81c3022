"""Every whitelisted method of the app, found by itself in ``frappe.whitelisted``, answers hostile input
with a 4xx (an exception whose ``http_status_code`` is 400-499), never a 500 or a traceback: missing
arguments, wrong types, non-finite and out-of-range numbers, malformed dates, unknown names, oversized
text, hostile strings. A new method cannot escape: it is found and attacked like the others."""

import importlib
import inspect
import pkgutil

import frappe
from frappe.utils import add_days

import genset_service
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_portal_user,
	set_gate,
)

test_ignore = TEST_IGNORE

HOSTILE = (
	None,  # the argument left out
	"",
	"   ",
	"nan",
	"-inf",
	"1e309",
	"-1",
	"9" * 400,
	"2026-02-30",
	"31/12/2026",
	"not a date",
	"'; DROP TABLE `tabGenset Unit`; --",
	"<script>alert(1)</script>",
	"../../../etc/passwd",
	"x" * 100_000,
	"{}",
	"[1, 2]",
	"null",
	"GU-NO-SUCH-00000",
	"\x00\x01",
	"\U0001f4a5" * 200,
)
MODULE_SKIP = ("genset_service.tests", "genset_service.patches")


def app_methods() -> list:
	"""Every whitelisted function of the app (its modules imported first so that all are registered)."""
	for module in pkgutil.walk_packages(genset_service.__path__, "genset_service."):
		if not module.name.startswith(MODULE_SKIP):
			importlib.import_module(module.name)
	return sorted(
		{fn for fn in frappe.whitelisted if getattr(fn, "__module__", "").startswith("genset_service.")},
		key=lambda fn: f"{fn.__module__}.{fn.__qualname__}",
	)


def status_of(error: Exception) -> int:
	return getattr(error, "http_status_code", 500)


class TestHostileInput(GensetTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		set_gate("Off")
		cls.unit = make_delivered_unit(cls.genset, commissioned=add_days(cls.today, -10))
		cls.task = frappe.get_all("Genset Service Task", {"unit": cls.unit.name}, pluck="name", limit=1)[0]
		other = make_customer("_Test Genset Hostile Other")
		cls.portal_user = make_portal_user("gs-hostile-portal@example.com", other)
		# plausible values, so that each hostile value reaches as deep as it can
		cls.valid = {
			"unit": cls.unit.name,
			"serial_no": "SN-0001",
			"hours": "100",
			"reading_date": str(cls.today),
			"service_type": "Remote Support",
			"description": "The genset does not start",
			"priority": "Medium",
			"channel": "API",
			"from_date": str(cls.today),
			"to_date": str(add_days(cls.today, 30)),
			"customer": cls.unit.customer,
			"task": cls.task,
			"completed_on": str(cls.today),
			"notes": "Checked",
			"reference_doctype": "Lead",
			"reference_name": "CRM-LEAD-NONE",
			"consulted_on": str(cls.today),
			"survey": "GCS-NONE",
			"overall": "5",
			"response_speed": "5",
			"engineer_skill": "5",
			"product_quality": "5",
			"nps": "9",
			"months": "12",
			"doctype": "Genset Service Report",
			"name": cls.unit.name,
			"signatory": "Site Manager",
			"signature": "data:image/png;base64,iVBORw0KGgo=",
			"filters": '{"customer": "x"}',
		}

	def attack(self, fn, kwargs: dict, failures: list, label: str) -> None:
		frappe.db.savepoint("hostile")
		frappe.local.message_log = []
		try:
			frappe.call(fn, **kwargs)
		except Exception as error:
			if not 400 <= status_of(error) < 500:
				shown = {
					k: (v[:30] + "...") if isinstance(v, str) and len(v) > 30 else v
					for k, v in kwargs.items()
				}
				failures.append(
					f"{label}: {fn.__module__}.{fn.__name__}({shown}) -> {status_of(error)} {error!r}"
				)
		finally:
			frappe.db.rollback(save_point="hostile")
			frappe.local.message_log = []

	def test_every_method_refuses_hostile_input_with_a_4xx(self):
		methods = app_methods()
		names = {f"{fn.__module__}.{fn.__name__}" for fn in methods}
		# the methods the app is known to have are all found (a new one is found the same way)
		for known in (
			"genset_service.api.v1.record_running_hours",
			"genset_service.api.v1.open_service_request",
			"genset_service.api.plan.complete_task",
			"genset_service.api.client.get_count",
		):
			self.assertIn(known, names)
		failures, attempts = [], 0
		for user in ("Administrator", self.portal_user):
			frappe.set_user(user)
			for fn in methods:
				params = [
					p
					for p in inspect.signature(fn).parameters.values()
					if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
				]
				base = {p.name: self.valid.get(p.name, "x") for p in params}
				self.attack(fn, {}, failures, f"{user} no arguments")
				self.attack(fn, {**base, "unexpected_argument": "1"}, failures, f"{user} extra argument")
				attempts += 2
				for param in params:
					for value in HOSTILE:
						kwargs = dict(base)
						if value is None:
							kwargs.pop(param.name)
						else:
							kwargs[param.name] = value
						self.attack(fn, kwargs, failures, user)
						attempts += 1
		frappe.set_user("Administrator")
		print(f"\nhostile input: {attempts} calls to {len(methods)} methods, {len(failures)} not a 4xx")
		self.assertGreater(attempts, 500)
		self.assertEqual(failures, [], f"{len(failures)} of {attempts} hostile calls were not a 4xx")

	def test_missing_and_non_finite_arguments_name_the_argument(self):
		from genset_service.api import v1

		with self.assertRaisesRegex(frappe.ValidationError, "hours"):
			frappe.call(v1.record_running_hours, unit=self.unit.name)
		for value in ("nan", "inf", "-inf", "1e309"):
			with self.assertRaisesRegex(frappe.ValidationError, "finite"):
				frappe.call(v1.record_running_hours, unit=self.unit.name, hours=value)
		with self.assertRaisesRegex(frappe.ValidationError, "from 0 to 1000000, not 5000000"):
			frappe.call(v1.record_running_hours, unit=self.unit.name, hours="5000000")
		with self.assertRaisesRegex(frappe.ValidationError, "YYYY-MM-DD"):
			frappe.call(
				v1.get_upcoming_services, from_date="2026-02-30", to_date=str(add_days(self.today, 1))
			)
		with self.assertRaisesRegex(frappe.ValidationError, "too long"):
			frappe.call(
				v1.open_service_request,
				unit=self.unit.name,
				service_type="Remote Support",
				description="x" * 10_001,
			)
		# nothing was half-written by the refused calls
		self.assertEqual(frappe.db.get_value("Genset Unit", self.unit.name, "running_hours"), 0)
		self.assertFalse(frappe.db.exists("Genset Service Request", {"unit": self.unit.name}))

	def test_unknown_extra_arguments_are_ignored(self):
		from genset_service.api import v1

		result = frappe.call(v1.get_unit_plan, unit=self.unit.name, cmd="x", unexpected="y")
		self.assertEqual(result["unit"], self.unit.name)
