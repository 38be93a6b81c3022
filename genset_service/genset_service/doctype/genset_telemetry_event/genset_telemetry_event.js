// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

// written by the telemetry path only: the form is for reading
frappe.ui.form.on("Genset Telemetry Event", {
	refresh(frm) {
		frm.disable_save();
		if (frm.doc.unit) {
			frm.add_custom_button(__("Genset"), () => frappe.set_route("Form", "Genset Unit", frm.doc.unit));
		}
	},
});
