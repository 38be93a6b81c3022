"""docs/permissions.md from the rule itself (pure): ``python3 -m genset_service.access.docs`` writes it;
tier 1 fails when the file and the rule differ."""

import json
import pathlib

from genset_service.access import rules
from genset_service.setup.custom_fields import get_custom_fields

APP = pathlib.Path(__file__).resolve().parents[1]
DOC = APP.parent / "docs" / "permissions.md"
BEGIN, END = "<!-- the rule: generated from genset_service/access/rules.py -->", "<!-- end of the rule -->"


def metas() -> list[dict]:
	found = []
	for path in sorted((APP / "genset_service" / "doctype").glob("*/*.json")):
		meta = json.loads(path.read_text())
		if meta.get("doctype") == "DocType":
			found.append(meta)
	return found


def table() -> str:
	return rules.markdown(metas(), get_custom_fields())


def with_table(text: str) -> str:
	"""The document with its generated part replaced by the rule as it is now."""
	head, _, rest = text.partition(BEGIN)
	_, _, tail = rest.partition(END)
	return f"{head}{BEGIN}\n{table()}{END}{tail}"


if __name__ == "__main__":
	DOC.write_text(with_table(DOC.read_text()))
	print(f"wrote {DOC}")
