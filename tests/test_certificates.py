"""The factory load test as a certificate's table (pure), and the templates' structured columns."""

import json
from pathlib import Path

from genset_service.certificates.load_test import STANDARD_STEPS, limit_text, load_table, read_label

RECORDS = Path(__file__).resolve().parents[1] / "genset_service" / "setup" / "records"


def reading(percent, quantity, value, status="Pass", low=0, high=0, uom=""):
	return {
		"load_percent": percent,
		"quantity": quantity,
		"value": value,
		"status": status,
		"min_value": low,
		"max_value": high,
		"uom": uom,
	}


def test_rows_are_steps_and_columns_are_quantities_in_the_certificates_order():
	rows = [
		reading(50, "Frequency", "50.1", low=49.5, high=50.5, uom="Hz"),
		reading(25, "Voltage L-L", "402", low=380, high=440, uom="V"),
		reading(50, "Voltage L-L", "399", low=380, high=440, uom="V"),
		reading(25, "Frequency", "50.2", low=49.5, high=50.5, uom="Hz"),
		reading(25, "Coolant Temperature", "97", status="Fail", high=95, uom="°C"),
		{"section": "Identity", "checkpoint": "Nameplate", "value": "Pass", "status": "Pass"},
	]
	table = load_table(rows)
	assert [step.load_percent for step in table.steps] == [25, 50]
	assert [c[0] for c in table.columns] == ["Voltage L-L", "Frequency", "Coolant Temperature"]
	assert table.steps[0].cells["Voltage L-L"].value == "402"
	assert "Coolant Temperature" not in table.steps[1].cells
	# a failed cell fails its step and the test; the other step passes
	assert (table.steps[0].status, table.steps[1].status, table.status) == ("Fail", "Pass", "Fail")
	# limits shared by every step are the column's; 0 is "no limit", as a Float field stores it
	assert table.limits == {
		"Voltage L-L": (380, 440),
		"Frequency": (49.5, 50.5),
		"Coolant Temperature": (None, 95),
	}
	assert load_table(rows[-1:]) is None


def test_limits_in_words():
	assert limit_text(380, 440, "V") == "380–440 V"
	assert limit_text(2.0, None, "bar") == "≥ 2 bar"
	assert limit_text(None, 95, "°C") == "≤ 95 °C"
	assert limit_text(None, None, "kW") == ""


def test_older_checkpoints_words_give_their_step_and_quantity():
	assert read_label("Load test 25 %", "Voltage L-L at 25 %") == (25.0, "Voltage L-L")
	assert read_label("Site load test 110 %", "Oil pressure at 110 %") == (110.0, "Oil Pressure")
	assert read_label("Load test 50 %", "Power factor at 50 %") == (50.0, "Power Factor")
	assert read_label("Load test 50 %", "Power at 50 %") == (50.0, "Power")
	assert read_label(None, "Coolant temperature at 75 %") == (75.0, "Coolant Temperature")
	assert read_label("Electrical", "Insulation resistance, stator to earth at 500 V DC") == (None, None)
	assert read_label("Protection", "Low oil pressure shutdown") == (None, None)


def test_the_standard_templates_hold_a_full_load_test_table():
	templates = {
		t["inspection_kind"]: t for t in json.loads((RECORDS / "genset_inspection_template.json").read_text())
	}
	for kind in ("Pre-shipment", "Commissioning"):
		items = templates[kind]["items"]
		table = load_table([dict(i, value="1", status="") for i in items])
		assert [s.load_percent for s in table.steps] == list(STANDARD_STEPS), kind
		assert [c[0] for c in table.columns] == [
			"Voltage L-L",
			"Current",
			"Frequency",
			"Power",
			"Power Factor",
			"Coolant Temperature",
			"Oil Pressure",
		], kind
		# the structured columns agree with the words of every checkpoint that has them
		for item in items:
			if item.get("quantity"):
				assert read_label(item["section"], item["checkpoint"]) == (
					item["load_percent"],
					item["quantity"],
				)
