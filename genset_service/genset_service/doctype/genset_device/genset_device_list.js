frappe.listview_settings["Genset Device"] = {
	get_indicator(doc) {
		const colour = { Online: "green", Silent: "red", Disabled: "grey", "Never Heard": "orange" };
		return [__(doc.status), colour[doc.status] || "grey", "status,=," + doc.status];
	},
};
