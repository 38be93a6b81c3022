# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.certificates.site import set_print_language
from genset_service.scheduling import report


class GensetServiceReport(AppDocument):
	def validate(self):
		report.validate(self)
		set_print_language(self)

	def before_submit(self):
		report.before_submit(self)

	def on_submit(self):
		report.on_submit(self)

	def on_cancel(self):
		report.on_cancel(self)
