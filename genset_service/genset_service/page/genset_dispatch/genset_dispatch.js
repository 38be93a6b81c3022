// The dispatch board: engineers by row, days by column (or one day by hour), the on-site work as
// cards; drag a card to another engineer or day, optimise the days into a proposal, review it on
// the board and apply or discard it.

const API = "genset_service.api.v1.";

frappe.pages["genset-dispatch"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Dispatch Board"),
		single_column: true,
	});
	wrapper.board = new GensetDispatchBoard(page);
};

frappe.pages["genset-dispatch"].on_page_show = function (wrapper) {
	const proposal = frappe.get_route()[1];
	if (wrapper.board && proposal && proposal !== wrapper.board.proposal) {
		wrapper.board.show_proposal(proposal);
	}
};

class GensetDispatchBoard {
	constructor(page) {
		this.page = page;
		this.day = null; // the day shown by hour, else the days by column
		this.proposal = frappe.get_route()[1] || null;
		this.start = 0;
		this.page_length = 50;
		this.make_filters();
		page.set_primary_action(__("Optimise"), () => this.optimise(), "es-line-filter");
		page.add_inner_button(__("Today"), () => this.go_today());
		this.$body = $('<div class="genset-dispatch"></div>').appendTo(page.main);
		frappe.realtime.on("genset_dispatch_progress", (data) => {
			if (data.proposal !== this.proposal) return;
			frappe.show_progress(__("Optimising"), data.progress, 100, __("Optimising the days"));
			if (data.progress >= 100) {
				frappe.hide_progress();
				this.refresh();
			}
		});
		this.refresh();
	}

	make_filters() {
		const today = frappe.datetime.get_today();
		const change = () => {
			this.start = 0;
			this.refresh();
		};
		this.filters = {
			from_date: this.page.add_field({
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
				default: today,
				reqd: 1,
				change,
			}),
			to_date: this.page.add_field({
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
				default: frappe.datetime.add_days(today, 13),
				reqd: 1,
				change,
			}),
			territory: this.page.add_field({
				fieldname: "territory",
				label: __("Territory"),
				fieldtype: "Link",
				options: "Territory",
				change,
			}),
			service_type: this.page.add_field({
				fieldname: "service_type",
				label: __("Service"),
				fieldtype: "Link",
				options: "Genset Service Type",
				get_query: () => ({ filters: { visit_hours: [">", 0] } }),
				change,
			}),
			customer: this.page.add_field({
				fieldname: "customer",
				label: __("Customer"),
				fieldtype: "Link",
				options: "Customer",
				change,
			}),
		};
	}

	values() {
		const values = {};
		for (const [key, field] of Object.entries(this.filters)) {
			values[key] = field.get_value() || undefined;
		}
		return values;
	}

	go_today() {
		this.day = null;
		const today = frappe.datetime.get_today();
		this.filters.from_date.set_value(today);
		this.filters.to_date.set_value(frappe.datetime.add_days(today, 13));
	}

	refresh() {
		const args = this.values();
		if (!args.from_date || !args.to_date) return;
		frappe
			.call({
				method: API + "dispatch_board",
				type: "GET",
				args: {
					...args,
					proposal: this.proposal || undefined,
					start: this.start,
					page_length: this.page_length,
				},
			})
			.then((r) => {
				this.data = r.message;
				this.render();
			});
	}

	show_proposal(name) {
		this.proposal = name;
		this.day = null;
		this.refresh();
	}

	// ------------------------------------------------------------------ rendering
	render() {
		const data = this.data;
		const proposal = data.proposal;
		const cards = proposal ? this.merge(data.cards, proposal.cards) : data.cards;
		this.$body.empty();
		if (proposal) this.$body.append(this.proposal_banner(proposal));
		const $layout = $('<div class="gd-layout"></div>').appendTo(this.$body);
		const $grid = $('<div class="gd-grid-wrap"></div>').appendTo($layout);
		$grid.append(this.day ? this.day_grid(data, cards) : this.week_grid(data, cards));
		$layout.append(this.side_list(data, proposal));
		this.bind_drag();
	}

	merge(cards, proposed) {
		const moved = new Set(proposed.map((c) => c.task));
		return cards
			.filter((c) => !moved.has(c.task))
			.concat(proposed.map((c) => Object.assign({}, c, { proposed: true })));
	}

	proposal_banner(p) {
		const saved = p.baseline_km ? Math.round((1 - p.travel_km / p.baseline_km) * 100) : 0;
		const holds = p.status === "Draft";
		const $banner = $(`
			<div class="gd-banner ${holds ? "gd-banner-ok" : "gd-banner-bad"}">
				<div>
					<b>${__("Proposal {0}", [frappe.utils.escape_html(p.name)])}</b>
					(${__(p.status)}):
					${__("{0} visits placed, {1} not placed", [p.cards.length, p.unassigned.length])};
					${__("travel {0} km", [format_number(p.travel_km, null, 0)])}
					(${__("least loaded: {0} km, {1}% less", [format_number(p.baseline_km, null, 0), saved])});
					${__("solved by {0} in {1} s", [frappe.utils.escape_html(p.solver || ""), p.solve_seconds])}.
					<div class="text-muted small">${__("Independent check")}: ${frappe.utils.escape_html(
						p.check_result || "",
					)}</div>
				</div>
				<div class="gd-banner-actions"></div>
			</div>`);
		const $actions = $banner.find(".gd-banner-actions");
		if (holds) {
			$(`<button class="btn btn-primary btn-sm gd-apply">${__("Apply")}</button>`)
				.appendTo($actions)
				.on("click", () => this.apply());
		}
		if (["Draft", "Failed", "Queued"].includes(p.status)) {
			$(`<button class="btn btn-default btn-sm gd-discard">${__("Discard")}</button>`)
				.appendTo($actions)
				.on("click", () => this.discard());
		}
		$(`<button class="btn btn-default btn-sm">${__("Close")}</button>`)
			.appendTo($actions)
			.on("click", () => {
				this.proposal = null;
				frappe.set_route("genset-dispatch");
				this.refresh();
			});
		return $banner;
	}

	week_grid(data, cards) {
		const by_cell = {};
		for (const card of cards) {
			if (!card.start || !card.assigned_to) continue;
			const key = `${card.assigned_to}|${card.start.slice(0, 10)}`;
			(by_cell[key] = by_cell[key] || []).push(card);
		}
		const today = frappe.datetime.get_today();
		const by_hour = __("Show this day by hour");
		const head = data.days
			.map((day) => {
				const label = `${moment(day).format("ddd")} ${frappe.datetime.str_to_user(day)}`;
				return `<th class="gd-day ${day === today ? "gd-today" : ""}" data-day="${day}"
					title="${by_hour}">${label}</th>`;
			})
			.join("");
		const rows = data.engineers
			.map((e) => {
				const cells = data.days
					.map((day) => {
						const off = e.days_off.includes(day);
						const here = (by_cell[`${e.user}|${day}`] || []).sort((a, b) =>
							a.start < b.start ? -1 : 1,
						);
						return `<td class="gd-cell ${off ? "gd-off" : ""}" data-engineer="${e.name}"
							data-day="${day}">${here.map((c) => this.card(c)).join("")}</td>`;
					})
					.join("");
				return `<tr><th class="gd-engineer">${this.engineer_label(e)}</th>${cells}</tr>`;
			})
			.join("");
		const $table = $(
			`<table class="gd-grid"><thead><tr><th class="gd-engineer">${__(
				"Engineer",
			)}</th>${head}</tr></thead><tbody>${
				rows || `<tr><td class="text-muted">${__("No enabled engineer profiles.")}</td></tr>`
			}</tbody></table>`,
		);
		$table.find("th.gd-day").on("click", (event) => {
			this.day = $(event.currentTarget).attr("data-day");
			this.render();
		});
		return $table;
	}

	day_grid(data, cards) {
		const first = 6,
			last = 21; // hours shown
		const span = (last - first) * 60;
		const hours = [];
		for (let h = first; h < last; h++)
			hours.push(`<div class="gd-hour">${String(h).padStart(2, "0")}:00</div>`);
		const rows = data.engineers
			.map((e) => {
				const mine = cards.filter(
					(c) => c.assigned_to === e.user && c.start && c.start.slice(0, 10) === this.day,
				);
				const blocks = mine
					.map((c) => {
						const start = moment(c.start),
							end = moment(c.end || c.start).add(c.end ? 0 : 1, "hours");
						const from = Math.max(0, (start.hours() - first) * 60 + start.minutes());
						const to = Math.min(span, (end.hours() - first) * 60 + end.minutes());
						const left = (from / span) * 100,
							width = Math.max(4, ((to - from) / span) * 100);
						return `<div class="gd-block" style="left:${left}%;width:${width}%">${this.card(
							c,
						)}</div>`;
					})
					.join("");
				const off = e.days_off.includes(this.day) ? "gd-off" : "";
				return `<div class="gd-day-row"><div class="gd-engineer">${this.engineer_label(e)}</div>
					<div class="gd-timeline gd-cell ${off}" data-engineer="${e.name}" data-day="${
						this.day
					}">${blocks}</div></div>`;
			})
			.join("");
		const $day = $(`<div class="gd-day-view">
			<div class="gd-day-title">
				<button class="btn btn-default btn-xs gd-back">${__("All days")}</button>
				<b>${moment(this.day).format("dddd")} ${frappe.datetime.str_to_user(this.day)}</b>
			</div>
			<div class="gd-day-row gd-hours"><div class="gd-engineer"></div><div class="gd-timeline">${hours.join(
				"",
			)}</div></div>
			${rows}</div>`);
		$day.find(".gd-back").on("click", () => {
			this.day = null;
			this.render();
		});
		return $day;
	}

	engineer_label(e) {
		return `<div class="gd-name">${frappe.utils.escape_html(e.full_name)}</div>
			<div class="text-muted small">${frappe.utils.escape_html(e.territory || "")} ${e.hours}</div>`;
	}

	card(c) {
		const risk = c.risk ? `gd-risk-${c.risk.replace(" ", "-").toLowerCase()}` : "";
		const status = `gd-status-${(c.status || "").toLowerCase()}`;
		const time = c.start ? moment(c.start).format("HH:mm") : "";
		const due = c.on_site_by
			? __("on site by {0}", [frappe.datetime.str_to_user(c.on_site_by)])
			: c.due_to
			  ? __("due {0} to {1}", [
						frappe.datetime.str_to_user(c.due_from),
						frappe.datetime.str_to_user(c.due_to),
			    ])
			  : "";
		const esc = frappe.utils.escape_html;
		return `<div class="gd-card ${status} ${risk} ${c.proposed ? "gd-proposed" : ""} ${
			c.emergency ? "gd-emergency" : ""
		}" draggable="${this.proposal ? "false" : "true"}" data-task="${esc(c.task)}"
			title="${esc(c.task)} · ${esc(c.model || "")} · ${esc(due)} ${c.clock ? esc(__(c.clock)) : ""}">
			<div class="gd-card-top"><span class="gd-time">${time}</span>
				<a href="/app/genset-service-task/${encodeURIComponent(c.task)}" class="gd-service">${esc(
					__(c.service_type),
				)}</a></div>
			<div class="gd-unit">${esc(c.serial_no || c.unit || "")}${c.site ? " · " + esc(c.site) : ""}</div>
			<div class="gd-customer">${esc(c.customer || "")}</div>
			<div class="gd-due text-muted">${esc(due)}${c.risk ? " · " + esc(__(c.risk)) : ""}</div>
		</div>`;
	}

	side_list(data, proposal) {
		const $side = $('<div class="gd-side"></div>');
		if (proposal && proposal.unassigned.length) {
			$side.append(`<h6>${__("Not placed by the proposal")} (${proposal.unassigned.length})</h6>`);
			for (const miss of proposal.unassigned) {
				$side.append(
					`<div class="gd-miss"><a href="/app/genset-service-task/${encodeURIComponent(
						miss.task,
					)}">${frappe.utils.escape_html(miss.task)}</a> ${frappe.utils.escape_html(
						__(miss.service_type || ""),
					)}<div class="text-muted small">${frappe.utils.escape_html(
						miss.reason || "",
					)}</div></div>`,
				);
			}
		}
		const total = data.unscheduled_total;
		$side.append(`<h6>${__("Unscheduled work")} (${total})</h6>`);
		const $list = $('<div class="gd-unscheduled gd-cell" data-unschedule="1"></div>').appendTo($side);
		$list.append(
			data.unscheduled.map((c) => this.card(c)).join("") ||
				`<div class="text-muted small">${__("Nothing waiting.")}</div>`,
		);
		if (total > this.page_length) {
			const $pager = $('<div class="gd-pager"></div>').appendTo($side);
			const last = this.start + data.unscheduled.length;
			$pager.append(`<span class="text-muted small">${this.start + 1}-${last} / ${total}</span>`);
			if (this.start > 0) {
				$(`<button class="btn btn-xs btn-default">${__("Previous")}</button>`)
					.appendTo($pager)
					.on("click", () => {
						this.start = Math.max(0, this.start - this.page_length);
						this.refresh();
					});
			}
			if (last < total) {
				$(`<button class="btn btn-xs btn-default">${__("Next")}</button>`)
					.appendTo($pager)
					.on("click", () => {
						this.start += this.page_length;
						this.refresh();
					});
			}
		}
		return $side;
	}

	// ------------------------------------------------------------------ moves
	bind_drag() {
		if (this.proposal) return; // a proposal is reviewed, not edited
		this.$body.find(".gd-card").on("dragstart", (event) => {
			event.originalEvent.dataTransfer.setData("text/plain", $(event.currentTarget).attr("data-task"));
		});
		this.$body
			.find(".gd-cell")
			.on("dragover", (event) => {
				event.preventDefault();
				$(event.currentTarget).addClass("gd-drop");
			})
			.on("dragleave", (event) => $(event.currentTarget).removeClass("gd-drop"))
			.on("drop", (event) => {
				event.preventDefault();
				const $cell = $(event.currentTarget).removeClass("gd-drop");
				const task = event.originalEvent.dataTransfer.getData("text/plain");
				if (!task) return;
				if ($cell.attr("data-unschedule")) {
					this.move({ task });
					return;
				}
				let start_time;
				if ($cell.hasClass("gd-timeline")) {
					const box = $cell[0].getBoundingClientRect();
					const minutes =
						Math.round((((event.clientX - box.left) / box.width) * 15 * 60) / 15) * 15;
					start_time = moment("06:00", "HH:mm").add(minutes, "minutes").format("HH:mm");
				}
				this.move({
					task,
					engineer: $cell.attr("data-engineer"),
					day: $cell.attr("data-day"),
					start_time,
				});
			});
	}

	move(args, confirm) {
		frappe.call({ method: API + "move_visit", args: { ...args, confirm: confirm ? 1 : 0 } }).then((r) => {
			const answer = r.message;
			if (answer.confirm) {
				frappe.confirm(
					answer.confirm.map(frappe.utils.escape_html).join("<br>") +
						"<br><br>" +
						__("Move it anyway?"),
					() => this.move(args, true),
				);
				return;
			}
			frappe.show_alert({ message: __("{0} moved", [args.task]), indicator: "green" });
			this.refresh();
		});
	}

	// ------------------------------------------------------------------ optimise, apply, discard
	optimise() {
		const values = this.values();
		const dialog = new frappe.ui.Dialog({
			title: __("Optimise the days"),
			fields: [
				{
					fieldname: "from_date",
					label: __("From Date"),
					fieldtype: "Date",
					reqd: 1,
					default: values.from_date,
				},
				{
					fieldname: "to_date",
					label: __("To Date"),
					fieldtype: "Date",
					reqd: 1,
					default: values.to_date,
				},
				{
					fieldname: "territory",
					label: __("Territory"),
					fieldtype: "Link",
					options: "Territory",
					default: values.territory,
				},
				{
					fieldname: "engineers",
					label: __("Engineers"),
					fieldtype: "MultiSelectList",
					description: __("Empty: every enabled engineer (of the territory)."),
					get_data: (text) => frappe.db.get_link_options("Genset Engineer", text, { enabled: 1 }),
				},
				{
					fieldtype: "HTML",
					options: `<p class="text-muted small">${__(
						"The optimiser places the open on-site work of these days: emergencies first, each visit in its due window, requests before their on-site deadline, only with engineers who have the skill, within working hours, with the least travel. Nothing changes until you apply the proposal.",
					)}</p>`,
				},
			],
			primary_action_label: __("Optimise"),
			primary_action: (v) => {
				dialog.hide();
				frappe
					.call({
						method: API + "propose_dispatch",
						args: {
							from_date: v.from_date,
							to_date: v.to_date,
							territory: v.territory || undefined,
							engineers:
								v.engineers && v.engineers.length ? JSON.stringify(v.engineers) : undefined,
						},
						freeze: true,
						freeze_message: __("Optimising..."),
					})
					.then((r) => {
						const p = r.message;
						this.proposal = p.name;
						if (p.status === "Queued") {
							frappe.show_progress(
								__("Optimising"),
								0,
								100,
								__("Optimising in the background"),
							);
						}
						this.filters.from_date.set_value(v.from_date);
						this.filters.to_date.set_value(v.to_date);
						frappe.set_route("genset-dispatch", p.name);
						this.refresh();
					});
			},
		});
		dialog.show();
	}

	apply() {
		frappe.confirm(__("Write this plan: dates, engineers, order and their to-dos?"), () =>
			frappe
				.call({ method: API + "apply_dispatch", args: { proposal: this.proposal }, freeze: true })
				.then((r) => {
					frappe.show_alert({
						message: __("{0} visits dispatched", [r.message.applied]),
						indicator: "green",
					});
					this.proposal = null;
					frappe.set_route("genset-dispatch");
					this.refresh();
				}),
		);
	}

	discard() {
		frappe.call({ method: API + "discard_dispatch", args: { proposal: this.proposal } }).then(() => {
			frappe.show_alert({ message: __("Proposal discarded; nothing changed"), indicator: "orange" });
			this.proposal = null;
			frappe.set_route("genset-dispatch");
			this.refresh();
		});
	}
}
