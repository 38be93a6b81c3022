"""An OpenAPI 3.1 description built from Python functions: their signatures, type annotations, the
guard's limits (``Annotated[int, Limit(1, 5)]``) and docstrings. Pure: no Frappe. The site code
(``openapi/site.py``) hands it the app's whitelisted methods; nothing here is written by hand per method.
"""

import inspect
import re
import types
import typing
from dataclasses import dataclass, field

from genset_service.api.limits import DEFAULTS, IsoDate, Length, Limit

OPENAPI_VERSION = "3.1.0"

# how Frappe wraps what a method returns, and the shape of its errors (frappe.utils.response)
ERROR_SCHEMA = {
	"type": "object",
	"description": "Frappe's error body: the exception's class and message; `_server_messages` is a "
	"JSON-encoded list of JSON-encoded messages, each with `message`, `title` and `indicator`.",
	"properties": {
		"exc_type": {"type": "string", "examples": ["ValidationError"]},
		"exception": {"type": "string"},
		"_server_messages": {"type": "string"},
		"exc": {"type": "string", "description": "the traceback, only where the site shows tracebacks"},
	},
	"additionalProperties": True,
}

# the statuses an operation may answer besides 200, by what it is: rules as data
ERRORS = {
	304: "Not modified since the `ETag` sent in `If-None-Match`.",
	400: "Bad request: an unreadable body or a form post without its CSRF token (session callers).",
	401: "Not authenticated: a missing, unknown or wrong token, key or signature.",
	403: "Permission denied: not logged in, a role that may not act, another customer's record.",
	404: "An unknown record (genset, serial number, task, request, shipment, DocType).",
	405: "The method is not allowed on this path (`Allow` names those that are).",
	413: "The body is too large.",
	417: "Invalid input or a rule of the service: a missing required argument (named), a wrong type, a "
	"number that is not finite or out of its range, a date that is not a real YYYY-MM-DD date, text over "
	"its length; a reading lower than the last, an unknown service...",
}
ALWAYS = (400, 403, 404, 405, 417)

# example values of arguments, by name: the description's examples, and a client's first call
EXAMPLES: dict[str, object] = {
	"unit": "GU-00031",
	"serial_no": "DG500-2026-0031",
	"request": "GSR-2026-00012",
	"engineer": "ENG-0003",
	"service_type": "Emergency Rescue",
	"description": "Fails to start after the weekly test run",
	"hours": 1250.5,
	"reading_date": "2026-12-01",
	"from_date": "2026-12-01",
	"to_date": "2026-12-31",
	"date": "2026-12-08",
	"customer": "Hamburg Hafen Logistik GmbH",
	"shipment": "GSHIP-2026-00001",
	"device": "DSE890-4411",
	"days": 30,
	"months": 12,
	"priority": "High",
	"planned_eta": "2027-01-04",
	"delivery_notes": '["MAT-DN-2026-00012"]',
}


@dataclass(frozen=True)
class Operation:
	"""One whitelisted method as the description shows it."""

	path: str
	http_methods: tuple[str, ...]  # "get", "post"
	operation_id: str
	tag: str
	function: typing.Callable
	security: tuple[tuple[str, ...], ...]  # alternatives, each a set of schemes; () = anyone
	errors: tuple[int, ...] = ()  # beyond ALWAYS
	headers: tuple[dict, ...] = ()  # header parameters the function reads itself
	body: dict | None = None  # a body the function reads itself (JSON schema), instead of its arguments
	query: tuple[dict, ...] = ()  # query parameters the function reads itself
	answer: dict | None = None  # the content of a 200 that is not Frappe's JSON (media type -> object)
	deprecated: bool = False


@dataclass
class Description:
	"""What the whole document says besides its operations."""

	title: str
	version: str
	summary: str
	description: str
	servers: list[dict] = field(default_factory=list)
	security_schemes: dict = field(default_factory=dict)
	tags: list[dict] = field(default_factory=list)
	webhooks: dict = field(default_factory=dict)


def _members(annotation) -> list:
	return [arg for arg in typing.get_args(annotation) if arg is not type(None)]


def _is_optional(annotation) -> bool:
	return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
		annotation
	)


def schema_of(annotation, required: bool = True) -> dict:
	"""The JSON Schema of a Python annotation, with the guard's limits (or its type's defaults)."""
	if annotation is inspect.Parameter.empty or annotation is typing.Any:
		return {}
	if _is_optional(annotation):
		members = _members(annotation)
		if len(members) == 1:
			return schema_of(members[0], required)
		return {"anyOf": [schema_of(m, required) for m in members]}
	if typing.get_origin(annotation) is typing.Annotated:
		base, *meta = typing.get_args(annotation)
		schema = _base_schema(base)
		_apply(schema, [rule for rule in meta if isinstance(rule, Limit | Length | IsoDate)], required)
		return schema
	schema = _base_schema(annotation)
	_apply(schema, list(DEFAULTS.get(annotation, ())), required)
	return schema


def _base_schema(annotation) -> dict:
	origin = typing.get_origin(annotation) or annotation
	if origin in (list, tuple, set):
		args = typing.get_args(annotation)
		return {"type": "array", "items": schema_of(args[0]) if args else {}}
	if origin is dict:
		return {"type": "object"}
	return dict(_SIMPLE.get(annotation, {}))


_SIMPLE = {
	str: {"type": "string"},
	int: {"type": "integer"},
	float: {"type": "number"},
	bool: {"type": "boolean"},
	type(None): {"type": "null"},
	None: {"type": "null"},
}


def _apply(schema: dict, rules: list, required: bool) -> None:
	for rule in rules:
		if isinstance(rule, Limit):
			if rule.low is not None:
				schema["minimum"] = _number(rule.low)
			if rule.high is not None:
				schema["maximum"] = _number(rule.high)
		elif isinstance(rule, Length):
			schema["maxLength"] = rule.chars
		elif isinstance(rule, IsoDate):
			schema["format"] = "date"
			schema["description"] = f"YYYY-MM-DD, a real date from {rule.first_year} to {rule.last_year}"
	if schema.get("type") == "string" and required:
		# the guard takes an empty or blank required argument as missing (417)
		schema["minLength"] = 1
		schema["pattern"] = r"\S"


def _number(value: float) -> int | float:
	return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**63 else value


def _text(doc: str | None) -> tuple[str, str]:
	"""The summary (first sentence) and description (all of it) of a docstring, in Markdown."""
	text = inspect.cleandoc(doc or "")
	text = re.sub(r"``([^`]+)``", r"`\1`", text)
	paragraph = " ".join(text.split("\n\n")[0].split())
	first = re.split(r"(?<=[.:;])\s", paragraph, maxsplit=1)[0]
	return first.rstrip(".:;"), text


def parameters_of(function) -> list[tuple[str, object, bool, object]]:
	"""(name, annotation, required, default) of a function's arguments, through its decorators."""
	signature = inspect.signature(function)
	hints = typing.get_type_hints(function, include_extras=True)
	found = []
	for name, parameter in signature.parameters.items():
		if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
			continue
		required = parameter.default is inspect.Parameter.empty
		default = None if required else parameter.default
		found.append((name, hints.get(name, parameter.annotation), required, default))
	return found


def _property(annotation, required: bool, default, name: str) -> dict:
	schema = schema_of(annotation, required)
	if not required and default is not None:
		schema["default"] = default
	if name in EXAMPLES and _fits(schema, EXAMPLES[name]):
		schema["examples"] = [EXAMPLES[name]]
	return schema


def _nullable(schema: dict, required: bool) -> dict:
	"""An optional argument of a body may be sent as null: it then takes its default."""
	if not required and isinstance(schema.get("type"), str):
		schema["type"] = [schema["type"], "null"]
	return schema


def _fits(schema: dict, value) -> bool:
	kinds = {"string": str, "integer": int, "number": int | float, "boolean": bool}
	kind = kinds.get(schema.get("type"))
	if kind is None or not isinstance(value, kind):
		return False
	if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
		return False
	if isinstance(value, int | float) and not (
		schema.get("minimum", value) <= value <= schema.get("maximum", value)
	):
		return False
	return True


def _response(function) -> dict:
	returns = typing.get_type_hints(function, include_extras=True).get("return", inspect.Parameter.empty)
	message = schema_of(returns)
	if returns is None or returns is type(None):
		# Frappe leaves `message` out when a method returns nothing
		return {"type": "object", "additionalProperties": True}
	return {
		"type": "object",
		"properties": {"message": message},
		"required": ["message"],
		"additionalProperties": True,
	}


def operation_object(op: Operation, http_method: str) -> dict:
	summary, description = _text(op.function.__doc__)
	arguments = parameters_of(op.function)
	result: dict = {
		"operationId": op.operation_id if len(op.http_methods) == 1 else f"{op.operation_id}_{http_method}",
		"tags": [op.tag],
		"summary": summary,
		"description": description,
		"security": [{scheme: [] for scheme in alternative} for alternative in op.security],
	}
	if op.deprecated:
		result["deprecated"] = True
	parameters = [dict(header, **{"in": "header"}) for header in op.headers]
	parameters += [dict(query, **{"in": "query"}) for query in op.query]
	if op.body is not None or http_method == "get":
		parameters += [
			{
				"name": name,
				"in": "query",
				"required": required,
				"schema": _property(annotation, required, default, name),
			}
			for name, annotation, required, default in arguments
		]
	if op.body is not None:
		# a body the method reads itself: its own arguments, if any, come in the query string
		result["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
	elif http_method != "get" and arguments:
		body = {
			"type": "object",
			"properties": {
				name: _nullable(_property(annotation, required, default, name), required)
				for name, annotation, required, default in arguments
			},
			"required": [name for name, _a, required, _d in arguments if required],
		}
		if not body["required"]:
			del body["required"]
		# Frappe reads a JSON body or a form, not both; with a JSON body, the query string is ignored
		result["requestBody"] = {
			"required": bool(body.get("required")),
			"content": {
				"application/json": {"schema": body},
				"application/x-www-form-urlencoded": {"schema": body},
			},
		}
	if parameters:
		result["parameters"] = parameters
	result["responses"] = {
		"200": {
			"description": "Done; the method's answer is in `message`." if op.answer is None else "Done.",
			"content": op.answer or {"application/json": {"schema": _response(op.function)}},
		},
		**{
			str(status): {"$ref": f"#/components/responses/{status}"}
			for status in sorted(set(ALWAYS) | set(op.errors))
		},
	}
	return result


def document(description: Description, operations: list[Operation]) -> dict:
	"""The OpenAPI 3.1 document of these operations."""
	paths: dict = {}
	for op in sorted(operations, key=lambda o: o.path):
		item = paths.setdefault(op.path, {})
		for http_method in op.http_methods:
			item[http_method] = operation_object(op, http_method)
	statuses = sorted(set(ALWAYS) | {status for op in operations for status in op.errors})
	doc = {
		"openapi": OPENAPI_VERSION,
		"info": {
			"title": description.title,
			"version": description.version,
			"summary": description.summary,
			"description": description.description,
		},
		"servers": description.servers,
		"tags": description.tags,
		"paths": paths,
		"components": {
			"schemas": {"Error": ERROR_SCHEMA},
			"responses": {
				str(status): {
					"description": ERRORS[status],
					**(
						{"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
						if status >= 400
						else {}
					),
				}
				for status in statuses
			},
			"securitySchemes": description.security_schemes,
		},
	}
	if description.webhooks:
		doc["webhooks"] = description.webhooks
	return doc


# what a schema says that a client relies on (examples and prose may change freely)
_PROSE = frozenset({"examples", "description", "default"})


def contract(doc: dict) -> dict:
	"""What a version promises its clients, per operation: path, method, each argument's schema and
	whether it is required, and the statuses it answers."""
	promised = {}
	for path, item in doc["paths"].items():
		for method, op in item.items():
			arguments = {
				p["name"]: {"in": p["in"], "required": bool(p.get("required")), "schema": _bare(p["schema"])}
				for p in op.get("parameters", [])
			}
			for media in op.get("requestBody", {}).get("content", {}).values():
				schema = media["schema"]
				needed = set(schema.get("required", []))
				for name, prop in schema.get("properties", {}).items():
					arguments[name] = {"in": "body", "required": name in needed, "schema": _bare(prop)}
				break
			promised[op["operationId"]] = {
				"path": path,
				"method": method,
				"arguments": arguments,
				"statuses": sorted(op["responses"]),
			}
	return promised


def _bare(schema: dict) -> dict:
	return {key: value for key, value in schema.items() if key not in _PROSE}


def breaking_changes(frozen: dict, current: dict) -> list[str]:
	"""How ``current`` breaks a client of ``frozen``: an operation gone or moved, an argument gone or
	with another schema, a new required argument. New operations and optional arguments break nothing."""
	broken = []
	for op_id, was in sorted(frozen.items()):
		now = current.get(op_id)
		if now is None:
			broken.append(f"{op_id}: removed")
			continue
		if (now["path"], now["method"]) != (was["path"], was["method"]):
			broken.append(f"{op_id}: moved from {was['method']} {was['path']}")
		for name, argument in was["arguments"].items():
			if name not in now["arguments"]:
				broken.append(f"{op_id}: argument {name} removed")
			elif now["arguments"][name] != argument:
				broken.append(f"{op_id}: argument {name} changed")
		for name, argument in now["arguments"].items():
			if name not in was["arguments"] and argument["required"]:
				broken.append(f"{op_id}: new required argument {name}")
	return broken
