"""Removing the demo: its company's transactions through ERPNext's Transaction Deletion Record (every
DocType with a link to the company: orders, deliveries, ledgers, and the app's units, contracts, tasks,
requests, inspections, reports, visits, extensions, shipments), then the app's records that carry no
company (devices and what they reported, surveys, engineers, the ToDos of the deleted tasks), then the
masters the demo registered (customers, items, users, addresses, fiscal years) and the company itself.
Every other record stays as it was; the log tables Frappe writes as a matter of course are listed in
``LOGS``."""

import frappe

from genset_service.access.guard import as_app
from genset_service.demo import spec as S
from genset_service.demo.make import REGISTRY, registry

# tables that record that something happened (they grow with the demo and with its removal, as with any
# work on the site), and counters; the demo's test compares every other table before and after
LOGS = (
	"Version",
	"Activity Log",
	"Access Log",
	"Error Log",
	"Scheduled Job Log",
	"Email Queue",
	"Email Queue Recipient",
	"Communication",
	"Communication Link",
	"Notification Log",
	"Comment",
	"Deleted Document",
	"Transaction Deletion Record",
	"Transaction Deletion Record Details",
	"Transaction Deletion Record Item",
	"Route History",
	"Sessions",
	"Series",
	"DefaultValue",
	"Singles",
	"Prepared Report",
	"Console Log",
	"RQ Job",
	"Submission Queue",
	"Data Import Log",
	"Unhandled Email",
	"Document Follow",
	"Energy Point Log",
	"Success Action",
	"Installed Application",
	"Role Profile",
)
# the app's records without a company field, found through the demo's devices, customers and units
NO_COMPANY = (
	("Genset Telemetry Reading", "device"),
	("Genset Telemetry Rollup", "device"),
	("Genset Telemetry Event", "device"),
)


def remove(progress=print) -> dict:
	if not frappe.db.exists("Company", S.COMPANY):
		return {"removed": False}
	frappe.flags.mute_emails = True
	with as_app():
		devices = frappe.get_all(
			"Genset Device", filters={"customer": ("in", [c.name for c in S.CUSTOMERS])}, pluck="name"
		)
		units = frappe.get_all(UNIT, filters={"company": S.COMPANY}, pluck="name")
		customers = [c.name for c in S.CUSTOMERS]
		tasks = sorted(
			set(frappe.get_all("Genset Service Task", filters={"company": S.COMPANY}, pluck="name"))
			| set(
				frappe.get_all("Genset Service Task", filters={"customer": ("in", customers)}, pluck="name")
			)
		)
		requests = frappe.get_all("Genset Service Request", filters={"company": S.COMPANY}, pluck="name")
		shipments = frappe.get_all(
			"Genset Shipment", filters={"customer": ("in", [c.name for c in S.CUSTOMERS])}, pluck="name"
		)
		# visits recorded on the gensets, which carry no company field
		for doctype, child in (
			("Genset Operation Training", "Genset Training Attendee"),
			("Genset Return Visit", None),
		):
			names = frappe.get_all(doctype, filters={"unit": ("in", units or ["-"])}, pluck="name")
			if child:
				frappe.db.delete(child, {"parent": ("in", names or ["-"])})
			frappe.db.delete(doctype, {"name": ("in", names or ["-"])})
		frappe.db.delete("Genset Shipment Milestone", {"shipment": ("in", shipments or ["-"])})
		# what has no company field goes first (it may link to what the deletion takes)
		for doctype, field in NO_COMPANY:
			frappe.db.delete(doctype, {field: ("in", devices or ["-"])})
		frappe.db.delete("Genset Device", {"name": ("in", devices or ["-"])})
		frappe.db.delete("Genset Satisfaction Survey", {"customer": ("in", [c.name for c in S.CUSTOMERS])})
		frappe.db.delete("Genset Running Hours Reading", {"unit": ("in", units or ["-"])})
		frappe.db.delete("Genset Escalation Notice", {"request": ("in", requests or ["-"])})
		frappe.db.delete("Genset Field Action", {"user": ("like", f"%@{S.DOMAIN}")})
		frappe.db.delete(
			"ToDo", {"reference_type": "Genset Service Task", "reference_name": ("in", tasks or ["-"])}
		)
		frappe.db.delete("ToDo", {"allocated_to": ("like", f"%@{S.DOMAIN}")})
		frappe.db.delete("Genset Service Task", {"name": ("in", tasks or ["-"])})
		proposals = frappe.get_all(
			"Genset Dispatch Engineer",
			filters={"engineer": ("in", [n for d, n in registry() if d == "Genset Engineer"] or ["-"])},
			pluck="parent",
		)
		for table in ("Genset Dispatch Stop", "Genset Dispatch Miss", "Genset Dispatch Engineer"):
			frappe.db.delete(table, {"parent": ("in", proposals or ["-"])})
		frappe.db.delete("Genset Dispatch Proposal", {"name": ("in", proposals or ["-"])})
		frappe.db.commit()  # nosemgrep
		progress("the gensets' devices, readings, surveys and the engineers' work")
		# ERPNext's Company saves site-wide Property Setters when a company is saved, the deletion's too
		# (Purchase Receipt's provisional expense account): those its removal makes go with the demo
		setters = set(frappe.get_all("Property Setter", pluck="name"))
		transactions()
		progress("the company's transactions (Transaction Deletion Record)")
		masters()
		made = set(frappe.get_all("Property Setter", pluck="name")) - setters
		doctypes = frappe.get_all(
			"Property Setter",
			filters={"name": ("in", sorted(made) or ["-"])},
			pluck="doc_type",
			distinct=True,
		)
		frappe.db.delete("Property Setter", {"name": ("in", sorted(made) or ["-"])})
		frappe.db.commit()  # nosemgrep
		for doctype in doctypes:
			frappe.clear_cache(doctype=doctype)
		progress("customers, items, users, addresses and the company")
	return {"removed": True}


UNIT = "Genset Unit"


def transactions() -> None:
	"""ERPNext's deletion of the company's transactions, its chain of tasks run here in one transaction
	(a record an interrupted removal left queued is taken up again)."""
	waiting = frappe.db.get_value(
		"Transaction Deletion Record",
		{"company": S.COMPANY, "docstatus": 1, "status": ("in", ("Queued", "Running", "Failed"))},
	)
	if waiting:
		record = frappe.get_doc("Transaction Deletion Record", waiting)
		record.db_set("process_in_single_transaction", 1)
	else:
		record = frappe.get_doc(
			{
				"doctype": "Transaction Deletion Record",
				"company": S.COMPANY,
				"process_in_single_transaction": 1,
			}
		)
		record.insert(ignore_permissions=True)
		record.submit()
	record.start_deletion_tasks()
	record.reload()
	if record.status != "Completed":
		frappe.throw(f"Transaction Deletion Record {record.name}: {record.status} {record.error_log or ''}")
	frappe.db.commit()  # nosemgrep


ORDER = (
	"Genset Engineer",
	"User",
	"Customer",
	"Address",
	"Item",
	"Fiscal Year",
	"Company",
	"Property Setter",
)


# the company's tax templates, whose rows ERPNext's deletion of a company leaves behind
TAX_TEMPLATES = (
	("Sales Taxes and Charges Template", "Sales Taxes and Charges"),
	("Purchase Taxes and Charges Template", "Purchase Taxes and Charges"),
	("Item Tax Template", "Item Tax Template Detail"),
)


def masters() -> None:
	made = registry()
	templates = {
		child: frappe.get_all(parent, filters={"company": S.COMPANY}, pluck="name")
		for parent, child in TAX_TEMPLATES
	}
	warehouses = frappe.get_all("Warehouse", filters={"company": S.COMPANY}, pluck="name")
	for doctype in ORDER:
		for kind, name in made:
			if kind != doctype or not frappe.db.exists(kind, name):
				continue
			if kind == "Customer":
				for contact in frappe.get_all(
					"Dynamic Link",
					filters={"link_doctype": "Customer", "link_name": name, "parenttype": "Contact"},
					pluck="parent",
				):
					frappe.delete_doc("Contact", contact, ignore_permissions=True, force=True)
			if kind == "Item":
				frappe.db.delete("Bin", {"item_code": name})
				frappe.db.delete("Item Price", {"item_code": name})
			if kind == "Company":
				for warehouse in warehouses:
					frappe.db.delete("Bin", {"warehouse": warehouse})
			frappe.delete_doc(kind, name, ignore_permissions=True, force=True, delete_permanently=True)
	for child, names in templates.items():
		frappe.db.delete(child, {"parent": ("in", names or ["-"])})
	# the contacts Frappe made for the demo's users
	for contact in frappe.get_all("Contact", filters={"email_id": ("like", f"%{S.DOMAIN}")}, pluck="name"):
		frappe.delete_doc("Contact", contact, ignore_permissions=True, force=True)
	# settings the demo filled pointed at its own items
	from genset_service.demo.make import LABOUR_ITEM

	if frappe.db.get_single_value("Genset Service Settings", "labour_item") == LABOUR_ITEM:
		frappe.db.set_single_value("Genset Service Settings", "labour_item", None)
	frappe.db.set_global(REGISTRY, None)
	frappe.db.commit()  # nosemgrep
