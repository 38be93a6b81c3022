"""What the telemetry tests share: a genset with a device and its token, and the HTTP endpoint as a
device calls it (a raw body and its headers)."""

import json

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import frappe

from genset_service.api import telemetry_v1 as api
from genset_service.telemetry.common import DEVICE


def make_device(
	unit: str, device_id: str, family: str = "DSE", gateway: str | None = None
) -> tuple[str, str]:
	"""A device of ``unit`` and its token."""
	frappe.get_doc(
		{
			"doctype": DEVICE,
			"device_id": device_id,
			"unit": unit,
			"controller_family": family,
			"gateway_serial": gateway,
		}
	).insert()
	return device_id, api.new_device_token(device_id)["token"]


def post(
	device: str | None, token: str | None, payload, content_length: int | None = None
) -> tuple[int, dict]:
	"""The endpoint as a device calls it; returns (HTTP status, answer). A refusal Frappe turns into
	an error status is returned as that status and the exception."""
	body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
	headers = {}
	if device is not None:
		headers[api.DEVICE_HEADER] = device
	if token is not None:
		headers[api.TOKEN_HEADER] = token
	environ = EnvironBuilder(
		method="POST",
		path="/api/method/genset_service.api.telemetry_v1.ingest",
		data=body,
		headers=headers,
		content_type="application/json",
	).get_environ()
	if content_length is not None:
		environ["CONTENT_LENGTH"] = str(content_length)
	previous, user = getattr(frappe.local, "request", None), frappe.session.user
	frappe.local.request = Request(environ)
	frappe.local.response.pop("http_status_code", None)
	try:
		answer = api.ingest()
		return frappe.local.response.pop("http_status_code", None) or 200, answer
	except frappe.ValidationError as error:
		return getattr(error, "http_status_code", 417), {"error": error}
	except (frappe.AuthenticationError, frappe.PermissionError) as error:
		return error.http_status_code, {"error": error}
	finally:
		frappe.local.request = previous
		frappe.set_user(user)


def entry(time, **metrics) -> dict:
	return {"time": time.isoformat() if hasattr(time, "isoformat") else time, "metrics": metrics}
