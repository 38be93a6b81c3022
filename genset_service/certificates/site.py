"""What the certificates' print formats read on the site (registered as Jinja methods in hooks.py): the
load test's table of an inspection, an engineer's signature on file, limits in words."""

import frappe
from frappe import _lt

from genset_service.certificates.load_test import LoadTable, limit_text, load_table

ENGINEER = "Genset Engineer"
# the title an inspection's certificate carries, by its kind
TITLES = {
	"Pre-shipment": _lt("Factory Test Certificate"),
	"Commissioning": _lt("Commissioning Report"),
	"Arrival Acceptance": _lt("Arrival Acceptance Report"),
	"Regular": _lt("Inspection Report"),
	"Field": _lt("Field Diagnosis Report"),
}


def genset_load_table(doc) -> LoadTable | None:
	"""The load test of an inspection (its readings with a step and a quantity), or None."""
	return load_table(
		[row.as_dict() if hasattr(row, "as_dict") else row for row in doc.get("readings") or []]
	)


def genset_limits(low, high, unit: str = "") -> str:
	return limit_text(low, high, unit)


def genset_certificate_title(kind: str | None) -> str:
	"""The certificate's title, in the language it is printed in."""
	return str(TITLES.get(kind or "") or TITLES["Regular"])


def genset_signature_of(user: str | None) -> dict:
	"""An engineer's name and the signature on file on their Genset Engineer record (empty when none)."""
	if not user:
		return {"name": "", "signature": ""}
	row = frappe.db.get_value(ENGINEER, {"user": user}, ["full_name", "signature"], as_dict=True) or {}
	return {
		"name": row.get("full_name") or frappe.utils.get_fullname(user),
		"signature": row.get("signature") or "",
	}


def set_print_language(doc) -> None:
	"""A record printed for a customer prints in the customer's language (its Print Language), set when
	the customer is given or changes; staff may change it after (Frappe's user default is the user's)."""
	if doc.get("customer") and (doc.is_new() or doc.has_value_changed("customer")):
		language = frappe.db.get_value("Customer", doc.customer, "language")
		if language:
			doc.language = language
