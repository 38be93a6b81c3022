"""The satisfaction survey page behind the emailed link (/genset_survey?name=...&key=...)."""

import frappe
from frappe import _

no_cache = 1


def get_context(context):
	name = frappe.form_dict.get("name")
	key = frappe.form_dict.get("key")
	survey = (
		frappe.db.get_value(
			"Genset Satisfaction Survey",
			name,
			["name", "customer_name", "status", "access_key"],
			as_dict=True,
		)
		if name
		else None
	)
	if not survey or not key or key != survey.access_key:
		raise frappe.PermissionError(_("This survey link is not valid."))
	context.survey = survey
	context.key = key
	context.title = _("Service Satisfaction Survey")
	context.ratings = [
		("overall", _("Overall satisfaction")),
		("response_speed", _("Response speed")),
		("engineer_skill", _("Engineer skill")),
		("product_quality", _("Product quality")),
	]
	context.no_breadcrumbs = True
	return context
