// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Device", {
	refresh(frm) {
		if (frm.is_new()) return;
		const colour = { Online: "green", Silent: "red", Disabled: "grey", "Never Heard": "orange" };
		frm.page.set_indicator(__(frm.doc.status), colour[frm.doc.status] || "grey");
		frm.add_custom_button(__("Genset"), () => frappe.set_route("Form", "Genset Unit", frm.doc.unit));
		frm.add_custom_button(__("Readings"), () =>
			frappe.set_route("List", "Genset Telemetry Reading", { device: frm.doc.name }),
		);
		frm.add_custom_button(__("Events"), () =>
			frappe.set_route("List", "Genset Telemetry Event", { device: frm.doc.name }),
		);
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("New Token"), () => new_token(frm));
		}
	},
});

function new_token(frm) {
	const ask = frm.doc.token_hint
		? __("The device's present token will stop working. Make a new one?")
		: __("Make the device's token?");
	frappe.confirm(ask, () =>
		frappe
			.xcall("genset_service.api.telemetry_v1.new_device_token", { device: frm.doc.name })
			.then((r) => {
				const url =
					frappe.urllib.get_base_url() + "/api/method/genset_service.api.telemetry_v1.ingest";
				const curl = [
					`curl -X POST '${url}'`,
					`  -H 'X-Genset-Device: ${r.device}'`,
					`  -H 'X-Genset-Token: ${r.token}'`,
					`  -H 'Content-Type: application/json'`,
					`  -d '{"time": "${new Date().toISOString()}", "metrics": {"running_hours": 1234.5}}'`,
				].join(" \\\n");
				frappe.msgprint({
					title: __("The device's token"),
					indicator: "green",
					message:
						`<p>${__("Copy it now: it is shown this once and kept only as a hash.")}</p>` +
						`<pre class="genset-token">${frappe.utils.escape_html(r.token)}</pre>` +
						`<p>${__("A reading sent with it:")}</p><pre>${frappe.utils.escape_html(curl)}</pre>`,
				});
				frm.reload_doc();
			}),
	);
}
