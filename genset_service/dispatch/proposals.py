"""Optimise, review, apply or discard: an optimiser run writes a Genset Dispatch Proposal and nothing
else; applying it first reads the site again and has the independent checker verify every stop, then
writes dates, engineers, order and ToDos in bulk and mails each engineer their visits once; discarding
it changes nothing."""

import dataclasses
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import escape_html, get_datetime, get_url, getdate, now_datetime

from genset_service.access.guard import app_action
from genset_service.dispatch import site as dispatch_site
from genset_service.dispatch.baselines import least_loaded
from genset_service.dispatch.check import check, travel_km
from genset_service.dispatch.model import Proposal, Stop
from genset_service.dispatch.solver import solve, solve_by_territory
from genset_service.scheduling.common import (
	TASK,
	bulk_insert,
	bulk_update,
	send_email_safely,
	set_assign,
	standard_values,
)
from genset_service.scheduling.large_delivery import workers_alive

PROPOSAL = "Genset Dispatch Proposal"
PROGRESS_EVENT = "genset_dispatch_progress"
BY_TERRITORY_ABOVE = 400  # visits: a larger problem is solved territory by territory
SHOWN = 10  # violations named in a message


@app_action
def propose(from_date, to_date, engineers: list[str] | None = None, territory: str | None = None) -> str:
	"""Optimise the open work of these days for these engineers into a new Draft proposal (in the
	background when the work is large); returns its name."""
	found = dispatch_site.read(from_date, to_date, engineers, territory)
	doc = frappe.get_doc(
		{
			"doctype": PROPOSAL,
			"from_date": from_date,
			"to_date": to_date,
			"territory": territory,
			"engineers": [{"engineer": name} for name in engineers or []],
			"visit_count": len(found.problem.visits) + len(found.no_place),
		}
	)
	if len(found.problem.visits) > dispatch_site.background_threshold() and workers_alive():
		doc.status, doc.progress = "Queued", 0
		doc.insert()
		frappe.enqueue(
			"genset_service.dispatch.proposals.solve_in_background",
			queue="long",
			timeout=1800,
			job_id=f"genset_service::dispatch::{doc.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			proposal=doc.name,
		)
		return doc.name
	fill(doc, found)
	doc.insert()
	return doc.name


@app_action
def solve_in_background(proposal: str) -> str:
	doc = frappe.get_doc(PROPOSAL, proposal)
	if doc.status != "Queued":
		return doc.status
	_progress(doc, 10)
	try:
		found = dispatch_site.read(doc.from_date, doc.to_date, _engineers(doc), doc.territory)
		fill(doc, found)
	except Exception as error:
		frappe.db.rollback()
		doc.reload()
		doc.status, doc.check_result = "Failed", str(error)[:1000]
		doc.save(ignore_permissions=True)
		# the job's own record of its failure
		frappe.db.commit()  # nosemgrep
		raise
	doc.save(ignore_permissions=True)
	_progress(doc, 100)
	return doc.status


def _progress(doc, percent: int) -> None:
	doc.db_set("progress", percent, update_modified=False)
	frappe.publish_realtime(
		PROGRESS_EVENT,
		{"proposal": doc.name, "progress": percent},
		doctype=PROPOSAL,
		docname=doc.name,
		after_commit=True,
	)


def _engineers(doc) -> list[str] | None:
	return [row.engineer for row in doc.engineers] or None


def fill(doc, found: dispatch_site.Site) -> None:
	"""Solve, check, measure against the least-loaded plan and write the result on the proposal."""
	problem = found.problem
	optimiser = solve_by_territory if len(problem.visits) > BY_TERRITORY_ABOVE else solve
	proposal = optimiser(problem) if problem.visits else Proposal(solver="VROOM")
	violations = check(problem, proposal)
	doc.solver, doc.solve_seconds = proposal.solver, proposal.seconds
	doc.placed_count = len(proposal.stops)
	doc.travel_km = travel_km(problem, proposal)
	doc.baseline_km = travel_km(problem, least_loaded(problem))
	doc.check_result = _describe(violations) or _(
		"Holds: skills, windows, deadlines, working hours, no double booking."
	)
	doc.status, doc.progress = ("Failed" if violations else "Draft"), 100
	doc.set("stops", [])
	order = {}
	for stop in sorted(proposal.stops, key=lambda s: (s.engineer, s.start)):
		order[(stop.engineer, stop.shift)] = order.get((stop.engineer, stop.shift), 0) + 1
		task = found.tasks[stop.visit]
		doc.append(
			"stops",
			{
				"task": stop.visit,
				"service_type": task.service_type,
				"unit": task.unit,
				"engineer": stop.engineer,
				"start": found.at(stop.start),
				"end": found.at(stop.end),
				"route_order": order[(stop.engineer, stop.shift)],
			},
		)
	doc.set("unassigned", [])
	for task, reason in sorted({**proposal.unassigned, **found.no_place}.items()):
		doc.append(
			"unassigned",
			{"task": task, "service_type": found.tasks[task].service_type, "reason": _(reason)},
		)


def _describe(violations: list[str]) -> str:
	if not violations:
		return ""
	more = len(violations) - SHOWN
	return "\n".join(violations[:SHOWN] + ([_("and {0} more").format(more)] if more > 0 else []))


# ------------------------------------------------------------------ apply, discard
def _locked(name: str):
	status = frappe.db.get_value(PROPOSAL, name, "status", for_update=True)
	if status is None:
		frappe.throw(_("Dispatch Proposal {0} not found.").format(name), frappe.DoesNotExistError)
	return status


def verify(doc) -> tuple[dispatch_site.Site, list[str]]:
	"""Read the site again for the proposal's days and engineers and check the proposal against it:
	as of when it was made (so that the seconds since do not shorten today's hours), and none of its
	visits may start before now."""
	names = [row.task for row in doc.stops] + [row.task for row in doc.unassigned]
	found = dispatch_site.read(
		doc.from_date, doc.to_date, _engineers(doc), doc.territory, tasks=names, now=doc.creation
	)
	known = {visit.id for visit in found.problem.visits}
	now = now_datetime()
	violations = [
		_(
			"{0} is no longer open work for these engineers (done, cancelled, moved or given to someone else)."
		).format(row.task)
		for row in doc.stops
		if row.task not in known
	] + [
		_("{0} would start at {1}, which has passed.").format(row.task, frappe.format(row.start, "Datetime"))
		for row in doc.stops
		if get_datetime(row.start) < now
	]
	stops = []
	for row in doc.stops:
		if row.task not in known:
			continue
		start = found.seconds(row.start)
		shift = found.shift_index(row.engineer, get_datetime(row.start).date())
		if shift is None:
			violations.append(
				_("{0}: {1} does not work on {2}.").format(
					row.task, row.engineer, frappe.format(row.start, "Date")
				)
			)
			continue
		stops.append(Stop(row.task, row.engineer, shift, start, found.seconds(row.end)))
	placed = {stop.visit for stop in stops}
	unassigned = {
		row.task: row.reason for row in doc.unassigned if row.task in known and row.task not in placed
	}
	problem = found.problem
	checked = dataclasses.replace(
		problem, visits=tuple(v for v in problem.visits if v.id in placed or v.id in unassigned)
	)
	return found, violations + check(checked, Proposal(stops=stops, unassigned=unassigned))


@app_action
def apply(name: str) -> dict:
	"""Write a Draft proposal to the site, once: dates, engineers, order and ToDos."""
	status = _locked(name)
	if status != "Draft":
		frappe.throw(
			_("Dispatch Proposal {0} is {1}: only a Draft proposal can be applied.").format(name, _(status)),
			title=_("Not a Draft"),
		)
	doc = frappe.get_doc(PROPOSAL, name)
	found, violations = verify(doc)
	if violations:
		frappe.throw(
			_("The proposal no longer holds; optimise again:")
			+ "<br>"
			+ _describe(violations).replace("\n", "<br>"),
			title=_("Proposal Refused by the Check"),
		)
	write_stops(doc, found)
	mailed = notify_engineers(doc, found)
	doc.db_set({"status": "Applied", "applied_on": now_datetime(), "applied_by": frappe.session.user})
	return {"proposal": name, "status": "Applied", "applied": len(doc.stops), "engineers_mailed": mailed}


def write_stops(doc, found: dispatch_site.Site) -> None:
	"""Each stop's task gets its date, engineer and order; its ToDo follows the engineer (the old
	engineer's ToDo is cancelled, the new one's dated the day of the visit); requests learn when the
	engineer is expected."""
	if not doc.stops:
		return
	user_of = {name: row.user for name, row in found.engineers.items()}
	tasks = {row.task: row for row in doc.stops}
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": TASK, "reference_name": ("in", list(tasks)), "status": "Open"},
		fields=["name", "reference_name", "allocated_to"],
	)
	kept, cancelled, holding = {}, {}, set()
	for todo in todos:
		stop = tasks[todo.reference_name]
		if todo.allocated_to == user_of[stop.engineer]:
			kept[todo.name] = {"date": getdate(stop.start)}
			holding.add(todo.reference_name)
		else:
			cancelled[todo.name] = {"status": "Cancelled"}
	bulk_update("ToDo", {**cancelled, **kept})
	base = standard_values()
	bulk_insert(
		"ToDo",
		[
			{
				**base,
				"name": frappe.generate_hash(length=10),
				"status": "Open",
				"priority": "Medium",
				"date": getdate(stop.start),
				"allocated_to": user_of[stop.engineer],
				"description": _("{0} at {1} ({2}), {3}").format(
					_(stop.service_type),
					found.tasks[stop.task].customer_name or found.tasks[stop.task].customer,
					stop.unit,
					frappe.format(stop.start, "Datetime"),
				),
				"reference_type": TASK,
				"reference_name": stop.task,
				"assigned_by": frappe.session.user,
			}
			for stop in doc.stops
			if stop.task not in holding
		],
	)
	assign = set_assign({task: user_of[stop.engineer] for task, stop in tasks.items()})
	bulk_update(
		TASK,
		{
			task: {
				"scheduled_start": stop.start,
				"scheduled_end": stop.end,
				"route_order": stop.route_order,
				"assigned_to": user_of[stop.engineer],
				"_assign": assign[task],
				"dispatch_proposal": doc.name,
			}
			for task, stop in tasks.items()
		},
	)
	bulk_update(
		dispatch_site.REQUEST,
		{
			found.tasks[task].reference_name: {"expected_on_site": stop.start}
			for task, stop in tasks.items()
			if found.tasks[task].reference_doctype == dispatch_site.REQUEST
		},
	)


def notify_engineers(doc, found: dispatch_site.Site) -> int:
	"""One email per engineer listing their visits of the applied proposal in order (the bulk writes
	send no assignment mails, and one digest is better than a mail per visit), with a link to the phone
	app. Returns how many engineers were mailed."""
	user_of = {name: row.user for name, row in found.engineers.items()}
	visits = defaultdict(list)
	for stop in sorted(doc.stops, key=lambda row: get_datetime(row.start)):
		visits[user_of[stop.engineer]].append(stop)
	link = get_url("/field")
	open_them = _("Open them in Genset Field")
	for user, stops in visits.items():
		lines = "".join(
			"<li>{} &ndash; {} &middot; {} &middot; {} &middot; {}</li>".format(
				frappe.format(stop.start, "Datetime"),
				frappe.format(get_datetime(stop.end).time(), "Time"),
				escape_html(_(stop.service_type)),
				escape_html(found.tasks[stop.task].customer_name or found.tasks[stop.task].customer or ""),
				escape_html(stop.unit or ""),
			)
			for stop in stops
		)
		send_email_safely(
			[user],
			_("Your visits from {0} to {1}: {2}").format(
				frappe.format(doc.from_date, "Date"), frappe.format(doc.to_date, "Date"), len(stops)
			),
			f'<ul>{lines}</ul><p><a href="{link}">{open_them}</a></p>',
			PROPOSAL,
			doc.name,
		)
	return len(visits)


@app_action
def discard(name: str) -> dict:
	"""A proposal not applied is set aside; the site is as it was."""
	status = _locked(name)
	if status not in ("Draft", "Failed", "Queued"):
		frappe.throw(
			_("Dispatch Proposal {0} is {1}: it cannot be discarded.").format(name, _(status)),
			title=_("Cannot Discard"),
		)
	frappe.db.set_value(PROPOSAL, name, "status", "Discarded")
	return {"proposal": name, "status": "Discarded"}
