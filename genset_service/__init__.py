__version__ = "0.1.0"


def _serve_requests_right():
	# in a process that serves requests (frappe.app loaded): 400 for a malformed JSON body, 405 for a
	# wrong HTTP method to this app's methods (genset_service/access/http.py)
	import sys

	if "frappe.app" in sys.modules:
		from genset_service.access.http import install

		install()


_serve_requests_right()
