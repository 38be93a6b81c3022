// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

const MILESTONES = [
	"Picked Up",
	"Departed",
	"Transshipped",
	"Arrived at Port",
	"Customs Held",
	"Customs Cleared",
	"Out for Delivery",
	"Delivered at Site",
	"Exception",
	"ETA Updated",
];

frappe.ui.form.on("Genset Shipment", {
	setup(frm) {
		frm.set_query("unit", "units", () => ({
			filters: { status: ["not in", ["Cancelled", "Returned"]], arrival_date: ["is", "not set"] },
		}));
	},
	refresh(frm) {
		render_timeline(frm);
		if (frm.is_new()) return;
		const live = !["Delivered", "Cancelled"].includes(frm.doc.status);
		if (live && frappe.model.can_create("Genset Shipment Milestone")) {
			frm.add_custom_button(__("Record Milestone"), () => record_milestone(frm));
		}
		if (live && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(
				__("Cancel Shipment"),
				() =>
					frappe.prompt(
						{ fieldname: "reason", fieldtype: "Data", label: __("Reason"), reqd: 1 },
						({ reason }) =>
							frappe
								.call({
									method: "genset_service.api.logistics_v1.cancel_shipment",
									args: { shipment: frm.doc.name, reason },
									freeze: true,
								})
								.then(() => frm.reload_doc()),
						__("Cancel Shipment"),
						__("Cancel Shipment"),
					),
				__("Actions"),
			);
		}
		if (frm.doc.tracking_url) {
			frm.add_custom_button(__("Track with the Carrier"), () =>
				window.open(frm.doc.tracking_url, "_blank", "noopener"),
			);
		}
	},
});

function record_milestone(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Record Milestone"),
		fields: [
			{
				fieldname: "milestone",
				fieldtype: "Select",
				label: __("Milestone"),
				options: MILESTONES.map((value) => ({ value, label: __(value) })),
				reqd: 1,
			},
			{
				fieldname: "time",
				fieldtype: "Datetime",
				label: __("Time"),
				default: frappe.datetime.now_datetime(),
				reqd: 1,
			},
			{ fieldname: "place", fieldtype: "Data", label: __("Place") },
			{ fieldname: "eta", fieldtype: "Date", label: __("New ETA") },
			{
				fieldname: "unit",
				fieldtype: "Select",
				label: __("Only This Genset"),
				options: [""].concat((frm.doc.units || []).map((row) => row.unit)),
				depends_on: "eval:doc.milestone === 'Delivered at Site'",
			},
			{ fieldname: "reason", fieldtype: "Data", label: __("Reason") },
			{ fieldname: "details", fieldtype: "Small Text", label: __("Details") },
		],
		primary_action_label: __("Record"),
		primary_action(values) {
			frappe
				.call({
					method: "genset_service.api.logistics_v1.record_milestone",
					args: {
						shipment: frm.doc.name,
						...values,
						time: values.time ? values.time.replace(" ", "T") : undefined,
					},
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					if (r.message && r.message.result === "replay") {
						frappe.show_alert({ message: __("Already recorded"), indicator: "orange" });
					}
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}

function render_timeline(frm) {
	const wrapper = frm.get_field("timeline_html").$wrapper;
	const rows = (frm.doc.__onload && frm.doc.__onload.timeline) || [];
	if (!rows.length) {
		wrapper.html(`<p class="text-muted">${__("No milestone yet.")}</p>`);
		return;
	}
	const esc = frappe.utils.escape_html;
	wrapper.html(
		`<table class="table table-bordered table-sm"><thead><tr>
			<th>${__("Time")}</th><th>${__("Milestone")}</th><th>${__("Place")}</th>
			<th>${__("New ETA")}</th><th>${__("Reason")}</th><th>${__("Source")}</th></tr></thead><tbody>${rows
				.map(
					(row) => `<tr><td>${esc(frappe.datetime.str_to_user(row.event_time))}</td>
					<td>${esc(__(row.milestone))}${row.unit ? " (" + esc(row.unit) + ")" : ""}</td>
					<td>${esc(row.place || "")}</td>
					<td>${row.new_eta ? esc(frappe.datetime.str_to_user(row.new_eta)) : ""}</td>
					<td>${esc(row.reason || "")}</td><td>${esc(__(row.source || ""))}</td></tr>`,
				)
				.join("")}</tbody></table>`,
	);
}
