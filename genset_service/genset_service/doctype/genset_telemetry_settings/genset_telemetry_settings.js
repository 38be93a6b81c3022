// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Genset Telemetry Settings", {
	refresh(frm) {
		frappe.call({ method: "genset_service.api.telemetry_v1.get_bridges", type: "GET" }).then((r) => {
			const bridges = r.message;
			const rows = (bridges || [])
				.map(
					(b) =>
						`<tr><td>${frappe.utils.escape_html(b.client_id)}</td><td>${frappe.utils.escape_html(
							b.host,
						)}</td><td>${b.connected ? __("Connected") : __("Not connected")}</td><td>${
							b.messages
						}</td><td>${b.stored}</td><td>${b.refused}</td><td>${b.backlog}</td></tr>`,
				)
				.join("");
			frm.set_intro(
				rows
					? `<b>${__(
							"Bridges heard from in the last two minutes",
					  )}</b><table class="table table-sm">` +
							`<tr><th>${__("Client")}</th><th>${__("Host")}</th><th>${__(
								"Broker",
							)}</th><th>${__("Messages")}</th><th>${__("Readings Stored")}</th><th>${__(
								"Refused",
							)}</th><th>${__("Waiting")}</th></tr>${rows}</table>`
					: __("No bridge has reported in the last two minutes: start one with {0}", [
							"<code>bench --site " + frappe.boot.sitename + " genset-telemetry-bridge</code>",
					  ]),
				rows ? "blue" : "orange",
			);
		});
	},
});
