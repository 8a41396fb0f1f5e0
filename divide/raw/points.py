"""Points to communes, fast: assignment and aggregation for raw layers.

Operators and agencies hold raw layers (mobile sites, speed-test
measurements, village points), not commune tables. :func:`assign_points`
finds the 2025 commune of every point and :func:`aggregate_points` turns the
points into a per-commune table (counts, sums, means, weighted medians) on
the communes' index. Points in no commune (at sea, outside Vietnam) and
points without usable coordinates are **counted and reported**
(:class:`PointsReport`, in ``attrs["points_report"]``), never dropped
silently.

A point on a boundary shared by several communes belongs to **the smallest
code**, exactly as ``geopandas.sjoin(points, communes, predicate="intersects")``
sorted by ``commune_code`` would place it; how the lookup is fast is told in
:mod:`divide.raw.grid`. ``engine="dask"`` runs larger-than-memory inputs
partition by partition (:mod:`divide.raw.dask_engine`). The input checks
(:func:`check_points`, :func:`check_speed_unit`) live in :mod:`divide.raw.checks`
and the aggregation steps (:func:`weighted_median`) in
:mod:`divide.raw.aggregation`; they are importable from here too.

Examples
--------
>>> import divide, geopandas as gpd
>>> lc = divide.load_communes("Lai Châu")
>>> pts = gpd.GeoDataFrame({"v": [1.0, 2.0, 5.0]},
...     geometry=gpd.points_from_xy([lc.centroid_lon.iloc[0], lc.centroid_lon.iloc[0], 105.9],
...                                 [lc.centroid_lat.iloc[0], lc.centroid_lat.iloc[0], 21.0]), crs=4326)
>>> table = aggregate_points(pts, lc, columns=["v"], how="sum")
>>> int(table["points"].sum()), float(table.loc[lc.index[0], "v_sum"])
(2, 3.0)
>>> table.attrs["points_report"]["n_outside"]
1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.provenance import carry
from divide.raw.aggregation import (
    AGGREGATIONS,
    aggregation_plan,
    assignment_series,
    commune_medians,
    fill_report,
    finish_table,
    partial_sums,
    reduce_partials,
    weighted_median,
)
from divide.raw.checks import VIETNAM_BOUNDS, PointsReport, check_points, check_speed_unit, lonlat_columns
from divide.raw.dask_engine import dask_assign_aggregate
from divide.raw.grid import auto_resolution, commune_geometries, commune_grid

__all__ = [
    "VIETNAM_BOUNDS",
    "AGGREGATIONS",
    "PointsReport",
    "assign_points",
    "aggregate_points",
    "check_points",
    "check_speed_unit",
    "lonlat_columns",
    "weighted_median",
]


def assign_points(
    points: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    repair: bool = False,
    resolution: float | None = None,
    engine: Literal["pandas", "dask"] = "pandas",
    npartitions: int | None = None,
    client: Any = None,
) -> pd.Series:
    """The commune of every point (smallest ``commune_code`` on shared boundaries).

    Parameters
    ----------
    points
        GeoDataFrame of points, or DataFrame with ``lon``/``lat`` columns
        (see :func:`check_points`); with ``engine="dask"`` also a dask or
        dask-geopandas collection.
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example
        ``divide.load_communes()`` for all 3,321, or one province).
    repair
        Fix repairable input problems and report them (see :func:`check_points`).
    resolution
        Grid cell in degrees; default chosen from the number of points (the
        result does not depend on it, only the speed).
    engine, npartitions, client
        ``"dask"`` runs partition by partition (see :mod:`divide.raw.dask_engine`).

    Returns
    -------
    pandas.Series
        Categorical ``commune_code`` on the points' index, NA for points in
        no commune and points without coordinates; ``attrs["points_report"]``
        holds the :class:`PointsReport` as a dict.

    Examples
    --------
    >>> import divide, pandas as pd
    >>> lc = divide.load_communes("Lai Châu")
    >>> pts = pd.DataFrame({"lon": [lc.centroid_lon.iloc[3], 110.0], "lat": [lc.centroid_lat.iloc[3], 12.0]})
    >>> s = assign_points(pts, lc)
    >>> s.iloc[0] == lc.index[3], s.isna().tolist()
    (True, [False, True])
    """
    if engine == "dask":
        series, _ = dask_assign_aggregate(points, communes, plan=[], weights=None, repair=repair,
                                          resolution=resolution, npartitions=npartitions, client=client,
                                          want_assignment=True)
        return series
    if engine != "pandas":
        raise InputError(f"unknown engine {engine!r}", fix="use engine='pandas' or engine='dask'")
    codes, _, pos, report = _assign(points, communes, repair, resolution)
    return assignment_series(pos, codes, points.index, report)


def _assign(points: pd.DataFrame, communes: pd.DataFrame, repair: bool, resolution: float | None):
    """The in-memory assignment: codes, the communes' index, positions (-1 none) and the report."""
    codes, geoms, index = commune_geometries(communes)
    x, y, report = check_points(points, repair=repair)
    res = resolution or auto_resolution(len(x))
    pos, n_exact = commune_grid(codes, geoms, res).lookup(x, y)
    fill_report(report, points.index, pos, ~np.isnan(x), n_exact, res)
    return codes, index, pos, report


def aggregate_points(
    points: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    columns: Iterable[str] | str | None = None,
    how: str | Iterable[str] | Mapping[str, Any] = "sum",
    weights: str | None = None,
    engine: Literal["pandas", "dask"] = "pandas",
    npartitions: int | None = None,
    client: Any = None,
    repair: bool = False,
    resolution: float | None = None,
) -> pd.DataFrame:
    """Assign points to communes and aggregate them per commune.

    Parameters
    ----------
    points
        GeoDataFrame of points or DataFrame with ``lon``/``lat`` (EPSG:4326);
        with ``engine="dask"`` also a dask(-geopandas) collection.
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example
        ``divide.load_communes()`` for all 3,321, or one province).
    columns
        Numeric columns to aggregate (default: the keys of ``how`` if it is a
        mapping, else none: only the point count).
    how
        An aggregation (``"count"``, ``"sum"``, ``"mean"``, ``"median"``,
        ``"min"``, ``"max"``), a list of them, or a mapping column → one or a
        list. NaN values are skipped.
    weights
        Optional weight column (for example the number of tests of an
        Ookla tile): ``mean`` and ``median`` are then weighted
        (:func:`weighted_median`); rows with NaN or non-positive weight are
        left out of those two.
    engine, npartitions, client
        ``"pandas"`` (in memory) or ``"dask"`` (see :mod:`divide.raw.dask_engine`).
    repair
        Fix repairable input problems and report them (:func:`check_points`).
    resolution
        Grid cell in degrees (speed only; results do not depend on it).

    Returns
    -------
    pandas.DataFrame
        On the communes' index (``commune_code``): ``points`` (number of
        points) and ``<column>_<aggregation>`` for each one asked. A commune
        without points has count and sums 0 and NaN means, medians, minima and
        maxima. ``attrs["points_report"]`` is the :class:`PointsReport` (as a
        dict) counting points in no commune; ``attrs["modeled"]`` is copied
        from the points.

    Examples
    --------
    >>> import divide, pandas as pd
    >>> lc = divide.load_communes("Lai Châu")
    >>> c = lc.iloc[0]
    >>> pts = pd.DataFrame({"lon": [c.centroid_lon] * 3, "lat": [c.centroid_lat] * 3,
    ...                     "mbps": [10.0, 20.0, 90.0], "tests": [1, 1, 5]})
    >>> t = aggregate_points(pts, lc, columns=["mbps"], how=["median", "mean"], weights="tests")
    >>> t.loc[lc.index[0], ["points", "mbps_median", "mbps_mean"]].tolist()
    [3.0, 90.0, 68.57142857142857]
    """
    plan = aggregation_plan(columns, how)
    needed = sorted({c for c, _ in plan} | ({weights} if weights else set()))
    missing = [c for c in needed if c not in points.columns]
    if missing:
        raise InputError(f"column(s) {missing} not found in the points", where=f"columns {list(points.columns)[:12]}",
                         fix="name existing columns in columns=/weights=")
    if engine == "dask":
        table, _ = dask_assign_aggregate(points, communes, plan=plan, weights=weights, repair=repair,
                                         resolution=resolution, npartitions=npartitions, client=client)
    elif engine == "pandas":
        codes, index, pos, report = _assign(points, communes, repair, resolution)
        frame = pd.DataFrame({"_commune": pos}, copy=False)
        for c in needed:
            frame[c] = points[c].to_numpy()
        partial = partial_sums(frame, plan, weights, len(codes))
        medians = commune_medians(frame, plan, weights) if any(a == "median" for _, a in plan) else None
        table = finish_table(reduce_partials(partial), medians, plan, weights, codes, index, report)
        table.attrs["points_report"] = report.to_dict()
    else:
        raise InputError(f"unknown engine {engine!r}", fix="use engine='pandas' or engine='dask'")
    carry(points, table)
    return table
