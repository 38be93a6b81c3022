"""Tier 1: the app's own metadata is consistent (no Frappe needed)."""

import ast
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
APP = ROOT / "genset_service"
MODULE = APP / "genset_service"
DOCTYPE_FILES = sorted(MODULE.glob("doctype/*/*.json"))
DOCTYPE_FILES = [p for p in DOCTYPE_FILES if p.stem == p.parent.name]
APP_ROLES = {
	"Technical Engineer",
	"Logistics Specialist",
	"After-sales Engineer",
	"Technical Support",
	"Customer Service Specialist",
	"Service Manager",
}
STANDARD_ROLES = {
	"System Manager",
	"Sales Manager",
	"Sales User",
	"Customer",
	"Guest",
	"All",
	"Administrator",
}
# fields Frappe keeps on every document
STANDARD_FIELDS = {"doctype", "name", "owner", "creation", "modified", "modified_by", "docstatus", "idx"}
NO_VALUE = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Heading", "Fold"}


def load(path):
	return json.loads(path.read_text())


def doctypes():
	return {load(p)["name"]: load(p) for p in DOCTYPE_FILES}


def camel(name):
	return name.replace(" ", "").replace("-", "")


def scrub(name):
	return name.lower().replace(" ", "_").replace("-", "_")


def test_there_are_doctypes():
	names = set(doctypes())
	assert {
		"Genset Service Type",
		"Genset Service Contract",
		"Genset Service Contract Item",
		"Genset Unit",
		"Genset Service Task",
		"Genset Service Settings",
	} <= names


@pytest.mark.parametrize("path", DOCTYPE_FILES, ids=lambda p: p.stem)
def test_doctype_json_is_well_formed(path):
	meta = load(path)
	assert meta["doctype"] == "DocType"
	assert scrub(meta["name"]) == path.stem
	assert meta["module"] == "Genset Service"
	fieldnames = [f["fieldname"] for f in meta["fields"]]
	assert len(fieldnames) == len(set(fieldnames)), "duplicate fieldnames"
	assert meta["field_order"] == fieldnames
	for field in meta["fields"]:
		assert re.fullmatch(r"[a-z][a-z0-9_]*", field["fieldname"]), field["fieldname"]
		if field["fieldtype"] in ("Link", "Table", "Select", "Dynamic Link"):
			assert field.get("options"), f"{field['fieldname']} needs options"
		if field["fieldtype"] == "Select" and field.get("default"):
			assert field["default"] in field["options"].split("\n"), field["fieldname"]
		if field["fieldtype"] == "Dynamic Link":
			assert field["options"] in fieldnames
		if field["fieldtype"] == "Table" and field["options"] not in ERPNEXT_CHILD_TABLES:
			assert field["options"] in doctypes() and doctypes()[field["options"]].get("istable")
	for key in ("title_field", "sort_field"):
		if meta.get(key) and meta[key] not in ("creation", "modified"):
			assert meta[key] in fieldnames, key
	for name in (meta.get("search_fields") or "").split(","):
		if name.strip():
			assert name.strip() in fieldnames
	if meta.get("is_submittable"):
		assert "amended_from" in fieldnames


@pytest.mark.parametrize("path", DOCTYPE_FILES, ids=lambda p: p.stem)
def test_doctype_has_controller_and_sensible_permissions(path):
	meta = load(path)
	controller = path.with_suffix(".py")
	assert controller.exists()
	tree = ast.parse(controller.read_text())
	assert camel(meta["name"]) in {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
	if meta.get("istable"):
		assert not meta["permissions"]
		return
	roles = {perm["role"] for perm in meta["permissions"]}
	assert "System Manager" in roles
	assert roles <= APP_ROLES | STANDARD_ROLES
	for perm in meta["permissions"]:
		if perm.get("submit") or perm.get("cancel"):
			assert meta.get("is_submittable")
	if not meta.get("issingle"):
		# every list has filters
		assert any(f.get("in_standard_filter") for f in meta["fields"]), meta["name"]
		test = path.parent / f"test_{path.stem}.py"
		assert test.exists(), f"{test.name} missing"


# ERPNext's own child tables the app reuses rather than copies
ERPNEXT_CHILD_TABLES = {"Service Day"}


def test_links_point_at_known_doctypes():
	known = set(doctypes()) | {
		"Customer",
		"Company",
		"Item",
		"Sales Order",
		"Delivery Note",
		"Serial No",
		"Address",
		"Role",
		"User",
		"Lead",
		"DocType",
		"Quotation",
		"Warehouse",
		"Stock Entry",
		"Service Level Agreement",
		"Issue Priority",
		"Territory",
		"Holiday List",
		"Customer Group",
		"Shipment",
		"Incoterm",
		"Letter Head",
		"Language",
	}
	for meta in doctypes().values():
		for field in meta["fields"]:
			if field["fieldtype"] == "Link":
				assert field["options"] in known, (meta["name"], field["fieldname"])


def _module_path(dotted):
	parts = dotted.split(".")
	for cut in range(len(parts), 0, -1):
		base = ROOT.joinpath(*parts[:cut])
		for candidate in (base.with_suffix(".py"), base / "__init__.py"):
			if candidate.exists():
				return candidate, parts[cut:]
	return None, parts


def _defines(path, names):
	tree = ast.parse(path.read_text())
	defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
	return len(names) == 1 and names[0] in defined


def _hook_values():
	"""hooks.py imports nothing from Frappe, so it can be read as a module."""
	import importlib

	hooks = importlib.import_module("genset_service.hooks")
	return {name: getattr(hooks, name) for name in dir(hooks) if not name.startswith("__")}


def _strings(value):
	if isinstance(value, str):
		yield value
	elif isinstance(value, dict):
		for v in value.values():
			yield from _strings(v)
	elif isinstance(value, list | tuple):
		for v in value:
			yield from _strings(v)


def test_every_dotted_path_in_hooks_exists():
	hooks = _hook_values()
	assert hooks["required_apps"] == ["frappe/erpnext"]
	paths = []
	for key in (
		"before_install",
		"after_install",
		"after_migrate",
		"before_uninstall",
		"before_tests",
		"doc_events",
		"scheduler_events",
	):
		paths.extend(_strings(hooks.get(key)))
	assert paths
	for dotted in paths:
		module, rest = _module_path(dotted)
		assert module is not None, dotted
		assert _defines(module, rest), dotted
	for path in _strings(hooks.get("doctype_js", {})):
		assert (APP / path).exists(), path
	for doctype in hooks.get("calendars", []):
		assert doctype in doctypes()
		assert (MODULE / "doctype" / scrub(doctype) / f"{scrub(doctype)}_calendar.js").exists()


def test_every_patch_exists():
	for line in (APP / "patches.txt").read_text().splitlines():
		line = line.strip()
		if not line or line.startswith(("#", "[")):
			continue
		# a line may carry a note after the dotted path, which makes it a new patch to run (as Frappe reads it)
		module, rest = _module_path(line.split(maxsplit=1)[0])
		assert module is not None and not rest, line
		assert _defines(module, ["execute"]), line


def test_modules_txt_matches_module_folder():
	modules = [line.strip() for line in (APP / "modules.txt").read_text().splitlines() if line.strip()]
	assert modules == ["Genset Service"]
	assert (APP / scrub(modules[0]) / "__init__.py").exists()


def test_fixtures_match_their_doctypes():
	hooks = _hook_values()
	fixture_doctypes = {entry["dt"] if isinstance(entry, dict) else entry for entry in hooks["fixtures"]}
	files = sorted((APP / "fixtures").glob("*.json"))
	assert files
	for path in files:
		records = load(path)
		assert records
		doctype = records[0]["doctype"]
		assert scrub(doctype) == path.stem
		assert doctype in fixture_doctypes
		assert all(record["doctype"] == doctype for record in records)
	roles = {record["name"] for record in load(APP / "fixtures" / "role.json")}
	assert roles == APP_ROLES


def test_default_records_match_their_doctype():
	metas = doctypes()
	roles = APP_ROLES | STANDARD_ROLES
	for path in sorted((APP / "setup" / "records").glob("*.json")):
		records = load(path)
		if records[0]["doctype"] == "Webhook":
			for record in records:
				assert record["webhook_doctype"] in metas and not record["enabled"]
			continue
		if records[0]["doctype"] == "Notification":
			for record in records:
				fields = {f["fieldname"] for f in metas[record["document_type"]]["fields"]}
				assert record["date_changed"] in fields
				for recipient in record["recipients"]:
					assert recipient["receiver_by_document_field"] in fields
			continue
		meta = metas[records[0]["doctype"]]
		fields = {f["fieldname"]: f for f in meta["fields"]}
		names = set()
		for record in records:
			assert record["doctype"] == meta["name"]
			assert record["name"] not in names
			names.add(record["name"])
			for key, value in record.items():
				if key in STANDARD_FIELDS:
					continue
				assert key in fields, f"{path.name}: {record['name']}: unknown field {key}"
				field = fields[key]
				if field["fieldtype"] == "Select" and value not in ("", None):
					assert value in field["options"].split("\n"), (record["name"], key, value)
				if field["fieldtype"] == "Link" and field["options"] == "Role":
					assert value in roles
				if field["fieldtype"] == "Link" and field["options"] == meta["name"] and value:
					assert value in {r["name"] for r in records}, (record["name"], key, value)
				if field["fieldtype"] == "Table":
					child = metas[field["options"]]
					child_fields = {f["fieldname"]: f for f in child["fields"]}
					assert value, (record["name"], key)
					for row in value:
						for child_key, child_value in row.items():
							if child_key in STANDARD_FIELDS:
								continue
							assert child_key in child_fields, (record["name"], child_key)
							child_field = child_fields[child_key]
							if child_field["fieldtype"] == "Select" and child_value not in ("", None):
								assert child_value in child_field["options"].split("\n")
						for child_key, child_field in child_fields.items():
							if child_field.get("reqd"):
								assert row.get(child_key) not in (None, ""), (record["name"], child_key)
			for key, field in fields.items():
				if field.get("reqd"):
					assert record.get(key) not in (None, ""), (record["name"], key)


def test_catalogue_csv_services_are_all_installed():
	import csv

	csv_path = ROOT.parent / "shared" / "seed" / "after-sales-service-catalogue.csv"
	if not csv_path.exists():
		pytest.skip("the shared catalogue is not beside this checkout")
	rows = list(csv.DictReader(csv_path.open()))
	records = load(APP / "setup" / "records" / "genset_service_type.json")
	by_no = {record["catalogue_no"]: record for record in records if record["catalogue_no"]}
	assert sorted(by_no) == [int(row["No."]) for row in rows]
	for row in rows:
		record = by_no[int(row["No."])]
		assert record["description"].startswith(row["Service Content"].rstrip("."))
		assert record["service_time"] == row["Service Time"]
		assert record["responsible_role"].lower().rstrip("s") in row["Person in charge"].lower() or (
			record["responsible_role"],
			row["Person in charge"],
		) in {("Technical Support", "Technical support"), ("After-sales Engineer", "After-sales engineer")}


def test_workspace_links_point_at_existing_doctypes():
	known = set(doctypes()) | {"Item", "Sales Order", "Delivery Note", "Lead"}
	for path in (MODULE / "workspace").glob("*/*.json"):
		workspace = load(path)
		reports = {load(report)["name"] for report in (MODULE / "report").glob("*/*.json")}
		cards_on_disk = {load(card)["name"] for card in (MODULE / "number_card").glob("*/*.json")}
		charts_on_disk = {load(chart)["name"] for chart in (MODULE / "dashboard_chart").glob("*/*.json")}
		pages = {load(page)["name"] for page in (MODULE / "page").glob("*/*.json")}
		for link in workspace["links"]:
			if link["type"] == "Link":
				targets = {"Report": reports, "Page": pages}.get(link["link_type"], known)
				assert link["link_to"] in targets, link["link_to"]
		assert {c["number_card_name"] for c in workspace["number_cards"]} <= cards_on_disk
		assert {c["chart_name"] for c in workspace["charts"]} <= charts_on_disk
		for shortcut in workspace["shortcuts"]:
			assert shortcut["link_to"] in (pages if shortcut["type"] == "Page" else known)
		shortcut_names = {s["label"] for s in workspace["shortcuts"]}
		cards = {l["label"] for l in workspace["links"] if l["type"] == "Card Break"}
		for block in json.loads(workspace["content"]):
			if block["type"] == "shortcut":
				assert block["data"]["shortcut_name"] in shortcut_names
			if block["type"] == "card":
				assert block["data"]["card_name"] in cards
			# Frappe's workspace finds a card's or chart's block by the label of its row
			if block["type"] == "number_card":
				assert block["data"]["number_card_name"] in {c["label"] for c in workspace["number_cards"]}
			if block["type"] == "chart":
				assert block["data"]["chart_name"] in {c["label"] for c in workspace["charts"]}


# names the standard library gained after the oldest Python pyproject.toml allows (3.10)
NEWER_THAN_310 = {("datetime", "UTC"), ("enum", "StrEnum"), ("typing", "Self"), ("tomllib", None)}


def test_code_runs_on_the_oldest_python_allowed():
	assert 'requires-python = ">=3.10"' in (ROOT / "pyproject.toml").read_text()
	found = []
	for path in sorted([*APP.rglob("*.py"), *(ROOT / "tests").rglob("*.py")]):
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
				used = (node.value.id, node.attr)
			elif isinstance(node, ast.ImportFrom) and node.module:
				used = next(
					((node.module, a.name) for a in node.names if (node.module, a.name) in NEWER_THAN_310),
					None,
				)
			elif isinstance(node, ast.Import):
				used = next(((a.name, None) for a in node.names if (a.name, None) in NEWER_THAN_310), None)
			else:
				continue
			if used in NEWER_THAN_310:
				found.append(f"{path.relative_to(ROOT)}:{node.lineno} {used[0]}.{used[1] or ''}")
	assert not found, found


def test_the_site_rooms_import_each_other_without_a_circle():
	"""scheduling/, dispatch/, field/...: no module imports one that imports it back, even inside a
	function (a lazy import hides a circle, it does not remove it)."""
	graph = {}
	for path in APP.rglob("*.py"):
		if "doctype" in path.parts or "tests" in path.parts or "patches" in path.parts:
			continue
		module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
		deps = set()
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("genset_service"):
				deps.add(node.module)
				deps.update(f"{node.module}.{alias.name}" for alias in node.names)
			elif isinstance(node, ast.Import):
				deps.update(a.name for a in node.names if a.name.startswith("genset_service"))
		graph[module] = deps
	graph = {module: {d for d in deps if d in graph and d != module} for module, deps in graph.items()}
	packages = {m for m in graph if (APP / pathlib.Path(*m.split(".")[1:]) / "__init__.py").exists()}
	graph = {m: deps - packages for m, deps in graph.items()}

	def cycle_from(start):
		stack = [(start, [start])]
		while stack:
			node, path = stack.pop()
			for dep in graph[node]:
				if dep == start:
					return [*path, start]
				if dep not in path:
					stack.append((dep, [*path, dep]))
		return None

	circles = {tuple(c) for c in map(cycle_from, graph) if c}
	assert not circles, sorted(circles)[:5]
