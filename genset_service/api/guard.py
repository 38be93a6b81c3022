"""One shared way to refuse bad input to the app's whitelisted methods with a 4xx and a message.

Frappe already checks the type of every annotated argument (a wrong type is a 417). What it does not
check is done here, from the annotations, by one decorator put under ``@frappe.whitelist``:

- a required argument that is missing or empty: 417 naming it (Frappe itself answers 500);
- numbers: finite (``nan`` and ``inf`` parse as floats) and within limits;
- text: at most a length (names 140 characters unless the annotation says otherwise);
- dates: a real calendar date in ISO form (``2026-02-30`` and ``tomorrow`` are refused).

The limits are data: ``Annotated[float, Limit(0, 1_000_000)]`` on the argument, else the defaults of
its type in ``DEFAULTS``. Unknown extra arguments stay ignored, as Frappe does.
"""

import datetime
import inspect
import math
import types
import typing
from functools import wraps

import frappe
from frappe import _

from genset_service.access.guard import as_app

# the limits are data shared with the API's description (genset_service/openapi): one source for both
from genset_service.api.limits import (
	DEFAULTS,
	DateString,  # the methods import the shorthands from here
	Hours,
	Image,
	IsoDate,
	Length,
	Limit,
	Name,
	Text,
)


def _missing(name: str) -> None:
	frappe.throw(
		_("{0} is required.").format(frappe.bold(name)),
		frappe.ValidationError,
		title=_("Missing Argument"),
	)


def _check_limit(name: str, value, rule: Limit):
	if isinstance(value, bool) or not isinstance(value, int | float):
		return value
	if isinstance(value, float) and not math.isfinite(value):
		frappe.throw(
			_("{0} must be a finite number, not {1}.").format(frappe.bold(name), value),
			title=_("Invalid Number"),
		)
	if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
		frappe.throw(
			_("{0} must be from {1} to {2}, not {3}.").format(
				frappe.bold(name), _fmt(rule.low), _fmt(rule.high), _fmt(value)
			),
			title=_("Out of Range"),
		)
	return value


def _check_length(name: str, value, rule: Length):
	if isinstance(value, str) and len(value) > rule.chars:
		frappe.throw(
			_("{0} is too long ({1} characters, at most {2}).").format(
				frappe.bold(name), len(value), rule.chars
			),
			title=_("Too Long"),
		)
	return value


def _check_date(name: str, value, rule: IsoDate):
	if isinstance(value, datetime.date):
		day = value if not isinstance(value, datetime.datetime) else value.date()
	else:
		try:
			day = datetime.date.fromisoformat(str(value).strip())
		except ValueError:
			day = None
	if day is None or not rule.first_year <= day.year <= rule.last_year:
		frappe.throw(
			_("{0} must be a date written YYYY-MM-DD, not {1}.").format(
				frappe.bold(name), frappe.utils.escape_html(str(value)[:40])
			),
			title=_("Invalid Date"),
		)
	return day.isoformat()


CHECKS = {Limit: _check_limit, Length: _check_length, IsoDate: _check_date}


def _fmt(value) -> str:
	if value is None:
		return "-"
	if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
		value = int(value)
	if isinstance(value, int):  # a 400-digit int does not fit a float
		text = str(value)
		return text if len(text) <= 20 else f"{text[:17]}..."
	return f"{value:g}"


def _rules(annotation) -> tuple:
	"""The checks of an annotation: its ``Annotated`` metadata, else the defaults of its type
	(``X | None`` is checked as ``X`` when given)."""
	if typing.get_origin(annotation) in (typing.Union, types.UnionType):
		members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
		annotation = members[0] if len(members) == 1 else annotation
	if typing.get_origin(annotation) is typing.Annotated:
		_base, *meta = typing.get_args(annotation)
		return tuple(rule for rule in meta if type(rule) in CHECKS)
	return DEFAULTS.get(annotation, ())


def checked(fn):
	"""Refuse missing, non-finite, out-of-range, oversized and malformed arguments with a 417."""
	signature = inspect.signature(fn)
	hints = typing.get_type_hints(fn, include_extras=True)
	plan = {}
	for name, parameter in signature.parameters.items():
		if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
			continue
		plan[name] = (parameter.default is inspect.Parameter.empty, _rules(hints.get(name)))

	dotted = f"{fn.__module__}.{fn.__name__}"

	@wraps(fn)
	def wrapper(*args, **kwargs):
		_body_is_an_object(dotted)
		given = dict(zip(plan, args, strict=False))
		given.update({key: value for key, value in kwargs.items() if key in plan})
		for name, (required, rules) in plan.items():
			value = given.get(name)
			if value is None or (isinstance(value, str) and not value.strip()):
				if required:
					_missing(name)
				given.pop(name, None)  # an empty optional argument takes its default
				continue
			for rule in rules:
				value = CHECKS[type(rule)](name, value, rule)
			given[name] = value
		# an endpoint of the app is one of its own actions: what it writes, it chose to write
		with as_app():
			return fn(**given)

	return wrapper


def _body_is_an_object(dotted: str) -> None:
	"""A JSON body sent to a method is an object of its arguments: Frappe takes a JSON list as the
	argument ``data`` and would call the method with none of them (its defaults); that is a 417."""
	request = getattr(frappe.local, "request", None)
	form = getattr(frappe.local, "form_dict", None) or {}
	if (
		request is not None
		and form.get("cmd") == dotted
		and request.is_json
		and isinstance(form.get("data"), list)
	):
		frappe.throw(
			_("The body must be a JSON object of the method's arguments, not a list."),
			title=_("Invalid Body"),
		)


def name_list(value: str | None, what: str, title: str) -> list[str] | None:
	"""Names sent as a JSON list or comma-separated, stripped; None when none. ``what`` names them in
	the 417 that refuses anything else (already translated), ``title`` heads it."""
	if not value:
		return None
	try:
		names = frappe.parse_json(value) if value.strip().startswith("[") else value.split(",")
	except ValueError:
		names = None
	if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
		frappe.throw(_("{0} must be a list of names.").format(what), title=title)
	return [n.strip() for n in names if n.strip()] or None
