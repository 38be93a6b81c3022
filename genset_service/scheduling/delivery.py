"""Delivery Note: one Genset Unit per delivered genset and its whole after-sales plan."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max
from frappe.utils import cint, flt, getdate

from genset_service.planning import Terms, TermsError, UnitEvents, plan_units, resolve_terms
from genset_service.scheduling.common import (
	CONTRACT,
	TERM_NAMES,
	UNIT,
	UNIT_GONE,
	bulk_insert,
	bulk_update,
	genset_items_of,
	get_rules,
	item_terms,
	reserve_names,
	settings,
	standard_values,
	terms_of,
	throw,
	unit_key,
)
from genset_service.scheduling.inspection import check_pre_shipment_gate
from genset_service.scheduling.order import cancel_contracts, make_contract
from genset_service.scheduling.tasks import TaskContext, cancel_open_tasks, insert_tasks

UNIT_SERIES = "GU-.YYYY.-.#####"


def _genset_rows(doc) -> tuple[list, dict]:
	items = genset_items_of(doc)
	return [row for row in doc.items if row.item_code in items], items


def validate_delivery_note(doc) -> None:
	if doc.get("is_return"):
		return
	rows, items = _genset_rows(doc)
	for row in rows:
		qty = flt(row.get("stock_qty") or row.qty)
		if qty <= 0 or qty != cint(qty):
			frappe.throw(
				_(
					"Row #{0} ({1}): a generator set is delivered in whole units; {2} is not a whole quantity."
				).format(row.idx, row.item_code, frappe.bold(qty)),
				title=_("Invalid Genset Quantity"),
			)
		if not row.get("so_detail"):
			try:
				resolve_terms(item_terms(items[row.item_code]), {})
			except TermsError as error:
				throw(error, _("Row #{0} ({1})").format(row.idx, row.item_code))


def serials_by_row(rows) -> dict[str, list[str]]:
	"""Serial numbers delivered on each row: from the Serial and Batch Bundle, else the text field."""
	bundles = {row.serial_and_batch_bundle: row.name for row in rows if row.get("serial_and_batch_bundle")}
	serials = defaultdict(list)
	if bundles:
		for entry in frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", list(bundles)), "serial_no": ("is", "set")},
			fields=["parent", "serial_no"],
			order_by="idx asc",
		):
			serials[bundles[entry.parent]].append(entry.serial_no)
	for row in rows:
		if not serials.get(row.name) and row.get("serial_no"):
			serials[row.name] = [s.strip() for s in row.serial_no.split("\n") if s.strip()]
	return serials


def gate_delivery_note(doc) -> None:
	"""Before submit: the pre-shipment inspection gate (Genset Service Settings)."""
	if doc.get("is_return"):
		return
	rows, _items = _genset_rows(doc)
	check_pre_shipment_gate(doc, rows)


def _contract_terms(rows) -> tuple[dict[str, str], dict[str, Terms]]:
	"""Contract per Sales Order and the contract's terms per Sales Order line (two queries)."""
	orders = list({row.against_sales_order for row in rows if row.get("against_sales_order")})
	if not orders:
		return {}, {}
	contracts = frappe.get_all(
		CONTRACT, filters={"sales_order": ("in", orders), "docstatus": 1}, fields=["name", "sales_order"]
	)
	by_order = {c.sales_order: c.name for c in contracts}
	terms = {}
	if contracts:
		for row in frappe.get_all(
			"Genset Service Contract Item",
			filters={"parent": ("in", [c.name for c in contracts]), "parenttype": CONTRACT},
			fields=["so_detail", *TERM_NAMES],
		):
			terms[row.so_detail] = terms_of(row)
	return by_order, terms


def plan_delivery_note(doc) -> None:
	if doc.get("is_return"):
		return
	rows, items = _genset_rows(doc)
	if not rows:
		return
	if frappe.db.exists(UNIT, {"delivery_note": doc.name, "status": ("!=", "Cancelled")}):
		return  # already planned

	contract_by_order, terms_by_line = _contract_terms(rows)
	direct = [row for row in rows if row.get("so_detail") not in terms_by_line]
	direct_contract = None
	if direct:
		lines = [
			(row, items[row.item_code], resolve_terms(item_terms(items[row.item_code]), {})) for row in direct
		]
		direct_contract = make_contract(doc, lines, source_field="delivery_note", start_date=doc.posting_date)
		for row, _item, terms in lines:
			terms_by_line[row.name] = terms

	serials = serials_by_row(rows)
	quantities = [cint(row.get("stock_qty") or row.qty) for row in rows]
	names = reserve_names(UNIT_SERIES, sum(quantities))
	rules = get_rules()
	delivery = getdate(doc.posting_date)
	transit_days = cint(settings().transit_days)
	fallback_months = cint(settings().warranty_fallback_months)
	today = getdate()
	site_address = doc.get("shipping_address_name") or doc.get("customer_address")
	site_display = doc.get("shipping_address") or doc.get("address_display")
	base = standard_values()

	events = UnitEvents(
		delivery=delivery, transit_days=transit_days, warranty_fallback_months=fallback_months
	)
	line_terms = [terms_by_line.get(row.so_detail) or terms_by_line[row.name] for row in rows]
	# gensets of the same terms delivered together share one plan (planned once)
	unit_names = iter(names)
	groups = plan_units(
		rules,
		(
			(terms, events, next(unit_names))
			for terms, qty in zip(line_terms, quantities, strict=True)
			for _ in range(qty)
		),
	)
	plan_of = {key: group for group in groups for key in group.unit_keys}

	units, plans, details = [], [], {}
	position = 0
	for row, qty, terms in zip(rows, quantities, line_terms, strict=True):
		contract = contract_by_order.get(row.get("against_sales_order")) or (
			direct_contract.name if direct_contract else None
		)
		row_serials = serials.get(row.name, [])
		for index in range(qty):
			name = names[position]
			position += 1
			serial_no = row_serials[index] if index < len(row_serials) else None
			plan = plan_of[name].plan_for(name)
			marks = plan.milestones
			units.append(
				{
					**base,
					"name": name,
					"status": "Delivered",
					"customer": doc.customer,
					"customer_name": doc.customer_name,
					"company": doc.company,
					"item_code": row.item_code,
					"item_name": row.item_name,
					"serial_no": serial_no,
					"kva": items[row.item_code].genset_kva,
					"contract": contract,
					"sales_order": row.get("against_sales_order"),
					"so_detail": row.get("so_detail"),
					"delivery_note": doc.name,
					"dn_detail": row.name,
					"unit_index": index + 1,
					"unit_key": unit_key({"dn_detail": row.name, "unit_index": index + 1}),
					"site_address": site_address,
					"site_address_display": site_display,
					"delivery_date": delivery,
					"expected_arrival_date": marks.arrival,
					"warranty_status": marks.warranty_status(today),
					"warranty_basis": marks.warranty_basis,
					"warranty_start_date": marks.warranty_start,
					"warranty_end_date": marks.warranty_end,
					"base_warranty_end_date": marks.base_warranty_end,
					"service_end_date": marks.service_end,
					**{field: getattr(terms, field) for field in TERM_NAMES},
				}
			)
			plans.append((contract, plan))
			details[name] = {"unit": name, "item_code": row.item_code, "serial_no": serial_no}

	bulk_insert(UNIT, units)
	by_contract = defaultdict(list)
	for contract, plan in plans:
		by_contract[contract].extend(plan.occurrences)
	for contract, occurrences in by_contract.items():
		insert_tasks(
			occurrences,
			TaskContext(
				customer=doc.customer,
				company=doc.company,
				reference_doctype=doc.doctype,
				reference_name=doc.name,
				contract=contract,
				details=details,
			),
		)
	sync_serial_warranty({u["serial_no"]: u["warranty_end_date"] for u in units if u["serial_no"]})
	refresh_contract_end(list(by_contract))


def cancel_delivery_note(doc) -> None:
	"""Cancel the units of the delivery and their open tasks; done tasks stay as history."""
	units = frappe.get_all(
		UNIT, filters={"delivery_note": doc.name, "status": ("!=", "Cancelled")}, pluck="name"
	)
	if units:
		unit = frappe.qb.DocType(UNIT)
		frappe.qb.update(unit).set(unit.status, "Cancelled").set(unit.unit_key, None).where(
			unit.name.isin(units)
		).run()
		cancel_open_tasks({"unit": ("in", units)})
	cancel_contracts({"delivery_note": doc.name})
	refresh_contract_end(
		list(set(frappe.get_all(UNIT, filters={"delivery_note": doc.name}, pluck="contract")) - {None})
	)


def sync_serial_warranty(ends: dict) -> None:
	"""Keep ERPNext's Serial No warranty date (used by Warranty Claim) on the unit's warranty end."""
	bulk_update(
		"Serial No", {serial: {"warranty_expiry_date": end} for serial, end in ends.items() if serial}
	)


def refresh_contract_end(contracts: list[str]) -> None:
	"""A contract ends when the last of its live units leaves warranty and service term; it shows its
	gensets by warranty status (two grouped queries, one UPDATE)."""
	contracts = [c for c in contracts if c]
	if not contracts:
		return
	unit = frappe.qb.DocType(UNIT)
	live = (unit.contract.isin(contracts)) & (unit.status.notin(UNIT_GONE))
	ends = dict(
		frappe.qb.from_(unit)
		.select(unit.contract, Max(unit.service_end_date))
		.where(live)
		.groupby(unit.contract)
		.run()
	)
	counts = defaultdict(list)
	for contract, status, count in (
		frappe.qb.from_(unit)
		.select(unit.contract, unit.warranty_status, Count("*"))
		.where(live)
		.groupby(unit.contract, unit.warranty_status)
		.orderby(unit.warranty_status)
		.run()
	):
		counts[contract].append(f"{count} {_(status)}")
	bulk_update(
		CONTRACT,
		{
			contract: {
				**({"end_date": ends[contract]} if ends.get(contract) else {}),
				"warranty_summary": ", ".join(counts.get(contract, [])),
			}
			for contract in contracts
		},
	)
