# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument


class GensetFieldAction(AppDocument):
	"""One action of an engineer's phone, received once: its id (a unique key), the phone's time of
	the act and the server's receipt, a hash of its content, and what it made (or why it was kept as
	a draft). Written by ``field.sync``."""
