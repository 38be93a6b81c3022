"""One live unit per delivery line and index, one live contract per order (or direct delivery), one
survey per contract and round. The key columns (unique indexes, added by the model sync while still
empty) are filled here, after the duplicates that concurrent runs could make were merged: the oldest
record survives, survey answers and follow-ups move to it, the others are cancelled with a comment.
So `bench migrate` never fails on a live site and nothing is lost. Set-based: a few statements per
DocType, plus a few per duplicate group."""

import frappe
from frappe import _
from frappe.query_builder.functions import Concat, Count

from genset_service.scheduling.common import CONTRACT, TASK, UNIT, bulk_update
from genset_service.scheduling.tasks import cancel_open_tasks

SURVEY = "Genset Satisfaction Survey"
ANSWER_FIELDS = (
	"status",
	"answered_on",
	"overall",
	"response_speed",
	"engineer_skill",
	"product_quality",
	"nps",
	"suggestions",
	"follow_up_task",
)


def execute():
	merge_units()
	merge_contracts()
	merge_surveys()


def _duplicates(doctype: str, live, columns: list[str]) -> list[list[str]]:
	"""Names of the live records sharing the same values of ``columns``, oldest first, per group of two
	or more (one grouped query, one read of the duplicates)."""
	table = frappe.qb.DocType(doctype)
	condition = live(table)
	for column in columns:
		condition &= table[column].isnotnull()
	keys = (
		frappe.qb.from_(table)
		.select(*[table[column] for column in columns])
		.where(condition)
		.groupby(*[table[column] for column in columns])
		.having(Count("*") > 1)
		.run()
	)
	if not keys:
		return []
	wanted = set(keys)
	rows = (
		frappe.qb.from_(table)
		.select(table.name, *[table[column] for column in columns])
		.where(condition)
		.where(table[columns[0]].isin([key[0] for key in keys]))
		.orderby(table.creation)
		.orderby(table.name)
		.run()
	)
	groups = {}
	for name, *values in rows:
		if tuple(values) in wanted:
			groups.setdefault(tuple(values), []).append(name)
	return list(groups.values())


def _note(doctype: str, names: list[str], survivor: str) -> None:
	for name in names:
		frappe.get_doc(
			{
				"doctype": "Comment",
				"comment_type": "Info",
				"reference_doctype": doctype,
				"reference_name": name,
				"content": _("Cancelled as a duplicate of {0}.").format(survivor),
			}
		).insert(ignore_permissions=True)


def merge_units() -> None:
	cancelled = {}
	for survivor, *duplicates in _duplicates(
		UNIT, lambda t: t.status != "Cancelled", ["dn_detail", "unit_index"]
	):
		cancelled.update({name: {"status": "Cancelled", "unit_key": None} for name in duplicates})
		_note(UNIT, duplicates, survivor)
	if cancelled:
		bulk_update(UNIT, cancelled)
		cancel_open_tasks({"unit": ("in", list(cancelled))})
	unit = frappe.qb.DocType(UNIT)
	frappe.qb.update(unit).set(unit.unit_key, Concat(unit.dn_detail, ":", unit.unit_index)).where(
		unit.status != "Cancelled"
	).where(unit.dn_detail.isnotnull()).where(unit.unit_key.isnull()).run()


def merge_contracts() -> None:
	contract = frappe.qb.DocType(CONTRACT)
	for source in ("sales_order", "delivery_note"):

		def live(t, source=source):
			condition = t.docstatus == 1
			return condition & t.sales_order.isnull() if source == "delivery_note" else condition

		for survivor, *duplicates in _duplicates(CONTRACT, live, [source]):
			for doctype in (UNIT, TASK, SURVEY):
				table = frappe.qb.DocType(doctype)
				frappe.qb.update(table).set(table.contract, survivor).where(
					table.contract.isin(duplicates)
				).run()
			frappe.qb.update(contract).set(contract.docstatus, 2).set(contract.status, "Cancelled").set(
				contract.contract_key, None
			).where(contract.name.isin(duplicates)).run()
			_note(CONTRACT, duplicates, survivor)
	for source, prefix in (("sales_order", "Sales Order:"), ("delivery_note", "Delivery Note:")):
		query = (
			frappe.qb.update(contract)
			.set(contract.contract_key, Concat(prefix, contract[source]))
			.where(contract.docstatus == 1)
			.where(contract[source].isnotnull())
			.where(contract.contract_key.isnull())
		)
		if source == "delivery_note":
			query = query.where(contract.sales_order.isnull())
		query.run()


def merge_surveys() -> None:
	updates = {}
	for survivor, *duplicates in _duplicates(
		SURVEY, lambda t: t.status != "Cancelled", ["contract", "occurrence"]
	):
		answered = frappe.get_all(
			SURVEY,
			filters={"name": ("in", [survivor, *duplicates]), "status": "Answered"},
			fields=["name", *ANSWER_FIELDS],
			order_by="answered_on asc, creation asc",
		)
		if answered and answered[0].name != survivor and survivor not in {row.name for row in answered}:
			updates[survivor] = {field: answered[0][field] for field in ANSWER_FIELDS}
		updates.update({name: {"status": "Cancelled", "survey_key": None} for name in duplicates})
		task = frappe.qb.DocType(TASK)
		frappe.qb.update(task).set(task.reference_name, survivor).where(
			task.reference_doctype == SURVEY
		).where(task.reference_name.isin(duplicates)).run()
		_note(SURVEY, duplicates, survivor)
	bulk_update(SURVEY, updates)
	survey = frappe.qb.DocType(SURVEY)
	frappe.qb.update(survey).set(survey.survey_key, Concat(survey.contract, ":", survey.occurrence)).where(
		survey.status != "Cancelled"
	).where(survey.contract.isnotnull()).where(survey.survey_key.isnull()).run()
