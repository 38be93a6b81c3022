"""The bench commands this app adds (Frappe reads ``commands`` from here)."""

import click

from frappe.commands import get_site, pass_context


@click.command("genset-telemetry-bridge")
@click.option("--client-id", help="MQTT client id; give each bridge its own (default: genset-bridge-<host>).")
@click.option("--json-topic", help="Subscription of the plain JSON payload (default: the settings').")
@click.option("--sparkplug-topic", help='Sparkplug B subscription, e.g. "spBv1.0/North/#"; "" for none.')
@click.option("--shared-group", help='Shared-subscription group ("" for none).')
@click.option("--host", help="Broker host (default: Genset Telemetry Settings).")
@click.option("--port", type=int, help="Broker port.")
@click.option("--max-messages", type=int, default=0, help="Stop after this many messages (tests).")
@click.option("--max-seconds", type=float, default=0, help="Stop after this many seconds (tests).")
@click.option("--quiet", is_flag=True, help="Log warnings only.")
@pass_context
def telemetry_bridge(context, **options):
	"""Feed the gensets' MQTT messages (plain JSON and Sparkplug B) into the site; runs until stopped.

	Run it under supervisor or as a Procfile line (README: Telemetry)."""
	from genset_service.telemetry.bridge import run

	site = get_site(context)
	stats = run(site, **{key: value for key, value in options.items()})
	click.echo(f"genset-telemetry-bridge stopped: {stats}")


@click.group("genset-service")
def genset_service_group():
	"""Genset Service's own commands."""


@genset_service_group.command("demo")
@click.option("--remove", is_flag=True, help="Delete the demo's company and everything the demo made.")
@pass_context
def demo(context, remove=False):
	"""A demo of the whole service: a company of its own, three customers, two years of gensets, visits,
	requests under their clocks, a shipment, gensets reporting themselves. Run twice, it adds nothing."""
	import frappe

	from genset_service.demo.run import run

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		run(remove=remove)
	finally:
		frappe.destroy()


commands = [telemetry_bridge, genset_service_group]
