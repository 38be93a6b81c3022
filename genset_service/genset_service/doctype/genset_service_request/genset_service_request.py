# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from genset_service.scheduling import requests


class GensetServiceRequest(Document):
	def validate(self):
		requests.validate(self)

	def after_insert(self):
		requests.after_insert(self)

	def on_update(self):
		requests.on_update(self)
