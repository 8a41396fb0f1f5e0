"""Yearly modeled vintages 2020–2024 (Dữ liệu mô phỏng / modeled data), for :func:`divide.progress`.

The shipped modeled dataset (:func:`divide.model_indicators`) is one picture, calibrated to national
facts of 2022–2024. This module builds it backwards and forwards into one table per year, so that the
progress measure, the trend of the urban–rural gap and the ``divide progress`` command run out of the box:

1. **National path.** Each indicator gets a national value per year: the figure of the facts registry
   for that year where it has one (:data:`ANCHOR_FACTS`: people using online public services 1.78 %
   in 2020, 9.51 % in 2021, about 18 % in 2022; villages without mobile signal 2,148 at 2021-01-01, 266
   at end-2022 and 761 in September 2024; fibre households 71.75 % in August 2022 and 78.3 % in 2023;
   ...), the modeled dataset's own calibration in its year (:data:`BASE_YEARS`), and between them a
   straight line in logit (shares) or log (counts). Outside the anchors the nearest anchored pace is
   carried on (halved after the last anchor, as growth slows near saturation); an indicator with a
   single anchor uses the assumed pace of :data:`ASSUMED_PACE`. Every value says where it comes from
   (:func:`national_path`).
2. **Communes improve at different speeds.** Each commune draws a speed (mean 1, sd 0.45, plus an
   indicator-specific part; about 3 % are below zero, so they got worse), and its value of year ``Y``
   is its 2024/2025 value moved by ``speed × d_Y`` in logit (shares) or in the log-odds of a village
   lacking signal or power (counts); ``d_Y`` is solved so that the national value matches the path
   (population-weighted shares, summed counts, counts made whole by the largest-remainder rule, no
   more villages without power than without signal, none above the commune's villages).
3. **Population.** WorldPop 2020 for 2020, then assumed growth of 2.2 % a year in urban communes
   (phường), 1.0 % in special zones and 0.4 % in rural communes, each commune ± 0.5 %.
4. **The earliest vintage is keyed by pre-2025 commune codes** (index ``old_code``, 10,035 communes):
   the 2025 values are split over the old communes through the official crosswalk (equal parts of
   each old commune going to several new ones; shares varied by ± noise; counts split whole), so that
   reading it runs the crosswalk path of :func:`divide.progress`.

Deterministic for a seed; every table carries ``source = "modeled"``, ``attrs["modeled"]`` and
:data:`~divide.provenance.LABEL`. The values are never observations.

Examples
--------
>>> v = model_vintages()
>>> sorted(v), v[2020].index.name, v[2024].index.name
([2020, 2021, 2022, 2023, 2024], 'old_code', 'commune_code')
>>> int(v[2022]["villages_no_signal"].sum()), int(v[2024]["villages_no_signal"].sum())
(266, 761)
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from divide import settings
from divide.provenance import LABEL, SOURCE, mark_modeled

__all__ = [
    "YEARS",
    "ANCHOR_FACTS",
    "BASE_YEARS",
    "ASSUMED_PACE",
    "POPULATION_GROWTH",
    "PCT_COLUMNS",
    "COUNT_COLUMNS",
    "model_vintages",
    "national_path",
    "vintage_calibration",
]

#: The years built.
YEARS = (2020, 2021, 2022, 2023, 2024)

#: Registry facts the national path goes through: indicator -> {year: fact_id}.
ANCHOR_FACTS = {
    "online_services_pct": {2020: "online_services_use_people_2020", 2021: "online_services_use_people_2021",
                            2022: "online_services_use_people_2022"},
    "villages_no_signal": {2020: "villages_no_signal_2021", 2022: "villages_no_signal_2022_from_coverage",
                           2024: "no_signal_villages_remaining_2024"},
    "villages_no_power": {2024: "no_signal_villages_remaining_no_power_2024"},
    "fiber_households_pct": {2022: "households_fibre_2022", 2023: "households_fibre_2023"},
    "mobile_4g_pop_pct": {2024: "mobile_4g_population_coverage_2024"},
    "smartphone_adults_pct": {2022: "smartphone_adults_2022_03"},
    "digital_payment_adults_pct": {2022: "payment_account_age15_2022", 2024: "payment_account_adults"},
}

#: The year each national value of :func:`divide.model_indicators` describes (the year of its calibration fact).
BASE_YEARS = {
    "fiber_households_pct": 2023, "fiber_villages_pct": 2023, "mobile_4g_pop_pct": 2024,
    "villages_no_signal": 2022, "villages_no_power": 2022, "online_services_pct": 2022,
    "smartphone_adults_pct": 2022, "digital_payment_adults_pct": 2024,
}

#: Assumed pace (logit units a year) of indicators with a single anchor; fibre to villages follows fibre
#: to households.
ASSUMED_PACE = {"mobile_4g_pop_pct": 0.30, "smartphone_adults_pct": 0.25}

#: Assumed yearly population growth by official class (urban, special zone, rural).
POPULATION_GROWTH = {"urban": 0.022, "special_zone": 0.010, "rural": 0.004}

PCT_COLUMNS = ("fiber_households_pct", "fiber_villages_pct", "mobile_4g_pop_pct", "online_services_pct",
               "smartphone_adults_pct", "digital_payment_adults_pct")
COUNT_COLUMNS = ("villages_no_signal", "villages_no_power")

_SPEED_SD, _SPEED_OWN_SD, _WOBBLE_SD, _OLD_NOISE_SD = 0.45, 0.30, 0.05, 0.25
_CLIP = 0.05  # % kept away from 0 and 100 before taking logits


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), _CLIP, 100 - _CLIP) / 100
    return np.log(p / (1 - p))


def _expit(z: np.ndarray) -> np.ndarray:
    return 100 / (1 + np.exp(-z))


def _transform(column: str, value: float) -> float:
    return float(np.log(value)) if column in COUNT_COLUMNS else float(_logit(np.array([value]))[0])


def _back(column: str, z: float) -> float:
    return float(np.exp(z)) if column in COUNT_COLUMNS else float(_expit(np.array([z]))[0])


def national_path(base: pd.DataFrame, population: pd.Series, years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """The national value of each indicator and year, and where it comes from.

    Parameters
    ----------
    base
        :func:`divide.model_indicators` of all communes.
    population
        Population of the communes (weights of the shares).
    years
        Years wanted.

    Returns
    -------
    pandas.DataFrame
        One row per indicator and year: ``indicator, year, value, basis`` (``fact``, ``modeled dataset``,
        ``interpolated``, ``extrapolated``, ``assumed pace``), ``fact_id``, ``citation``.

    Examples
    --------
    >>> import divide
    >>> p = national_path(divide.model_indicators(), divide.load_communes()["population"])
    >>> p.query("indicator == 'online_services_pct'")[["year", "value", "basis"]].round(2).values.tolist()[:3]
    [[2020, 1.78, 'fact'], [2021, 9.51, 'fact'], [2022, 18.0, 'fact']]
    """
    from divide.indicators.facts import cite, fact

    rows = []
    for column in (*PCT_COLUMNS, *COUNT_COLUMNS):
        ok = base[column].notna()
        if column in COUNT_COLUMNS:
            base_value = float(base[column].sum())
        else:
            base_value = float(np.average(base.loc[ok, column], weights=population[ok]))
        anchors: dict[int, tuple[float, str, str]] = {BASE_YEARS[column]: (base_value, "modeled dataset", "")}
        for year, fact_id in ANCHOR_FACTS.get(column, {}).items():
            value = float(fact(fact_id)["value"])
            anchors[year] = (round(value) if column in COUNT_COLUMNS else value, "fact", fact_id)
        known = sorted(anchors)
        z = {y: _transform(column, anchors[y][0]) for y in known}
        for year in years:
            if year in anchors:
                value, basis, fact_id = anchors[year]
            else:
                before = [y for y in known if y < year]
                after = [y for y in known if y > year]
                if before and after:
                    y0, y1 = before[-1], after[0]
                    zz = z[y0] + (z[y1] - z[y0]) * (year - y0) / (y1 - y0)
                    basis = "interpolated"
                else:
                    if len(known) >= 2:
                        pace = (z[known[1]] - z[known[0]]) / (known[1] - known[0]) if after else \
                            0.5 * (z[known[-1]] - z[known[-2]]) / (known[-1] - known[-2])
                        basis = "extrapolated"
                    else:
                        if column == "fiber_villages_pct":
                            hh = [r for r in rows if r["indicator"] == "fiber_households_pct"]
                            hz = {r["year"]: _transform("fiber_households_pct", r["value"]) for r in hh}
                            ref = known[0]
                            zz = z[ref] + (hz[year] - hz[ref])
                            rows.append({"indicator": column, "year": year, "value": _back(column, zz),
                                         "basis": "pace of fiber_households_pct", "fact_id": "", "citation": ""})
                            continue
                        pace = ASSUMED_PACE[column]
                        basis = "assumed pace"
                    ref = known[0] if after else known[-1]
                    zz = z[ref] + pace * (year - ref)
                value, fact_id = _back(column, zz), ""
                if column in COUNT_COLUMNS:
                    value = float(round(value))
            rows.append({"indicator": column, "year": year, "value": value, "basis": basis, "fact_id": fact_id,
                         "citation": cite(fact_id) if fact_id else ""})
    return pd.DataFrame(rows)


def _solve(target: float, function, lo: float = -20.0, hi: float = 20.0) -> float:
    """``d`` with ``function(d) == target`` for an increasing ``function`` (bisection)."""
    for _ in range(80):
        mid = (lo + hi) / 2
        if function(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _allocate(expected: np.ndarray, cap: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers close to ``expected``, each at most ``cap``, summing to ``total`` (largest remainder)."""
    return _allocate_grouped(expected, cap, np.zeros(len(expected), dtype=np.int64), np.array([total]))


def _allocate_grouped(expected: np.ndarray, cap: np.ndarray, group: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """:func:`_allocate` within each group (``group`` numbers 0..k-1; ``totals`` per group)."""
    cap = np.asarray(cap, dtype=np.int64)
    expected = np.minimum(np.maximum(np.asarray(expected, dtype=float), 0.0), cap)
    out = np.floor(expected).astype(np.int64)
    for _ in range(50):
        left = totals - np.bincount(group, weights=out, minlength=len(totals)).astype(np.int64)
        room = out < cap
        if not (left[group] > 0).any() or not room[left[group] > 0].any():
            break
        rem = np.where(room, expected - out, -1.0)
        order = np.lexsort((-rem, group))
        g = group[order]
        starts = np.searchsorted(g, np.arange(len(totals)))
        rank = np.arange(len(g)) - starts[g]
        take = (rank < left[g]) & room[order]
        out[order[take]] += 1
    return out


def _pct_year(base_z: np.ndarray, speed: np.ndarray, weights: np.ndarray, target: float) -> np.ndarray:
    ok = ~np.isnan(base_z)
    w = weights[ok] / weights[ok].sum()

    def mean(d: float) -> float:
        return float((w * _expit(base_z[ok] + speed[ok] * d)).sum())

    d = _solve(target, mean)
    return np.round(_expit(base_z + speed * d), 2)


def _count_year(base_count: np.ndarray, hazard: np.ndarray, villages: np.ndarray, speed: np.ndarray,
                target: int, cap: np.ndarray) -> np.ndarray:
    q = (base_count + 0.5 * hazard) / (villages + 1.0)
    z = np.log(np.clip(q, 1e-6, 1 - 1e-6) / (1 - np.clip(q, 1e-6, 1 - 1e-6)))

    def total(d: float) -> float:
        return float((villages / (1 + np.exp(-(z + speed * d)))).sum())

    d = _solve(float(target), total)
    expected = villages / (1 + np.exp(-(z + speed * d)))
    return _allocate(expected, cap, int(target))


@functools.lru_cache(maxsize=2)
def _national(seed: int, years: tuple[int, ...]) -> tuple[dict[int, pd.DataFrame], pd.DataFrame]:
    from divide.geography.communes import load_communes
    from divide.modeled.indicators import model_indicators

    communes = load_communes()
    base = model_indicators(communes, seed=seed)
    population = communes["population"].astype(float)
    path = national_path(base, population, years)
    rng = np.random.default_rng([seed, 2016])
    n = len(base)
    general = rng.normal(1.0, _SPEED_SD, n)
    speeds = {c: general + rng.normal(0.0, _SPEED_OWN_SD, n) for c in (*PCT_COLUMNS, *COUNT_COLUMNS)}
    wobble = {(c, y): rng.normal(0.0, _WOBBLE_SD, n) for y in years for c in PCT_COLUMNS}
    pop_noise = rng.normal(0.0, 0.005, n)
    klass = communes["urban_rural"].astype(str).to_numpy()
    growth = np.array([POPULATION_GROWTH.get(k, POPULATION_GROWTH["rural"]) for k in klass]) + pop_noise
    villages = base["villages_total"].to_numpy(dtype=float)
    remote = communes["remoteness_km"].fillna(0).to_numpy(dtype=float)
    hazard = np.where(klass == "urban", 0.0, np.minimum(1.0, remote / 50.0))
    target = path.set_index(["indicator", "year"])["value"]
    from divide.geography.crosswalk import load_crosswalk

    in_crosswalk = base.index.isin(load_crosswalk()["new_code"]).astype(bool)
    out: dict[int, pd.DataFrame] = {}
    for year in years:
        table = pd.DataFrame(index=base.index)
        pop = population.to_numpy() * (1 + growth) ** (year - 2020)
        for column in base.columns:
            if column == "source":
                continue
            if column in PCT_COLUMNS:
                bz = np.where(base[column].isna(), np.nan, _logit(base[column].to_numpy()))
                table[column] = _pct_year(bz, speeds[column] + wobble[column, year], pop,
                                          float(target[column, year]))
            elif column == "villages_no_signal" and year != BASE_YEARS[column]:
                # The first vintage goes to the old communes: none for the units the crosswalk does not cover.
                cap = np.where(in_crosswalk | (year != years[0]), villages, 0).astype(np.int64)
                table[column] = _count_year(base[column].to_numpy(float), hazard, villages, speeds[column],
                                            int(target[column, year]), cap)
            elif column == "villages_no_power" and year != BASE_YEARS[column]:
                table[column] = _count_year(base[column].to_numpy(float), hazard, villages, speeds[column],
                                            int(target[column, year]), table["villages_no_signal"].to_numpy())
            else:
                table[column] = base[column].to_numpy()
        for column in PCT_COLUMNS:
            table.loc[base[column].isna(), column] = np.nan
        table["population"] = np.round(pop)
        table["source"] = SOURCE
        out[year] = table
    old = _to_old_codes(out[years[0]], rng)
    for column in PCT_COLUMNS:  # the split's noise moves the national mean: bring it back to the path
        ok = old[column].notna().to_numpy()
        z = _logit(old[column].to_numpy())
        old[column] = _pct_year(np.where(ok, z, np.nan), np.ones(len(old)), old["population"].to_numpy(),
                                float(target[column, years[0]]))
    out[years[0]] = old
    return out, path


def _to_old_codes(table: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Split a table of 2025 communes over the pre-2025 communes of the crosswalk."""
    from divide.geography.crosswalk import load_crosswalk

    cw = load_crosswalk()[["old_code", "new_code", "n_new"]]
    cw = cw[cw["new_code"].isin(table.index)].reset_index(drop=True)
    part = 1.0 / cw["n_new"].clip(lower=1).to_numpy(dtype=float)
    share = part / pd.Series(part).groupby(cw["new_code"]).transform("sum").to_numpy()
    new = table.loc[cw["new_code"]]
    pairs = pd.DataFrame({"old_code": cw["old_code"].to_numpy(), "new_code": cw["new_code"].to_numpy(),
                          "population": new["population"].to_numpy() * share})
    group, uniques = pd.factorize(cw["new_code"])
    rows = table.loc[uniques]
    big = np.full(len(cw), 10**9)
    villages = _allocate_grouped(new["villages_total"].to_numpy() * share, big, group,
                                 rows["villages_total"].to_numpy(dtype=np.int64))
    no_signal = _allocate_grouped(new["villages_no_signal"].to_numpy() * share, villages, group,
                                  rows["villages_no_signal"].to_numpy(dtype=np.int64))
    no_power = _allocate_grouped(new["villages_no_power"].to_numpy() * share, no_signal, group,
                                 rows["villages_no_power"].to_numpy(dtype=np.int64))
    pairs["villages_total"], pairs["villages_no_signal"], pairs["villages_no_power"] = villages, no_signal, no_power
    noise = rng.normal(0.0, _OLD_NOISE_SD, (len(cw), len(PCT_COLUMNS)))
    for j, column in enumerate(PCT_COLUMNS):
        values = new[column].to_numpy(dtype=float)
        pairs[column] = np.where(np.isnan(values), np.nan, _expit(_logit(values) + noise[:, j]))
    w = pairs["population"].clip(lower=1e-9)
    grouped = pairs.groupby("old_code", sort=True)
    old = grouped[["population", "villages_total", "villages_no_signal", "villages_no_power"]].sum()
    for column in PCT_COLUMNS:
        num = (pairs[column] * w).groupby(pairs["old_code"]).sum(min_count=1)
        den = w.where(pairs[column].notna()).groupby(pairs["old_code"]).sum()
        old[column] = (num / den).round(2)
    old = old[[c for c in table.columns if c in old.columns]]
    old["population"] = old["population"].round()
    old["source"] = SOURCE
    old.index.name = "old_code"
    return old


def model_vintages(communes: pd.DataFrame | None = None, seed: int = settings.DEFAULT_SEED,
                   years: tuple[int, ...] = YEARS) -> dict[int, pd.DataFrame]:
    """The yearly modeled vintages (Dữ liệu mô phỏng / modeled data), earliest keyed by pre-2025 codes.

    Always built and calibrated on the whole country; ``communes`` keeps some of them.

    Parameters
    ----------
    communes
        Commune table indexed by ``commune_code`` (2025); ``None`` keeps all. The earliest vintage keeps
        the old communes that went, wholly or in part, into these communes.
    seed
        Seed of every random step (the same seed gives the same tables).
    years
        Years to build (consecutive or not; the first is the pre-2025 one).

    Returns
    -------
    dict
        Year -> DataFrame with the nine schema columns, ``population`` and ``source`` (``"modeled"``);
        the first indexed by ``old_code`` (``attrs["codes"] = "pre2025"``), the others by
        ``commune_code``. ``attrs``: ``modeled``, ``label``, ``vintage``, ``seed``, ``calibration``
        (the national path of the year).

    Examples
    --------
    >>> import divide
    >>> v = model_vintages(divide.load_communes("Lai Châu"))
    >>> len(v[2024]), v[2020].attrs["codes"], v[2024].attrs["label"] == divide.provenance.LABEL
    (38, 'pre2025', True)
    """
    years = tuple(sorted(int(y) for y in years))
    national, path = _national(int(seed), years)
    out = {}
    for year, table in national.items():
        table = table.copy()
        if communes is not None and year == years[0]:
            from divide.geography.crosswalk import load_crosswalk

            cw = load_crosswalk()
            keep = set(cw.loc[cw["new_code"].isin(communes.index), "old_code"])
            table = table[table.index.isin(keep)]
        elif communes is not None:
            table = table.reindex(communes.index)
        calibration = path[path["year"] == year].drop(columns="year").set_index("indicator").to_dict("index")
        table.attrs = {"vintage": year, "seed": int(seed), "calibration": calibration,
                       "generator": "divide.modeled.vintages"}
        if year == years[0]:
            table.attrs["codes"] = "pre2025"
        out[year] = mark_modeled(table)
        assert out[year].attrs["label"] == LABEL
    return out


def vintage_calibration(vintages: dict[int, pd.DataFrame] | None = None) -> pd.DataFrame:
    """National path (target) against what the 2025-coded vintages achieve, per indicator and year.

    Parameters
    ----------
    vintages
        From :func:`model_vintages` (national); default: built here.

    Returns
    -------
    pandas.DataFrame
        ``indicator, year, value`` (the path), ``achieved``, ``basis``, ``fact_id``, ``citation``. The
        pre-2025 vintage is compared on its old communes (weights: its own population).

    Examples
    --------
    >>> c = vintage_calibration()
    >>> bool((c["achieved"] - c["value"]).abs().max() < 0.05)
    True
    """
    vintages = model_vintages() if vintages is None else vintages
    rows = []
    for year, table in vintages.items():
        for indicator, info in table.attrs["calibration"].items():
            if indicator in COUNT_COLUMNS:
                achieved = float(table[indicator].sum())
            else:
                ok = table[indicator].notna()
                achieved = float(np.average(table.loc[ok, indicator], weights=table.loc[ok, "population"]))
            rows.append({"indicator": indicator, "year": year, "value": info["value"], "achieved": achieved,
                         "basis": info["basis"], "fact_id": info["fact_id"], "citation": info["citation"]})
    return pd.DataFrame(rows)
