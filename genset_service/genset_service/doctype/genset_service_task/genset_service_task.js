frappe.ui.form.on("Genset Service Task", {
	refresh(frm) {
		if (!frm.is_new() && ["Planned", "Due", "Overdue"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Mark Done"), () => {
				frappe.prompt(
					[
						{
							fieldname: "completed_on",
							fieldtype: "Date",
							label: __("Completed On"),
							default: frappe.datetime.get_today(),
							reqd: 1,
						},
						{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
					],
					(values) =>
						frappe
							.call("genset_service.api.plan.complete_task", {
								task: frm.doc.name,
								completed_on: values.completed_on,
								notes: values.notes,
							})
							.then(() => frm.reload_doc()),
					__("Complete {0}", [__(frm.doc.service_type)]),
					__("Mark Done")
				);
			});
		}
	},
});
