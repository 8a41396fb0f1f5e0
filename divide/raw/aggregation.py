"""Per-commune aggregation of assigned points: partial sums that reduce, and weighted medians.

The engines of :func:`divide.raw.points.aggregate_points` (in memory and
:mod:`divide.raw.dask_engine`) share these steps: a frame of points with a
``_commune`` id (0-based position in code order, -1 for none) becomes
per-commune partial sums (:func:`partial_sums`), which add up across
partitions (:func:`reduce_partials`); medians need all points of a commune
together (:func:`commune_medians`); :func:`finish_table` writes the result.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"_commune": [0, 0, 1, -1], "v": [1.0, 3.0, 5.0, 7.0]})
>>> partial_sums(frame, [("v", "sum")], None, 2)["v|s"].tolist()
[7.0, 4.0, 5.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide._errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from divide.raw.checks import PointsReport

__all__ = [
    "AGGREGATIONS",
    "aggregation_plan",
    "assignment_series",
    "commune_medians",
    "fill_report",
    "finish_table",
    "partial_sums",
    "reduce_partials",
    "weighted_median",
]

#: Aggregations understood by :func:`divide.raw.points.aggregate_points`.
AGGREGATIONS = ("count", "sum", "mean", "median", "min", "max")


def fill_report(report: PointsReport, labels: pd.Index, pos: np.ndarray, valid: np.ndarray, n_exact: int,
                resolution: float) -> None:
    """Count in ``report`` the points assigned and those in no commune (``pos`` -1 where ``valid``)."""
    outside = (pos < 0) & valid
    report.n_outside = int(outside.sum())
    report.n_assigned = int((pos >= 0).sum())
    report.outside_examples = labels[outside][:10].tolist()
    report.n_exact = int(n_exact)
    report.resolution = resolution


def assignment_series(pos: np.ndarray, codes: np.ndarray, index: pd.Index, report: PointsReport) -> pd.Series:
    """The categorical ``commune_code`` Series of an assignment (``pos`` -1: NA), with the report in ``attrs``."""
    cat = pd.Categorical.from_codes(pos, categories=pd.Index(codes, dtype="str"))
    s = pd.Series(cat, index=index, name="commune_code")
    s.attrs["points_report"] = report.to_dict()
    return s


def aggregation_plan(columns: Iterable[str] | str | None,
                     how: str | Iterable[str] | Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (column, aggregation) pairs asked by ``columns`` and ``how`` (see :func:`divide.raw.points.aggregate_points`).

    Examples
    --------
    >>> aggregation_plan(None, {"mbps": ["median", "mean"], "tests": "sum"})
    [('mbps', 'median'), ('mbps', 'mean'), ('tests', 'sum')]
    """
    if columns is None:
        columns = list(how) if isinstance(how, Mapping) else []
    columns = [columns] if isinstance(columns, str) else list(columns)
    plan = []
    for col in columns:
        spec = how.get(col, "sum") if isinstance(how, Mapping) else how
        for agg in ([spec] if isinstance(spec, str) else list(spec)):
            if agg not in AGGREGATIONS:
                raise InputError(f"unknown aggregation {agg!r} for column {col!r}", fix=f"use one of {AGGREGATIONS}")
            plan.append((col, agg))
    return plan


def weighted_median(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted median: the value where the cumulative weight first reaches half the total.

    Values are sorted; if the cumulative weight equals exactly half the total
    at a value, the median is the mean of that value and the next one (so
    with equal weights it is the ordinary median). NaN values and
    non-positive or NaN weights are ignored; nothing left gives NaN.

    Examples
    --------
    >>> weighted_median([10.0, 20.0, 30.0], [1, 1, 5]), weighted_median([1.0, 2.0, 3.0, 4.0])
    (30.0, 2.5)
    """
    v = np.asarray(values, dtype="float64")
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype="float64")
    frame = pd.DataFrame({"_commune": np.zeros(len(v), dtype=np.int32), "v": v, "w": w})
    out = commune_medians(frame, [("v", "median")], "w")
    return float(out["v_median"].iloc[0]) if len(out) else float("nan")


def commune_medians(frame: pd.DataFrame, plan: list[tuple[str, str]], weights: str | None) -> pd.DataFrame:
    """Weighted medians per commune id (the communes present in ``frame`` only).

    The result depends only on the rows of each commune, never on their order
    or on other communes' rows, so partitions shuffled by commune give the
    same numbers as the whole table.
    """
    cols = sorted({c for c, a in plan if a == "median"})
    pieces = {}
    c_all = frame["_commune"].to_numpy()
    w_all = (np.ones(len(frame)) if weights is None
             else pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
    for col in cols:
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = (c_all >= 0) & ~np.isnan(v) & ~np.isnan(w_all) & (w_all > 0)
        c, vv, w = c_all[ok], v[ok], w_all[ok]
        # sort by commune, value, weight (lexsort on three keys took 2.5 s for 5 M rows; this ~4x less):
        # with equal weights the order among equal values is immaterial, so one unstable sort of the values;
        # then a stable sort by commune (radix sort on int16 codes)
        if len(w) and (w != w[0]).any():
            order = np.argsort(w, kind="stable")
            order = order[np.argsort(vv[order], kind="stable")]
        else:
            order = np.argsort(vv)
        small = c.astype(np.int16) if c.size and c.max() < 32767 else c
        order = order[np.argsort(small[order], kind="stable")]
        c, vv, w = c[order], vv[order], w[order]
        if not len(c):
            pieces[f"{col}_median"] = pd.Series(dtype="float64")
            continue
        within = pd.Series(w).groupby(c, sort=False).cumsum().to_numpy()
        start = np.r_[True, c[1:] != c[:-1]]
        last = np.r_[c[1:] != c[:-1], True]
        group = np.cumsum(start) - 1
        total = within[last][group]
        reach = np.flatnonzero(within >= total / 2)  # the last row of each group always reaches
        g = group[reach]
        first = reach[np.r_[True, g[1:] != g[:-1]]]
        med = vv[first].copy()
        tie = (within[first] == total[first] / 2) & ~last[first]
        med[tie] = (vv[first[tie]] + vv[first[tie] + 1]) / 2
        pieces[f"{col}_median"] = pd.Series(med, index=c[first])
    out = pd.DataFrame(pieces)
    out.index.name = "_commune"
    return out


def partial_sums(frame: pd.DataFrame, plan: list[tuple[str, str]], weights: str | None, n: int) -> pd.DataFrame:
    """Per-commune partial sums, counts, minima and maxima (rows: commune id -1..n-1; -1 = no commune)."""
    c = frame["_commune"].to_numpy().astype(np.int64) + 1
    size = n + 1
    data: dict[str, np.ndarray] = {"_n": np.bincount(c, minlength=size).astype("float64")}
    w = (None if weights is None
         else pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
    for col in sorted({col for col, _ in plan}):
        aggs = {a for cc, a in plan if cc == col}
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(v)
        data[f"{col}|c"] = np.bincount(c[ok], minlength=size).astype("float64")
        data[f"{col}|s"] = np.bincount(c[ok], weights=v[ok], minlength=size)
        if "mean" in aggs and w is not None:
            okw = ok & ~np.isnan(w) & (w > 0)
            data[f"{col}|ws"] = np.bincount(c[okw], weights=v[okw] * w[okw], minlength=size)
            data[f"{col}|w"] = np.bincount(c[okw], weights=w[okw], minlength=size)
        if aggs & {"min", "max"}:
            s = pd.Series(v[ok]).groupby(c[ok])
            data[f"{col}|min"] = s.min().reindex(range(size)).to_numpy(dtype="float64", na_value=np.nan)
            data[f"{col}|max"] = s.max().reindex(range(size)).to_numpy(dtype="float64", na_value=np.nan)
    out = pd.DataFrame(data, index=pd.RangeIndex(-1, n, name="_commune"))
    return out[out["_n"] > 0]


def reduce_partials(partials: pd.DataFrame) -> pd.DataFrame:
    """Sum the partial tables of :func:`partial_sums` by commune id (minima and maxima by min and max)."""
    funcs = {c: ("min" if c.endswith("|min") else "max" if c.endswith("|max") else "sum") for c in partials.columns}
    return partials.groupby(level=0).agg(funcs)


def finish_table(total: pd.DataFrame, medians: pd.DataFrame | None, plan: list[tuple[str, str]], weights: str | None,
                 codes: np.ndarray, index: pd.Index, report: PointsReport) -> pd.DataFrame:
    """The per-commune table from the reduced partials and medians, on the communes' ``index``."""
    n = len(codes)
    total = total.reindex(range(-1, n))
    outside = float(total["_n"].iloc[0]) if pd.notna(total["_n"].iloc[0]) else 0.0
    t = total.iloc[1:].reset_index(drop=True)
    out = pd.DataFrame(index=pd.Index(codes, name="commune_code", dtype="str"))
    out["points"] = t["_n"].fillna(0).to_numpy().astype("int64")
    for col, agg in plan:
        name = f"{col}_{agg}"
        if agg == "count":
            out[name] = t[f"{col}|c"].fillna(0).to_numpy().astype("int64")
        elif agg == "sum":
            out[name] = t[f"{col}|s"].fillna(0.0).to_numpy()
        elif agg == "mean":
            num, den = (t[f"{col}|ws"], t[f"{col}|w"]) if weights is not None else (t[f"{col}|s"], t[f"{col}|c"])
            with np.errstate(invalid="ignore", divide="ignore"):
                out[name] = np.where(den.to_numpy() > 0, num.to_numpy() / den.to_numpy(), np.nan)
        elif agg in ("min", "max"):
            out[name] = t[f"{col}|{agg}"].to_numpy()
        else:
            m = medians[name] if medians is not None and name in medians else pd.Series(dtype="float64")
            out[name] = m.reindex(range(n)).to_numpy(dtype="float64")
    report.n_outside = int(outside) - report.n_invalid  # the no-commune bucket also holds invalid points
    report.n_assigned = int(out["points"].sum())
    return out.reindex(pd.Index(index.astype(str), name="commune_code"))
