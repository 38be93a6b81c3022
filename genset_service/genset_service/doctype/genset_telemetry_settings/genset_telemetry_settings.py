# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from genset_service.access.guard import AppDocument
from genset_service.telemetry import model


class GensetTelemetrySettings(AppDocument):
	"""Where the MQTT bridges listen, how they batch, when a device is silent, how long each grain of
	readings is kept."""

	def validate(self):
		if not 1 <= cint(self.mqtt_port) <= 65535:
			frappe.throw(_("The broker's port must be from 1 to 65535."), title=_("Invalid Port"))
		if not 1 <= cint(self.batch_size) <= 5000:
			frappe.throw(_("A batch holds from 1 to 5,000 messages."), title=_("Invalid Batch Size"))
		for field in ("batch_wait_ms", "silence_minutes", "repeat_note_minutes", "hourly_days", "daily_days"):
			if cint(self.get(field)) < 0:
				frappe.throw(
					_("{0} cannot be negative.").format(_(self.meta.get_label(field))),
					title=_("Invalid Value"),
				)
		if cint(self.raw_days) < 1:
			frappe.throw(_("Raw readings are kept at least one day."), title=_("Invalid Value"))
		for shorter, longer in (("raw_days", "hourly_days"), ("hourly_days", "daily_days")):
			if cint(self.get(longer)) and cint(self.get(longer)) < cint(self.get(shorter)):
				frappe.throw(
					_(
						"{0} must be at least {1}: a rollup is made from the finer grain before it goes."
					).format(_(self.meta.get_label(longer)), _(self.meta.get_label(shorter))),
					title=_("Invalid Value"),
				)
		if (
			self.json_topic
			and model.topic_device(self.json_topic, self.json_topic.replace("+", "x", 1)) is None
		):
			frappe.throw(
				_("The JSON topic needs a + where the device id goes, e.g. {0}.").format(model.JSON_TOPIC),
				title=_("Invalid Topic"),
			)
		if self.shared_group and any(c in self.shared_group for c in "/+#"):
			frappe.throw(_("A shared group name cannot hold / + or #."), title=_("Invalid Group"))
