// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Running Hours Reading", {
	setup(frm) {
		frm.set_query("unit", () => ({ filters: { status: ["!=", "Cancelled"] } }));
	},
	onload(frm) {
		if (frm.is_new() && !frm.doc.reading_time) {
			frm.set_value("reading_time", frappe.datetime.now_datetime());
		}
	},
	refresh(frm) {
		frm.set_intro(
			frm.is_new()
				? __("A reading is checked against the readings before and after it.")
				: __("Readings are never edited; delete a wrong one and record it again.")
		);
		if (!frm.is_new()) frm.disable_save();
	},
});
