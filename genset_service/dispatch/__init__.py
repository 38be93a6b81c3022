"""Dispatch: who goes to which genset, when, in which order.

The pure core (no Frappe, no network; tested without a site by the root-level ``tests/``): ``model``
(the problem), ``solver`` (``solve`` proposes), ``check`` (verifies independently), ``baselines`` (what
it is measured against), ``soonest`` (emergencies), ``rules`` (board moves), ``certification``,
``territory`` (which territory a visit belongs to) and ``travel`` (the arithmetic of the legs: straight
lines, or a road matrix already fetched).

The site side reads and writes documents or calls out: ``site`` (the problem read from the site),
``proposals``, ``board``, and ``road_client`` (a road-routing server's matrix, over HTTP)."""
