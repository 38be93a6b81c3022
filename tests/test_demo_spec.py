"""Tier 1: the demo as data (genset_service/demo/spec.py): every service has its states, every order names
a customer and a model the demo has, the engineers' skills are catalogue services."""

import ast
import json
import pathlib

from genset_service.demo import spec as S

ROOT = pathlib.Path(__file__).resolve().parents[1]
CATALOGUE = json.loads(
	(ROOT / "genset_service" / "setup" / "records" / "genset_service_type.json").read_text()
)


def test_the_spec_is_pure():
	tree = ast.parse((ROOT / "genset_service" / "demo" / "spec.py").read_text())
	imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
	imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
	assert not any(name.split(".")[0] == "frappe" for name in imported)


def test_each_of_the_18_services_has_its_states():
	assert sorted(S.STATES) == list(range(1, 19))
	assert all(S.STATES[number] for number in S.STATES)


def test_the_orders_name_the_demo_s_customers_and_models():
	customers, models = {c.key for c in S.CUSTOMERS}, {m.code for m in S.MODELS}
	assert len({c.city for c in S.CUSTOMERS}) == 3
	assert len({m.kva for m in S.MODELS}) == 3
	for order in S.ORDERS:
		assert order.customer in customers and order.model in models, order.key
		assert order.delivered is None or order.delivered <= order.ordered, order.key
		if order.commissioning_after is not None:
			assert (
				order.arrival_after is not None and order.commissioning_after >= order.arrival_after
			), order.key
	assert any(order.delivered is None for order in S.ORDERS)  # a pre-shipment inspection due
	assert sum(1 for order in S.ORDERS if order.shipped) == 2


def test_the_engineers_skills_and_the_requests_services_are_catalogue_services():
	services = {record["name"] for record in CATALOGUE}
	on_demand = {record["name"] for record in CATALOGUE if record.get("anchor_event") == "On Demand"}
	for engineer in S.ENGINEERS:
		assert set(engineer.skills) <= services, engineer.key
	orders = {order.key: order for order in S.ORDERS}
	for request in S.REQUESTS:
		assert request.service in on_demand, request.key
		assert orders[request.order].commissioning_after is not None, request.key  # a genset in use
