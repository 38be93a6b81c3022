"""The app in its users' languages (locale/*.po, gettext): every message of the app has its Chinese,
and every message a customer or an engineer reads (genset_service/i18n/audience.py) has its Spanish,
French, Arabic and Portuguese; none is empty, fuzzy or the English again (codes and units aside), and
each keeps the English's placeholders. The catalogue (locale/main.pot) holds every message the code
writes: a new `_()` without its translations fails here, before any site sees it."""

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from genset_service.i18n import audience as A
from genset_service.i18n.extractors import FIELDS

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "genset_service"
LOCALE = APP / "locale"
PLACEHOLDER = re.compile(r"\{[0-9a-zA-Z_]*\}|%\([a-z_]+\)s|%[sd]")


def catalog(name: str):
	with open(LOCALE / name, "rb") as f:
		return read_po(f)


POT = catalog("main.pot")
MESSAGES = [m for m in POT if m.id]
TRANSLATIONS = {
	lang: {m.id: m for m in catalog(f"{lang}.po") if m.id} for lang in ("zh", *A.CUSTOMER_LANGUAGES)
}


def places(message) -> list[str]:
	return [place for place, _line in message.locations]


def source_messages() -> set[str]:
	"""What the code asks to translate, found here without Frappe: `_("...")` in Python (by its syntax
	tree), `__("...")` in JavaScript and `_("...")` in Jinja (by pattern), DocType labels, descriptions
	and options, and the data the app's own extractors read."""
	found = set()
	for path in APP.rglob("*.py"):
		if "/tests/" in str(path) or "/patches/" in str(path):
			continue
		for node in ast.walk(ast.parse(path.read_text())):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Name)
				and node.func.id in ("_", "_lt")
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				found.add(node.args[0].value)
	js = re.compile(r"""\b__\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*[,)]""")
	for path in [*APP.rglob("*.js"), *APP.rglob("*.html")]:
		text = path.read_text()
		found.update(match.group(2).replace("\\'", "'").replace('\\"', '"') for match in js.finditer(text))
	jinja = re.compile(r"""\b_\(\s*(["'])((?:(?!\1).)*)\1\s*\)""")
	for path in APP.rglob("*.html"):
		found.update(match.group(2) for match in jinja.finditer(path.read_text()))
	for path in APP.glob("genset_service/doctype/*/*.json"):
		meta = json.loads(path.read_text())
		found.add(meta["name"])
		for field in meta.get("fields", []):
			found.update(field[key] for key in ("label", "description") if field.get(key))
			if field.get("fieldtype") == "Select" and field.get("options"):
				found.update(option for option in field["options"].split("\n") if option)
	for pattern in ("genset_service/number_card/*/*.json", "genset_service/dashboard_chart/*/*.json"):
		for path in APP.glob(pattern):
			record = json.loads(path.read_text())
			found.update(record[key] for key, _c in FIELDS[record["doctype"]] if record.get(key))
	for record in json.loads((APP / "setup" / "records" / "genset_service_type.json").read_text()):
		found.update(record[key] for key, _c in FIELDS["Genset Service Type"] if record.get(key))
	return {message for message in found if message.strip()}


def test_the_catalogue_holds_every_message_the_code_writes():
	missing = sorted(source_messages() - {m.id for m in MESSAGES})
	assert not missing, f"run: bench generate-pot-file --app genset_service (missing: {missing[:10]})"


def need(message) -> tuple[str, ...]:
	return A.languages_of(places(message), list(message.auto_comments))


@pytest.mark.parametrize("lang", ["zh", *A.CUSTOMER_LANGUAGES])
def test_every_message_its_readers_need_is_translated(lang):
	problems = []
	for message in MESSAGES:
		if lang not in need(message):
			continue
		entry = TRANSLATIONS[lang].get(message.id)
		text = entry.string if entry else ""
		if not text or not text.strip():
			problems.append(("missing", message.id))
		elif entry.fuzzy:
			problems.append(("fuzzy", message.id))
		elif text == message.id and message.id not in A.SAME_IN_EVERY_LANGUAGE | A.SAME_WORD.get(lang, set()):
			problems.append(("the English again", message.id))
		elif Counter(PLACEHOLDER.findall(text)) != Counter(PLACEHOLDER.findall(message.id)):
			problems.append(("placeholders differ", message.id))
	assert not problems, f"{lang}: {len(problems)} problems, e.g. {problems[:8]}"


def test_chinese_is_complete_and_the_others_cover_what_customers_and_engineers_read():
	customer = [m for m in MESSAGES if A.customer_facing(places(m), list(m.auto_comments))]
	assert len(MESSAGES) > 1500 and len(customer) > 500
	# the portal, the phone app, the certificates and the catalogue's services are among them
	ids = {m.id for m in customer}
	for expected in (
		"My Generators",
		"Factory Test Certificate",
		"Our visits in your calendar",
		"Emergency Rescue",
	):
		assert expected in ids, expected
