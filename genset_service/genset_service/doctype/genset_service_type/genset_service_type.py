# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument
from genset_service.planning import TermsError, rule_from_record
from genset_service.scheduling.common import throw


class GensetServiceType(AppDocument):
	def validate(self):
		try:
			rule_from_record(self.as_dict()).validate()
		except TermsError as error:
			throw(error, title=self.service_name)
