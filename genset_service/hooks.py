from genset_service.access.rules import OWN_WORK as _OWN_WORK

app_name = "genset_service"
app_title = "Genset Service"
app_publisher = "genset_service developers"
app_description = "After-sales service for diesel generator sets on ERPNext: contracts, plans, warranty"
app_email = "dev@genset-service.invalid"
app_license = "MIT"

required_apps = ["frappe/erpnext"]

add_to_apps_screen = [
	{
		"name": app_name,
		"title": app_title,
		"route": "/app/genset-service",
	}
]

# Install, migrate, uninstall
# ---------------------------
before_install = "genset_service.setup.install.before_install"
after_install = "genset_service.setup.install.after_install"
after_migrate = "genset_service.setup.install.after_migrate"
before_uninstall = "genset_service.setup.install.before_uninstall"

# Roles travel as fixtures (synced on every migrate); service types are default records installed
# once by after_install / after_migrate so that a System Manager's edits survive upgrades.
fixtures = [
	{
		"dt": "Role",
		"filters": [
			[
				"name",
				"in",
				[
					"Technical Engineer",
					"Logistics Specialist",
					"After-sales Engineer",
					"Technical Support",
					"Customer Service Specialist",
					"Service Manager",
				],
			]
		],
	}
]

# ERPNext forms
# -------------
doctype_js = {
	"Delivery Note": "public/js/delivery_note.js",
	"Lead": "public/js/consultation.js",
	"Opportunity": "public/js/consultation.js",
	"Quotation": "public/js/consultation.js",
}

calendars = ["Genset Service Task"]

# Portal
# ------
standard_portal_menu_items = [
	{
		"title": "My Generators",
		"route": "/my_gensets",
		"reference_doctype": "Genset Unit",
		"role": "Customer",
	},
	{
		"title": "Service Requests",
		"route": "/my_service_requests",
		"reference_doctype": "Genset Service Request",
		"role": "Customer",
	},
	{
		"title": "Service History",
		"route": "/my_service_history",
		"reference_doctype": "Genset Service Task",
		"role": "Customer",
	},
	{
		"title": "Surveys",
		"route": "/my_gensets#surveys",
		"reference_doctype": "Genset Satisfaction Survey",
		"role": "Customer",
	},
]

# a genset's own page; the one-page portal's links keep working (anchors are moved in the browser,
# since a #fragment never reaches the server; these paths are redirected by the server)
website_route_rules = [{"from_route": "/my_gensets/<unit>", "to_route": "my_gensets/genset"}]
website_redirects = [
	{"source": "/my-gensets", "target": "/my_gensets"},
	{"source": "/my_gensets/service-requests", "target": "/my_service_requests"},
	{"source": "/my_gensets/service-history", "target": "/my_service_history"},
]

# Permissions: a customer's portal users see only their own customer's records
# -------------------------------------------------------------------------------
_PORTAL_DOCTYPES = [
	"Genset Service Contract",
	"Genset Unit",
	"Genset Service Task",
	"Genset Inspection",
	"Genset Service Report",
	"Genset Service Request",
	"Genset Warranty Extension",
	"Genset Return Visit",
	"Genset Operation Training",
	"Genset Satisfaction Survey",
	"Genset Shipment",
	"Genset Shipment Milestone",
	"Genset Device",
	"Genset Telemetry Event",
]
permission_query_conditions = {
	doctype: "genset_service.permissions.query_conditions" for doctype in _PORTAL_DOCTYPES
}
has_permission = {doctype: ["genset_service.permissions.has_permission"] for doctype in _PORTAL_DOCTYPES}
# an engineer records only his own work (access/rules.py OWN_WORK); asked first
for _doctype in _OWN_WORK:
	has_permission[_doctype].append("genset_service.access.guard.own_work")

# the engineer's phone app at /field, with its service worker at /field/sw.js
page_renderer = ["genset_service.field.render.FieldApp"]

# frappe.client.get_count counts the app's DocTypes with the caller's permissions
override_whitelisted_methods = {
	"frappe.client.get_count": "genset_service.api.client.get_count",
}

# Document events
# ---------------
doc_events = {
	# who may write which field, decided on the server for every door (access/rules.py)
	"*": {
		"before_validate": "genset_service.events.access.before_save",
		"before_update_after_submit": "genset_service.events.access.before_save",
	},
	"Address": {
		"validate": "genset_service.events.address.validate",
	},
	"Item": {
		"validate": "genset_service.events.item.validate",
	},
	"Sales Order": {
		"validate": "genset_service.events.sales_order.validate",
		"on_submit": "genset_service.events.sales_order.on_submit",
		# ERPNext's Update Items ends in a save of the submitted order
		"on_update_after_submit": "genset_service.events.sales_order.on_update_after_submit",
		"on_cancel": "genset_service.events.sales_order.on_cancel",
	},
	"Delivery Note": {
		"validate": "genset_service.events.delivery_note.validate",
		"before_submit": "genset_service.events.delivery_note.before_submit",
		"on_submit": "genset_service.events.delivery_note.on_submit",
		"on_cancel": "genset_service.events.delivery_note.on_cancel",
	},
}

# Scheduled tasks
# ---------------
scheduler_events = {
	"daily": [
		"genset_service.scheduling.status.refresh_statuses",
		"genset_service.scheduling.voice.send_due_surveys",
		"genset_service.scheduling.reminders.send_reminders",
		# photos a phone uploaded for a visit it then discarded
		"genset_service.field.photos.delete_orphans",
		# shipments gone silent or past their ETA, told to the Logistics Specialists
		"genset_service.logistics.notify.watch_shipments",
	],
	# the gensets' raw readings rolled up by the hour and the day, and what is past its keeping dropped
	"hourly_long": [
		"genset_service.telemetry.rollup.run",
	],
	"cron": {
		"*/10 * * * *": [
			# the request clocks: a 2-hour promise needs a look more often than hourly
			"genset_service.scheduling.requests.escalate",
			# a large delivery's plan whose job died is queued again
			"genset_service.scheduling.large_delivery.requeue_stale_plans",
			# gensets whose shipment moved and whose background re-plan has not run yet
			"genset_service.logistics.journey.replan_marked",
			# devices silent longer than the set time: a remote-support check each
			"genset_service.telemetry.silence.watch",
		],
	},
}

# Testing
# -------
before_tests = "genset_service.tests.utils.before_tests"

# what the certificates' print formats call (genset_service/certificates/site.py)
jinja = {
	"methods": [
		"genset_service.certificates.site.genset_load_table",
		"genset_service.certificates.site.genset_limits",
		"genset_service.certificates.site.genset_certificate_title",
		"genset_service.certificates.site.genset_signature_of",
	]
}

# a malformed JSON body is a 400 and a wrong HTTP method to the app's methods a 405 (not Frappe's 500
# and 403): installed once per process, at the first request at the latest (genset_service/access/http.py)
before_request = ["genset_service.access.http.install"]
