"""Calendar arithmetic used by the planner (no Frappe imports)."""

import calendar
import datetime
import math

Date = datetime.date


def add_days(day: Date, days: int) -> Date:
	return day + datetime.timedelta(days=days)


def add_months(day: Date, months: int) -> Date:
	"""Add calendar months, clamping to the last day of a shorter month.

	31 January + 1 month is 28 (or 29) February; 29 February + 12 months is 28 February.
	Recurring dates are always computed from the series start (start + k * interval), never
	by chaining, so a series started on the 31st does not drift to the 28th.
	"""
	month_index = day.month - 1 + months
	year = day.year + month_index // 12
	month = month_index % 12 + 1
	last_day = calendar.monthrange(year, month)[1]
	return Date(year, month, min(day.day, last_day))


def days_between(start: Date, end: Date) -> int:
	return (end - start).days


def date_for_hours(
	target_hours: float, reading_hours: float, reading_date: Date, hours_per_day: float
) -> Date | None:
	"""The day a meter reaches ``target_hours`` at a steady ``hours_per_day``.

	Returns None when no usage rate is known. A target already passed gives the reading date.
	"""
	if not hours_per_day or hours_per_day <= 0:
		return None
	remaining = target_hours - reading_hours
	if remaining <= 0:
		return reading_date
	return add_days(reading_date, math.ceil(remaining / hours_per_day))
