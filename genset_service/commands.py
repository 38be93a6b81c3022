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


commands = [telemetry_bridge]
