"""Background jobs that must run once at a time: is the one queued or running still alive?"""

import datetime

from frappe.utils.background_jobs import get_job

# RQ's work horse beats every 30 s while it runs a job (the job's lease is then 90 s): a job still
# "started" with no beat for longer than this died with its worker (kill -9, a lost machine), and RQ
# itself only notices at its next registry clean-up
HEARTBEAT_GRACE_S = 120


def job_alive(job_id: str, now=None) -> bool:
	"""Whether the job is waiting or running: queued, or started with a recent beat. A started job
	whose worker died is deleted, so that the queue's deduplication takes a new one."""
	job = get_job(job_id)
	if not job:
		return False
	status = job.get_status()
	if status == "queued":
		return True
	if status != "started":
		return False
	now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)  # RQ's times: UTC
	beat = job.last_heartbeat or job.started_at
	if beat and (now - beat).total_seconds() <= HEARTBEAT_GRACE_S:
		return True
	job.delete()
	return False
