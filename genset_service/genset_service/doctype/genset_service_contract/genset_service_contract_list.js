frappe.listview_settings["Genset Service Contract"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Active: "green", Expiring: "orange", Expired: "red", Cancelled: "gray", Draft: "red" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
