// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Shipment Milestone", {
	onload(frm) {
		if (frm.is_new() && !frm.doc.event_time) {
			frm.set_value("event_time", frappe.datetime.now_datetime());
		}
	},
	refresh(frm) {
		frm.set_intro(
			frm.is_new()
				? __("The shipment's status, ETA and its gensets' visits follow its milestones.")
				: __("Milestones are never edited; record a new one."),
		);
		if (!frm.is_new()) frm.disable_save();
	},
});
