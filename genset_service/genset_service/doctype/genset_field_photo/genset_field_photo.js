// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

// A photo the phone uploaded: written by the app alone; the form shows it and what used it.
frappe.ui.form.on("Genset Field Photo", {
	refresh(frm) {
		frm.disable_save();
		if (frm.doc.result_name) {
			frm.add_custom_button(__("Open {0}", [__(frm.doc.result_doctype)]), () =>
				frappe.set_route("Form", frm.doc.result_doctype, frm.doc.result_name),
			);
		}
	},
});
