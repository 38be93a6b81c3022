"""Inspection rules (no Frappe imports): reading evaluation, result consistency, running hours."""

from dataclasses import dataclass

NUMERIC = "Numeric"
PASS_FAIL = "Pass/Fail"
TEXT = "Text"
READING_TYPES = (NUMERIC, PASS_FAIL, TEXT)

PASS = "Pass"
FAIL = "Fail"

ACCEPTED = "Accepted"
ACCEPTED_WITH_REMARKS = "Accepted with Remarks"
REJECTED = "Rejected"
RESULTS = (ACCEPTED, ACCEPTED_WITH_REMARKS, REJECTED)


class InspectionError(ValueError):
	"""``reason`` is a code; ``row`` the reading's index (1-based) where it applies."""

	def __init__(self, reason: str, row: int | None = None, value=None):
		super().__init__(f"{reason} (row {row}: {value!r})")
		self.reason = reason
		self.row = row
		self.value = value


@dataclass(frozen=True)
class Reading:
	reading_type: str
	value: str | None = None
	min_value: float | None = None
	max_value: float | None = None
	mandatory: bool = False


def parse_number(text: str | None) -> float | None:
	if text is None or str(text).strip() == "":
		return None
	try:
		return float(str(text).strip().replace(",", "."))
	except ValueError:
		return None


def evaluate(reading: Reading, row: int = 1) -> str | None:
	"""Pass, Fail, or None (no judgement: text, or nothing recorded) for one reading."""
	if reading.reading_type not in READING_TYPES:
		raise InspectionError("unknown_type", row, reading.reading_type)
	raw = None if reading.value is None else str(reading.value).strip()
	if not raw:
		if reading.mandatory:
			raise InspectionError("missing", row)
		return None
	if reading.reading_type == TEXT:
		return None
	if reading.reading_type == PASS_FAIL:
		if raw not in (PASS, FAIL):
			raise InspectionError("not_pass_fail", row, raw)
		return raw
	number = parse_number(raw)
	if number is None:
		raise InspectionError("not_a_number", row, raw)
	if reading.min_value is not None and number < reading.min_value:
		return FAIL
	if reading.max_value is not None and number > reading.max_value:
		return FAIL
	return PASS


def check_result(result: str, statuses: list[str | None], remarks: str | None) -> None:
	"""An inspection with a failed reading cannot be plainly Accepted; remarks must say why."""
	if result not in RESULTS:
		raise InspectionError("unknown_result", None, result)
	failed = [index for index, status in enumerate(statuses, start=1) if status == FAIL]
	if result == ACCEPTED and failed:
		raise InspectionError("accepted_with_failures", failed[0])
	if result in (ACCEPTED_WITH_REMARKS, REJECTED) and not (remarks or "").strip():
		raise InspectionError("remarks_required", None, result)


def is_accepted(result: str) -> bool:
	return result in (ACCEPTED, ACCEPTED_WITH_REMARKS)


def check_running_hours(new_hours: float | None, last_hours: float | None) -> None:
	"""A genset's hour meter never runs backwards."""
	if new_hours is None:
		return
	if new_hours < 0:
		raise InspectionError("negative_hours", None, new_hours)
	if last_hours is not None and new_hours < last_hours:
		raise InspectionError("hours_decrease", None, new_hours)


def passing_value(row) -> str:
	"""A reading that passes a checkpoint (its type and limits): the demo's and the tests' readings."""
	if row.reading_type == PASS_FAIL:
		return PASS
	if row.reading_type == TEXT:
		return "Checked"
	if row.min_value:
		return str(row.min_value + 1)
	if row.max_value:
		return str(row.max_value - 1)
	return "10"
