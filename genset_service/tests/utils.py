"""Test set-up (``before_tests``) and factories shared by the integration tests."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from genset_service.planning.inspection import passing_value  # the tests' readings, as the demo's
from genset_service.setup.install import install_default_records

# ERPNext's own test records are not needed: the factories below make what each test uses.
TEST_IGNORE = [
	"Address",
	"Company",
	"Customer",
	"Delivery Note",
	"DocType",
	"Issue Priority",
	"Item",
	"Lead",
	"Quotation",
	"Role",
	"Sales Order",
	"Service Level Agreement",
	"Serial No",
	"Stock Entry",
	"User",
	"Warehouse",
]

TEST_COMPANY = "_Test Genset Company"
SERVICE_ROLES = (
	"Technical Engineer",
	"Logistics Specialist",
	"After-sales Engineer",
	"Technical Support",
	"Customer Service Specialist",
	"Sales Manager",
)


def before_tests():
	"""ERPNext's own test set-up first (its setup wizard, defaults and roles, exactly as ERPNext's suites
	expect them), then what the app adds: its company inserted directly (no second wizard), fiscal years
	and the app's default records."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	pause_sales_workflows()
	ensure_test_company()
	for year in (getdate().year, getdate().year + 1):
		ensure_fiscal_year(year)
	install_default_records()
	make_outgoing_email_account()
	frappe.db.commit()


def pause_sales_workflows() -> None:
	"""The factories submit plain Sales Orders and Delivery Notes. ERPNext's own Sales Order suite
	leaves its approval workflow ("SO Test Workflow") active on the site (its DDL commits the insert,
	the deactivation is rolled back); its test switches it on again when it needs it."""
	workflow = frappe.qb.DocType("Workflow")
	frappe.qb.update(workflow).set(workflow.is_active, 0).where(
		workflow.document_type.isin(["Sales Order", "Delivery Note"])
	).where(workflow.is_active == 1).run()
	frappe.cache.delete_value("workflow")


def ensure_test_company() -> None:
	"""The app's test company, in the currency and country of the site's first company so that its
	price lists and exchange rates are those of ERPNext's own test set-up."""
	if frappe.db.exists("Company", TEST_COMPANY):
		return
	first = frappe.get_all(
		"Company", fields=["default_currency", "country"], order_by="creation asc", limit=1
	)[0]
	frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": TEST_COMPANY,
			"abbr": "_TGC",
			"default_currency": first.default_currency,
			"country": first.country,
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": "Standard",
		}
	).insert(ignore_permissions=True)


def ensure_fiscal_year(year: int) -> None:
	name = str(year)
	if frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
		return
	frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": name,
			"year_start_date": f"{year}-01-01",
			"year_end_date": f"{year}-12-31",
		}
	).insert(ignore_permissions=True, ignore_if_duplicate=True)


# ------------------------------------------------------------------ factories
def company() -> str:
	return frappe.db.get_value("Company", TEST_COMPANY) or frappe.get_all("Company", pluck="name", limit=1)[0]


def warehouse() -> str:
	return frappe.db.get_value(
		"Warehouse", {"company": company(), "is_group": 0}, "name", order_by="creation"
	)


def make_customer(name: str = "_Test Genset Customer") -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			}
		).insert(ignore_permissions=True)
	return name


def make_genset_item(
	code: str = "_Test Genset 100 kVA", serial: bool = False, genset: bool = True, **terms
) -> str:
	values = {
		"is_genset": 1 if genset else 0,
		"genset_kva": 100,
		"genset_warranty_months": 12,
		"genset_inspection_interval_months": 6,
		"genset_maintenance_interval_months": 6,
		"genset_maintenance_interval_hours": 250,
		"genset_contract_months": 24,
		**{f"genset_{key}": value for key, value in terms.items()},
	}
	if frappe.db.exists("Item", code):
		item = frappe.get_doc("Item", code)
		item.update(values)
		item.save(ignore_permissions=True)
		return code
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": code,
			"item_name": code,
			"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"allow_negative_stock": 0 if serial else 1,
			"valuation_rate": 10000,
			"has_serial_no": 1 if serial else 0,
			"serial_no_series": f"{code[:6].upper().replace(' ', '')}-.#####" if serial else None,
			**values,
		}
	).insert(ignore_permissions=True)
	return code


def receive_serials(item_code: str, qty: int) -> list[str]:
	"""Bring serialised gensets into stock; returns their new serial numbers."""
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company(),
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"t_warehouse": warehouse(),
					"basic_rate": 10000,
					"conversion_factor": 1,
				}
			],
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
	return frappe.get_all(
		"Serial No",
		filters={"item_code": item_code, "status": "Active", "warehouse": warehouse()},
		pluck="name",
		order_by="name desc",
		limit=qty,
	)[::-1]


def make_sales_order(lines: list[dict], customer: str | None = None, submit: bool = True, **fields):
	"""lines: dicts with item_code, qty, delivery_date and optional genset_* overrides."""
	today = getdate(nowdate())
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer or make_customer(),
			"company": company(),
			"transaction_date": today,
			"delivery_date": max(getdate(line.get("delivery_date") or add_days(today, 20)) for line in lines),
			"set_warehouse": warehouse(),
			"items": [
				{
					"rate": 1000,
					"warehouse": warehouse(),
					**{"delivery_date": add_days(today, 20), **line},
				}
				for line in lines
			],
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_delivery_note(sales_order: str, qty: dict | None = None, serials: dict | None = None, submit=True):
	"""Deliver a Sales Order; ``qty`` maps item_code -> qty to deliver (partial deliveries)."""
	from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note as map_delivery

	doc = map_delivery(sales_order)
	for row in doc.items:
		if qty and row.item_code in qty:
			row.qty = qty[row.item_code]
		if serials and row.item_code in serials:
			row.use_serial_batch_fields = 1
			row.serial_no = "\n".join(serials[row.item_code])
	doc.items = [row for row in doc.items if row.qty]
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_user(email: str, roles: tuple[str, ...] | list[str]) -> str:
	current = frappe.session.user
	frappe.set_user("Administrator")
	try:
		return _make_user(email, roles)
	finally:
		frappe.set_user(current)


def _make_user(email: str, roles) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email


def make_service_team() -> dict[str, str]:
	"""One enabled user per service role (so every planned task gets an assignee)."""
	return {role: make_user(f"gs-{frappe.scrub(role)}@example.com", [role]) for role in SERVICE_ROLES}


class GensetTestCase(FrappeTestCase):
	"""Each test runs inside a savepoint rolled back afterwards, as Administrator."""

	gate = "Off"

	@classmethod
	def setUpClass(cls):
		"""Every test class has the service team (one user per role), the default genset item and today."""
		super().setUpClass()
		cls.team = make_service_team()
		cls.genset = make_genset_item()
		cls.today = getdate(nowdate())

	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")
		frappe.db.savepoint("genset_test")
		# the pre-shipment gate is proven in test_genset_inspection; other flows deliver freely
		set_gate(self.gate)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="genset_test")
		super().tearDown()


def set_gate(mode: str) -> None:
	"""The pre-shipment gate setting (Stop / Warn / Off)."""
	settings = frappe.get_single("Genset Service Settings")
	settings.pre_shipment_gate = mode
	settings.save(ignore_permissions=True)


def make_inspection(
	kind: str,
	unit: str | None = None,
	sales_order: str | None = None,
	item_code: str | None = None,
	result: str = "Accepted",
	inspector: str | None = None,
	submit: bool = True,
	fail_first_numeric: bool = False,
	ignore_permissions: bool = True,
	**fields,
):
	"""A fully read inspection of ``kind`` with every checkpoint passing (unless told otherwise)."""
	template = frappe.db.get_value("Genset Inspection Template", {"inspection_kind": kind, "disabled": 0})
	role = frappe.db.get_value("Genset Service Type", {"inspection_kind": kind}, "responsible_role")
	doc = frappe.get_doc(
		{
			"doctype": "Genset Inspection",
			"inspection_kind": kind,
			"template": template,
			"unit": unit,
			"sales_order": sales_order,
			"item_code": item_code,
			"inspection_date": nowdate(),
			"inspector": inspector or make_user(f"gs-{frappe.scrub(role)}@example.com", [role]),
			"result": result,
			"remarks": None if result == "Accepted" else "See readings",
			"customer_signatory": "Site Manager",
			"customer_signature": "data:image/png;base64,iVBORw0KGgo=",
			**fields,
		}
	)
	doc.flags.ignore_permissions = ignore_permissions
	doc.insert()
	failed = False
	for row in doc.readings:
		row.value = passing_value(row)
		if fail_first_numeric and not failed and row.reading_type == "Numeric" and row.min_value:
			row.value = str(row.min_value - 1)
			failed = True
	doc.save()
	if submit:
		doc.submit()
	return doc


def inspect_order(sales_order: str, qty: int = 1, item_code: str | None = None) -> list:
	return [make_inspection("Pre-shipment", sales_order=sales_order, item_code=item_code) for _ in range(qty)]


def make_service_item(code: str, rate: float) -> str:
	"""A non-stock item (labour, a warranty extension) with a standard selling rate."""
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"standard_rate": rate,
			}
		).insert(ignore_permissions=True)
	return code


def make_delivered_unit(item_code: str, commissioned=None, qty: int = 1):
	"""Order and deliver a genset; with ``commissioned`` (a date) it also arrived and was put into use
	that day (its delivery moved five days before when that is in the past)."""
	order = make_sales_order([{"item_code": item_code, "qty": qty}])
	delivery = make_delivery_note(order.name)
	unit = frappe.get_doc("Genset Unit", {"delivery_note": delivery.name})
	if commissioned:
		commissioned = getdate(commissioned)
		if commissioned < getdate(unit.delivery_date):
			frappe.db.set_value("Genset Unit", unit.name, "delivery_date", add_days(commissioned, -5))
			unit.reload()
		unit.arrival_date = unit.commissioning_date = commissioned
		unit.save()
	return unit


def make_pinned_address(title: str, pin: tuple, country: str) -> str:
	"""An address at a pin on the map: a genset's site or an engineer's home."""
	return (
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": title,
				"address_line1": "1 Works Road",
				"city": "Leeds",
				"country": country,
				"genset_latitude": pin[0],
				"genset_longitude": pin[1],
			}
		)
		.insert()
		.name
	)


def make_engineer(email: str, full_name: str, home_base: str | None, skills, **fields):
	"""A Genset Engineer (an After-sales Engineer's user) working 08:00-17:00 with these skills."""
	return frappe.get_doc(
		{
			"doctype": "Genset Engineer",
			"user": make_user(email, ["After-sales Engineer"]),
			"full_name": full_name,
			"home_base": home_base,
			"working_from": "08:00:00",
			"working_to": "17:00:00",
			"skills": [{"service_type": s} for s in skills],
			**fields,
		}
	).insert()


def make_portal_user(email: str, customer: str, password: str | None = None) -> str:
	"""A website user with the Customer role, listed in the customer's Portal Users."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"user_type": "Website User",
				"send_welcome_email": 0,
				"new_password": password,
				"roles": [{"role": "Customer"}],
			}
		).insert(ignore_permissions=True)
	doc = frappe.get_doc("Customer", customer)
	if email not in [row.user for row in doc.get("portal_users", [])]:
		doc.append("portal_users", {"user": email})
		doc.save(ignore_permissions=True)
	return email


def make_outgoing_email_account():
	"""Mail is only queued in tests; Frappe still wants a default outgoing account to queue it, and
	caches the account it found for the whole process: it exists before the first test mails."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1}):
		return
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "_Test Genset Outgoing",
			"email_id": "service@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "127.0.0.1",
			"no_smtp_authentication": 1,
		}
	)
	account.flags.ignore_validate = True
	account.flags.ignore_mandatory = True
	account.insert(ignore_permissions=True)


def make_shipping_addresses(customer: str) -> None:
	"""ERPNext's Shipment needs the company's address and the customer's delivery address."""
	for title, link, extra in (
		("_Test Genset Works", ("Company", company()), {"is_your_company_address": 1}),
		(f"{customer} Site", ("Customer", customer), {"is_shipping_address": 1}),
	):
		if frappe.db.exists("Address", {"address_title": title}):
			continue
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": title,
				"address_type": "Shipping" if link[0] == "Customer" else "Office",
				"address_line1": "1 Harbour Road",
				"city": "Mombasa",
				"country": frappe.db.get_value("Company", company(), "country") or "Kenya",
				"is_primary_address": 1,
				"links": [{"link_doctype": link[0], "link_name": link[1]}],
				**extra,
			}
		).insert(ignore_permissions=True)
