"""The reading log's (unit, reading_time) index, for the telemetry's bulk read of each unit's latest
reading (a new site gets it from the DocType's on_doctype_update)."""

from genset_service.genset_service.doctype.genset_running_hours_reading.genset_running_hours_reading import (
	on_doctype_update,
)


def execute():
	on_doctype_update()
