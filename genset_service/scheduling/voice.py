"""The customer's voice: return visits (service 15), operation training (7) and satisfaction surveys
(18). Each completes its planned task; a low survey score opens a follow-up."""

import frappe
from frappe import _
from frappe.utils import flt, get_url, getdate, nowdate

from genset_service.access.guard import app_action
from genset_service.planning import TaskStatus
from genset_service.scheduling.common import (
	SERVICE_TYPE,
	TASK,
	TransactionLost,
	bulk_update,
	insert_if_absent,
	live_unit,
	send_email_safely,
	settings,
)
from genset_service.scheduling.tasks import close_task, close_todos, open_service_task, reopen_task

SURVEY = "Genset Satisfaction Survey"
SURVEY_SERVICE = "Satisfaction Survey"
FOLLOW_UP_SERVICE = "Survey Follow-up"
RATINGS = ("overall", "response_speed", "engineer_skill", "product_quality")
MAX_SUGGESTIONS = 5000


# ------------------------------------------------------------------ visits that complete a task
def validate_visit(doc, service_type: str) -> None:
	doc.customer = live_unit(doc.unit, ["customer"]).customer
	if doc.task:
		task = frappe.db.get_value(TASK, doc.task, ["service_type", "unit"], as_dict=True)
		if task.service_type != service_type or task.unit != doc.unit:
			frappe.throw(
				_("Task {0} is not a {1} of genset {2}.").format(doc.task, _(service_type), doc.unit),
				title=_("Wrong Task"),
			)


def complete_visit_task(doc, service_type: str, day, by: str) -> None:
	"""Complete the visit's task: the one named, or the unit's earliest open one of that service."""
	name = doc.task or frappe.db.get_value(
		TASK,
		{"unit": doc.unit, "service_type": service_type, "status": ("in", TaskStatus.OPEN)},
		"name",
		order_by="due_from asc",
	)
	if not name:
		return
	close_task(name, day, by)
	doc.db_set("task", name)


def reopen_visit_task(doc) -> None:
	if doc.task:
		reopen_task(doc.task)


# ------------------------------------------------------------------ surveys
@app_action
def send_due_surveys() -> list[str]:
	"""Daily: one survey per contract and survey round whose task is due, emailed to the customer with
	a link to answer it. The round's tasks of every genset of the contract share that survey. Nothing
	is sent while the Satisfaction Survey service is disabled."""
	if not frappe.db.get_value(SERVICE_TYPE, SURVEY_SERVICE, "enabled"):
		return []
	tasks = frappe.get_all(
		TASK,
		filters={
			"service_type": SURVEY_SERVICE,
			"status": ("in", TaskStatus.OPEN),
			"due_from": ("<=", nowdate()),
			"contract": ("is", "set"),
		},
		fields=["contract", "occurrence", "customer", "company"],
	)
	rounds = {(t.contract, t.occurrence): t for t in tasks}
	if not rounds:
		return []
	sent = {
		(s.contract, s.occurrence)
		for s in frappe.get_all(
			SURVEY,
			filters={"contract": ("in", list({c for c, _o in rounds}))},
			fields=["contract", "occurrence"],
		)
	}
	emails = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ("in", list({t.customer for t in rounds.values()}))},
			fields=["name", "email_id"],
			as_list=True,
		)
	)
	made = []
	try:
		for (contract, occurrence), task in rounds.items():
			if (contract, occurrence) not in sent and (name := make_survey(task, emails.get(task.customer))):
				made.append(name)
	except TransactionLost:
		return []  # another worker is making these surveys; nothing of this run was kept
	return made


def make_survey(task, email: str | None) -> str | None:
	"""The round's survey, inserted only if absent (``survey_key`` is unique: a second run of the job
	at the same moment finds it taken and sends nothing), then emailed when it can be. A survey that
	cannot be emailed is still made (the portal shows it); what fails is logged, never raised."""
	survey = insert_if_absent(
		{
			"doctype": SURVEY,
			"contract": task.contract,
			"occurrence": task.occurrence,
			"customer": task.customer,
			"sent_on": nowdate(),
			"sent_to": email,
			"access_key": frappe.generate_hash(length=20),
		},
		f"Genset survey for {task.contract} round {task.occurrence}",
	)
	if not survey:
		return None
	if email:
		email_survey(survey, email)
	else:
		survey.add_comment("Info", _("Not emailed: customer {0} has no email address.").format(task.customer))
	return survey.name


def email_survey(survey, email: str) -> None:
	sent = send_email_safely(
		[email],
		_("How are we doing? Your generator service survey"),
		_(
			"Dear {0},<br><br>Please tell us how your generator sets and our service are doing: "
			"<a href='{1}'>answer the two-minute survey</a>.<br><br>Thank you."
		).format(frappe.utils.escape_html(survey.customer_name or survey.customer), survey_link(survey)),
		SURVEY,
		survey.name,
	)
	if not sent:
		survey.db_set("sent_to", None)
		survey.add_comment("Info", _("Not emailed to {0}: see the Error Log.").format(email))


def survey_link(survey) -> str:
	return get_url(f"/genset_survey?name={survey.name}&key={survey.access_key}")


def answer_survey(survey, answers: dict) -> None:
	"""Record the customer's answers, complete the round's tasks, and open a follow-up on a low score."""
	if survey.status == "Answered":
		frappe.throw(
			_("This survey was already answered on {0}. Thank you!").format(
				frappe.format(survey.answered_on, "Date")
			)
		)
	for field in RATINGS:
		value = answers.get(field)
		if value is None or int(value) != flt(value) or not 1 <= int(value) <= 5:
			frappe.throw(
				_("{0} must be a whole number from 1 to 5, not {1}.").format(
					frappe.bold(_(survey.meta.get_label(field))), value
				),
				title=_("Invalid Answer"),
			)
	nps = answers.get("nps")
	if nps is None or int(nps) != flt(nps) or not 0 <= int(nps) <= 10:
		frappe.throw(
			_("The recommendation score must be a whole number from 0 to 10, not {0}.").format(nps),
			title=_("Invalid Answer"),
		)
	suggestions = answers.get("suggestions") or ""
	if len(suggestions) > MAX_SUGGESTIONS:
		frappe.throw(
			_("Suggestions are too long ({0} characters, at most {1}).").format(
				len(suggestions), MAX_SUGGESTIONS
			)
		)
	survey.update({field: int(answers[field]) for field in RATINGS})
	survey.nps = int(nps)
	survey.suggestions = suggestions
	survey.status = "Answered"
	survey.answered_on = nowdate()
	survey.flags.ignore_permissions = True
	survey.save()

	close_round(survey)
	if is_low(survey):
		survey.db_set("follow_up_task", _open_follow_up(survey))


def close_round(survey) -> list[str]:
	"""The round's open tasks (one per genset of the contract) are Done, and so are their ToDos: an
	assignee's open ToDo count decides the next least-loaded assignment."""
	names = frappe.get_all(
		TASK,
		filters={
			"contract": survey.contract,
			"service_type": SURVEY_SERVICE,
			"occurrence": survey.occurrence,
			"status": ("in", TaskStatus.OPEN),
		},
		pluck="name",
	)
	today = nowdate()
	bulk_update(TASK, {name: {"status": TaskStatus.DONE, "completed_on": today} for name in names})
	close_todos(names)
	return names


def is_low(survey) -> bool:
	threshold = int(settings().survey_alert_at_or_below or 0)
	return min(survey.get(field) for field in RATINGS) <= threshold or survey.nps <= 6


def _open_follow_up(survey) -> str:
	return open_service_task(FOLLOW_UP_SERVICE, survey, getdate(), contract=survey.contract)
