"""Shared plumbing between the pure planner and the database: rules, terms, names, bulk writes."""

import json
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.model.naming import parse_naming_series
from frappe.query_builder import Case
from frappe.utils import now_datetime

from genset_service.planning import RULE_FIELDS, ServiceRule, Terms, TermsError, rule_from_record
from genset_service.setup.custom_fields import TERMS, terms_fieldname

TASK = "Genset Service Task"
UNIT = "Genset Unit"
CONTRACT = "Genset Service Contract"
SERVICE_TYPE = "Genset Service Type"
SETTINGS = "Genset Service Settings"

TERM_NAMES = tuple(name for name, *_ in TERMS)


def settings():
	return frappe.get_cached_doc(SETTINGS)


def get_rules() -> list[ServiceRule]:
	"""The timing rules of the enabled service types, one query."""
	records = frappe.get_all(
		SERVICE_TYPE, filters={"enabled": 1}, fields=list(RULE_FIELDS), order_by="catalogue_no asc"
	)
	return [rule_from_record(record) for record in records]


# ------------------------------------------------------------------ messages
def _field_labels() -> dict[str, str]:
	return {
		"warranty_months": _("Warranty (Months)"),
		"warranty_hours": _("Warranty Cap (Running Hours)"),
		"inspection_interval_months": _("Inspection Interval (Months)"),
		"maintenance_interval_months": _("Maintenance Interval (Months)"),
		"maintenance_interval_hours": _("Maintenance Interval (Hours)"),
		"contract_months": _("Service Contract Term (Months)"),
		"delivery_date": _("Delivery Date"),
		"arrival_date": _("Arrival Date"),
		"commissioning_date": _("Commissioning Date"),
		"transit_days": _("Transit Days"),
		"anchor_event": _("Anchor Event"),
		"until_event": _("Window Ends At Event"),
		"offset_to": _("Offset To (Days)"),
		"recurrence": _("Recurrence"),
		"recurrence_months": _("Every N Months"),
		"scope": _("One Task Per"),
	}


def describe(error: TermsError) -> str:
	"""A translated sentence naming the field and what is wrong with it."""
	label = frappe.bold(_field_labels().get(error.field, error.field))
	value = error.value
	reasons = {
		"not_positive": _("{0} must be a positive whole number, not {1}."),
		"negative": _("{0} cannot be negative ({1})."),
		"missing": _("{0} is required."),
		"before_delivery": _("{0} ({1}) cannot be before the delivery date."),
		"before_arrival": _("{0} ({1}) cannot be before the arrival date."),
		"unknown_event": _("{0}: unknown event {1}."),
		"unknown_recurrence": _("{0}: unknown recurrence {1}."),
		"unknown_scope": _("{0}: unknown value {1}."),
		"window_reversed": _("{0} ({1}) cannot be earlier than Offset From."),
		"order_event_recurs": _("{0}: a service planned on the Sales Order cannot recur ({1})."),
		"unit_scope_on_order": _(
			"{0}: a service planned on the Sales Order is per Order Line or Contract, not {1}."
		),
		"order_scope_on_unit_event": _(
			"{0}: a service planned per delivered genset must be per Unit, not {1}."
		),
	}
	template = reasons.get(error.reason, _("{0} is not valid ({1})."))
	shown = frappe.format(value, {"fieldtype": "Date"}) if hasattr(value, "year") else value
	return template.format(label, frappe.bold(shown if shown not in (None, "") else _("empty")))


def throw(error: TermsError, prefix: str | None = None, title: str | None = None):
	message = describe(error)
	frappe.throw(f"{prefix}: {message}" if prefix else message, title=title or _("Invalid Genset Terms"))


# ------------------------------------------------------------------ items and terms
# a unit whose plan is no longer followed: its Delivery Note was cancelled, or the genset returned
UNIT_GONE = ("Cancelled", "Returned")


def unit_key(unit) -> str | None:
	"""One live unit per Delivery Note line and index: a unique key, cleared when the unit is cancelled."""
	if unit.get("status") == "Cancelled" or not unit.get("dn_detail"):
		return None
	return f"{unit.get('dn_detail')}:{unit.get('unit_index')}"


def genset_items(item_codes: Iterable[str]) -> dict[str, dict]:
	"""Item code -> after-sales defaults, for the items flagged as generator sets (one query)."""
	codes = list({code for code in item_codes if code})
	if not codes:
		return {}
	fields = ["name", "item_name", "genset_kva"] + [terms_fieldname(name) for name in TERM_NAMES]
	rows = frappe.get_all("Item", filters={"name": ("in", codes), "is_genset": 1}, fields=fields)
	return {row.name: row for row in rows}


def genset_items_of(doc) -> dict[str, dict]:
	"""genset_items of an order's or delivery's lines, read once per request: validate, the
	pre-shipment gate and submit of the same document share it."""
	codes = tuple(sorted({row.item_code for row in doc.items if row.item_code}))
	cached = doc.flags.genset_items
	if not cached or cached[0] != codes:
		doc.flags.genset_items = cached = (codes, genset_items(codes))
	return cached[1]


def item_terms(item: dict) -> dict:
	return {name: item.get(terms_fieldname(name)) for name in TERM_NAMES}


def line_overrides(row) -> dict:
	return {name: row.get(terms_fieldname(name)) for name in TERM_NAMES}


def terms_of(record) -> Terms:
	"""Terms stored on a contract row or unit (plain field names)."""
	return Terms(**{name: record.get(name) or 0 for name in TERM_NAMES})


# ------------------------------------------------------------------ names and bulk writes
def reserve_names(series: str, count: int) -> list[str]:
	"""``count`` consecutive names of an old-style series such as ``GST-.YYYY.-.#####``, two queries."""
	if count <= 0:
		return []
	prefix, hashes = series.rsplit(".", 1)
	prefix = parse_naming_series(prefix)
	digits = len(hashes)
	series_table = frappe.qb.DocType("Series")
	current = (
		frappe.qb.from_(series_table)
		.select(series_table.current)
		.where(series_table.name == prefix)
		.for_update()
		.run()
	)
	if current:
		start = (current[0][0] or 0) + 1
		frappe.qb.update(series_table).set(series_table.current, start + count - 1).where(
			series_table.name == prefix
		).run()
	else:
		start = 1
		frappe.qb.into(series_table).columns("name", "current").insert(prefix, count).run()
	return [f"{prefix}{str(number).zfill(digits)}" for number in range(start, start + count)]


def standard_values(user: str | None = None) -> dict:
	now = now_datetime()
	user = user or frappe.session.user
	return {"owner": user, "modified_by": user, "creation": now, "modified": now, "docstatus": 0}


def bulk_insert(doctype: str, rows: list[dict]) -> None:
	"""Insert rows (dicts with the same keys) in one statement per 10,000 rows."""
	if not rows:
		return
	fields = list(rows[0])
	frappe.db.bulk_insert(doctype, fields, [[row.get(field) for field in fields] for row in rows])


def bulk_update(doctype: str, updates: dict[str, dict], update_modified: bool = True) -> None:
	"""Set different values on many rows in one UPDATE ... CASE statement."""
	if not updates:
		return
	table = frappe.qb.DocType(doctype)
	fields = sorted({field for values in updates.values() for field in values})
	query = frappe.qb.update(table)
	for field in fields:
		case = Case()
		for name, values in updates.items():
			if field in values:
				case = case.when(table.name == name, values[field])
		query = query.set(table[field], case.else_(table[field]))
	if update_modified:
		query = query.set(table.modified, now_datetime()).set(table.modified_by, frappe.session.user)
	query.where(table.name.isin(list(updates))).run()


def set_assign(assignees: dict[str, str | None]) -> dict:
	"""The ``_assign`` column value Frappe keeps beside each assigned document."""
	return {name: json.dumps([user]) if user else None for name, user in assignees.items()}


def require_signoff(doc) -> None:
	"""The customer's name and signature, before a visit document is submitted."""
	if not ((doc.get("customer_signatory") or "").strip() and doc.get("customer_signature")):
		frappe.throw(
			_("The customer's sign-off (name and signature) is required."), title=_("Sign-off Required")
		)


def live_unit(name: str, fields: list[str], customer: str | None = None) -> frappe._dict:
	"""A genset unit's values, refusing an unknown or cancelled one, or one of another customer than
	``customer`` (when given)."""
	unit = frappe.db.get_value(UNIT, name, ["status", "customer", *fields], as_dict=True) if name else None
	if not unit or unit.status in UNIT_GONE:
		frappe.throw(
			_("Genset Unit {0} is unknown, cancelled or returned.").format(name), title=_("Invalid Genset")
		)
	if customer and customer != unit.customer:
		frappe.throw(
			_("Genset Unit {0} belongs to customer {1}, not {2}.").format(
				name, frappe.bold(unit.customer), frappe.bold(customer)
			),
			title=_("Wrong Customer"),
		)
	return unit


class TransactionLost(Exception):
	"""The database rolled the whole transaction back under a job (a deadlock with another worker doing
	the same work): nothing of this run is kept, the other worker's is, and the next run does the rest."""


def undo_to(savepoint: str) -> None:
	"""Roll back to a savepoint; when the savepoint is gone (the database already rolled the whole
	transaction back), roll back and raise TransactionLost."""
	try:
		frappe.db.rollback(save_point=savepoint)
	except Exception:
		lose_transaction()


def lose_transaction():
	frappe.db.rollback()
	raise TransactionLost


def insert_if_absent(values: dict, failure: str, then=None):
	"""Insert a record whose unique key says it must exist once (a survey round, an escalation notice),
	and run ``then(doc)`` with it, under one savepoint. Returns the record, or None when another run
	already made it (the key is taken) or when it failed (logged under ``failure``, the rest of the
	job goes on). A deadlock with another worker loses the whole transaction (TransactionLost)."""
	savepoint = "genset_insert_if_absent"
	frappe.db.savepoint(savepoint)
	try:
		doc = frappe.get_doc(values)
		doc.insert(ignore_permissions=True)
		if then:
			then(doc)
		return doc
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		undo_to(savepoint)  # another run made it
		return None
	except frappe.QueryDeadlockError:
		lose_transaction()
	except Exception:
		undo_to(savepoint)
		frappe.log_error(failure, reference_doctype=values["doctype"])
		return None


def notify_users(users: list[str], subject: str, doctype: str | None, name: str | None) -> None:
	"""A desk notification (Notification Log, type Alert) to each of these users."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	users = sorted({user for user in users if user})
	if not users:
		return
	make_notification_logs(
		{
			"type": "Alert",
			"document_type": doctype,
			"document_name": name,
			"subject": subject,
			"from_user": "Administrator",
		},
		users,
	)


def send_email_safely(recipients: list[str], subject: str, message: str, doctype: str, name: str) -> bool:
	"""Queue an email for a job; a site that cannot send it (no outgoing account, a bad address) gets
	an Error Log instead of a failed job. Returns whether it was queued."""
	savepoint = "genset_email"
	frappe.db.savepoint(savepoint)
	try:
		frappe.sendmail(
			recipients=recipients,
			subject=subject,
			message=message,
			reference_doctype=doctype,
			reference_name=name,
		)
		return True
	except frappe.QueryDeadlockError:
		lose_transaction()
	except Exception:
		undo_to(savepoint)
		frappe.log_error(
			f"Genset email not queued: {subject}"[:140], reference_doctype=doctype, reference_name=name
		)
		return False
