"""`install-app` right after `bench get-app` syncs the app's DocTypes, with no `clear-cache` first.

A site that ran any command before the app joined the bench holds a module map in Redis without the
app; Frappe's installer syncs DocTypes from that map (``frappe.local.app_modules``), so it synced none of
them and ``after_install`` failed on "DocType Genset Service Settings not found". ``before_install``
rebuilds the map first. Here the stale map is put back exactly as such a site has it, and the
installer's own sync is asked which files it would import.
"""

from unittest.mock import patch

import frappe
import frappe.model.sync
from frappe.tests.utils import FrappeTestCase

from genset_service.setup.install import APP, before_install

SETTINGS_JSON = "genset_service_settings.json"


def files_the_installer_syncs() -> list[str]:
	imported = []
	with patch.object(frappe.model.sync, "import_file_by_path", lambda path, **_: imported.append(path)):
		frappe.model.sync.sync_for(APP)
	return imported


class TestInstallAfterGetApp(FrappeTestCase):
	def setUp(self):
		# the map of a site that ran a command before this app was in apps.txt
		stale = {app: modules for app, modules in frappe.local.app_modules.items() if app != APP}
		frappe.cache.set_value("app_modules", stale)
		frappe.local.app_modules = stale
		frappe.local.module_app = {m: app for app, modules in stale.items() for m in modules}

	def tearDown(self):
		frappe.cache.delete_value("app_modules")
		frappe.setup_module_map()

	def test_a_stale_module_map_would_sync_none_of_the_apps_doctypes(self):
		# the cause, as Frappe's installer meets it
		self.assertEqual(files_the_installer_syncs(), [])

	def test_before_install_rebuilds_the_map_so_every_doctype_is_synced(self):
		before_install()
		self.assertEqual(frappe.local.app_modules[APP], ["genset_service"])
		self.assertEqual(frappe.local.module_app["genset_service"], APP)
		self.assertIn(APP, frappe.cache.get_value("app_modules"))

		synced = files_the_installer_syncs()
		self.assertTrue(any(path.endswith(SETTINGS_JSON) for path in synced), synced[:5])
		on_disk = frappe.get_all("DocType", filters={"module": "Genset Service", "custom": 0}, pluck="name")
		synced_names = {path.rsplit("/", 1)[-1].removesuffix(".json") for path in synced}
		self.assertTrue({frappe.scrub(name) for name in on_disk} <= synced_names)

	def test_before_install_leaves_a_current_map_alone(self):
		before_install()
		rebuilt = frappe.cache.get_value("app_modules")
		with patch.object(frappe, "setup_module_map") as rebuild:
			before_install()
		rebuild.assert_not_called()
		self.assertEqual(frappe.cache.get_value("app_modules"), rebuilt)
