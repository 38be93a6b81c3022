"""The phone's outbox as the server reads it: ids, kinds, required content, a sane time of the act, and
a content hash that does not depend on the order of keys."""

import datetime

import pytest

from genset_service.field.outbox import REQUIRED, ActionError, digest, local, parse_time, read

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def action(**changes) -> dict:
	return {
		"id": "phone-0001-abcd",
		"kind": "return_visit",
		"at": "2026-11-30T13:55:00+02:00",
		"payload": {"task": "T-1", "usage": "Standby", "feedback": "Fine"},
		**changes,
	}


def reason(raw) -> str:
	with pytest.raises(ActionError) as caught:
		read(raw, NOW)
	return caught.value.reason


def test_a_good_action_is_read_with_its_offset():
	got = read(action(), NOW)
	assert (got.id, got.kind) == ("phone-0001-abcd", "return_visit")
	assert got.at.utcoffset() == datetime.timedelta(hours=2)
	assert local(got.at, datetime.UTC) == datetime.datetime(2026, 11, 30, 11, 55)


@pytest.mark.parametrize(
	"raw, why",
	[
		("not a dict", "not_an_action"),
		(action(id="short"), "bad_id"),
		(action(id="has spaces in it"), "bad_id"),
		(action(kind="teleport"), "unknown_kind"),
		(action(payload=[]), "no_payload"),
		(action(payload={"task": "T-1", "usage": "x"}), "missing"),
		(action(kind="training", payload={"task": "T-1", "topics": "x", "attendees": []}), "missing"),
		(action(at="yesterday"), "bad_time"),
		(action(at="2026-11-30T12:00:00"), "no_offset"),
		(action(at="2026-11-30T12:30:00+00:00"), "future"),
		(action(at="2026-10-01T12:00:00+00:00"), "too_old"),
	],
)
def test_bad_actions_are_refused_with_their_rule(raw, why):
	assert reason(raw) == why


def test_a_phone_clock_a_little_ahead_is_accepted():
	assert read(action(at="2026-11-30T12:09:00Z"), NOW).at == NOW + datetime.timedelta(minutes=9)


def test_the_hash_ignores_key_order_and_sees_content():
	one = digest("inspection", "t", {"a": 1, "b": [1, 2]})
	assert one == digest("inspection", "t", {"b": [1, 2], "a": 1})
	assert one != digest("inspection", "t", {"a": 1, "b": [2, 1]})
	assert one != digest("inspection", "t2", {"a": 1, "b": [1, 2]})


def test_every_kind_names_what_it_requires():
	assert set(REQUIRED) == {
		"check_in",
		"running_hours",
		"inspection",
		"service_report",
		"return_visit",
		"training",
	}
	assert all(REQUIRED[kind] for kind in REQUIRED)


def test_parse_time_takes_z_for_utc():
	assert parse_time("2026-11-30T12:00:00Z") == NOW


def test_the_action_log_knows_every_kind():
	import json
	import pathlib

	meta = json.loads(
		(
			pathlib.Path(__file__).parents[1]
			/ "genset_service/genset_service/doctype/genset_field_action/genset_field_action.json"
		).read_text()
	)
	kinds = next(f["options"] for f in meta["fields"] if f["fieldname"] == "kind").split("\n")
	assert set(kinds) == set(REQUIRED)
