"""Item hooks: a generator set must carry valid after-sales terms."""

from frappe import _

from genset_service.access.guard import app_action
from genset_service.planning import TermsError, resolve_terms
from genset_service.scheduling.common import item_terms, throw


@app_action
def validate(doc, method=None):
	if not doc.get("is_genset"):
		return
	try:
		resolve_terms(item_terms(doc), {})
	except TermsError as error:
		throw(error, _("Item {0}").format(doc.name))
