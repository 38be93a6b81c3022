"""Tier 1: the logistics rules (genset_service/logistics/model.py) and the ETA in the planner."""

import ast
import datetime
import json
import pathlib

import pytest

from genset_service.logistics import model as M
from genset_service.planning import Terms, UnitEvents, milestones, rule_from_record

D = datetime.date
T = datetime.datetime
ROOT = pathlib.Path(__file__).resolve().parents[1]
RECORDS = ROOT / "genset_service/setup/records/genset_service_type.json"


def catalogue_rules():
	return [rule_from_record(record) for record in json.loads(RECORDS.read_text())]


def test_the_model_is_pure():
	tree = ast.parse((ROOT / "genset_service" / "logistics" / "model.py").read_text())
	imported = {
		alias.name.split(".")[0]
		for node in ast.walk(tree)
		if isinstance(node, ast.Import | ast.ImportFrom)
		for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
	}
	assert "frappe" not in imported and "genset_service" not in imported


def test_every_milestone_maps_onto_one_of_erpnext_shipments_tracking_statuses():
	for rule in M.MILESTONES.values():
		assert rule.tracking_status in ("In Progress", "Delivered", "Returned", "Lost")
		assert rule.status in (*M.Status.ALL, "")
	assert set(M.EXCEPTION_TRACKING.values()) <= {"Lost", "Returned"}
	# the default carrier map names only real milestones
	assert {m for _code, m in M.DEFAULT_CARRIER_MAP if m} <= set(M.MILESTONES)


def ev(milestone, day, hour=12, eta=None, unit="", reason=""):
	return M.Event(milestone, T(2026, 12, day, hour), new_eta=eta, unit=unit, reason=reason)


def test_state_follows_the_event_times_not_the_arrival_order():
	planned = D(2026, 12, 20)
	log = [
		ev(M.CUSTOMS_CLEARED, 18, eta=D(2026, 12, 24)),
		ev(M.DEPARTED, 2, eta=D(2026, 12, 20)),
		ev(M.CUSTOMS_HELD, 15, eta=D(2026, 12, 23), reason="documents"),
	]
	state = M.state_of(log, planned)
	assert state.status == M.Status.IN_TRANSIT
	assert state.eta == D(2026, 12, 24)
	assert state.last_event == M.CUSTOMS_CLEARED
	assert state.departed_on == T(2026, 12, 2, 12)
	# a late-arriving old event does not take back the newer estimate
	later = M.state_of([*log, ev(M.TRANSSHIPPED, 10, eta=D(2026, 12, 19))], planned)
	assert later.eta == D(2026, 12, 24) and later.last_event == M.CUSTOMS_CLEARED


def test_a_hold_an_exception_and_a_delivery():
	planned = D(2026, 12, 20)
	assert M.state_of([ev(M.CUSTOMS_HELD, 3)], planned).status == M.Status.HELD
	lost = M.state_of([ev(M.DEPARTED, 1), ev(M.EXCEPTION, 3, reason="Lost")], planned)
	assert (lost.status, lost.tracking_status) == (M.Status.EXCEPTION, "Lost")
	done = M.state_of([ev(M.DEPARTED, 1), ev(M.DELIVERED, 21)], planned)
	assert (done.status, done.tracking_status, done.delivered_on) == (
		M.Status.DELIVERED,
		"Delivered",
		T(2026, 12, 21, 12),
	)
	assert M.state_of([], planned) == M.State(M.Status.BOOKED, "", planned, "", None, None, None, frozenset())


def test_a_shipment_is_delivered_when_each_of_its_gensets_is_confirmed():
	planned = D(2026, 12, 20)
	one = M.state_of([ev(M.DEPARTED, 1), ev(M.DELIVERED, 21, unit="U1")], planned, ["U1", "U2"])
	assert one.status == M.Status.IN_TRANSIT and one.units_delivered == {"U1"}
	both = M.state_of(
		[ev(M.DEPARTED, 1), ev(M.DELIVERED, 21, unit="U1"), ev(M.DELIVERED, 22, unit="U2")],
		planned,
		["U1", "U2"],
	)
	assert both.status == M.Status.DELIVERED and both.delivered_on == T(2026, 12, 22, 12)


def test_days_late_and_when_an_eta_is_worth_telling():
	planned, today = D(2026, 12, 20), D(2026, 12, 10)
	assert M.days_late(D(2026, 12, 24), planned, None, today) == 4
	assert M.days_late(D(2026, 12, 18), planned, None, today) == 0
	assert M.days_late(D(2026, 12, 18), planned, None, D(2026, 12, 22)) == 2  # ETA passed
	assert M.days_late(None, planned, D(2026, 12, 23), today) == 3
	assert M.days_late(None, None, None, today) == 0
	assert not M.eta_moved_beyond(D(2026, 12, 20), D(2026, 12, 22), 2)
	assert M.eta_moved_beyond(D(2026, 12, 20), D(2026, 12, 23), 2)
	assert M.eta_moved_beyond(D(2026, 12, 20), D(2026, 12, 17), 2)


def test_keys_make_a_repeat_the_same_event():
	a = M.event_key("S1", M.DEPARTED, T(2026, 12, 1, 8, 0, 0, 500))
	assert a == M.event_key("S1", M.DEPARTED, T(2026, 12, 1, 8))
	assert a != M.event_key("S1", M.DEPARTED, T(2026, 12, 1, 9))
	assert a != M.event_key("S1", M.DELIVERED, T(2026, 12, 1, 8), unit="U1")
	assert M.carrier_event_key("acc", "e1") != M.carrier_event_key("other", "e1")
	assert M.tracking_key("acc", " mscu 123 ") == "acc:MSCU123"
	assert M.tracking_key(None, "x") is None and M.tracking_key("acc", "") is None
	assert M.lane_of("Shanghai", "Mombasa", "Sea") == "Shanghai -> Mombasa (Sea)"


def test_the_signature_is_checked_in_constant_time_and_must_be_fresh():
	body = b'{"events": []}'
	good = M.signature("s3cret", "1000", body)
	assert good.startswith("sha256=") and len(good) == 71
	assert M.check_signature("s3cret", "1000", body, good, 1100) is None
	assert M.check_signature("s3cret", "1000", body + b" ", good, 1100) == "bad_signature"
	assert M.check_signature("other", "1000", body, good, 1100) == "bad_signature"
	assert M.check_signature("s3cret", "1000", body, good, 1000 + 301) == "stale_timestamp"
	assert M.check_signature("s3cret", "1000", body, None, 1100) == "missing_signature"
	assert M.check_signature("s3cret", "soon", body, good, 1100) == "bad_timestamp"
	assert M.check_signature(None, "1000", body, good, 1100) == "no_secret"


def test_an_event_of_the_webhook_is_checked_for_its_shape():
	event = M.parse_event(
		{
			"id": "e-1",
			"tracking_number": "mscu 1234567",
			"status": "CustomsHold",
			"time": "2026-12-04T08:30:00Z",
			"eta": "2026-12-24",
			"location": "Mombasa",
		},
		to_local=lambda aware: aware.replace(tzinfo=None),
	)
	assert event.tracking_number == "MSCU1234567"
	assert event.time == T(2026, 12, 4, 8, 30) and event.new_eta == D(2026, 12, 24)
	for bad, reason in (
		({"tracking_number": "x", "status": "a", "time": "2026-12-04T08:30:00"}, "missing"),
		({"id": "1", "tracking_number": "x", "status": "a", "time": "yesterday"}, "bad_time"),
		({"id": "1", "tracking_number": "x", "status": "a", "time": "2026-12-04", "eta": "soon"}, "bad_date"),
		({"id": ["1"], "tracking_number": "x", "status": "a", "time": "2026-12-04"}, "not_text"),
		({"id": "1" * 200, "tracking_number": "x", "status": "a", "time": "2026-12-04"}, "too_long"),
		("not an object", "not_an_object"),
	):
		with pytest.raises(M.EventError) as raised:
			M.parse_event(bad)
		assert raised.value.reason == reason


def test_the_eta_moves_the_expected_arrival_and_what_hangs_on_it():
	rules = catalogue_rules()
	terms = Terms(warranty_months=12, inspection_interval_months=6, maintenance_interval_months=6)
	delivery = D(2026, 11, 1)
	usual = milestones(rules, terms, UnitEvents(delivery=delivery, transit_days=7))
	late = milestones(rules, terms, UnitEvents(delivery=delivery, transit_days=7, eta=D(2026, 12, 10)))
	assert usual.arrival == D(2026, 11, 8)
	assert late.arrival == D(2026, 12, 10)
	assert late.commissioning > usual.commissioning
	# an expected warranty only: the real start waits for commissioning
	assert late.warranty_basis in ("Expected Commissioning", "Fallback")
	# the real arrival wins; an ETA before delivery is taken as the delivery day
	real = milestones(
		rules,
		terms,
		UnitEvents(delivery=delivery, transit_days=7, eta=D(2026, 12, 10), arrival=D(2026, 11, 5)),
	)
	assert real.arrival == D(2026, 11, 5)
	early = milestones(rules, terms, UnitEvents(delivery=delivery, eta=D(2026, 10, 1)))
	assert early.arrival == delivery


def test_lane_figures_per_month():
	rows = [
		M.Delivered("A -> B (Sea)", T(2026, 10, 1), T(2026, 10, 21), D(2026, 10, 20)),
		M.Delivered("A -> B (Sea)", T(2026, 10, 5), T(2026, 10, 15), D(2026, 10, 20)),
		M.Delivered("A -> B (Sea)", None, T(2026, 11, 2), None),
		M.Delivered("C -> B (Road)", T(2026, 11, 1), T(2026, 11, 3, 12), D(2026, 11, 4)),
	]
	figures = {(f.lane, f.month): f for f in M.lane_months(rows)}
	october = figures[("A -> B (Sea)", "2026-10")]
	assert (october.shipments, october.on_time, october.on_time_percent) == (2, 1, 50.0)
	assert october.average_transit_days == 15.0
	assert figures[("A -> B (Sea)", "2026-11")].on_time_percent == 100.0
	assert figures[("C -> B (Road)", "2026-11")].average_transit_days == 2.5
