// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Service Report", {
	setup(frm) {
		frm.set_query("service_request", () => ({
			filters: { unit: frm.doc.unit, status: ["in", ["Open", "In Progress", "On Hold"]] },
		}));
		frm.set_query("task", () => ({
			filters: { unit: frm.doc.unit, status: ["in", ["Planned", "Due", "Overdue"]] },
		}));
	},
});
