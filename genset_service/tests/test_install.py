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


class TestDefaultRecordsInstalledOnce(FrappeTestCase):
	"""The shipped Notification and webhooks are installed once: a deletion survives `bench migrate`."""

	def setUp(self):
		from genset_service.setup.install import shipped_records

		self.notification = next(r for r in shipped_records() if r["doctype"] == "Notification")
		self.webhook = next(r for r in shipped_records() if r["doctype"] == "Webhook")

	def migrate(self):
		from genset_service.setup.install import after_migrate

		after_migrate()  # what `bench migrate` runs after syncing the app

	def test_a_deleted_notification_and_webhook_stay_deleted_after_migrate(self):
		self.assertTrue(frappe.db.exists("Notification", self.notification["name"]))
		frappe.delete_doc("Notification", self.notification["name"], ignore_permissions=True)
		frappe.delete_doc("Webhook", self.webhook["name"], ignore_permissions=True)
		self.migrate()
		self.assertFalse(frappe.db.exists("Notification", self.notification["name"]))
		self.assertFalse(frappe.db.exists("Webhook", self.webhook["name"]))

	def test_an_edited_record_keeps_its_edit(self):
		name = self.notification["name"]
		frappe.db.set_value("Notification", name, "subject", "Our own subject")
		self.migrate()
		self.assertEqual(frappe.db.get_value("Notification", name, "subject"), "Our own subject")

	def test_a_record_a_new_version_ships_is_installed_on_migrate(self):
		from genset_service.setup.install import INSTALLED_KEY, installed_records, record_id

		name = self.notification["name"]
		frappe.delete_doc("Notification", name, ignore_permissions=True)
		# as on a site upgraded to the version that first ships it: never installed there
		ids = installed_records() - {record_id(self.notification)}
		frappe.db.set_global(INSTALLED_KEY, frappe.as_json(sorted(ids)))
		self.migrate()
		self.assertTrue(frappe.db.exists("Notification", name))
		self.assertIn(record_id(self.notification), installed_records())

	def test_the_upgrade_patch_counts_every_shipped_record_as_installed(self):
		from genset_service.patches.v0_5.default_records_installed_once import execute
		from genset_service.setup.install import INSTALLED_KEY, installed_records, record_id, shipped_records

		frappe.db.set_global(INSTALLED_KEY, None)
		frappe.delete_doc("Notification", self.notification["name"], ignore_permissions=True)
		execute()
		self.assertEqual(installed_records(), {record_id(r) for r in shipped_records()})
		self.migrate()
		self.assertFalse(frappe.db.exists("Notification", self.notification["name"]))


class TestSiteAddressPatch(FrappeTestCase):
	def test_stored_none_parts_are_removed_from_the_units_site_address(self):
		from genset_service.patches.v0_5.site_addresses_without_none import execute
		from genset_service.tests.utils import make_delivered_unit, make_genset_item, set_gate

		frappe.db.savepoint("genset_patch")
		try:
			# the pre-shipment gate is proven in test_genset_inspection (a new site has it on)
			set_gate("Off")
			unit = make_delivered_unit(make_genset_item())
			frappe.db.set_value(
				"Genset Unit", unit.name, "site_address_display", "Hafenstr. 1<br>\nNone HAMBURG<br>\nGermany"
			)
			execute()
			self.assertEqual(
				frappe.db.get_value("Genset Unit", unit.name, "site_address_display"),
				"Hafenstr. 1<br>\nHAMBURG<br>\nGermany",
			)
		finally:
			frappe.db.rollback(save_point="genset_patch")
