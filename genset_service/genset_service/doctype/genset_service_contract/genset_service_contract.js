frappe.ui.form.on("Genset Service Contract", {
	refresh(frm) {
		if (frm.doc.docstatus === 1) {
			frm.add_custom_button(__("Service Plan"), () =>
				frappe.set_route("List", "Genset Service Task", { contract: frm.doc.name })
			);
		}
	},
});
