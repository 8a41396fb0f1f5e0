"""Commune typologies: clusters of communes by their divide profile, each named from its profile.

:func:`typology` clusters the communes on standardised columns (by default
the two pillars, ``infrastructure_gap`` and ``usage_gap``; any indicator
columns can be used) with scikit-learn, chooses the number of types ``k``
and names every type from its profile.

Choice of k
-----------
* ``method="kmeans"``: k-means (10 starts, seeded) for each k of
  ``k_range``; the k with the highest **silhouette** wins (ties: the
  smaller k).
* ``method="gmm"``: Gaussian mixture (full covariances, 3 starts, seeded);
  the k with the lowest **BIC** wins.

``result.selection`` keeps the score of every k tried.

Names
-----
Every type's mean z-score on the infrastructure and usage columns is read as
*low* (below −0.5), *mid* or *high* (above +0.5); higher means a wider gap.
The pair gives the name (English / Vietnamese):

================  ================  ==============================================
infrastructure    usage             type
================  ================  ==============================================
low               low               connected / kết nối tốt
low or mid        high              covered but low use / có hạ tầng, ít sử dụng
high              low or mid        infrastructure gap / thiếu hạ tầng
high              high              remote and unserved / vùng sâu, chưa được phục vụ
                                    (``unserved / chưa được phục vụ`` when the type is
                                    not remote: mean ``remoteness_km`` at or below the
                                    median, when that column is known)
low               mid               mostly connected / kết nối khá
mid               low or mid        middle / trung bình
================  ================  ==============================================

When two types get the same name they are told apart by a suffix
(``"(1)"``, ``"(2)"``, … in order of their mean divide). With other
``columns``, the infrastructure columns are those whose name contains
``infra``, ``fiber``, ``4g``, ``signal``, ``power`` and the rest count as usage.

Order and stability
-------------------
``type_id`` runs from 1 (the narrowest divide: lowest mean of
``divide_index`` when present, else of the ``columns``) to k, so the same
seed gives the same ids, names and labels. Units with a missing value get
``type_id`` ``<NA>`` and type ``"no data"``. When no k of ``k_range`` fits
the data (k must not exceed the number of distinct profiles, nor the number
of units less one; e.g. all-equal values) every unit gets one type,
``"uniform"`` (``k = 1``).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> centres = np.repeat([[10.0, 10.0], [80.0, 15.0], [15.0, 80.0]], 30, axis=0)
>>> xy = centres + rng.normal(0, 3, centres.shape)
>>> t = pd.DataFrame(xy, columns=["infrastructure_gap", "usage_gap"], index=[f"{i:05d}" for i in range(90)])
>>> res = typology(t, seed=1)
>>> res.k, list(res.profiles["type"])
(3, ['connected', 'covered but low use', 'infrastructure gap'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from divide import settings
from divide._checks import check_columns, check_unique_index
from divide._errors import InputError
from divide.provenance import carry

__all__ = ["typology", "Typology", "TYPE_NAMES"]

DEFAULT_COLUMNS = ("infrastructure_gap", "usage_gap")

#: English → Vietnamese names of the types.
TYPE_NAMES = {
    "connected": "kết nối tốt",
    "mostly connected": "kết nối khá",
    "middle": "trung bình",
    "covered but low use": "có hạ tầng, ít sử dụng",
    "infrastructure gap": "thiếu hạ tầng",
    "remote and unserved": "vùng sâu, chưa được phục vụ",
    "unserved": "chưa được phục vụ",
    "uniform": "đồng nhất",
    "no data": "không có dữ liệu",
}

_INFRA_HINTS = ("infra", "fiber", "fibre", "4g", "signal", "power", "coverage")


@dataclass
class Typology:
    """Result of :func:`typology`.

    Attributes
    ----------
    labels
        DataFrame on the table's index: ``type_id`` (Int64, 1..k), ``type``
        (English name), ``type_vi`` (Vietnamese name).
    selection
        One row per k tried: ``silhouette`` (k-means) or ``bic`` (GMM).
    k
        The number of types chosen.
    profiles
        One row per type (index ``type_id``): name, communes, population
        (when known), mean of each column, mean z-scores, levels.
    method, parameters
        How it was computed.
    """

    labels: pd.DataFrame
    selection: pd.DataFrame
    k: int
    profiles: pd.DataFrame
    method: str = "kmeans"
    parameters: dict = field(default_factory=dict)


def _level(zmean: float) -> str:
    return "high" if zmean > 0.5 else "low" if zmean < -0.5 else "mid"


def _name(infra: str, usage: str, remote: bool | None) -> str:
    if infra == "low" and usage == "low":
        return "connected"
    if infra in ("low", "mid") and usage == "high":
        return "covered but low use"
    if infra == "high" and usage in ("low", "mid"):
        return "infrastructure gap"
    if infra == "high" and usage == "high":
        return "unserved" if remote is False else "remote and unserved"
    if infra == "low":
        return "mostly connected"
    return "middle"


def _fit(method: str, x: np.ndarray, k: int, seed: int):
    if method == "kmeans":
        from sklearn.cluster import KMeans

        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x)
        return model, model.labels_
    from sklearn.mixture import GaussianMixture

    model = GaussianMixture(n_components=k, covariance_type="full", n_init=3, random_state=seed).fit(x)
    return model, model.predict(x)


def _select(method: str, x: np.ndarray, ks: list[int], seed: int, rows: list[dict]):
    """Fit every k; return (score, k, labels) of the best (silhouette max / BIC min; ties: the smaller k)."""
    from sklearn.metrics import silhouette_score

    best = None
    for kk in ks:
        model, lab = _fit(method, x, kk, seed)
        if method == "kmeans":
            score = float(silhouette_score(x, lab)) if 1 < len(np.unique(lab)) < len(x) else np.nan
            rows.append({"k": kk, "silhouette": score})
            better = best is None or not np.isfinite(best[0]) or (np.isfinite(score) and score > best[0] + 1e-12)
        else:
            score = float(model.bic(x))
            rows.append({"k": kk, "bic": score})
            better = best is None or score < best[0] - 1e-9
        if better:
            best = (score, kk, lab)
    return best


def typology(
    table: pd.DataFrame,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    *,
    method: str = "kmeans",
    k: int | None = None,
    k_range: Sequence[int] = range(2, 9),
    seed: int = settings.DEFAULT_SEED,
) -> Typology:
    """Cluster communes by their divide profile and name each type.

    Parameters
    ----------
    table
        Commune table indexed by ``commune_code`` with the ``columns``
        (higher = wider gap). ``divide_index``, ``population`` and
        ``remoteness_km`` are used for ordering, profiles and names when
        present.
    columns
        Numeric columns to cluster on (standardised to z-scores first).
    method
        ``"kmeans"`` (k chosen by silhouette) or ``"gmm"`` (by BIC).
    k
        Fix the number of types instead of choosing it.
    k_range
        The k tried when ``k`` is None.
    seed
        Seed of the clustering (scikit-learn ``random_state``).

    Returns
    -------
    Typology
        ``.labels`` (same index as ``table``), ``.selection``, ``.k``,
        ``.profiles``. ``attrs["modeled"]`` is carried from ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"infrastructure_gap": [5.0, 6, 90, 91, 5, 92], "usage_gap": [5.0, 4, 6, 5, 6, 4]},
    ...                  index=["00001", "00002", "00003", "00004", "00005", "00006"])
    >>> res = typology(t, k=2)  # usage alike everywhere: "mid", so "mostly connected" rather than "connected"
    >>> res.labels["type"].tolist()
    ['mostly connected', 'mostly connected', 'infrastructure gap', 'infrastructure gap', 'mostly connected', 'infrastructure gap']
    """
    columns = check_columns(table, columns)
    if method not in ("kmeans", "gmm"):
        raise InputError(f"unknown method {method!r}", where="method", fix="use 'kmeans' or 'gmm'")
    check_unique_index(table)
    raw = pd.DataFrame(table[columns].to_numpy(dtype=float), index=table.index, columns=columns)
    valid = raw.notna().all(axis=1).to_numpy()
    x_raw = raw.to_numpy()[valid]
    mean = x_raw.mean(axis=0) if len(x_raw) else np.zeros(len(columns))
    sd = x_raw.std(axis=0) if len(x_raw) else np.ones(len(columns))
    sd = np.where(sd > 0, sd, 1.0)
    x = (x_raw - mean) / sd
    n_distinct = len(np.unique(np.round(x, 12), axis=0)) if len(x) else 0

    if k is not None:
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise InputError(f"k must be a positive integer, got {k!r}", where="k", fix="e.g. k=4")
        if k > max(n_distinct, 1):
            raise InputError(f"k={k} types asked for but the table has only {n_distinct} distinct profile(s)",
                             where="k", fix=f"use k <= {max(n_distinct, 1)}")
        ks = [int(k)]
    else:
        asked = [int(v) for v in k_range]
        if not asked or min(asked) < 2:
            raise InputError(f"k_range must hold values of at least 2, got {asked}", where="k_range",
                             fix="e.g. k_range=range(2, 9)")
        ks = sorted({v for v in asked if v <= min(n_distinct, len(x) - 1)})

    selection_rows: list[dict] = []
    if not ks or n_distinct < 2:
        chosen_k, assign = 1, np.zeros(len(x), dtype=int)
    else:
        from threadpoolctl import threadpool_limits

        # One BLAS/OpenMP thread: on this 2-core machine the default thread pools made k-means 20x slower
        # (0.35 s vs 0.02 s per fit, 3,319 units), and one thread keeps the result independent of the machine.
        with threadpool_limits(1):
            _, chosen_k, assign = _select(method, x, ks, seed, selection_rows)
    selection = pd.DataFrame(selection_rows or [{"k": 1}]).set_index("k")

    # order clusters by mean divide (divide_index when present, else the mean of the columns), ties by first code
    if "divide_index" in table.columns and pd.api.types.is_numeric_dtype(table["divide_index"]):
        key = pd.to_numeric(table["divide_index"], errors="coerce").to_numpy(dtype=float)[valid]
        key = np.where(np.isfinite(key), key, x_raw.mean(axis=1))
    else:
        key = x_raw.mean(axis=1)
    codes = np.asarray(table.index[valid].astype(str))
    clusters = np.unique(assign)
    order = sorted(clusters, key=lambda c: (float(key[assign == c].mean()), codes[assign == c].min()))
    remap = {c: i + 1 for i, c in enumerate(order)}
    type_id = np.array([remap[c] for c in assign], dtype=int)

    infra_cols = [i for i, c in enumerate(columns) if any(h in c.lower() for h in _INFRA_HINTS)]
    usage_cols = [i for i in range(len(columns)) if i not in infra_cols]
    remote = None
    if "remoteness_km" in table.columns:
        rem = pd.to_numeric(table["remoteness_km"], errors="coerce").to_numpy(dtype=float)[valid]
        med = np.nanmedian(rem) if np.isfinite(rem).any() else np.nan
    pop = (pd.to_numeric(table["population"], errors="coerce").to_numpy(dtype=float)[valid]
           if "population" in table.columns else None)

    profiles = []
    for t in range(1, chosen_k + 1):
        m = type_id == t
        zm = x[m].mean(axis=0)
        infra = _level(float(zm[infra_cols].mean())) if infra_cols else "mid"
        usage = _level(float(zm[usage_cols].mean())) if usage_cols else "mid"
        if "remoteness_km" in table.columns and np.isfinite(med):
            remote = bool(np.nanmean(rem[m]) > med)
        name = "uniform" if chosen_k == 1 else _name(infra, usage, remote)
        row = {"type_id": t, "type": name, "communes": int(m.sum())}
        if pop is not None:
            row["population"] = float(np.nansum(pop[m]))
        row["divide_mean"] = float(key[m].mean())
        for j, c in enumerate(columns):
            row[f"mean_{c}"] = float(x_raw[m, j].mean())
            row[f"z_{c}"] = float(zm[j])
        row["infrastructure_level"], row["usage_level"] = infra, usage
        profiles.append(row)
    profiles = pd.DataFrame(profiles).set_index("type_id")
    # tell apart types with the same name, in order of mean divide
    counts = profiles["type"].value_counts()
    seen: dict[str, int] = {}
    names = []
    for name in profiles["type"]:
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            names.append(f"{name} ({seen[name]})")
        else:
            names.append(name)
    profiles["type"] = names
    profiles["type_vi"] = [_vi(n) for n in names]

    tid = pd.Series(pd.NA, index=table.index, dtype="Int64")
    tid[valid] = type_id
    name_en = pd.Series("no data", index=table.index, dtype="str")
    name_vi = pd.Series(TYPE_NAMES["no data"], index=table.index, dtype="str")
    name_en[valid] = profiles["type"].reindex(type_id).to_numpy()
    name_vi[valid] = profiles["type_vi"].reindex(type_id).to_numpy()
    labels = pd.DataFrame({"type_id": tid, "type": name_en, "type_vi": name_vi}, index=table.index)
    for frame in (labels, profiles, selection):
        carry(table, frame)
    params = {"columns": columns, "method": method, "k": k, "k_range": list(k_range), "seed": seed,
              "criterion": "silhouette (max)" if method == "kmeans" else "BIC (min)",
              "standardisation": "z-scores over the units with data"}
    return Typology(labels=labels, selection=selection, k=int(chosen_k), profiles=profiles, method=method,
                    parameters=params)


def _vi(name: str) -> str:
    base, _, suffix = name.partition(" (")
    vi = TYPE_NAMES.get(base, base)
    return f"{vi} ({suffix}" if suffix else vi
