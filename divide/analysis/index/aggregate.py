"""Aggregation of scores (communes × components) into one score per commune.

Scores are "higher = wider divide" on 0–100 (z-scores are allowed with the
arithmetic mean only). Weights are normalised over the components a commune
has: a missing score (NaN) is skipped and the others re-weighted; a commune
with no score at all gets NaN.

When to use which
-----------------
``arithmetic``
    Weighted mean. Fully compensatory: a wide gap on one component is offset
    by small gaps on the others. Transparent; the default.
``geometric``
    Weighted geometric mean of the **achievements** ``a = 100 - s`` (the
    distance from the widest divide), returned as ``100 - G``. Partially
    compensatory: a commune cannot make up for a very poor component with
    good ones, so it scores a wider divide than with the arithmetic mean
    (``100 - G >= arithmetic``). Zeros are handled explicitly: an achievement
    of 0 (the worst score, 100) makes ``G = 0``; ``offset`` (default 1 on the
    0–100 scale) is added before the logarithm and removed after, so a zero
    weighs heavily but does not erase every other component. ``offset=0``
    gives the textbook mean (and a divide of 100 for any commune at the worst
    bound on one component).
``exponential``
    Non-compensatory transform of England's Index of Multiple Deprivation
    (MHCLG, *English Indices of Deprivation 2019: Technical Report*, §3.8):
    each component is ranked (``R`` = rank / N, the widest divide = 1) and
    transformed to ``X = -23 ln(1 - R (1 - e^{-100/23}))``, an exponential
    distribution on 0–100 that stretches the most deprived tail (10 % of
    communes above 50), then averaged with the weights. A commune in the worst
    tail of one component stays high even if it does well on the others. Use
    it to single out communes that are very poor on any one dimension.

Examples
--------
>>> import numpy as np
>>> s = np.array([[50.0, 0.0], [20.0, 40.0]])
>>> arithmetic(s, [0.5, 0.5]).tolist()
[25.0, 30.0]
>>> geometric(s, [0.5, 0.5], offset=0).round(4).tolist()
[29.2893, 30.718]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from divide._errors import InputError

__all__ = ["arithmetic", "geometric", "exponential", "exponential_transform", "aggregate", "IMD_LAMBDA"]

#: The constant of the IMD exponential transform (``X = -23 ln(1 - R(1 - e^{-100/23}))``).
IMD_LAMBDA = 23.0


def _prep(scores: Any, weights: Any) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float)
    if s.ndim == 1:
        s = s[:, None]
    w = np.asarray(weights, dtype=float)
    if w.shape != (s.shape[1],):
        raise InputError(f"{w.size} weights for {s.shape[1]} components", fix="give one weight per component")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
        raise InputError(f"weights {w.tolist()} do not sum to a positive number",
                         fix="give weights of 0 or more, with at least one positive")
    return s, w


def _available_weight(s: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.isfinite(s).astype(float) @ w


def arithmetic(scores: Any, weights: Any) -> np.ndarray:
    """Weighted arithmetic mean, skipping NaN and re-weighting.

    Examples
    --------
    >>> import numpy as np
    >>> arithmetic(np.array([[10.0, np.nan, 40.0]]), [1, 1, 2]).tolist()
    [30.0]
    """
    s, w = _prep(scores, weights)
    den = _available_weight(s, w)
    num = np.nan_to_num(s, nan=0.0) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def geometric(scores: Any, weights: Any, offset: float = 1.0) -> np.ndarray:
    """Weighted geometric mean of the achievements ``100 - s``, returned as ``100 - G``.

    ``G = exp(Σ w log(a + offset) / Σ w) - offset``; scores must lie in 0–100.

    Examples
    --------
    Achievements 50 and 100 with equal weights: ``G = sqrt(50 * 100) = 70.71``,
    so the divide is 29.29 (the arithmetic mean says 25).

    >>> import numpy as np
    >>> round(float(geometric(np.array([[50.0, 0.0]]), [1, 1], offset=0)[0]), 2)
    29.29
    >>> float(geometric(np.array([[100.0, 0.0]]), [1, 1], offset=0)[0])
    100.0
    """
    s, w = _prep(scores, weights)
    finite = s[np.isfinite(s)]
    if finite.size and (finite.min() < -1e-9 or finite.max() > 100 + 1e-9):
        raise InputError(
            "a geometric mean needs scores on 0–100",
            fix="normalise with goalposts, minmax, rank or distance_to_target (or rescale z-scores first)",
        )
    if offset < 0:
        raise InputError("the geometric mean's offset must be 0 or more", fix="use offset=1 (default) or 0")
    a = np.clip(100.0 - s, 0.0, 100.0) + offset
    used = np.isfinite(a) & (w[None, :] > 0)
    zero = np.any(used & (a <= 0), axis=1)
    logs = np.where(used & (a > 0), np.log(np.where(a > 0, a, 1.0)), 0.0)
    den = _available_weight(s, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.exp((logs @ w) / np.where(den > 0, den, 1.0)) - offset
    g = np.where(zero, 0.0, g)
    return np.where(den > 0, 100.0 - g, np.nan)


def exponential_transform(scores: Any) -> np.ndarray:
    """The IMD exponential transform of each column, by rank (NaN stays NaN).

    ``R`` = average rank / N (the widest divide gets 1), then
    ``X = -23 ln(1 - R (1 - e^{-100/23}))``.

    Examples
    --------
    >>> import numpy as np
    >>> exponential_transform(np.array([10.0, 40.0, 20.0, 30.0])).round(3).tolist()
    [6.518, 100.0, 15.647, 31.009]
    """
    from scipy.stats import rankdata

    s = np.asarray(scores, dtype=float)
    flat = s.ndim == 1
    if flat:
        s = s[:, None]
    out = np.full(s.shape, np.nan)
    c = 1.0 - np.exp(-100.0 / IMD_LAMBDA)
    for j in range(s.shape[1]):
        ok = np.isfinite(s[:, j])
        n = ok.sum()
        if n == 0:
            continue
        r = rankdata(s[ok, j], method="average") / n
        out[ok, j] = -IMD_LAMBDA * np.log(1.0 - r * c)
    return out[:, 0] if flat else out


def exponential(scores: Any, weights: Any) -> np.ndarray:
    """IMD-style non-compensatory aggregation: exponential transform of each component, then weighted mean.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.array([[10.0, 40.0], [40.0, 10.0], [20.0, 20.0], [30.0, 30.0]])
    >>> exponential(s, [1, 1]).round(3).tolist()
    [53.259, 53.259, 15.647, 31.009]
    """
    s, w = _prep(scores, weights)
    return arithmetic(exponential_transform(s), w)


def aggregate(scores: Any, weights: Any, method: str = "arithmetic", *, offset: float = 1.0) -> np.ndarray:
    """Dispatch to :func:`arithmetic`, :func:`geometric` or :func:`exponential` by name.

    Examples
    --------
    >>> import numpy as np
    >>> aggregate(np.array([[20.0, 40.0]]), [1, 3]).tolist()
    [35.0]
    """
    if method == "arithmetic":
        return arithmetic(scores, weights)
    if method == "geometric":
        return geometric(scores, weights, offset=offset)
    if method == "exponential":
        return exponential(scores, weights)
    raise InputError(f"unknown aggregation {method!r}", fix="choose arithmetic, geometric or exponential")
