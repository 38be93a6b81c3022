frappe.ui.form.on("Genset Unit", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Service Plan"), () =>
			frappe.set_route("List", "Genset Service Task", { unit: frm.doc.name }),
		);
		frm.add_custom_button(__("Plan Calendar"), () =>
			frappe.set_route("List", "Genset Service Task", "Calendar", { unit: frm.doc.name }),
		);
		const gone = ["Cancelled", "Returned"].includes(frm.doc.status);
		frm.set_df_property("arrival_date", "read_only", gone);
		frm.set_df_property("commissioning_date", "read_only", gone);
	},
});
