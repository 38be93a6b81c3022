"""Dispatch: who goes to which genset, when, in which order (pure: no Frappe). ``solve`` proposes,
``check`` verifies independently, ``baselines`` are what it is measured against."""
