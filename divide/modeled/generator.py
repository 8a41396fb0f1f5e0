"""The generator of the modeled dataset: villages, their flags, and the calibrated percentages.

Seeded and deterministic: each random step draws from its own stream
(:data:`STREAMS`), so the same seed gives the same tables, byte for byte once
written, and changing one step leaves the others alone. The method and its
assumptions are described in :mod:`divide.modeled.calibration`
(:data:`~divide.modeled.calibration.ASSUMPTIONS`).

Examples
--------
>>> rank_within(np.array([0, 0, 0, 1]), np.array([1.0, 3.0, 2.0, 5.0])).tolist()
[2, 0, 1, 0]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from divide._errors import DivideError
from divide.geography.crosswalk.allocate import largest_remainder
from divide.modeled.calibration import CALIBRATED_PCT, CALIBRATION, LOADINGS, URBAN_RURAL_ODDS_RATIO, odds
from divide.modeled.constraints import CONSTRAINED_COLUMNS, province_constraints, quotas
from divide.modeled.covariates import INDICATOR_COLUMNS, covariates
from divide.provenance import GENERATOR_VERSION, LABEL, SOURCE

__all__ = ["STREAMS", "constrained_top_k", "flag_villages", "generate", "modeled_attrs", "rank_within", "village_frame"]

_NOISE_SD = 0.4
_VILLAGE_SIZE_EXPONENT = 0.2
_VILLAGE_GAMMA_SHAPE = 2.0
#: Share of households passed inside a village that fibre reaches: uniform in this range, by commune.
_FIBRE_PASSAGE = (0.6, 1.0)

#: Random streams (one per step, so that changing one step leaves the others alone).
STREAMS = {
    "village_weights": 1,
    "village_keys": 2,
    "no_signal": 3,
    "no_power": 4,
    "fibre_keys": 5,
    "points": 6,
    "fibre_passage": 7,
}
_STREAM_NOISE = {col: 100 + i for i, col in enumerate(CALIBRATED_PCT)}

def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(stream)]))


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _largest_remainder(quota: np.ndarray, total: int) -> np.ndarray:
    """Integers summing to ``total`` as close as possible to the non-negative ``quota`` (scaled to ``total``)."""
    quota = np.asarray(quota, dtype="float64")
    return largest_remainder(quota * (total / quota.sum()), total)


def constrained_top_k(log_weight: np.ndarray, group: np.ndarray, quota: Mapping[str, int], total: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Indices of ``total`` items drawn without replacement, ``quota[g]`` of them from group ``g``.

    One Gumbel key per item (``log_weight`` plus Gumbel noise): each quota
    takes the top keys of its group, the rest of ``total`` the top keys of
    the items outside every quota'd group. Within each part this is a draw
    without replacement with probabilities proportional to ``exp(log_weight)``;
    with no quota it is the plain Gumbel top-k. Indices come in descending
    key order.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> picked = constrained_top_k(np.zeros(6), np.array(list("aabbcc")), {"a": 2}, 3, rng)
    >>> sorted(picked.tolist())[:2], len(picked)
    ([0, 1], 3)
    """
    keys = log_weight + rng.gumbel(size=log_weight.shape)
    keys[~np.isfinite(log_weight)] = -np.inf
    rest = total - int(sum(quota.values()))
    if rest < 0:
        raise DivideError(f"the province quotas ({int(sum(quota.values()))}) exceed the national total {total}")
    free = np.ones(len(keys), dtype=bool)
    parts = []
    for g in sorted(quota):
        mine = group == g
        free &= ~mine
        parts.append(_top(keys, mine, int(quota[g]), f"province {g}"))
    parts.append(_top(keys, free, rest, "the provinces without a quota"))
    chosen = np.concatenate(parts)
    return chosen[np.argsort(-keys[chosen], kind="stable")]


def _top(keys: np.ndarray, mask: np.ndarray, k: int, where: str) -> np.ndarray:
    """The ``k`` items of ``mask`` with the largest finite keys (ties by position)."""
    idx = np.flatnonzero(mask & np.isfinite(keys))
    if len(idx) < k:
        raise DivideError(f"cannot place {k} villages in {where}: only {len(idx)} eligible")
    return idx[np.argsort(-keys[idx], kind="stable")[:k]]


def _villages_total(cov: pd.DataFrame) -> np.ndarray:
    pop = cov["population"].to_numpy()
    density = np.expm1(cov["log_density"].to_numpy())
    size = np.maximum(density, 1.0) ** _VILLAGE_SIZE_EXPONENT
    quota = np.where(pop > 0, pop / size, 0.0)
    total = CALIBRATION["villages_total"]["value"]
    populated = pop > 0
    # at least one village per populated commune, the rest by largest remainder
    counts = np.zeros(len(pop), dtype="int64")
    counts[populated] = 1
    rest = _largest_remainder(np.maximum(quota * (total / quota.sum()) - 1.0, 0.0), total - int(populated.sum()))
    return counts + rest


def village_frame(codes: np.ndarray, totals: np.ndarray, seed: int) -> pd.DataFrame:
    """One row per village: commune, number, population weight and random ordering keys."""
    commune = np.repeat(np.arange(len(codes)), totals)
    number = np.concatenate([np.arange(1, n + 1) for n in totals]) if len(commune) else np.zeros(0, "int64")
    w = _rng(seed, STREAMS["village_weights"]).gamma(_VILLAGE_GAMMA_SHAPE, size=len(commune))
    sums = np.bincount(commune, weights=w, minlength=len(codes))
    share = w / sums[commune]
    # smaller villages are more likely to be the unserved ones; larger ones get fibre first
    k1 = _rng(seed, STREAMS["village_keys"]).gumbel(size=len(commune))
    k2 = _rng(seed, STREAMS["fibre_keys"]).gumbel(size=len(commune))
    return pd.DataFrame(
        {
            "commune": commune,
            "number": number,
            "share": share,
            "isolation_key": -np.log(share) + 0.5 * k1,
            "fibre_key": np.log(share) + 0.5 * k2,
        }
    )


def rank_within(commune: np.ndarray, key: np.ndarray, eligible: np.ndarray | None = None) -> np.ndarray:
    """0-based rank of each village inside its commune by descending ``key`` (ineligible ones last)."""
    k = key.astype("float64").copy()
    if eligible is not None:
        k[~eligible] = -np.inf
    order = np.lexsort((-k, commune))  # by commune, then key descending
    rank = np.empty(len(k), dtype="int64")
    first = np.r_[0, np.flatnonzero(np.diff(commune[order])) + 1]
    starts = np.repeat(first, np.diff(np.r_[first, len(order)]))
    rank[order] = np.arange(len(order)) - starts
    return rank


def flag_villages(vf: pd.DataFrame, no_signal: np.ndarray, no_power: np.ndarray,
                  fibre_count: np.ndarray) -> pd.DataFrame:
    """Set has_mobile_signal / has_power / has_fiber from per-commune counts (arrays by commune position)."""
    c = vf["commune"].to_numpy()
    iso_rank = rank_within(c, vf["isolation_key"].to_numpy())
    unserved = iso_rank < no_signal[c]
    unpowered = iso_rank < no_power[c]  # no_power <= no_signal: a subset of the unserved
    fibre_rank = rank_within(c, vf["fibre_key"].to_numpy(), eligible=~unserved & ~unpowered)
    fibre = (fibre_rank < fibre_count[c]) & ~unserved & ~unpowered
    out = vf.copy()
    out["has_mobile_signal"] = ~unserved
    out["has_power"] = ~unpowered
    out["has_fiber"] = fibre
    return out


def _fibre_counts(vf: pd.DataFrame, fibre_pct: np.ndarray, n_communes: int) -> np.ndarray:
    """Villages (largest first, among served ones) needed for their population to cover fibre_pct."""
    c = vf["commune"].to_numpy()
    served = vf["has_mobile_signal"].to_numpy() & vf["has_power"].to_numpy()
    rank = rank_within(c, vf["fibre_key"].to_numpy(), eligible=served)
    order = np.lexsort((rank, c))
    share = np.where(served, vf["share"].to_numpy(), 0.0)[order]
    cs = np.cumsum(share)
    first = np.r_[0, np.flatnonzero(np.diff(c[order])) + 1] if len(order) else np.zeros(0, "int64")
    base = np.repeat(cs[first] - share[first], np.diff(np.r_[first, len(order)]))
    cum_before = cs - share - base  # population share of higher-ranked villages
    target = np.nan_to_num(fibre_pct, nan=0.0)[c[order]] / 100.0
    needed = served[order] & (cum_before < target - 1e-12)
    counts = np.bincount(c[order], weights=needed.astype("float64"), minlength=n_communes).astype("int64")
    n_served = np.bincount(c, weights=served.astype("float64"), minlength=n_communes).astype("int64")
    return np.where(n_served > 0, np.maximum(counts, 1), 0)


def _calibrate(linear: np.ndarray, urban: np.ndarray, rural: np.ndarray, weight: np.ndarray, target: float,
               odds_ratio: float, cap: np.ndarray | None = None) -> tuple[np.ndarray, float, float]:
    """Solve intercept a and urban shift g: weighted mean = target and urban/rural odds ratio = odds_ratio."""
    from scipy.optimize import brentq

    cap = np.full(len(linear), 100.0) if cap is None else cap
    wsum, wu, wr = weight.sum(), weight[urban].sum(), weight[rural].sum()

    def values(a: float, g: float) -> np.ndarray:
        return np.minimum(100.0 * _expit(a + g * urban + linear), cap)

    def intercept(g: float) -> float:
        return brentq(lambda a: (weight * values(a, g)).sum() / wsum - target, -40.0, 40.0, xtol=1e-12)

    def log_or(g: float) -> float:
        p = values(intercept(g), g)
        pu = (weight[urban] * p[urban]).sum() / wu
        pr = (weight[rural] * p[rural]).sum() / wr
        return np.log(odds(pu)) - np.log(odds(pr)) - np.log(odds_ratio)

    g = brentq(log_or, -5.0, 15.0, xtol=1e-10)
    a = intercept(g)
    return values(a, g), a, g


def generate(national: pd.DataFrame, seed: int, constraints: Mapping[str, Mapping[str, int]] | None = None,
             ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """National indicator table, village attribute frame, and fitted parameters.

    Parameters
    ----------
    national
        The national commune table (:func:`divide.modeled.covariates.national_communes`).
    seed
        Seed of every random step.
    constraints
        Province counts to honour, ``{column: {province_code: count}}`` for
        ``villages_no_signal`` and ``villages_no_power``; default the current
        reported counts (:func:`divide.modeled.constraints.province_constraints`);
        ``{}`` for none. The national totals stay the calibration targets: the
        rest is drawn in the other provinces.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, dict)
        The indicator table (:data:`~divide.modeled.covariates.INDICATOR_COLUMNS`
        and ``source``), one row per village (commune position, number, share,
        ordering keys, flags), and ``{"fitted": parameters, "cov": covariates,
        "constraints": the quotas used}``.
    """
    if constraints is None:
        constraints = quotas(province_constraints()[0])
    quota = {c: {str(k): int(v) for k, v in constraints.get(c, {}).items()} for c in CONSTRAINED_COLUMNS}
    unknown = set(constraints) - set(CONSTRAINED_COLUMNS)
    if unknown:
        raise DivideError(f"province constraints on unknown column(s) {sorted(unknown)}; "
                          f"only {list(CONSTRAINED_COLUMNS)} can be constrained")
    cov = covariates(national)
    codes = cov.index.to_numpy()
    n = len(codes)
    pop = cov["population"].to_numpy()
    populated = pop > 0

    totals = _villages_total(cov)
    vf = village_frame(codes, totals, seed)
    vc = vf["commune"].to_numpy()

    # 266 villages without signal, in rural xã of the remote half ...
    logw_c = 1.5 * cov["z_remote"] - 1.0 * cov["z_density"] - 0.8 * cov["z_dti"]
    logw_c = np.where(cov["remote_half"].to_numpy() & populated, logw_c.to_numpy(), -np.inf)
    # ... exactly the reported count in provinces with a current report (divide.modeled.constraints)
    province = cov["province_code"].to_numpy().astype(str)
    picked = constrained_top_k(logw_c[vc].copy(), province[vc], quota["villages_no_signal"],
                               CALIBRATION["villages_no_signal"]["value"], _rng(seed, STREAMS["no_signal"]))
    no_signal = np.bincount(vc[picked], minlength=n)
    logw_p = (1.0 * cov["z_remote"] - 0.5 * cov["z_density"]).to_numpy()[vc[picked]]
    picked_p = constrained_top_k(logw_p.copy(), province[vc[picked]], quota["villages_no_power"],
                                 CALIBRATION["villages_no_power"]["value"], _rng(seed, STREAMS["no_power"]))
    no_power = np.bincount(vc[picked[picked_p]], minlength=n)

    vf = flag_villages(vf, no_signal, no_power, np.zeros(n, dtype="int64"))
    unserved_share = np.bincount(vc, weights=vf["share"].to_numpy() * ~vf["has_mobile_signal"].to_numpy(), minlength=n)
    cap_4g = 100.0 * (1.0 - unserved_share)

    urban = cov["urban"].to_numpy()
    rural = cov["rural"].to_numpy()
    x = cov[["z_density", "z_remote", "z_dti"]].to_numpy()
    island = cov["island"].to_numpy().astype("float64")
    out = pd.DataFrame(index=cov.index)
    params: dict[str, dict[str, float]] = {}
    for col in CALIBRATED_PCT:
        b = LOADINGS[col]
        noise = _rng(seed, _STREAM_NOISE[col]).normal(0.0, _NOISE_SD, size=n)
        linear = x @ np.asarray(b[:3]) + b[3] * island + noise
        values, a, g = _calibrate(linear[populated], urban[populated], rural[populated], pop[populated],
                                  CALIBRATION[col]["value"], URBAN_RURAL_ODDS_RATIO,
                                  cap=cap_4g[populated] if col == "mobile_4g_pop_pct" else None)
        full = np.full(n, np.nan)
        full[populated] = values
        out[col] = full
        params[col] = {"intercept": float(a), "urban_shift": float(g), "loadings": list(b), "noise_sd": _NOISE_SD}
    out = _round_pct(out)

    # fibre villages: their population must cover fiber_households_pct / passage rate
    passage = _FIBRE_PASSAGE[0] + (_FIBRE_PASSAGE[1] - _FIBRE_PASSAGE[0]) * _rng(seed, STREAMS["fibre_passage"]).random(n)
    cover = np.minimum(out["fiber_households_pct"].to_numpy() / passage, 100.0)
    fibre_count = _fibre_counts(vf, cover, n)
    vf = flag_villages(vf, no_signal, no_power, fibre_count)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fiber_villages_pct"] = np.where(totals > 0, 100.0 * fibre_count / np.maximum(totals, 1), np.nan)
    out["villages_total"] = totals
    out["villages_no_signal"] = no_signal
    out["villages_no_power"] = no_power
    out = _round_pct(out)[INDICATOR_COLUMNS]
    out["source"] = SOURCE
    out.index.name = "commune_code"
    vf["commune_code"] = codes[vc]
    vf["population"] = np.rint(vf["share"].to_numpy() * pop[vc]).astype("int64")
    return out, vf, {"fitted": params, "cov": cov, "constraints": quota}


def _round_pct(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        if col.endswith("_pct"):
            frame[col] = frame[col].round(2).clip(0.0, 100.0)
    return frame


def modeled_attrs(seed: int, achieved: dict | None = None, constraints: dict | None = None) -> dict:
    """The ``attrs`` of a modeled table or layer: the label, seed, generator version and calibration targets.

    ``achieved`` (national values) and ``constraints`` (the province quotas
    honoured, ``{column: {province_code: count}}``) are added when given.
    """
    attrs = {
        "modeled": True,
        "source": SOURCE,
        "label": LABEL,
        "seed": int(seed),
        "generator": "divide.modeled",
        "generator_version": GENERATOR_VERSION,
        "calibration": {k: {"value": v["value"], "citation": v["citation"]} for k, v in CALIBRATION.items()},
    }
    if achieved is not None:
        attrs["achieved"] = achieved
    if constraints is not None:
        attrs["province_constraints"] = constraints
    return attrs
