# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument


class GensetFieldPhoto(AppDocument):
	"""A photo of a visit, uploaded by the engineer's phone before the visit itself (one request per
	photo, so that a visit of any size can be sent over a weak link and a break costs one photo, not the
	visit). Its key (upload id and place) is unique; written by ``field.photos``."""
