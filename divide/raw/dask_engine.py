"""The dask engine of :func:`divide.raw.points.assign_points` and :func:`~divide.raw.points.aggregate_points`.

Larger than memory
------------------
``engine="dask"`` runs the same assignment partition by partition (each
worker builds the commune grid of :mod:`divide.raw.grid` once and keeps it)
and reduces per-partition partial sums (:mod:`divide.raw.aggregation`);
medians shuffle the points by commune first. ``points`` may be a
pandas/geopandas frame (split into ``npartitions``) or a dask(-geopandas)
collection read lazily, for example ``dask_geopandas.read_parquet(...)``.
To run on an existing cluster, connect a client and pass it::

    from distributed import Client
    client = Client("tcp://scheduler:8786")
    table = divide.aggregate_points(points, communes, columns=["download_mbps"],
                                    how="median", engine="dask", client=client)

Without ``client=``, dask's default scheduler runs the graph (a
``distributed.Client`` created earlier in the session becomes the default).
The workers need ``divide`` installed (the same version). The results are
identical to the in-memory engine's (``tests/test_dask.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.raw import aggregation as agg
from divide.raw.checks import (
    PointsReport,
    check_points,
    geometry_column,
    is_dask_collection,
    lonlat_columns,
    point_coordinates,
)
from divide.raw.grid import GRID_CACHE, CommuneGrid, auto_resolution, commune_geometries, commune_grid, geometry_key

__all__ = ["dask_assign_aggregate"]


@dataclass
class _GridSpec:
    """What a worker needs to build (once) the commune grid: small and picklable."""

    codes: np.ndarray
    wkb: np.ndarray
    resolution: float
    key: tuple

    def grid(self) -> CommuneGrid:
        """The grid, built on first use in this process."""
        import shapely

        grid = GRID_CACHE.get(self.key)
        if grid is None:
            return commune_grid(self.codes, shapely.from_wkb(self.wkb), self.resolution, self.key)
        return grid


def _identity(obj: Any) -> Any:
    return obj


def _assign_partition(part: pd.DataFrame, spec: _GridSpec, needed: list[str]) -> pd.DataFrame:
    geometry = geometry_column(part)
    if geometry is not None:
        # CRS and swapped coordinates were checked on a sample; here only reprojection and empties
        x, y = point_coordinates(part, geometry, "points", True, PointsReport())
    else:
        lon, lat = lonlat_columns(part) or ("lon", "lat")
        x = pd.to_numeric(part[lon], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        y = pd.to_numeric(part[lat], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    pos, _ = spec.grid().lookup(x, y)
    out = pd.DataFrame({"_commune": pos, "_invalid": np.isnan(x) | np.isnan(y)}, index=part.index)
    for c in needed:
        out[c] = part[c].to_numpy()
    return out


def dask_assign_aggregate(points: Any, communes: pd.DataFrame, *, plan: list[tuple[str, str]], weights: str | None,
                          repair: bool, resolution: float | None, npartitions: int | None, client: Any,
                          want_assignment: bool = False) -> tuple[pd.DataFrame | pd.Series, PointsReport]:
    """Assign (and aggregate) points partition by partition with dask (see the module docstring).

    Returns the table of :func:`divide.raw.points.aggregate_points` (or, with
    ``want_assignment=True``, the Series of :func:`divide.raw.points.assign_points`)
    and the :class:`~divide.raw.checks.PointsReport`.
    """
    import dask
    import dask.dataframe as dd
    import shapely

    codes, geoms, index = commune_geometries(communes)
    needed = sorted({c for c, _ in plan} | ({weights} if weights else set()))
    res = resolution or auto_resolution(None if is_dask_collection(points) else len(points))
    key = geometry_key(codes, geoms, res)
    spec = _GridSpec(codes, shapely.to_wkb(geoms), res, key)
    if is_dask_collection(points):
        report = PointsReport(engine="dask")
        sample = points.head(1000, npartitions=1)
        if len(sample):
            _, _, sample_report = check_points(sample, repair=repair)  # refuse CRS/swap problems up front
            if any(r.startswith("swapped") for r in sample_report.repairs):
                raise InputError("points look like latitude/longitude swapped", where="first partition",
                                 fix="swap the coordinates before passing a dask collection")
            report.repairs.extend(r for r in sample_report.repairs if "CRS" in r or r.startswith("reprojected"))
        ddf = points
        report.notes.append("a dask collection: input checked on a sample of its first partition; "
                            "empty geometries are left without a commune and counted")
    else:
        x, y, report = check_points(points, repair=repair)
        report.engine = "dask"
        frame = pd.DataFrame({"lon": x, "lat": y}, index=points.index)
        for c in needed:
            frame[c] = points[c].to_numpy()
        nparts = npartitions or max(2, int(np.ceil(len(frame) / 1_000_000)))
        if client is not None:
            # send the partitions to the workers once, rather than inside the task graph
            bounds = np.linspace(0, len(frame), nparts + 1).astype(int)
            futures = client.scatter([frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])])
            ddf = dd.from_delayed(futures, meta=frame.iloc[:0], verify_meta=False)
        else:
            ddf = dd.from_pandas(frame, npartitions=nparts, sort=False)
    if client is not None:
        # the grid's inputs (~7 MB of WKB nationally) go to every worker once; each worker builds the grid once
        spec_d = dask.delayed(_identity, pure=True)(client.scatter(spec, broadcast=True, hash=False))
    else:
        spec_d = dask.delayed(spec, pure=True, traverse=False, name=f"divide-commune-grid-{key[0]}-{res}")
    meta = pd.DataFrame({"_commune": pd.Series(dtype="int32"), "_invalid": pd.Series(dtype=bool)})
    for c in needed:
        meta[c] = pd.Series(dtype="float64")
    assigned = ddf.map_partitions(_assign_partition, spec_d, needed, meta=meta)
    compute = client.compute if client is not None else None

    def run(*objs):
        if compute is not None:
            return tuple(f.result() for f in client.compute(list(objs)))
        return dask.compute(*objs)

    if want_assignment:
        (assigned_pd,) = run(assigned[["_commune", "_invalid"]])
        pos = assigned_pd["_commune"].to_numpy()
        invalid = assigned_pd["_invalid"].to_numpy()
        report.n_points = len(pos)
        report.n_invalid = int(invalid.sum())
        agg.fill_report(report, assigned_pd.index, pos, ~invalid, 0, res)
        return agg.assignment_series(pos, codes, assigned_pd.index, report), report
    pmeta = agg.partial_sums(meta.assign(_commune=pd.Series(dtype="int32")), plan, weights, 0).iloc[:0]
    partials = assigned.map_partitions(agg.partial_sums, plan, weights, len(codes), meta=pmeta)
    invalid = assigned["_invalid"].sum()
    objs = [partials, invalid]
    if any(a == "median" for _, a in plan):
        mmeta = agg.commune_medians(meta, plan, weights).iloc[:0]
        cols = ["_commune", *needed]
        shuffled = assigned[cols].shuffle(on="_commune")
        objs.append(shuffled.map_partitions(agg.commune_medians, plan, weights, meta=mmeta))
    results = run(*objs)
    partial_pd, n_invalid = results[0], int(results[1])
    medians = results[2] if len(results) > 2 else None
    if medians is not None:
        medians = medians.groupby(level=0).first()  # each commune is in exactly one partition after the shuffle
    report.n_invalid = n_invalid
    report.resolution = res
    table = agg.finish_table(agg.reduce_partials(partial_pd), medians, plan, weights, codes, index, report)
    report.n_points = report.n_assigned + report.n_outside + report.n_invalid
    table.attrs["points_report"] = report.to_dict()
    return table, report
