"""Two answers Frappe 15 gives with the wrong status, made right: a request whose body is labelled JSON
but is not JSON (Frappe parses it before any app code and answers 500) is a 400 with the reason; a
method of this app called with an HTTP method it does not take (Frappe answers 403, as if the caller
lacked a permission) is a 405 that names the methods it takes in ``Allow`` (RFC 9110).

Frappe has no hook before it reads a request's body, so ``install`` wraps the two functions of
``frappe.app`` and ``frappe.handler`` that do it, once per process, when this package is imported by a
process that serves requests (``genset_service/__init__.py``), else at its first request (a
``before_request`` hook: that first request itself is read as Frappe reads it). Everything else behaves
as Frappe does: a valid body, a form, another app's method."""

import json
import sys

from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Response

import frappe
from frappe import _

INSTALLED = "_genset_service_http"


class MalformedRequest(frappe.ValidationError):
	http_status_code = 400


def _malformed(error: ValueError):
	frappe.local.form_dict = frappe._dict()
	frappe.throw(
		_("The request's body is not valid JSON: {0}.").format(
			getattr(error, "msg", None) or str(error)[:80]
		),
		MalformedRequest,
		title=_("Malformed Request"),
	)


def _allowed(method) -> list[str]:
	allowed = list(frappe.allowed_http_methods_for_whitelisted_func.get(method) or [])
	return allowed + (["HEAD"] if "GET" in allowed and "HEAD" not in allowed else [])


def _not_allowed(method, allowed: list[str]):
	message = _("{0} does not take {1}; it takes {2}.").format(
		f"{method.__module__}.{method.__name__}", frappe.local.request.method, ", ".join(allowed)
	)
	body = {
		"exc_type": "MethodNotAllowed",
		"exception": message,
		"_server_messages": json.dumps([json.dumps({"message": message, "title": _("Method Not Allowed")})]),
	}
	response = Response(json.dumps(body), status=405, mimetype="application/json")
	response.headers["Allow"] = ", ".join(allowed)
	raise MethodNotAllowed(valid_methods=allowed, response=response)


def install() -> None:
	app, handler = sys.modules.get("frappe.app"), sys.modules.get("frappe.handler")
	if app is None or handler is None or getattr(app, INSTALLED, False):
		return
	read_body = app.make_form_dict
	check_method = handler.is_valid_http_method

	def make_form_dict(request):
		try:
			return read_body(request)
		except ValueError as error:  # json.JSONDecodeError, a body that is not UTF-8
			_malformed(error)

	def is_valid_http_method(method):
		if not frappe.flags.in_safe_exec and getattr(method, "__module__", "").startswith("genset_service."):
			allowed = _allowed(method)
			if frappe.local.request.method not in allowed:
				_not_allowed(method, allowed)
			return
		return check_method(method)

	app.make_form_dict = make_form_dict
	handler.is_valid_http_method = is_valid_http_method
	setattr(app, INSTALLED, True)
