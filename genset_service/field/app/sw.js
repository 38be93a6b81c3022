// The field app's service worker: the app's shell from the cache (the page opens with no network),
// the network first for the page itself so that a new version arrives when there is one, but never
// longer than NAVIGATE_MS: on a weak signal the page opens from the cache, and the network's answer,
// when it comes, refreshes the cache for the next time.
// The outbox is sent by the open app (and on opening it); nothing is sent while the app is closed.
const CACHE = "genset-field-v1"; // served as genset-field-<the shell's version>
const NAVIGATE_MS = 3000;
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
		const network = fetch(event.request);
		// the copy is taken before the page reads the answer, and kept in the cache for the next time
		const saved = network
			.then((answer) => {
				if (!answer.ok) return null;
				const copy = answer.clone();
				return caches.open(CACHE).then((cache) => cache.put("/field", copy));
			})
			.catch(() => null);
		event.waitUntil(saved);
		event.respondWith(
			caches.match("/field").then((kept) => {
				if (!kept) return network;
				const slow = new Promise((resolve) => setTimeout(() => resolve(kept), NAVIGATE_MS));
				return Promise.race([network.catch(() => kept), slow]);
			}),
		);
		return;
	}
	if (SHELL.includes(url.pathname)) {
		event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(event.request)));
	}
});
