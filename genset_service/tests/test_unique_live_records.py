"""The database forbids a second live unit per delivery line and index, a second live contract per
order and a second survey per contract and round; the migration patch merges the duplicates an older
site may hold before the keys are filled."""

import frappe
from frappe.utils import add_days

from genset_service.patches.v0_2 import unique_live_records
from genset_service.scheduling.common import CONTRACT, TASK, UNIT, bulk_insert
from genset_service.scheduling.voice import send_due_surveys
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_delivery_note,
	make_sales_order,
)

test_ignore = TEST_IGNORE
SURVEY = "Genset Satisfaction Survey"


class RefusedAsDuplicate:
	"""Asserts that the block hits a unique key: Frappe's own errors on a document insert, the driver's
	duplicate-entry error on a raw insert."""

	def __init__(self, test):
		self.test = test

	def __enter__(self):
		return self

	def __exit__(self, kind, error, _traceback):
		self.test.assertIsNotNone(error, "the database accepted a second live record")
		self.test.assertTrue(
			isinstance(error, frappe.UniqueValidationError | frappe.DuplicateEntryError)
			or frappe.db.is_unique_key_violation(error)
			or frappe.db.is_duplicate_entry(error),
			repr(error),
		)
		return True


def copy_row(doctype: str, name: str, **changes) -> str:
	"""Write a raw copy of a record (as a concurrent run did before the keys), with a later creation."""
	row = frappe.db.get_value(doctype, name, "*", as_dict=True)
	row.update(name=frappe.generate_hash(length=12), creation=add_days(row.creation, 1), **changes)
	bulk_insert(doctype, [row])
	return row.name


class TestUniqueLiveRecords(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.order = make_sales_order([{"item_code": self.genset, "qty": 1}])
		self.delivery = make_delivery_note(self.order.name)
		self.unit = frappe.get_doc(UNIT, {"delivery_note": self.delivery.name})
		self.contract = frappe.get_doc(CONTRACT, {"sales_order": self.order.name})

	def test_live_records_carry_their_key(self):
		self.assertEqual(self.unit.unit_key, f"{self.unit.dn_detail}:1")
		self.assertEqual(self.contract.contract_key, f"Sales Order:{self.order.name}")

	def test_a_second_live_unit_or_contract_is_refused_by_the_database(self):
		with RefusedAsDuplicate(self):
			copy_row(UNIT, self.unit.name)
		with RefusedAsDuplicate(self):
			copy_row(CONTRACT, self.contract.name)

	def test_cancelling_frees_the_keys(self):
		self.delivery.cancel()
		self.assertIsNone(frappe.db.get_value(UNIT, self.unit.name, "unit_key"))
		self.order.reload()
		self.order.cancel()
		self.assertIsNone(frappe.db.get_value(CONTRACT, self.contract.name, "contract_key"))

	def test_a_second_survey_of_a_round_is_refused(self):
		tasks = frappe.get_all(
			TASK,
			{"contract": self.contract.name, "service_type": "Satisfaction Survey", "occurrence": 1},
			pluck="name",
		)
		for task in tasks:
			frappe.db.set_value(TASK, task, "due_from", self.today)
		frappe.db.set_value("Customer", self.order.customer, "email_id", None)
		(survey,) = send_due_surveys()
		self.assertEqual(frappe.db.get_value(SURVEY, survey, "survey_key"), f"{self.contract.name}:1")
		with RefusedAsDuplicate(self):
			copy_row(SURVEY, survey)
		self.assertEqual(send_due_surveys(), [])

	def test_patch_merges_duplicates_then_fills_the_keys(self):
		tasks = frappe.get_all(
			TASK,
			{"contract": self.contract.name, "service_type": "Satisfaction Survey", "occurrence": 1},
			pluck="name",
		)
		frappe.db.set_value(TASK, tasks[0], "due_from", self.today)
		frappe.db.set_value("Customer", self.order.customer, "email_id", None)
		(survey,) = send_due_surveys()
		# an older site: keys empty, and a duplicate of each record made by concurrent runs
		for doctype, name, key in (
			(UNIT, self.unit.name, "unit_key"),
			(CONTRACT, self.contract.name, "contract_key"),
			(SURVEY, survey, "survey_key"),
		):
			frappe.db.set_value(doctype, name, key, None, update_modified=False)
		unit_copy = copy_row(UNIT, self.unit.name, unit_key=None)
		contract_copy = copy_row(CONTRACT, self.contract.name, contract_key=None)
		frappe.db.set_value(TASK, tasks[-1], "contract", contract_copy)
		follow_up = frappe.get_all(TASK, {"unit": unit_copy}, pluck="name")  # none: a raw copy has no plan
		# the newer duplicate survey was the one answered, with a follow-up
		answered_copy = copy_row(
			SURVEY,
			survey,
			survey_key=None,
			status="Answered",
			answered_on=self.today,
			overall=2,
			response_speed=3,
			engineer_skill=4,
			product_quality=5,
			nps=6,
			suggestions="Call before coming",
			follow_up_task=tasks[0],
		)

		unique_live_records.execute()

		# units: the oldest survives with its key, the copy is cancelled with a comment
		self.assertEqual(
			frappe.db.get_value(UNIT, self.unit.name, ["status", "unit_key"]),
			("Delivered", f"{self.unit.dn_detail}:1"),
		)
		self.assertEqual(frappe.db.get_value(UNIT, unit_copy, ["status", "unit_key"]), ("Cancelled", None))
		self.assertTrue(frappe.db.exists("Comment", {"reference_doctype": UNIT, "reference_name": unit_copy}))
		self.assertEqual(follow_up, [])
		# contracts: the copy's records move to the oldest, the copy is cancelled
		self.assertEqual(
			frappe.db.get_value(CONTRACT, self.contract.name, ["docstatus", "contract_key"]),
			(1, f"Sales Order:{self.order.name}"),
		)
		self.assertEqual(
			frappe.db.get_value(CONTRACT, contract_copy, ["docstatus", "status", "contract_key"]),
			(2, "Cancelled", None),
		)
		self.assertEqual(frappe.db.get_value(TASK, tasks[-1], "contract"), self.contract.name)
		# surveys: the oldest survives and takes the answers and the follow-up of the answered copy
		kept = frappe.db.get_value(
			SURVEY,
			survey,
			["status", "overall", "nps", "suggestions", "follow_up_task", "survey_key"],
			as_dict=True,
		)
		self.assertEqual(
			(kept.status, kept.overall, kept.nps, kept.suggestions, kept.follow_up_task, kept.survey_key),
			("Answered", 2, 6, "Call before coming", tasks[0], f"{self.contract.name}:1"),
		)
		self.assertEqual(
			frappe.db.get_value(SURVEY, answered_copy, ["status", "survey_key"]), ("Cancelled", None)
		)

		# run twice: nothing more changes, and every key is unique
		unique_live_records.execute()
		self.assertEqual(
			frappe.db.count(UNIT, {"dn_detail": self.unit.dn_detail, "status": ("!=", "Cancelled")}), 1
		)
		self.assertEqual(
			frappe.db.count(SURVEY, {"contract": self.contract.name, "status": ("!=", "Cancelled")}), 1
		)
