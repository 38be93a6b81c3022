"""Install, migrate and uninstall steps (wired in hooks.py)."""

import json
import pathlib

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from genset_service.scheduling.requests import ensure_priorities, retire_erpnext_agreements
from genset_service.setup.custom_fields import get_custom_fields

RECORDS = pathlib.Path(__file__).parent / "records"
# default records, installed once: a System Manager's later edits are never overwritten
RECORD_FILES = (
	"genset_service_type.json",
	"genset_service_agreement.json",
	"genset_inspection_template.json",
	"notification.json",
	"webhook.json",
)


APP = "genset_service"
# what Frappe caches of the bench's apps and their modules (frappe.cache_manager.global_cache_keys)
MODULE_MAP_KEYS = ("app_modules", "installed_app_modules", "module_app", "module_installed_app")


def before_install():
	"""See this app's modules, whatever was cached before it joined the bench.

	`install-app` syncs an app's DocTypes from `frappe.local.app_modules`, which `frappe.init` reads from
	the site's Redis cache. A site that ran any command before `bench get-app` added this app to
	apps.txt has that map cached without it; Frappe's installer clears Redis but keeps the map it already
	read, so none of the app's DocTypes would be synced and `after_install` would fail ("DocType Genset
	Service Settings not found"). Rebuilding the map here, before the sync, makes `clear-cache` needless.
	"""
	if APP not in (frappe.local.app_modules or {}):
		frappe.cache.delete_value(list(MODULE_MAP_KEYS))
		frappe.setup_module_map()


def after_install():
	setup()


def after_migrate():
	setup()


# the least-loaded assignee counts each candidate's open ToDos: this index answers that from the
# candidates' own rows, whatever the size of the ToDo table (no full scan as the site ages)
TODO_INDEX = "genset_allocated_to_status"


def setup():
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	frappe.db.add_index("ToDo", ["allocated_to", "status"], TODO_INDEX)
	apply_settings_defaults()
	ensure_priorities()
	install_default_records()
	retire_erpnext_agreements()


SETTINGS_DOCTYPES = ("Genset Service Settings", "Genset Telemetry Settings")


def apply_settings_defaults():
	"""Give every field of the app's settings its default where it was never set (a new field added
	to a Single gets no value on migrate)."""
	singles = frappe.qb.DocType("Singles")
	for doctype in SETTINGS_DOCTYPES:
		stored = {
			row[0]
			for row in frappe.qb.from_(singles).select(singles.field).where(singles.doctype == doctype).run()
		}
		for field in frappe.get_meta(doctype).fields:
			if field.default is not None and field.fieldname not in stored:
				frappe.db.set_single_value(doctype, field.fieldname, field.default)
		frappe.clear_document_cache(doctype, doctype)
	doctype = SETTINGS_DOCTYPES[0]
	# a Link default would be validated before the app's roles exist, so it is set here
	if not frappe.db.get_single_value(doctype, "escalation_role") and frappe.db.exists(
		"Role", "Service Manager"
	):
		frappe.db.set_single_value(doctype, "escalation_role", "Service Manager")


# the shipped default records already installed on this site, as "DocType/name": each is installed
# once, so that a System Manager's deletion (of the customer Notification, a webhook...) is respected
INSTALLED_KEY = "genset_service_installed_records"


def shipped_records() -> list[dict]:
	from genset_service.telemetry.common import default_rule_records

	records = []
	for filename in RECORD_FILES:
		records += json.loads((RECORDS / filename).read_text())
	# the alarm rules are the telemetry model's data (genset_service/telemetry/model.py)
	return records + default_rule_records()


def record_id(record: dict) -> str:
	return f"{record['doctype']}/{record['name']}"


def installed_records() -> set[str]:
	return set(json.loads(frappe.db.get_global(INSTALLED_KEY) or "[]"))


def mark_installed(ids) -> None:
	frappe.db.set_global(INSTALLED_KEY, json.dumps(sorted(installed_records() | set(ids))))


def install_default_records():
	"""Insert each shipped default record once: a record installed before (and since edited or
	deleted) is left as the site has it; a record a new version ships is installed on migrate."""
	done = installed_records()
	records = [record for record in shipped_records() if record_id(record) not in done]
	existing = {
		doctype: set(frappe.get_all(doctype, pluck="name")) for doctype in {r["doctype"] for r in records}
	}
	for record in records:
		if record["name"] in existing[record["doctype"]]:
			continue
		doc = frappe.get_doc(record)
		doc.flags.ignore_links = True  # records may name each other (on_rejection_service)
		doc.insert(ignore_permissions=True, ignore_if_duplicate=True)
	if records:
		mark_installed(record_id(record) for record in records)


def before_uninstall():
	"""Leave ERPNext as it was: remove the custom fields the app added, and their columns."""
	# records of other apps' DocTypes that point at this app's DocTypes
	app_doctypes = frappe.get_all("DocType", filters={"module": "Genset Service"}, pluck="name")
	for doctype, field in (
		("Service Level Agreement", "document_type"),
		("Notification", "document_type"),
		("Webhook", "webhook_doctype"),
	):
		for name in frappe.get_all(doctype, filters={field: ("in", app_doctypes)}, pluck="name"):
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)

	# DDL: the query builder has no ALTER TABLE; the index name is this app's constant
	frappe.db.sql_ddl(f"ALTER TABLE `tabToDo` DROP INDEX IF EXISTS `{TODO_INDEX}`")  # nosemgrep

	remove_custom_fields()


def remove_custom_fields(doctypes: list[str] | None = None) -> None:
	"""The custom fields the app added (of these DocTypes only, when given), and their columns."""
	from frappe.model import no_value_fields

	for doctype, fields in get_custom_fields().items():
		if doctypes and doctype not in doctypes:
			continue
		for field in fields:
			name = f"{doctype}-{field['fieldname']}"
			if frappe.db.exists("Custom Field", name):
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
			if field["fieldtype"] not in no_value_fields and frappe.db.has_column(
				doctype, field["fieldname"]
			):
				# DDL: the query builder has no ALTER TABLE; names come from this app's own field list
				ddl = f"ALTER TABLE `tab{doctype}` DROP COLUMN `{field['fieldname']}`"
				frappe.db.sql_ddl(ddl)  # nosemgrep
		frappe.clear_cache(doctype=doctype)
		frappe.cache.hdel("table_columns", f"tab{doctype}")  # Frappe's cached column list
