"""Which territory a visit belongs to (pure): a large region is solved territory by territory, and a
territory's proposal plans only its own work."""

from collections import defaultdict

from genset_service.planning.geo import distance_km


def territories_of(engineers, visits) -> dict[str, str]:
	"""Each visit's territory: of the territories with an engineer who has its skill (else of all),
	the one whose engineers live nearest on average. The same rule splits a large region
	(``solver.solve_by_territory``) and decides which unassigned work a territory's proposal plans."""
	teams = defaultdict(list)
	for engineer in engineers:
		teams[engineer.territory].append(engineer)
	if not teams:
		return {}
	centres = {
		name: (sum(e.home[0] for e in team) / len(team), sum(e.home[1] for e in team) / len(team))
		for name, team in teams.items()
	}
	found = {}
	for visit in visits:
		able = [n for n, team in teams.items() if any(visit.skill in e.skills for e in team)] or list(teams)
		found[visit.id] = min(able, key=lambda n: (distance_km(centres[n], visit.place), n))
	return found
