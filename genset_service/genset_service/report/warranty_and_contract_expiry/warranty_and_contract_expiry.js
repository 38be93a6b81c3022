// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.query_reports["Warranty and Contract Expiry"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company", default: frappe.defaults.get_user_default("Company") },
		{ fieldname: "from_date", label: __("Warranty Ends From"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), 90), reqd: 1 },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "item_code", label: __("Model"), fieldtype: "Link", options: "Item", get_query: () => ({ filters: { is_genset: 1 } }) },
	],
};
