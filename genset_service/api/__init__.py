"""Whitelisted, typed endpoints for the desk, the portal and integrators (``/api/method/genset_service.api.…``)."""
