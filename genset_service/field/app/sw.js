// The field app's service worker: the app's shell from the cache (the page opens with no network),
// the network first for the page itself so that a new version arrives when there is one.
const CACHE = "genset-field-v1"; // served as genset-field-<the shell's version>
const SHELL = ["/field", "/field/app.js", "/field/app.css", "/field/manifest.webmanifest", "/field/icon.svg"];

self.addEventListener("install", (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.addAll(SHELL))
			.then(() => self.skipWaiting()),
	);
});

self.addEventListener("activate", (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
			.then(() => self.clients.claim()),
	);
});

self.addEventListener("fetch", (event) => {
	const url = new URL(event.request.url);
	if (event.request.method !== "GET" || url.origin !== location.origin) return;
	if (url.pathname === "/field" || event.request.mode === "navigate") {
		if (!url.pathname.startsWith("/field")) return;
		event.respondWith(
			fetch(event.request)
				.then((answer) => {
					const copy = answer.clone();
					if (answer.ok) caches.open(CACHE).then((cache) => cache.put("/field", copy));
					return answer;
				})
				.catch(() => caches.match("/field")),
		);
		return;
	}
	if (SHELL.includes(url.pathname)) {
		event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(event.request)));
	}
});

// Background Sync, where the browser has it: the open page sends the outbox
self.addEventListener("sync", (event) => {
	if (event.tag !== "genset-outbox") return;
	event.waitUntil(
		self.clients
			.matchAll({ type: "window" })
			.then((pages) => pages.forEach((page) => page.postMessage("sync"))),
	);
});
