"""Dispatch: pick the least-loaded user holding a role (no Frappe imports)."""

from collections.abc import Iterable, Mapping


def assign_least_loaded(
	roles: Iterable[str | None],
	users_by_role: Mapping[str, Iterable[str]],
	open_load: Mapping[str, int],
) -> list[str | None]:
	"""One assignee per entry of ``roles``, in order.

	Each pick goes to the user of that role with the fewest open assignments, counting the picks
	already made in this batch; ties go to the alphabetically first user. A role nobody holds
	gives None (the task stays unassigned, visible to the whole role).
	"""
	load = dict(open_load)
	candidates = {role: sorted(set(users)) for role, users in users_by_role.items()}
	picks = []
	for role in roles:
		users = candidates.get(role) if role else None
		if not users:
			picks.append(None)
			continue
		user = min(users, key=lambda u: (load.get(u, 0), u))
		load[user] = load.get(user, 0) + 1
		picks.append(user)
	return picks
