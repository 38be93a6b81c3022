// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Carrier Account", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.webhook_path) return;
		frm.set_intro(
			__("The carrier posts its signed events to {0}", [
				`<code>${frappe.utils.escape_html(
					frappe.urllib.get_base_url() + frm.doc.webhook_path,
				)}</code>`,
			]),
		);
	},
});
