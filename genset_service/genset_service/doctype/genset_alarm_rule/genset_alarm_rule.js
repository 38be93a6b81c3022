// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Alarm Rule", {
	setup(frm) {
		frm.set_query("service_type", () => ({ filters: { anchor_event: "On Demand", enabled: 1 } }));
	},
});
