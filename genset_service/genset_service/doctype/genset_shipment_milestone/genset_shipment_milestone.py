# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from genset_service.access.guard import AppDocument
from genset_service.logistics import model as M
from genset_service.logistics.common import MILESTONE, SHIPMENT, shipment_units
from genset_service.logistics.journey import check_event, follow


class GensetShipmentMilestone(AppDocument):
	"""One step of a shipment's journey, as it happened. A log entry: never edited (a wrong one is
	answered by a new one, or deleted by a System Manager). The v1 API and the carriers' webhook record
	them in bulk (logistics/journey.py); one made in the desk form is checked the same way here."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("A milestone is never edited: record a new one."), title=_("Not Allowed"))
		shipment = frappe.db.get_value(SHIPMENT, self.shipment, ["status", "customer"], as_dict=True)
		if not shipment:
			frappe.throw(_("Shipment {0} not found.").format(self.shipment), frappe.DoesNotExistError)
		self.event_time = get_datetime(self.event_time).replace(microsecond=0)
		units = {row.unit for row in shipment_units([self.shipment]).get(self.shipment, [])}
		check_event(self.shipment, shipment.status, units, self.unit, self.event_time)
		self.customer = shipment.customer
		self.recorded_by = frappe.session.user
		self.event_key = M.event_key(self.shipment, self.milestone, self.event_time, self.unit or "")
		# a clear answer for the usual repeat; the unique key still decides under a race
		recorded = frappe.db.exists(MILESTONE, {"event_key": self.event_key})
		if recorded:
			frappe.throw(
				_("This milestone is already recorded ({0}).").format(recorded),
				frappe.DuplicateEntryError,
				title=_("Already Recorded"),
			)

	def after_insert(self):
		follow([self.shipment], new_events={self.name})

	def after_delete(self):
		follow([self.shipment], new_events=set())
