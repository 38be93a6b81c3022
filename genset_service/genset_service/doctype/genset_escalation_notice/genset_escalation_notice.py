# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument


class GensetEscalationNotice(AppDocument):
	"""One notice per service request, clock and level: the unique ``notice_key`` makes a second
	escalation run (another worker, a manual run) find the notice taken and notify nobody twice."""

	def before_insert(self):
		self.notice_key = notice_key(self.request, self.clock, self.level)


def notice_key(request: str, clock: str, level: str) -> str:
	return f"{request}:{clock}:{level}"
