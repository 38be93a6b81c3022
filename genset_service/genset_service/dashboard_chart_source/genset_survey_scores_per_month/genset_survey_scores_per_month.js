// Copyright (c) 2026, genset_service developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Genset Survey Scores per Month"] = {
	method: "genset_service.genset_service.dashboard_chart_source.genset_survey_scores_per_month.genset_survey_scores_per_month.get",
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
	],
};
