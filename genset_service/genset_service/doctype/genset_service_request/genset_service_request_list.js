frappe.listview_settings["Genset Service Request"] = {
	add_fields: ["status", "escalation", "on_site_state", "acknowledge_state", "restored_state", "urgent", "priority_confirmed"],
	get_indicator(doc) {
		if (doc.escalation === "Breached") return [__("Breached"), "red", "escalation,=,Breached"];
		if (doc.escalation === "At Risk") return [__("At Risk"), "orange", "escalation,=,At Risk"];
		if (doc.urgent && !doc.priority_confirmed && ["Open", "In Progress"].includes(doc.status)) {
			return [__("Urgent, Unconfirmed"), "purple", "urgent,=,1"];
		}
		const colors = { Open: "red", "In Progress": "blue", "On Hold": "gray", Resolved: "green", Closed: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
