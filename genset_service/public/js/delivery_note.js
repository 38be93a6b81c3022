// A large delivery's after-sales plan is written in the background: show its state and progress.
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		genset_shipment_button(frm);
		const status = frm.doc.genset_planning_status;
		if (!status || frm.doc.docstatus !== 1) return;
		const colours = {
			Queued: "blue",
			Planning: "blue",
			Planned: "green",
			Failed: "red",
			Stopped: "red",
			Cancelled: "grey",
		};
		const progress = ["Queued", "Planning"].includes(status)
			? ` (${cint(frm.doc.genset_planning_progress)}%)`
			: "";
		frm.dashboard.set_headline_alert(
			`<span class="indicator ${colours[status] || "grey"}">${__("Genset plan: {0}", [
				__(status),
			])}${progress}</span>`,
		);
		if (["Failed", "Stopped"].includes(status) && frm.perm[0] && frm.perm[0].submit) {
			frm.add_custom_button(__("Plan Again"), () =>
				frappe
					.call({
						method: "genset_service.api.plan.plan_delivery_again",
						args: { delivery_note: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc()),
			);
		}
		if (!frm.__genset_planning_listener) {
			frm.__genset_planning_listener = true;
			frappe.realtime.on("genset_planning_progress", (data) => {
				if (data.delivery_note === frm.doc.name) frm.reload_doc();
			});
		}
	},
});

// The gensets of a submitted delivery travel on a Genset Shipment (with ERPNext's Shipment as header).
function genset_shipment_button(frm) {
	if (frm.doc.docstatus !== 1 || frm.doc.is_return || !frappe.model.can_create("Genset Shipment")) return;
	frm.add_custom_button(
		__("Genset Shipment"),
		() => {
			const dialog = new frappe.ui.Dialog({
				title: __("Ship the Gensets"),
				fields: [
					{
						fieldname: "mode",
						fieldtype: "Select",
						label: __("Mode"),
						options: ["Sea", "Road", "Air", "Rail", "Multimodal"].map((value) => ({
							value,
							label: __(value),
						})),
						default: "Sea",
						reqd: 1,
					},
					{ fieldname: "origin", fieldtype: "Data", label: __("Origin"), reqd: 1 },
					{ fieldname: "destination", fieldtype: "Data", label: __("Destination"), reqd: 1 },
					{ fieldname: "planned_eta", fieldtype: "Date", label: __("Planned Arrival"), reqd: 1 },
					{
						fieldname: "carrier_account",
						fieldtype: "Link",
						options: "Genset Carrier Account",
						label: __("Carrier Account"),
					},
					{
						fieldname: "tracking_number",
						fieldtype: "Data",
						label: __("Tracking Number"),
						default: frm.doc.lr_no,
					},
					{ fieldname: "bill_of_lading", fieldtype: "Data", label: __("Bill of Lading") },
				],
				primary_action_label: __("Create"),
				primary_action(values) {
					frappe
						.call({
							method: "genset_service.api.logistics_v1.make_shipment",
							args: { delivery_notes: JSON.stringify([frm.doc.name]), ...values },
							freeze: true,
						})
						.then((r) => {
							dialog.hide();
							frappe.set_route("Form", "Genset Shipment", r.message.shipment);
						});
				},
			});
			dialog.show();
		},
		__("Create"),
	);
}
