"""Units delivered before this version show a site address printed with "None" for each part the
address lacks ("None HAMBURG" for a German address without a postcode): rendered again as the
Address now renders, in one read and one UPDATE."""

import frappe

from genset_service.scheduling.address import tidy_display
from genset_service.scheduling.common import bulk_update

UNIT = "Genset Unit"


def execute():
	units = frappe.get_all(
		UNIT,
		filters={"site_address_display": ("like", "%None%")},
		fields=["name", "site_address_display"],
	)
	bulk_update(
		UNIT,
		{
			unit.name: {"site_address_display": tidy_display(unit.site_address_display, drop_none=True)}
			for unit in units
		},
		update_modified=False,
	)
