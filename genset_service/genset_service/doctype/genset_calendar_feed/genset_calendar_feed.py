# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from genset_service.access.guard import AppDocument


class GensetCalendarFeed(AppDocument):
	"""A user's private calendar feed (iCalendar). Its link holds a secret token kept here only as a
	hash; every field is the app's (made, replaced and revoked through ``api/calendar_v1.py``)."""
