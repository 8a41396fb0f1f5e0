"""Uncertainty and sensitivity of the divide index ranks (Monte Carlo over construction choices).

:func:`index_uncertainty` answers "would this commune still rank 12th if the
index were built differently?". Each replication draws four choices (the
*factors*):

``weights``
    every indicator and pillar weight multiplied by a factor drawn from
    U(1 - δ, 1 + δ) (δ = ``weight_noise``, default 0.25), around the nominal
    weights (equal, user or PCA as the spec says);
``normalisation``
    one of the spec's normalisation, goalposts, min–max, z-score and rank;
``aggregation``
    the spec's (pillar, index) aggregation pair, or arithmetic/arithmetic,
    geometric/geometric, arithmetic/exponential (IMD);
``drop``
    no indicator dropped, or one indicator left out (each with the same
    probability; an indicator alone in its pillar is never dropped).

Variance-based sensitivity indices of the rank to each factor follow the
radial design of Saltelli et al. (2010): ``N`` base draws in two matrices
``A`` and ``B`` and, for each factor ``i``, ``A`` with column ``i`` taken
from ``B``; ``N (K + 2)`` replications in all for ``K`` factors (``N = n //
(K + 2)``). First order (Saltelli 2010) ``S_i = E[f_B (f_ABi - f_A)] / V`` and
total (Jansen 1999) ``S_Ti = E[(f_A - f_ABi)^2] / 2V``, for the rank ``f`` of
each commune, summed over communes before the ratio (the generalised
indices of Gamboa et al., 2014, for a vector output): the share of the
variance of all ranks due to each choice. The estimates are noisy at small
``N`` (they may fall slightly below 0); every replication also feeds the rank
median and 5–95 % interval.

Speed: the index is not rebuilt per replication (COINr does). The normalised
scores of each method are computed once; replications that share a
normalisation and an aggregation are scored together with matrix products
``weights (reps × indicators) @ scores (indicators × communes)``, and ranks
are taken on the ``(reps, communes)`` array at once.

Examples
--------
>>> import divide
>>> from divide.analysis.index import index_uncertainty
>>> communes = divide.load_communes("Lai Châu")
>>> u = index_uncertainty(divide.model_indicators(communes), n=120, seed=1, communes=communes)
>>> u.ranks.columns.tolist()
['rank_nominal', 'rank_median', 'rank_p05', 'rank_p95']
>>> u.sensitivity.index.tolist()
['weights', 'normalisation', 'aggregation', 'drop']
>>> bool((u.ranks["rank_p05"] <= u.ranks["rank_p95"]).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.analysis.index import aggregate as aggregation
from divide.analysis.index import engine
from divide.analysis.index.spec import IndexSpec
from divide.provenance import jsonable

__all__ = ["UncertaintyResult", "index_uncertainty", "FACTORS"]

#: The construction choices varied by :func:`index_uncertainty`.
FACTORS = ("weights", "normalisation", "aggregation", "drop")

_NORMALISATIONS = ("goalposts", "minmax", "zscore", "rank")
_AGGREGATIONS = (("arithmetic", "arithmetic"), ("geometric", "geometric"), ("arithmetic", "exponential"))


@dataclass
class UncertaintyResult:
    """Rank intervals and sensitivity indices of the divide index.

    Attributes
    ----------
    ranks
        On the table's index: ``rank_nominal`` (Int64, the rank of
        :func:`compute_index`), ``rank_median``, ``rank_p05``, ``rank_p95``
        (float; NaN for units with no data).
    sensitivity
        Indexed by factor (``weights``, ``normalisation``, ``aggregation``,
        ``drop``): ``S_i`` (first order), ``S_Ti`` (total), ``options``.
    runs
        Ranks of every replication, int32 array ``(replications, communes)``
        (0 where the commune is not ranked).
    choices
        One row per replication: ``normalisation``, ``aggregation``,
        ``dropped`` and the design block (``A``, ``B`` or ``AB_<factor>``).
    log
        Parameters (``n``, replications run, seed, options, weight noise).
    attrs
        ``{"modeled": bool}`` propagated from the table.
    """

    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    runs: np.ndarray
    choices: pd.DataFrame
    log: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- precomputation


@dataclass
class _Option:
    label: str
    scores: np.ndarray  # (communes, indicators), maybe unbounded (z)
    bounded: np.ndarray  # on 0–100
    logach: np.ndarray  # log(100 - bounded + offset), NaN -> 0
    expo: np.ndarray  # IMD transform per indicator
    avail: np.ndarray  # finite mask as float
    rescale: bool  # rescale pillars per replication


def _normalise_option(values: pd.DataFrame, treated: pd.DataFrame, spec: IndexSpec, method: str | None) -> np.ndarray:
    from divide.analysis.index.normalise import normalise
    from divide.analysis.index.spec import DATA_DRIVEN

    cols = []
    for ind in spec.indicators:
        m = method or spec.method_of(ind)
        x = (treated if m in DATA_DRIVEN else values)[ind.name].to_numpy()
        try:
            s = normalise(x, m, direction=ind.direction, bounds=ind.bounds, target=ind.target, name=ind.name)
        except InputError:
            # A constant indicator under a data-driven method carries no information: score 0.
            s = np.where(np.isfinite(x), 0.0, np.nan)
        cols.append(s)
    return np.column_stack(cols)


def _minmax_cols(s: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(s, axis=0), np.nanmax(s, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return 100.0 * (s - lo) / span


def _make_option(label: str, s: np.ndarray, offset: float, rescale: bool) -> _Option:
    unbounded = label == "zscore" or np.nanmin(s) < -1e-9 or np.nanmax(s) > 100 + 1e-9
    bounded = _minmax_cols(s) if unbounded else s
    ach = np.clip(100.0 - bounded, 0.0, 100.0) + offset
    logach = np.where(np.isfinite(ach), np.log(np.maximum(ach, 1e-12)), 0.0)
    return _Option(label=label, scores=s, bounded=bounded, logach=logach, expo=aggregation.exponential_transform(s),
                   avail=np.isfinite(s).astype(float), rescale=rescale or unbounded)


# --------------------------------------------------------------------------- vectorised scoring


def _rowwise_rescale(p: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        lo = np.nanmin(p, axis=1, keepdims=True)
        hi = np.nanmax(p, axis=1, keepdims=True)
        span = np.where(hi > lo, hi - lo, 1.0)
        return 100.0 * (p - lo) / span


def _rowwise_expo(p: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    ok = np.isfinite(p)
    n = ok.sum(axis=1, keepdims=True)
    r = rankdata(np.where(ok, p, -np.inf), axis=1, method="average") - (~ok).sum(axis=1, keepdims=True)
    c = 1.0 - np.exp(-100.0 / aggregation.IMD_LAMBDA)
    with np.errstate(all="ignore"):
        x = -aggregation.IMD_LAMBDA * np.log(1.0 - (r / np.maximum(n, 1)) * c)
    return np.where(ok, x, np.nan)


def _score_group(opt: _Option, pair: tuple[str, str], w_ind: np.ndarray, w_pil: np.ndarray,
                 groups: list[np.ndarray], offset: float) -> np.ndarray:
    """Index values (reps, communes) for replications sharing one option and one aggregation pair."""
    pillar_method, index_method = pair
    pillars = []
    for cols in groups:
        w = w_ind[:, cols]  # (R, kj)
        den = w @ opt.avail[:, cols].T  # (R, C)
        with np.errstate(all="ignore"):
            if pillar_method == "geometric":
                g = np.exp((w @ opt.logach[:, cols].T) / den) - offset
                p = 100.0 - g
            else:
                src = opt.expo if pillar_method == "exponential" else opt.scores
                p = (w @ np.nan_to_num(src[:, cols], nan=0.0).T) / den
        p = np.where(den > 0, p, np.nan)
        if opt.rescale:
            p = _rowwise_rescale(p)
        pillars.append(p)
    wp = w_pil / w_pil.sum(axis=1, keepdims=True)  # (R, P)
    with np.errstate(all="ignore"):
        if index_method == "geometric":
            acc = sum(wp[:, [j]] * np.log(np.maximum(np.clip(100.0 - p, 0, 100) + offset, 1e-12))
                      for j, p in enumerate(pillars))
            idx = 100.0 - (np.exp(acc) - offset)
        elif index_method == "exponential":
            idx = sum(wp[:, [j]] * _rowwise_expo(p) for j, p in enumerate(pillars))
        else:
            idx = sum(wp[:, [j]] * p for j, p in enumerate(pillars))
    return idx


def _rank_rows(idx: np.ndarray) -> np.ndarray:
    """Rank each row, 1 = widest divide, ties share the smallest rank; NaN ranks last."""
    from scipy.stats import rankdata

    return rankdata(np.where(np.isfinite(idx), -idx, np.inf), axis=1, method="min").astype(np.int32)


# --------------------------------------------------------------------------- public


def index_uncertainty(
    table: pd.DataFrame,
    spec: IndexSpec | str | Path | dict[str, Any] | None = None,
    *,
    n: int = 1000,
    seed: int | None = None,
    communes: pd.DataFrame | None = None,
    factors: tuple[str, ...] = FACTORS,
    weight_noise: float = 0.25,
    normalisations: tuple[str, ...] = _NORMALISATIONS,
) -> UncertaintyResult:
    """Monte Carlo rank intervals and variance-based sensitivity of the divide index.

    Parameters
    ----------
    table, spec, communes
        As for :func:`~divide.analysis.index.compute_index` (the nominal index).
    n
        Replications (default 1,000); ``N (K + 2) <= n`` are run with
        ``N = n // (K + 2)`` base draws for ``K`` factors.
    seed
        Seed of the draws (default ``divide.settings.DEFAULT_SEED``): the
        same seed gives the same result.
    factors
        The choices to vary (a subset of :data:`FACTORS`); the others stay
        at the spec's value.
    weight_noise
        Half-width δ of the multiplicative weight perturbation U(1 - δ, 1 + δ).
    normalisations
        Alternative normalisations (besides the spec's own).

    Returns
    -------
    UncertaintyResult
        ``.ranks`` (``rank_nominal``, ``rank_median``, ``rank_p05``,
        ``rank_p95``) on the table's index and ``.sensitivity``.

    Raises
    ------
    divide.InputError
        Unknown factor, ``n`` too small for the design, or any error of
        :func:`~divide.analysis.index.compute_index`.

    Examples
    --------
    >>> import divide
    >>> communes = divide.load_communes("Lai Châu")
    >>> table = divide.model_indicators(communes)
    >>> a = index_uncertainty(table, n=60, seed=7, communes=communes)
    >>> b = index_uncertainty(table, n=60, seed=7, communes=communes)
    >>> a.ranks.equals(b.ranks)
    True
    """
    factors = tuple(factors)
    unknown = [f for f in factors if f not in FACTORS]
    if unknown or not factors:
        raise InputError(f"unknown or no factor(s) {unknown}", where="factors", fix=f"choose from {list(FACTORS)}")
    n = int(n)
    k_fac = len(factors)
    base = n // (k_fac + 2)
    if base < 2:
        raise InputError(f"n = {n} replications is too few for {k_fac} factors", where="n",
                         fix=f"use n >= {2 * (k_fac + 2)} (the default is 1,000)")
    if not 0 <= weight_noise < 1:
        raise InputError(f"weight_noise {weight_noise} is outside [0, 1)", where="weight_noise", fix="use 0.25")
    seed = settings.DEFAULT_SEED if seed is None else int(seed)

    nominal = engine.compute_index(table, spec, communes=communes)
    spec = nominal.spec
    tbl = engine.check_table(table, spec)
    provinces = engine.province_codes(tbl.index, tbl, communes)
    prep = engine.prepare(tbl, spec, provinces)
    treated, _ = engine.treat_outliers(prep.values, spec)
    valid = nominal.scores["divide_index"].notna().to_numpy()
    offset = spec.zero_offset

    # Options of each categorical factor; option 0 is always the spec's own choice.
    methods = {spec.method_of(i) for i in spec.indicators}
    own = methods.pop() if len(methods) == 1 else "spec"
    norm_labels = [own] + [m for m in normalisations if m != own]
    options = []
    for label in norm_labels:
        s = _normalise_option(prep.values, treated, spec, None if label == own else label)
        opt = _make_option(label, s[valid], offset, spec.rescale)
        if label == own:
            opt.rescale = spec.rescale
        options.append(opt)
    own_pair = (spec.pillar_aggregation, spec.index_aggregation)
    agg_pairs = [own_pair] + [p for p in _AGGREGATIONS if p != own_pair]
    names = [i.name for i in spec.indicators]
    groups = [np.array([names.index(i.name) for i in p.indicators]) for p in spec.pillars]
    droppable = [names.index(i.name) for p in spec.pillars if len(p.indicators) > 1 for i in p.indicators]
    n_drop = len(droppable) + 1
    w0 = np.array([nominal.weights["indicators"][p.name][i.name] for p in spec.pillars for i in p.indicators])
    wp0 = np.array([nominal.weights["pillars"][p.name] for p in spec.pillars])
    k, n_p = len(names), len(spec.pillars)

    # Design: A and B (base x factors), then AB_i.
    rng = np.random.default_rng(seed)

    def draw() -> dict[str, np.ndarray]:
        d = {
            "weights": rng.uniform(1 - weight_noise, 1 + weight_noise, size=(base, k + n_p)),
            "normalisation": rng.integers(0, len(options), size=base),
            "aggregation": rng.integers(0, len(agg_pairs), size=base),
            "drop": rng.integers(0, n_drop, size=base),
        }
        fixed = {"weights": np.ones((base, k + n_p)), "normalisation": np.zeros(base, int),
                 "aggregation": np.zeros(base, int), "drop": np.zeros(base, int)}
        return {f: (d[f] if f in factors else fixed[f]) for f in FACTORS}

    a_mat, b_mat = draw(), draw()
    blocks = [("A", a_mat), ("B", b_mat)]
    for f in factors:
        ab = {g: a_mat[g].copy() for g in FACTORS}
        ab[f] = b_mat[f].copy()
        blocks.append((f"AB_{f}", ab))
    design = {f: np.concatenate([blk[f] for _, blk in blocks]) for f in FACTORS}
    block_of = np.repeat([b for b, _ in blocks], base)
    runs = len(block_of)

    w_ind = w0[None, :] * design["weights"][:, :k]
    dropped = np.array([-1] + droppable)[design["drop"]]
    has_drop = dropped >= 0
    w_ind[np.flatnonzero(has_drop), dropped[has_drop]] = 0.0
    w_pil = wp0[None, :] * design["weights"][:, k:]

    ranks = np.zeros((runs, int(valid.sum())), dtype=np.int32)
    for o, opt in enumerate(options):
        for a, pair in enumerate(agg_pairs):
            rows = np.flatnonzero((design["normalisation"] == o) & (design["aggregation"] == a))
            if rows.size == 0:
                continue
            idx = _score_group(opt, pair, w_ind[rows], w_pil[rows], groups, offset)
            ranks[rows] = _rank_rows(idx)

    # Rank statistics over every replication.
    out = pd.DataFrame(index=nominal.scores.index)
    out["rank_nominal"] = nominal.scores["rank_national"]
    rf = ranks.astype(float)
    q = np.percentile(rf, [50, 5, 95], axis=0)
    for name, row in zip(("rank_median", "rank_p05", "rank_p95"), q):
        col = np.full(len(out), np.nan)
        col[valid] = row
        out[name] = col
    attrs = dict(nominal.attrs)
    out.attrs = dict(attrs)

    # Variance-based sensitivity (summed over communes).
    fa, fb = rf[:base], rf[base:2 * base]
    total_var = np.var(np.concatenate([fa, fb]), axis=0, ddof=1).sum()
    sens_rows = []
    opts = {"weights": f"U({1 - weight_noise:g}, {1 + weight_noise:g}) x nominal",
            "normalisation": ", ".join(o.label for o in options),
            "aggregation": ", ".join("/".join(p) for p in agg_pairs),
            "drop": "none, " + ", ".join(names[i] for i in droppable)}
    for i, f in enumerate(factors):
        fab = rf[(2 + i) * base:(3 + i) * base]
        if total_var > 0:
            s1 = float(np.mean(fb * (fab - fa), axis=0).sum() / total_var)
            st = float((0.5 * np.mean((fa - fab) ** 2, axis=0)).sum() / total_var)
        else:
            s1 = st = 0.0
        sens_rows.append({"choice": f, "S_i": s1, "S_Ti": st, "options": opts[f]})
    sensitivity = pd.DataFrame(sens_rows).set_index("choice")
    sensitivity.attrs = dict(attrs)

    full_runs = np.zeros((runs, len(out)), dtype=np.int32)
    full_runs[:, valid] = ranks
    choices = pd.DataFrame({
        "block": block_of,
        "normalisation": [options[i].label for i in design["normalisation"]],
        "aggregation": ["/".join(agg_pairs[i]) for i in design["aggregation"]],
        "dropped": [names[d] if d >= 0 else "" for d in dropped],
    })
    log = {
        "kind": "divide.analysis.index.index_uncertainty",
        "n": n,
        "replications": runs,
        "base_draws": base,
        "seed": seed,
        "factors": list(factors),
        "weight_noise": weight_noise,
        "options": opts,
        "estimators": "first order: Saltelli et al. 2010; total: Jansen 1999; summed over communes",
        "index": nominal.log,
    }
    return UncertaintyResult(ranks=out, sensitivity=sensitivity, runs=full_runs, choices=choices,
                             log=jsonable(log), attrs=attrs)
