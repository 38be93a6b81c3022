"""Customer satisfaction from answered surveys (pure: no Frappe).

Questions are rated 1 to 5; **CSAT** of a question is the share of its answers rated 4 or 5. The
recommendation is scored 0 to 10; **NPS** is the share of promoters (9, 10) less the share of
detractors (0 to 6), from -100 to 100.
"""

from collections import defaultdict

QUESTIONS = ("overall", "response_speed", "engineer_skill", "product_quality")


def csat(scores: list[int]) -> float | None:
	answered = [s for s in scores if s]
	return round(100 * sum(1 for s in answered if s >= 4) / len(answered), 1) if answered else None


def nps(scores: list[int | None]) -> float | None:
	answered = [s for s in scores if s is not None]
	if not answered:
		return None
	promoters = sum(1 for s in answered if s >= 9)
	detractors = sum(1 for s in answered if s <= 6)
	return round(100 * (promoters - detractors) / len(answered), 1)


def satisfaction(surveys: list[dict], group_of) -> list[dict]:
	"""One row per group (``group_of(survey)``), then a total row (group None): surveys answered,
	CSAT per question and NPS."""
	groups = defaultdict(list)
	for survey in surveys:
		groups[group_of(survey)].append(survey)
	rows = [_row(group, members) for group, members in sorted(groups.items(), key=lambda g: str(g[0]))]
	if rows:
		rows.append(_row(None, surveys))
	return rows


def _row(group, members: list[dict]) -> dict:
	row = {"group": group, "surveys": len(members), "nps": nps([m.get("nps") for m in members])}
	for question in QUESTIONS:
		row[f"{question}_csat"] = csat([m.get(question) or 0 for m in members])
	return row
