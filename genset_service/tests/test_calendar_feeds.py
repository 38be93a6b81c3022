"""Calendar feeds on a real site: an engineer's visits and a customer's upcoming visits as iCalendar,
read back with the `icalendar` parser; a moved visit keeps its UID with a higher SEQUENCE, a cancelled
one is CANCELLED; a revoked or replaced link answers 404; one user's link never shows another's."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from icalendar import Calendar

import frappe
from frappe.utils import add_days, get_datetime, get_system_timezone

from genset_service.api import calendar_v1 as api
from genset_service.calendars.site import FEED, TOKEN_PREFIX
from genset_service.scheduling.common import TASK
from genset_service.tests.utils import (
	TEST_IGNORE,
	GensetTestCase,
	make_customer,
	make_delivered_unit,
	make_engineer,
	make_portal_user,
	make_user,
)

test_ignore = TEST_IGNORE


def token_of(answer: dict) -> str:
	return parse_qs(urlparse(answer["url"]).query)["token"][0]


def read_feed(token: str) -> dict:
	"""The feed as a Guest would fetch it: {uid: event}, and the calendar."""
	frappe.set_user("Guest")
	try:
		response = api.feed(token=token)
	finally:
		frappe.set_user("Administrator")
	assert response.status_code == 200, response.status_code
	assert response.mimetype == "text/calendar"
	calendar = Calendar.from_ical(response.get_data())
	events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
	return {"events": events, "calendar": calendar, "etag": response.headers["ETag"]}


class TestCalendarFeeds(GensetTestCase):
	def setUp(self):
		super().setUp()
		self.alice = make_engineer("cal-alice@example.com", "Alice Feed", None, ["Field Maintenance"]).user
		self.bob = make_engineer("cal-bob@example.com", "Bob Feed", None, ["Field Maintenance"]).user
		self.unit = make_delivered_unit(self.genset, commissioned=add_days(self.today, -3))
		tasks = frappe.get_all(
			TASK,
			{"unit": self.unit.name, "status": ("in", ("Planned", "Due", "Overdue"))},
			pluck="name",
			order_by="due_from",
		)
		self.assertGreaterEqual(len(tasks), 2)
		self.visit, self.other = tasks[0], tasks[1]
		self.start = get_datetime(f"{add_days(self.today, 2)} 09:30:00")
		frappe.db.set_value(
			TASK,
			self.visit,
			{
				"assigned_to": self.alice,
				"scheduled_start": self.start,
				"scheduled_end": self.start + timedelta(hours=3),
			},
		)
		frappe.db.set_value(
			TASK,
			self.other,
			{
				"assigned_to": self.bob,
				"scheduled_start": self.start + timedelta(days=1),
				"scheduled_end": self.start + timedelta(days=1, hours=2),
			},
		)

	def make_feed(self, user: str) -> str:
		frappe.set_user(user)
		try:
			answer = api.make_feed()
		finally:
			frappe.set_user("Administrator")
		self.assertTrue(answer["webcal"].startswith("webcal://"))
		token = token_of(answer)
		self.assertTrue(token.startswith(TOKEN_PREFIX))
		# kept only as a hash
		self.assertNotIn(token, str(frappe.db.get_value(FEED, user, ["token_hash", "token_hint"])))
		return token

	def test_an_engineers_feed_shows_their_visits_only_in_the_sites_zone(self):
		feed = read_feed(self.make_feed(self.alice))
		domain = frappe.local.site
		self.assertIn(f"{self.visit}@{domain}", feed["events"])
		# Bob's visit, on the same genset, is not in Alice's feed
		self.assertNotIn(f"{self.other}@{domain}", feed["events"])
		event = feed["events"][f"{self.visit}@{domain}"]
		self.assertEqual(event.decoded("DTSTART").replace(tzinfo=None), self.start)
		self.assertEqual(event["DTSTART"].params["TZID"], get_system_timezone())
		self.assertEqual(event.decoded("DTEND").replace(tzinfo=None), self.start + timedelta(hours=3))
		self.assertEqual([c["TZID"] for c in feed["calendar"].walk("VTIMEZONE")], [get_system_timezone()])
		self.assertIn(self.unit.name, str(event["DESCRIPTION"]))
		self.assertIn(f"/app/genset-service-task/{self.visit}", str(event["URL"]))
		self.assertEqual(str(event["STATUS"]), "TENTATIVE")
		# Bob's own feed has his visit and not Alice's
		bob = read_feed(self.make_feed(self.bob))
		self.assertIn(f"{self.other}@{domain}", bob["events"])
		self.assertNotIn(f"{self.visit}@{domain}", bob["events"])
		# every event of his is a task assigned to him (the plan assigns others to him too)
		assigned = {row.split("@")[0] for row in bob["events"]}
		self.assertEqual(
			set(
				frappe.get_all(TASK, {"name": ("in", list(assigned)), "assigned_to": self.bob}, pluck="name")
			),
			assigned,
		)

	def test_a_moved_visit_keeps_its_uid_with_a_higher_sequence_and_a_cancelled_one_is_cancelled(self):
		token = self.make_feed(self.alice)
		uid = f"{self.visit}@{frappe.local.site}"
		before = read_feed(token)
		moved_to = self.start + timedelta(days=1, hours=1)
		frappe.db.set_value(
			TASK,
			self.visit,
			{"scheduled_start": moved_to, "scheduled_end": moved_to + timedelta(hours=2)},
			modified=get_datetime(frappe.db.get_value(TASK, self.visit, "modified")) + timedelta(minutes=5),
		)
		after = read_feed(token)
		self.assertEqual(after["events"][uid].decoded("DTSTART").replace(tzinfo=None), moved_to)
		self.assertGreater(int(after["events"][uid]["SEQUENCE"]), int(before["events"][uid]["SEQUENCE"]))
		self.assertNotEqual(after["etag"], before["etag"])
		frappe.db.set_value(
			TASK,
			self.visit,
			"status",
			"Cancelled",
			modified=get_datetime(frappe.db.get_value(TASK, self.visit, "modified")) + timedelta(minutes=5),
		)
		cancelled = read_feed(token)["events"][uid]
		self.assertEqual(str(cancelled["STATUS"]), "CANCELLED")
		self.assertGreater(int(cancelled["SEQUENCE"]), int(after["events"][uid]["SEQUENCE"]))
		self.assertEqual(cancelled.walk("VALARM"), [])
		# the same feed fetched twice is the same bytes: the same ETag
		self.assertEqual(read_feed(token)["etag"], read_feed(token)["etag"])

	def test_a_revoked_or_replaced_link_answers_404(self):
		old = self.make_feed(self.alice)
		new = self.make_feed(self.alice)
		read_feed(new)
		frappe.set_user("Guest")
		with self.assertRaises(frappe.DoesNotExistError):
			api.feed(token=old)
		for stranger in ("gsc_" + "x" * 43, "nope", "gsc_"):
			with self.assertRaises(frappe.DoesNotExistError):
				api.feed(token=stranger)
		frappe.set_user(self.alice)
		self.assertEqual(api.revoke_feed(), {"user": self.alice, "revoked": True})
		frappe.set_user("Guest")
		with self.assertRaises(frappe.DoesNotExistError):
			api.feed(token=new)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(FEED, self.alice, ["revoked", "token_hash"]), (1, None))

	def test_only_a_manager_revokes_another_users_link_and_a_guest_makes_none(self):
		token = self.make_feed(self.alice)
		frappe.set_user(self.bob)
		with self.assertRaises(frappe.PermissionError):
			api.revoke_feed(user=self.alice)
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			api.make_feed()
		frappe.set_user("Administrator")
		read_feed(token)  # still live
		manager = make_user("cal-manager@example.com", ["Service Manager"])
		frappe.set_user(manager)
		api.revoke_feed(user=self.alice)
		frappe.set_user("Guest")
		with self.assertRaises(frappe.DoesNotExistError):
			api.feed(token=token)

	def test_a_customers_feed_shows_its_own_upcoming_visits_only(self):
		customer = self.unit.customer
		portal = make_portal_user("cal-customer@example.com", customer)
		other_customer = make_customer("_Test Calendar Other Customer")
		other_portal = make_portal_user("cal-other@example.com", other_customer)
		# the feed's rule, worked out here: a visit with a time in the window, else one due in it
		first, last = add_days(self.today, -30), add_days(self.today, 366)
		mine = [
			row.name
			for row in frappe.get_all(TASK, {"customer": customer}, ["name", "scheduled_start", "due_from"])
			if (
				first <= get_datetime(row.scheduled_start).date() <= last
				if row.scheduled_start
				else row.due_from and first <= row.due_from <= last
			)
		]
		self.assertTrue(mine)
		feed = read_feed(self.make_feed(portal))
		domain = frappe.local.site
		self.assertEqual(set(feed["events"]), {f"{name}@{domain}" for name in mine})
		event = feed["events"][f"{self.visit}@{domain}"]
		self.assertIn(f"/my_gensets/{self.unit.name}", str(event["URL"]))
		self.assertEqual(frappe.db.get_value(FEED, portal, "kind"), "Customer")
		# another customer's portal user sees none of them
		self.assertEqual(read_feed(self.make_feed(other_portal))["events"], {})

	def test_the_feeds_fields_are_the_apps_alone(self):
		token = self.make_feed(self.alice)
		manager = make_user("cal-manager2@example.com", ["Service Manager"])
		frappe.set_user(manager)
		doc = frappe.get_doc(FEED, self.alice)
		doc.revoked = 0
		doc.token_hash = "0" * 64
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		frappe.set_user("Administrator")
		read_feed(token)
		# a user without a role on the DocType cannot read the feeds
		frappe.set_user(self.bob)
		self.assertFalse(frappe.has_permission(FEED, "read", self.alice))
