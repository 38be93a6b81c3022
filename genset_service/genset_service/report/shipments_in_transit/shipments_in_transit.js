// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.query_reports["Shipments in Transit"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Booked", "In Transit", "Held at Customs", "Exception"],
		},
		{
			fieldname: "mode",
			label: __("Mode"),
			fieldtype: "Select",
			options: ["", "Sea", "Road", "Air", "Rail", "Multimodal"],
		},
		{
			fieldname: "carrier_account",
			label: __("Carrier Account"),
			fieldtype: "Link",
			options: "Genset Carrier Account",
		},
		{ fieldname: "late_only", label: __("Late Only"), fieldtype: "Check" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "days_late" && data && data.days_late > 0) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
