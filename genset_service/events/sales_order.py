"""Sales Order hooks: read the order, hand it to the planner."""

from genset_service.access.guard import app_action
from genset_service.scheduling import warranty
from genset_service.scheduling.order import (
	cancel_sales_order,
	follow_order_change,
	plan_sales_order,
	validate_sales_order,
)


@app_action
def validate(doc, method=None):
	validate_sales_order(doc)


@app_action
def on_submit(doc, method=None):
	plan_sales_order(doc)
	warranty.on_order_submit(doc)


@app_action
def on_update_after_submit(doc, method=None):
	follow_order_change(doc)


@app_action
def on_cancel(doc, method=None):
	cancel_sales_order(doc)
	warranty.on_order_cancel(doc)
