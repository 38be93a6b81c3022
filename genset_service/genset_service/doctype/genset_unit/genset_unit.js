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
		show_telemetry(frm);
	},
});

// what the genset's own devices reported (public/js/telemetry_charts.js, shared with the portal)
function show_telemetry(frm) {
	const wrapper = frm.fields_dict.telemetry_html.$wrapper;
	wrapper.html(`<p class="text-muted small">${__("Loading...")}</p>`);
	frappe.require("/assets/genset_service/js/telemetry_charts.js", () => {
		genset_telemetry.load(wrapper.get(0), frm.doc.name, 30, { desk: true }).then(() => {
			if (!wrapper.find(".gs-telemetry-none").length || !frappe.model.can_create("Genset Device"))
				return;
			$(`<button class="btn btn-xs btn-default">${__("Add a Device")}</button>`)
				.appendTo(wrapper)
				.on("click", () => frappe.new_doc("Genset Device", { unit: frm.doc.name }));
		});
	});
}
