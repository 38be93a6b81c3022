frappe.views.calendar["Genset Service Task"] = {
	field_map: {
		start: "due_from",
		end: "due_to",
		id: "name",
		title: "service_type",
		allDay: "allDay",
		status: "status",
	},
	style_map: {
		Planned: "info",
		Due: "warning",
		Overdue: "danger",
		Done: "success",
		Cancelled: "default",
	},
	gantt: true,
	filters: [
		{ fieldtype: "Link", fieldname: "responsible_role", options: "Role", label: __("Responsible Role") },
		{ fieldtype: "Link", fieldname: "assigned_to", options: "User", label: __("Assigned To") },
		{ fieldtype: "Link", fieldname: "customer", options: "Customer", label: __("Customer") },
	],
	get_events_method: "frappe.desk.calendar.get_events",
};
