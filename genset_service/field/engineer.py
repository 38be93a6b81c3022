"""Who is sending from a phone: the enabled engineer of the signed-in user."""

import frappe
from frappe import _

ENGINEER = "Genset Engineer"


def engineer_of(user: str) -> frappe._dict:
	row = frappe.db.get_value(ENGINEER, {"user": user, "enabled": 1}, ["name", "van_warehouse"], as_dict=True)
	if not row:
		raise frappe.PermissionError(_("Only an engineer's phone sends visits."))
	return row
