"""A territory's proposal on a real site, with frozen time: it plans, and lists as missed, only its own
work (what its engineers hold, the unassigned work nearest its engineers, a genset without a pin of a
customer in the territory); the other territory's unassigned work is neither placed nor listed."""

import datetime

import frappe

from genset_service.dispatch import proposals
from genset_service.dispatch import site as dispatch_site
from genset_service.tests.test_dispatch_nearest import DispatchRegion, east_of
from genset_service.tests.utils import make_customer

PROPOSAL = "Genset Dispatch Proposal"
MONDAY = datetime.date(2026, 12, 7)
TUESDAY = MONDAY + datetime.timedelta(days=1)
EARLY = datetime.datetime.combine(MONDAY, datetime.time(6, 30))
LEEDS, HULL = (53.80, -1.55), (53.74, -0.33)


class TestTerritoryProposal(DispatchRegion):
	# two gensets near Leeds (the west), two near Hull (the east), one of each customer without a pin
	sites = (LEEDS, east_of(LEEDS, 5), HULL, east_of(HULL, 5), None)
	customer = "_Test Genset West Customer"

	def setUp(self):
		super().setUp()
		self.west, self.east = self.territory("_Test Genset West"), self.territory("_Test Genset East")
		frappe.db.set_value("Customer", self.customer, "territory", self.west)
		east_customer = make_customer("_Test Genset East Customer")
		frappe.db.set_value("Customer", east_customer, "territory", self.east)
		self.east_unpinned = self.deliver((None,), east_customer)[0]
		self.wendy = self.engineer("wendy", LEEDS, ["Regular Inspection"], territory=self.west)
		self.eric = self.engineer("eric", HULL, ["Regular Inspection"], territory=self.east)

	def territory(self, name):
		if not frappe.db.exists("Territory", name):
			frappe.get_doc(
				{
					"doctype": "Territory",
					"territory_name": name,
					"parent_territory": frappe.db.get_value("Territory", {"is_group": 1}, "name"),
				}
			).insert()
		return name

	def task(self, unit, assigned_to=None):
		doc = frappe.get_doc(
			{
				"doctype": "Genset Service Task",
				"service_type": "Regular Inspection",
				"unit": unit,
				"due_from": MONDAY,
				"due_to": TUESDAY,
				"responsible_role": "After-sales Engineer",
			}
		).insert()
		frappe.db.set_value("Genset Service Task", doc.name, {"assigned_to": assigned_to, "_assign": None})
		return doc.name

	def test_a_territory_s_proposal_plans_and_misses_only_its_own_work(self):
		west = [self.task(self.units[0]), self.task(self.units[1])]
		east = [self.task(self.units[2]), self.task(self.units[3])]
		# given to the west's engineer, though it lies in the east: hers to plan
		held = self.task(self.units[3], assigned_to=self.wendy.user)
		west_unpinned, east_unpinned = self.task(self.units[4]), self.task(self.east_unpinned)
		with self.freeze_time(EARLY):
			doc = frappe.get_doc(PROPOSAL, proposals.propose(MONDAY, TUESDAY, territory=self.west))
		planned = {row.task for row in doc.stops}
		missed = {row.task: row.reason for row in doc.unassigned}
		self.assertEqual(planned, {*west, held})
		self.assertEqual(set(missed), {west_unpinned})
		self.assertIn("no site address", missed[west_unpinned])
		self.assertEqual(doc.visit_count, 4)
		self.assertEqual({row.engineer for row in doc.stops}, {self.wendy.name})
		# the east's own proposal: its work, not the west's
		with self.freeze_time(EARLY):
			doc = frappe.get_doc(PROPOSAL, proposals.propose(MONDAY, TUESDAY, territory=self.east))
		self.assertEqual({row.task for row in doc.stops}, set(east))
		self.assertEqual({row.task for row in doc.unassigned}, {east_unpinned})
		# every engineer: all of it
		with self.freeze_time(EARLY):
			found = dispatch_site.read(MONDAY, TUESDAY)
		self.assertEqual(
			{v.id for v in found.problem.visits} | set(found.no_place),
			{*west, *east, held, west_unpinned, east_unpinned},
		)
