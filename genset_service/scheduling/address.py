"""A genset's site as its country's Address Template prints it, without the parts the address lacks."""

import re

import frappe
from frappe.contacts.doctype.address.address import render_address

LINE_BREAK = re.compile(r"<br\s*/?>|\n", re.IGNORECASE)
# what Jinja prints for an empty value, as a word of its own
NONE_WORD = re.compile(r"(?<![\w-])None(?![\w-])")
SPACES = re.compile(r"\s{2,}")


def site_display(address: str | dict | None) -> str | None:
	"""An address as its country's Address Template prints it, without the parts it lacks.

	The templates print an empty value as "None": Germany's ``{{ pincode }} {{ city | upper }}`` gives
	"None HAMBURG" for an address without a postcode. Every empty value is given as "" instead, and the
	lines left empty are dropped."""
	if not address:
		return None
	if not isinstance(address, dict):
		address = frappe.get_cached_doc("Address", address).as_dict()
	values = frappe._dict({key: "" if value is None else value for key, value in address.items()})
	return tidy_display(render_address(values, check_permissions=False))


def tidy_display(text: str | None, drop_none: bool = False) -> str | None:
	"""An address display line by line, without empty lines or dangling separators (``drop_none``: and
	without the "None" an older display was printed with)."""
	if not text:
		return text
	lines = []
	for line in LINE_BREAK.split(text):
		if drop_none:
			line = NONE_WORD.sub("", line)
		line = SPACES.sub(" ", line).strip(" \t\r,;")
		if line:
			lines.append(line)
	return "<br>\n".join(lines)
