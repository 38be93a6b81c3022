# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.scheduling import requests


class GensetServiceRequest(AppDocument):
	def validate(self):
		requests.validate(self)

	def after_insert(self):
		requests.after_insert(self)

	def on_update(self):
		requests.on_update(self)
