"""Who reads a message: the customer (portal, emails, certificates, calendars) and the engineer (the
phone app) read the app in their own languages; the service team reads all of it. Rules as data, read
by the translations' tier-1 test to decide which languages each message must have. Pure: no Frappe."""

# every message of the app: Chinese (the maker's team works in it)
ALL_LANGUAGES = ("zh",)
# and, for what customers and engineers see, these too
CUSTOMER_LANGUAGES = ("es", "fr", "ar", "pt")

# where a message is written, for the customer's and the engineer's eyes
CUSTOMER_PATHS = (
	"genset_service/www/",
	"genset_service/templates/",
	"genset_service/field/",
	"genset_service/calendars/",
	"genset_service/certificates/",
	"genset_service/api/",
	"genset_service/portal.py",
	"genset_service/scheduling/voice.py",
	"genset_service/public/js/telemetry_charts.js",
	"genset_service/setup/records/genset_service_type.json",
)
# the DocTypes whose labels and options the portal, the phone and the certificates show
PORTAL_DOCTYPES = (
	"Genset Unit",
	"Genset Service Task",
	"Genset Service Request",
	"Genset Service Type",
	"Genset Inspection",
	"Genset Inspection Reading",
	"Genset Service Report",
	"Genset Satisfaction Survey",
	"Genset Shipment",
	"Genset Warranty Extension",
	"Genset Service Contract",
)
# a message whose translation may equal the English: codes, units and names the same in every language
SAME_IN_EVERY_LANGUAGE = frozenset(
	{
		"API",
		"ETA",
		"Incoterm",
		"TLS",
		"DSE",
		"ComAp",
		"SmartGen",
		"OSRM",
		"Valhalla",
		"VROOM",
		"MQTT",
		"Modbus",
		"Sparkplug B",
		"kVA",
		"kW",
		"Hz",
	}
)
# words spelled the same in a language as in English (checked by a translator, listed here)
SAME_WORD = {
	"es": frozenset({"Portal", "Multimodal", "No", "Inspector"}),
	"pt": frozenset({"Portal", "Multimodal", "Item"}),
	"fr": frozenset(
		{
			"Date",
			"Dates",
			"Destination",
			"Inspection",
			"Multimodal",
			"Notes",
			"Pages",
			"Pauses",
			"Photo",
			"Signature",
			"Site",
			"Source",
			"Suggestions",
			"photo",
			"signature",
		}
	),
}


def customer_facing(locations: list[str], comments: list[str]) -> bool:
	"""Whether customers or engineers see a message written at these places, described so."""
	if any(place.startswith(CUSTOMER_PATHS) for place in locations):
		return True
	said = " ".join(comments)
	return ("Label of" in said or "Option for" in said or "Name of a DocType" in said) and any(
		f"'{doctype}'" in said for doctype in PORTAL_DOCTYPES
	)


def languages_of(locations: list[str], comments: list[str]) -> tuple[str, ...]:
	return ALL_LANGUAGES + (CUSTOMER_LANGUAGES if customer_facing(locations, comments) else ())
