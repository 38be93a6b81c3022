"""What a move on the board may break (pure): each rule is data, a name and a test; the board asks for
confirmation naming every rule a move breaks."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
	day: datetime.date
	start: datetime.datetime
	due_from: datetime.date | None
	due_to: datetime.date | None
	deadline: datetime.datetime | None  # a request's on-site deadline
	skill: str
	skills: frozenset[str]  # the engineer's
	works: bool  # the engineer works that day (a working day, not a holiday)
	certified: bool = True  # the engineer is certified for the genset's model and size


RULES = (
	("outside_window", lambda m: bool(m.due_from and m.due_to and not m.due_from <= m.day <= m.due_to)),
	("past_deadline", lambda m: bool(m.deadline and m.start > m.deadline)),
	("no_skill", lambda m: m.skill not in m.skills),
	("not_certified", lambda m: not m.certified),
	("day_off", lambda m: not m.works),
)


def broken(move: Move) -> list[str]:
	"""The names of the rules the move breaks, in the order of RULES."""
	return [name for name, test in RULES if test(move)]
