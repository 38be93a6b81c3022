// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.query_reports["SLA Compliance"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company", default: frappe.defaults.get_user_default("Company") },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -30), reqd: 1 },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "service_type", label: __("Service Type"), fieldtype: "Link", options: "Genset Service Type", get_query: () => ({ filters: { anchor_event: "On Demand" } }) },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "item_code", label: __("Model"), fieldtype: "Link", options: "Item", get_query: () => ({ filters: { is_genset: 1 } }) },
		{ fieldname: "engineer", label: __("Engineer"), fieldtype: "Link", options: "User" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "breach" && data && data.breach) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
