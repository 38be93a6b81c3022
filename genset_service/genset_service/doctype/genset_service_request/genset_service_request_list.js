frappe.listview_settings["Genset Service Request"] = {
	add_fields: ["status", "agreement_status", "escalation"],
	get_indicator(doc) {
		if (doc.escalation === "Breached") return [__("Breached"), "red", "escalation,=,Breached"];
		if (doc.escalation === "At Risk") return [__("At Risk"), "orange", "escalation,=,At Risk"];
		const colors = { Open: "red", "In Progress": "blue", "On Hold": "gray", Resolved: "green", Closed: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
