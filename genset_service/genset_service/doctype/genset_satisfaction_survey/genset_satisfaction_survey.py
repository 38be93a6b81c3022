# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument


class GensetSatisfactionSurvey(AppDocument):
	def validate(self):
		self.survey_key = survey_key(self)


def survey_key(survey) -> str | None:
	"""One live survey per contract and round: a unique key, cleared when the survey is cancelled."""
	if survey.get("status") == "Cancelled" or not survey.get("contract"):
		return None
	return f"{survey.contract}:{survey.occurrence}"
