# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import re

import frappe
from frappe import _

from genset_service.access.guard import AppDocument
from genset_service.scheduling.common import live_unit
from genset_service.telemetry.common import Status, now

# an MQTT topic level: no separators or wildcards, no spaces or control characters
DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,139}")


class GensetDevice(AppDocument):
	"""A genset's controller or gateway that reports its readings and alarms (over MQTT or HTTP). It
	writes its own unit's readings only; its HTTP token is kept as a hash (New Token shows it once)."""

	def validate(self):
		self.device_id = (self.device_id or "").strip()
		if not DEVICE_ID.fullmatch(self.device_id):
			frappe.throw(
				_(
					"Device ID {0} must start with a letter or digit and hold only letters, digits and . _ : - (it is a level of an MQTT topic)."
				).format(frappe.bold(self.device_id)),
				title=_("Invalid Device ID"),
			)
		if self.is_new() or self.has_value_changed("unit"):
			live_unit(self.unit, [])
		before = self.get_doc_before_save()
		if not self.enabled:
			self.status = Status.DISABLED
		elif self.is_new() or (before and not before.enabled):
			# silence is counted from the moment it is (again) expected to speak
			self.enabled_on = now()
			self.status = Status.NEVER_HEARD if not self.last_seen else Status.ONLINE
			self.silent_since = None


def on_doctype_update():
	frappe.db.add_index("Genset Device", ["status", "enabled"])
