"""The machine-readable description of the API: ``/api/method/genset_service.api.openapi.v1``."""

import json

from werkzeug.wrappers import Response

import frappe

from genset_service.openapi.site import v1_description


@frappe.whitelist(methods=["GET"], allow_guest=True)
@frappe.read_only()
def v1() -> Response:
	"""The OpenAPI 3.1 description of version 1 (JSON), for generating clients and testing against."""
	body = json.dumps(v1_description(), indent=1, sort_keys=False, default=str)
	response = Response(body, content_type="application/json; charset=utf-8")
	response.headers["Cache-Control"] = "public, max-age=300"
	return response
