"""Babel extractors for the app's translatable data that Frappe's extractors skip, named in the app's
``babel_extractors.csv`` (``bench generate-pot-file`` reads it): number cards' labels, charts' names,
and the catalogue's service types (name, what it is, when) from the default records. Pure: no Frappe."""

import json

# a file's kind -> the keys whose values are shown to users, with the comment a translator sees
FIELDS = {
	"Number Card": (("label", "Label of a number card"),),
	"Dashboard Chart": (("chart_name", "Name of a dashboard chart"),),
	"Genset Service Type": (
		("service_name", "Name of a catalogue service (Genset Service Type)"),
		("description", "What a catalogue service is (Genset Service Type)"),
		("service_time", "When a catalogue service is given (Genset Service Type)"),
	),
}


def extract(fileobj, *args, **kwargs):
	"""Yield (line, function, message, comments) for each translatable value of the file's records."""
	data = json.load(fileobj)
	for record in data if isinstance(data, list) else [data]:
		if not isinstance(record, dict):
			continue
		for key, comment in FIELDS.get(record.get("doctype"), ()):
			value = record.get(key)
			if isinstance(value, str) and value.strip():
				yield None, "_", value, [comment]
