"""Sales Order: the service contract and the services planned before delivery."""

import frappe
from frappe import _
from frappe.utils import add_months, flt, getdate, nowdate

from genset_service.planning import Terms, TermsError, contract_status, plan_order, reconcile, resolve_terms
from genset_service.scheduling.common import (
	CONTRACT,
	TERM_NAMES,
	bulk_insert,
	bulk_update,
	genset_items_of,
	get_rules,
	item_terms,
	line_overrides,
	settings,
	standard_values,
	terms_of,
	throw,
)
from genset_service.scheduling.tasks import (
	TaskContext,
	apply_changes,
	cancel_open_tasks,
	existing_tasks,
	insert_tasks,
)

CONTRACT_ITEM = "Genset Service Contract Item"


def genset_lines(doc) -> list[tuple[object, dict, Terms]]:
	"""(row, item, resolved terms) of each genset line; refuses bad terms naming row and field."""
	items = genset_items_of(doc)
	lines = []
	for row in doc.items:
		item = items.get(row.item_code)
		if not item:
			continue
		prefix = _("Row #{0} ({1})").format(row.idx, row.item_code)
		if not row.get("delivery_date"):
			throw(TermsError("delivery_date", "missing"), prefix)
		try:
			terms = resolve_terms(item_terms(item), line_overrides(row))
		except TermsError as error:
			throw(error, prefix)
		lines.append((row, item, terms))
	return lines


def validate_sales_order(doc) -> None:
	genset_lines(doc)


def make_contract(doc, lines, source_field: str = "sales_order", start_date=None):
	"""Create and submit the one service contract of a submitted order (or direct delivery)."""
	contract = frappe.new_doc(CONTRACT)
	contract.update(
		{
			"customer": doc.customer,
			"customer_name": doc.get("customer_name")
			or frappe.db.get_value("Customer", doc.customer, "customer_name"),
			"company": doc.company,
			source_field: doc.name,
			"start_date": start_date or doc.get("transaction_date") or doc.get("posting_date"),
			"amended_from": previous_contract(doc, source_field),
		}
	)
	for row, item, terms in lines:
		contract.append("items", contract_item(doc, row, item, terms, source_field))
	write_submitted(contract)
	return contract


def contract_item(doc, row, item, terms, source_field: str = "sales_order") -> dict:
	"""The contract's row of one genset line: what was sold, when it is delivered, on which terms."""
	return {
		"item_code": row.item_code,
		"item_name": row.item_name,
		"qty": row.get("stock_qty") or row.qty,
		"delivery_date": row.get("delivery_date") or doc.get("posting_date"),
		"kva": item.genset_kva,
		"so_detail": row.name if source_field == "sales_order" else row.get("so_detail"),
		**{name: getattr(terms, name) for name in TERM_NAMES},
	}


def write_submitted(contract) -> None:
	"""Write the contract as submitted in a few statements, as the plan's tasks are: its own rules run
	(``validate``: terms, end date, the live key) and its status is set, without the per-row work of a
	document insert (the order it comes from was validated, its items and customer exist)."""
	contract.docstatus = 1
	contract.set_new_name()
	contract.set_parent_in_children()
	contract.run_method("validate")
	contract.status = contract_status(
		getdate(contract.end_date), getdate(nowdate()), settings().expiring_notice_days
	)
	values = standard_values()
	contract.update({**values, "docstatus": 1})
	contract.db_insert()
	rows = []
	for index, row in enumerate(contract.items, 1):
		row.update({**values, "docstatus": 1, "idx": index})
		rows.append(row.get_valid_dict(convert_dates_to_str=True))
	bulk_insert("Genset Service Contract Item", rows)


def previous_contract(doc, source_field: str) -> str | None:
	"""When an order is amended, its new contract amends the cancelled one: never two live contracts."""
	if not doc.get("amended_from"):
		return None
	return frappe.db.get_value(CONTRACT, {source_field: doc.amended_from, "docstatus": 2}, "name")


def plan_sales_order(doc, lines=None) -> None:
	lines = genset_lines(doc) if lines is None else lines
	if not lines:
		return
	if frappe.db.exists(CONTRACT, {"sales_order": doc.name, "docstatus": 1}):
		return  # already planned (a repeated submit hook must not duplicate)
	contract = make_contract(doc, lines)
	insert_tasks(order_plan(doc, contract.name, lines), order_context(doc, contract.name, lines))


def order_plan(doc, contract: str, lines) -> list:
	"""The services the order plans before delivery, per genset line (and once for the contract)."""
	return plan_order(
		get_rules(),
		contract,
		getdate(doc.transaction_date),
		[(row.name, getdate(row.delivery_date)) for row, _item, _terms in lines],
	)


def order_context(doc, contract: str, lines) -> TaskContext:
	return TaskContext(
		customer=doc.customer,
		company=doc.company,
		reference_doctype=doc.doctype,
		reference_name=doc.name,
		contract=contract,
		details={row.name: {"item_code": row.item_code} for row, _item, _terms in lines},
	)


def cancel_sales_order(doc) -> None:
	"""Cancel the order's contract (which cancels its open tasks); done tasks stay."""
	cancel_contracts({"sales_order": doc.name})
	cancel_open_tasks({"reference_doctype": doc.doctype, "reference_name": doc.name})


def cancel_contracts(filters: dict) -> None:
	"""Cancel the submitted contracts of a cancelled source document (their open tasks follow)."""
	for name in frappe.get_all(CONTRACT, filters={**filters, "docstatus": 1}, pluck="name"):
		contract = frappe.get_doc(CONTRACT, name)
		contract.flags.ignore_permissions = True
		contract.cancel()


def follow_order_change(doc) -> None:
	"""A submitted order changed (ERPNext's Update Items: rows re-dated, added, removed, re-counted):
	the contract's rows and the order's plan follow, in bulk. The contract's rows are the app's record of
	what the order was (Update Items writes the order's rows before the order is saved, so the order
	before save already holds the change). Done tasks never move; a line's open tasks go with it."""
	lines = genset_lines(doc)
	contract = frappe.db.get_value(CONTRACT, {"sales_order": doc.name, "docstatus": 1}, "name")
	if not contract:
		plan_sales_order(doc, lines)  # the order's first genset line was added after submit
		return
	if not lines:
		cancel_sales_order(doc)  # no genset left on the order: nothing to serve
		return
	stored = {
		row.so_detail: row
		for row in frappe.get_all(
			CONTRACT_ITEM,
			filters={"parent": contract, "parenttype": CONTRACT},
			fields=["name", "so_detail", "qty", "delivery_date", *TERM_NAMES],
		)
	}
	current = {row.name: (row, item, terms) for row, item, terms in lines}
	changed = {}
	for line, (row, item, terms) in current.items():
		before = stored.get(line)
		if not before:
			continue
		values = contract_item(doc, row, item, terms)
		if (
			flt(before.qty) != flt(values["qty"])
			or getdate(before.delivery_date) != getdate(values["delivery_date"])
			or terms_of(before) != terms
		):
			changed[before.name] = {field: values[field] for field in ("qty", "delivery_date", *TERM_NAMES)}
	removed = [row.name for line, row in stored.items() if line not in current]
	added = [contract_item(doc, *current[line]) for line in current if line not in stored]
	if not (changed or removed or added):
		return  # nothing the plan reads changed (a rate, a note, a status)

	bulk_update(CONTRACT_ITEM, changed)
	if removed:
		child = frappe.qb.DocType(CONTRACT_ITEM)
		frappe.qb.from_(child).delete().where(child.name.isin(removed)).run()
	if added:
		values = {**standard_values(), "docstatus": 1, "parent": contract, "parenttype": CONTRACT}
		count = len(stored) - len(removed)
		bulk_insert(
			CONTRACT_ITEM,
			[
				{
					**values,
					**row,
					"name": frappe.generate_hash(length=10),
					"parentfield": "items",
					"idx": count + index,
				}
				for index, row in enumerate(added, 1)
			],
		)
	changes = reconcile(existing_tasks(contract), order_plan(doc, contract, lines))
	apply_changes(changes, order_context(doc, contract, lines))
	# until the gensets are delivered, the contract's end is estimated from the planned deliveries
	if not frappe.db.exists("Genset Unit", {"contract": contract}):
		end = max(add_months(getdate(row.delivery_date), terms.service_months) for row, _item, terms in lines)
		frappe.db.set_value(CONTRACT, contract, "end_date", end)
