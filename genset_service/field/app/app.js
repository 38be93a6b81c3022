// Genset Field: the engineer's phone app. Plain JavaScript, no framework: the week's work is kept in
// IndexedDB, each finished act waits in a durable outbox and is sent in order, once, when the
// network is back.
(() => {
	"use strict";
	const API = "/api/method/genset_service.api.v1.";
	const $view = document.getElementById("view");
	const $outbox = document.getElementById("outbox");
	const $banner = document.getElementById("banner");
	const state = { work: null, session: null, sending: false, sent: [] };
	const KINDS = {
		check_in: "Arrival",
		running_hours: "Running hours",
		inspection: "Inspection",
		service_report: "Service report",
		return_visit: "Return visit",
		training: "Training",
	};
	const kindLabel = (kind) => KINDS[kind] || kind;
	const esc = (text) =>
		String(text == null ? "" : text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

	// ------------------------------------------------------------------ storage (IndexedDB)
	let database;
	function db() {
		if (database) return database;
		database = new Promise((resolve, reject) => {
			const open = indexedDB.open("genset-field", 1);
			open.onupgradeneeded = () => {
				open.result.createObjectStore("kv");
				open.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
			};
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		return database;
	}
	async function store(name, mode, work) {
		const handle = await db();
		return new Promise((resolve, reject) => {
			const tx = handle.transaction(name, mode);
			const result = work(tx.objectStore(name));
			tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
			tx.onerror = () => reject(tx.error);
		});
	}
	const kvGet = (key) => store("kv", "readonly", (s) => s.get(key));
	const kvSet = (key, value) => store("kv", "readwrite", (s) => s.put(value, key));
	const outboxAll = () => store("outbox", "readonly", (s) => s.getAll());
	const outboxAdd = (item) => store("outbox", "readwrite", (s) => s.add(item));
	const outboxPut = (item) => store("outbox", "readwrite", (s) => s.put(item));
	const outboxDelete = (seq) => store("outbox", "readwrite", (s) => s.delete(seq));

	// ------------------------------------------------------------------ the server
	async function call(method, { get = false, body = null } = {}) {
		const headers = { Accept: "application/json" };
		const options = { method: get ? "GET" : "POST", headers, credentials: "same-origin" };
		if (!get) {
			headers["Content-Type"] = "application/x-www-form-urlencoded";
			headers["X-Frappe-CSRF-Token"] = (state.session && state.session.csrf_token) || "";
			options.body = new URLSearchParams(body || {}).toString();
		}
		const answer = await fetch(API + method, options);
		let data = {};
		try {
			data = await answer.json();
		} catch (e) {
			data = {};
		}
		if (!answer.ok) {
			const error = new Error(serverMessage(data) || answer.statusText);
			error.status = answer.status;
			error.type = data.exc_type;
			throw error;
		}
		return data.message;
	}
	function serverMessage(data) {
		try {
			const messages = JSON.parse(data._server_messages || "[]").map((m) => JSON.parse(m).message);
			return messages.join(" ").replace(/<[^>]+>/g, "") || data.exception || "";
		} catch (e) {
			return data.exception || "";
		}
	}

	// ------------------------------------------------------------------ start
	async function start() {
		if ("serviceWorker" in navigator) {
			navigator.serviceWorker.register("/field/sw.js", { scope: "/field" }).catch(() => {});
			navigator.serviceWorker.addEventListener("message", (event) => event.data === "sync" && send());
		}
		state.work = await kvGet("work");
		state.session = await kvGet("session");
		state.sent = (await kvGet("sent")) || [];
		await refresh();
		route();
		if (navigator.onLine) await load();
		send();
	}

	async function load() {
		try {
			const session = await call("field_session", { get: true });
			if (session.user === "Guest") return needLogin();
			state.session = session;
			await kvSet("session", session);
			const work = await call("field_work", { get: true });
			work.loaded_at = new Date().toISOString();
			state.work = work;
			await kvSet("work", work);
			$banner.hidden = true;
			route();
		} catch (error) {
			if (error.status === 401 || error.status === 403) return needLogin();
			showBanner(
				state.work
					? "Offline: showing the work kept on this phone."
					: "Offline, and nothing kept yet.",
			);
		}
	}

	function needLogin() {
		showBanner(
			`Your session has ended. <a href="/login?redirect-to=/field">Log in again</a>: what is waiting stays on this phone.`,
			true,
		);
	}
	function showBanner(html, raw) {
		$banner.innerHTML = raw ? html : esc(html);
		$banner.hidden = false;
	}

	// ------------------------------------------------------------------ the outbox
	async function refresh() {
		const items = await outboxAll();
		const waiting = items.length;
		const failed = items.filter((item) => item.error).length;
		$outbox.textContent = `${waiting} waiting` + (failed ? ` (${failed} refused)` : "");
		$outbox.classList.toggle("busy", waiting > 0);
		return items;
	}

	const newId = () =>
		crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

	async function queue(kind, payload) {
		await outboxAdd({
			id: newId(),
			kind,
			at: localTime(new Date()),
			payload,
			error: null,
			queued: new Date().toISOString(),
		});
		await refresh();
		if ("serviceWorker" in navigator && "SyncManager" in window) {
			navigator.serviceWorker.ready.then((sw) => sw.sync.register("genset-outbox")).catch(() => {});
		}
		send();
	}

	async function send() {
		if (state.sending || !navigator.onLine) return;
		state.sending = true;
		try {
			if (!state.session) {
				const session = await call("field_session", { get: true });
				if (session.user === "Guest") return needLogin();
				state.session = session;
				await kvSet("session", session);
			}
			for (const item of await outboxAll()) {
				try {
					const answer = await post(item);
					await outboxDelete(item.seq);
					if (answer.status !== "Done") {
						state.sent.unshift({ ...answer, kind: item.kind, task: item.payload.task });
						await kvSet("sent", state.sent.slice(0, 50));
					}
				} catch (error) {
					if (error.status === 401 || error.status === 403 || error.type === "CSRFTokenError") {
						state.session = null;
						needLogin();
						break;
					}
					if (!error.status) break; // no network: try again later
					item.error = error.message; // refused: kept, with its error
					await outboxPut(item);
				}
			}
		} catch (error) {
			// offline
		} finally {
			state.sending = false;
			await refresh();
			if (navigator.onLine && state.session) await load();
			else route();
		}
	}

	// one queued action to the server; a stale CSRF token (the session was renewed) is replaced once by
	// the session's current one, and a session that has ended asks the engineer to log in again
	async function post(item) {
		const body = {
			// sent_at: the phone's clock now, at sending; the server corrects the act's time by how far
			// this is from its own clock (a phone whose clock is off still files its visits at the right time)
			action: JSON.stringify({
				id: item.id,
				kind: item.kind,
				at: item.at,
				sent_at: localTime(new Date()),
				payload: item.payload,
			}),
		};
		try {
			return await call("field_send", { body });
		} catch (error) {
			if (error.type !== "CSRFTokenError") throw error;
			const session = await call("field_session", { get: true });
			if (session.user === "Guest") throw error;
			state.session = session;
			await kvSet("session", session);
			return call("field_send", { body });
		}
	}

	// a refused visit sent again, to be kept as a draft in the desk with the refusal, which the office
	// corrects: the engineer's work is not lost (a new id: the refused one recorded nothing)
	async function keepAsDraft(seq) {
		const item = (await outboxAll()).find((row) => row.seq === seq);
		if (!item) return;
		const { seq: _refused, ...rest } = item;
		await outboxDelete(seq);
		await outboxAdd({
			...rest,
			id: newId(),
			error: null,
			payload: { ...item.payload, keep_as_draft: 1, refusal: item.error },
		});
		await refresh();
		send();
	}

	async function discard(seq) {
		if (!confirm("Discard this refused visit from the phone? It was not received.")) return;
		await outboxDelete(seq);
		await refresh();
		route();
	}

	// ------------------------------------------------------------------ screens
	function route() {
		const [, screen, name] = (location.hash || "#/").split("/");
		if (!state.work) {
			$view.innerHTML = `<p class="muted">Connect once to load your work.</p>`;
			return;
		}
		if (screen === "task") return showTask(decodeURIComponent(name));
		if (screen === "visit") return showVisit(decodeURIComponent(name));
		return showList();
	}

	async function showList() {
		const items = await outboxAll();
		const finished = new Set(items.map((item) => item.payload.task).filter(Boolean));
		const groups = { overdue: [], today: [], "this week": [] };
		for (const task of state.work.tasks) {
			if (!finished.has(task.name)) (groups[task.when] || groups["this week"]).push(task);
		}
		const notices = state.sent
			.map(
				(s) => `<li class="notice">${esc(s.status)}: ${esc(kindLabel(s.kind))} ${esc(s.task || "")}
				${s.name ? `(${esc(s.name)})` : ""}: ${esc(s.message || "")}</li>`,
			)
			.join("");
		const refused = items
			.filter((item) => item.error)
			.map(
				(item) =>
					`<li class="notice bad">${esc(kindLabel(item.kind))} ${esc(
						item.payload.task || "",
					)}: ${esc(item.error)} ${
						FORMS[item.kind]
							? `<button type="button" class="link keep" data-seq="${item.seq}">Keep as a draft in the desk</button>`
							: ""
					} <button type="button" class="link discard" data-seq="${
						item.seq
					}">Discard</button></li>`,
			)
			.join("");
		$view.innerHTML = `
			${refused || notices ? `<ul class="notices">${refused}${notices}</ul>` : ""}
			${Object.entries(groups)
				.map(
					([label, tasks]) => `<section><h2>${esc(cap(label))} <span class="muted">${
						tasks.length
					}</span></h2>
					${tasks.map(card).join("") || `<p class="muted">Nothing.</p>`}</section>`,
				)
				.join("")}
			<p class="muted small">Loaded ${esc(new Date(state.work.loaded_at).toLocaleString())}. ${
				finished.size
			} finished on this phone.</p>`;
		$view.querySelectorAll("button.discard").forEach((button) => {
			button.onclick = () => discard(Number(button.dataset.seq));
		});
		$view.querySelectorAll("button.keep").forEach((button) => {
			button.onclick = () => keepAsDraft(Number(button.dataset.seq));
		});
	}

	function card(task) {
		const unit = state.work.units[task.unit] || {};
		const deadline = task.request && task.request.on_site_by;
		return `<a class="card ${task.when === "overdue" ? "late" : ""}" href="#/task/${encodeURIComponent(
			task.name,
		)}" data-task="${esc(task.name)}">
			<b>${esc(task.service_type)}</b> ${
				task.scheduled_start ? `<span class="muted">${esc(when(task.scheduled_start))}</span>` : ""
			}
			<div>${esc(unit.serial_no || task.unit)} · ${esc(unit.item_name || "")}</div>
			<div>${esc(task.customer_name || task.customer || "")}</div>
			<div class="muted">${
				deadline
					? `On site by ${esc(when(deadline))}`
					: `Due ${esc(day(task.due_from))} to ${esc(day(task.due_to))}`
			}</div>
		</a>`;
	}

	function showTask(name) {
		const task = state.work.tasks.find((t) => t.name === name);
		if (!task) return showList();
		const unit = state.work.units[task.unit] || {};
		const maps = unit.pin
			? `https://www.google.com/maps/search/?api=1&query=${unit.pin[0]},${unit.pin[1]}`
			: `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(unit.address || "")}`;
		$view.innerHTML = `
			<a href="#/" class="back">‹ My work</a>
			<h2>${esc(task.service_type)} <span class="muted">${esc(task.name)}</span></h2>
			<dl>
				<dt>Customer</dt><dd>${esc(task.customer_name || task.customer)}</dd>
				<dt>Site</dt><dd><a href="${maps}" target="_blank" rel="noopener">${esc(
					unit.address || "Open the map",
				)}</a></dd>
				<dt>Contact</dt><dd>${esc(unit.contact || "")} ${
					unit.phone ? `<a href="tel:${esc(unit.phone)}">${esc(unit.phone)}</a>` : ""
				}</dd>
				${
					task.request
						? `<dt>On site by</dt><dd>${esc(when(task.request.on_site_by))} (${esc(
								task.request.on_site_state || "",
						  )})</dd>`
						: ""
				}
				<dt>Genset</dt><dd>${esc(unit.item_name)} · ${esc(unit.serial_no)} · ${esc(unit.kva || "")} kVA</dd>
				<dt>Warranty</dt><dd>${esc(unit.warranty_status)} ${
					unit.warranty_end_date ? `to ${esc(day(unit.warranty_end_date))}` : ""
				}</dd>
				<dt>Running hours</dt><dd>${esc(unit.running_hours || 0)} h ${
					unit.running_hours_date ? `(${esc(day(unit.running_hours_date))})` : ""
				}</dd>
			</dl>
			<h3>History</h3>
			<ul class="history">
				${(unit.inspections || [])
					.map(
						(i) =>
							`<li>${esc(day(i.inspection_date))} ${esc(i.inspection_kind)}: ${esc(
								i.result,
							)}</li>`,
					)
					.join("")}
				${(unit.reports || []).map((r) => `<li>${esc(day(r.end_time))} ${esc(r.service_type)}</li>`).join("")}
				${
					(unit.open_requests || [])
						.map((r) => `<li>Open: ${esc(r.service_type)} (${esc(r.status)})</li>`)
						.join("") || ""
				}
			</ul>
			<div class="actions">
				${task.request ? `<button type="button" id="arrive" class="secondary">I have arrived</button>` : ""}
				<a class="button" href="#/visit/${encodeURIComponent(task.name)}">Do the visit</a>
			</div>`;
		const arrive = document.getElementById("arrive");
		if (arrive) {
			arrive.onclick = async () => {
				arrive.disabled = true;
				arrive.textContent = "Arrival recorded";
				await queue("check_in", { request: task.reference_name });
			};
		}
	}

	// the form of each kind of visit: its fields, and the content it queues (rules as data)
	const FORMS = {
		inspection: {
			title: (ctx) => ctx.template.name,
			signed: true,
			body: (ctx) => `${checklist(ctx.template)}
				<label>Result <select name="result"><option>Accepted</option><option>Accepted with Remarks</option><option>Rejected</option></select></label>
				<label>Remarks <textarea name="remarks"></textarea></label>`,
			collect: (ctx, data, form, fail) => {
				const values = form.querySelectorAll('.reading [name="value"]');
				const readings = ctx.template.items.map((item, n) => ({
					checkpoint: item.checkpoint,
					value: values[n].value,
					...(ctx.photos[n] ? { photo: ctx.photos[n] } : {}),
				}));
				const missing = ctx.template.items.filter((item, n) => item.mandatory && !readings[n].value);
				if (missing.length) return fail(`Read: ${missing.map((m) => m.checkpoint).join(", ")}.`);
				let result = data.get("result");
				if (form.querySelectorAll(".verdict.fail").length && result === "Accepted")
					result = "Accepted with Remarks";
				if (result !== "Accepted" && !data.get("remarks"))
					return fail(
						"Remarks are required when a checkpoint fails or the result is not Accepted.",
					);
				return { template: ctx.template.name, readings, result, remarks: data.get("remarks") };
			},
		},
		service_report: {
			title: () => "Service report",
			signed: true,
			body: (ctx) => `<label>Work done * <textarea name="work_done" required></textarea></label>
				<fieldset><legend>Parts from the van</legend>
					<div id="parts"></div>
					<input list="van-parts" id="part" placeholder="Search a part"><datalist id="van-parts">${vanParts()}</datalist>
					<input id="part-qty" type="number" min="1" value="1" inputmode="numeric">
					<button type="button" id="add-part" class="secondary">Add</button>
				</fieldset>`,
			collect: (ctx, data) => ({
				unit: ctx.task.unit,
				service_type: ctx.task.service_type,
				request: ctx.task.request ? ctx.task.request.name : null,
				start: localTime(ctx.started),
				work_done: data.get("work_done"),
				parts: ctx.rows,
			}),
		},
		return_visit: {
			title: () => "Return visit",
			signed: false,
			body: () => `<label>How the genset is used * <textarea name="usage" required></textarea></label>
				<label>The customer's feedback * <textarea name="feedback" required></textarea></label>
				<label class="inline"><input type="checkbox" name="issues_found"> Issues found</label>`,
			collect: (ctx, data) => ({
				usage: data.get("usage"),
				feedback: data.get("feedback"),
				issues_found: data.get("issues_found") ? 1 : 0,
			}),
		},
		training: {
			title: () => "Operation training",
			signed: true,
			body: () => `<label>Topics covered * <textarea name="topics" required></textarea></label>
				<fieldset><legend>Attendees *</legend>
					<div id="attendees"></div>
					<input id="attendee" placeholder="Name"><input id="designation" placeholder="Role">
					<button type="button" id="add-attendee" class="secondary">Add</button>
				</fieldset>`,
			collect: (ctx, data, form, fail) =>
				ctx.rows.length
					? { topics: data.get("topics"), attendees: ctx.rows }
					: fail("List who attended the training."),
		},
	};

	function checklist(template) {
		return template.items
			.map(
				(item, n) => `<div class="reading" data-n="${n}">
				<label>${esc(item.checkpoint)} ${item.mandatory ? "*" : ""}
					${item.reading_type === "Numeric" ? `<span class="muted">${limits(item)}</span>` : ""}</label>
				${
					item.reading_type === "Pass/Fail"
						? `<select name="value"><option></option><option>Pass</option><option>Fail</option></select>`
						: `<input name="value" ${
								item.reading_type === "Numeric" ? 'inputmode="decimal"' : ""
						  }>`
				}
				<span class="verdict"></span>
				<label class="photo">Photo<input type="file" accept="image/*" capture="environment" name="photo"></label>
				<img class="thumb" hidden alt="">
			</div>`,
			)
			.join("");
	}

	function vanParts() {
		return (state.work.parts || [])
			.map(
				(p) =>
					`<option value="${esc(p.item_code)}">${esc(p.item_code)} (${esc(
						p.actual_qty,
					)} in the van)</option>`,
			)
			.join("");
	}

	// a list the engineer adds rows to (parts, attendees): rows kept in ctx.rows
	function rowAdder(ctx, button, read, show, list) {
		const add = document.getElementById(button);
		if (!add) return;
		add.onclick = () => {
			const row = read();
			if (!row) return;
			ctx.rows.push(row);
			document.getElementById(list).innerHTML = ctx.rows
				.map((r) => `<div class="part">${show(r)}</div>`)
				.join("");
		};
	}

	function showVisit(name) {
		const task = state.work.tasks.find((t) => t.name === name);
		if (!task) return showList();
		const kind = state.work.inspection_kind_of[task.service_type];
		const template = kind && state.work.templates.find((t) => t.inspection_kind === kind);
		const wanted = (state.work.form_of || {})[task.service_type] || (kind ? "inspection" : null);
		// a checklist needs its template; an unknown form is a service report
		const formName = FORMS[wanted] && (wanted !== "inspection" || template) ? wanted : "service_report";
		const shape = FORMS[formName];
		const unit = state.work.units[task.unit] || {};
		const ctx = { task, template, photos: {}, rows: [], started: new Date() };
		$view.innerHTML = `
			<a href="#/task/${encodeURIComponent(name)}" class="back">‹ ${esc(task.service_type)}</a>
			<h2>${esc(shape.title(ctx))}</h2>
			<form id="visit" data-form="${esc(formName)}">
				${shape.body(ctx)}
				<label>Running hours <span class="muted">(last ${esc(unit.running_hours || 0)} h)</span>
					<input name="running_hours" inputmode="decimal"></label>
				${
					shape.signed
						? `<label>Customer's name * <input name="signatory" required></label>
				<label>Customer's signature *</label>
				<canvas id="signature" width="340" height="140"></canvas>
				<button type="button" id="clear" class="link">Clear the signature</button>`
						: ""
				}
				<p id="error" class="bad"></p>
				<button type="submit" class="primary">Finish</button>
			</form>`;
		const form = document.getElementById("visit");
		const pad = shape.signed ? signaturePad(document.getElementById("signature")) : null;
		if (pad) document.getElementById("clear").onclick = () => pad.clear();
		form.querySelectorAll(".reading").forEach((row) => {
			const item = template.items[Number(row.dataset.n)];
			const input = row.querySelector('[name="value"]');
			input.addEventListener("input", () => verdict(row, item, input.value));
			input.addEventListener("change", () => verdict(row, item, input.value));
			row.querySelector('[name="photo"]').addEventListener("change", async (event) => {
				const file = event.target.files[0];
				if (!file) return;
				ctx.photos[row.dataset.n] = await resize(file);
				const thumb = row.querySelector(".thumb");
				thumb.src = ctx.photos[row.dataset.n];
				thumb.hidden = false;
			});
		});
		rowAdder(
			ctx,
			"add-part",
			() => {
				const code = document.getElementById("part").value.trim();
				const qty = Number(document.getElementById("part-qty").value);
				if (!code || !(qty > 0)) return null;
				document.getElementById("part").value = "";
				return { item_code: code, qty };
			},
			(p) => `${esc(p.item_code)} × ${esc(p.qty)}`,
			"parts",
		);
		rowAdder(
			ctx,
			"add-attendee",
			() => {
				const person = document.getElementById("attendee").value.trim();
				if (!person) return null;
				const role = document.getElementById("designation").value.trim();
				document.getElementById("attendee").value = document.getElementById("designation").value = "";
				return { attendee_name: person, designation: role };
			},
			(a) =>
				`${esc(a.attendee_name)} ${
					a.designation ? `<span class="muted">${esc(a.designation)}</span>` : ""
				}`,
			"attendees",
		);
		form.onsubmit = async (event) => {
			event.preventDefault();
			const data = new FormData(form);
			const error = document.getElementById("error");
			let refused = false;
			const fail = (message) => {
				error.textContent = message;
				refused = true;
				return null;
			};
			// caught here, so that a visit is not refused later, with its photos, for a typing slip
			const hours = data.get("running_hours");
			if (hours && !(Number(String(hours).replace(",", ".")) >= 0))
				return fail("Running hours must be a number, 0 or more.");
			if (hours && Number(String(hours).replace(",", ".")) < Number(unit.running_hours || 0))
				return fail(
					`Running hours ${hours} are lower than the last reading (${unit.running_hours} h): hour meters never run backwards.`,
				);
			if (pad && pad.empty()) return fail("The customer's signature is required.");
			const content = shape.collect(ctx, data, form, fail);
			if (refused) return;
			await queue(formName, {
				task: task.name,
				running_hours: hours ? Number(String(hours).replace(",", ".")) : null,
				...(pad ? { signatory: data.get("signatory"), signature: pad.image() } : {}),
				...content,
			});
			location.hash = "#/";
		};
	}

	function verdict(row, item, value) {
		const out = row.querySelector(".verdict");
		out.className = "verdict";
		out.textContent = "";
		if (value === "") return;
		let pass = true;
		if (item.reading_type === "Numeric") {
			const number = Number(String(value).replace(",", "."));
			if (Number.isNaN(number)) {
				out.textContent = "a number";
				out.classList.add("fail");
				return;
			}
			pass = !(
				(item.min_value && number < item.min_value) ||
				(item.max_value && number > item.max_value)
			);
		} else if (item.reading_type === "Pass/Fail") {
			pass = value === "Pass";
		} else return;
		out.textContent = pass ? "pass" : "fail";
		out.classList.add(pass ? "pass" : "fail");
	}

	function signaturePad(canvas) {
		const context = canvas.getContext("2d");
		let drawing = false;
		let drawn = false;
		context.lineWidth = 2;
		context.lineCap = "round";
		const point = (event) => {
			const box = canvas.getBoundingClientRect();
			return [
				((event.clientX - box.left) * canvas.width) / box.width,
				((event.clientY - box.top) * canvas.height) / box.height,
			];
		};
		canvas.addEventListener("pointerdown", (event) => {
			drawing = true;
			context.beginPath();
			context.moveTo(...point(event));
		});
		canvas.addEventListener("pointermove", (event) => {
			if (!drawing) return;
			context.lineTo(...point(event));
			context.stroke();
			drawn = true;
		});
		["pointerup", "pointerleave"].forEach((name) =>
			canvas.addEventListener(name, () => (drawing = false)),
		);
		return {
			empty: () => !drawn,
			clear: () => {
				context.clearRect(0, 0, canvas.width, canvas.height);
				drawn = false;
			},
			image: () => canvas.toDataURL("image/png"),
		};
	}

	// a photo resized on the phone before it is kept: at most 1600 px, JPEG
	function resize(file) {
		return new Promise((resolve, reject) => {
			const image = new Image();
			image.onload = () => {
				const scale = Math.min(1, 1600 / Math.max(image.width, image.height));
				const canvas = document.createElement("canvas");
				canvas.width = Math.round(image.width * scale);
				canvas.height = Math.round(image.height * scale);
				canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
				URL.revokeObjectURL(image.src);
				resolve(canvas.toDataURL("image/jpeg", 0.8));
			};
			image.onerror = () => reject(new Error("not an image"));
			image.src = URL.createObjectURL(file);
		});
	}

	// ------------------------------------------------------------------ small things
	function localTime(date) {
		const offset = -date.getTimezoneOffset();
		const sign = offset >= 0 ? "+" : "-";
		const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
		const local = new Date(date.getTime() + offset * 60000).toISOString().slice(0, 19);
		return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
	}
	const cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);
	const day = (text) =>
		text ? new Date(String(text).slice(0, 10) + "T00:00:00").toLocaleDateString() : "";
	// the server's times are the site's wall clock (no offset): shown as they are, in the phone's
	// format, whatever zone the phone is set to
	const when = (text) => {
		const [date, time = "00:00:00"] = String(text || "").split(/[ T]/);
		const [y, m, d] = date.split("-").map(Number);
		const [h, min] = time.split(":").map(Number);
		if (!y || !m || !d) return "";
		return new Date(Date.UTC(y, m - 1, d, h || 0, min || 0)).toLocaleString(undefined, {
			timeZone: "UTC",
			dateStyle: "medium",
			timeStyle: "short",
		});
	};
	const limits = (item) =>
		item.min_value || item.max_value
			? `${item.min_value || ""}–${item.max_value || ""} ${item.uom || ""}`
			: esc(item.uom || "");

	$outbox.onclick = () => send();
	document.getElementById("logout").onclick = async () => {
		const items = await outboxAll();
		if (items.length && !confirm(`${items.length} waiting will be lost. Log out anyway?`)) return;
		(await db()).close();
		indexedDB.deleteDatabase("genset-field");
		if (window.caches) await Promise.all((await caches.keys()).map((key) => caches.delete(key)));
		try {
			await fetch("/api/method/logout", { credentials: "same-origin" });
		} catch (e) {
			// offline: the data on the phone is wiped all the same
		}
		location.href = "/login";
	};
	window.addEventListener("hashchange", route);
	window.addEventListener("online", send);
	window.fieldApp = { state, outboxAll, send, queue };
	start();
})();
