"""A shipment's journey on the site: milestones recorded in bulk, the shipment's state read from its whole
log, the gensets' plan moved by the ETA, and the people it affects told.

Every way in (the desk, the v1 API, the carrier's webhook, the customer's portal) ends in
``record_events``: a fixed number of statements per batch, whatever its size (the keys already known
read in one query, the new milestones inserted in one, the shipments' logs read in one, shipments,
ERPNext's Shipment headers and units updated in one statement each), then ``follow_plan`` for the units
whose ETA or arrival changed: one bulk re-plan (scheduling/replan.py), inline for a few units; a
carrier's batches and large shipments mark the shipment and one background job at a time re-plans
its gensets, a few shipments per committed round (the marks are in the database: a restart loses
none, and the webhook never waits on a re-plan's locks).
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, nowdate

from genset_service.access.guard import app_action
from genset_service.logistics import model as M
from genset_service.logistics import notify
from genset_service.logistics.common import HEADER, MILESTONE, SHIPMENT, SHIPMENT_UNIT, shipment_units
from genset_service.scheduling.common import TASK, UNIT, UNIT_GONE, bulk_update, settings
from genset_service.scheduling.jobs import job_alive
from genset_service.scheduling.tasks import close_until_arrival

# more units than this are re-planned by a background job
INLINE_UNITS = 50
# how a follow moves the gensets' plan (see follow)
INLINE, BACKGROUND, NOW = "inline", "background", "now"
MILESTONE_FIELDS = (
	"name",
	"shipment",
	"milestone",
	"event_time",
	"place",
	"new_eta",
	"unit",
	"reason",
	"details",
	"source",
	"customer",
	"recorded_by",
	"carrier_account",
	"carrier_event_id",
	"carrier_status",
	"event_key",
	"carrier_key",
)
SHIPMENT_FIELDS = (
	"name",
	"status",
	"customer",
	"company",
	"planned_eta",
	"eta",
	"eta_told",
	"departure_told",
	"delivered_on",
	"shipment",
	"lane",
	"tracking_url",
	"carrier_account",
)


def _events_of(rows) -> list[M.Event]:
	return [
		M.Event(
			milestone=row.milestone,
			time=row.event_time,
			new_eta=getdate(row.new_eta) if row.new_eta else None,
			place=row.place or "",
			reason=row.reason or "",
			unit=row.unit or "",
		)
		for row in rows
	]


# ------------------------------------------------------------------ recording
def check_event(shipment: str, status: str, units: set[str], unit: str | None, when) -> None:
	"""What every way of recording one milestone refuses (the desk form, the v1 API): a cancelled
	shipment, a genset not on it, a time more than a day ahead."""
	if status == M.Status.CANCELLED:
		frappe.throw(_("Shipment {0} is cancelled.").format(shipment), title=_("Cancelled Shipment"))
	if unit and unit not in units:
		frappe.throw(
			_("Genset Unit {0} is not on shipment {1}.").format(unit, shipment), title=_("Invalid Genset")
		)
	if when > now_datetime() + M.FUTURE_TOLERANCE:
		frappe.throw(_("The milestone's time is more than a day ahead."), title=_("Invalid Time"))


@app_action
def record_events(rows: list[dict], source: str, plan: str = INLINE) -> list[dict]:
	"""Record milestones (dicts with shipment, milestone, event_time, and optionally place, new_eta,
	unit, reason, details, carrier_account, carrier_event_id, carrier_status), each once: a row whose
	carrier event id, or whose shipment + milestone + time (+ unit), is already recorded is a replay.
	Returns one result per row, in order: {"result": "recorded" | "replay", "name": ...}."""
	if not rows:
		return []
	user = frappe.session.user
	# one follower per shipment at a time: the shipments are locked (in name order, no deadlock) before
	# their log is written and read again, so that two batches of the same shipment never write a state
	# each computed without the other's events
	shipments = {
		row.name: row for row in _read(SHIPMENT, "name", {r["shipment"] for r in rows}, ("name", "customer"))
	}
	keyed = []
	for row in rows:
		time = row["event_time"].replace(microsecond=0)
		key = M.event_key(row["shipment"], row["milestone"], time, row.get("unit") or "")
		carrier = (
			M.carrier_event_key(row["carrier_account"], row["carrier_event_id"])
			if row.get("carrier_account") and row.get("carrier_event_id")
			else None
		)
		keyed.append((row, time, key, carrier))
	known = _known_keys([k for _r, _t, k, _c in keyed], [c for _r, _t, _k, c in keyed if c])
	results, values, seen, names = [], [], set(), []
	now = now_datetime()
	for row, time, key, carrier in keyed:
		if key in known or (carrier and carrier in known) or key in seen or (carrier and carrier in seen):
			results.append({"result": "replay", "name": known.get(key) or known.get(carrier)})
			continue
		seen.update(k for k in (key, carrier) if k)
		name = frappe.generate_hash(length=12)
		names.append(name)
		values.append(
			(
				name,
				now,
				now,
				user,
				user,
				row["shipment"],
				row["milestone"],
				time,
				(row.get("place") or "")[:140],
				row.get("new_eta"),
				row.get("unit") or None,
				(row.get("reason") or "")[:140],
				row.get("details") or "",
				source,
				shipments[row["shipment"]].customer,
				user,
				row.get("carrier_account"),
				row.get("carrier_event_id"),
				row.get("carrier_status"),
				key,
				carrier,
			)
		)
		results.append({"result": "recorded", "name": name})
	if values:
		fields = ["name", "creation", "modified", "owner", "modified_by", *MILESTONE_FIELDS[1:]]
		# a concurrent sender's copy of the same event wins the unique key; this one is a replay
		frappe.db.bulk_insert(MILESTONE, fields, values, ignore_duplicates=True)
		stored = set(frappe.get_all(MILESTONE, filters={"name": ("in", names)}, pluck="name"))
		for result in results:
			if result["result"] == "recorded" and result["name"] not in stored:
				result.update(result="replay", name=None)
	new = [r["name"] for r in results if r["result"] == "recorded"]
	if new:
		follow(sorted({row["shipment"] for row, *_ in keyed}), new_events=set(new), plan=plan)
	return results


def _known_keys(event_keys: list[str], carrier_keys: list[str]) -> dict[str, str]:
	"""The keys among these already recorded, with their milestone (one query)."""
	table = frappe.qb.DocType(MILESTONE)
	condition = table.event_key.isin(event_keys)
	if carrier_keys:
		condition = condition | table.carrier_key.isin(carrier_keys)
	rows = (
		frappe.qb.from_(table).select(table.name, table.event_key, table.carrier_key).where(condition).run()
	)
	known = {}
	for name, key, carrier in rows:
		known[key] = name
		if carrier:
			known[carrier] = name
	return known


# ------------------------------------------------------------------ the shipment's state
def follow(shipments: list[str], new_events: set[str] | None = None, plan: str = INLINE) -> None:
	"""Read each shipment's whole log, write its state (and its ERPNext header's tracking status), move
	its gensets' plan when the ETA or an arrival changed, and tell whom it concerns.

	``plan``: INLINE writes the gensets' dates and re-plans them now when they are few, else leaves it
	to the background; BACKGROUND (a carrier's batch) never touches the gensets, so that the webhook
	never waits on a re-plan's locks; NOW (the background job) re-plans whatever the count."""
	if not shipments:
		return
	# locking reads (the latest committed rows, not the transaction's first snapshot), but for the
	# background re-plan, which must not hold the shipments a carrier's next batch writes: a change it
	# misses marks the shipment again
	lock = plan != NOW
	docs = {row.name: row for row in _read(SHIPMENT, "name", shipments, SHIPMENT_FIELDS, lock)}
	logs = defaultdict(list)
	for row in _read(MILESTONE, "shipment", docs, MILESTONE_FIELDS, lock, ("event_time", "creation")):
		logs[row.shipment].append(row)
	units_of = shipment_units(list(docs))
	today = getdate(nowdate())
	updates, headers, unit_eta, arrivals, live_rows = {}, {}, {}, {}, {}
	notices = []
	threshold = cint(settings().get("eta_notice_days"))
	for name, doc in docs.items():
		if doc.status == M.Status.CANCELLED:
			continue
		units = [row.unit for row in units_of.get(name, [])]
		state = M.state_of(_events_of(logs[name]), getdate(doc.planned_eta), units)
		delivered_day = getdate(state.delivered_on) if state.delivered_on else None
		values = {
			"status": state.status,
			"eta": state.eta,
			"last_event": state.last_event or None,
			"last_event_on": state.last_event_on,
			"departed_on": state.departed_on,
			"delivered_on": state.delivered_on,
			"days_late": M.days_late(state.eta, getdate(doc.planned_eta), delivered_day, today),
		}
		fresh = [row for row in logs[name] if new_events is None or row.name in new_events]
		told = _notices_for(doc, state, fresh, threshold)
		if told:
			notices.append((name, told))
			if "departure" in told:
				values["departure_told"] = 1
			if "eta" in told:
				values["eta_told"] = state.eta
		updates[name] = values
		if doc.shipment:
			info = ", ".join(part for part in (state.last_event, _last_place(logs[name])) if part)
			headers[doc.shipment] = {
				"tracking_status": state.tracking_status,
				"tracking_status_info": info[:140],
			}
		# the gensets: the ETA for all, the arrival for each one delivered
		for row in units_of.get(name, []):
			unit_eta[row.unit] = state.eta
			arrived = _arrival_of(row.unit, state, logs[name])
			if arrived:
				# the unit's own arrival is written once (_set_unit_dates), whoever follows first
				arrivals[row.unit] = arrived
				if not row.arrival_date:
					live_rows[row.name] = {"arrival_date": arrived}
		if state.status == M.Status.DELIVERED:
			for row in units_of.get(name, []):
				live_rows.setdefault(row.name, {})["live_unit"] = None
	if plan == NOW:
		# the background re-plan: the state was written when its events came; only the gensets now
		# (no lock on the shipments a carrier's next batch writes)
		_set_unit_dates(unit_eta, arrivals)
		return
	later = plan == BACKGROUND or len(unit_eta) > INLINE_UNITS
	if later:
		mark = now_datetime()
		for values in updates.values():
			values[REPLAN_MARK] = mark
	# derived from the log, as db_set(update_modified=False) would: an open form can still be saved
	bulk_update(SHIPMENT, updates, update_modified=False)
	bulk_update(HEADER, headers, update_modified=False)
	bulk_update(SHIPMENT_UNIT, live_rows, update_modified=False)
	if later:
		enqueue_replan()
	else:
		_set_unit_dates(unit_eta, arrivals)
	if notices:
		notify.tell_customers(notices)


def _read(doctype: str, key: str, values, fields, lock: bool = True, order=("name",)) -> list:
	"""Rows whose ``key`` is among ``values``, in ``order``; with ``lock``, a locking read (SELECT ...
	FOR UPDATE: the rows locked, and their latest committed values rather than the transaction's first
	snapshot)."""
	if not values:
		return []
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table).select(*(table[f] for f in fields)).where(table[key].isin(sorted(values)))
	for field in order:
		query = query.orderby(table[field])
	if lock:
		query = query.for_update()
	return query.run(as_dict=True)


def _last_place(log) -> str:
	for row in reversed(log):
		if row.place:
			return row.place
	return ""


def _arrival_of(unit: str, state: M.State, log) -> str | None:
	"""The day a genset arrived: its own confirmation, else the shipment's delivery."""
	for row in log:
		if row.milestone == M.DELIVERED and row.unit == unit:
			return getdate(row.event_time)
	if state.status == M.Status.DELIVERED and state.delivered_on:
		return getdate(state.delivered_on)
	return None


def _notices_for(doc, state: M.State, fresh, threshold: int) -> list[str]:
	"""What the customer is told of this batch: a first departure, customs holds, the delivery, and an
	ETA that moved more than the threshold from the last one told."""
	told = []
	for row in fresh:
		rule = M.MILESTONES[row.milestone]
		if not rule.tells_customer:
			continue
		if rule.first_only:
			if not doc.departure_told and "departure" not in told:
				told.append("departure")
		elif row.milestone == M.CUSTOMS_HELD and "customs" not in told:
			told.append("customs")
		elif row.milestone == M.DELIVERED and state.status == M.Status.DELIVERED and "delivered" not in told:
			told.append("delivered")
	if state.status != M.Status.DELIVERED and state.eta:
		last_told = getdate(doc.eta_told) if doc.eta_told else getdate(doc.planned_eta)
		if M.eta_moved_beyond(last_told, state.eta, threshold):
			told.append("eta")
	return told


def _set_unit_dates(unit_eta: dict, arrivals: dict) -> list[str]:
	"""Write the units' ETA and arrivals (one statement) and re-plan those that changed (one bulk
	re-plan). Returns them."""
	if not unit_eta:
		return []
	current = frappe.get_all(
		UNIT,
		filters={"name": ("in", list(unit_eta))},
		fields=["name", "status", "eta_date", "arrival_date", "delivery_date"],
	)
	changes = {}
	for unit in current:
		if unit.status in UNIT_GONE:
			continue
		values = {}
		eta = unit_eta.get(unit.name)
		if eta and unit.delivery_date:
			eta = max(getdate(eta), getdate(unit.delivery_date))
		if str(unit.eta_date or "") != str(eta or ""):
			values["eta_date"] = eta
		if unit.name in arrivals and not unit.arrival_date:
			# a carrier's clock is not the Delivery Note's: never before the delivery
			arrivals[unit.name] = max(getdate(arrivals[unit.name]), getdate(unit.delivery_date))
			values["arrival_date"] = arrivals[unit.name]
		if values:
			changes[unit.name] = values
	if changes:
		bulk_update(UNIT, changes)
		replan_moved(sorted(changes), {name: arrivals[name] for name in changes if name in arrivals})
	return sorted(changes)


# shipments whose gensets wait for the background re-plan: a time, not a flag, so that a shipment
# marked again while its re-plan runs keeps its new mark (the re-plan clears only the mark it read)
REPLAN_MARK = "replan_marked"
REPLAN_JOB = "genset_logistics_replan"


def enqueue_replan() -> None:
	"""The background re-plan follows the marked shipments' gensets: one job at a time (deduplicated),
	queued once the marks are committed; the 10-minute sweep runs it too (nothing is lost when Redis
	is)."""
	if job_alive(REPLAN_JOB):
		return  # the one running takes the new marks in its next round
	frappe.enqueue(
		"genset_service.logistics.journey.replan_marked",
		queue="long",
		job_id=REPLAN_JOB,
		deduplicate=True,
		enqueue_after_commit=True,
	)


@app_action
def follow_plan(units: list[str]) -> None:
	"""Move the plan of these gensets (taken off a shipment, or their shipment cancelled) back to the
	usual transit days: one bulk re-plan."""
	if units:
		replan_moved(units)


@app_action
def replan_marked(chunk: int = 50, commit: bool = True) -> int:
	"""The background re-plan (and the 10-minute sweep): the marked shipments' gensets get their ETA
	and arrivals and are re-planned, a few shipments at a time, each round committed on its own (short
	locks). A shipment marked again meanwhile keeps its new mark for a later round. Returns the
	shipments followed."""
	from pypika.terms import Tuple

	done = 0
	table = frappe.qb.DocType(SHIPMENT)
	while True:
		rows = frappe.get_all(
			SHIPMENT,
			filters={REPLAN_MARK: ("is", "set")},
			fields=["name", REPLAN_MARK],
			order_by=f"{REPLAN_MARK} asc",
			limit=chunk,
		)
		if not rows:
			return done
		try:
			follow([row.name for row in rows], new_events=set(), plan=NOW)
		except Exception:
			frappe.db.rollback()
			frappe.log_error("Genset logistics re-plan failed", reference_doctype=SHIPMENT)
		frappe.qb.update(table).set(table[REPLAN_MARK], None).where(
			Tuple(table.name, table[REPLAN_MARK]).isin([(row.name, row[REPLAN_MARK]) for row in rows])
		).run()
		if commit:
			# a background job's round, committed on its own
			frappe.db.commit()  # nosemgrep
		done += len(rows)


@app_action
def replan_moved(units: list[str], arrivals: dict | None = None) -> None:
	"""One bulk re-plan of these units; the tracking tasks of the arrived ones closed; the engineers
	whose visit moved told."""
	from genset_service.scheduling.replan import refresh_units

	before = _open_visits(units)
	refresh_units(units)
	if arrivals is None:
		arrivals = dict(
			frappe.get_all(
				UNIT,
				filters={"name": ("in", units), "arrival_date": ("is", "set")},
				fields=["name", "arrival_date"],
				as_list=True,
			)
		)
	if arrivals:
		close_until_arrival(arrivals)
	after = _open_visits(units)
	notify.tell_engineers(before, after)


def _open_visits(units: list[str]) -> dict[str, frappe._dict]:
	"""The open, assigned tasks of these units (one query)."""
	from genset_service.planning import TaskStatus

	return {
		row.name: row
		for row in frappe.get_all(
			TASK,
			filters={
				"unit": ("in", units),
				"status": ("in", TaskStatus.OPEN),
				"assigned_to": ("is", "set"),
			},
			fields=["name", "unit", "service_type", "due_from", "due_to", "assigned_to", "scheduled_start"],
		)
	}
