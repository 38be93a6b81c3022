"""Delivery Note hooks: read the delivery, hand it to the planner (in the background when large)."""

from genset_service.access.guard import app_action
from genset_service.events.address import delivery_displays
from genset_service.scheduling.delivery import (
	cancel_delivery_note,
	gate_delivery_note,
	validate_delivery_note,
)
from genset_service.scheduling.large_delivery import cancel_queued_plan, plan_or_queue
from genset_service.scheduling.returns import restore_units, return_units


@app_action
def validate(doc, method=None):
	delivery_displays(doc)
	validate_delivery_note(doc)


@app_action
def before_submit(doc, method=None):
	gate_delivery_note(doc)


@app_action
def on_submit(doc, method=None):
	if doc.get("is_return"):
		return_units(doc)
	else:
		plan_or_queue(doc)


@app_action
def on_cancel(doc, method=None):
	if doc.get("is_return"):
		restore_units(doc)
		return
	cancel_queued_plan(doc)
	cancel_delivery_note(doc)
