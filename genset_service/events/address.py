"""Address hooks: a site's pin on the map must be a real place; a genset's site shows its address
as the country prints it, without the parts it lacks."""

import frappe
from frappe import _
from frappe.utils import flt

from genset_service.access.guard import app_action
from genset_service.planning.geo import PinError, check_pin
from genset_service.scheduling.address import NONE_WORD, site_display

MESSAGES = {
	"latitude": "Latitude {0} is outside -90 to 90.",
	"longitude": "Longitude {0} is outside -180 to 180.",
}
UNIT = "Genset Unit"
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
	if not doc.is_new() and frappe.db.exists(UNIT, {"site_address": doc.name}):
		frappe.db.set_value(
			UNIT,
			{"site_address": doc.name},
			"site_address_display",
			site_display(doc.as_dict()),
			update_modified=False,
		)


def delivery_displays(doc) -> None:
	"""A Delivery Note's customer and shipping address displays (what its gensets' sites are copied
	from), rendered again without the parts the addresses lack, when ERPNext printed one with "None"
	(a clean display, the usual case, costs the note nothing)."""
	for address_field, display_field in DISPLAYS:
		if doc.get(address_field) and NONE_WORD.search(doc.get(display_field) or ""):
			doc.set(display_field, site_display(doc.get(address_field)))
