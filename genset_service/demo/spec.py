"""What the demo holds, as data (no Frappe): its company, customers, genset models, orders over two
years, engineers, requests under each clock, and the states each of the 18 services shows.

Every date is a number of days before the day the demo is made, so that the demo made today is
current today: a genset delivered 600 days ago has its warranty expired, one delivered 330 days ago is
offered an extension, one ordered last week waits for its pre-shipment inspection."""

from dataclasses import dataclass

COMPANY = "Genset Demo Power"
ABBR = "GDP"
PASSWORD = "Genset-Demo-2026!"
DOMAIN = "genset-demo.example.com"
# every record the demo makes that has a name of its own starts with this (removal finds them by it)
PREFIX = "Demo"


@dataclass(frozen=True)
class Customer:
	key: str
	name: str
	city: str
	pin: tuple[float, float]
	contact: str
	email: str


CUSTOMERS = (
	Customer(
		"leeds",
		"Demo Aire Valley Hospital",
		"Leeds",
		(53.80, -1.55),
		"Amira Shah",
		f"facilities@leeds.{DOMAIN}",
	),
	Customer("york", "Demo Minster Data Centre", "York", (53.96, -1.08), "Ben Hollis", f"ops@york.{DOMAIN}"),
	Customer(
		"sheffield",
		"Demo Steel City Foundry",
		"Sheffield",
		(53.38, -1.47),
		"Chen Wei",
		f"plant@sheffield.{DOMAIN}",
	),
)


@dataclass(frozen=True)
class Model:
	code: str
	kva: int
	rate: float
	warranty_months: int
	warranty_hours: int
	inspection_months: int
	maintenance_months: int
	maintenance_hours: int
	contract_months: int


MODELS = (
	Model("Demo Genset 100 kVA", 100, 18_000, 12, 2_000, 6, 6, 250, 24),
	Model("Demo Genset 500 kVA", 500, 64_000, 24, 4_000, 6, 6, 500, 36),
	Model("Demo Genset 1250 kVA", 1250, 145_000, 24, 6_000, 12, 6, 500, 60),
)


@dataclass(frozen=True)
class Order:
	"""An order of ``qty`` gensets of ``model`` for ``customer``, ordered ``ordered`` days ago; delivered
	``delivered`` days ago (None: not yet), arrived and commissioned that many days after delivery (None:
	not yet), travelling on a shipment when ``shipped``."""

	key: str
	customer: str
	model: str
	qty: int
	ordered: int
	delivered: int | None
	arrival_after: int | None = None
	commissioning_after: int | None = None
	shipped: bool = False
	hours_a_day: float = 4.0
	# not yet delivered: promised this many days from now
	due_in: int = 20


ORDERS = (
	# two years ago: warranty of the 100 kVA over, the contract still running, a history of visits
	Order("leeds-2024", "leeds", "Demo Genset 100 kVA", 2, 720, 700, 6, 8, hours_a_day=3.0),
	Order("york-2024", "york", "Demo Genset 500 kVA", 2, 640, 620, 5, 7, hours_a_day=5.0),
	# about a year ago: the 100 kVA's warranty ends soon, so its extension is offered
	Order("sheffield-2025", "sheffield", "Demo Genset 100 kVA", 1, 345, 330, 4, 6, hours_a_day=4.0),
	Order("leeds-2025", "leeds", "Demo Genset 1250 kVA", 1, 300, 280, 7, 9, hours_a_day=2.0),
	# last months: in warranty, plans running
	# shipped by sea, delivered at site by its shipment's last milestone
	Order("york-2026", "york", "Demo Genset 100 kVA", 1, 120, 100, 5, 6, shipped=True, hours_a_day=6.0),
	# delivered, on its way by sea: arrival, installation and training follow its shipment
	Order("sheffield-ship", "sheffield", "Demo Genset 500 kVA", 2, 40, 12, None, None, shipped=True),
	# delivered last week, arrived yesterday, its commissioning due
	Order("leeds-arrived", "leeds", "Demo Genset 100 kVA", 1, 30, 8, 7, None),
	# ordered, to be delivered in two days: its pre-shipment inspection is due
	Order("york-open", "york", "Demo Genset 1250 kVA", 1, 10, None, due_in=2),
)


@dataclass(frozen=True)
class Engineer:
	key: str
	name: str
	city: str
	home: tuple[float, float]
	skills: tuple[str, ...]
	days: int
	hours: tuple[str, str]


ENGINEERS = (
	Engineer(
		"dana",
		"Dana Okafor",
		"Leeds",
		(53.82, -1.56),
		(
			"Regular Inspection",
			"Maintenance",
			"Field Maintenance",
			"Emergency Rescue",
			"Installation and Commissioning",
		),
		5,
		("07:30:00", "17:30:00"),
	),
	Engineer(
		"erik",
		"Erik Lindqvist",
		"York",
		(53.95, -1.10),
		(
			"Regular Inspection",
			"Maintenance",
			"Field Maintenance",
			"Arrival Acceptance",
			"Operation Training",
		),
		5,
		("08:00:00", "17:00:00"),
	),
	Engineer(
		"fatima",
		"Fatima Haddad",
		"Sheffield",
		(53.40, -1.45),
		("Regular Inspection", "Maintenance", "Emergency Rescue", "Spare Parts Supply"),
		6,
		("08:00:00", "18:00:00"),
	),
)


@dataclass(frozen=True)
class Request:
	"""An on-demand request of ``service`` on the first genset of ``order``, opened ``hours_ago``, left in
	``status``; ``acknowledged`` hours after opening when it was answered."""

	key: str
	service: str
	order: str
	hours_ago: float
	status: str
	description: str
	acknowledged: float | None = None
	resolved: float | None = None
	priority: str | None = None


REQUESTS = (
	# the 4-hour on-site clock three quarters gone: at risk
	Request(
		"rescue-at-risk",
		"Emergency Rescue",
		"york-2026",
		3.2,
		"In Progress",
		"Genset stopped on low oil pressure during a mains failure",
		acknowledged=0.2,
	),
	# the 48-hour on-site clock run out: breached
	Request(
		"field-breached",
		"Field Maintenance",
		"leeds-2025",
		60,
		"Open",
		"Battery charger alarm every morning",
		acknowledged=1.5,
	),
	Request(
		"remote-open",
		"Remote Support",
		"sheffield-2025",
		0.5,
		"Open",
		"Controller shows a CAN ECU warning; what does it mean?",
	),
	Request(
		"parts-resolved",
		"Spare Parts Supply",
		"leeds-2024",
		240,
		"Resolved",
		"Fuel filters and an air filter element",
		acknowledged=3,
		resolved=40,
	),
	Request(
		"upgrade-held",
		"Technology Upgrading",
		"york-2024",
		72,
		"On Hold",
		"Controller firmware to the version with remote start",
		acknowledged=6,
	),
	Request(
		"rescue-closed",
		"Emergency Rescue",
		"york-2024",
		900,
		"Closed",
		"Overspeed shutdown at a load test",
		acknowledged=0.3,
		resolved=3.5,
	),
	Request(
		"field-resolved",
		"Field Maintenance",
		"sheffield-2025",
		500,
		"Resolved",
		"Coolant leak at the lower hose",
		acknowledged=2,
		resolved=20,
	),
)

# the week the dispatch board is given: visits due in the next days, not yet scheduled
DISPATCH_VISITS = 14
NOTE = "Genset Service demo"

# which states of each of the 18 services the demo shows (README's table; the demo's test checks
# each): a planned service's tasks by status, an on-demand service's requests by status (and clock
# state), and the documents behind them
STATES: dict[int, tuple[str, ...]] = {
	1: ("Done",),  # consultations logged on a lead
	2: ("Done",),  # each submitted order
	3: ("Done", "Due"),  # inspected before each delivery; the open order's is due
	4: ("Done", "Due"),  # arrived gensets; the shipment's, in transit
	5: ("Done", "Planned"),
	6: ("Done", "Due"),  # the arrived genset's commissioning is due
	7: ("Done", "Planned"),
	8: ("Done", "Planned"),
	9: ("Done", "Overdue", "Planned"),
	10: ("Open",),
	11: ("Open", "Resolved", "Breached"),
	12: ("Resolved",),
	13: ("Done", "Planned"),
	14: ("On Hold",),
	15: ("Done", "Planned"),
	16: ("Due", "Applied"),  # an offer due; an extension sold and applied
	17: ("In Progress", "Closed", "At Risk"),
	18: ("Done", "Answered", "Planned"),
}
