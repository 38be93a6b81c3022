// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.query_reports["Shipment Lanes"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
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
	],
};
