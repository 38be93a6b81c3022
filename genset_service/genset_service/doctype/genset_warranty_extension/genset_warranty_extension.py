# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.scheduling import warranty


class GensetWarrantyExtension(AppDocument):
	def validate(self):
		warranty.validate(self)

	def on_submit(self):
		warranty.on_submit(self)

	def on_cancel(self):
		warranty.on_cancel(self)
