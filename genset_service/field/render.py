"""The engineer's phone app, served by the app at a route of its own: ``/field`` (the page), its
script, style, manifest and icon, and its service worker at ``/field/sw.js`` with the
``Service-Worker-Allowed`` header, so that the worker controls ``/field`` and not only ``/assets``."""

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


class FieldApp(BaseRenderer):
	def can_render(self) -> bool:
		return self.path in FILES

	def render(self):
		name, mimetype = FILES[self.path]
		headers = {"Cache-Control": "no-cache", "Content-Type": mimetype}
		if name == "sw.js":
			headers["Service-Worker-Allowed"] = "/field"
		response = self.build_response((APP / name).read_text(), headers=headers)
		response.mimetype = mimetype.split(";")[0]
		return response
