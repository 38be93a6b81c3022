// What a genset reported, drawn the same way on its desk form and on the customer's portal page:
// its devices, the last reading of each metric, hours run a day, open alarms, recent events and
// charts over a chosen span (frappe-charts). The data comes from
// genset_service.api.telemetry_v1.get_unit_telemetry, labels already in the user's date format.
(function () {
	const METHOD = "/api/method/genset_service.api.telemetry_v1.get_unit_telemetry";
	const SPANS = [
		[1, "24 h"],
		[7, "7 d"],
		[30, "30 d"],
		[365, "1 y"],
	];
	const COLOURS = {
		hours: ["#5e64ff"],
		load: ["#29cd42", "#ffa00a"],
		fuel: ["#ff5858", "#7cd6fd"],
		battery: ["#743ee2", "#b554ff"],
	};
	const esc = (text) =>
		String(text == null ? "" : text).replace(
			/[&<>"']/g,
			(c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
		);

	function chart_class() {
		if (window.frappe && window.frappe.Chart) return window.frappe.Chart;
		const umd = window["frappe-charts"];
		return umd && (umd.Chart || umd.default);
	}

	function fetch_data(unit, days) {
		const url = `${METHOD}?unit=${encodeURIComponent(unit)}&days=${days}`;
		return fetch(url, {
			headers: {
				Accept: "application/json",
				"X-Frappe-CSRF-Token": (window.frappe && frappe.csrf_token) || "",
			},
			credentials: "same-origin",
		})
			.then((r) => r.json().then((body) => ({ ok: r.ok, body })))
			.then(({ ok, body }) => {
				if (!ok) throw new Error(__("The genset's reports could not be loaded."));
				return body.message;
			});
	}

	const STYLE = `
		.gs-telemetry .gs-tm-grid { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
		.gs-telemetry .gs-tm-value { border: 1px solid var(--border-color, #d1d8dd); border-radius: 6px; padding: 6px 10px; min-width: 120px; flex: 1 1 120px; }
		.gs-telemetry .gs-tm-label { font-size: 11px; color: var(--text-muted, #6c7680); text-transform: uppercase; }
		.gs-telemetry .gs-tm-number { font-size: 18px; font-weight: 600; }
		.gs-telemetry .gs-tm-time { font-size: 11px; color: var(--text-muted, #6c7680); }
		.gs-telemetry .gs-tm-device { display: inline-block; margin-right: 8px; }
		.gs-telemetry .gs-tm-online::before { content: "\u25CF "; color: #29cd42; }
		.gs-telemetry .gs-tm-silent::before { content: "\u25CF "; color: #ff5858; }
		.gs-telemetry .gs-tm-never-heard::before, .gs-telemetry .gs-tm-disabled::before { content: "\u25CF "; color: #b8c2cc; }
		.gs-telemetry .gs-tm-alarms { padding-left: 18px; color: #e24c4c; }
		.gs-telemetry .gs-tm-spans { margin: 8px 0; }
		.gs-telemetry .gs-tm-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
		.gs-telemetry .gs-tm-chart { min-width: 0; }
	`;

	function style() {
		if (document.getElementById("gs-telemetry-style")) return;
		const tag = document.createElement("style");
		tag.id = "gs-telemetry-style";
		tag.textContent = STYLE;
		document.head.appendChild(tag);
	}

	function render(container, data, options) {
		style();
		const desk = options.desk;
		const link = (doctype, name) =>
			desk
				? `<a href="/app/${doctype.toLowerCase().replace(/ /g, "-")}/${encodeURIComponent(
						name,
				  )}">${esc(name)}</a>`
				: esc(name);
		if (!data.devices.length) {
			container.innerHTML = `<p class="text-muted small gs-telemetry-none">${esc(
				__("No device reports for this genset."),
			)}</p>`;
			return;
		}
		const devices = data.devices
			.map(
				(d) =>
					`<span class="gs-tm-device gs-tm-${esc(
						d.status.replace(/ /g, "-").toLowerCase(),
					)}">${link("Genset Device", d.name)}: ${esc(__(d.status))}${
						d.last_seen_label ? " &middot; " + esc(d.last_seen_label) : ""
					}</span>`,
			)
			.join(" ");
		const last = data.last.length
			? data.last
					.map(
						(r) =>
							`<div class="gs-tm-value"><div class="gs-tm-label">${esc(
								r.label,
							)}</div><div class="gs-tm-number">${esc(r.value_label)} <small>${esc(
								r.unit,
							)}</small></div><div class="gs-tm-time">${esc(r.time_label)}</div></div>`,
					)
					.join("")
			: `<p class="text-muted small">${esc(__("No reading in the last 31 days."))}</p>`;
		const alarms = data.open_alarms.length
			? `<ul class="gs-tm-alarms">${data.open_alarms
					.map(
						(a) =>
							`<li><b>${esc(a.label)}</b> ${esc(__("since"))} ${esc(
								a.since_label,
							)} &middot; ${esc(__(a.service_type))} ${link(
								"Genset Service Request",
								a.request,
							)}</li>`,
					)
					.join("")}</ul>`
			: `<p class="text-muted small">${esc(__("No open alarm."))}</p>`;
		const spans = SPANS.map(
			([days, label]) =>
				`<button type="button" class="btn btn-xs ${
					days === data.days ? "btn-primary" : "btn-default"
				}" data-days="${days}">${esc(label)}</button>`,
		).join(" ");
		const hours = data.hours_per_day == null ? "-" : `${esc(data.hours_per_day_label)} h`;
		container.innerHTML = `
			<div class="gs-telemetry">
				<div class="gs-tm-devices small">${devices}</div>
				<div class="gs-tm-grid">${last}<div class="gs-tm-value"><div class="gs-tm-label">${esc(
					__("Hours run a day"),
				)}</div><div class="gs-tm-number">${hours}</div><div class="gs-tm-time">${esc(
					__("last 30 days"),
				)}</div></div></div>
				<h6>${esc(__("Open alarms"))}</h6>${alarms}
				<div class="gs-tm-spans">${spans}</div>
				<div class="gs-tm-charts">${
					data.charts
						.map(
							(c) =>
								`<div class="gs-tm-chart" data-key="${esc(
									c.key,
								)}"><div class="gs-tm-label">${esc(c.title)} (${esc(
									c.unit,
								)})</div><div class="gs-tm-draw"></div></div>`,
						)
						.join("") ||
					`<p class="text-muted small">${esc(__("No rolled-up readings in this span yet."))}</p>`
				}</div>
			</div>`;
		const Chart = chart_class();
		data.charts.forEach((c) => {
			const target = container.querySelector(`.gs-tm-chart[data-key="${c.key}"] .gs-tm-draw`);
			const keep = c.labels.map((_l, i) => c.datasets.some((d) => d.values[i] != null));
			const labels = c.labels.filter((_l, i) => keep[i]);
			if (!Chart || !labels.length) {
				target.innerHTML = `<p class="text-muted small">${esc(__("No data"))}</p>`;
				return;
			}
			new Chart(target, {
				type: c.key === "hours" ? "bar" : "line",
				height: 180,
				colors: COLOURS[c.key],
				data: {
					labels,
					datasets: c.datasets.map((d) => ({
						name: d.name,
						values: d.values.filter((_v, i) => keep[i]).map((v) => (v == null ? 0 : v)),
					})),
				},
				axisOptions: { xIsSeries: true, xAxisMode: "tick" },
				lineOptions: { hideDots: 1, regionFill: 0 },
			});
		});
		container
			.querySelectorAll(".gs-tm-spans button")
			.forEach((button) =>
				button.addEventListener("click", () =>
					load(container, data.unit, Number(button.dataset.days), options),
				),
			);
	}

	function load(container, unit, days, options) {
		return fetch_data(unit, days)
			.then((data) => render(container, data, options || {}))
			.catch((error) => {
				container.innerHTML = `<p class="text-danger small">${esc(error.message)}</p>`;
			});
	}

	window.genset_telemetry = { load, render };
})();
