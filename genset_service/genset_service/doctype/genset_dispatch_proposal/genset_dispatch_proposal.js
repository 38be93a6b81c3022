// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Dispatch Proposal", {
	refresh(frm) {
		frm.disable_save();
		frm.add_custom_button(__("Review on the Board"), () =>
			frappe.set_route("genset-dispatch", frm.doc.name),
		);
		if (frm.doc.status === "Draft") {
			frm.add_custom_button(__("Apply"), () =>
				frappe.confirm(__("Write this plan: dates, engineers, order and their to-dos?"), () =>
					frappe
						.call({
							method: "genset_service.api.v1.apply_dispatch",
							args: { proposal: frm.doc.name },
							freeze: true,
						})
						.then(() => frm.reload_doc()),
				),
			);
		}
		if (["Draft", "Failed", "Queued"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Discard"), () =>
				frappe
					.call({
						method: "genset_service.api.v1.discard_dispatch",
						args: { proposal: frm.doc.name },
					})
					.then(() => frm.reload_doc()),
			);
		}
		if (frm.doc.baseline_km) {
			const saved = Math.round((1 - frm.doc.travel_km / frm.doc.baseline_km) * 100);
			frm.dashboard.set_headline(
				__(
					"{0} of {1} visits placed; {2} km of travel, {3}% less than giving each visit to the least-loaded engineer.",
					[
						frm.doc.placed_count,
						frm.doc.visit_count,
						format_number(frm.doc.travel_km, null, 0),
						saved,
					],
				),
			);
		}
	},
});
