"""The app in its users' languages: extractors for what Frappe's own do not read (number cards, charts,
the catalogue's service types as data) and the audience of each message (audience.py, pure)."""
