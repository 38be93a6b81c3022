"""A device silent longer than the set time: its genset may be down with nobody to call. Silence is an
alarm of its own (``model.COMMUNICATION_LOST``): it opens one Remote Support check per silence, and the
device's next message notes its end on that request (``ingest.heard``)."""

import datetime

import frappe
from frappe.query_builder.functions import Coalesce
from frappe.utils import cint

from genset_service.access.guard import app_action
from genset_service.scheduling.common import bulk_update
from genset_service.telemetry import alarms, model
from genset_service.telemetry.common import DEVICE, DEVICE_FIELDS, Status, now, settings


@app_action
def watch(at: datetime.datetime | None = None) -> list[str]:
	"""Mark the enabled devices not heard from for longer than the set time silent and open their
	checks; returns their names. Every 10 minutes (hooks.py)."""
	minutes = cint(settings().silence_minutes)
	if minutes <= 0:
		return []
	at = at or now()
	device = frappe.qb.DocType(DEVICE)
	rows = (
		frappe.qb.from_(device)
		.select(*(device[f] for f in DEVICE_FIELDS), device.creation)
		.where(device.enabled == 1)
		.where(device.status.isin([Status.ONLINE, Status.NEVER_HEARD]))
		.where(
			Coalesce(device.last_seen, device.enabled_on, device.creation)
			< at - datetime.timedelta(minutes=minutes)
		)
		.orderby(device.name)
		.run(as_dict=True)
	)
	silent = [
		row
		for row in rows
		if model.is_silent(row.last_seen or row.enabled_on or row.get("creation"), at, minutes)
	]
	if not silent:
		return []
	bulk_update(
		DEVICE,
		{row.name: {"status": Status.SILENT, "silent_since": at} for row in silent},
		update_modified=False,
	)
	alarms.handle(
		[model.silence_event(row.name, True, at) for row in silent], {row.name: row for row in silent}, at
	)
	return [row.name for row in silent]
