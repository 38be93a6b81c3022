// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

const GENSET_CLOCKS = [
	["Acknowledge", "acknowledge_by", "acknowledge_state", "acknowledged_on"],
	["On Site", "on_site_by", "on_site_state", "on_site_on"],
	["Restored", "restored_by", "restored_state", "restored_on"],
];
const GENSET_CLOCK_COLOURS = {
	Running: "blue",
	"At Risk": "orange",
	Paused: "gray",
	Met: "green",
	Breached: "red",
};

frappe.ui.form.on("Genset Service Request", {
	setup(frm) {
		frm.set_query("service_type", () => ({ filters: { anchor_event: "On Demand", enabled: 1 } }));
		frm.set_query("unit", () => ({
			filters: frm.doc.customer
				? { customer: frm.doc.customer, status: ["!=", "Cancelled"] }
				: { status: ["!=", "Cancelled"] },
		}));
	},
	refresh(frm) {
		if (frm.is_new()) return;
		// each clock's deadline and state, as indicators in the form's dashboard
		frm.dashboard.clear_headline();
		const parts = GENSET_CLOCKS.filter(([, , state]) => frm.doc[state] && frm.doc[state] !== "Not Promised").map(
			([label, deadline, state, stopped]) => {
				const when = frm.doc[stopped] || frm.doc[deadline];
				const word = frm.doc[stopped] ? __("at") : __("by");
				return `<span class="indicator-pill ${GENSET_CLOCK_COLOURS[frm.doc[state]] || "gray"}">
					${__(label)}: ${__(frm.doc[state])} ${word} ${frappe.datetime.str_to_user(when)}</span>`;
			}
		);
		if (frm.doc.urgent && !frm.doc.priority_confirmed) {
			parts.push(
				`<div class="text-warning">${__("The customer marked this request urgent: confirm or change its priority.")}</div>`
			);
		}
		if (parts.length) frm.dashboard.set_headline(parts.join(" "));
		const open = ["Open", "In Progress", "On Hold"].includes(frm.doc.status);
		if (open && !frm.doc.acknowledged_on) {
			frm.add_custom_button(__("Acknowledge"), () =>
				frappe.call({
					method: "genset_service.api.v1.acknowledge_request",
					args: { request: frm.doc.name },
					freeze: true,
					callback: () => frm.reload_doc(),
				})
			);
		}
		if (open && !frm.doc.on_site_on) {
			frm.add_custom_button(__("Check In On Site"), () =>
				frappe.call({
					method: "genset_service.api.v1.check_in",
					args: { request: frm.doc.name },
					freeze: true,
					callback: () => frm.reload_doc(),
				})
			);
		}
	},
});
