"""Default records are installed once from now on. Until this version every migrate re-inserted the
shipped records that were missing, so on a site that has run the app before, a shipped record that is
absent now was deleted by someone since the last migrate: every shipped record counts as installed, and
that deletion is kept."""

from genset_service.setup.install import mark_installed, record_id, shipped_records


def execute():
	mark_installed(record_id(record) for record in shipped_records())
