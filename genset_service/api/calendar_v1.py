"""Calendar feeds (iCalendar, RFC 5545): ``/api/method/genset_service.api.calendar_v1.<function>``.

A user makes their own private feed link (an engineer's visits, a customer's upcoming visits) and
subscribes to it in any calendar; the link holds a secret token, which a new link replaces and a
revocation ends (404 from then on)."""

from werkzeug.wrappers import Response

import frappe
from frappe import _

from genset_service.api.guard import Name, checked
from genset_service.calendars import site as C
from genset_service.calendars.feed import feed_etag

MANAGERS = ("Service Manager", "System Manager")
FeedToken = Name


def _signed_in() -> str:
	user = frappe.session.user
	if user == "Guest":
		frappe.throw(_("Log in to make your calendar feed."), frappe.PermissionError)
	return user


@frappe.whitelist(methods=["POST"])
@checked
def make_feed() -> dict:
	"""A new private feed link of your visits (the previous link stops working); shown this once."""
	user = _signed_in()
	token = C.issue(user)
	url = C.feed_url(token)
	return {
		"user": user,
		"kind": frappe.db.get_value(C.FEED, user, "kind"),
		"url": url,
		"webcal": "webcal://" + url.split("://", 1)[-1],
		"token_hint": token[:8] + "...",
	}


@frappe.whitelist(methods=["POST"])
@checked
def revoke_feed(user: Name | None = None) -> dict:
	"""End a feed link at once: your own, or (managers) anyone's."""
	me = _signed_in()
	user = user or me
	if user != me and not set(MANAGERS) & set(frappe.get_roles(me)):
		frappe.throw(_("Only a manager revokes another user's calendar feed."), frappe.PermissionError)
	C.revoke(user)
	return {"user": user, "revoked": True}


@frappe.whitelist(methods=["GET"], allow_guest=True)
@checked
def feed(token: FeedToken) -> Response:
	"""The feed of the link's owner, as `text/calendar`: their visits from a month back to a year ahead,
	in the site's time zone. 404 for an unknown, replaced or revoked link; 304 when unchanged."""
	user = C.user_of(token)
	body = C.render(user)
	etag = feed_etag(body)
	request = getattr(frappe.local, "request", None)
	C.note_fetch(user)
	frappe.local.flags.commit = True  # a GET: Frappe commits it only when asked (the fetch is noted)
	if request is not None and etag in (request.headers.get("If-None-Match") or ""):
		response = Response(status=304)
	else:
		response = Response(body, content_type="text/calendar; charset=utf-8")
		response.headers["Content-Disposition"] = 'inline; filename="genset-visits.ics"'
	response.headers["ETag"] = etag
	response.headers["Cache-Control"] = "private, max-age=300"
	return response
