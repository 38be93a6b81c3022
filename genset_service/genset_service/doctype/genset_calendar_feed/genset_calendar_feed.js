// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Calendar Feed", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.page.set_indicator(
			frm.doc.revoked ? __("Revoked") : __("Live"),
			frm.doc.revoked ? "grey" : "green",
		);
		if (!frm.doc.revoked && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Revoke"), () =>
				frappe.confirm(__("The feed's link stops working at once. Revoke it?"), () =>
					frappe
						.call({
							method: "genset_service.api.calendar_v1.revoke_feed",
							args: { user: frm.doc.user },
						})
						.then(() => frm.reload_doc()),
				),
			);
		}
	},
});
