"""The arithmetic of progress: growth-rate ratios, statuses and the shift-share of the gap.

Pure functions on numpy arrays and small tables; :mod:`divide.analysis.progress`
assembles them. The method follows the progress measure of Statistics Canada
as integrated into Open SDG (``docs/progress-methodology.md`` of open-sdg), itself
inspired by Eurostat's:

* observed compound annual growth rate ``CAGR = (y_t / y_0) ** (1 / (t - t_0)) - 1``;
* required rate ``CAGR_T = (y_T / y_0) ** (1 / (T - t_0)) - 1`` to reach the target
  ``y_T`` by its year ``T``;
* ratio ``R = CAGR / CAGR_T``, and the status: target met, on track (``R ≥ 0.95``),
  needs acceleration (``0.60 ≤ R < 0.95``), limited progress (``0 ≤ R < 0.60``),
  deterioration (``R < 0``).

Two refinements, written in ``docs/methods_progress.md``: for "lower is better"
indicators both rates are negative when things improve, so ``R`` keeps its
meaning (the direction flips); and where a compound rate cannot be formed
(a value or the target sits at the natural limit 0, as for villages without
signal with the target "none left") the ratio uses the linear annual change
instead, which is what the compound rate tends to near the limit. Without a
target, the observed rate is judged against fixed rates (Open SDG: 1.5 % and
0.5 % a year) scaled down near the natural limit of a share (100 %) by
``C = (y_lim - y_0) / y_lim``, so that a share already close to 100 % can
still be on track.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "ON_TRACK",
    "ACCELERATION",
    "NO_TARGET_RATES",
    "annual_rates",
    "classify",
    "shift_share",
]

#: Status codes, best first, then "no data".
STATUSES = ("met", "on_track", "acceleration", "limited", "deterioration", "insufficient")

#: What each status is called, in English and Vietnamese.
STATUS_LABELS = {
    "en": {"met": "target met", "on_track": "on track", "acceleration": "needs acceleration",
           "limited": "limited progress", "deterioration": "deterioration", "insufficient": "insufficient data"},
    "vi": {"met": "đã đạt mục tiêu", "on_track": "đúng tiến độ", "acceleration": "cần tăng tốc",
           "limited": "tiến bộ hạn chế", "deterioration": "đi xuống", "insufficient": "chưa đủ dữ liệu"},
}

#: Ratio thresholds (Statistics Canada / Open SDG).
ON_TRACK = 0.95
ACCELERATION = 0.60

#: Fixed observed rates of indicators without a target (on track, needs acceleration), per year.
NO_TARGET_RATES = (0.015, 0.005)


def annual_rates(y0: np.ndarray, yt: np.ndarray, years: np.ndarray, target: np.ndarray,
                 target_years: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed and required annual rates, and whether they are compound (``True``) or linear.

    Parameters
    ----------
    y0, yt
        First and last values.
    years
        Years between them (``t - t_0``, > 0).
    target, target_years
        Target value and years from the first value to the target (``T - t_0``); NaN without a target.

    Returns
    -------
    (observed, required, compound)
        Compound rates (fractions a year) where the first value, the last value and the target are all
        positive; else linear changes (units a year). ``required`` is NaN without a target.

    Examples
    --------
    >>> obs, req, comp = annual_rates(np.array([50.0, 10.0]), np.array([72.0, 4.0]), np.array([4.0, 4.0]),
    ...                               np.array([80.0, 0.0]), np.array([5.0, 5.0]))
    >>> obs.round(4).tolist(), req.round(4).tolist(), comp.tolist()
    ([0.0954, -1.5], [0.0986, -2.0], [True, False])
    """
    y0, yt, years = (np.asarray(a, dtype=float) for a in (y0, yt, years))
    target, target_years = np.asarray(target, dtype=float), np.asarray(target_years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        compound = (y0 > 0) & (yt > 0) & ~(target <= 0)
        observed = np.where(compound, (yt / y0) ** (1 / years) - 1, (yt - y0) / years)
        required = np.where(compound, (target / y0) ** (1 / target_years) - 1, (target - y0) / target_years)
    return observed, np.where(np.isnan(target), np.nan, required), compound


def classify(y0: np.ndarray, yt: np.ndarray, years: np.ndarray, target: np.ndarray, target_years: np.ndarray,
             higher: np.ndarray, limit: np.ndarray) -> dict[str, np.ndarray]:
    """The progress status of each unit, by the growth-rate ratio.

    Parameters
    ----------
    y0, yt, years, target, target_years
        As for :func:`annual_rates`.
    higher
        ``True`` where higher values are better.
    limit
        Natural upper limit of the value (100 for a share, NaN for a count): scales the fixed rates of
        indicators without a target.

    Returns
    -------
    dict
        ``observed``, ``required``, ``ratio`` (observed / required; NaN without a target or when the first
        value already met it; above 1 when the unit goes faster than needed), ``compound`` and ``status`` (codes of :data:`STATUSES`).

    Examples
    --------
    Four communes, target 80 % by 2025, values of 2020 and 2024 (met, on track, slow, worse):

    >>> r = classify(np.array([60.0, 50.0, 50.0, 50.0]), np.array([82.0, 72.0, 60.0, 45.0]),
    ...              np.full(4, 4.0), np.full(4, 80.0), np.full(4, 5.0), np.full(4, True), np.full(4, 100.0))
    >>> r["status"].tolist()
    ['met', 'on_track', 'limited', 'deterioration']
    >>> r["ratio"].round(3).tolist()
    [1.371, 0.968, 0.473, -0.264]
    """
    y0, yt = np.asarray(y0, dtype=float), np.asarray(yt, dtype=float)
    higher = np.asarray(higher, dtype=bool)
    target = np.asarray(target, dtype=float)
    observed, required, compound = annual_rates(y0, yt, years, target, target_years)
    sign = np.where(higher, 1.0, -1.0)
    has_target = ~np.isnan(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        met_now = has_target & (sign * (yt - target) >= 0)
        met_base = has_target & (sign * (y0 - target) >= 0)
        ratio = np.where(has_target & ~met_base & (required != 0), observed / required, np.nan)
        # Without a target: the observed rate, in the desired direction, against fixed rates scaled near 100 %.
        scale = np.where(np.isnan(limit) | ~higher, 1.0, np.clip((limit - y0) / limit, 0.0, 1.0))
        directed = sign * np.where(compound, observed, observed / np.where(y0 > 0, y0, 1.0))
    on_track, acceleration = NO_TARGET_RATES
    status = np.full(y0.shape, "insufficient", dtype=object)
    known = ~np.isnan(y0) & ~np.isnan(yt)
    with_t = known & has_target
    status[with_t] = np.select(
        [met_now[with_t], met_base[with_t], ratio[with_t] >= ON_TRACK, ratio[with_t] >= ACCELERATION,
         ratio[with_t] >= 0],
        ["met", "deterioration", "on_track", "acceleration", "limited"], "deterioration")
    without = known & ~has_target
    d, s = directed[without], scale[without]
    status[without] = np.select([d >= on_track * s, d >= acceleration * s, d >= 0],
                                ["on_track", "acceleration", "limited"], "deterioration")
    return {"observed": observed, "required": required, "ratio": ratio, "compound": compound, "status": status}


def shift_share(x0: pd.Series, x1: pd.Series, w0: pd.Series, w1: pd.Series, urban: pd.Series) -> dict[str, float]:
    """Split the change of the urban − rural gap into within-urban, within-rural and population-shift parts.

    The gap of a year is ``U - R``, the population-weighted means of the urban and the rural communes.
    With midpoint (Bennet) weights the change of each mean splits exactly into a value part and a
    composition part: ``ΔU = Σ s̄_i Δx_i + Σ x̄_i Δs_i`` over urban communes (``s_i`` the commune's share of
    the urban population), and likewise for ``R``. Then ``Δgap = within_urban + within_rural +
    population_shift`` with ``within_urban = Σ_U s̄ Δx``, ``within_rural = −Σ_R s̄ Δx`` and
    ``population_shift`` the composition parts (population moving between communes changes whom the
    means describe). Communes without a value in either year are left out of both years.

    Parameters
    ----------
    x0, x1
        Values of the two years, on one index.
    w0, w1
        Population (weights) of the two years.
    urban
        Boolean: official urban class.

    Returns
    -------
    dict
        ``gap_from``, ``gap_to``, ``change``, ``within_urban``, ``within_rural``, ``population_shift``.

    Examples
    --------
    >>> import pandas as pd
    >>> i = list("abcd")
    >>> out = shift_share(pd.Series([80, 60, 20, 40.0], i), pd.Series([85, 70, 30, 50.0], i),
    ...                   pd.Series([1, 1, 1, 1.0], i), pd.Series([2, 1, 1, 1.0], i),
    ...                   pd.Series([True, True, False, False], i))
    >>> {k: round(v, 4) for k, v in out.items()}
    {'gap_from': 40.0, 'gap_to': 40.0, 'change': 0.0, 'within_urban': 7.0833, 'within_rural': -10.0, 'population_shift': 2.9167}
    """
    x0, x1, w0, w1 = (np.asarray(a, dtype=float) for a in (x0, x1, w0, w1))
    urban = np.asarray(urban, dtype=bool)
    ok = ~(np.isnan(x0) | np.isnan(x1) | np.isnan(w0) | np.isnan(w1))
    parts = {}
    means = {}
    for group, mask in (("urban", ok & urban), ("rural", ok & ~urban)):
        s0 = w0[mask] / w0[mask].sum()
        s1 = w1[mask] / w1[mask].sum()
        a0, a1 = x0[mask], x1[mask]
        means[group] = (float((s0 * a0).sum()), float((s1 * a1).sum()))
        parts[group] = (float((((s0 + s1) / 2) * (a1 - a0)).sum()), float((((a0 + a1) / 2) * (s1 - s0)).sum()))
    gap_from = means["urban"][0] - means["rural"][0]
    gap_to = means["urban"][1] - means["rural"][1]
    return {
        "gap_from": gap_from,
        "gap_to": gap_to,
        "change": gap_to - gap_from,
        "within_urban": parts["urban"][0],
        "within_rural": -parts["rural"][0],
        "population_shift": parts["urban"][1] - parts["rural"][1],
    }
