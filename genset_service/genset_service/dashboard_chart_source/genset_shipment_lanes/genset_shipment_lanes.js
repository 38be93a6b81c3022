// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Genset Shipment Lanes"] = {
	method: "genset_service.genset_service.dashboard_chart_source.genset_shipment_lanes.genset_shipment_lanes.get",
	filters: [
		{
			fieldname: "measure",
			label: __("Measure"),
			fieldtype: "Select",
			options: [
				{ value: "on_time", label: __("On-time Delivery %") },
				{ value: "transit_days", label: __("Average Transit Days") },
			],
			default: "on_time",
		},
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
	],
};
