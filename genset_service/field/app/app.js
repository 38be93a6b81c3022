// Genset Field: the engineer's phone app. Plain JavaScript, no framework: the week's work is kept in
// IndexedDB, each finished act waits in a durable outbox and is sent in order, once, when the
// network is back.
(() => {
	"use strict";
	const API = "/api/method/genset_service.api.v1.";
	const $view = document.getElementById("view");
	const $outbox = document.getElementById("outbox");
	const $banner = document.getElementById("banner");
	const $zone = document.getElementById("zone");
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
	// kv: the week's work and the session; outbox: the queued acts, each with the user who queued it;
	// photos: each photo of a queued visit as a Blob, uploaded on its own before the visit
	let database;
	function db() {
		if (database) return database;
		database = new Promise((resolve, reject) => {
			const open = indexedDB.open("genset-field", 2);
			open.onupgradeneeded = (event) => {
				const handle = open.result;
				if (event.oldVersion < 1) {
					handle.createObjectStore("kv");
					handle.createObjectStore("outbox", {
						keyPath: "seq",
						autoIncrement: true,
					});
				}
				if (event.oldVersion < 2) {
					handle.createObjectStore("photos", { keyPath: "key" }).createIndex("upload", "upload");
					// acts queued before acts had an owner belong to the user signed in on the phone then
					const tx = open.transaction;
					tx.objectStore("kv").get("session").onsuccess = (got) => {
						const user = got.target.result && got.target.result.user;
						tx.objectStore("outbox").openCursor().onsuccess = (step) => {
							const cursor = step.target.result;
							if (!cursor) return;
							if (!cursor.value.user) cursor.update({ ...cursor.value, user });
							cursor.continue();
						};
					};
				}
			};
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		return database;
	}
	// one transaction over one or more stores; a write that the phone cannot keep (storage full, the
	// transaction aborted) rejects with the reason, never hangs
	async function store(names, mode, work) {
		const handle = await db();
		return new Promise((resolve, reject) => {
			let tx;
			let result;
			try {
				tx = handle.transaction(names, mode);
				const stores = [].concat(names).map((name) => tx.objectStore(name));
				result = work(...stores);
			} catch (error) {
				if (tx) tx.abort();
				return reject(storageError(error));
			}
			tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
			tx.onerror = (event) => {
				event.preventDefault();
				reject(storageError(tx.error));
			};
			tx.onabort = () => reject(storageError(tx.error));
		});
	}
	function storageError(error) {
		const full = error && (error.name === "QuotaExceededError" || /quota/i.test(error.message || ""));
		const problem = new Error(
			full
				? "This phone's storage is full: the visit is NOT kept yet. Free some space (photos, other apps), then press Finish again."
				: `The phone could not keep this (${
						(error && error.name) || "storage error"
				  }): press Finish again.`,
		);
		problem.storage = true;
		return problem;
	}
	const kvGet = (key) => store("kv", "readonly", (s) => s.get(key));
	const kvSet = (key, value) => store("kv", "readwrite", (s) => s.put(value, key));
	const outboxAll = () => store("outbox", "readonly", (s) => s.getAll());
	const outboxPut = (item) => store("outbox", "readwrite", (s) => s.put(item));
	const photosOf = (upload) => store("photos", "readonly", (s) => s.index("upload").getAll(upload));
	const photoPut = (photo) => store("photos", "readwrite", (s) => s.put(photo));
	// an act and its photos are kept together or not at all
	const outboxAdd = (item, photos = []) =>
		store(["outbox", "photos"], "readwrite", (outbox, kept) => {
			photos.forEach((photo) => kept.put(photo));
			return outbox.add(item);
		});
	// an act leaves the phone with its photos (unless another act, a draft of it, still needs them)
	const outboxDelete = (seq, upload, keepPhotos = false) =>
		store(["outbox", "photos"], "readwrite", (outbox, kept) => {
			outbox.delete(seq);
			if (upload && !keepPhotos)
				kept.index("upload").getAllKeys(upload).onsuccess = (event) =>
					event.target.result.forEach((key) => kept.delete(key));
		});

	// ------------------------------------------------------------------ the server
	const TIMEOUT_MS = 20000;
	// a photo's upload may take as long as a slow link needs: 30 s, and a second per 25 KB
	const photoTimeout = (bytes) => 30000 + bytes / 25;
	const BACKOFF_S = [5, 15, 30, 60, 120, 300];
	// what each answer means for a queued act (rules as data):
	//   received: the server names the act's id as done, replayed or kept as a draft: it leaves the phone
	//   refused: the server refused this act (403, 404, 417): kept with the server's words; the rest go on
	//   login: the session has ended (401, a Guest, a CSRF token that is no longer the session's)
	//   later: anything else (not the app's JSON, a redirect, a 5xx, no answer): kept, tried again
	const STATUS_KIND = {
		401: "login",
		403: "forbidden",
		404: "refused",
		409: "conflict",
		413: "refused",
		417: "refused",
	};
	const WORDS = {
		not_app: () =>
			"This network answered with a page that is not the app (a Wi-Fi sign-in page?). Open any website in the browser and sign in to the network; your work is kept and is sent when the app answers.",
		redirected: () =>
			"This network sends the app's messages to another page (a Wi-Fi or company sign-in?). Sign in to the network in the browser; your work is kept.",
		server: (error) =>
			`The server is not answering properly (${error.status}). Your work is kept on this phone.`,
		timeout: () => "No answer from the server in time (a weak signal?). Your work is kept on this phone.",
		network: () => "No network. Your work is kept on this phone.",
	};
	function failure(kind, status, detail = {}) {
		const error = new Error(detail.message || kind);
		Object.assign(error, { kind, status, ...detail });
		return error;
	}
	function retryAfter(answer) {
		const value = answer.headers.get("Retry-After");
		if (!value) return null;
		const seconds = Number(value);
		if (!Number.isNaN(seconds)) return Math.max(1, seconds);
		const when = Date.parse(value);
		return Number.isNaN(when) ? null : Math.max(1, Math.round((when - Date.now()) / 1000));
	}
	async function call(
		method,
		{ get = false, body = null, form = null, timeout = state.timeoutMs || TIMEOUT_MS } = {},
	) {
		const headers = { Accept: "application/json" };
		// a redirect is never followed: Frappe's API does not redirect, a captive portal or a proxy does
		const options = {
			method: get ? "GET" : "POST",
			headers,
			credentials: "same-origin",
			redirect: "manual",
		};
		let url = API + method;
		if (get && body) url += "?" + new URLSearchParams(body).toString();
		if (!get) {
			headers["X-Frappe-CSRF-Token"] = (state.session && state.session.csrf_token) || "";
			if (form) options.body = form;
			else {
				headers["Content-Type"] = "application/x-www-form-urlencoded";
				options.body = new URLSearchParams(body || {}).toString();
			}
		}
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), timeout);
		options.signal = controller.signal;
		let answer;
		try {
			answer = await fetch(url, options);
		} catch (error) {
			throw failure(error.name === "AbortError" ? "timeout" : "network", 0);
		} finally {
			clearTimeout(timer);
		}
		if (answer.type === "opaqueredirect" || (answer.status >= 300 && answer.status < 400))
			throw failure("redirected", answer.status);
		let data = null;
		if ((answer.headers.get("Content-Type") || "").includes("application/json")) {
			try {
				data = await answer.json();
			} catch (e) {
				data = null;
			}
		}
		const wait = retryAfter(answer);
		if (answer.status >= 500 || answer.status === 429)
			throw failure("server", answer.status, { retryAfter: wait });
		if (!data || typeof data !== "object") throw failure("not_app", answer.status);
		if (!answer.ok) {
			const kind =
				data.exc_type === "CSRFTokenError" ? "csrf" : STATUS_KIND[answer.status] || "refused";
			throw failure(kind, answer.status, {
				message: serverMessage(data) || answer.statusText || String(answer.status),
				type: data.exc_type,
			});
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
		}
		// ask the browser to keep this phone's data under storage pressure
		if (navigator.storage && navigator.storage.persist) {
			navigator.storage
				.persist()
				.then((kept) => (state.persistent = kept))
				.catch(() => {});
		}
		state.work = await kvGet("work");
		state.session = await kvGet("session");
		showZone();
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
			const changed = state.session && state.session.user !== session.user;
			state.session = session;
			await kvSet("session", session);
			showZone();
			if (changed) {
				// another engineer on this phone: not the first one's work, nor the list of what was sent
				state.work = null;
				state.sent = [];
				await kvSet("sent", []);
				await refresh();
			}
			const work = await call("field_work", { get: true });
			work.loaded_at = new Date().toISOString();
			work.user = session.user;
			state.work = work;
			await kvSet("work", work);
			if (!state.problem) $banner.hidden = true;
			rerender();
		} catch (error) {
			if (error.kind === "login" || error.kind === "forbidden") return needLogin();
			if (error.kind === "not_app" || error.kind === "redirected")
				return showBanner(WORDS[error.kind]());
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
	const me = () => (state.session && state.session.user) || null;
	// an act queued before acts had an owner is the signed-in engineer's
	const isMine = (item) => Boolean(me()) && (item.user === me() || !item.user);
	async function refresh() {
		const items = await outboxAll();
		const mine = items.filter(isMine);
		const failed = mine.filter((item) => item.error).length;
		$outbox.textContent = `${mine.length} waiting` + (failed ? ` (${failed} refused)` : "");
		$outbox.classList.toggle("busy", mine.length > 0);
		state.others = items.length - mine.length;
		return mine;
	}

	const newId = () =>
		crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

	async function sha256(blob) {
		if (!(window.crypto && crypto.subtle)) return "";
		const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
		return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
	}

	// an act kept on the phone, with its photos, before anything is sent; a write the phone cannot keep
	// throws (the form stays open with the reason)
	async function queue(kind, payload, photos = {}, id = newId()) {
		const kept = [];
		for (const [slot, blob] of Object.entries(photos)) {
			kept.push({
				key: `${id}:${slot}`,
				upload: id,
				slot: String(slot),
				blob,
				size: blob.size,
				type: blob.type,
				sha256: await sha256(blob),
				uploaded: false,
			});
		}
		await outboxAdd(
			{
				id,
				upload: kept.length ? id : null,
				kind,
				user: me(),
				at: localTime(new Date()),
				payload,
				error: null,
				attempts: 0,
				queued: new Date().toISOString(),
			},
			kept,
		);
		await refresh();
		send();
	}

	function later(ms) {
		clearTimeout(state.retry);
		state.retry = setTimeout(() => send(), ms);
	}

	// the outbox, in the order it was queued, as the signed-in user; an act leaves only when the server
	// names it as received. `now`: the engineer tapped the counter, so waiting acts are tried at once
	async function send({ now = false } = {}) {
		if (state.sending) {
			state.again = true; // queued while a round was under way: another round after it
			return;
		}
		state.again = false;
		state.sending = true;
		clearTimeout(state.retry);
		let problem = null;
		try {
			const session = await call("field_session", { get: true });
			if (session.user === "Guest") return needLogin(); // the phone keeps whose work it holds
			// another engineer signed in on this phone since: the work shown becomes theirs
			if (!state.session || state.session.user !== session.user) await load();
			state.session = session;
			await kvSet("session", session);
			for (const item of await refresh()) {
				if (item.error) continue; // refused: the engineer decides (keep as a draft, or discard)
				const due = item.next_try ? Date.parse(item.next_try) - Date.now() : 0;
				if (due > 0 && !now) {
					problem = item.problem;
					later(due);
					break; // in order: what was queued after it waits with it
				}
				try {
					await uploadPhotos(item);
					const answer = await post(item);
					if (
						!answer ||
						answer.id !== item.id ||
						!["Done", "Draft", "Refused"].includes(answer.status)
					)
						throw failure("not_app", 200);
					await outboxDelete(item.seq, item.upload);
					if (answer.status !== "Done") {
						state.sent.unshift({
							...answer,
							kind: item.kind,
							task: item.payload.task,
						});
						await kvSet("sent", state.sent.slice(0, 50));
					}
				} catch (error) {
					if (error.storage) throw error;
					let kind = error.kind;
					if (kind === "forbidden") {
						// Frappe answers 403 to a Guest too: ask who the phone is signed in as
						const who = await call("field_session", { get: true }).catch(() => ({}));
						kind = who.user === "Guest" ? "login" : "refused";
					}
					if (kind === "login" || kind === "csrf") {
						needLogin();
						break;
					}
					if (kind === "conflict" && error.type === "PhotoMissing") {
						// the server lacks a photo the phone thought sent: upload them again, then the act
						for (const photo of await photosOf(item.upload))
							await photoPut({ ...photo, uploaded: false });
						kind = "server";
					} else if (kind === "conflict") {
						// queued by another user: never sent as this one
						problem = error.message;
						break;
					}
					if (kind === "refused") {
						await outboxPut({ ...item, error: error.message, next_try: null });
						continue;
					}
					const attempts = (item.attempts || 0) + 1;
					const wait = error.retryAfter || BACKOFF_S[Math.min(attempts, BACKOFF_S.length) - 1];
					problem = `${(WORDS[kind] || WORDS.server)(error)} Trying again in ${wait} s.`;
					await outboxPut({
						...item,
						attempts,
						problem,
						next_try: new Date(Date.now() + wait * 1000).toISOString(),
					});
					later(wait * 1000);
					break;
				}
			}
		} catch (error) {
			if (error.storage) problem = error.message;
			else if (error.kind === "not_app" || error.kind === "redirected") problem = WORDS[error.kind]();
			else if (error.kind && error.kind !== "network" && error.kind !== "timeout")
				problem = (WORDS[error.kind] || WORDS.server)(error);
			// offline: tried again when the network is back
		} finally {
			state.sending = false;
			state.problem = problem;
			if (problem) showBanner(problem);
			await refresh();
			if (!problem && navigator.onLine && state.session) await load();
			else rerender();
			if (state.again) setTimeout(() => send(), 0);
		}
	}

	// a visit's photos, one request each, before the visit itself; those the server already holds (a
	// break in the middle of an upload, a lost answer) are not sent again
	async function uploadPhotos(item) {
		if (!item.upload) return;
		const photos = (await photosOf(item.upload)).sort((a, b) => Number(a.slot) - Number(b.slot));
		const pending = photos.filter((photo) => !photo.uploaded);
		if (!pending.length) return;
		const held = await call("field_photos", {
			get: true,
			body: { upload: item.upload },
		});
		if (!Array.isArray(held)) throw failure("not_app", 200);
		const have = new Set(held.map((row) => `${row.slot}:${row.sha256}`));
		let done = photos.length - pending.length;
		for (const photo of pending) {
			state.progress = `Sending photo ${done + 1} of ${photos.length}`;
			$outbox.textContent = state.progress;
			if (!have.has(`${photo.slot}:${photo.sha256}`)) {
				const form = new FormData();
				form.append("upload", photo.upload);
				form.append("slot", photo.slot);
				form.append("sha256", photo.sha256);
				form.append("photo", photo.blob, `${photo.slot}.jpg`);
				const answer = await postPhoto(form, photo.size);
				if (!answer || answer.upload !== photo.upload || String(answer.slot) !== photo.slot)
					throw failure("not_app", 200);
			}
			await photoPut({ ...photo, uploaded: true });
			done += 1;
		}
		state.progress = null;
	}
	async function postPhoto(form, size) {
		try {
			return await call("field_photo", { form, timeout: photoTimeout(size) });
		} catch (error) {
			if (error.kind !== "csrf") throw error;
			await renewSession(error);
			return call("field_photo", { form, timeout: photoTimeout(size) });
		}
	}
	async function renewSession(error) {
		const session = await call("field_session", { get: true });
		if (session.user === "Guest" || session.user !== me()) throw error;
		state.session = session;
		await kvSet("session", session);
	}

	// one queued action to the server; a stale CSRF token (the session was renewed) is replaced once by
	// the session's current one
	async function post(item) {
		const body = {
			// sent_at: the phone's clock now, at sending; the server corrects the act's time by how far
			// this is from its own clock (a phone whose clock is off still files its visits at the right time)
			action: JSON.stringify({
				id: item.id,
				kind: item.kind,
				user: item.user || me(),
				at: item.at,
				sent_at: localTime(new Date()),
				payload: item.payload,
			}),
		};
		try {
			return await call("field_send", { body });
		} catch (error) {
			if (error.kind !== "csrf") throw error;
			await renewSession(error);
			return call("field_send", { body });
		}
	}

	// a refused visit sent again, to be kept as a draft in the desk with the refusal, which the office
	// corrects: the engineer's work is not lost. Its id is made from the refused one, so that keeping it
	// twice (a timeout after the server kept it) answers as a replay instead of a second draft; its
	// photos are the refused visit's
	async function keepAsDraft(seq) {
		const item = (await outboxAll()).find((row) => row.seq === seq);
		if (!item || !isMine(item)) return;
		const { seq: _refused, ...rest } = item;
		await outboxDelete(seq, item.upload, true);
		await outboxAdd({
			...rest,
			id: `${item.id}-d`.slice(0, 64),
			error: null,
			attempts: 0,
			next_try: null,
			payload: {
				...item.payload,
				keep_as_draft: 1,
				refusal: item.error,
				refused_id: item.id,
			},
		});
		await refresh();
		send({ now: true });
	}

	async function discard(seq) {
		if (!confirm("Discard this refused visit from the phone? It was not received.")) return;
		const item = (await outboxAll()).find((row) => row.seq === seq);
		if (!item || !isMine(item)) return;
		await outboxDelete(seq, item.upload);
		await refresh();
		route();
	}

	// ------------------------------------------------------------------ screens
	// the screen drawn again after a send or a reload of the work, except a visit being filled in: what
	// the engineer is typing is never redrawn away
	function rerender() {
		if (!(location.hash || "").startsWith("#/visit/")) route();
	}

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
		const all = await outboxAll();
		const items = all.filter(isMine);
		const others = all.filter((item) => !isMine(item));
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
		// work another engineer queued on this phone: neither shown nor sent as this one
		const theirs = others.length
			? `<li class="notice" id="others">${others.length} act(s) queued on this phone by ${esc(
					[...new Set(others.map((item) => item.user || "another user"))].join(", "),
			  )} wait for them: they are sent when they sign in again, and are not shown here.</li>`
			: "";
		$view.innerHTML = `
			${refused || notices || theirs ? `<ul class="notices">${theirs}${refused}${notices}</ul>` : ""}
			${Object.entries(groups)
				.map(
					([label, tasks]) => `<section><h2>${esc(cap(label))} <span class="muted">${
						tasks.length
					}</span></h2>
					${tasks.map(card).join("") || `<p class="muted">Nothing.</p>`}</section>`,
				)
				.join("")}
			<p class="muted small">Loaded ${esc(siteTime(new Date(state.work.loaded_at)))}. ${
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
				try {
					await queue("check_in", { request: task.reference_name });
				} catch (problem) {
					arrive.disabled = false; // not kept: the engineer can press it again
					arrive.textContent = "I have arrived";
					showBanner(problem.message);
				}
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
					// the photo goes on its own, before the visit; the visit refers to it
					...(ctx.photos[n] ? { photo: { upload: ctx.id, slot: String(n) } } : {}),
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
				return {
					template: ctx.template.name,
					readings,
					result,
					remarks: data.get("remarks"),
				};
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
		const ctx = {
			id: newId(),
			task,
			template,
			photos: {},
			rows: [],
			started: new Date(),
		};
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
				if (thumb.src) URL.revokeObjectURL(thumb.src);
				thumb.src = URL.createObjectURL(ctx.photos[row.dataset.n]);
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
			try {
				await queue(
					formName,
					{
						task: task.name,
						running_hours: hours ? Number(String(hours).replace(",", ".")) : null,
						...(pad ? { signatory: data.get("signatory"), signature: pad.image() } : {}),
						...content,
					},
					ctx.photos,
					ctx.id,
				);
			} catch (problem) {
				return fail(problem.message); // not kept: the form stays as it is
			}
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

	// a photo as the phone keeps it: at most 3200 px (a nameplate stays readable), JPEG, as a Blob
	const PHOTO_PX = 3200;
	function resize(file) {
		return new Promise((resolve, reject) => {
			const image = new Image();
			image.onload = () => {
				const scale = Math.min(1, PHOTO_PX / Math.max(image.width, image.height));
				const canvas = document.createElement("canvas");
				canvas.width = Math.round(image.width * scale);
				canvas.height = Math.round(image.height * scale);
				canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
				URL.revokeObjectURL(image.src);
				canvas.toBlob(
					(blob) => (blob ? resolve(blob) : reject(new Error("the photo could not be read"))),
					"image/jpeg",
					0.85,
				);
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
	// ------------------------------------------------------------------ dates and times
	// one clock on the phone: the site's. The server's times are the site's wall clock (no offset) and
	// are shown as they are; the phone's own moments (when the work was loaded) are shown in the site's
	// zone too, whatever zone the phone is set to. The zone is named once, in the header; dates are
	// written in the user's date format (Frappe's dd.mm.yyyy, mm/dd/yyyy, yyyy-mm-dd and the like).
	const session = () => state.session || {};
	const two = (n) => String(n).padStart(2, "0");
	const dateText = (y, m, d) =>
		(session().date_format || "yyyy-mm-dd")
			.replace(/yyyy/i, String(y))
			.replace(/mm/i, two(m))
			.replace(/dd/i, two(d));
	// Frappe's time formats are 24-hour (HH:mm:ss, HH:mm): the phone shows hours and minutes
	const clockText = (h, min) => `${two(h)}:${two(min)}`;
	function showZone() {
		const zone = session().time_zone;
		$zone.textContent = zone ? `Times: ${zone}` : "";
		$zone.hidden = !zone;
	}
	function parts(text) {
		const [date = "", time = ""] = String(text || "").split(/[ T]/);
		const [y, m, d] = date.split("-").map(Number);
		const [h, min] = time.split(":").map(Number);
		return y && m && d ? { y, m, d, h: h || 0, min: min || 0 } : null;
	}
	const day = (text) => {
		const p = parts(text);
		return p ? dateText(p.y, p.m, p.d) : "";
	};
	const when = (text) => {
		const p = parts(text);
		return p ? `${dateText(p.y, p.m, p.d)} ${clockText(p.h, p.min)}` : "";
	};
	// a moment of the phone's (a Date) on the site's wall clock
	function siteTime(date) {
		if (Number.isNaN(date.getTime())) return "";
		let p = null;
		try {
			const fields = new Intl.DateTimeFormat("en-US", {
				timeZone: session().time_zone || undefined,
				year: "numeric",
				month: "2-digit",
				day: "2-digit",
				hour: "2-digit",
				minute: "2-digit",
				hourCycle: "h23",
			}).formatToParts(date);
			const get = (type) => Number((fields.find((f) => f.type === type) || {}).value);
			p = { y: get("year"), m: get("month"), d: get("day"), h: get("hour") % 24, min: get("minute") };
		} catch (e) {
			// a zone this browser does not know: the phone's own clock
			p = {
				y: date.getFullYear(),
				m: date.getMonth() + 1,
				d: date.getDate(),
				h: date.getHours(),
				min: date.getMinutes(),
			};
		}
		return `${dateText(p.y, p.m, p.d)} ${clockText(p.h, p.min)}`;
	}
	const limits = (item) =>
		item.min_value || item.max_value
			? `${item.min_value || ""}–${item.max_value || ""} ${item.uom || ""}`
			: esc(item.uom || "");

	$outbox.onclick = () => send({ now: true });
	// logging out wipes this engineer's work from the phone; what another engineer queued here stays
	// for them
	document.getElementById("logout").onclick = async () => {
		const all = await outboxAll();
		const mine = all.filter(isMine);
		if (mine.length && !confirm(`${mine.length} waiting will be lost. Log out anyway?`)) return;
		for (const item of mine) await outboxDelete(item.seq, item.upload);
		if (all.length === mine.length) {
			(await db()).close();
			indexedDB.deleteDatabase("genset-field");
		} else {
			await store("kv", "readwrite", (kv) => kv.clear());
		}
		if (window.caches) await Promise.all((await caches.keys()).map((key) => caches.delete(key)));
		try {
			await fetch("/api/method/logout", { credentials: "same-origin" });
		} catch (e) {
			// offline: the data on the phone is wiped all the same
		}
		location.href = "/login";
	};
	// a private calendar link of the engineer's visits (genset_service.api.calendar_v1): online only
	document.getElementById("calendar").onclick = async () => {
		if (!navigator.onLine) return showBanner("The calendar link needs a connection.");
		if (!confirm("Make a private link of your visits for your phone's calendar? An earlier link stops working."))
			return;
		let link = null;
		try {
			const answer = await fetch("/api/method/genset_service.api.calendar_v1.make_feed", {
				method: "POST",
				credentials: "same-origin",
				headers: {
					Accept: "application/json",
					"X-Frappe-CSRF-Token": (state.session && state.session.csrf_token) || "",
				},
			});
			link = answer.ok ? (await answer.json()).message : null;
		} catch (e) {
			link = null;
		}
		if (!link) return showBanner("The calendar link could not be made; try again when online.");
		$view.innerHTML = `<section class="card" id="calendar-link">
			<h2>Your visits in your calendar</h2>
			<p>Subscribe on this phone: your planned and dispatched visits appear in its calendar and follow
			every change. Keep the link private.</p>
			<p><a class="button" href="${esc(link.webcal)}">Subscribe in my calendar</a></p>
			<p class="muted small" style="word-break: break-all">${esc(link.url)}</p>
			<p><a href="#/">Back to my visits</a></p>
		</section>`;
	};
	window.addEventListener("hashchange", route);
	window.addEventListener("online", () => send({ now: true }));
	window.fieldApp = { state, outboxAll, photosOf, send, queue, post };
	start();
})();
