# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.scheduling import inspection


class GensetInspection(AppDocument):
	def validate(self):
		inspection.validate(self)

	def before_submit(self):
		inspection.before_submit(self)

	def on_submit(self):
		inspection.on_submit(self)

	def on_cancel(self):
		inspection.on_cancel(self)
