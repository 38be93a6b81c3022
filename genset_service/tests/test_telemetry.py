"""The genset reporting itself, over HTTP (the MQTT bridge feeds the same path: test_telemetry_mqtt):
batches late, duplicated and out of order; bad entries refused and good ones kept; running hours into
the log and the plan; alarms into assigned requests under their clocks, once per fault; silence; the
rollups and what is kept; who may read what."""

import datetime

import frappe
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime

from genset_service.api import telemetry_v1 as api
from genset_service.scheduling.common import TASK, UNIT
from genset_service.telemetry import rollup, silence
from genset_service.telemetry.common import DEVICE, EVENT, READING, ROLLUP, SETTINGS, Status
from genset_service.telemetry.ingest import known_devices, read_json, store
from genset_service.tests.telemetry_utils import entry, make_device, post
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_portal_user,
)

test_ignore = TEST_IGNORE
REQUEST = "Genset Service Request"
LOG = "Genset Running Hours Reading"


def set_settings(**values):
	doc = frappe.get_single(SETTINGS)
	doc.update(values)
	doc.save(ignore_permissions=True)


class TelemetryCase(GensetTestCase):
	def setUp(self):
		super().setUp()
		set_settings(silence_minutes=60, repeat_note_minutes=60, raw_days=30, hourly_days=90, daily_days=3650)
		self.now = now_datetime().replace(second=0, microsecond=0)
		self.unit = make_delivered_unit(self.genset, commissioned=add_days(self.today, -20))
		self.device, self.token = make_device(self.unit.name, "T-DSE-1")

	def send(self, *entries, device=None, token=None):
		status, answer = post(device or self.device, token or self.token, {"readings": list(entries)})
		self.assertEqual(status, 200, answer)
		return answer

	def ago(self, **delta):
		return self.now - datetime.timedelta(**delta)

	def readings(self, metric=None):
		filters = {"device": self.device, **({"metric": metric} if metric else {})}
		return frappe.get_all(
			READING,
			filters=filters,
			fields=["metric", "reading_time", "value"],
			order_by="reading_time, metric",
		)


class TestIngest(TelemetryCase):
	def test_late_duplicated_and_out_of_order_batches_are_kept_once(self):
		batch = [
			entry(self.ago(minutes=10), load_kw=42.5, fuel_level_percent=60),
			entry(self.ago(minutes=30), load_kw=40),
			entry(self.ago(minutes=20), load_kw=41, battery_voltage=27.1),
		]
		answer = self.send(*batch)
		self.assertEqual((answer["stored"], answer["duplicates"], answer["refused"]), (5, 0, []))
		# the same batch again (the device did not hear the answer), then a late one overlapping it
		self.assertEqual((self.send(*batch)["stored"], self.send(*batch)["duplicates"]), (0, 5))
		late = self.send(entry(self.ago(minutes=40), load_kw=38), entry(self.ago(minutes=30), load_kw=40))
		self.assertEqual((late["stored"], late["duplicates"]), (1, 1))
		self.assertEqual(
			[(r.reading_time, r.value) for r in self.readings("load_kw")],
			[
				(self.ago(minutes=40), 38),
				(self.ago(minutes=30), 40),
				(self.ago(minutes=20), 41),
				(self.ago(minutes=10), 42.5),
			],
		)
		self.assertEqual(
			frappe.get_value(DEVICE, self.device, ["status", "last_seen"], as_dict=True).status, Status.ONLINE
		)

	def test_each_bad_entry_is_refused_with_its_reason_and_the_good_ones_are_kept(self):
		other_unit = make_delivered_unit(self.genset)
		other, _token = make_device(other_unit.name, "T-DSE-OTHER")
		answer = self.send(
			entry(self.ago(minutes=5), load_kw=10, exhaust_colour=3),
			entry(self.ago(minutes=4), fuel_level_percent="full", battery_voltage=99),
			entry(self.now + datetime.timedelta(days=1), load_kw=11),
			entry(get_datetime(self.unit.delivery_date) - datetime.timedelta(days=2), load_kw=12),
			{"device": other, **entry(self.ago(minutes=3), load_kw=13)},
			{"metrics": {"load_kw": 14}},
		)
		self.assertEqual(answer["stored"], 1)
		self.assertEqual(
			[(r["entry"], r["reason"], r["field"]) for r in answer["refused"]],
			[
				(0, "unknown_metric", "exhaust_colour"),
				(1, "not_a_number", "fuel_level_percent"),
				(1, "out_of_range", "battery_voltage"),
				(2, "time_in_future", "time"),
				(3, "before_delivery", "time"),
				(4, "unknown_device", "device"),
				(5, "missing_time", "time"),
			],
		)
		self.assertTrue(all(r["message"] for r in answer["refused"]))
		self.assertEqual([(r.metric, r.value) for r in self.readings()], [("load_kw", 10)])
		# a device writes only its own unit: nothing reached the other genset
		self.assertFalse(frappe.db.exists(READING, {"unit": other_unit.name}))
		self.assertIn("unknown_metric", frappe.db.get_value(DEVICE, self.device, "last_refusal"))

	def test_a_gateway_reports_for_its_own_controllers_only(self):
		second = make_delivered_unit(self.genset)
		frappe.db.set_value(DEVICE, self.device, "gateway_serial", "GW-890-1")
		sibling, _token = make_device(second.name, "T-DSE-2", gateway="GW-890-1")
		answer = self.send(
			{"device": sibling, **entry(self.ago(minutes=2), load_kw=55)},
			entry(self.ago(minutes=2), load_kw=20),
		)
		self.assertEqual((answer["stored"], answer["refused"]), (2, []))
		self.assertEqual(
			frappe.db.get_value(READING, {"device": sibling}, ["unit", "value"]), (second.name, 55)
		)

	def test_strangers_oversized_and_unreadable_messages_get_a_4xx_and_write_nothing(self):
		good = {"readings": [entry(self.ago(minutes=1), load_kw=5)]}
		self.assertEqual(post(self.device, "gst_wrong", good)[0], 401)
		self.assertEqual(post("T-NOBODY", self.token, good)[0], 401)
		self.assertEqual(post(self.device, None, good)[0], 401)
		self.assertEqual(post(self.device, self.token, good, content_length=300_000)[0], 413)
		self.assertEqual(post(self.device, self.token, b"{not json")[0], 417)
		self.assertEqual(post(self.device, self.token, b"[1, 2]")[0], 417)
		status, answer = post(
			self.device, self.token, {"readings": [entry(self.ago(minutes=1), load_kw="x")]}
		)
		self.assertEqual((status, answer["refused"][0]["reason"]), (417, "not_a_number"))
		frappe.db.set_value(DEVICE, self.device, "enabled", 0)
		self.assertEqual(post(self.device, self.token, good)[0], 401)
		self.assertEqual(self.readings(), [])
		# a new token makes the old one fail
		frappe.db.set_value(DEVICE, self.device, "enabled", 1)
		fresh = api.new_device_token(self.device)["token"]
		self.assertEqual(post(self.device, self.token, good)[0], 401)
		self.assertEqual(post(self.device, fresh, good)[0], 200)


class TestRunningHours(TelemetryCase):
	def maintenance_due(self):
		return frappe.db.get_value(
			TASK, {"unit": self.unit.name, "due_hours": 250, "status": ("!=", "Cancelled")}, "due_from"
		)

	def test_hours_enter_the_log_once_an_hour_and_move_hours_based_maintenance(self):
		before = getdate(self.maintenance_due())
		self.assertGreater((before - self.today).days, 100)  # six months on, by the calendar
		start = self.ago(hours=3).replace(minute=0)
		# three hours of a reading every 10 minutes: 200 h at 10 h a day
		minutes = [
			entry(start + datetime.timedelta(minutes=10 * i), running_hours=200 + i / 6) for i in range(18)
		]
		self.send(*minutes)
		log = frappe.get_all(
			LOG,
			filters={"unit": self.unit.name},
			fields=["hours", "reading_time", "source"],
			order_by="reading_time",
		)
		self.assertEqual(len(log), 3)
		self.assertEqual({row.source for row in log}, {"Telemetry"})
		self.assertEqual(
			[row.reading_time.hour for row in log], [start.hour, (start.hour + 1) % 24, (start.hour + 2) % 24]
		)
		unit = frappe.db.get_value(
			UNIT, self.unit.name, ["running_hours", "running_hours_date"], as_dict=True
		)
		self.assertAlmostEqual(unit.running_hours, 200 + 12 / 6, places=3)
		# 250 h at 10 h a day: about five days from the last reading, no longer six months
		after = getdate(self.maintenance_due())
		self.assertLess((after - self.today).days, 10)
		self.assertLess(after, before)

	def test_a_meter_going_backwards_or_faster_than_the_clock_is_flagged_not_applied(self):
		# in three different clock hours (a genset's flags are kept one an hour)
		hour = self.now.replace(minute=0) - datetime.timedelta(hours=3)
		self.send(entry(hour, running_hours=500))
		self.send(
			entry(hour + datetime.timedelta(hours=1, minutes=10), running_hours=480),  # backwards
			entry(hour + datetime.timedelta(hours=2, minutes=10), running_hours=560),  # 60 h in 130 minutes
		)
		self.assertEqual(frappe.db.get_value(UNIT, self.unit.name, "running_hours"), 500)
		flags = frappe.get_all(
			EVENT,
			filters={"unit": self.unit.name, "event_type": "Hours Flagged"},
			fields=["code", "value", "action"],
			order_by="event_time",
		)
		self.assertEqual(
			[(f.code, f.value, f.action) for f in flags],
			[("FLAG_BACKWARDS", 480, "Flagged"), ("FLAG_JUMP", 560, "Flagged")],
		)
		# the raw readings are kept as sent
		self.assertEqual(len(self.readings("running_hours")), 3)


class TestAlarms(TelemetryCase):
	def alarm(self, at, code, state="active", **extra):
		return {"time": at.isoformat(), "alarms": [{"code": code, "state": state, **extra}]}

	def requests(self):
		return frappe.get_all(
			REQUEST,
			filters={"unit": self.unit.name},
			fields=[
				"name",
				"service_type",
				"priority",
				"channel",
				"urgent",
				"status",
				"task",
				"on_site_by",
				"on_site_state",
				"telemetry_key",
			],
			order_by="creation",
		)

	def comments(self, request):
		return frappe.get_all(
			"Comment",
			filters={"reference_doctype": REQUEST, "reference_name": request, "comment_type": "Info"},
			pluck="content",
			order_by="creation",
		)

	def test_an_alarm_opens_an_assigned_request_with_its_on_site_clock_running(self):
		self.send(self.alarm(self.ago(minutes=1), "Low Oil Pressure", name="Low Oil Pressure"))
		(request,) = self.requests()
		self.assertEqual(
			(request.service_type, request.priority, request.channel, request.urgent, request.status),
			("Emergency Rescue", "High", "Telemetry", 1, "Open"),
		)
		self.assertEqual(request.on_site_state, "Running")
		self.assertLessEqual(get_datetime(request.on_site_by), add_to_date(self.now, hours=5))
		assignee = frappe.db.get_value(TASK, request.task, "assigned_to")
		self.assertTrue(assignee)
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_type": TASK,
					"reference_name": request.task,
					"allocated_to": assignee,
					"status": "Open",
				},
			)
		)
		event = frappe.get_all(
			EVENT,
			filters={"unit": self.unit.name},
			fields=["event_type", "code", "severity", "action", "request"],
		)
		self.assertEqual(
			[(e.event_type, e.code, e.severity, e.action, e.request) for e in event],
			[("Alarm", "LOW_OIL_PRESSURE", "Critical", "Opened a Request", request.name)],
		)

	def test_a_flapping_alarm_opens_one_request_and_a_sibling_alarm_joins_it(self):
		t = self.ago(minutes=30)
		self.send(self.alarm(t, "LOW_OIL_PRESSURE"))
		self.send(
			self.alarm(t + datetime.timedelta(minutes=5), "LOW_OIL_PRESSURE", "cleared"),
			self.alarm(t + datetime.timedelta(minutes=10), "LOW_OIL_PRESSURE"),
			self.alarm(t + datetime.timedelta(minutes=12), "LOW_OIL_PRESSURE"),
			self.alarm(t + datetime.timedelta(minutes=13), "HIGH_COOLANT_TEMPERATURE"),
		)
		# the whole batch again: nothing new
		self.send(self.alarm(t + datetime.timedelta(minutes=12), "LOW_OIL_PRESSURE"))
		(request,) = self.requests()
		actions = frappe.get_all(
			EVENT, filters={"unit": self.unit.name}, fields=["event_type", "action"], order_by="event_time"
		)
		self.assertEqual(
			[(a.event_type, a.action) for a in actions],
			[
				("Alarm", "Opened a Request"),
				("Alarm Cleared", "Noted on a Request"),
				("Alarm", "Added to a Request"),
				("Alarm", "Added to a Request"),
				("Alarm", "Added to a Request"),
			],
		)
		notes = self.comments(request.name)
		# the clear, the alarm back after it, the coolant alarm; not the repeat two minutes later
		self.assertEqual(len(notes), 3, notes)
		self.assertEqual(sum("cleared" in note for note in notes), 1, notes)

	def test_an_alarm_joins_a_request_already_open_and_a_closed_one_frees_the_next(self):
		manual = frappe.get_doc(
			{
				"doctype": REQUEST,
				"service_type": "Emergency Rescue",
				"unit": self.unit.name,
				"channel": "Phone",
				"description": "Smoke",
			}
		).insert()
		self.send(self.alarm(self.ago(minutes=3), "OVERSPEED"))
		self.assertEqual([r.name for r in self.requests()], [manual.name])
		manual.reload()
		manual.status = "Resolved"
		manual.resolution = "Governor fixed"
		manual.save()
		self.send(self.alarm(self.ago(minutes=2), "FAIL_TO_START"))
		requests = self.requests()
		self.assertEqual(len(requests), 2)
		self.assertEqual(requests[1].telemetry_key, f"{self.unit.name}|Emergency Rescue")
		# resolved: its key is freed, so the next fault of its kind opens a new request
		frappe.db.set_value(REQUEST, requests[1].name, "status", "Open")
		doc = frappe.get_doc(REQUEST, requests[1].name)
		doc.status, doc.resolution = "Closed", "Restarted"
		doc.save()
		self.assertIsNone(frappe.db.get_value(REQUEST, doc.name, "telemetry_key"))
		self.send(self.alarm(self.ago(minutes=1), "FAIL_TO_START"))
		self.assertEqual(len(self.requests()), 3)

	def test_rules_are_data_a_family_row_first_and_an_unknown_alarm_gets_a_low_remote_look(self):
		self.send(self.alarm(self.ago(minutes=5), "Wrn Batt Volt"))  # a ComAp word, on a DSE device
		self.send(self.alarm(self.ago(minutes=4), "Battery Under Voltage"))  # the DSE word
		self.send(self.alarm(self.ago(minutes=3), "Canopy Door Open"))  # no rule names it
		requests = {r.service_type: r for r in self.requests()}
		self.assertEqual(requests["Field Maintenance"].priority, "Medium")
		self.assertEqual(requests["Remote Support"].priority, "Low")
		events = frappe.get_all(
			EVENT,
			filters={"unit": self.unit.name},
			fields=["code", "action", "request"],
			order_by="event_time",
		)
		self.assertEqual(events[0].request, requests["Remote Support"].name)  # unknown to DSE: a look
		self.assertEqual(events[1].request, requests["Field Maintenance"].name)
		# a rule switched to "opens nothing": recorded, nothing opened
		frappe.db.set_value("Genset Alarm Rule", "*:LOW_FUEL", "service_type", None)
		self.send(self.alarm(self.ago(minutes=2), "LOW_FUEL"))
		self.assertEqual(
			frappe.db.get_value(EVENT, {"code": "LOW_FUEL", "unit": self.unit.name}, "action"),
			"Nothing Opened",
		)


class TestSilence(TelemetryCase):
	def test_a_silent_device_opens_one_remote_check_and_speaking_again_notes_its_end(self):
		self.send(entry(self.ago(hours=2), load_kw=5))
		frappe.db.set_value(DEVICE, self.device, "last_seen", self.ago(hours=2), update_modified=False)
		self.assertEqual(silence.watch(self.now), [self.device])
		self.assertEqual(silence.watch(self.now + datetime.timedelta(minutes=10)), [])  # once
		(request,) = frappe.get_all(
			REQUEST, filters={"unit": self.unit.name}, fields=["name", "service_type", "priority", "channel"]
		)
		self.assertEqual(
			(request.service_type, request.priority, request.channel), ("Remote Support", "Low", "Telemetry")
		)
		self.assertEqual(frappe.db.get_value(DEVICE, self.device, "status"), Status.SILENT)
		self.send(entry(self.ago(minutes=1), load_kw=6))
		self.assertEqual(frappe.db.get_value(DEVICE, self.device, "status"), Status.ONLINE)
		events = frappe.get_all(
			EVENT, filters={"unit": self.unit.name}, fields=["event_type", "request"], order_by="creation"
		)
		self.assertEqual(
			[(e.event_type, e.request) for e in events],
			[("Silent", request.name), ("Back Online", request.name)],
		)
		# a disabled device is never silent
		frappe.get_doc(DEVICE, self.device).update({"enabled": 0}).save()
		frappe.db.set_value(DEVICE, self.device, "last_seen", self.ago(days=1), update_modified=False)
		self.assertEqual(silence.watch(self.now), [])


class TestRollups(TelemetryCase):
	def test_hours_and_days_roll_up_a_late_reading_rolls_its_hour_again_and_old_grains_go(self):
		frappe.db.set_single_value(SETTINGS, "rolled_up_to", self.ago(days=1))
		base = self.ago(hours=3).replace(minute=0)
		self.send(
			*(
				entry(
					base + datetime.timedelta(minutes=15 * i),
					load_kw=10 * (i + 1),
					running_hours=100 + i * 0.25,
				)
				for i in range(8)
			)
		)
		# the job reads what was stored five minutes before it runs (a batch may still be committing)
		self.assertEqual(rollup.run(now_datetime(), commit=False)["hours"], 0)
		rollup.run(now_datetime() + rollup.STORE_LAG + datetime.timedelta(seconds=1), commit=False)
		hourly = {
			(r.metric, get_datetime(r.period_start)): r
			for r in frappe.get_all(ROLLUP, filters={"device": self.device, "period": "Hour"}, fields=["*"])
		}
		first = hourly[("load_kw", base)]
		self.assertEqual(
			(first.samples, first.min_value, first.max_value, first.mean_value, first.last_value),
			(4, 10, 40, 25, 40),
		)
		second_hours = hourly[("running_hours", base + datetime.timedelta(hours=1))]
		# a counter's rise is counted in the hour of the later reading (from 100.75 to 101.75)
		self.assertEqual(
			(second_hours.first_value, second_hours.last_value, second_hours.delta), (101, 101.75, 1.0)
		)
		daily = frappe.get_all(
			ROLLUP,
			filters={"device": self.device, "period": "Day", "metric": "load_kw"},
			fields=["samples", "max_value", "period_start"],
		)
		self.assertEqual(sum(d.samples for d in daily), 8)
		# a reading arriving late into a rolled hour (stored two minutes later) rolls that hour again
		later = now_datetime().replace(microsecond=0) + datetime.timedelta(minutes=2)
		device = known_devices([self.device])
		store(
			[
				read_json(
					self.device, entry(base + datetime.timedelta(minutes=50), load_kw=400), device, later
				)
			],
			later,
		)
		rollup.run(later + rollup.STORE_LAG + datetime.timedelta(seconds=1), commit=False)
		again = frappe.get_value(
			ROLLUP,
			{"device": self.device, "period": "Hour", "metric": "load_kw", "period_start": base},
			["samples", "max_value"],
			as_dict=True,
		)
		self.assertEqual((again.samples, again.max_value), (5, 400))
		# raw readings past their days go (their rollups stay); hourly rollups past theirs too
		old = add_days(self.now, -40).replace(minute=0)
		frappe.db.bulk_insert(
			READING,
			["name", "device", "unit", "metric", "reading_time", "value", "creation", "modified"],
			[
				(
					f"old-{i}",
					self.device,
					self.unit.name,
					"load_kw",
					old + datetime.timedelta(minutes=i),
					7,
					old,
					old,
				)
				for i in range(3)
			],
		)
		frappe.db.bulk_insert(
			ROLLUP,
			["name", "device", "unit", "metric", "period", "period_start", "samples", "creation", "modified"],
			[
				(
					"old-hour",
					self.device,
					self.unit.name,
					"load_kw",
					"Hour",
					add_days(self.now, -100),
					1,
					old,
					old,
				)
			],
		)
		result = rollup.prune(self.now, now_datetime(), commit=False)
		self.assertEqual((result["raw_deleted"], result["hour_deleted"]), (3, 1))
		self.assertFalse(frappe.db.exists(READING, "old-0"))
		self.assertTrue(
			frappe.db.exists(ROLLUP, {"device": self.device, "period": "Hour", "period_start": base})
		)


class TestWhoSeesWhat(TelemetryCase):
	def test_the_customer_reads_their_own_gensets_telemetry_and_no_one_elses(self):
		customer = frappe.db.get_value(UNIT, self.unit.name, "customer")
		mine = make_portal_user("telemetry-mine@example.com", customer)
		other_customer = make_customer("_Test Telemetry Other Customer")
		theirs = make_portal_user("telemetry-theirs@example.com", other_customer)
		self.send(
			entry(self.ago(minutes=5), fuel_level_percent=61, running_hours=120),
			{"time": self.ago(minutes=4).isoformat(), "alarms": [{"code": "LOW_FUEL"}]},
		)
		frappe.set_user(mine)
		summary = api.get_unit_telemetry(self.unit.name, 30)
		self.assertEqual(
			{r["metric"]: r["value"] for r in summary["last"]},
			{"running_hours": 120, "fuel_level_percent": 61},
		)
		self.assertEqual([a["code"] for a in summary["open_alarms"]], ["LOW_FUEL"])
		self.assertEqual([d.name for d in frappe.get_list(DEVICE)], [self.device])
		self.assertFalse(frappe.has_permission(READING, "read"))
		frappe.set_user(theirs)
		with self.assertRaises(frappe.PermissionError):
			api.get_unit_telemetry(self.unit.name, 30)
		self.assertEqual(frappe.get_list(DEVICE), [])
		self.assertEqual(frappe.get_list(EVENT), [])
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(DEVICE, self.device).check_permission("read")

	def test_engineers_read_devices_but_only_managers_and_support_make_them_and_their_tokens(self):
		engineer = self.team["Technical Engineer"]
		frappe.set_user(engineer)
		self.assertTrue(frappe.has_permission(DEVICE, "read"))
		with self.assertRaises(frappe.PermissionError):
			api.new_device_token(self.device)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc({"doctype": DEVICE, "device_id": "T-X", "unit": self.unit.name}).insert()
		frappe.set_user(self.team["Technical Support"])
		self.assertTrue(api.new_device_token(self.device)["token"].startswith("gst_"))
		# nobody writes a reading, a rollup or an event by hand
		for doctype in (READING, ROLLUP, EVENT):
			self.assertFalse(frappe.has_permission(doctype, "create"))
