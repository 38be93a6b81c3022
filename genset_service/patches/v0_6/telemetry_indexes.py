"""The telemetry's indexes on a site that has the DocTypes already: the reading log's (unit,
reading_time), for the bulk read of each unit's latest reading, and the rollups' (period, period_start),
for the purge of what is past its keeping (a new site gets them from each DocType's on_doctype_update)."""

from genset_service.genset_service.doctype.genset_running_hours_reading.genset_running_hours_reading import (
	on_doctype_update as reading_log_indexes,
)
from genset_service.genset_service.doctype.genset_telemetry_rollup.genset_telemetry_rollup import (
	on_doctype_update as rollup_indexes,
)


def execute():
	reading_log_indexes()
	rollup_indexes()
