# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from genset_service.planning import TermsError, rule_from_record
from genset_service.scheduling.common import throw
from genset_service.scheduling.requests import sync_service_level_agreements


class GensetServiceType(Document):
	def validate(self):
		try:
			rule_from_record(self.as_dict()).validate()
		except TermsError as error:
			throw(error, title=self.service_name)

	def on_update(self):
		if self.anchor_event == "On Demand" and (self.response_sla_hours or 0) > 0:
			sync_service_level_agreements([self.name])
