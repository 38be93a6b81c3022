# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.logistics import shipment
from genset_service.logistics.common import timeline


class GensetShipment(AppDocument):
	"""The journey of gensets from the factory gate to the customer's site: ERPNext's Shipment as the
	header, the mode, legs, containers and milestones here (genset_service/logistics)."""

	def validate(self):
		shipment.validate(self)

	def on_update(self):
		shipment.on_update(self)

	def on_trash(self):
		shipment.before_delete(self)

	def onload(self):
		if not self.is_new():
			self.set_onload("timeline", timeline(self.name))
