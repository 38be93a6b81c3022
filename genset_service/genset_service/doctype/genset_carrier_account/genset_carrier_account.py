# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from urllib.parse import quote

import frappe
from frappe import _

from genset_service.access.guard import AppDocument
from genset_service.logistics.shipment import default_status_map

WEBHOOK = "/api/method/genset_service.api.logistics_v1.carrier_events?account="


class GensetCarrierAccount(AppDocument):
	"""A carrier (or a tracking platform) that reports its shipments' events to the app's webhook:
	its secret, its tracking page and what its status codes mean."""

	def validate(self):
		if self.is_new() and not self.status_map:
			self.set("status_map", default_status_map())
		seen = set()
		for row in self.status_map:
			code = (row.carrier_status or "").strip().lower()
			if code in seen:
				frappe.throw(
					_("Carrier status {0} is listed twice.").format(frappe.bold(row.carrier_status)),
					title=_("Invalid Status Map"),
				)
			seen.add(code)
		if self.tracking_url_template and "{tracking_number}" not in self.tracking_url_template:
			frappe.throw(
				_("The tracking URL template must contain {0}.").format("{tracking_number}"),
				title=_("Invalid Template"),
			)
		self.webhook_path = WEBHOOK + quote(self.name or self.carrier_name or "")
