"""Who may write which field of the app's records, decided on the server: the rule as data (pure, no Frappe).

Every field of every app DocType falls in one group, and a group says which roles may give it a value on
a new record and which may change it on a saved one:

- a new record: a value given by a role that may not is **reset** to the field's default, and the app
  fills it (the opening time of a request is the server's time, whoever sends one);
- a saved record: a change by a role that may not is **refused** (403, naming the field).

The groups come from two places. Explicit groups below (``GROUPS``) for the fields a KPI or a clock
reads, the statuses, and what each role may do on a request. Every other field follows the DocType's
own metadata: a field that is Read Only in the form is written by the app alone, on the server too; an
editable field by the roles whose DocPerm gives create (new) and write (saved). A field the metadata
adds later is therefore ruled the day it is added, and ``tests/test_access_rules.py`` fails when a field
of the explicit groups disappears.

The app's own actions (its endpoints, its hooks, its jobs) are not ruled by this: they are the only way
to write an app-only field. ``docs/permissions.md`` is generated from this module (``markdown()``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ALLOWED, RESET, REFUSED, NEEDS_REASON = "allowed", "reset", "refused", "needs a reason"

MANAGERS = frozenset({"System Manager", "Service Manager"})
ENGINEERS = frozenset({"Technical Engineer", "After-sales Engineer"})
SUPPORT = frozenset({"Technical Support", "Customer Service Specialist"})
SALES = frozenset({"Sales Manager"})
LOGISTICS = frozenset({"Logistics Specialist"})
STAFF = MANAGERS | ENGINEERS | SUPPORT | SALES | LOGISTICS
CUSTOMER = frozenset({"Customer"})
APP = frozenset()  # nobody: only the app's own actions
ROLES = tuple(sorted(STAFF | CUSTOMER))

# placeholders resolved per DocType from its DocPerms
CREATORS = frozenset({"<creators>"})
WRITERS = frozenset({"<writers>"})
LAYOUT = frozenset({"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Heading", "Fold"})
TABLES = frozenset({"Table", "Table MultiSelect"})


@dataclass(frozen=True)
class Group:
	"""Fields that share who may write them."""

	name: str
	fields: tuple[str, ...]
	create: frozenset[str]
	change: frozenset[str]
	# a role outside `change` may still make these moves of the field's value: {role: {(from, to)}}
	moves: Mapping[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
	# a change is taken only with this field given a new value in the same save (the correction's reason)
	reason: str | None = None


# the explicit groups: what a KPI or a clock reads, statuses, and the customer's part of a request
CLOCK_TIMES = ("opening_date", "acknowledged_on", "on_site_on", "restored_on")
CORRECTION_REASON = "clock_correction_reason"
GROUPS: dict[str, tuple[Group, ...]] = {
	"Genset Service Request": (
		Group("the customer's words", ("description", "urgent"), CREATORS, WRITERS),
		# what the request is for and whose it is: given when it is opened, never moved after
		Group("what and whose", ("service_type", "unit", "customer", "company"), CREATORS, APP),
		Group("how it came", ("channel",), STAFF, APP),
		# a request opens Open, whoever opens it; staff move it on; a customer may only cancel it while
		# it is still open
		Group("status", ("status",), APP, STAFF, moves={"Customer": frozenset({("Open", "Cancelled")})}),
		Group("triage", ("hold_reason", "resolution"), STAFF, STAFF),
		# a customer's own priority is refused by the app's rule (403): the customer marks it urgent
		Group("priority", ("priority",), STAFF | CUSTOMER, STAFF),
		# the times the three clocks read: the app's own (opening, the first response, the check-in, the
		# restoration); a manager corrects one only with a reason, kept in the request's history
		Group("clock times", CLOCK_TIMES, APP, MANAGERS, reason=CORRECTION_REASON),
		Group("correction reason", (CORRECTION_REASON,), APP, MANAGERS),
		Group("priority confirmed", ("priority_confirmed",), APP, APP),
	),
	"Genset Service Task": (
		# the plan's own facts: a manual task is given them once, the plan moves them after
		Group(
			"the plan",
			(
				"service_type",
				"due_from",
				"due_to",
				"due_hours",
				"responsible_role",
				"unit",
				"customer",
				"company",
				"contract",
				"lead",
				"contact_email",
			),
			CREATORS,
			APP,
		),
		# who goes when: the dispatchers (the board and proposals are the app's own ways)
		Group("dispatch", ("assigned_to", "scheduled_start"), MANAGERS, MANAGERS),
		# a task with no document of its own is done by its status; when it was done is the app's
		Group("status", ("status",), APP, WRITERS),
		Group("notes", ("notes",), CREATORS, WRITERS),
	),
	"Genset Unit": (
		Group("site", ("site_address",), MANAGERS, WRITERS),
		# the real arrival and commissioning move the plan and start the warranty
		Group("arrival", ("arrival_date",), MANAGERS, MANAGERS | LOGISTICS | ENGINEERS),
		Group("commissioning", ("commissioning_date",), MANAGERS, MANAGERS | ENGINEERS),
	),
	"Genset Running Hours Reading": (
		# a reading is a log entry: given once, never rewritten (a wrong one is answered by a new one)
		Group("the reading", ("unit", "reading_time", "hours", "meter_replaced", "remarks"), CREATORS, APP),
	),
	"Genset Satisfaction Survey": (
		# answered by the customer through the survey link (the app), or taken on the phone by the
		# customer service team; never by the people it scores
		Group(
			"answers",
			("overall", "response_speed", "engineer_skill", "product_quality", "nps", "suggestions"),
			MANAGERS | frozenset({"Customer Service Specialist"}),
			MANAGERS | frozenset({"Customer Service Specialist"}),
		),
		Group("whose", ("contract", "customer"), CREATORS, APP),
	),
	"Genset Service Contract": (Group("whose", ("customer", "company"), CREATORS, APP),),
	# lateness is measured against the arrival promised at booking: given once
	"Genset Shipment": (Group("the promise", ("planned_eta",), CREATORS, APP),),
	# a milestone is a log entry: given once, never rewritten (a wrong one is answered by a new one)
	"Genset Shipment Milestone": (
		Group(
			"the event",
			("shipment", "milestone", "event_time", "place", "new_eta", "unit", "reason", "details"),
			CREATORS,
			APP,
		),
	),
	"Genset Warranty Extension": (Group("whose", ("customer", "company"), CREATORS, APP),),
}
# whose work a record is: the field naming the person who did it. A role outside ``WRITES_ANY_WORK``
# records only its own work: the record names the user (as stored and as sent), and its task, when
# given to someone, is the user's. A manager records for anyone; the phone records as its engineer.
OWN_WORK: dict[str, str] = {
	"Genset Inspection": "inspector",
	"Genset Service Report": "engineer",
	"Genset Operation Training": "trainer",
	"Genset Return Visit": "visited_by",
}
WRITES_ANY_WORK = MANAGERS
# what a user does to a work record that is bound to its being the user's own (reading is not)
WORK_ACTIONS = frozenset({"create", "write", "submit", "cancel", "amend", "delete"})


def records_own_work(roles: Iterable[str], user: str, people: Iterable, task_holder: str | None) -> bool:
	"""May ``user`` write a work record that names ``people`` (its person as stored and as sent) for a
	task held by ``task_holder`` (None when it has no task or the task is given to nobody)?"""
	if frozenset(roles) & WRITES_ANY_WORK:
		return True
	if any(person and person != user for person in people):
		return False
	return not task_holder or task_holder == user


# framework fields Read Only in the form that Frappe itself sets on a new record from the user's side
SET_BY_FRAMEWORK_ON_NEW = frozenset({"amended_from"})


@dataclass(frozen=True)
class FieldRule:
	doctype: str
	fieldname: str
	label: str
	fieldtype: str
	group: str
	create: frozenset[str]
	change: frozenset[str]
	moves: Mapping[str, frozenset[tuple[str, str]]]
	reason: str | None


def data_fields(meta: Mapping) -> list[Mapping]:
	return [f for f in meta.get("fields", []) if f.get("fieldtype") not in LAYOUT and f.get("fieldname")]


def perm_roles(meta: Mapping, right: str) -> frozenset[str]:
	"""The roles whose level-0 DocPerm gives ``right`` (create, write)."""
	return frozenset(
		p["role"] for p in meta.get("permissions", []) if p.get(right) and not p.get("permlevel")
	)


def rules_for(meta: Mapping) -> dict[str, FieldRule]:
	"""Every data field of a DocType (its JSON as a mapping) with who may write it."""
	doctype = meta["name"]
	creators, writers = perm_roles(meta, "create"), perm_roles(meta, "write")

	def resolve(roles: frozenset[str], allowed: frozenset[str]) -> frozenset[str]:
		"""The group's roles that the DocPerms let do it at all (creators for a new record, writers for
		a saved one)."""
		out = roles - CREATORS - WRITERS
		if CREATORS & roles:
			out |= creators
		if WRITERS & roles:
			out |= writers
		return frozenset(out & allowed)

	explicit = {name: group for group in GROUPS.get(doctype, ()) for name in group.fields}
	rules = {}
	for df in data_fields(meta):
		name = df["fieldname"]
		if df.get("fetch_from") and name not in explicit:
			continue  # Frappe itself sets it from its link on every save: the link is what is ruled
		group = explicit.get(name)
		if group is None:
			if df.get("read_only"):
				new = creators if name in SET_BY_FRAMEWORK_ON_NEW else APP
				group = Group("set by the app", (name,), new, APP)
			else:
				group = Group("the record", (name,), CREATORS, WRITERS)
		rules[name] = FieldRule(
			doctype,
			name,
			df.get("label") or name,
			df["fieldtype"],
			group.name,
			resolve(group.create, creators),
			resolve(group.change, writers),
			group.moves,
			group.reason,
		)
	return rules


def custom_field_rules(doctype: str, fields: Iterable[Mapping]) -> dict[str, FieldRule]:
	"""The app's custom fields on another app's DocType: those Read Only in the form are the app's own;
	the editable ones are left to that DocType's permissions (not ruled here)."""
	return {
		f["fieldname"]: FieldRule(
			doctype,
			f["fieldname"],
			f.get("label") or f["fieldname"],
			f["fieldtype"],
			"set by the app",
			APP,
			APP,
			{},
			None,
		)
		for f in fields
		if f.get("read_only") and f.get("fieldtype") not in LAYOUT
	}


def decide(
	rule: FieldRule, roles: Iterable[str], is_new: bool, before=None, after=None, reason_given=False
) -> str:
	"""What becomes of a value a user sends for this field: allowed, reset (a new record), refused or
	needs a reason (a saved record)."""
	roles = frozenset(roles)
	if is_new:
		return ALLOWED if roles & rule.create else RESET
	if roles & rule.change:
		return ALLOWED if not rule.reason or reason_given else NEEDS_REASON
	if any((before, after) in rule.moves.get(role, ()) for role in roles):
		return ALLOWED
	return REFUSED


# ------------------------------------------------------------------ the rule as a table
def _roles_text(roles: frozenset[str]) -> str:
	if not roles:
		return "app only"
	if roles >= STAFF | CUSTOMER:
		return "staff and customers"
	return ", ".join(sorted(roles))


def markdown(metas: Iterable[Mapping], custom: Mapping[str, Iterable[Mapping]]) -> str:
	"""docs/permissions.md's table: per DocType, each field group with who may give it a value on a new
	record and who may change it on a saved one."""
	lines = [
		"| DocType | group | fields | new record: may give a value | saved record: may change |",
		"|---|---|---|---|---|",
	]
	for meta in sorted(metas, key=lambda m: m["name"]):
		if meta.get("istable"):
			continue
		rows: dict[tuple, list[str]] = {}
		for rule in rules_for(meta).values():
			key = (rule.group, rule.create, rule.change, tuple(sorted(rule.moves.items())), rule.reason)
			rows.setdefault(key, []).append(rule.fieldname)
		for (group, create, change, moves, reason), names in rows.items():
			may_change = _roles_text(change)
			if reason:
				may_change += f" (with `{reason}`)"
			for role, pairs in moves:
				may_change += "; " + role + ": " + ", ".join(f"{a} to {b}" for a, b in sorted(pairs))
			lines.append(
				f"| {meta['name']} | {group} | {', '.join(f'`{n}`' for n in names)} | {_roles_text(create)} "
				f"| {may_change} |"
			)
	for doctype in sorted(custom):
		names = sorted(custom_field_rules(doctype, custom[doctype]))
		if names:
			lines.append(
				f"| {doctype} (the app's custom fields) | set by the app | {', '.join(f'`{n}`' for n in names)} "
				"| app only | app only |"
			)
	lines += [
		"",
		"Whose work a record is: a role that is not "
		+ " or ".join(sorted(WRITES_ANY_WORK))
		+ " creates, changes, submits, cancels and deletes only the records that name it and whose task"
		" (when given to someone) is its own:",
		"",
		"| DocType | the person it names |",
		"|---|---|",
	]
	lines += [f"| {doctype} | `{field}` |" for doctype, field in sorted(OWN_WORK.items())]
	return "\n".join(lines) + "\n"
