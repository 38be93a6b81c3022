// Pre-sales consultation (service 1): log advice given on a Lead, Opportunity or Quotation.
["Lead", "Opportunity", "Quotation"].forEach((doctype) => {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (frm.is_new()) return;
			frm.add_custom_button(
				__("Log Genset Consultation"),
				() => {
					frappe.prompt(
						[
							{
								fieldname: "consulted_on",
								fieldtype: "Date",
								label: __("Consulted On"),
								default: frappe.datetime.get_today(),
								reqd: 1,
							},
							{
								fieldname: "notes",
								fieldtype: "Small Text",
								label: __("Advice Given"),
								reqd: 1,
							},
						],
						(values) => {
							frappe
								.call("genset_service.api.plan.log_consultation", {
									reference_doctype: frm.doctype,
									reference_name: frm.docname,
									notes: values.notes,
									consulted_on: values.consulted_on,
								})
								.then((r) => {
									frappe.show_alert({
										message: __("Consultation logged as {0}", [r.message]),
										indicator: "green",
									});
								});
						},
						__("Pre-sales Consultation"),
						__("Log")
					);
				},
				__("Create")
			);
		},
	});
});
