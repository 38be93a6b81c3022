"""Address hooks: a site's pin on the map must be a real place."""

import frappe
from frappe import _
from frappe.utils import flt

from genset_service.access.guard import app_action
from genset_service.planning.geo import PinError, check_pin

MESSAGES = {
	"latitude": "Latitude {0} is outside -90 to 90.",
	"longitude": "Longitude {0} is outside -180 to 180.",
}


@app_action
def validate(doc, method=None):
	"""No pin (both 0 or empty) is allowed; a pin must lie on the globe."""
	latitude, longitude = flt(doc.get("genset_latitude")), flt(doc.get("genset_longitude"))
	if not latitude and not longitude:
		return
	try:
		check_pin(latitude, longitude)
	except PinError as error:
		value = latitude if str(error) == "latitude" else longitude
		frappe.throw(_(MESSAGES[str(error)]).format(value), title=_("Invalid Pin"))
