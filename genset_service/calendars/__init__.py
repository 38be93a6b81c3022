"""Calendars: iCalendar (RFC 5545) feeds of service visits.

The pure core (no Frappe; tier 1) is ``feed.py``: a list of ``Visit`` in, the bytes of a VCALENDAR
out, with stable UIDs, sequences, cancellations and the site's time zone, and an ETag for them."""
