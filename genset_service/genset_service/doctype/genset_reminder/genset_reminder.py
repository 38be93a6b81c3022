# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument


class GensetReminder(AppDocument):
	"""One reminder per task, reason and due date (``reminder_key`` is unique): the daily job run twice,
	or by two workers, sends nothing twice; a rescheduled task has a new due date and is reminded
	again. Written by genset_service.scheduling.reminders."""
