"""After a load or fault run (benchmark k): was anything lost or doubled?

- every engineer's visit is in the desk exactly once: one submitted Genset Inspection per load task,
  one Genset Field Action per phone action id, the task Done;
- the large delivery's background plan is finished exactly once: 200 live units, one set of tasks;
- no job is lost: RQ's failed jobs are listed (the sweep re-queues a dead plan).

    ~/frappe-bench/env/bin/python benchmarks/load_check.py --site bench.test
"""

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from load_data import OUT, connect

import frappe


def main() -> None:
	import argparse

	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--logins", default=str(OUT))
	args = parser.parse_args()
	connect(args.site)
	logins = json.loads(pathlib.Path(args.logins).read_text())
	tasks = [e["task"] for e in logins["engineers"]]
	inspections = frappe.get_all(
		"Genset Inspection",
		filters={"task": ("in", tasks), "docstatus": 1},
		fields=["task", "count(*) as n"],
		group_by="task",
	)
	per_task = {row.task: row.n for row in inspections}
	done = frappe.db.count("Genset Service Task", {"name": ("in", tasks), "status": "Done"})
	actions = frappe.get_all(
		"Genset Field Action",
		filters={"action_id": ("like", "load-%")},
		fields=["action_id", "count(*) as n"],
		group_by="action_id",
	)
	note = logins["large_delivery"]
	units = frappe.db.count("Genset Unit", {"delivery_note": note, "status": ("!=", "Cancelled")})
	plan_tasks = frappe.db.count("Genset Service Task", {"reference_name": note})
	keys = frappe.db.sql(  # nosemgrep
		"""select count(*) from (select plan_key from `tabGenset Service Task`
		where reference_name = %s and plan_key is not null group by plan_key having count(*) > 1) d""",
		note,
	)[0][0]
	from frappe.utils.background_jobs import get_queue_list, get_queues

	failed = sum(len(q.failed_job_registry) for q in get_queues())
	print(
		json.dumps(
			{
				"visits_sent": len(tasks),
				"visits_in_desk_once": sum(1 for n in per_task.values() if n == 1),
				"visits_doubled": sum(1 for n in per_task.values() if n > 1),
				"visits_missing": len(tasks) - len(per_task),
				"tasks_done": done,
				"phone_actions_doubled": sum(1 for a in actions if a.n > 1),
				"large_delivery": note,
				"large_delivery_status": frappe.db.get_value("Delivery Note", note, "genset_planning_status"),
				"large_delivery_units": units,
				"large_delivery_tasks": plan_tasks,
				"large_delivery_doubled_plan_keys": keys,
				"rq_failed_jobs": failed,
				"queues": get_queue_list(),
			}
		)
	)


if __name__ == "__main__":
	main()
