"""The OpenAPI generator, on functions written like the app's methods (no Frappe)."""

import functools
from typing import Annotated

import pytest
from openapi_spec_validator import validate

from genset_service.api.limits import DateString, Hours, Length, Limit, Name
from genset_service.openapi import describe as D

Rating = Annotated[int, Limit(1, 5)]


def guarded(fn):
	# the app's guard wraps its methods the same way (functools.wraps)
	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		return fn(*args, **kwargs)

	return wrapper


@guarded
def record_running_hours(
	unit: Name,
	hours: Hours,
	reading_date: DateString | None = None,
	meter_replaced: Annotated[int, Limit(0, 1)] = 0,
) -> dict:
	"""A new hour-meter reading, written to the genset's reading log. It must fit between the readings
	before and after it; ``meter_replaced`` (staff only) starts a new series.

	Re-plans hours-based maintenance."""


@guarded
def get_upcoming(from_date: DateString, to_date: DateString, customer: Name | None = None) -> list[dict]:
	"""Open planned services due between two dates: at most a year."""


def rate(score: Rating, note: Annotated[str, Length(5000)] | None = None, plain: str = "x") -> None:
	"""Rate a visit."""


def ingest() -> dict:
	"""A device's readings."""


OPS = [
	D.Operation(
		path="/api/method/app.api.v1.record_running_hours",
		http_methods=("post",),
		operation_id="v1.record_running_hours",
		tag="Service",
		function=record_running_hours,
		security=(("tokenAuth",), ("sessionAuth",)),
	),
	D.Operation(
		path="/api/method/app.api.v1.get_upcoming",
		http_methods=("get",),
		operation_id="v1.get_upcoming",
		tag="Service",
		function=get_upcoming,
		security=(("tokenAuth",),),
	),
	D.Operation(
		path="/api/method/app.api.v1.rate",
		http_methods=("get", "post"),
		operation_id="v1.rate",
		tag="Service",
		function=rate,
		security=((), ("tokenAuth",)),
	),
	D.Operation(
		path="/api/method/app.api.t.ingest",
		http_methods=("post",),
		operation_id="t.ingest",
		tag="Telemetry",
		function=ingest,
		security=(("deviceId", "deviceToken"),),
		errors=(401, 413),
		body={"type": "object", "required": ["time"], "properties": {"time": {"type": "string"}}},
	),
]
SCHEMES = {
	name: {"type": "apiKey", "in": "header", "name": header}
	for name, header in {"tokenAuth": "Authorization", "deviceId": "X-D", "deviceToken": "X-T"}.items()
} | {"sessionAuth": {"type": "apiKey", "in": "cookie", "name": "sid"}}


@pytest.fixture(scope="module")
def doc():
	return D.document(
		D.Description(
			title="T",
			version="1.0.0",
			summary="s",
			description="d",
			servers=[{"url": "http://site.test"}],
			security_schemes=SCHEMES,
			tags=[{"name": "Service"}, {"name": "Telemetry"}],
			webhooks={
				"task.overdue": {
					"post": {
						"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
						"responses": {"200": {"description": "ok"}},
					}
				}
			},
		),
		OPS,
	)


def test_the_document_is_valid_openapi_3_1(doc):
	assert doc["openapi"] == "3.1.0"
	validate(doc)  # raises on any error against the OpenAPI 3.1 schema


def test_a_post_method_takes_its_arguments_as_json_or_form_with_the_guards_limits(doc):
	op = doc["paths"]["/api/method/app.api.v1.record_running_hours"]["post"]
	body = op["requestBody"]["content"]
	assert set(body) == {"application/json", "application/x-www-form-urlencoded"}
	schema = body["application/json"]["schema"]
	assert schema["required"] == ["unit", "hours"]
	assert schema["properties"]["unit"] == {
		"type": "string",
		"maxLength": 140,
		"minLength": 1,
		"pattern": r"\S",
		"examples": ["GU-00031"],
	}
	assert schema["properties"]["hours"] == {
		"type": "number",
		"minimum": 0,
		"maximum": 1000000,
		"examples": [1250.5],
	}
	# optional: no minLength (an empty optional argument takes its default), a date's format
	assert schema["properties"]["reading_date"]["format"] == "date"
	assert schema["properties"]["reading_date"]["maxLength"] == 10
	assert "minLength" not in schema["properties"]["reading_date"]
	# and it may be sent as null: it then takes its default
	assert schema["properties"]["meter_replaced"] == {
		"type": ["integer", "null"],
		"minimum": 0,
		"maximum": 1,
		"default": 0,
	}


def test_a_get_method_takes_query_parameters(doc):
	op = doc["paths"]["/api/method/app.api.v1.get_upcoming"]["get"]
	assert "requestBody" not in op
	params = {p["name"]: p for p in op["parameters"]}
	assert [p["in"] for p in op["parameters"]] == ["query"] * 3
	assert params["from_date"]["required"] is True and params["customer"]["required"] is False
	assert params["customer"]["schema"]["maxLength"] == 140
	# what it answers: Frappe's `message` wrapping a list of objects
	answer = op["responses"]["200"]["content"]["application/json"]["schema"]
	assert answer["properties"]["message"] == {"type": "array", "items": {"type": "object"}}


def test_unannotated_limits_take_the_defaults_of_their_type(doc):
	post = doc["paths"]["/api/method/app.api.v1.rate"]["post"]
	props = post["requestBody"]["content"]["application/json"]["schema"]["properties"]
	assert props["score"]["minimum"] == 1 and props["score"]["maximum"] == 5
	assert props["note"]["maxLength"] == 5000
	assert props["plain"] == {"type": ["string", "null"], "maxLength": 140, "default": "x"}
	# a method Frappe serves for GET and POST appears under both, with distinct operation ids
	get = doc["paths"]["/api/method/app.api.v1.rate"]["get"]
	assert {get["operationId"], post["operationId"]} == {"v1.rate_get", "v1.rate_post"}
	# a method returning nothing: Frappe sends `{}`, so `message` is not required
	assert "required" not in post["responses"]["200"]["content"]["application/json"]["schema"]


def test_summary_and_description_come_from_the_docstring(doc):
	op = doc["paths"]["/api/method/app.api.v1.record_running_hours"]["post"]
	assert op["summary"] == "A new hour-meter reading, written to the genset's reading log"
	assert "`meter_replaced` (staff only)" in op["description"]
	assert op["description"].endswith("Re-plans hours-based maintenance.")
	get = doc["paths"]["/api/method/app.api.v1.get_upcoming"]["get"]
	assert get["summary"] == "Open planned services due between two dates"


def test_errors_are_documented_with_frappes_shape_and_auth_alternatives(doc):
	op = doc["paths"]["/api/method/app.api.v1.record_running_hours"]["post"]
	assert set(op["responses"]) == {"200", "400", "403", "404", "405", "417"}
	assert op["responses"]["417"] == {"$ref": "#/components/responses/417"}
	assert op["security"] == [{"tokenAuth": []}, {"sessionAuth": []}]
	ingest = doc["paths"]["/api/method/app.api.t.ingest"]["post"]
	assert set(ingest["responses"]) == {"200", "400", "401", "403", "404", "405", "413", "417"}
	assert ingest["security"] == [{"deviceId": [], "deviceToken": []}]
	assert ingest["requestBody"]["content"]["application/json"]["schema"]["required"] == ["time"]
	# anyone, or a user: the empty requirement comes first
	assert doc["paths"]["/api/method/app.api.v1.rate"]["post"]["security"] == [{}, {"tokenAuth": []}]
	error = doc["components"]["schemas"]["Error"]
	assert {"exc_type", "exception", "_server_messages"} <= set(error["properties"])
	assert set(doc["components"]["responses"]) == {"400", "401", "403", "404", "405", "413", "417"}


def test_an_example_is_given_only_where_it_fits_the_limits():
	assert D._property(Annotated[str, Length(5)], True, None, "unit").get("examples") is None
	assert D._property(Annotated[int, Limit(1, 10)], True, None, "days").get("examples") is None
	assert D._property(Annotated[int, Limit(1, 60)], True, None, "days")["examples"] == [30]


def test_the_generator_is_pure():
	source = open(D.__file__).read()
	assert "import frappe" not in source and "from frappe" not in source


def test_the_contract_of_a_version_and_what_breaks_it(doc):
	frozen = D.contract(doc)
	op = frozen["v1.record_running_hours"]
	assert op["method"] == "post" and op["arguments"]["hours"] == {
		"in": "body",
		"required": True,
		"schema": {"type": "number", "minimum": 0, "maximum": 1000000},
	}
	assert D.breaking_changes(frozen, D.contract(doc)) == []
	# prose and examples may change; a limit, an argument, a method may not
	changed = D.contract(doc)
	changed["v1.record_running_hours"]["arguments"]["hours"]["schema"]["maximum"] = 10
	del changed["v1.get_upcoming"]["arguments"]["customer"]
	changed["v1.rate_post"]["arguments"]["new_one"] = {"in": "body", "required": True, "schema": {}}
	changed["v1.rate_post"]["arguments"]["optional_one"] = {"in": "body", "required": False, "schema": {}}
	del changed["t.ingest"]
	changed["v1.new"] = {"path": "/x", "method": "get", "arguments": {}, "statuses": ["200"]}
	assert D.breaking_changes(frozen, changed) == [
		"t.ingest: removed",
		"v1.get_upcoming: argument customer removed",
		"v1.rate_post: new required argument new_one",
		"v1.record_running_hours: argument hours changed",
	]
