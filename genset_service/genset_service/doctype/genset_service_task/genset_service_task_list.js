frappe.listview_settings["Genset Service Task"] = {
	add_fields: ["status", "due_from", "due_to"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		const colors = {
			Planned: "blue",
			Due: "orange",
			Overdue: "red",
			Done: "green",
			Cancelled: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
