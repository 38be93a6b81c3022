// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Service Agreement", {
	setup(frm) {
		frm.set_query("service_type", "targets", () => ({ filters: { anchor_event: "On Demand" } }));
	},
	refresh(frm) {
		if (!frm.doc.service_days || !frm.doc.service_days.length) {
			frm.set_intro(__("No service days: the clocks run every hour of every day (7x24)."), "blue");
		}
	},
});
