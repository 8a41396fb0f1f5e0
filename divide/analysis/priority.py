"""Priority scores and tiers: where to act first, with every score explained by its parts.

:func:`priority` gives each commune a ``priority_score`` from 0 to 100 that
adds three parts, each on a 0–100 scale and each multiplied by its weight
(the weights are normalised to sum to 1, so the score stays on 0–100):

``need``
    the divide index (``divide_index``, 0–100, higher = wider divide).
``reach``
    how many people and villages are affected, on fixed scales (so a
    commune's reach does not depend on which other communes are in the
    table)::

        people_affected = population × divide_index / 100
        reach_people    = 100 × min(1, log10(1 + people_affected) / 5)    # 100 at 100,000 people
        reach_villages  = 100 × min(1, villages_no_signal / 5)            # 100 at 5 villages
        reach           = 0.7 × reach_people + 0.3 × reach_villages

``ease``
    100 − difficulty, where difficulty is how hard the fix is::

        difficulty = 50 × min(1, villages_no_power / 3)      # villages that need power before a mobile site
                   + 50 × min(1, remoteness_km / 50)         # distance to the nearest phường centre

    The programme's rule "dễ làm trước, khó làm sau" (easy first, hard later)
    makes ease raise priority. A planner who wants the hardest places first
    gives ``ease`` a weight of 0 (or reads ``difficulty``).

Default weights: need 0.5, reach 0.3, ease 0.2. The output holds each part
(``need``, ``reach``, ``difficulty``, ``ease``), each part's contribution
(``need_contribution`` = weight × part, …) and the score, which is exactly
the sum of the three contributions.

Rank and tiers
--------------
``priority_rank`` orders the communes with data by score, highest first; ties
(equal scores after rounding to 9 decimals) are broken by ``commune_code``
(ascending), so the order is total and the same on every run. No random
number is drawn: the order does not depend on any seed.

``priority_tier`` (1 = act first … 5) follows ``tiers``:

* ``"quintile"`` (default): five groups of equal size by rank,
  ``tier = ceil(5 × rank / n)`` with n the communes with data, so tier 1 is
  the top fifth of the table passed (national by default; a province's
  table gives that province's top fifth);
* ``"bands"``: fixed score bands, tier 1 for a score of at least 80, 2 for
  [60, 80), 3 for [40, 60), 4 for [20, 40), 5 below 20; independent of the
  other communes.

Within the province
-------------------
``priority_rank_province`` and ``priority_tier_province`` apply the same
rules inside each province (``province_code`` from the table or else from
``communes``): the rank orders the communes of one province by score, ties to
the smaller ``commune_code``; under ``"quintile"`` the tier is
``ceil(5 × rank_province / n_province)`` (Lai Châu's 38 communes: ranks 1–7
are tier 1, since 5 × 8 / 38 > 1); under ``"bands"`` it equals the national
tier (bands do not depend on the other communes). A province's planner reads
these to know where to start in the province; the national ``priority_rank``
and ``priority_tier`` stay beside them. Without a ``province_code`` the two
columns are left out.

Units without an index (Hoàng Sa, Trường Sa: no population) get missing
values everywhere (score NaN, tier and rank ``<NA>``).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"divide_index": [80.0, 20.0], "population": [10_000.0, 50_000.0],
...                   "villages_no_signal": [2, 0], "villages_no_power": [1, 0], "remoteness_km": [40.0, 2.0]},
...                  index=["00001", "00002"])
>>> p = priority(t)
>>> p.loc["00001", ["need_contribution", "reach_contribution", "ease_contribution", "priority_score"]].round(2).tolist()
[40.0, 19.99, 8.67, 68.66]
>>> p["priority_rank"].tolist(), p["priority_tier"].tolist()
([1, 2], [3, 5])
>>> t["province_code"] = ["01", "02"]  # one commune per province: each is first in its province
>>> priority(t)[["priority_rank_province", "priority_tier_province"]].values.tolist()
[[1, 5], [1, 5]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from divide._checks import check_unique_index
from divide._errors import InputError
from divide.provenance import carry

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["priority", "DEFAULT_WEIGHTS", "TIER_BANDS", "PROVINCE_COLUMNS"]

#: Weights of the three parts (normalised to sum to 1).
DEFAULT_WEIGHTS = {"need": 0.5, "reach": 0.3, "ease": 0.2}

#: Lower score bound of tiers 1–4 under ``tiers="bands"`` (tier 5 below the last).
TIER_BANDS = (80.0, 60.0, 40.0, 20.0)

#: Columns of the order within each province (added when the province of each commune is known).
PROVINCE_COLUMNS = ("priority_rank_province", "priority_tier_province")

_REQUIRED = ("divide_index", "population", "villages_no_signal", "villages_no_power", "remoteness_km")


def _get(name: str, table: pd.DataFrame, communes: pd.DataFrame | None) -> pd.Series:
    if name in table.columns:
        return pd.to_numeric(table[name], errors="coerce")
    if communes is not None and name in communes.columns:
        return pd.to_numeric(communes[name].reindex(table.index), errors="coerce")
    raise InputError(
        f"column {name!r} is in neither the table nor the communes",
        where=f"column {name!r}",
        fix=("join the indicator table (divide.model_indicators or your own, read with divide.read_indicators) "
             "and the commune layer (divide.load_communes) to the index table first"),
    )


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    given = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(given) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise InputError(f"unknown weight(s) {sorted(unknown)}", where="weights",
                         fix=f"use the keys {sorted(DEFAULT_WEIGHTS)}")
    full = {k: float(given.get(k, 0.0)) for k in DEFAULT_WEIGHTS}
    if any(not np.isfinite(v) or v < 0 for v in full.values()) or sum(full.values()) <= 0:
        raise InputError(f"weights must be non-negative numbers with a positive sum, got {given}", where="weights",
                         fix="e.g. weights={'need': 0.5, 'reach': 0.3, 'ease': 0.2}")
    total = sum(full.values())
    return {k: v / total for k, v in full.items()}


def _province_of(table: pd.DataFrame, communes: pd.DataFrame | None) -> pd.Series | None:
    if "province_code" in table.columns:
        return table["province_code"].astype("string")
    if communes is not None and "province_code" in communes.columns:
        return communes["province_code"].reindex(table.index).astype("string")
    return None


def _ranked(score: np.ndarray, codes: np.ndarray, groups: list[np.ndarray], tiers: str,
            index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Rank (1 = first: score desc, then code asc) and tier within each group (boolean masks of finite scores)."""
    rank = pd.Series(pd.NA, index=index, dtype="Int64")
    tier = pd.Series(pd.NA, index=index, dtype="Int64")
    for rows in groups:
        n = int(rows.sum())
        if not n:
            continue
        s = score[rows]
        order = np.lexsort((codes[rows], -np.round(s, 9)))  # score desc, then code asc
        r = np.empty(n, dtype=int)
        r[order] = np.arange(1, n + 1)
        rank[rows] = r
        if tiers == "quintile":
            t = np.ceil(5.0 * r / n).astype(int)
        else:
            t = np.full(n, 5)
            for level, bound in zip((4, 3, 2, 1), TIER_BANDS[::-1]):
                t[s >= bound] = level
        tier[rows] = t
    return rank, tier


def priority(
    table: pd.DataFrame,
    *,
    communes: gpd.GeoDataFrame | pd.DataFrame | None = None,
    weights: Mapping[str, float] | None = None,
    tiers: str = "quintile",
) -> pd.DataFrame:
    """Priority score (0–100), its parts, a 1–5 tier and a total rank for every commune.

    Parameters
    ----------
    table
        Commune table indexed by ``commune_code`` with ``divide_index``;
        ``population``, ``villages_no_signal``, ``villages_no_power`` and
        ``remoteness_km`` come from the table or else from ``communes``.
    communes
        Commune context (e.g. :func:`divide.load_communes`) for the columns
        the table lacks. Not loaded automatically: a missing column is an
        error that says what to join.
    weights
        Weights of ``need``, ``reach`` and ``ease`` (non-negative; missing keys
        count as 0; normalised to sum to 1). Default :data:`DEFAULT_WEIGHTS`.
    tiers
        ``"quintile"`` (equal fifths by rank) or ``"bands"`` (fixed score
        bands :data:`TIER_BANDS`).

    Returns
    -------
    pandas.DataFrame
        Same index as ``table``: ``need``, ``reach``, ``reach_people``,
        ``reach_villages``, ``people_affected``, ``difficulty``, ``ease``,
        ``need_contribution``, ``reach_contribution``, ``ease_contribution``,
        ``priority_score``, ``priority_rank`` (Int64, 1 = first),
        ``priority_tier`` (Int64, 1–5), and, when ``province_code`` is known,
        ``priority_rank_province`` and ``priority_tier_province`` (the same
        rules within each province). ``attrs``: ``weights``, ``tiers``,
        ``rule`` and ``modeled`` (carried from ``table``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"divide_index": [50.0, 50.0, float("nan")], "population": [1000.0, 1000.0, 0.0],
    ...                   "villages_no_signal": 0, "villages_no_power": 0, "remoteness_km": 0.0},
    ...                  index=["00009", "00002", "20333"])
    >>> p = priority(t)  # equal scores: the tie goes to the lower code
    >>> p["priority_rank"].tolist(), p["priority_tier"].tolist()
    ([2, 1, <NA>], [5, 3, <NA>])
    """
    if tiers not in ("quintile", "bands"):
        raise InputError(f"unknown tier rule {tiers!r}", where="tiers", fix="use 'quintile' or 'bands'")
    check_unique_index(table)
    wts = _weights(weights)
    cols = {name: _get(name, table, communes) for name in _REQUIRED}
    need = cols["divide_index"]
    bad = need.notna() & ((need < 0) | (need > 100))
    if bad.any():
        first = bad[bad].index[0]
        raise InputError(f"divide_index must lie in 0–100, got {need[first]} ({int(bad.sum())} row(s))",
                         where=f"row {first!r}, column 'divide_index'", fix="pass the index of divide.analysis.index")
    pop = cols["population"].fillna(0.0).clip(lower=0.0)
    no_signal = cols["villages_no_signal"].fillna(0.0).clip(lower=0.0)
    no_power = cols["villages_no_power"].fillna(0.0).clip(lower=0.0)
    remote = cols["remoteness_km"].fillna(0.0).clip(lower=0.0)

    people = pop * need / 100.0
    reach_people = 100.0 * np.minimum(1.0, np.log10(1.0 + people) / 5.0)
    reach_villages = 100.0 * np.minimum(1.0, no_signal / 5.0)
    reach = 0.7 * reach_people + 0.3 * reach_villages
    difficulty = 50.0 * np.minimum(1.0, no_power / 3.0) + 50.0 * np.minimum(1.0, remote / 50.0)
    ease = 100.0 - difficulty
    has = need.notna()
    out = pd.DataFrame(index=table.index)
    out["need"] = need
    out["people_affected"] = people.where(has)
    out["reach_people"] = reach_people.where(has)
    out["reach_villages"] = reach_villages.where(has)
    out["reach"] = reach.where(has)
    out["difficulty"] = difficulty.where(has)
    out["ease"] = ease.where(has)
    out["need_contribution"] = wts["need"] * out["need"]
    out["reach_contribution"] = wts["reach"] * out["reach"]
    out["ease_contribution"] = wts["ease"] * out["ease"]
    out["priority_score"] = out["need_contribution"] + out["reach_contribution"] + out["ease_contribution"]

    score = out["priority_score"].to_numpy(dtype=float)
    codes = np.asarray(table.index.astype(str))
    valid = np.isfinite(score)
    out["priority_rank"], out["priority_tier"] = _ranked(score, codes, [valid], tiers, table.index)
    province = _province_of(table, communes)
    if province is not None:  # the same order within each province
        groups = province.to_numpy(dtype=object)
        known = valid & province.notna().to_numpy()
        masks = [known & (groups == code) for code in sorted(set(groups[known]))]
        out["priority_rank_province"], out["priority_tier_province"] = _ranked(score, codes, masks, tiers,
                                                                               table.index)
    out.attrs["weights"] = wts
    out.attrs["tiers"] = tiers
    out.attrs["rule"] = ("priority_score = w_need*need + w_reach*reach + w_ease*(100 - difficulty); rank by score "
                         "desc then commune_code; tiers " + ("by rank quintile" if tiers == "quintile" else
                                                              "by bands 80/60/40/20")
                         + "; the same within each province (priority_rank_province, priority_tier_province)")
    return carry(table, out, communes)
