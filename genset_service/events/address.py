"""Address hooks: a site's pin on the map must be a real place; a genset's site shows its address
as the country prints it, without the parts it lacks."""

import re

import frappe
from frappe import _
from frappe.contacts.doctype.address.address import render_address
from frappe.utils import flt

from genset_service.access.guard import app_action
from genset_service.planning.geo import PinError, check_pin

MESSAGES = {
	"latitude": "Latitude {0} is outside -90 to 90.",
	"longitude": "Longitude {0} is outside -180 to 180.",
}
UNIT = "Genset Unit"
LINE_BREAK = re.compile(r"<br\s*/?>|\n", re.IGNORECASE)
# what Jinja prints for an empty value, as a word of its own
NONE_WORD = re.compile(r"(?<![\w-])None(?![\w-])")
SPACES = re.compile(r"\s{2,}")
# a delivery's address fields and the display each is rendered into (ERPNext's selling controller)
DISPLAYS = (("customer_address", "address_display"), ("shipping_address_name", "shipping_address"))


@app_action
def validate(doc, method=None):
	"""No pin (both 0 or empty) is allowed; a pin must lie on the globe. The gensets at this address
	show it as saved now."""
	latitude, longitude = flt(doc.get("genset_latitude")), flt(doc.get("genset_longitude"))
	if latitude or longitude:
		try:
			check_pin(latitude, longitude)
		except PinError as error:
			value = latitude if str(error) == "latitude" else longitude
			frappe.throw(_(MESSAGES[str(error)]).format(value), title=_("Invalid Pin"))
	units = [] if doc.is_new() else frappe.get_all(UNIT, filters={"site_address": doc.name}, pluck="name")
	if units:
		frappe.db.set_value(
			UNIT,
			{"name": ("in", units)},
			"site_address_display",
			site_display(doc.as_dict()),
			update_modified=False,
		)


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


def delivery_displays(doc) -> None:
	"""A Delivery Note's customer and shipping address displays (what its gensets' sites are copied
	from), rendered without the parts the addresses lack."""
	for address_field, display_field in DISPLAYS:
		if doc.get(address_field):
			doc.set(display_field, site_display(doc.get(address_field)))
