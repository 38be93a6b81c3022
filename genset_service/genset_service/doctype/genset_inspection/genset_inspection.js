// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Inspection", {
	setup(frm) {
		frm.set_query("template", () => ({
			filters: { inspection_kind: frm.doc.inspection_kind, disabled: 0 },
		}));
		frm.set_query("task", () => ({
			filters: { unit: frm.doc.unit, status: ["in", ["Planned", "Due", "Overdue"]] },
		}));
	},
	inspection_kind(frm) {
		if (!frm.doc.inspection_kind) return;
		frappe.db
			.get_value(
				"Genset Inspection Template",
				{ inspection_kind: frm.doc.inspection_kind, disabled: 0 },
				"name"
			)
			.then((r) => r.message && frm.set_value("template", r.message.name));
	},
	template(frm) {
		if (!frm.doc.template) return;
		frappe.model.with_doc("Genset Inspection Template", frm.doc.template, () => {
			const template = frappe.get_doc("Genset Inspection Template", frm.doc.template);
			frm.clear_table("readings");
			(template.items || []).forEach((item) => {
				const row = frm.add_child("readings");
				[
					"section",
					"checkpoint",
					"reading_type",
					"min_value",
					"max_value",
					"uom",
					"mandatory",
				].forEach((f) => (row[f] = item[f]));
			});
			frm.refresh_field("readings");
		});
	},
});
