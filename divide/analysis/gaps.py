"""Urban–rural gaps and inequality of commune measures (indicators, pillars, the divide index).

Urban and rural
---------------
``definition="official"`` follows the statistics office: urban = phường
(``urban_rural == "urban"``); rural = xã **and** đặc khu (the 13 island
special zones, ``"special_zone"``, are counted as rural: they are not
phường, and most are remote islands). ``definition="degurba"`` uses the
population grid's degree of urbanisation: urban = ``city`` +
``town_suburb``, rural = ``rural``.

Means
-----
Group means are **population-weighted** (``population`` of the communes
table, WorldPop 2020); a commune with a missing value is left out of the
mean and of the population reported. Village counts
(``villages_no_signal``, ``villages_no_power``) are not averaged: their
"mean" is the share of the group's villages (``100 * Σ count / Σ
villages_total``, %), which is what a brief means by "x % of rural villages
have no signal".

Inequality
----------
:func:`gini` (population-weighted Gini) and :func:`theil` (Theil T with
population weights, decomposed exactly into between-group and within-group
parts) — both need non-negative values. :func:`inequality` gives a tidy
table for one measure: Gini, Theil, and the decomposition by urban/rural and
by province.

Outputs computed from modeled data carry ``attrs["modeled"] = True`` and
``attrs["label"]`` (:data:`divide.provenance.LABEL`).

Examples
--------
>>> import divide
>>> from divide.analysis.gaps import urban_rural_gap
>>> communes = divide.load_communes("Lai Châu")
>>> table = divide.model_indicators(communes)
>>> gap = urban_rural_gap(table, ["smartphone_adults_pct"], communes=communes)
>>> gap.columns.tolist()[:9]
['measure', 'scope', 'scope_name', 'urban_mean', 'rural_mean', 'difference', 'ratio', 'urban_population', 'rural_population']
>>> bool(gap.loc[0, "difference"] > 0), gap.attrs["modeled"]
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from divide._checks import check_columns
from divide._errors import InputError
from divide.provenance import carry

__all__ = ["GAP_COLUMNS", "INEQUALITY_COLUMNS", "urban_rural_gap", "gini", "theil", "Theil", "inequality",
           "urban_mask"]

#: Columns of :func:`urban_rural_gap` (stable: charts and briefs read them).
GAP_COLUMNS = ["measure", "scope", "scope_name", "urban_mean", "rural_mean", "difference", "ratio",
               "urban_population", "rural_population", "urban_communes", "rural_communes"]
#: Columns of :func:`inequality`.
INEQUALITY_COLUMNS = ["measure", "statistic", "grouping", "component", "value", "communes", "population"]

#: Scope code and name of national rows.
NATIONAL_SCOPE = ("VN", "Việt Nam")

_VILLAGE_COUNTS = ("villages_no_signal", "villages_no_power")
_DEFAULT_MEASURES = (
    "fiber_households_pct", "fiber_villages_pct", "mobile_4g_pop_pct", "villages_no_signal", "villages_no_power",
    "online_services_pct", "smartphone_adults_pct", "digital_payment_adults_pct",
    "infrastructure_gap", "usage_gap", "divide_index",
)
_CONTEXT = ("population", "urban_rural", "degurba", "province_code", "province_name", "villages_total")


def _context(table: pd.DataFrame, communes: pd.DataFrame, need: Sequence[str]) -> pd.DataFrame:
    """The context columns (population, classes, province) on the table's index: from ``communes``, else the table."""
    if not isinstance(communes, pd.DataFrame):
        raise InputError(f"communes must be a commune table, not {type(communes).__name__}", where="communes",
                         fix="pass communes=divide.load_communes() (or the table itself when it holds the context)")
    missing = [c for c in need if c not in communes.columns and c not in table.columns]
    if missing:
        raise InputError(f"the communes table has no column {', '.join(missing)}", where="communes",
                         fix="pass divide.load_communes() as communes=")
    out = pd.DataFrame(index=table.index)
    for c in need:
        out[c] = communes[c].reindex(table.index) if c in communes.columns else table[c]
    return out


def urban_mask(context: pd.DataFrame, definition: str = "official") -> pd.Series:
    """Boolean Series: True = urban, False = rural, NA = unknown class.

    Examples
    --------
    >>> import pandas as pd
    >>> ctx = pd.DataFrame({"urban_rural": ["urban", "rural", "special_zone"]})
    >>> urban_mask(ctx).tolist()
    [True, False, False]
    """
    if definition == "official":
        cls = context["urban_rural"].astype("string")
        out = cls.map({"urban": True, "rural": False, "special_zone": False})
    elif definition == "degurba":
        cls = context["degurba"].astype("string")
        out = cls.map({"city": True, "town_suburb": True, "rural": False})
    else:
        raise InputError(f"unknown urban–rural definition {definition!r}", where="definition",
                         fix="choose 'official' (phường = urban) or 'degurba' (population grid)")
    return out.astype("boolean")


def _group_mean(x: np.ndarray, pop: np.ndarray, total: np.ndarray | None, count_measure: bool) -> tuple[float, float, int]:
    if count_measure:
        ok = np.isfinite(x) & np.isfinite(total) & (total > 0)
        den = total[ok].sum()
        mean = 100.0 * x[ok].sum() / den if den > 0 else np.nan
    else:
        ok = np.isfinite(x) & np.isfinite(pop)
        den = pop[ok].sum()
        mean = float((x[ok] * pop[ok]).sum() / den) if den > 0 else np.nan
    return float(mean), float(np.nansum(pop[ok])), int(ok.sum())


def urban_rural_gap(
    table: pd.DataFrame,
    columns: Sequence[str] | str | None = None,
    *,
    communes: pd.DataFrame,
    by: Literal["national", "province"] = "national",
    definition: Literal["official", "degurba"] = "official",
) -> pd.DataFrame:
    """Population-weighted urban and rural means of each measure, their difference and ratio.

    Parameters
    ----------
    table
        Commune table indexed by ``commune_code`` with the measures
        (indicators, pillar scores, ``divide_index``).
    columns
        Measures to compare; default: those of the schema indicators, the
        pillars and ``divide_index`` present in the table.
    communes
        Context (``population``, ``urban_rural``, ``degurba``,
        ``province_code``, ``province_name``): e.g. :func:`divide.load_communes`,
        or the table itself when it holds them. A column ``communes`` lacks is
        taken from the table.
    by
        ``"national"`` (scope ``VN``) or ``"province"`` (one row per measure
        and province, scope = province code).
    definition
        ``"official"`` (phường urban; xã and đặc khu rural) or ``"degurba"``.

    Returns
    -------
    pandas.DataFrame
        Long table with :data:`GAP_COLUMNS`: ``measure, scope, scope_name,
        urban_mean, rural_mean, difference`` (urban − rural), ``ratio`` (urban /
        rural), ``urban_population, rural_population`` (of the communes with a
        value), ``urban_communes, rural_communes``. ``attrs``: ``modeled``,
        ``label``, ``definition``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"x": [80.0, 60.0, 20.0, 40.0], "population": [100, 300, 100, 100],
    ...                   "urban_rural": ["urban", "urban", "rural", "special_zone"],
    ...                   "degurba": ["city", "rural", "rural", "rural"],
    ...                   "province_code": ["01"] * 4, "province_name": ["Hà Nội"] * 4},
    ...                  index=pd.Index(["a", "b", "c", "d"], name="commune_code"))
    >>> g = urban_rural_gap(t, "x", communes=t)
    >>> g[["urban_mean", "rural_mean", "difference", "ratio"]].round(3).values.tolist()
    [[65.0, 30.0, 35.0, 2.167]]
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError("urban_rural_gap needs a DataFrame", fix="pass a commune table indexed by commune_code")
    if by not in ("national", "province"):
        raise InputError(f"by={by!r} is not national or province", where="by", fix="use by='national' or 'province'")
    if isinstance(columns, str):
        columns = [columns]
    if columns is None:
        columns = [c for c in _DEFAULT_MEASURES if c in table.columns]
    columns = check_columns(table, columns, numeric=False, fix="name measures present in the table")
    cls_col = "urban_rural" if definition == "official" else "degurba"
    need = ["population", cls_col, "province_code", "province_name"]
    ctx = _context(table, communes, need)
    urban = urban_mask(ctx, definition)
    pop = pd.to_numeric(ctx["population"], errors="coerce").to_numpy(dtype=float)
    total = None
    if any(c in _VILLAGE_COUNTS for c in columns):
        if "villages_total" not in table.columns:
            raise InputError("village counts need villages_total to be expressed as shares",
                             where="column 'villages_total'", fix="add villages_total to the table")
        total = pd.to_numeric(table["villages_total"], errors="coerce").to_numpy(dtype=float)
    is_urban = urban.fillna(False).to_numpy(dtype=bool)
    is_rural = (~urban.fillna(True)).to_numpy(dtype=bool)
    if by == "national":
        scopes = [(NATIONAL_SCOPE[0], NATIONAL_SCOPE[1], np.ones(len(table), dtype=bool))]
    else:
        codes = ctx["province_code"].astype("string")
        names = ctx.groupby(codes.to_numpy())["province_name"].first()
        scopes = [(str(code), str(names.get(code, "")), (codes == code).fillna(False).to_numpy(dtype=bool))
                  for code in sorted(codes.dropna().unique())]
    rows = []
    for measure in columns:
        x = pd.to_numeric(table[measure], errors="coerce").to_numpy(dtype=float)
        counted = measure in _VILLAGE_COUNTS
        for code, name, in_scope in scopes:
            u = in_scope & is_urban
            r = in_scope & is_rural
            um, up, un = _group_mean(x[u], pop[u], None if total is None else total[u], counted)
            rm, rp, rn = _group_mean(x[r], pop[r], None if total is None else total[r], counted)
            ratio = um / rm if (np.isfinite(rm) and rm != 0) else np.nan
            rows.append({"measure": measure, "scope": code, "scope_name": name, "urban_mean": um,
                         "rural_mean": rm, "difference": um - rm, "ratio": ratio, "urban_population": up,
                         "rural_population": rp, "urban_communes": un, "rural_communes": rn})
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    out.attrs = _attrs(table)
    out.attrs["definition"] = definition
    return out


def _attrs(table: pd.DataFrame) -> dict[str, Any]:
    return dict(carry(table, pd.DataFrame()).attrs)


def _clean(values: Any, weights: Any, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape:
        raise InputError(f"{what}: {w.size} weights for {x.size} values", fix="give one weight per value")
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    if np.any(x[ok] < 0):
        raise InputError(f"{what} needs non-negative values (found {x[ok].min():g})", where=what,
                         fix="use a measure that is 0 or more (shares, scores 0–100)")
    return x, w, ok


def gini(values: Any, weights: Any = None) -> float:
    """Weighted Gini coefficient, ``Σ_i Σ_j w_i w_j |x_i - x_j| / (2 W² μ)``.

    Computed in O(n log n) from the sorted values. Missing values and
    non-positive weights are left out; NaN when the weighted mean is 0 or no
    value remains.

    Examples
    --------
    >>> gini([1, 2, 3, 4])
    0.25
    >>> gini([1, 2, 3, 4], [1, 1, 1, 1]) == gini([1, 1, 2, 2, 3, 3, 4, 4])
    True
    """
    x, w, ok = _clean(values, weights, "gini")
    x, w = x[ok], w[ok]
    if x.size == 0:
        return float("nan")
    order = np.argsort(x, kind="mergesort")
    x, w = x[order], w[order]
    total_w = w.sum()
    total_xw = (w * x).sum()
    if not total_xw > 0:
        return float("nan")
    cum = np.cumsum(w)
    return float((w * x * (2.0 * cum - w - total_w)).sum() / (total_w * total_xw))


@dataclass(frozen=True)
class Theil:
    """Theil T index and its decomposition: ``total == between + within``.

    Unpacks as ``total, between, within = theil(...)``; ``groups`` is a table
    per group: ``weight_share`` (population), ``value_share`` (s_g),
    ``mean``, ``theil`` (T_g), ``within_contribution`` (s_g T_g).
    """

    total: float
    between: float
    within: float
    groups: pd.DataFrame | None = None

    def __iter__(self) -> Iterator[float]:
        return iter((self.total, self.between, self.within))


def _theil_t(x: np.ndarray, w: np.ndarray) -> float:
    mu = (w * x).sum() / w.sum()
    if not mu > 0:
        return float("nan")
    r = x / mu
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r > 0, r * np.log(r), 0.0)
    return float((w * terms).sum() / w.sum())


def theil(values: Any, weights: Any = None, groups: Any = None) -> Theil:
    """Theil T index, ``T = (1/W) Σ w_i (x_i/μ) ln(x_i/μ)``, decomposed by groups.

    With groups ``g``: ``between = Σ_g s_g ln(μ_g / μ)`` and ``within = Σ_g
    s_g T_g``, where ``s_g = W_g μ_g / (W μ)`` is the group's share of the
    total and ``T_g`` the Theil index inside the group; ``between + within ==
    total`` exactly (up to rounding). Zeros contribute 0 (``x ln x → 0``);
    values must be non-negative.

    Examples
    --------
    >>> t = theil([1.0, 1.0, 2.0, 4.0], groups=["r", "r", "u", "u"])
    >>> round(t.total, 6), abs(round(t.between + t.within - t.total, 12))
    (0.173287, 0.0)
    >>> round(theil([5.0, 5.0]).total, 12)
    0.0
    """
    x, w, ok = _clean(values, weights, "theil")
    g = None
    if groups is not None:
        g = pd.Series(groups).astype("string").to_numpy(dtype=object)
        if g.shape != x.shape:
            raise InputError(f"theil: {g.size} group labels for {x.size} values", fix="give one group per value")
        ok &= pd.notna(g)
        g = g[ok]
    x, w = x[ok], w[ok]
    if x.size == 0:
        return Theil(float("nan"), float("nan"), float("nan"), None)
    total = _theil_t(x, w)
    if not np.isfinite(total):  # mean zero (all values zero): the index is undefined
        return Theil(float("nan"), float("nan"), float("nan"), None)
    if g is None:
        return Theil(total, 0.0, total, None)
    mu = (w * x).sum() / w.sum()
    rows = []
    between = within = 0.0
    for label in sorted(set(g)):
        m = g == label
        wg, xg = w[m], x[m]
        mug = (wg * xg).sum() / wg.sum()
        sg = wg.sum() * mug / (w.sum() * mu)
        tg = _theil_t(xg, wg) if mug > 0 else 0.0
        b = sg * np.log(mug / mu) if sg > 0 else 0.0
        between += b
        within += sg * tg
        rows.append({"group": label, "weight_share": wg.sum() / w.sum(), "value_share": sg, "mean": mug,
                     "theil": tg, "between_term": b, "within_contribution": sg * tg})
    return Theil(total, float(between), float(within), pd.DataFrame(rows).set_index("group"))


def inequality(table: pd.DataFrame, column: str, *, communes: pd.DataFrame) -> pd.DataFrame:
    """Gini and Theil of one measure across communes, with the Theil decomposition, as a tidy table.

    Population-weighted. Rows (``statistic, grouping, component``):
    ``gini, none, total``; ``theil, none, total``; for each grouping
    ``urban_rural`` (official definition) and ``province``: ``theil, <grouping>,
    between | within | between_share`` (between / total). Columns:
    :data:`INEQUALITY_COLUMNS`. Measures with negative values raise
    :class:`~divide.InputError`. ``communes`` gives ``population``,
    ``urban_rural`` and ``province_code`` (as for :func:`urban_rural_gap`).

    Examples
    --------
    >>> import divide
    >>> communes = divide.load_communes("Lai Châu")
    >>> table = divide.model_indicators(communes)
    >>> ineq = inequality(table, "smartphone_adults_pct", communes=communes)
    >>> ineq[["statistic", "grouping", "component"]].values.tolist()[:3]
    [['gini', 'none', 'total'], ['theil', 'none', 'total'], ['theil', 'urban_rural', 'between']]
    """
    check_columns(table, column, numeric=False, fix="name a measure in the table")
    ctx = _context(table, communes, ["population", "urban_rural", "province_code"])
    x = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    w = pd.to_numeric(ctx["population"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    n, popn = int(ok.sum()), float(w[ok].sum())
    rows = [
        (column, "gini", "none", "total", gini(x, w), n, popn),
    ]
    t = theil(x, w)
    rows.append((column, "theil", "none", "total", t.total, n, popn))
    urban = urban_mask(ctx, "official").map({True: "urban", False: "rural"})
    for grouping, labels in (("urban_rural", urban), ("province", ctx["province_code"].astype("string"))):
        d = theil(x, w, labels.to_numpy(dtype=object))
        share = d.between / d.total if d.total and np.isfinite(d.total) and d.total > 0 else np.nan
        rows += [
            (column, "theil", grouping, "between", d.between, n, popn),
            (column, "theil", grouping, "within", d.within, n, popn),
            (column, "theil", grouping, "between_share", share, n, popn),
        ]
    out = pd.DataFrame(rows, columns=INEQUALITY_COLUMNS)
    out.attrs = _attrs(table)
    return out
