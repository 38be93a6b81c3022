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
		if (frm.doc.expected_on_site && !frm.doc.on_site_on) {
			const late = frm.doc.on_site_by && frm.doc.expected_on_site > frm.doc.on_site_by;
			parts.push(
				`<span class="indicator-pill ${late ? "red" : "green"}">${__("Engineer expected {0}", [
					frappe.datetime.str_to_user(frm.doc.expected_on_site),
				])}${frm.doc.on_site_by ? " " + (late ? __("(after the deadline)") : __("(before the deadline)")) : ""}</span>`
			);
		}
		if (frm.doc.on_site_on && frm.doc.on_site_source === "Phone") {
			const corrected = Math.round(Math.abs(frm.doc.on_site_correction || 0) / 60);
			parts.push(
				`<span class="indicator-pill ${corrected ? "orange" : "blue"}">${
					corrected
						? __("Arrival sent by the engineer's phone, whose clock was {0} minutes off: corrected from {1}.", [
								corrected,
								frappe.datetime.str_to_user(frm.doc.on_site_phone_time),
						  ])
						: __("Arrival sent by the engineer's phone (its clock was right).")
				}</span>`
			);
		}
		if (parts.length) frm.dashboard.set_headline(parts.join(" "));
		const open = ["Open", "In Progress", "On Hold"].includes(frm.doc.status);
		if (open && !frm.doc.on_site_on && frappe.user.has_role(["Service Manager", "System Manager"])) {
			frm.add_custom_button(__("Nearest Engineers"), () => genset_nearest_engineers(frm));
		}
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
		if (frappe.user.has_role(["Service Manager", "System Manager"])) {
			frm.add_custom_button(__("Correct a Clock Time"), () => genset_correct_clock(frm), __("Actions"));
		}
	},
});

// a manager corrects one clock time, with the reason the request's history keeps
function genset_correct_clock(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Correct a Clock Time"),
		fields: [
			{
				fieldname: "clock",
				fieldtype: "Select",
				label: __("Clock Time"),
				reqd: 1,
				options: [
					{ value: "opening", label: __("Opened") },
					{ value: "acknowledged", label: __("Acknowledged") },
					{ value: "on_site", label: __("On Site") },
					{ value: "restored", label: __("Restored") },
				],
			},
			{ fieldname: "at", fieldtype: "Datetime", label: __("Correct Time"), reqd: 1 },
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
		],
		primary_action_label: __("Correct"),
		primary_action(values) {
			frappe
				.call({
					method: "genset_service.api.v1.correct_clock",
					args: { request: frm.doc.name, ...values },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}

// who can be on site soonest: skill, the visit in hand, distance, today's hours; one click to assign
function genset_nearest_engineers(frm) {
	frappe
		.call({
			method: "genset_service.api.v1.nearest_engineers",
			type: "GET",
			args: { request: frm.doc.name },
		})
		.then((r) => {
			const found = r.message.candidates;
			const esc = frappe.utils.escape_html;
			const spare = (minutes) => __("{0} to spare", [genset_duration(minutes)]);
			const late = (minutes) =>
				`<span class="text-danger">${__("{0} late", [genset_duration(minutes)])}</span>`;
			const rows = found
				.map(
					(c) => `<tr>
						<td>${esc(c.full_name)}</td>
						<td>${frappe.datetime.str_to_user(c.arrival)}</td>
						<td>${format_number(c.km, null, 1)} km</td>
						<td>${
							c.minutes_to_spare === null
								? ""
								: c.minutes_to_spare >= 0
								? spare(c.minutes_to_spare)
								: late(-c.minutes_to_spare)
						}</td>
						<td>${__("{0} more visits today", [c.visits_left_today])}</td>
						<td><button class="btn btn-xs btn-primary" data-engineer="${esc(c.engineer)}">${__(
							"Assign"
						)}</button></td></tr>`
				)
				.join("");
			const dialog = new frappe.ui.Dialog({
				title: __("Engineers who can be on site soonest"),
				size: "large",
				fields: [
					{
						fieldtype: "HTML",
						options: found.length
							? `<p class="text-muted small">${__("Travel: {0}", [
									esc(r.message.travel || ""),
							  ])}</p><table class="table table-sm"><thead><tr><th>${__("Engineer")}</th><th>${__(
									"Arrival"
							  )}</th><th>${__("Distance")}</th><th>${__("On-site deadline")}</th><th></th><th></th></tr></thead><tbody>${rows}</tbody></table>`
							: `<p>${__(
									"No engineer with the skill and certified for this genset can reach the site within today's working hours."
							  )}</p>`,
					},
				],
			});
			dialog.$wrapper.on("click", "button[data-engineer]", (event) => {
				frappe
					.call({
						method: "genset_service.api.v1.assign_nearest",
						args: { request: frm.doc.name, engineer: $(event.currentTarget).attr("data-engineer") },
						freeze: true,
					})
					.then(() => {
						dialog.hide();
						frm.reload_doc();
					});
			});
			dialog.show();
		});
}

// minutes as "45 min", "3 h 20 min" or "48 d 4 h"
function genset_duration(minutes) {
	if (minutes < 60) return __("{0} min", [minutes]);
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return __("{0} h {1} min", [hours, minutes % 60]);
	return __("{0} d {1} h", [Math.floor(hours / 24), hours % 24]);
}
