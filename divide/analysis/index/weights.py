"""Weights of the indicators within a pillar: equal, user-given, or from PCA.

When to use which
-----------------
``equal``
    No reason to favour one indicator; the transparent default of the OECD/JRC
    Handbook.
``user``
    Weights agreed with policy users (written in the spec). They are
    normalised to sum to 1; they must be 0 or more and sum to a positive
    number.
``pca``
    Data-driven: the squared loadings of the first principal component of the
    pillar's normalised indicators (standardised), normalised to sum to 1
    (the Handbook's factor-analysis weighting, reduced to the first factor).
    It rewards indicators that move together; an indicator unrelated to the
    others gets little weight. The sign of a loading does not matter.

Examples
--------
>>> equal_weights(4).tolist()
[0.25, 0.25, 0.25, 0.25]
>>> user_weights([2, 1, 1]).tolist()
[0.5, 0.25, 0.25]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from divide._errors import InputError

__all__ = ["equal_weights", "user_weights", "pca_weights"]


def equal_weights(n: int) -> np.ndarray:
    """``n`` equal weights summing to 1."""
    if n < 1:
        raise InputError("no indicator to weight", fix="list at least one indicator")
    return np.full(n, 1.0 / n)


def user_weights(weights: Sequence[float], *, where: str = "weights") -> np.ndarray:
    """Normalise user weights to sum to 1; they must be finite, 0 or more, and sum to a positive number.

    Examples
    --------
    >>> user_weights([1, 0, 3]).tolist()
    [0.25, 0.0, 0.75]
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
        raise InputError(
            f"weights {w.tolist()} do not sum to a positive number",
            where=where,
            fix="give weights of 0 or more, finite, with at least one positive",
        )
    return w / w.sum()


def pca_weights(scores: Any, *, where: str = "pca weights") -> np.ndarray:
    """Weights from the first principal component: squared loadings, summing to 1.

    Parameters
    ----------
    scores
        Array (communes × indicators) of normalised scores; rows with a
        missing value are left out. Each column is standardised first (PCA on
        the correlation matrix).

    Examples
    --------
    Two indicators: the first component of any 2 × 2 correlation matrix
    loads them equally.

    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 4.0]])
    >>> pca_weights(x).round(6).tolist()
    [0.5, 0.5]
    """
    from sklearn.decomposition import PCA

    x = np.asarray(scores, dtype=float)
    if x.ndim != 2:
        raise InputError("PCA weights need a table of indicators", where=where, fix="pass communes × indicators")
    if x.shape[1] == 1:
        return np.ones(1)
    x = x[np.all(np.isfinite(x), axis=1)]
    if x.shape[0] < max(3, x.shape[1]):
        raise InputError(
            f"PCA weights need more complete rows than indicators ({x.shape[0]} rows)",
            where=where, fix="use weighting: equal or user on small tables",
        )
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise InputError("PCA weights: an indicator is constant", where=where, fix="drop the constant indicator")
    z = (x - x.mean(axis=0)) / sd
    pca = PCA(n_components=1, svd_solver="full").fit(z)
    w = pca.components_[0] ** 2
    return w / w.sum()
