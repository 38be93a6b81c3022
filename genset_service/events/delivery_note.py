"""Delivery Note hooks: read the delivery, hand it to the planner."""

from genset_service.scheduling.delivery import (
	cancel_delivery_note,
	gate_delivery_note,
	plan_delivery_note,
	validate_delivery_note,
)


def validate(doc, method=None):
	validate_delivery_note(doc)


def before_submit(doc, method=None):
	gate_delivery_note(doc)


def on_submit(doc, method=None):
	plan_delivery_note(doc)


def on_cancel(doc, method=None):
	cancel_delivery_note(doc)
