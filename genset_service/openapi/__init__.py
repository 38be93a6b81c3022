"""The app's API described in OpenAPI 3.1: a pure generator (describe.py) and the site's methods (site.py)."""
