// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Engineer", {
	onload(frm) {
		if (frm.is_new()) {
			// Frappe fills a new document's Time fields with the current time: a working day instead
			frm.set_value("working_from", "08:00:00");
			frm.set_value("working_to", "17:00:00");
		}
	},
	setup(frm) {
		frm.set_query("user", () => ({ filters: { user_type: "System User", enabled: 1 } }));
		frm.set_query("skills", () => ({ filters: { enabled: 1 } }));
		frm.set_query("certified_models", () => ({ filters: { is_genset: 1 } }));
	},
});
