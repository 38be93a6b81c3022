"""Logistics: every genset followed from the factory gate to its site (service 4 of the catalogue).

``model.py`` is the pure core (the milestones as data, a shipment's state from its log, the webhook's
signature and event shape); ``shipment.py``, ``journey.py``, ``webhook.py`` and ``notify.py`` are its
site code; the endpoints are in ``genset_service/api/logistics_v1.py``."""
