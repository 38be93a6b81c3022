"""Who is told what of a shipment: the customer by email (departure, customs hold, delivery, an ETA
that moved more than the setting), the engineers whose arrival or installation visit moved (a desk
notification), and the Logistics Specialists of shipments that went silent or are late (daily)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, cint, format_date, format_datetime, get_url, getdate, nowdate

from genset_service.access.guard import app_action
from genset_service.logistics import model as M
from genset_service.logistics.common import SHIPMENT
from genset_service.scheduling.common import bulk_update, notify_users, send_email_safely, settings

SUBJECTS = {
	"departure": "Your generator set is on its way ({0})",
	"customs": "Your generator set is held at customs ({0})",
	"delivered": "Your generator set has arrived ({0})",
	"eta": "New arrival date for your generator set: {1} ({0})",
}


def customer_recipients(customers: list[str]) -> dict[str, list[str]]:
	"""The enabled portal users of each customer (one query)."""
	if not customers:
		return {}
	portal_user = frappe.qb.DocType("Portal User")
	user = frappe.qb.DocType("User")
	rows = (
		frappe.qb.from_(portal_user)
		.join(user)
		.on(user.name == portal_user.user)
		.select(portal_user.parent, user.email)
		.where(portal_user.parenttype == "Customer")
		.where(portal_user.parent.isin(customers))
		.where(user.enabled == 1)
		.run()
	)
	out = defaultdict(list)
	for customer, email in rows:
		if email:
			out[customer].append(email)
	return out


# more notices than this (a carrier's batch) are emailed by a background job
INLINE_NOTICES = 5


def tell_customers(notices: list[tuple[str, list[str]]]) -> None:
	"""Email the customers of these shipments what happened (``notices``: (shipment, [kinds])): a few
	at once, many (a carrier's batch) in the background, so that the webhook answers fast."""
	if not notices:
		return
	if len(notices) > INLINE_NOTICES:
		frappe.enqueue(
			"genset_service.logistics.notify.send_notices",
			queue="short",
			notices=notices,
			enqueue_after_commit=True,
		)
		return
	send_notices(notices)


@app_action
def send_notices(notices: list) -> None:
	"""One email per shipment and notice: what happened, the ETA, the carrier's tracking link and the
	timeline so far (the shipments and their logs read in one query each)."""
	from genset_service.logistics.common import MILESTONE

	names = [name for name, _kinds in notices]
	docs = {
		row.name: row
		for row in frappe.get_all(
			SHIPMENT,
			filters={"name": ("in", names)},
			fields=["name", "customer", "lane", "eta", "tracking_url"],
		)
	}
	logs = defaultdict(list)
	for row in frappe.get_all(
		MILESTONE,
		filters={"shipment": ("in", names)},
		fields=["shipment", "milestone", "event_time", "place", "reason"],
		order_by="event_time asc, creation asc",
	):
		logs[row.shipment].append(row)
	recipients = customer_recipients(sorted({doc.customer for doc in docs.values() if doc.customer}))
	for name, kinds in notices:
		doc = docs.get(name)
		emails = recipients.get(doc.customer) if doc else None
		if not emails:
			continue
		for kind in kinds:
			eta = format_date(doc.eta) if doc.eta else _("not known yet")
			subject = _(SUBJECTS[kind]).format(doc.lane or doc.name, eta)
			send_email_safely(emails, subject, _message(doc, logs[name], kind), SHIPMENT, doc.name)


def _message(doc, log, kind: str) -> str:
	escape = frappe.utils.escape_html
	lines = "".join(
		f"<li>{format_datetime(row.event_time)}: {escape(_(row.milestone))}"
		+ (f", {escape(row.place)}" if row.place else "")
		+ (f" ({escape(row.reason)})" if row.reason else "")
		+ "</li>"
		for row in log
	)
	link = (
		f'<p><a href="{escape(doc.tracking_url)}">{_("Track with the carrier")}</a></p>'
		if doc.tracking_url
		else ""
	)
	lead = {
		"departure": _("Your generator set has left on its way to you."),
		"customs": _("Your generator set is held at customs. We are working on its release."),
		"delivered": _(
			"Your generator set has been delivered at your site. Our engineer will contact you for the arrival check and the installation."
		),
		"eta": _("The expected arrival of your generator set has changed."),
	}[kind]
	portal = _("See your generators on the portal")
	return (
		f"<p>{lead}</p>"
		f"<p><b>{_('Shipment')}</b>: {frappe.utils.escape_html(doc.lane or doc.name)}<br>"
		f"<b>{_('Expected arrival')}</b>: {format_date(doc.eta) if doc.eta else _('not known yet')}</p>"
		f"{link}<ul>{lines}</ul>"
		f'<p><a href="{get_url("/my_gensets")}">{portal}</a></p>'
	)


def tell_engineers(before: dict, after: dict) -> None:
	"""The engineers whose assigned arrival or installation visit (a service that hangs on the arrival)
	moved: one desk notification per engineer, naming the first visit and how many moved."""
	from genset_service.planning import Event
	from genset_service.scheduling.common import get_rules

	at_arrival = {rule.name for rule in get_rules() if rule.anchor == Event.ARRIVAL}
	by_user = defaultdict(list)
	for name, old in before.items():
		new = after.get(name)
		if not new or new.service_type not in at_arrival:
			continue
		if str(new.due_from) != str(old.due_from) or str(new.due_to) != str(old.due_to):
			by_user[new.assigned_to].append(new)
	for user, tasks in by_user.items():
		tasks.sort(key=lambda task: (str(task.due_from), task.name))
		first = tasks[0]
		subject = _("{0} for {1} moved to {2} - {3}: its shipment's arrival changed.").format(
			_(first.service_type), first.unit, format_date(first.due_from), format_date(first.due_to)
		)
		if len(tasks) > 1:
			subject += " " + _("{0} more of your visits moved with it.").format(len(tasks) - 1)
		notify_users([user], subject, "Genset Service Task", first.name)


@app_action
def watch_shipments() -> dict:
	"""Daily: days late brought up to date, and the Logistics Specialists told (once a day at most per
	shipment) of a shipment with no milestone for the set number of days or whose ETA has passed."""
	from genset_service.scheduling.requests import users_with_role

	today = getdate(nowdate())
	silence = cint(settings().get("shipment_silence_days")) or 5
	rows = frappe.get_all(
		SHIPMENT,
		filters={"status": ("in", M.Status.LIVE)},
		fields=[
			"name",
			"lane",
			"eta",
			"planned_eta",
			"last_event_on",
			"creation",
			"silence_noticed_on",
			"late_noticed_on",
		],
	)
	specialists = users_with_role("Logistics Specialist")
	updates, silent, late = {}, [], []
	for row in rows:
		values = {
			"days_late": M.days_late(
				getdate(row.eta) if row.eta else None, getdate(row.planned_eta), None, today
			)
		}
		last = getdate(row.last_event_on or row.creation)
		if last <= add_days(today, -silence) and str(row.silence_noticed_on or "") != str(today):
			silent.append(row)
			values["silence_noticed_on"] = today
		if row.eta and getdate(row.eta) < today and str(row.late_noticed_on or "") != str(today):
			late.append(row)
			values["late_noticed_on"] = today
		updates[row.name] = values
	bulk_update(SHIPMENT, updates, update_modified=False)
	for row in silent:
		notify_users(
			specialists,
			_("Shipment {0} ({1}) has had no milestone for {2} days or more.").format(
				row.name, row.lane, silence
			),
			SHIPMENT,
			row.name,
		)
	for row in late:
		notify_users(
			specialists,
			_("Shipment {0} ({1}) is past its ETA of {2} and not delivered.").format(
				row.name, row.lane, format_date(row.eta)
			),
			SHIPMENT,
			row.name,
		)
	return {"shipments": len(rows), "silent": len(silent), "late": len(late)}
