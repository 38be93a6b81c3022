"""Telemetry: the genset reports itself (running hours, measurements and alarms over MQTT and HTTP).

The pure core (no Frappe; tier 1): ``model.py`` (the metrics and the alarm rules as data, the plain
JSON payload and its refusals, the idempotency keys, the running-hours checks, the alarm-to-request
decisions, silence, the hourly and daily rollups with their retention, MQTT topics) and ``sparkplug.py``
(Sparkplug B topics, payloads, births, aliases and sequence).

The site side: ``ingest`` (one path for the MQTT bridge and the HTTP endpoint, in bulk), ``hours``
(into the reading log and the plan), ``alarms`` (into requests, once per fault), ``silence``,
``rollup`` (and what is kept), ``charts`` (the unit's form and the portal), ``bridge`` (the MQTT
bridge, ``bench genset-telemetry-bridge``); the endpoints are in ``genset_service/api/telemetry_v1.py``."""
