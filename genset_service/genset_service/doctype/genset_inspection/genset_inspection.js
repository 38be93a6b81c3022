// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.provide("genset_service.inspection");

frappe.ui.form.on("Genset Inspection", {
	setup(frm) {
		frm.set_query("template", () => ({
			filters: { inspection_kind: frm.doc.inspection_kind, disabled: 0 },
		}));
		frm.set_query("task", () => ({
			filters: { unit: frm.doc.unit, status: ["in", ["Planned", "Due", "Overdue"]] },
		}));
	},
	onload(frm) {
		// a new form opens with its kind already set (the first one): its checklist comes with it
		if (frm.is_new() && frm.doc.inspection_kind && !frm.doc.template) {
			genset_service.inspection.pick_template(frm);
		}
	},
	inspection_kind(frm) {
		genset_service.inspection.pick_template(frm);
	},
	unit(frm) {
		// a genset with a checklist of its own item: that one, while nothing is read yet
		if (frm.is_new() && frm.doc.unit && !genset_service.inspection.has_readings(frm)) {
			genset_service.inspection.pick_template(frm);
		}
	},
	template(frm) {
		genset_service.inspection.fill_checklist(frm);
	},
});

Object.assign(genset_service.inspection, {
	// what an inspection copies of each checkpoint of its template (as scheduling/inspection.py does)
	checkpoint_fields: [
		"section",
		"checkpoint",
		"reading_type",
		"min_value",
		"max_value",
		"uom",
		"mandatory",
		"load_percent",
		"quantity",
	],

	has_readings(frm) {
		return (frm.doc.readings || []).some((row) => row.value || row.photo || row.remarks);
	},

	pick_template(frm) {
		if (!frm.doc.inspection_kind || frm.doc.docstatus !== 0) return;
		frappe
			.call({
				method: "genset_service.genset_service.doctype.genset_inspection.genset_inspection.default_template",
				args: {
					inspection_kind: frm.doc.inspection_kind,
					unit: frm.doc.unit || undefined,
					item_code: frm.doc.item_code || undefined,
				},
			})
			.then((r) => {
				const name = r.message || "";
				if (name === (frm.doc.template || "")) {
					if (name && !(frm.doc.readings || []).length)
						genset_service.inspection.fill_checklist(frm);
					return;
				}
				frm.set_value("template", name);
				if (!name) {
					frappe.show_alert({
						message: __("No enabled Genset Inspection Template is for {0} inspections.", [
							__(frm.doc.inspection_kind),
						]),
						indicator: "orange",
					});
				}
			});
	},

	fill_checklist(frm) {
		if (frm.doc.docstatus !== 0) return;
		const replace = (rows) => {
			frm.clear_table("readings");
			rows.forEach((item) => {
				const row = frm.add_child("readings");
				genset_service.inspection.checkpoint_fields.forEach((f) => (row[f] = item[f]));
			});
			frm.refresh_field("readings");
		};
		if (!frm.doc.template) {
			if (!genset_service.inspection.has_readings(frm)) replace([]);
			return;
		}
		frappe.model.with_doc("Genset Inspection Template", frm.doc.template, () => {
			const template = frappe.get_doc("Genset Inspection Template", frm.doc.template);
			const rows = template.items || [];
			// what was already read is never thrown away without asking
			if (genset_service.inspection.has_readings(frm)) {
				frappe.confirm(
					__("Replace the checklist, and the readings entered, with the checkpoints of {0}?", [
						frappe.utils.escape_html(frm.doc.template),
					]),
					() => replace(rows),
				);
			} else {
				replace(rows);
			}
		});
	},
});
