// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Service Type", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role("System Manager")) return;
		frm.add_custom_button(__("Re-plan Open Plans"), () => {
			frappe.confirm(
				__(
					"Move every open task of every live genset to the current rules? Done tasks never move."
				),
				() =>
					frappe
						.call("genset_service.api.plan.replan_open_plans")
						.then((r) =>
							frappe.show_alert({
								message: __("Re-planning {0} gensets in the background", [
									r.message.units,
								]),
								indicator: "blue",
							})
						)
			);
		});
	},
});
