"""Custom fields the app adds to ERPNext doctypes (created on install and migrate, removed on uninstall)."""

# (fieldname suffix, fieldtype, label, Item default): the after-sales terms of a genset.
# The suffixes are the field names of genset_service.planning.Terms.
TERMS = (
	("warranty_months", "Int", "Warranty (Months)", "12"),
	("warranty_hours", "Float", "Warranty Cap (Running Hours)", None),
	("inspection_interval_months", "Int", "Inspection Interval (Months)", "6"),
	("maintenance_interval_months", "Int", "Maintenance Interval (Months)", "6"),
	("maintenance_interval_hours", "Float", "Maintenance Interval (Hours)", "250"),
	("contract_months", "Int", "Service Contract Term (Months)", "24"),
)

TERMS_PREFIX = "genset_"


def terms_fieldname(name: str) -> str:
	return f"{TERMS_PREFIX}{name}"


def _item_fields() -> list[dict]:
	fields = [
		{
			"fieldname": "genset_section",
			"fieldtype": "Section Break",
			"label": "Genset After-sales",
			"insert_after": "brand",
			"collapsible": 1,
		},
		{
			"fieldname": "is_genset",
			"fieldtype": "Check",
			"label": "Is Generator Set",
			"insert_after": "genset_section",
			"description": "Sales Orders and Delivery Notes of this item plan its after-sales service.",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "genset_kva",
			"fieldtype": "Float",
			"label": "Rating (kVA)",
			"insert_after": "is_genset",
			"depends_on": "is_genset",
			"non_negative": 1,
		},
		{
			"fieldname": "genset_terms_column",
			"fieldtype": "Column Break",
			"insert_after": "genset_kva",
		},
	]
	previous = "genset_terms_column"
	for name, fieldtype, label, default in TERMS:
		fields.append(
			{
				"fieldname": terms_fieldname(name),
				"fieldtype": fieldtype,
				"label": label,
				"insert_after": previous,
				"depends_on": "is_genset",
				"default": default,
				"non_negative": 1,
			}
		)
		previous = terms_fieldname(name)
	return fields


def _order_item_fields() -> list[dict]:
	fields = [
		{
			"fieldname": "genset_terms_section",
			"fieldtype": "Section Break",
			"label": "Genset Terms",
			"insert_after": "project",
			"collapsible": 1,
			"description": "Leave empty to use the Item's after-sales terms.",
		}
	]
	previous = "genset_terms_section"
	for name, fieldtype, label, _default in TERMS:
		fields.append(
			{
				"fieldname": terms_fieldname(name),
				"fieldtype": fieldtype,
				"label": label,
				"insert_after": previous,
				"allow_on_submit": 0,
				"non_negative": 1,
				"print_hide": 1,
			}
		)
		previous = terms_fieldname(name)
	return fields


def _delivery_note_fields() -> list[dict]:
	"""The plan of a large delivery is written in the background: its state and progress."""
	return [
		{
			"fieldname": "genset_planning_status",
			"fieldtype": "Select",
			"label": "Genset Planning",
			"options": "\nQueued\nPlanning\nPlanned\nFailed\nStopped\nCancelled",
			"insert_after": "status",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"print_hide": 1,
			"in_standard_filter": 1,
			"depends_on": "genset_planning_status",
		},
		{
			"fieldname": "genset_planning_progress",
			"fieldtype": "Percent",
			"label": "Genset Planning Progress",
			"insert_after": "genset_planning_status",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"print_hide": 1,
			"depends_on": "eval:['Queued', 'Planning'].includes(doc.genset_planning_status)",
		},
		{
			"fieldname": "genset_planning_attempts",
			"fieldtype": "Int",
			"label": "Genset Planning Retries",
			"insert_after": "genset_planning_progress",
			"read_only": 1,
			"hidden": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"print_hide": 1,
		},
		{
			"fieldname": "genset_planning_retry_at",
			"fieldtype": "Datetime",
			"label": "Genset Planning Next Retry",
			"insert_after": "genset_planning_attempts",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"print_hide": 1,
			"depends_on": "eval:doc.genset_planning_status == 'Queued' && doc.genset_planning_retry_at",
		},
	]


def _address_fields() -> list[dict]:
	"""A site's pin on the map: where the genset stands, for travel and dispatch."""
	return [
		{
			"fieldname": "genset_latitude",
			"fieldtype": "Float",
			"label": "Latitude",
			"insert_after": "pincode",
			"precision": "6",
			"description": "The site's pin: -90 to 90 (south is negative).",
		},
		{
			"fieldname": "genset_longitude",
			"fieldtype": "Float",
			"label": "Longitude",
			"insert_after": "genset_latitude",
			"precision": "6",
			"description": "-180 to 180 (west is negative).",
		},
	]


def get_custom_fields() -> dict[str, list[dict]]:
	return {
		"Address": _address_fields(),
		"Delivery Note": _delivery_note_fields(),
		"Item": _item_fields(),
		"Sales Order Item": _order_item_fields(),
		"Sales Order": [
			{
				"fieldname": "genset_warranty_extension",
				"fieldtype": "Link",
				"label": "Genset Warranty Extension",
				"options": "Genset Warranty Extension",
				"insert_after": "order_type",
				"read_only": 1,
				"description": "Submitting this order applies the warranty extension; cancelling it withdraws it.",
			}
		],
	}
