"""The bench command's body: make or remove the demo, say what was made and how to log in."""

import time

import frappe

from genset_service.demo import spec as S


def run(remove: bool = False) -> dict:
	started = time.time()

	def progress(step: str) -> None:
		print(f"[{time.time() - started:5.0f}s] {step}", flush=True)

	if remove:
		from genset_service.demo.remove import remove as take_away

		done = take_away(progress)
		print("The demo is removed." if done["removed"] else "There is no demo on this site.")
		return done
	from genset_service.demo.make import make

	made = make(progress)
	print(logins(made))
	return made


def logins(made: dict) -> str:
	base = frappe.utils.get_url()
	lines = [
		"",
		f"==== the Genset Service demo on {frappe.local.site} ({made['seconds']} s) ====",
		f"  password of every demo login: {S.PASSWORD}",
		f"  the service manager:  {made['staff']['manager']}   {base}/app/genset-service",
		f"                        the dispatch board: {base}/app/genset-dispatch",
		f"  an engineer (phone):  {made['engineers']['dana']}   {base}/field",
		f"  a customer (portal):  {made['customers']['leeds']}   {base}/my_gensets",
		f"  support:              {made['staff']['support']}",
		"  remove it: bench --site " + frappe.local.site + " genset-service demo --remove",
	]
	return "\n".join(lines)
