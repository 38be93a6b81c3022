"""Who may work on which genset (pure: no Frappe): an engineer's certified models (none listed: any
model) and kVA range (0: no limit on that side).

The solver knows only skills, so a visit to a genset that some of the service's skilled engineers are
not certified for asks for a skill of its own, named after the service, the model and the size
(``Maintenance · GS-500, 500 kVA``), which only the certified ones hold. Where every skilled engineer
is certified, the visit keeps the plain service as its skill."""

import dataclasses
from dataclasses import dataclass

from genset_service.dispatch.model import Engineer, Visit


@dataclass(frozen=True)
class Certification:
	models: frozenset[str] = frozenset()  # empty: any model
	min_kva: float = 0.0
	max_kva: float = 0.0  # 0: no upper limit

	def covers(self, model: str | None, kva: float | None) -> bool:
		if self.models and model not in self.models:
			return False
		if kva and self.min_kva and kva < self.min_kva:
			return False
		return not (kva and self.max_kva and kva > self.max_kva)


ANY = Certification()


@dataclass(frozen=True)
class Genset:
	"""What certification looks at: the unit's model (item code) and its size."""

	model: str | None
	kva: float | None


def describe(genset: Genset) -> str:
	"""``GS-500, 500 kVA``."""
	return f"{genset.model or '?'}" + (f", {genset.kva:g} kVA" if genset.kva else "")


def skill_for(service: str, genset: Genset) -> str:
	return f"{service} · {describe(genset)}"


def certify(
	engineers: tuple[Engineer, ...],
	visits: tuple[Visit, ...],
	certifications: dict[str, Certification],
	gensets: dict[str, Genset],
) -> tuple[tuple[Engineer, ...], tuple[Visit, ...]]:
	"""The engineers and visits with certification folded into their skills. ``gensets`` maps a
	visit id to its genset (a visit without one, a request without a unit, keeps its skill)."""
	extra: dict[str, set[str]] = {}
	certified_visits = []
	for visit in visits:
		genset = gensets.get(visit.id)
		skilled = [e for e in engineers if visit.skill in e.skills]
		able = (
			[e for e in skilled if certifications.get(e.id, ANY).covers(genset.model, genset.kva)]
			if genset
			else skilled
		)
		if len(able) == len(skilled):
			certified_visits.append(visit)
			continue
		skill = skill_for(visit.skill, genset)
		for engineer in able:
			extra.setdefault(engineer.id, set()).add(skill)
		certified_visits.append(dataclasses.replace(visit, skill=skill))
	certified_engineers = tuple(
		dataclasses.replace(e, skills=e.skills | extra[e.id]) if e.id in extra else e for e in engineers
	)
	return certified_engineers, tuple(certified_visits)
