"""Which states each of the 18 services shows in the demo, read from the site: a planned service's
tasks by status, an on-demand service's requests by status and by the state of their clocks, the
extensions sold and the surveys answered. The demo's test compares it with ``spec.STATES``."""

import frappe

from genset_service.demo import spec as S

EXTENSION_OFFER = 16
SURVEY = 18


def service_numbers() -> dict[str, int]:
	return dict(
		frappe.get_all(
			"Genset Service Type",
			filters={"catalogue_no": (">", 0)},
			fields=["name", "catalogue_no"],
			as_list=True,
		)
	)


def states() -> dict[int, set[str]]:
	numbers = service_numbers()
	out: dict[int, set[str]] = {number: set() for number in numbers.values()}
	for service, status in frappe.get_all(
		"Genset Service Task",
		filters={"company": S.COMPANY},
		fields=["service_type", "status"],
		distinct=True,
		as_list=True,
	):
		if service in numbers:
			out[numbers[service]].add(status)
	for row in frappe.get_all(
		"Genset Service Request",
		filters={"company": S.COMPANY},
		fields=["service_type", "status", "escalation"],
	):
		if row.service_type in numbers:
			out[numbers[row.service_type]].add(row.status)
			if row.escalation:
				out[numbers[row.service_type]].add(row.escalation)
	if frappe.db.exists("Genset Warranty Extension", {"company": S.COMPANY, "status": "Applied"}):
		out[EXTENSION_OFFER].add("Applied")
	customers = [c.name for c in S.CUSTOMERS]
	if frappe.db.exists("Genset Satisfaction Survey", {"customer": ("in", customers), "status": "Answered"}):
		out[SURVEY].add("Answered")
	return out


def missing() -> dict[int, list[str]]:
	"""The states ``spec.STATES`` promises that the site does not show (empty: every one is there)."""
	found = states()
	return {
		number: sorted(set(wanted) - found.get(number, set()))
		for number, wanted in S.STATES.items()
		if set(wanted) - found.get(number, set())
	}
