"""Service KPIs, pure (no Frappe imports): the numbers behind the manager's reports, tested by tier 1."""
