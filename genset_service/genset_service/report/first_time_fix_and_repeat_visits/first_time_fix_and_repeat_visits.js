// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.query_reports["First-Time Fix and Repeat Visits"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: "Engineer\nModel\nService Type",
			default: "Engineer",
		},
		// empty: the setting's window (Genset Service Settings: Repeat Visit Within, default 30 days)
		{ fieldname: "repeat_days", label: __("Repeat Within (Days)"), fieldtype: "Int" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "item_code",
			label: __("Model"),
			fieldtype: "Link",
			options: "Item",
			get_query: () => ({ filters: { is_genset: 1 } }),
		},
		{
			fieldname: "service_type",
			label: __("Service Type"),
			fieldtype: "Link",
			options: "Genset Service Type",
			get_query: () => ({ filters: { anchor_event: "On Demand" } }),
		},
		{ fieldname: "engineer", label: __("Engineer"), fieldtype: "Link", options: "User" },
	],
};
