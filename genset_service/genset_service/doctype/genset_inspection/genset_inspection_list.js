frappe.listview_settings["Genset Inspection"] = {
	add_fields: ["result", "docstatus"],
	get_indicator(doc) {
		if (doc.docstatus === 2) return [__("Cancelled"), "gray", "docstatus,=,2"];
		if (doc.docstatus === 0) return [__("Draft"), "red", "docstatus,=,0"];
		const colors = { Accepted: "green", "Accepted with Remarks": "orange", Rejected: "red" };
		return [__(doc.result), colors[doc.result] || "gray", "result,=," + doc.result];
	},
};
