"""The write rule (genset_service/access/rules.py) on the DocTypes as shipped: who may give or change
each field, the explicit groups still naming real fields, and docs/permissions.md equal to the rule."""

import pytest

from genset_service.access import docs
from genset_service.access import rules as R

METAS = {meta["name"]: meta for meta in docs.metas()}
REQUEST = "Genset Service Request"


def rule(doctype: str, field: str) -> R.FieldRule:
	return R.rules_for(METAS[doctype])[field]


def test_every_explicit_group_names_fields_its_doctype_has():
	for doctype, groups in R.GROUPS.items():
		assert doctype in METAS, doctype
		names = {f["fieldname"] for f in R.data_fields(METAS[doctype])}
		for group in groups:
			missing = set(group.fields) - names
			assert not missing, (doctype, group.name, missing)
			if group.reason:
				assert group.reason in names, (doctype, group.reason)


def test_every_field_of_every_doctype_is_ruled_and_read_only_means_app_only():
	for meta in METAS.values():
		if meta.get("istable"):
			continue
		ruled = R.rules_for(meta)
		explicit = {n for g in R.GROUPS.get(meta["name"], ()) for n in g.fields}
		for df in R.data_fields(meta):
			if df.get("fetch_from") and df["fieldname"] not in explicit:
				assert df["fieldname"] not in ruled  # Frappe sets it from its link on every save
				continue
			got = ruled[df["fieldname"]]
			if df.get("read_only") and df["fieldname"] not in explicit:
				assert got.change == R.APP, (meta["name"], df["fieldname"])
				if df["fieldname"] not in R.SET_BY_FRAMEWORK_ON_NEW:
					assert got.create == R.APP, (meta["name"], df["fieldname"])


@pytest.mark.parametrize("field", ["opening_date", "acknowledged_on", "on_site_on", "restored_on"])
def test_no_one_but_a_manager_with_a_reason_moves_a_clock_time(field):
	clock = rule(REQUEST, field)
	for role in R.ROLES:
		assert R.decide(clock, {role}, is_new=True) == R.RESET, role
		expected = R.NEEDS_REASON if role in R.MANAGERS else R.REFUSED
		assert R.decide(clock, {role}, is_new=False) == expected, role
	assert R.decide(clock, {"Service Manager"}, False, reason_given=True) == R.ALLOWED


@pytest.mark.parametrize(
	"field",
	[
		"on_site_state",
		"acknowledge_by",
		"escalation",
		"checked_in_by",
		"on_site_correction",
		"pauses",
		"task",
	],
)
def test_what_the_app_computes_is_the_apps_alone(field):
	computed = rule(REQUEST, field)
	for role in R.ROLES:
		assert R.decide(computed, {role}, is_new=True) == R.RESET
		assert R.decide(computed, {role}, is_new=False) == R.REFUSED


def test_a_customer_opens_describes_marks_urgent_and_cancels_while_open_and_nothing_else():
	customer = {"Customer"}
	for field in ("description", "urgent", "unit", "service_type"):
		assert R.decide(rule(REQUEST, field), customer, is_new=True) == R.ALLOWED, field
	for field in ("description", "urgent"):
		assert R.decide(rule(REQUEST, field), customer, is_new=False) == R.ALLOWED, field
	status = rule(REQUEST, "status")
	assert R.decide(status, customer, True) == R.RESET  # a new request is Open, whatever is sent
	assert R.decide(status, customer, False, "Open", "Cancelled") == R.ALLOWED
	for move in (
		("Open", "Closed"),
		("In Progress", "Cancelled"),
		("Cancelled", "Open"),
		("Open", "Resolved"),
	):
		assert R.decide(status, customer, False, *move) == R.REFUSED, move
	for field in ("unit", "customer", "service_type", "priority", "resolution", "channel", "hold_reason"):
		assert R.decide(rule(REQUEST, field), customer, is_new=False) == R.REFUSED, field


def test_staff_move_a_request_on_but_never_rewrite_whose_it_is():
	engineer = {"Technical Engineer"}
	for field in ("status", "hold_reason", "priority", "resolution", "description"):
		assert R.decide(rule(REQUEST, field), engineer, is_new=False) == R.ALLOWED, field
	assert R.decide(rule(REQUEST, "status"), engineer, is_new=True) == R.RESET  # every request opens Open
	for field in ("unit", "customer", "service_type", "company", "channel"):
		assert R.decide(rule(REQUEST, field), engineer, is_new=False) == R.REFUSED, field


def test_a_task_is_dispatched_by_dispatchers_and_its_plan_is_the_apps():
	task = "Genset Service Task"
	assert R.decide(rule(task, "assigned_to"), {"Service Manager"}, False) == R.ALLOWED
	assert R.decide(rule(task, "assigned_to"), {"Technical Engineer"}, False) == R.REFUSED
	for field in ("due_from", "due_to", "unit", "customer", "service_type"):
		assert R.decide(rule(task, field), {"Service Manager"}, False) == R.REFUSED, field
	for field in ("completed_on", "completed_by", "plan_key", "occurrence"):
		assert R.decide(rule(task, field), {"System Manager"}, False) == R.REFUSED, field
	assert R.decide(rule(task, "status"), {"Technical Engineer"}, False) == R.ALLOWED


def test_the_people_a_survey_scores_cannot_answer_it():
	nps = rule("Genset Satisfaction Survey", "nps")
	for role in ("Technical Engineer", "After-sales Engineer", "Sales Manager", "Customer"):
		assert R.decide(nps, {role}, False) == R.REFUSED
	assert R.decide(nps, {"Customer Service Specialist"}, False) == R.ALLOWED


def test_a_reading_is_never_rewritten():
	for field in ("hours", "reading_time", "unit"):
		assert R.decide(rule("Genset Running Hours Reading", field), {"System Manager"}, False) == R.REFUSED


def test_roles_are_only_those_the_docperms_allow():
	# Logistics reads requests only: no group of a request lists it
	for got in R.rules_for(METAS[REQUEST]).values():
		assert "Logistics Specialist" not in got.create | got.change


def test_docs_permissions_md_is_the_rule_as_it_is():
	text = docs.DOC.read_text()
	assert docs.with_table(text) == text, "run: python3 -m genset_service.access.docs"
	assert "| Genset Service Request | clock times |" in text


def test_every_work_record_names_its_person_in_a_user_link():
	for doctype, field in R.OWN_WORK.items():
		df = next(f for f in R.data_fields(METAS[doctype]) if f["fieldname"] == field)
		assert (df["fieldtype"], df["options"], df.get("default")) == ("Link", "User", "__user"), doctype
		assert any(f["fieldname"] == "task" for f in R.data_fields(METAS[doctype])), doctype


@pytest.mark.parametrize(
	"roles, people, holder, allowed",
	[
		({"After-sales Engineer"}, ["me@x", "me@x"], None, True),  # his own, no task
		({"After-sales Engineer"}, ["me@x", "me@x"], "me@x", True),  # his own task
		({"After-sales Engineer"}, ["me@x", None], None, True),  # a new record naming him
		({"After-sales Engineer"}, ["you@x", "you@x"], None, False),  # a colleague's
		({"After-sales Engineer"}, ["me@x", "you@x"], None, False),  # taking a colleague's record over
		({"After-sales Engineer"}, ["me@x", "me@x"], "you@x", False),  # a colleague's task
		({"Technical Engineer", "Customer Service Specialist"}, ["you@x"], None, False),
		({"Service Manager"}, ["you@x", "you@x"], "you@x", True),  # a manager, for anyone
		({"System Manager", "After-sales Engineer"}, ["you@x"], "you@x", True),
	],
)
def test_an_engineer_records_only_his_own_work(roles, people, holder, allowed):
	assert R.records_own_work(roles, "me@x", people, holder) is allowed


def test_the_docs_name_whose_work_each_record_is():
	text = docs.table()
	for doctype, field in R.OWN_WORK.items():
		assert f"| {doctype} | `{field}` |" in text
