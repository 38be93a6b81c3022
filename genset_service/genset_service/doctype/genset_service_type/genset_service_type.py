# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from genset_service.planning import TermsError, rule_from_record
from genset_service.scheduling.common import throw


class GensetServiceType(Document):
	def validate(self):
		try:
			rule_from_record(self.as_dict()).validate()
		except TermsError as error:
			throw(error, title=self.service_name)
