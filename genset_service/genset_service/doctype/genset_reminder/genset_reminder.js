// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Reminder", {
	refresh(frm) {
		frm.disable_save();
	},
});
