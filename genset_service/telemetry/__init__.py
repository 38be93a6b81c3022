"""Telemetry: the genset reports itself (running hours, measurements and alarms over MQTT and HTTP).

``model.py`` is the pure core: the metrics and the alarm rules as data, the plain JSON payload and its
refusals, the idempotency keys, the running-hours checks, the alarm-to-request decisions, silence, and
the hourly and daily rollups with their retention. ``sparkplug.py`` is the pure Sparkplug B side: its
topics, its payloads decoded and encoded, the alias tables of the births and the sequence checks.
Neither imports Frappe; the site code (devices, the MQTT listener, the HTTP endpoint, the jobs) will
come later and read them."""
