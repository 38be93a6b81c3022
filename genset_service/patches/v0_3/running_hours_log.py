"""Backfill the running-hours reading log from what existing sites recorded before it existed: the
readings of submitted inspections, service reports and return visits, and each unit's current reading,
so that reliability has history. Set-based; a second run adds nothing (each document's reading has a
unique key; a unit's current reading is skipped when the log holds that value already). A reading that
would make its meter run backwards (an old inconsistency) is left out and counted."""

from collections import defaultdict

import frappe
from frappe.utils import cint, flt, get_datetime, now_datetime

from genset_service.planning.readings import Reading, lifetime_hours

READING = "Genset Running Hours Reading"
SOURCES = (
	# doctype, source, time of the reading
	("Genset Inspection", "Inspection", "inspection_date"),
	("Genset Service Report", "Service Report", "end_time"),
	("Genset Return Visit", "Return Visit", "visit_date"),
)
FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"unit",
	"item_code",
	"customer",
	"reading_time",
	"hours",
	"meter_replaced",
	"lifetime_hours",
	"source",
	"reference_doctype",
	"reference_name",
	"recorded_by",
	"remarks",
	"reading_key",
)


def _at(value):
	"""A date-only reading at noon; a datetime as it is."""
	text = str(value)
	return get_datetime(text if len(text) > 10 else f"{text} 12:00:00")


def candidates() -> dict[str, list[dict]]:
	logged = set(frappe.get_all(READING, filters={"reading_key": ("is", "set")}, pluck="reading_key"))
	by_unit = defaultdict(list)
	for doctype, source, time_field in SOURCES:
		for row in frappe.get_all(
			doctype,
			filters={"docstatus": 1, "running_hours": (">", 0), "unit": ("is", "set")},
			fields=["name", "unit", "running_hours", time_field, "owner"],
		):
			key = f"{doctype}:{row.name}"
			if key not in logged and row.get(time_field):
				by_unit[row.unit].append(
					{
						"at": _at(row.get(time_field)),
						"hours": flt(row.running_hours),
						"source": source,
						"reference_doctype": doctype,
						"reference_name": row.name,
						"reading_key": key,
						"recorded_by": row.owner,
					}
				)
	logged_values = defaultdict(set)
	for unit, hours in frappe.get_all(READING, fields=["unit", "hours"], as_list=True):
		logged_values[unit].add(flt(hours))
	for unit in frappe.get_all(
		"Genset Unit",
		filters={"running_hours": (">", 0), "running_hours_date": ("is", "set")},
		fields=["name", "running_hours", "running_hours_date"],
	):
		hours = flt(unit.running_hours)
		if hours not in logged_values[unit.name] and hours not in {r["hours"] for r in by_unit[unit.name]}:
			by_unit[unit.name].append(
				{
					"at": _at(unit.running_hours_date),
					"hours": hours,
					"source": "Manual",
					"remarks": "The genset's reading when the reading log was introduced",
					"recorded_by": "Administrator",
				}
			)
	return by_unit


def execute():
	frappe.reload_doc("genset_service", "doctype", "genset_running_hours_reading")
	by_unit = candidates()
	if not by_unit:
		return
	units = {
		row.name: row
		for row in frappe.get_all(
			"Genset Unit", filters={"name": ("in", list(by_unit))}, fields=["name", "item_code", "customer"]
		)
	}
	existing = defaultdict(list)
	for row in frappe.get_all(
		READING,
		filters={"unit": ("in", list(by_unit))},
		fields=["name", "unit", "reading_time", "hours", "meter_replaced"],
	):
		existing[row.unit].append(
			Reading(get_datetime(row.reading_time), flt(row.hours), bool(cint(row.meter_replaced)), row.name)
		)
	now, values, skipped = now_datetime(), [], 0
	for unit, found in by_unit.items():
		if unit not in units:
			continue
		kept = list(existing[unit])
		for position, row in enumerate(sorted(found, key=lambda r: r["at"])):
			candidate = Reading(row["at"], row["hours"], False, f"new-{position}")
			before = [r for r in kept if r.at <= candidate.at]
			after = [r for r in kept if r.at > candidate.at]
			if (before and max(r.hours for r in before) > candidate.hours) or (
				after and min(r.hours for r in after) < candidate.hours
			):
				skipped += 1
				continue
			kept.append(candidate)
			row["name"] = frappe.generate_hash(length=10)
			row["id"] = candidate.name
		lifetimes = {reading.name: lifetime for reading, lifetime in lifetime_hours(kept)}
		for row in found:
			if "name" not in row:
				continue
			values.append(
				(
					row["name"],
					now,
					now,
					"Administrator",
					"Administrator",
					0,
					unit,
					units[unit].item_code,
					units[unit].customer,
					row["at"],
					row["hours"],
					0,
					lifetimes[row["id"]],
					row["source"],
					row.get("reference_doctype"),
					row.get("reference_name"),
					row.get("recorded_by"),
					row.get("remarks"),
					row.get("reading_key"),
				)
			)
	frappe.db.bulk_insert(READING, FIELDS, values, ignore_duplicates=True)
	unit = frappe.qb.DocType("Genset Unit")
	frappe.qb.update(unit).set(unit.lifetime_hours, unit.running_hours).where(
		(unit.lifetime_hours == 0) | unit.lifetime_hours.isnull()
	).run()
	if skipped:
		print(f"running-hours log: {skipped} old readings that ran backwards were left out")
