frappe.listview_settings["Genset Warranty Extension"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Draft: "red", "Awaiting Order": "orange", Applied: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
