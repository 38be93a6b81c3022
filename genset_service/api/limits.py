"""The limits of the API's arguments, as data: the guard (``api/guard.py``) refuses what breaks them
with a 417 and the API's description (``genset_service/openapi``) states them. Pure: no Frappe."""

import typing
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
	"""Inclusive bounds of a number."""

	low: float | None = None
	high: float | None = None


@dataclass(frozen=True)
class Length:
	"""At most this many characters."""

	chars: int


@dataclass(frozen=True)
class IsoDate:
	"""A calendar date written YYYY-MM-DD, between the years given."""

	first_year: int = 1900
	last_year: int = 2200


# the checks every argument of a type gets unless its annotation carries its own
DEFAULTS: dict[type, tuple] = {
	float: (Limit(-1e12, 1e12),),
	int: (Limit(-(2**53), 2**53),),
	str: (Length(140),),
}

# shorthands for the app's methods
Name = typing.Annotated[str, Length(140)]
Text = typing.Annotated[str, Length(10_000)]
Hours = typing.Annotated[float, Limit(0, 1_000_000)]
DateString = typing.Annotated[str, Length(10), IsoDate()]
Image = typing.Annotated[str, Length(250_000)]  # a drawn signature as a PNG data URL is 10-100 KB
