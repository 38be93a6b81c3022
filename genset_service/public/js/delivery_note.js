// A large delivery's after-sales plan is written in the background: show its state and progress.
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		const status = frm.doc.genset_planning_status;
		if (!status || frm.doc.docstatus !== 1) return;
		const colours = {
			Queued: "blue",
			Planning: "blue",
			Planned: "green",
			Failed: "red",
			Stopped: "red",
			Cancelled: "grey",
		};
		const progress = ["Queued", "Planning"].includes(status)
			? ` (${cint(frm.doc.genset_planning_progress)}%)`
			: "";
		frm.dashboard.set_headline_alert(
			`<span class="indicator ${colours[status] || "grey"}">${__("Genset plan: {0}", [
				__(status),
			])}${progress}</span>`,
		);
		if (["Failed", "Stopped"].includes(status) && frm.perm[0] && frm.perm[0].submit) {
			frm.add_custom_button(__("Plan Again"), () =>
				frappe
					.call({
						method: "genset_service.api.plan.plan_delivery_again",
						args: { delivery_note: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc()),
			);
		}
		if (!frm.__genset_planning_listener) {
			frm.__genset_planning_listener = true;
			frappe.realtime.on("genset_planning_progress", (data) => {
				if (data.delivery_note === frm.doc.name) frm.reload_doc();
			});
		}
	},
});
