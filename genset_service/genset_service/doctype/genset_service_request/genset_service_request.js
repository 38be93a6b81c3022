// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Service Request", {
	setup(frm) {
		frm.set_query("service_type", () => ({ filters: { anchor_event: "On Demand", enabled: 1 } }));
		frm.set_query("unit", () => ({
			filters: frm.doc.customer
				? { customer: frm.doc.customer, status: ["!=", "Cancelled"] }
				: { status: ["!=", "Cancelled"] },
		}));
	},
});
