# Copyright (c) 2026, genset_service developers and contributors
# For license information, please see license.txt

"""Dispatch on a real site, with frozen time: an optimiser run writes a proposal and nothing else;
skills, windows, working hours and holidays hold; applying it writes dates, engineers and ToDos once,
after the independent check; a hand-broken proposal is refused; bad input names what is missing; the
board's moves go through Frappe's assignment; an emergency finds the engineer who is there soonest."""

import datetime

import frappe
from frappe.utils import get_datetime

from genset_service.api import v1
from genset_service.dispatch import board, proposals
from genset_service.planning import TaskStatus
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivery_note,
	make_engineer,
	make_pinned_address,
	make_portal_user,
	make_sales_order,
	make_user,
)

test_ignore = TEST_IGNORE
TASK, REQUEST, ENGINEER = "Genset Service Task", "Genset Service Request", "Genset Engineer"
PROPOSAL = "Genset Dispatch Proposal"
MONDAY = datetime.date(2026, 12, 7)
TUESDAY = MONDAY + datetime.timedelta(days=1)
EARLY = datetime.datetime.combine(MONDAY, datetime.time(6, 30))
# four sites around Leeds; the north engineer lives among them, the south one 25 km away
SITES = ((53.80, -1.55), (53.85, -1.60), (53.70, -1.40), (53.90, -1.30))


class TestDispatch(GensetTestCase):
	def setUp(self):
		super().setUp()
		# Frappe mails a removed or new assignee at once under test, and sending commits: muted, the
		# test's savepoint holds
		self.muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
		self.country = frappe.db.get_value(
			"Company", frappe.db.get_value("Genset Unit", {}, "company"), "country"
		)
		order = make_sales_order([{"item_code": self.genset, "qty": len(SITES)}])
		note = make_delivery_note(order.name)
		self.units = frappe.get_all(
			"Genset Unit", filters={"delivery_note": note.name}, pluck="name", order_by="unit_index asc"
		)
		# only the work these tests make is open for these units
		frappe.db.set_value(TASK, {"unit": ("in", self.units)}, "status", "Cancelled")
		for unit, pin in zip(self.units, SITES, strict=True):
			frappe.db.set_value("Genset Unit", unit, "site_address", self.address(f"Site {unit}", pin))
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": "GS Dispatch South Holidays",
				"from_date": MONDAY - datetime.timedelta(days=30),
				"to_date": MONDAY + datetime.timedelta(days=60),
				"holidays": [{"holiday_date": TUESDAY, "description": "Day off"}],
			}
		).insert()
		self.north = self.engineer(
			"north", (53.82, -1.56), ["Regular Inspection", "Field Maintenance", "Emergency Rescue"]
		)
		self.south = self.engineer(
			"south", (53.60, -1.50), ["Regular Inspection", "Maintenance"], holiday_list=holidays.name
		)
		self.manager = make_user("gs-dispatch-manager@example.com", ["Service Manager"])
		# only the work these tests make is open for these engineers (whatever else the site holds)
		task = frappe.qb.DocType(TASK)
		frappe.qb.update(task).set(task.status, "Cancelled").where(task.status.isin(TaskStatus.OPEN)).where(
			task.assigned_to.isnull() | task.assigned_to.isin([self.north.user, self.south.user])
		).run()

	def tearDown(self):
		frappe.flags.mute_emails = self.muted
		super().tearDown()

	# ------------------------------------------------------------------ the region
	def address(self, title, pin):
		return make_pinned_address(title, pin, self.country)

	def engineer(self, key, home, skills, **fields):
		home_base = self.address(f"Home {key}", home) if home else None
		return make_engineer(
			f"gs-dispatch-{key}@example.com", f"Engineer {key.title()}", home_base, skills, **fields
		)

	def task(self, unit, service_type, due_from=MONDAY, due_to=TUESDAY, assigned_to=None):
		doc = frappe.get_doc(
			{
				"doctype": TASK,
				"service_type": service_type,
				"unit": self.units[unit],
				"due_from": due_from,
				"due_to": due_to,
				"responsible_role": "After-sales Engineer",
			}
		).insert()
		if assigned_to:
			board.reassign(TASK, doc.name, assigned_to, due_from)
		return doc.name

	def propose(self, engineers=None, at=EARLY, **kwargs):
		with self.freeze_time(at):
			name = proposals.propose(
				MONDAY,
				kwargs.pop("to_date", TUESDAY),
				engineers or [self.north.name, self.south.name],
				**kwargs,
			)
		return frappe.get_doc(PROPOSAL, name)

	def breakdown(self):
		"""A Field Maintenance request on the first genset, opened early on Monday, its visit unassigned."""
		with self.freeze_time(EARLY):
			request = frappe.get_doc(
				{
					"doctype": REQUEST,
					"service_type": "Field Maintenance",
					"unit": self.units[0],
					"description": "Trips",
				}
			).insert()
		frappe.db.set_value(TASK, request.task, {"assigned_to": None, "_assign": None})
		return request

	def todos(self, task, status="Open"):
		return frappe.get_all(
			"ToDo",
			filters={"reference_type": TASK, "reference_name": task, "status": status},
			fields=["allocated_to", "date"],
		)

	# ------------------------------------------------------------------ optimise
	def test_an_optimiser_run_respects_skills_windows_hours_and_holidays_and_changes_nothing(self):
		inspections = [self.task(0, "Regular Inspection"), self.task(2, "Regular Inspection")]
		oil_change = self.task(1, "Maintenance", due_from=TUESDAY)  # only South has the skill; South is off
		late = self.task(3, "Regular Inspection", due_from=MONDAY, due_to=MONDAY, assigned_to=self.north.user)
		before = frappe.get_all(
			TASK, filters={"name": ("in", [*inspections, oil_change, late])}, fields=["*"]
		)
		todos = frappe.db.count("ToDo")

		doc = self.propose()
		self.assertEqual(doc.status, "Draft")
		self.assertIn("Holds", doc.check_result)
		stops = {row.task: row for row in doc.stops}
		self.assertEqual(set(stops), {*inspections, late})
		for row in doc.stops:
			start, end = get_datetime(row.start), get_datetime(row.end)
			self.assertIn(start.date(), (MONDAY, TUESDAY))
			self.assertGreaterEqual(start.time(), datetime.time(8))
			self.assertLessEqual(end.time(), datetime.time(17))
			self.assertEqual(end - start, datetime.timedelta(hours=2))  # Regular Inspection: 2 on-site hours
			if row.engineer == self.south.name:
				self.assertNotEqual(start.date(), TUESDAY, "South is on holiday on Tuesday")
		self.assertEqual(get_datetime(stops[late].start).date(), MONDAY)  # due Monday only
		misses = {row.task: row.reason for row in doc.unassigned}
		self.assertIn(oil_change, misses)
		self.assertIn("working hours", misses[oil_change])
		self.assertGreater(doc.baseline_km, 0)
		self.assertLessEqual(doc.travel_km, doc.baseline_km)
		# nothing on the site moved
		after = frappe.get_all(TASK, filters={"name": ("in", [*inspections, oil_change, late])}, fields=["*"])
		self.assertEqual(
			[
				(r.name, r.assigned_to, r.scheduled_start, r._assign)
				for r in sorted(before, key=lambda r: r.name)
			],
			[
				(r.name, r.assigned_to, r.scheduled_start, r._assign)
				for r in sorted(after, key=lambda r: r.name)
			],
		)
		self.assertEqual(frappe.db.count("ToDo"), todos)

	def test_only_skilled_engineers_get_the_work(self):
		repairs = [self.task(unit, "Maintenance") for unit in range(2)]
		doc = self.propose()
		self.assertEqual({row.engineer for row in doc.stops}, {self.south.name})  # North cannot
		self.assertEqual({row.task for row in doc.stops}, set(repairs))
		self.assertEqual({get_datetime(row.start).date() for row in doc.stops}, {MONDAY})  # Tuesday off

	# ------------------------------------------------------------------ apply, discard, check
	def test_apply_writes_dates_engineers_order_and_todos_once(self):
		first = self.task(0, "Regular Inspection", assigned_to=self.south.user)
		second = self.task(1, "Regular Inspection")
		doc = self.propose()
		stops = {row.task: row for row in doc.stops}
		self.assertEqual(set(stops), {first, second})
		with self.freeze_time(EARLY):
			answer = v1.apply_dispatch(doc.name)
		self.assertEqual(answer["applied"], 2)
		for task, stop in stops.items():
			row = frappe.db.get_value(
				TASK,
				task,
				[
					"scheduled_start",
					"scheduled_end",
					"assigned_to",
					"_assign",
					"dispatch_proposal",
					"route_order",
				],
				as_dict=True,
			)
			user = frappe.db.get_value(ENGINEER, stop.engineer, "user")
			self.assertEqual(get_datetime(row.scheduled_start), get_datetime(stop.start))
			self.assertEqual(get_datetime(row.scheduled_end), get_datetime(stop.end))
			self.assertEqual((row.assigned_to, frappe.parse_json(row._assign)), (user, [user]))
			self.assertEqual((row.dispatch_proposal, row.route_order), (doc.name, stop.route_order))
			open_todos = self.todos(task)
			self.assertEqual([t.allocated_to for t in open_todos], [user])
			self.assertEqual(open_todos[0].date, get_datetime(stop.start).date())
		if stops[first].engineer != self.south.name:  # the South's ToDo went with the task
			self.assertEqual([t.allocated_to for t in self.todos(first, "Cancelled")], [self.south.user])
		self.assertEqual(frappe.db.get_value(PROPOSAL, doc.name, "status"), "Applied")
		# each engineer of the proposal is mailed once, with all their visits (no mail per visit)
		mails = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": PROPOSAL, "reference_name": doc.name},
			fields=["name", "message"],
		)
		engineers = {stop.engineer for stop in stops.values()}
		self.assertEqual((answer["engineers_mailed"], len(mails)), (len(engineers), len(engineers)))
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": ("in", [m.name for m in mails])}, pluck="recipient"
		)
		self.assertEqual(
			sorted(recipients), sorted(frappe.db.get_value(ENGINEER, e, "user") for e in engineers)
		)
		self.assertIn("/field", mails[0].message)
		with self.assertRaisesRegex(frappe.ValidationError, "only a Draft"):
			v1.apply_dispatch(doc.name)

	def test_discard_changes_nothing_and_a_discarded_proposal_cannot_be_applied(self):
		task = self.task(0, "Regular Inspection")
		doc = self.propose()
		self.assertEqual(v1.discard_dispatch(doc.name)["status"], "Discarded")
		self.assertIsNone(frappe.db.get_value(TASK, task, "scheduled_start"))
		self.assertFalse(self.todos(task))
		with self.assertRaisesRegex(frappe.ValidationError, "only a Draft"):
			v1.apply_dispatch(doc.name)

	def test_the_checker_refuses_a_hand_broken_proposal(self):
		task = self.task(1, "Maintenance", due_from=MONDAY, due_to=MONDAY)  # South's skill
		doc = self.propose()
		stop = doc.stops[0]
		self.assertEqual((stop.task, stop.engineer), (task, self.south.name))
		for broken, words in (
			({"engineer": self.north.name}, "lacks the skill Maintenance"),
			({"start": f"{MONDAY} 19:00:00", "end": f"{MONDAY} 22:00:00"}, "after the day ends"),
			({"start": f"{TUESDAY} 09:00:00", "end": f"{TUESDAY} 12:00:00"}, "does not work on"),
		):
			saved = {field: stop.get(field) for field in broken}
			frappe.db.set_value("Genset Dispatch Stop", stop.name, broken)
			with self.freeze_time(EARLY), self.assertRaisesRegex(frappe.ValidationError, words):
				proposals.apply(doc.name)
			frappe.db.set_value("Genset Dispatch Stop", stop.name, saved)
			self.assertIsNone(frappe.db.get_value(TASK, task, "scheduled_start"))
			self.assertEqual(frappe.db.get_value(PROPOSAL, doc.name, "status"), "Draft")
		# applied too late: its visit would start in the past
		noon = datetime.datetime.combine(TUESDAY, datetime.time(12))
		with self.freeze_time(noon), self.assertRaisesRegex(frappe.ValidationError, "which has passed"):
			proposals.apply(doc.name)
		# work done since the proposal was made: no longer open
		frappe.db.set_value(TASK, task, "status", "Done")
		with self.freeze_time(EARLY), self.assertRaisesRegex(frappe.ValidationError, "no longer open"):
			proposals.apply(doc.name)

	# ------------------------------------------------------------------ bad input
	def test_bad_input_names_what_is_missing(self):
		self.task(0, "Regular Inspection")
		with self.freeze_time(EARLY):
			for args, words in (
				((MONDAY, MONDAY + datetime.timedelta(days=31)), "at most 31 days"),
				((TUESDAY, MONDAY), "before From Date"),
				((MONDAY - datetime.timedelta(days=7), MONDAY - datetime.timedelta(days=6)), "past"),
			):
				with self.assertRaisesRegex(frappe.ValidationError, words):
					proposals.propose(*args, [self.north.name])
			homeless = self.engineer("homeless", None, ["Regular Inspection"])
			with self.assertRaisesRegex(frappe.ValidationError, "no pin on the map: .*homeless"):
				proposals.propose(MONDAY, TUESDAY, [self.north.name, homeless.name])
			with self.assertRaisesRegex(frappe.ValidationError, "south has no working hours"):
				proposals.propose(TUESDAY, TUESDAY, [self.south.name])
			with self.assertRaisesRegex(frappe.ValidationError, "Unknown or disabled engineer: nobody"):
				proposals.propose(MONDAY, TUESDAY, ["nobody"])
		self.assertFalse(frappe.db.exists(PROPOSAL, {"from_date": TUESDAY}))
		# a genset without a pin is listed with the reason; the rest is planned
		frappe.db.set_value(
			"Address", frappe.db.get_value("Genset Unit", self.units[0], "site_address"), "genset_latitude", 0
		)
		frappe.db.set_value(
			"Address",
			frappe.db.get_value("Genset Unit", self.units[0], "site_address"),
			"genset_longitude",
			0,
		)
		self.task(2, "Regular Inspection")
		doc = self.propose()
		self.assertEqual(len(doc.stops), 1)
		self.assertIn("has no pin", doc.unassigned[0].reason)

	def test_dispatch_is_for_managers_only(self):
		frappe.set_user(self.north.user)
		with self.assertRaises(frappe.PermissionError):
			v1.propose_dispatch(str(MONDAY), str(TUESDAY))
		with self.assertRaises(frappe.PermissionError):
			v1.dispatch_board(str(MONDAY), str(TUESDAY))
		frappe.set_user("Administrator")
		portal = make_portal_user("gs-dispatch-portal@example.com", make_customer())
		frappe.set_user(portal)
		with self.assertRaises(frappe.PermissionError):
			v1.dispatch_board(str(MONDAY), str(TUESDAY))
		frappe.set_user(self.manager)
		self.assertIn("engineers", v1.dispatch_board(str(MONDAY), str(TUESDAY)))

	# ------------------------------------------------------------------ the board
	def test_board_moves_go_through_frappe_assignment(self):
		task = self.task(0, "Regular Inspection")
		frappe.set_user(self.manager)
		with self.freeze_time(EARLY):
			answer = v1.move_visit(task, self.north.name, str(MONDAY))
		self.assertEqual(
			get_datetime(answer["scheduled_start"]), datetime.datetime.combine(MONDAY, datetime.time(8))
		)
		row = frappe.db.get_value(TASK, task, ["assigned_to", "_assign", "scheduled_end"], as_dict=True)
		self.assertEqual(
			(row.assigned_to, frappe.parse_json(row._assign)), (self.north.user, [self.north.user])
		)
		self.assertEqual(
			get_datetime(row.scheduled_end), datetime.datetime.combine(MONDAY, datetime.time(10))
		)
		self.assertEqual([(t.allocated_to, t.date) for t in self.todos(task)], [(self.north.user, MONDAY)])
		# to South, at 13:30 on Monday: North's ToDo is cancelled, South's opened
		with self.freeze_time(EARLY):
			v1.move_visit(task, self.south.name, str(MONDAY), "13:30")
		self.assertEqual([t.allocated_to for t in self.todos(task)], [self.south.user])
		self.assertEqual([t.allocated_to for t in self.todos(task, "Cancelled")], [self.north.user])
		self.assertEqual(frappe.parse_json(frappe.db.get_value(TASK, task, "_assign")), [self.south.user])
		# outside the window, to a day off, to an engineer without the skill: confirm first
		maintenance = self.task(1, "Maintenance", due_from=MONDAY, due_to=MONDAY)
		with self.freeze_time(EARLY):
			asked = v1.move_visit(maintenance, self.north.name, str(TUESDAY))
		self.assertEqual(len(asked["confirm"]), 2)
		self.assertRegex(asked["confirm"][0], "outside that window")
		self.assertRegex(asked["confirm"][1], "does not have the skill Maintenance")
		self.assertIsNone(frappe.db.get_value(TASK, maintenance, "scheduled_start"))
		with self.freeze_time(EARLY):
			asked = v1.move_visit(task, self.south.name, str(TUESDAY))
		self.assertRegex(asked["confirm"][0], "does not work on")
		with self.freeze_time(EARLY):
			v1.move_visit(maintenance, self.north.name, str(TUESDAY), confirm=True)
		self.assertEqual(frappe.db.get_value(TASK, maintenance, "assigned_to"), self.north.user)
		# off the board: the engineer keeps it, without a date
		with self.freeze_time(EARLY):
			v1.move_visit(maintenance)
		self.assertEqual(
			frappe.db.get_value(TASK, maintenance, ["scheduled_start", "assigned_to"]),
			(None, self.north.user),
		)
		# the board shows the scheduled card on South's Monday and the other one unscheduled
		with self.freeze_time(EARLY):
			shown = v1.dispatch_board(str(MONDAY), str(TUESDAY), service_type="Regular Inspection")
		self.assertEqual([(c["task"], c["assigned_to"]) for c in shown["cards"]], [(task, self.south.user)])
		self.assertIn(
			str(TUESDAY), next(e for e in shown["engineers"] if e["name"] == self.south.name)["days_off"]
		)
		with self.freeze_time(EARLY):
			shown = v1.dispatch_board(str(MONDAY), str(TUESDAY), service_type="Maintenance")
		self.assertIn(maintenance, [c["task"] for c in shown["unscheduled"]])

	# ------------------------------------------------------------------ emergencies
	def test_an_emergency_finds_the_engineer_who_is_there_soonest(self):
		request = self.breakdown()
		ten = datetime.datetime.combine(MONDAY, datetime.time(10))
		with self.freeze_time(ten):
			found = board.nearest(request.name)
		self.assertEqual([c["engineer"] for c in found["candidates"]], [self.north.name])  # South: no skill
		choice = found["candidates"][0]
		self.assertGreater(get_datetime(choice["arrival"]), ten)
		self.assertLess(choice["km"], 5)
		self.assertGreater(choice["minutes_to_spare"], 0)
		# the optimiser puts the request before its on-site deadline
		doc = self.propose(at=ten)
		stop = next(row for row in doc.stops if row.task == request.task)
		self.assertLessEqual(get_datetime(stop.start), get_datetime(request.on_site_by))
		# one click to assign: the task, its ToDo and the request's expected arrival
		frappe.set_user(self.manager)
		with self.freeze_time(ten):
			v1.assign_nearest(request.name, self.north.name)
		self.assertEqual(frappe.db.get_value(TASK, request.task, "assigned_to"), self.north.user)
		self.assertEqual(
			get_datetime(frappe.db.get_value(REQUEST, request.name, "expected_on_site")),
			get_datetime(choice["arrival"]),
		)
		with self.freeze_time(ten), self.assertRaisesRegex(frappe.ValidationError, "cannot be on site today"):
			v1.assign_nearest(request.name, self.south.name)
		self.assertEqual(found["travel"], "straight line")
		# with a routing server: arrivals by road (North is two hours away by road); one that does not
		# answer leaves the emergency on straight lines, and says so
		from unittest.mock import patch

		from genset_service.dispatch import road_client

		settings = frappe.get_single("Genset Service Settings")
		settings.routing_engine, settings.routing_url = "OSRM", "http://127.0.0.1:9"
		settings.save()

		def two_hours(engine, url, pins, timeout=30):
			return [[0 if i == j else 7200 for j in pins] for i in pins], [
				[0 if i == j else 80.0 for j in pins] for i in pins
			]

		with self.freeze_time(ten), patch.object(road_client, "road_matrix", side_effect=two_hours):
			found = board.nearest(request.name)
		self.assertEqual(found["travel"], "by road (OSRM)")
		self.assertEqual(
			[(get_datetime(c["arrival"]), c["km"]) for c in found["candidates"]],
			[(ten + datetime.timedelta(hours=2), 80.0)],
		)
		with (
			self.freeze_time(ten),
			patch.object(road_client, "road_matrix", side_effect=road_client.RoadError("refused")),
		):
			found = board.nearest(request.name)
		self.assertRegex(found["travel"], "straight line: the routing server did not answer")
		self.assertEqual([c["engineer"] for c in found["candidates"]], [self.north.name])

	# ------------------------------------------------------------------ certification
	def test_only_engineers_certified_for_the_genset_get_its_work(self):
		"""North lives among the sites but is certified for another model only: the optimiser gives
		the inspections to South, the board asks before giving one to North, and an emergency on the
		genset does not propose North."""
		from genset_service.tests.utils import make_genset_item

		other = make_genset_item("_Test Genset Other Model")
		north = frappe.get_doc(ENGINEER, self.north.name)
		north.append("certified_models", {"item_code": other})
		north.save()
		inspections = [self.task(unit, "Regular Inspection") for unit in range(2)]
		doc = self.propose()
		self.assertEqual(
			{(row.task, row.engineer) for row in doc.stops}, {(t, self.south.name) for t in inspections}
		)
		frappe.set_user(self.manager)
		with self.freeze_time(EARLY):
			asked = v1.move_visit(inspections[0], self.north.name, str(MONDAY))
		self.assertEqual(len(asked["confirm"]), 1)
		self.assertRegex(asked["confirm"][0], f"not certified for {self.genset}")
		frappe.set_user("Administrator")
		# within North's range again (any model up to 2,000 kVA): North is back in the running
		north.reload()
		north.certified_models = []
		north.max_kva = 2000
		north.save()
		doc = self.propose()
		self.assertIn(self.north.name, {row.engineer for row in doc.stops})
		north.reload()
		north.max_kva, north.min_kva = 0, 1_000_000  # certified only for gensets far larger than these
		north.save()
		request = self.breakdown()
		with self.freeze_time(datetime.datetime.combine(MONDAY, datetime.time(10))):
			found = board.nearest(request.name)
		self.assertEqual(found["candidates"], [])  # South has no Field Maintenance skill, North no licence
