"""Normalisation of indicators and outlier treatment.

Every normaliser returns scores oriented by ``direction``: with
``direction=+1`` the score rises with the value, with ``direction=-1`` it
falls. The divide index passes the indicator's direction so that every score
means "higher = wider divide". NaN stays NaN.

When to use which
-----------------
``goalposts``
    Fixed bounds (0–100 % by default, or national targets). Scores keep an
    absolute meaning and are comparable across years and subsets; the
    project default.
``minmax``
    Bounds from the data (0 = best commune, 100 = worst). Relative; one
    extreme commune moves everyone (hence the outlier rule).
``zscore``
    Mean 0, standard deviation 1 (sample, ``ddof=1``). Relative; unbounded,
    so the pillars must be rescaled (Purdue DDI).
``rank``
    Percentile of the commune's rank, 0–100 (ties share the average rank).
    Robust to outliers; discards distances.
``distance_to_target``
    Shortfall from a target, as a share of the worst observed shortfall:
    0 at or beyond the target, 100 at the worst commune.

Examples
--------
>>> import numpy as np
>>> minmax(np.array([10.0, 20.0, 50.0]), direction=-1).tolist()
[100.0, 75.0, 0.0]
>>> goalposts(np.array([10.0, 120.0]), 0, 100).tolist()
[10.0, 100.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from divide._errors import InputError

__all__ = [
    "minmax",
    "zscore",
    "rank",
    "goalposts",
    "distance_to_target",
    "normalise",
    "skew_kurtosis",
    "winsorise",
]


def _arr(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _spread_error(name: str, what: str) -> InputError:
    return InputError(
        f"indicator {name!r} is constant ({what}): it cannot be normalised from its own spread",
        where=f"column {name!r}",
        fix="drop it from the spec, or normalise it with goalposts (fixed bounds)",
    )


def minmax(values: Any, direction: int = 1, *, name: str = "values") -> np.ndarray:
    """Min–max scaling to 0–100: ``100 (x - min) / (max - min)`` (reversed when ``direction=-1``).

    Examples
    --------
    >>> import numpy as np
    >>> minmax(np.array([2.0, 4.0, 6.0, np.nan])).tolist()
    [0.0, 50.0, 100.0, nan]
    """
    x = _arr(values)
    lo, hi = np.nanmin(x), np.nanmax(x)
    if not hi > lo:
        raise _spread_error(name, f"min = max = {lo:g}")
    s = (x - lo) / (hi - lo) * 100.0
    return s if direction > 0 else 100.0 - s


def zscore(values: Any, direction: int = 1, *, name: str = "values") -> np.ndarray:
    """Standard scores ``(x - mean) / sd`` with the sample standard deviation (``ddof=1``).

    Examples
    --------
    >>> import numpy as np
    >>> zscore(np.array([1.0, 2.0, 3.0]), direction=-1).tolist()
    [1.0, 0.0, -1.0]
    """
    x = _arr(values)
    sd = np.nanstd(x, ddof=1) if np.isfinite(x).sum() > 1 else 0.0
    if not sd > 0:
        raise _spread_error(name, "standard deviation 0")
    z = (x - np.nanmean(x)) / sd
    return z if direction > 0 else 0.0 - z


def rank(values: Any, direction: int = 1, *, name: str = "values") -> np.ndarray:
    """Percentile rank, 0–100: ``100 (r - 1) / (n - 1)`` with average ranks for ties.

    Examples
    --------
    >>> import numpy as np
    >>> rank(np.array([5.0, 1.0, 5.0, 3.0])).tolist()
    [83.33333333333333, 0.0, 83.33333333333333, 33.333333333333336]
    """
    from scipy.stats import rankdata

    x = _arr(values)
    ok = np.isfinite(x)
    n = int(ok.sum())
    if n < 2 or np.nanmin(x) == np.nanmax(x):
        raise _spread_error(name, "every value equal")
    out = np.full(x.shape, np.nan)
    out[ok] = 100.0 * (rankdata(direction * x[ok], method="average") - 1.0) / (n - 1.0)
    return out


def goalposts(values: Any, low: float = 0.0, high: float = 100.0, direction: int = 1) -> np.ndarray:
    """Fixed bounds: ``100 clip((x - low) / (high - low), 0, 1)`` (reversed when ``direction=-1``).

    Values beyond the goalposts are clipped, so a score of 0 means "at or past
    the best goalpost".

    Examples
    --------
    >>> import numpy as np
    >>> goalposts(np.array([60.0, 85.0, 95.0]), 70, 90, direction=-1).tolist()
    [100.0, 25.0, 0.0]
    """
    if not high > low:
        raise InputError(f"goalposts [{low}, {high}]: high must exceed low", fix="write [low, high] with low < high")
    s = 100.0 * np.clip((_arr(values) - low) / (high - low), 0.0, 1.0)
    return s if direction > 0 else 100.0 - s


def distance_to_target(values: Any, target: float, direction: int = 1, *, name: str = "values") -> np.ndarray:
    """Shortfall from ``target`` as a share (0–100) of the worst observed shortfall.

    With ``direction=-1`` (higher is better) the score is
    ``100 max(0, target - x) / (target - min)``; with ``direction=+1`` (higher
    is worse) it is ``100 max(0, x - target) / (max - target)``. Communes at or
    beyond the target score 0; when none falls short, every score is 0.

    Examples
    --------
    >>> import numpy as np
    >>> distance_to_target(np.array([40.0, 70.0, 90.0, 100.0]), 80, direction=-1).tolist()
    [100.0, 25.0, 0.0, 0.0]
    """
    x = _arr(values)
    if direction < 0:
        gap = target - x
        worst = target - np.nanmin(x)
    else:
        gap = x - target
        worst = np.nanmax(x) - target
    if not worst > 0:
        return np.where(np.isfinite(x), 0.0, np.nan)
    return 100.0 * np.clip(gap / worst, 0.0, None)


def normalise(
    values: Any,
    method: str,
    *,
    direction: int = 1,
    bounds: tuple[float, float] = (0.0, 100.0),
    target: float | None = None,
    name: str = "values",
) -> np.ndarray:
    """Dispatch to one normaliser by name (``goalposts`` uses ``bounds``; ``distance_to_target`` uses ``target``).

    The default target is the best goalpost: ``bounds[1]`` when higher is
    better, ``bounds[0]`` when higher is worse.

    Examples
    --------
    >>> import numpy as np
    >>> normalise(np.array([0.0, 5.0, 10.0]), "minmax", direction=-1).tolist()
    [100.0, 50.0, 0.0]
    """
    if method == "goalposts":
        return goalposts(values, bounds[0], bounds[1], direction)
    if method == "minmax":
        return minmax(values, direction, name=name)
    if method == "zscore":
        return zscore(values, direction, name=name)
    if method == "rank":
        return rank(values, direction, name=name)
    if method == "distance_to_target":
        if target is None:
            target = bounds[1] if direction < 0 else bounds[0]
        return distance_to_target(values, target, direction, name=name)
    raise InputError(f"unknown normalisation {method!r}",
                     fix="choose goalposts, minmax, zscore, rank or distance_to_target")


def skew_kurtosis(values: Any) -> tuple[float, float]:
    """Sample skewness and excess kurtosis, bias-corrected (as pandas ``skew``/``kurt`` and Excel).

    Examples
    --------
    >>> import numpy as np
    >>> s, k = skew_kurtosis(np.array([1.0, 1.0, 1.0, 1.0, 10.0]))
    >>> round(s, 3), round(k, 3)
    (2.236, 5.0)
    """
    from scipy.stats import kurtosis, skew

    x = _arr(values)
    x = x[np.isfinite(x)]
    if x.size < 4 or np.all(x == x[0]):
        return 0.0, 0.0
    return float(skew(x, bias=False)), float(kurtosis(x, fisher=True, bias=False))


def winsorise(
    values: Any, *, skew: float = 2.0, kurtosis: float = 3.5, max_share: float = 0.05
) -> tuple[np.ndarray, dict[str, Any]]:
    """Winsorise a skewed tail until ``|skewness| <= skew`` or ``kurtosis <= kurtosis``.

    The rule is the composite-indicator practice (OECD/JRC Handbook; COINr):
    treat an indicator when ``|skewness| > 2`` and ``kurtosis > 3.5``. The
    ``k`` most extreme values on the side of the skew are set to the next
    value, for the smallest ``k`` that ends the rule, at most
    ``max_share`` of the values. Every candidate ``k`` is evaluated at once
    (an array of shape ``(k_max, n)``), not in a Python loop over refits.

    Returns
    -------
    (numpy.ndarray, dict)
        The values (a copy) and a report: ``skew``, ``kurtosis`` (before),
        ``status`` (``"ok"``, ``"winsorised"`` or ``"unresolved"``: the rule
        still holds after ``max_share``, values left untouched),
        ``points``, ``side``, ``skew_after``, ``kurtosis_after``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.r_[np.arange(20.0), 200.0]
    >>> out, rep = winsorise(x, max_share=0.1)
    >>> rep["status"], rep["points"], float(out[-1])
    ('winsorised', 1, 19.0)
    """
    from scipy.stats import kurtosis as _kurt
    from scipy.stats import skew as _skew

    x = _arr(values).copy()
    s0, k0 = skew_kurtosis(x)
    report: dict[str, Any] = {"skew": round(s0, 6), "kurtosis": round(k0, 6), "status": "ok", "points": 0,
                              "side": None, "skew_after": round(s0, 6), "kurtosis_after": round(k0, 6)}
    if not (abs(s0) > skew and k0 > kurtosis):
        return x, report
    ok = np.isfinite(x)
    v = np.sort(x[ok])
    n = v.size
    kmax = int(np.floor(max_share * n))
    high = s0 > 0
    report["side"] = "high" if high else "low"
    if kmax < 1:
        report["status"] = "unresolved"
        return x, report
    ks = np.arange(1, kmax + 1)
    cand = np.broadcast_to(v, (kmax, n)).copy()
    idx = np.arange(n)
    if high:
        cap = v[n - 1 - ks]  # the (k+1)-th largest
        mask = idx[None, :] >= (n - ks)[:, None]
    else:
        cap = v[ks]
        mask = idx[None, :] < ks[:, None]
    cand = np.where(mask, cap[:, None], cand)
    constant = cand.max(axis=1) == cand.min(axis=1)
    with np.errstate(all="ignore"):
        sk = _skew(cand, axis=1, bias=False)
        ku = _kurt(cand, axis=1, fisher=True, bias=False)
    done = ~((np.abs(sk) > skew) & (ku > kurtosis)) & ~constant
    if not done.any():
        report["status"] = "unresolved"
        return x, report
    j = int(np.argmax(done))
    k = int(ks[j])
    limit = float(cap[j])
    if high:
        x[ok] = np.minimum(x[ok], limit)
    else:
        x[ok] = np.maximum(x[ok], limit)
    report.update(status="winsorised", points=k, limit=limit, skew_after=round(float(sk[j]), 6),
                  kurtosis_after=round(float(ku[j]), 6))
    return x, report
