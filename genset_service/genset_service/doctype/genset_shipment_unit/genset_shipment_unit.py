# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt


from genset_service.access.guard import AppDocument


class GensetShipmentUnit(AppDocument):
	pass
