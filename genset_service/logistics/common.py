"""The logistics DocTypes' names and the one read every logistics module shares."""

from collections import defaultdict

import frappe

SHIPMENT = "Genset Shipment"
SHIPMENT_UNIT = "Genset Shipment Unit"
MILESTONE = "Genset Shipment Milestone"
ACCOUNT = "Genset Carrier Account"
HEADER = "Shipment"  # ERPNext's


def shipment_units(shipments: list[str]) -> dict[str, list[frappe._dict]]:
	"""The gensets of each shipment (one query)."""
	rows = frappe.get_all(
		SHIPMENT_UNIT,
		filters={"parent": ("in", shipments), "parenttype": SHIPMENT},
		fields=["name", "parent", "unit", "arrival_date"],
		order_by="idx asc",
	)
	out = defaultdict(list)
	for row in rows:
		out[row.parent].append(row)
	return out


def timeline(shipment: str) -> list[dict]:
	"""The milestones of a shipment, in the order things happened."""
	return frappe.get_all(
		MILESTONE,
		filters={"shipment": shipment},
		fields=["milestone", "event_time", "place", "new_eta", "reason", "source", "unit"],
		order_by="event_time asc, creation asc",
	)
