"""The write rule (access/rules.py) on the site: every save of an app record, whatever door it came in by.

`/api/resource`, `frappe.client.*`, the form's `savedocs`, `run_doc_method`, the list's bulk edit and
Data Import all end in a document's save, and every save runs ``before_validate`` (or
``before_update_after_submit`` after submit): ``check`` runs there, before the controller's own
validation fills what the app computes. A new record's app-only values are reset to their defaults; a
saved record's forbidden change is refused with a 403 naming the field; a manager's clock correction
without its reason is a 417.

The app's own actions pass through ``as_app()``: its whitelisted endpoints (the guard's ``checked``),
its hook handlers, its scheduled and queued jobs, and the lifecycle methods of its own controllers
(``AppDocument``: what a controller writes while a record is saved is the app's). The marker lives on
``frappe.local`` for the length of the action, where no request can reach it: a document's ``flags``
cannot be sent (Frappe drops the key), and nothing from a request is read from ``frappe.local``.
"""

import contextlib
import functools
import os

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.modules.utils import get_doc_path
from frappe.utils import cint, cstr, flt, get_datetime, getdate

from genset_service.access import rules as R

DEPTH = "genset_app_depth"
MODULE = "Genset Service"
# a controller's lifecycle methods, run inside the app's own action (never the ones the check runs in,
# and never a whitelisted method such as submit, which run_doc_method can call with a client's document)
LIFECYCLE = frozenset(
	{
		"before_insert",
		"after_insert",
		"validate",
		"before_save",
		"on_update",
		"before_submit",
		"on_submit",
		"before_cancel",
		"on_cancel",
		"on_update_after_submit",
		"on_change",
		"on_trash",
		"after_delete",
		"before_rename",
		"after_rename",
		"onload",
	}
)
DATES = frozenset({"Date"})
DATETIMES = frozenset({"Datetime"})
INTEGERS = frozenset({"Check", "Int", "Duration", "Rating"})
NUMBERS = frozenset({"Float", "Currency", "Percent"})
SYSTEM_COLUMNS = frozenset(
	{
		"name",
		"owner",
		"creation",
		"modified",
		"modified_by",
		"parent",
		"parentfield",
		"parenttype",
		"idx",
		"docstatus",
		"doctype",
	}
)


# ------------------------------------------------------------------ the app's own actions
@contextlib.contextmanager
def as_app():
	"""What runs inside is the app's own action: the write rule does not apply to it."""
	setattr(frappe.local, DEPTH, getattr(frappe.local, DEPTH, 0) + 1)
	try:
		yield
	finally:
		setattr(frappe.local, DEPTH, getattr(frappe.local, DEPTH, 1) - 1)


def app_action(fn):
	"""Mark a function (an endpoint, a hook handler, a job) as one of the app's own actions."""

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		with as_app():
			return fn(*args, **kwargs)

	return wrapper


def acting_as_app() -> bool:
	return bool(
		getattr(frappe.local, DEPTH, 0) > 0
		or frappe.flags.in_install
		or frappe.flags.in_migrate
		or frappe.flags.in_patch
		or frappe.flags.in_uninstall
	)


class AppDocument(Document):
	"""The base of the app's controllers: what their lifecycle methods write is the app's own action."""

	def run_method(self, method, *args, **kwargs):
		if method not in LIFECYCLE:
			return super().run_method(method, *args, **kwargs)
		with as_app():
			return super().run_method(method, *args, **kwargs)


# ------------------------------------------------------------------ the rule, per DocType
def rules_of(doctype: str) -> dict[str, R.FieldRule]:
	"""The rule of a DocType's fields ({} when the app rules none of them), cached with the request's
	documents (Frappe empties that cache when metadata changes)."""
	cache = frappe.local.cache.setdefault("genset_access_rules", {})
	if doctype not in cache:
		cache[doctype] = _rules_of(doctype)
	return cache[doctype]


def _rules_of(doctype: str) -> dict[str, R.FieldRule]:
	meta = frappe.get_meta(doctype)
	if meta.istable:
		return {}
	if meta.module == MODULE:
		as_json = {
			"name": doctype,
			"fields": ruled_fields(doctype, meta),
			"permissions": [perm.as_dict() for perm in meta.permissions],
		}
		return R.rules_for(as_json)
	from genset_service.setup.custom_fields import get_custom_fields

	fields = get_custom_fields().get(doctype)
	return R.custom_field_rules(doctype, fields) if fields else {}


@functools.cache
def shipped_fields(doctype: str) -> tuple[dict, ...]:
	"""The fields of an app DocType as its JSON file ships them, read once per process."""
	path = os.path.join(get_doc_path(MODULE, "DocType", doctype), frappe.scrub(doctype) + ".json")
	return tuple(frappe.get_file_json(path).get("fields", []))


def ruled_fields(doctype: str, meta) -> list[dict]:
	"""The fields as the app ships them, made stricter (never looser) by the site's customisation: a
	Property Setter that makes a field editable in Customize Form leaves it the app's own on the server;
	one that makes it Read Only makes it the app's own here too. Custom fields the site adds follow their
	own definition."""
	live = {df.fieldname: df for df in meta.fields}
	fields = []
	for df in shipped_fields(doctype):
		df = dict(df)
		if live.get(df.get("fieldname")) is not None and live[df["fieldname"]].read_only:
			df["read_only"] = 1
		fields.append(df)
	return fields + [df.as_dict() for df in meta.fields if df.get("is_custom_field")]


# ------------------------------------------------------------------ whose work a record is
def own_work(doc, ptype: str | None = None, user: str | None = None, debug=False) -> bool | None:
	"""A ``has_permission`` hook on the work records (rules.OWN_WORK): a user who is not a manager
	creates, changes, submits, cancels or deletes only a record that names him and whose task, when given
	to someone, is his. Reading is not restricted here; the app's own actions are not ruled."""
	field = R.OWN_WORK.get(doc.doctype)
	user = user or frappe.session.user
	if not field or (ptype or "read") not in R.WORK_ACTIONS or user == "Administrator" or acting_as_app():
		return None
	people = [doc.get(field)]
	if not doc.is_new():
		people.append(frappe.db.get_value(doc.doctype, doc.name, field))
	holder = frappe.db.get_value("Genset Service Task", doc.task, "assigned_to") if doc.get("task") else None
	if R.records_own_work(frappe.get_roles(user), user, people, holder):
		return None
	return False


# ------------------------------------------------------------------ values, compared as stored
def normal(fieldtype: str, value):
	"""A value as the database holds it, so that the form's strings equal the stored datetimes."""
	if fieldtype in R.TABLES:
		return tuple(_row(row) for row in value or ())
	if value in (None, ""):
		return 0 if fieldtype in INTEGERS | NUMBERS else None
	if fieldtype in DATETIMES:
		return get_datetime(value).replace(microsecond=0)
	if fieldtype in DATES:
		return getdate(value)
	if fieldtype in INTEGERS:
		return cint(value)
	if fieldtype in NUMBERS:
		return round(flt(value), 6)
	return cstr(value)


def _row(row) -> tuple:
	values = row.as_dict() if hasattr(row, "as_dict") else dict(row)
	return tuple(
		sorted((k, cstr(v)) for k, v in values.items() if k not in SYSTEM_COLUMNS and not k.startswith("_"))
	)


# ------------------------------------------------------------------ the check
def check(doc, method=None) -> None:
	"""The write rule for one save of a record (a hook on before_validate / before_update_after_submit)."""
	if acting_as_app():
		return
	rules = rules_of(doc.doctype)
	if not rules:
		return
	roles = set(frappe.get_roles())
	if doc.is_new():
		# a DocType no role may create (a log, a notice) is only ever inserted by the app itself
		if any(perm.create for perm in doc.meta.permissions):
			_reset_what_the_app_fills(doc, rules, roles)
		return
	before = doc.get_doc_before_save() or frappe.get_doc(doc.doctype, doc.name)
	changed = [
		rule
		for rule in rules.values()
		if normal(rule.fieldtype, before.get(rule.fieldname))
		!= normal(rule.fieldtype, doc.get(rule.fieldname))
	]
	changed_names = {rule.fieldname for rule in changed}
	for rule in changed:
		reason_given = bool(
			rule.reason and rule.reason in changed_names and cstr(doc.get(rule.reason)).strip()
		)
		outcome = R.decide(
			rule, roles, False, before.get(rule.fieldname), doc.get(rule.fieldname), reason_given
		)
		if outcome == R.REFUSED:
			frappe.throw(
				_("You may not change {0} of {1} {2}: {3}.").format(
					frappe.bold(_(rule.label)), _(doc.doctype), doc.name, why(rule)
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		if outcome == R.NEEDS_REASON:
			frappe.throw(
				_("A correction of {0} needs its reason: give {1} in the same save.").format(
					frappe.bold(_(rule.label)), frappe.bold(_(rules[rule.reason].label))
				),
				title=_("Reason Required"),
			)


def _reset_what_the_app_fills(doc, rules: dict, roles: set) -> None:
	"""A value given where the role may give none goes back to what Frappe gives a new record of the
	DocType when nobody gives one (its defaults, the server's now for "Now", the user for "__user").
	Frappe's new record is made only when some such value was given: most inserts give none."""
	fresh = None
	for rule in rules.values():
		value = doc.get(rule.fieldname)
		given = normal(rule.fieldtype, value)
		# nothing given: empty, or a number's 0 where the field has no default of its own
		if given in ((), None) or (not given and not doc.meta.get_field(rule.fieldname).default):
			continue
		if R.decide(rule, roles, True) != R.RESET:
			continue
		fresh = fresh or frappe.new_doc(doc.doctype, as_dict=True)
		if rule.fieldtype in R.TABLES:
			doc.set(rule.fieldname, [])
		elif normal(rule.fieldtype, value) != normal(rule.fieldtype, fresh.get(rule.fieldname)):
			doc.set(rule.fieldname, fresh.get(rule.fieldname))


def why(rule: R.FieldRule) -> str:
	if not rule.change:
		return _("only the app's own actions write it")
	return _("only {0} may").format(", ".join(_(role) for role in sorted(rule.change)))
