"""The app's OpenAPI description on a site: the whitelisted methods of its versioned API modules, as
Frappe registered them (HTTP methods, guests), described by ``openapi/describe.py``."""

import importlib
import inspect

import frappe
from frappe import _

from genset_service import __version__
from genset_service.openapi.describe import Description, Operation, document

# the modules v1 describes, each a tag: a new module of v1 is a new row
V1_MODULES = {
	"genset_service.api.v1": (
		"Service",
		"Plans, warranty, readings, requests and their clocks, dispatch, the phone",
	),
	"genset_service.api.logistics_v1": (
		"Logistics",
		"Shipments of gensets to their sites, the carriers' webhook",
	),
	"genset_service.api.telemetry_v1": ("Telemetry", "What gensets report: devices, readings, alarms"),
	"genset_service.api.calendar_v1": ("Calendars", "Private iCalendar feeds of visits, for any calendar"),
}

SESSION_OR_TOKEN = (("tokenAuth",), ("sessionAuth",))

SECURITY_SCHEMES = {
	"tokenAuth": {
		"type": "apiKey",
		"in": "header",
		"name": "Authorization",
		"description": "An API user's key and secret (User > API Access > Generate Keys), sent as "
		"`Authorization: token <api_key>:<api_secret>`.",
	},
	"sessionAuth": {
		"type": "apiKey",
		"in": "cookie",
		"name": "sid",
		"description": "The session of a user logged in through `/api/method/login`; a POST also sends "
		"the session's CSRF token in `X-Frappe-CSRF-Token`.",
	},
	"deviceId": {
		"type": "apiKey",
		"in": "header",
		"name": "X-Genset-Device",
		"description": "The Genset Device that sends (with its token in X-Genset-Token).",
	},
	"deviceToken": {
		"type": "apiKey",
		"in": "header",
		"name": "X-Genset-Token",
		"description": "The device's token, made by `new_device_token`; kept only as a hash.",
	},
	"carrierSignature": {
		"type": "apiKey",
		"in": "header",
		"name": "X-Genset-Signature",
		"description": "`sha256=` and the hex HMAC-SHA256 of `<X-Genset-Timestamp>.<raw body>` with the "
		"carrier account's Webhook Secret.",
	},
}

_TIME = {"type": "string", "maxLength": 40, "examples": ["2026-12-04T08:00:00Z"]}
_NAME = {"type": "string", "maxLength": 140}
INGEST_ENTRY = {
	"type": "object",
	"required": ["time"],
	"properties": {
		"time": {
			"description": "ISO 8601 (with Z or an offset; else the site's time), or seconds or "
			"milliseconds since 1970 UTC",
			"anyOf": [_TIME, {"type": "number"}],
		},
		"metrics": {
			"type": "object",
			"maxProperties": 64,
			"additionalProperties": {"type": "number"},
			"examples": [{"running_hours": 1234.5, "load_kw": 180}],
		},
		"alarms": {
			"type": "array",
			"maxItems": 32,
			"items": {
				"type": "object",
				"properties": {
					"code": _NAME,
					"name": _NAME,
					"state": {"enum": ["active", "cleared"]},
					"time": _TIME,
				},
			},
		},
		"device": {**_NAME, "description": "another device of the same gateway; by default the sender"},
	},
}
# the bodies of the methods that read their own body, and what else they answer: data, per method
OWN_BODIES = {
	"genset_service.api.telemetry_v1.ingest": {
		"security": (("deviceId", "deviceToken"),),
		"errors": (401, 413),
		"body": {
			"description": "One entry, or a batch of at most 500; 256 KB in all.",
			"anyOf": [
				INGEST_ENTRY,
				{
					"type": "object",
					"required": ["readings"],
					"properties": {"readings": {"type": "array", "items": INGEST_ENTRY}},
				},
			],
		},
	},
	"genset_service.api.logistics_v1.carrier_events": {
		"security": (("carrierSignature",),),
		"errors": (401,),
		"headers": (
			{
				"name": "X-Genset-Timestamp",
				"required": True,
				"description": "The Unix time of sending, in seconds; refused when more than 5 minutes off.",
				"schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
			},
		),
		"body": {
			"type": "object",
			"required": ["events"],
			"properties": {
				"events": {
					"type": "array",
					"maxItems": 500,
					"items": {
						"type": "object",
						"required": ["id", "tracking_number", "status", "time"],
						"properties": {
							"id": _NAME,
							"tracking_number": _NAME,
							"status": _NAME,
							"time": _TIME,
							"location": _NAME,
							"eta": {"type": "string", "format": "date"},
							"reason": _NAME,
							"message": {"type": "string"},
						},
					},
				}
			},
		},
	},
}

# methods whose 200 is not Frappe's JSON
ANSWERS = {
	"genset_service.api.calendar_v1.feed": {
		"answer": {"text/calendar": {"schema": {"type": "string", "description": "RFC 5545, UTF-8"}}},
		"errors": (304,),
		"security": ((),),
	},
}

WEBHOOK_BODY = {
	"type": "object",
	"required": ["event", "name"],
	"properties": {
		"event": {"type": "string"},
		"name": {"type": "string"},
		"service_type": {"type": "string"},
		"unit": {"type": "string"},
		"customer": {"type": "string"},
	},
	"additionalProperties": True,
}
# the Webhook records the app installs (disabled until a URL is set): what a receiver gets
WEBHOOKS = {
	"Genset Service Request Opened": ("service_request.opened", "A service request is created."),
	"Genset Service Task Overdue": ("task.overdue", "A planned task becomes Overdue (daily job)."),
}


def v1_operations() -> list[Operation]:
	"""The whitelisted functions of v1's modules, with the HTTP methods and guests Frappe knows."""
	modules = {name: importlib.import_module(name) for name in V1_MODULES}  # registers their methods
	whitelisted = set(frappe.whitelisted)
	guests = set(frappe.guest_methods)
	operations = []
	for module_name, (tag, _about) in V1_MODULES.items():
		module = modules[module_name]
		for function_name, function in inspect.getmembers(module, inspect.isfunction):
			if function not in whitelisted or function.__module__ != module_name:
				continue
			dotted = f"{module_name}.{function_name}"
			methods = frappe.allowed_http_methods_for_whitelisted_func.get(function) or ["GET", "POST"]
			own = OWN_BODIES.get(dotted) or ANSWERS.get(dotted, {})
			security = own.get("security") or SESSION_OR_TOKEN
			if function in guests and not own:
				security = ((), *SESSION_OR_TOKEN)  # anyone; a user's session or token when there is one
			operations.append(
				Operation(
					path=f"/api/method/{dotted}",
					http_methods=tuple(m.lower() for m in methods),
					operation_id=f"{module_name.rsplit('.', 1)[-1]}.{function_name}",
					tag=tag,
					function=function,
					security=security,
					errors=own.get("errors", ()),
					headers=own.get("headers", ()),
					body=own.get("body"),
					answer=own.get("answer"),
				)
			)
	return operations


def v1_description() -> dict:
	"""The OpenAPI 3.1 document of v1 on this site."""
	site = frappe.utils.get_url()
	return document(
		Description(
			title="Genset Service API",
			version=f"1.0.0+app.{__version__}",
			summary="After-sales service of diesel generator sets on ERPNext: version 1 of the methods.",
			description="Generated from the methods' own signatures, limits and docstrings. Version 1 is "
			"frozen: its operations, arguments and limits do not change (new ones may be added); a "
			"change that breaks a client is version 2, beside it (docs/api.md). Errors are Frappe's JSON "
			"with the status; dates are YYYY-MM-DD, datetimes in the site's time zone.",
			servers=[{"url": site, "description": "this site"}],
			security_schemes=SECURITY_SCHEMES,
			tags=[{"name": tag, "description": about} for tag, about in V1_MODULES.values()],
			webhooks={
				event: {
					"post": {
						"summary": about,
						"description": f"The Webhook record '{record}' (installed disabled): set its URL "
						"and secret; the body is signed in `X-Frappe-Webhook-Signature` (HMAC-SHA256, "
						"base64).",
						"requestBody": {"content": {"application/json": {"schema": WEBHOOK_BODY}}},
						"responses": {"200": {"description": "Received."}},
					}
				}
				for record, (event, about) in WEBHOOKS.items()
			},
		),
		v1_operations(),
	)


FROZEN = "v1_contract.json"  # beside this module: what v1 promised when it was frozen


def frozen_path() -> str:
	return frappe.get_app_path("genset_service", "openapi", FROZEN)


def freeze() -> dict:
	"""Write v1's contract beside this module, for additions only (a breaking change is refused):
	``bench --site <site> execute genset_service.openapi.site.freeze``."""
	import json
	import os

	from genset_service.openapi.describe import breaking_changes, contract

	current = contract(v1_description())
	path = frozen_path()
	if os.path.exists(path):
		with open(path) as f:
			broken = breaking_changes(json.load(f), current)
		if broken:
			frappe.throw(
				_("Version 1 is frozen; this would break its clients: {0}").format("; ".join(broken))
			)
	with open(path, "w") as f:
		json.dump(current, f, indent=1, sort_keys=True)
		f.write("\n")
	return {"operations": len(current), "path": path}
