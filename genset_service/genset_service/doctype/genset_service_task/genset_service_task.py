# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from genset_service.access.guard import AppDocument
from genset_service.planning import TaskStatus, task_status
from genset_service.scheduling.tasks import close_todos, reopen_todos


class GensetServiceTask(AppDocument):
	def validate(self):
		if self.due_from and self.due_to and getdate(self.due_to) < getdate(self.due_from):
			frappe.throw(
				_("{0} cannot be before {1}.").format(frappe.bold(_("Due By")), frappe.bold(_("Due From"))),
				title=_("Invalid Due Window"),
			)
		self.fill_from_unit()
		if self.status == TaskStatus.DONE:
			self.completed_on = self.completed_on or nowdate()
			self.completed_by = self.completed_by or frappe.session.user
		elif self.status in TaskStatus.OPEN:
			self.completed_on = self.completed_by = None
			self.status = task_status(getdate(self.due_from), getdate(self.due_to), getdate(nowdate()))
		if self.status == TaskStatus.CANCELLED:
			self.plan_key = None

	def fill_from_unit(self):
		if not self.unit:
			return
		unit = frappe.db.get_value(
			"Genset Unit",
			self.unit,
			["customer", "company", "contract", "item_code", "serial_no"],
			as_dict=True,
		)
		if not unit:
			return
		if self.customer and self.customer != unit.customer:
			frappe.throw(
				_("Genset Unit {0} belongs to customer {1}, not {2}.").format(
					self.unit, frappe.bold(unit.customer), frappe.bold(self.customer)
				),
				title=_("Wrong Customer"),
			)
		for field in ("customer", "company", "contract", "item_code", "serial_no"):
			# the unit's company, always: a new record is given the user's default company by Frappe
			if field == "company" or not self.get(field):
				self.set(field, unit[field])

	def on_update(self):
		if self.status in TaskStatus.CLOSED and self.has_value_changed("status"):
			close_todos([self.name], "Closed" if self.status == TaskStatus.DONE else "Cancelled")
		before = self.get_doc_before_save()
		if self.status in TaskStatus.OPEN and before and before.status == TaskStatus.DONE:
			reopen_todos([self.name])
		if (
			self.status == TaskStatus.DONE
			and self.has_value_changed("status")
			and not self.flags.event_recorded_by
		):
			record_event(self)


def record_event(task) -> None:
	"""Completing a service that proves a life event (arrival, commissioning) records it on the unit,
	which re-plans the unit. An event already recorded is kept."""
	if not task.unit:
		return
	event = frappe.db.get_value("Genset Service Type", task.service_type, "sets_event")
	field = {"Arrival": "arrival_date", "Commissioning": "commissioning_date"}.get(event)
	if not field:
		return
	unit = frappe.get_doc("Genset Unit", task.unit)
	if unit.get(field) or unit.status == "Cancelled":
		return
	unit.set(field, task.completed_on)
	unit.flags.ignore_permissions = True
	unit.save()
