"""A stand-in for the divide index, so the spatial, region and priority tests do not depend on divide.analysis.index.

Pillar = 100 − mean of the modeled percentages of the pillar; index = mean of the two pillars.
"""

from __future__ import annotations

import pandas as pd

import divide


def stand_in_index(communes: pd.DataFrame) -> pd.DataFrame:
    """``infrastructure_gap``, ``usage_gap``, ``divide_index`` and the village counts, on ``communes.index``."""
    ind = divide.model_indicators(communes)
    t = ind[["villages_no_signal", "villages_no_power"]].copy()
    t["infrastructure_gap"] = 100 - ind[["fiber_households_pct", "fiber_villages_pct", "mobile_4g_pop_pct"]].mean(axis=1)
    t["usage_gap"] = 100 - ind[["online_services_pct", "smartphone_adults_pct", "digital_payment_adults_pct"]].mean(axis=1)
    t["divide_index"] = (t["infrastructure_gap"] + t["usage_gap"]) / 2
    t.attrs["modeled"] = True
    return t
