"""The engineer's phone app, served by the app at a route of its own: ``/field`` (the page), its
script, style, manifest and icon, and its service worker at ``/field/sw.js`` with the
``Service-Worker-Allowed`` header, so that the worker controls ``/field`` and not only ``/assets``.
The worker's cache is named after the shell's content, so a new version of the app reaches the phone
(a changed worker is installed, and it caches the new shell)."""

import functools
import hashlib
import pathlib

from frappe.website.page_renderers.base_renderer import BaseRenderer

APP = pathlib.Path(__file__).parent / "app"
FILES = {
	"field": ("index.html", "text/html; charset=utf-8"),
	"field/app.js": ("app.js", "application/javascript; charset=utf-8"),
	"field/app.css": ("app.css", "text/css; charset=utf-8"),
	"field/sw.js": ("sw.js", "application/javascript; charset=utf-8"),
	"field/manifest.webmanifest": ("manifest.webmanifest", "application/manifest+json"),
	"field/icon.svg": ("icon.svg", "image/svg+xml"),
}


CACHE_NAME = "genset-field-v1"  # as written in sw.js; served with the shell's version


@functools.cache
def shell_version() -> str:
	digest = hashlib.sha256()
	for name in sorted(name for name, _type in FILES.values() if name != "sw.js"):
		digest.update((APP / name).read_bytes())
	return digest.hexdigest()[:12]


class FieldApp(BaseRenderer):
	def can_render(self) -> bool:
		return self.path in FILES

	def render(self):
		name, mimetype = FILES[self.path]
		headers = {"Cache-Control": "no-cache", "Content-Type": mimetype}
		text = (APP / name).read_text()
		if name == "sw.js":
			headers["Service-Worker-Allowed"] = "/field"
			text = text.replace(CACHE_NAME, f"genset-field-{shell_version()}")
		response = self.build_response(text, headers=headers)
		response.mimetype = mimetype.split(";")[0]
		return response
