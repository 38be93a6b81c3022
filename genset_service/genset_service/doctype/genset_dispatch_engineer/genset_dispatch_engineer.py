# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class GensetDispatchEngineer(Document):
	pass
