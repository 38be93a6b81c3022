// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Warranty Extension", {
	setup(frm) {
		frm.set_query("unit", "units", () => ({
			filters: {
				customer: frm.doc.customer,
				status: ["!=", "Cancelled"],
				warranty_status: ["!=", "Expired"],
			},
		}));
		frm.set_query("service_item", () => ({ filters: { is_stock_item: 0, disabled: 0 } }));
	},
	refresh(frm) {
		if (frm.doc.sales_order) {
			frm.add_custom_button(__("Sales Order"), () =>
				frappe.set_route("Form", "Sales Order", frm.doc.sales_order)
			);
		}
	},
});
