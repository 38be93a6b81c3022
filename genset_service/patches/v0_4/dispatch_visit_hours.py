"""Dispatch plans only the services done at the genset's site: the installed service types get their
on-site hours and the emergency flag of the shipped defaults, where a site never set them."""

import json

import frappe

from genset_service.scheduling.common import SERVICE_TYPE, bulk_update
from genset_service.setup.install import RECORDS


def execute():
	shipped = {row["name"]: row for row in json.loads((RECORDS / "genset_service_type.json").read_text())}
	unset = frappe.get_all(
		SERVICE_TYPE,
		filters={"name": ("in", list(shipped)), "visit_hours": ("in", (0, None))},
		pluck="name",
	)
	bulk_update(
		SERVICE_TYPE,
		{
			name: {
				"visit_hours": shipped[name]["visit_hours"],
				"emergency_dispatch": shipped[name]["emergency_dispatch"],
			}
			for name in unset
			if shipped[name]["visit_hours"]
		},
	)
