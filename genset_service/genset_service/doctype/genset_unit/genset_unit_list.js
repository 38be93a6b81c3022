frappe.listview_settings["Genset Unit"] = {
	add_fields: ["status", "warranty_status"],
	get_indicator(doc) {
		const colors = {
			Delivered: "blue",
			Arrived: "orange",
			Commissioned: "green",
			Returned: "red",
			Cancelled: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
