"""The phone's outbox as the server reads it: ids, kinds, required content, a sane time of the act, and
a content hash that does not depend on the order of keys."""

import datetime

import pytest

from genset_service.field.outbox import REQUIRED, ActionError, digest, local, parse_time, photo_ref, read

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)


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
	assert local(got.at, datetime.timezone.utc) == datetime.datetime(2026, 11, 30, 11, 55)


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
	assert read(action(at="2026-11-30T12:04:00Z"), NOW).at == NOW + datetime.timedelta(minutes=4)


HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize("phone_off_by", [2 * HOUR, -2 * HOUR, datetime.timedelta(seconds=37)])
def test_a_phone_clock_that_is_off_is_corrected_by_what_it_read_when_it_sent(phone_off_by):
	# the engineer arrived at 10:00 (server's time) and the phone sent at 11:30 (server's time)
	arrived, sent = NOW - 2 * HOUR, NOW - 30 * datetime.timedelta(minutes=1)
	raw = action(at=(arrived + phone_off_by).isoformat(), sent_at=(sent + phone_off_by).isoformat())
	got = read(raw, sent)
	assert got.at == arrived
	assert got.phone_at == arrived + phone_off_by
	assert got.correction == -phone_off_by
	# a replay sends another sent_at: the same action, by its hash
	again = read({**raw, "sent_at": (NOW + phone_off_by).isoformat()}, NOW)
	assert (again.digest, again.at) == (got.digest, arrived)


def test_a_few_seconds_of_transit_are_not_a_clock_to_correct():
	sent = NOW - datetime.timedelta(seconds=3)  # the phone's clock is right; the network took 3 s
	got = read(action(at="2026-11-30T13:55:00+02:00", sent_at=sent.isoformat()), NOW)
	assert got.correction == datetime.timedelta(0)
	assert got.at == got.phone_at


def test_a_correction_over_the_largest_is_refused():
	raw = action(at="2026-11-29T10:00:00Z", sent_at="2026-11-29T10:00:00Z")  # 26 h behind the server
	with pytest.raises(ActionError) as caught:
		read(raw, NOW)
	assert caught.value.reason == "skewed"
	assert read(raw, NOW, largest_correction=datetime.timedelta(hours=30)).at == NOW


def test_an_act_after_its_own_sending_is_refused():
	assert reason(action(at="2026-11-30T11:50:00Z", sent_at="2026-11-30T11:40:00Z")) == "after_sending"


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


def test_a_photo_sent_on_its_own_is_referred_to_by_upload_id_and_place():
	assert photo_ref({"upload": "phone-0001-abcd", "slot": "3"}) == ("phone-0001-abcd", "3")
	assert photo_ref({"upload": "phone-0001-abcd", "slot": 0}) == ("phone-0001-abcd", "0")
	# a photo in the visit itself (older phones) or none: not a reference
	assert photo_ref("data:image/jpeg;base64,/9j/") is None
	assert photo_ref(None) is None
	for bad in ({"upload": "short", "slot": "1"}, {"upload": "phone-0001-abcd", "slot": "x"}, {"slot": "1"}):
		with pytest.raises(ActionError) as error:
			photo_ref(bad)
		assert error.value.reason == "bad_photo_ref"


def test_the_field_app_keeps_no_background_sync_that_sends_nothing():
	"""The service worker no longer pretends to send with the app closed (README: the open app sends)."""
	import pathlib

	app = pathlib.Path(__file__).resolve().parents[1] / "genset_service" / "field" / "app"
	assert "sync" not in (app / "sw.js").read_text().replace("async", "")
	assert "SyncManager" not in (app / "app.js").read_text()
