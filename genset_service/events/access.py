"""Every save of any record: the app's write rule for its own records and custom fields (access/guard.py)."""

from genset_service.access import guard


def before_save(doc, method=None):
	guard.check(doc, method)
