"""Points to communes, fast: assignment, aggregation and input checks for raw layers.

Operators and agencies hold raw layers (mobile sites, speed-test
measurements, village points), not commune tables. :func:`assign_points`
finds the 2025 commune of every point and :func:`aggregate_points` turns the
points into a per-commune table (counts, sums, means, weighted medians) on
the communes' index. Points in no commune (at sea, outside Vietnam) and
points without usable coordinates are **counted and reported**
(:class:`PointsReport`, in ``attrs["points_report"]``), never dropped
silently.

The rule for points on a boundary
---------------------------------
A point on a boundary shared by two communes (or on a vertex shared by
several, or in the slivers where the simplified boundaries overlap) belongs
to the commune that ``geopandas.sjoin(points, communes,
predicate="intersects")`` lists first after sorting by ``commune_code``:
**the smallest code**. The fast path applies the same rule, so its
assignments are identical to the plain spatial join (the tests and
``bench/bench_points.py`` check it, boundary points included).

How it is fast
--------------
``sjoin`` tests every point exactly against the polygons whose bounding box
holds it (about 4 µs a point on the national layer, so about 40 s for 10
million points). Here the communes are first rasterised on a fine grid
(0.002° ≈ 220 m by default for large inputs): a cell that no commune boundary
touches lies entirely inside one commune (or outside all of them), so a
point in such a cell gets the cell's commune by an array lookup. Only points
in cells touched by a boundary (about 15 % of population-weighted points at
0.002°) are tested exactly with shapely, against the same GEOS
``intersects`` predicate that ``sjoin`` uses. The set of boundary cells is
computed conservatively (every boundary segment, densified to half a cell,
marks all cells within 1e-6 cell of its bounding box), which also covers
points exactly on cell edges and the floating-point rounding of the lookup.

Larger than memory: dask
------------------------
``engine="dask"`` runs the same assignment partition by partition (each
worker builds the grid once and keeps it) and reduces per-partition partial
sums; medians shuffle the points by commune first. ``points`` may be a
pandas/geopandas frame (split into ``npartitions``) or a dask(-geopandas)
collection read lazily, for example ``dask_geopandas.read_parquet(...)``.
To run on an existing cluster, connect a client and pass it::

    from distributed import Client
    client = Client("tcp://scheduler:8786")
    table = divide.aggregate_points(points, communes, columns=["download_mbps"],
                                    how="median", engine="dask", client=client)

Without ``client=``, dask's default scheduler runs the graph (a
``distributed.Client`` created earlier in the session becomes the default).
The workers need ``divide`` installed (the same version).

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

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.provenance import carry

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "VIETNAM_BOUNDS",
    "AGGREGATIONS",
    "PointsReport",
    "assign_points",
    "aggregate_points",
    "check_points",
    "check_speed_unit",
    "weighted_median",
]

#: Longitude and latitude bounds that hold Vietnam, its islands and archipelagos
#: (lon 102–118, lat 6–24); used to detect swapped coordinates and wrong CRS.
VIETNAM_BOUNDS = (102.0, 6.0, 118.0, 24.0)

#: Aggregations understood by :func:`aggregate_points`.
AGGREGATIONS = ("count", "sum", "mean", "median", "min", "max")

_LON_NAMES = ("lon", "longitude", "lng", "x", "kinh_do")
_LAT_NAMES = ("lat", "latitude", "y", "vi_do")

#: Grid resolutions (degrees) chosen by the number of points when ``resolution=None``.
_AUTO_RESOLUTION = ((200_000, 0.01), (2_000_000, 0.004))
_FINE_RESOLUTION = 0.002


# --------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------


@dataclass
class PointsReport:
    """What happened to the points of one assignment.

    ``n_points`` = ``n_assigned`` + ``n_outside`` + ``n_invalid``. Points
    outside every commune (at sea, abroad) and points without usable
    coordinates (empty geometry, NaN) get no commune; they are counted here,
    with a few example labels, never dropped silently. ``repairs`` lists what
    ``repair=True`` changed; ``notes`` what was done without changing data
    (for example a reprojection from a declared CRS). ``n_exact`` is the
    number of points that went through the exact polygon test.
    """

    n_points: int = 0
    n_assigned: int = 0
    n_outside: int = 0
    n_invalid: int = 0
    outside_examples: list = field(default_factory=list)
    invalid_examples: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    n_exact: int = 0
    resolution: float | None = None
    engine: str = "pandas"

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        out = asdict(self)
        out["outside_examples"] = [_jsonable(v) for v in self.outside_examples]
        out["invalid_examples"] = [_jsonable(v) for v in self.invalid_examples]
        return out

    def __str__(self) -> str:
        text = (f"{self.n_points:,} points: {self.n_assigned:,} in a commune, {self.n_outside:,} in no commune "
                f"(at sea or outside Vietnam), {self.n_invalid:,} without usable coordinates")
        for r in self.repairs:
            text += f"\n  repaired: {r}"
        for n in self.notes:
            text += f"\n  note: {n}"
        return text


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v if isinstance(v, (int, float, str)) or v is None else str(v)


# --------------------------------------------------------------------------------------
# input checks (shared by coverage, speed and village modules)
# --------------------------------------------------------------------------------------


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("dask", "dask_geopandas", "dask_expr")


def _lonlat_columns(frame: pd.DataFrame) -> tuple[str, str] | None:
    cols = {str(c).lower(): c for c in frame.columns}
    lon = next((cols[n] for n in _LON_NAMES if n in cols), None)
    lat = next((cols[n] for n in _LAT_NAMES if n in cols), None)
    return (lon, lat) if lon is not None and lat is not None else None


def _in_box(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = VIETNAM_BOUNDS
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def check_points(
    points: pd.DataFrame,
    *,
    repair: bool = False,
    what: str = "points",
) -> tuple[np.ndarray, np.ndarray, PointsReport]:
    """Check a point layer and return its longitudes, latitudes (EPSG:4326) and a report.

    Accepts a GeoDataFrame of points or a DataFrame with longitude/latitude
    columns (``lon``/``lat``, ``longitude``/``latitude``, ``x``/``y``; taken
    as EPSG:4326). Problems raise :class:`~divide.InputError` naming the
    column and the fix; with ``repair=True`` the repairable ones are fixed and
    listed in ``report.repairs``:

    - no CRS: refused; repaired by assuming EPSG:4326 when the coordinates lie
      in Vietnam's longitude/latitude bounds (:data:`VIETNAM_BOUNDS`).
    - a projected CRS (metres): refused; repaired by reprojecting to EPSG:4326.
      (Another geographic CRS is reprojected without asking: nothing is guessed.)
    - swapped latitude/longitude (detected when more points fall in Vietnam's
      bounds with x and y exchanged than as given): refused; repaired by swapping.
    - empty or missing geometries, NaN coordinates: refused; repaired by
      leaving those points without a commune (counted in ``n_invalid``).
    - geometries that are not points: refused (use ``.representative_point()``).

    Parameters
    ----------
    points
        The point layer.
    repair
        Fix what can be fixed and report it, instead of raising.
    what
        Name of the layer in messages ("sites", "speed tests", ...).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, PointsReport)
        Longitudes and latitudes (float64, NaN where invalid) and the report.

    Examples
    --------
    >>> import pandas as pd
    >>> x, y, rep = check_points(pd.DataFrame({"lat": [105.8], "lon": [21.0]}), repair=True)
    >>> float(x[0]), float(y[0]), rep.repairs[0].startswith("swapped")
    (105.8, 21.0, True)
    """
    report = PointsReport(n_points=len(points))
    if not isinstance(points, pd.DataFrame):
        raise InputError(f"{what} must be a GeoDataFrame of points or a DataFrame with lon/lat columns",
                         where=type(points).__name__, fix="build one with geopandas.points_from_xy(lon, lat)")
    geometry = _geometry_column(points)
    if geometry is not None:
        x, y = _geometry_xy(points, geometry, what, repair, report)
    else:
        cols = _lonlat_columns(points)
        if cols is None:
            raise InputError(f"{what} have neither a geometry nor longitude/latitude columns",
                             where=f"columns {list(points.columns)[:12]}",
                             fix="pass a GeoDataFrame, or name the columns 'lon' and 'lat' (EPSG:4326)")
        x = pd.to_numeric(points[cols[0]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        y = pd.to_numeric(points[cols[1]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    x, y = _check_lonlat(x, y, what, repair, report)
    bad = np.isnan(x) | np.isnan(y)
    if bad.any():
        labels = points.index[bad][:5].tolist()
        if not repair:
            raise InputError(f"{int(bad.sum()):,} of {len(x):,} {what} have an empty or missing geometry "
                             "(or NaN coordinates)", where=f"rows {labels}",
                             fix="drop them, or pass repair=True to keep them unassigned and counted")
        report.repairs.append(f"{int(bad.sum()):,} {what} with empty/missing geometry left without a commune "
                              f"(e.g. {labels})")
    report.n_invalid = int(bad.sum())
    report.invalid_examples = points.index[bad][:10].tolist()
    return x, y, report


def _geometry_column(points: pd.DataFrame) -> str | None:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return None
    if isinstance(points, gpd.GeoDataFrame) and points._geometry_column_name in points.columns:
        return points._geometry_column_name
    return None


def _geometry_xy(points, geometry: str, what: str, repair: bool, report: PointsReport):
    import pyproj
    import shapely

    geoms = points[geometry].values
    arr = np.asarray(geoms, dtype=object) if not hasattr(geoms, "_data") else geoms._data
    missing = shapely.is_missing(arr) | shapely.is_empty(arr)
    types = shapely.get_type_id(arr)
    not_point = (~missing) & (types != 0)
    if not_point.any():
        kinds = sorted(set(shapely.get_type_id(arr[not_point]).tolist()))
        names = {1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}
        raise InputError(f"{int(not_point.sum()):,} {what} are not points ({', '.join(names.get(k, str(k)) for k in kinds)})",
                         where=f"column {geometry!r}, rows {points.index[not_point][:5].tolist()}",
                         fix="use layer.representative_point() (or .centroid) to turn them into points")
    x = np.full(len(arr), np.nan)
    y = np.full(len(arr), np.nan)
    if missing.any():
        x[~missing] = shapely.get_x(arr[~missing])
        y[~missing] = shapely.get_y(arr[~missing])
    else:
        x, y = shapely.get_x(arr), shapely.get_y(arr)
    crs = points.crs
    if crs is None:
        ok = ~np.isnan(x)
        if ok.any() and (np.abs(x[ok]) > 180).mean() > 0.5:
            raise InputError(f"{what} have no CRS and their coordinates are not degrees", where="crs=None",
                             fix="declare the CRS the coordinates are in: layer.set_crs('EPSG:32648') for example")
        if not repair:
            raise InputError(f"{what} have no CRS", where="crs=None",
                             fix="declare it with layer.set_crs('EPSG:4326') (or pass repair=True to assume "
                             "EPSG:4326 for longitude/latitude in Vietnam's bounds)")
        report.repairs.append("no CRS: assumed EPSG:4326 (longitude/latitude)")
        return x, y
    crs = pyproj.CRS.from_user_input(crs)
    if crs.equals(pyproj.CRS.from_epsg(4326)) or crs.to_epsg() == 4326:
        return x, y
    if crs.is_projected and not repair:
        raise InputError(f"{what} are in a projected CRS ({crs.name})", where="crs",
                         fix="reproject with layer.to_crs('EPSG:4326'), or pass repair=True to reproject")
    transformer = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    x, y = transformer.transform(x, y)
    message = f"reprojected from {crs.to_string()} to EPSG:4326"
    (report.repairs if crs.is_projected else report.notes).append(message)
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def _check_lonlat(x, y, what, repair, report):
    ok = ~(np.isnan(x) | np.isnan(y))
    if not ok.any():
        return x, y
    normal = _in_box(x[ok], y[ok]).mean()
    swapped = _in_box(y[ok], x[ok]).mean()
    if swapped > normal and swapped >= 0.5:
        if not repair:
            raise InputError(f"{what} look like latitude/longitude swapped: {swapped:.0%} fall in Vietnam's "
                             f"bounds (lon 102–118, lat 6–24) with x and y exchanged, {normal:.0%} as given",
                             where="coordinates", fix="swap them (x = longitude, y = latitude), or pass repair=True")
        report.repairs.append(f"swapped latitude/longitude ({swapped:.0%} in Vietnam's bounds once swapped)")
        return y.copy(), x.copy()
    return x, y


#: Speeds above this median (in Mbps) are taken as kbps given as Mbps: no
#: mobile or fixed median in Vietnam comes near 5 Gbps.
_KBPS_MEDIAN = 5000.0
#: Speeds below this median in a column labelled kbps are taken as Mbps (0.1 Mbps = 100 kbps).
_MBPS_MEDIAN = 100.0


def check_speed_unit(values: pd.Series, unit: str | None, *, column: str = "speed",
                     repair: bool = False, report: PointsReport | None = None) -> pd.Series:
    """Return speeds in Mbps, checking the unit against the magnitudes.

    ``unit`` is ``"mbps"``, ``"kbps"`` or ``None`` (from the column name: a
    name ending in ``_kbps`` is kbps, else Mbps). A median above 5,000 "Mbps"
    is kbps mislabelled; a median below 100 "kbps" is Mbps mislabelled. Those
    raise :class:`~divide.InputError`, or with ``repair=True`` are converted
    and reported.

    Examples
    --------
    >>> import pandas as pd
    >>> check_speed_unit(pd.Series([25000.0, 50000.0]), "kbps").tolist()
    [25.0, 50.0]
    >>> check_speed_unit(pd.Series([25000.0, 50000.0]), "mbps", repair=True).tolist()
    [25.0, 50.0]
    """
    if unit is None:
        unit = "kbps" if str(column).lower().endswith("kbps") else "mbps"
    unit = unit.lower()
    if unit not in ("mbps", "kbps"):
        raise InputError(f"unknown speed unit {unit!r}", where=f"column {column!r}", fix="use 'mbps' or 'kbps'")
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    med = float(np.nanmedian(v.to_numpy())) if v.notna().any() else np.nan
    if unit == "mbps" and med > _KBPS_MEDIAN:
        if not repair:
            raise InputError(f"speeds look like kbps, not Mbps: median {med:,.0f}", where=f"column {column!r}",
                             fix="pass unit='kbps', divide by 1,000, or pass repair=True")
        if report is not None:
            report.repairs.append(f"column {column!r}: median {med:,.0f} taken as kbps and divided by 1,000")
        return v / 1000.0
    if unit == "kbps" and med < _MBPS_MEDIAN:
        if not repair:
            raise InputError(f"speeds labelled kbps look like Mbps: median {med:,.2f}", where=f"column {column!r}",
                             fix="pass unit='mbps', or pass repair=True")
        if report is not None:
            report.repairs.append(f"column {column!r}: median {med:,.2f} labelled kbps taken as Mbps")
        return v
    return v / 1000.0 if unit == "kbps" else v


# --------------------------------------------------------------------------------------
# the commune grid
# --------------------------------------------------------------------------------------


def _commune_geometries(communes: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes (sorted) and geometries (EPSG:4326, in code order), plus the communes' own index."""
    if communes is None:
        from divide.geography.communes import load_communes

        communes = load_communes()
    if communes.index.name != "commune_code":
        raise InputError("the commune table must be indexed by 'commune_code'", where=f"index {communes.index.name!r}",
                         fix="use divide.load_communes() or set_index('commune_code')")
    if getattr(communes, "crs", None) is None or "geometry" not in communes:
        raise InputError("the commune table needs polygon geometries with a CRS", fix="use divide.load_communes()")
    if communes.crs.to_epsg() != 4326:
        communes = communes.to_crs(4326)
    codes = communes.index.astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    geoms = np.asarray(communes.geometry.values, dtype=object)[order]
    return codes[order], geoms, communes.index


def _auto_resolution(n: int | None) -> float:
    if n is None:
        return 0.004
    for limit, res in _AUTO_RESOLUTION:
        if n < limit:
            return res
    return _FINE_RESOLUTION


class _CommuneGrid:
    """Raster lookup of communes with exact tests on boundary cells (see the module docstring)."""

    def __init__(self, geoms: np.ndarray, resolution: float) -> None:
        import shapely
        from affine import Affine
        from rasterio import features

        self.geoms = geoms
        self.n = len(geoms)
        self.resolution = res = float(resolution)
        valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        x0, y0, x1, y1 = shapely.total_bounds(geoms[valid])
        self.ox, self.oy = x0 - 2 * res, y1 + 2 * res
        self.width = int(np.ceil((x1 - x0) / res)) + 4
        self.height = int(np.ceil((y1 - y0) / res)) + 4
        dtype = "int16" if self.n < 32000 else "int32"
        transform = Affine(res, 0.0, self.ox, 0.0, -res, self.oy)
        ids = np.arange(1, self.n + 1)
        idx = np.flatnonzero(valid)[::-1]  # largest code first, so the smallest code is burnt last and wins
        grid = features.rasterize(((geoms[i], int(ids[i])) for i in idx), out_shape=(self.height, self.width),
                                  transform=transform, fill=0, dtype=dtype)
        grid[self._boundary_mask(geoms[valid])] = -1
        self.grid = grid
        self.tree = shapely.STRtree(geoms)
        shapely.prepare(geoms[valid])

    def _boundary_mask(self, geoms: np.ndarray) -> np.ndarray:
        import shapely

        res = self.resolution
        parts = shapely.get_parts(shapely.boundary(geoms))
        dense = shapely.segmentize(parts, res / 2)
        xy, line = shapely.get_coordinates(dense, return_index=True)
        same = line[1:] == line[:-1]
        a, b = xy[:-1][same], xy[1:][same]
        del xy, line
        eps = res * 1e-6
        c_lo = np.floor((np.minimum(a[:, 0], b[:, 0]) - eps - self.ox) / res).astype(np.int64)
        c_hi = np.floor((np.maximum(a[:, 0], b[:, 0]) + eps - self.ox) / res).astype(np.int64)
        r_lo = np.floor((self.oy - np.maximum(a[:, 1], b[:, 1]) - eps) / res).astype(np.int64)
        r_hi = np.floor((self.oy - np.minimum(a[:, 1], b[:, 1]) + eps) / res).astype(np.int64)
        mask = np.zeros((self.height, self.width), dtype=bool)
        # segments are at most half a cell long, so the four corners of the bounding box hold every cell crossed
        for r in (r_lo, r_hi):
            for c in (c_lo, c_hi):
                mask[r, c] = True
        return mask

    def lookup(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, int]:
        """0-based position of the commune (code order) of each point, -1 for none; and the exact-test count."""
        import shapely

        out = np.full(len(x), -1, dtype=np.int32)
        with np.errstate(invalid="ignore"):
            col = np.floor((x - self.ox) / self.resolution)
            row = np.floor((self.oy - y) / self.resolution)
        inside = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)  # False for NaN
        pos = np.flatnonzero(inside)
        value = self.grid[row[pos].astype(np.intp), col[pos].astype(np.intp)].astype(np.int32)
        out[pos] = value - 1  # 0 (no commune) -> -1; boundary cells (-1) -> -2, resolved below
        exact = pos[value == -1]
        if len(exact):
            xb, yb = x[exact], y[exact]
            # candidate communes by bounding box, then the exact GEOS "intersects" on prepared polygons,
            # the predicate sjoin uses; grouping the tests by polygon beats STRtree.query(predicate=
            # "intersects") (1.4x on the boundary-cell points of 1 M modeled tests, up to 6x on points
            # hugging the boundaries; bench/bench_points.py)
            pi, gi = self.tree.query(shapely.points(xb, yb))
            order = np.argsort(gi, kind="stable")
            pi, gi = pi[order], gi[order]
            hit = np.zeros(len(pi), dtype=bool)
            bounds = np.searchsorted(gi, np.arange(self.n + 1))
            for g in np.flatnonzero(np.diff(bounds)):
                lo, hi = bounds[g], bounds[g + 1]
                hit[lo:hi] = shapely.intersects_xy(self.geoms[g], xb[pi[lo:hi]], yb[pi[lo:hi]])
            best = np.full(len(exact), self.n, dtype=np.int64)
            np.minimum.at(best, pi[hit], gi[hit])  # smallest code wins (geoms are in code order)
            best[best == self.n] = -1
            out[exact] = best
        return out, len(exact)


_GRID_CACHE: dict[tuple, _CommuneGrid] = {}


def _geometry_key(codes: np.ndarray, geoms: np.ndarray, resolution: float) -> tuple:
    import shapely

    h = hashlib.sha1()
    h.update("\x1f".join(codes.tolist()).encode())
    for w in shapely.to_wkb(geoms):
        h.update(w if w is not None else b"\x00")
    return (h.hexdigest(), float(resolution))


def _grid(codes: np.ndarray, geoms: np.ndarray, resolution: float, key: tuple | None = None) -> _CommuneGrid:
    key = key or _geometry_key(codes, geoms, resolution)
    grid = _GRID_CACHE.get(key)
    if grid is None:
        if len(_GRID_CACHE) >= 2:
            _GRID_CACHE.pop(next(iter(_GRID_CACHE)))
        grid = _GRID_CACHE[key] = _CommuneGrid(geoms, resolution)
    return grid


# --------------------------------------------------------------------------------------
# assignment
# --------------------------------------------------------------------------------------


def _fill_report(report: PointsReport, labels: pd.Index, pos: np.ndarray, valid: np.ndarray, n_exact: int,
                 resolution: float) -> None:
    outside = (pos < 0) & valid
    report.n_outside = int(outside.sum())
    report.n_assigned = int((pos >= 0).sum())
    report.outside_examples = labels[outside][:10].tolist()
    report.n_exact = int(n_exact)
    report.resolution = resolution


def assign_points(
    points: pd.DataFrame,
    communes: pd.DataFrame | None = None,
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
        Commune GeoDataFrame indexed by ``commune_code``; default all 3,321.
    repair
        Fix repairable input problems and report them (see :func:`check_points`).
    resolution
        Grid cell in degrees; default chosen from the number of points (the
        result does not depend on it, only the speed).
    engine, npartitions, client
        ``"dask"`` runs partition by partition (see the module docstring).

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
        frame, report = _dask_assign_aggregate(points, communes, plan=[], weights=None, repair=repair,
                                               resolution=resolution, npartitions=npartitions, client=client,
                                               want_assignment=True)
        return frame
    if engine != "pandas":
        raise InputError(f"unknown engine {engine!r}", fix="use engine='pandas' or engine='dask'")
    codes, geoms, _ = _commune_geometries(communes)
    x, y, report = check_points(points, repair=repair)
    res = resolution or _auto_resolution(len(x))
    pos, n_exact = _grid(codes, geoms, res).lookup(x, y)
    _fill_report(report, points.index, pos, ~np.isnan(x), n_exact, res)
    return _assignment_series(pos, codes, points.index, report)


def _assignment_series(pos: np.ndarray, codes: np.ndarray, index: pd.Index, report: PointsReport) -> pd.Series:
    cat = pd.Categorical.from_codes(pos, categories=pd.Index(codes, dtype="str"))
    s = pd.Series(cat, index=index, name="commune_code")
    s.attrs["points_report"] = report.to_dict()
    return s


# --------------------------------------------------------------------------------------
# aggregation
# --------------------------------------------------------------------------------------


def _plan(columns: Iterable[str] | None, how: str | Iterable[str] | Mapping[str, Any]) -> list[tuple[str, str]]:
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
    out = _medians(frame, [("v", "median")], "w")
    return float(out["v_median"].iloc[0]) if len(out) else float("nan")


def _medians(frame: pd.DataFrame, plan: list[tuple[str, str]], weights: str | None) -> pd.DataFrame:
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


def _partial(frame: pd.DataFrame, plan: list[tuple[str, str]], weights: str | None, n: int) -> pd.DataFrame:
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


def _reduce(partials: pd.DataFrame) -> pd.DataFrame:
    funcs = {c: ("min" if c.endswith("|min") else "max" if c.endswith("|max") else "sum") for c in partials.columns}
    return partials.groupby(level=0).agg(funcs)


def _finish(total: pd.DataFrame, medians: pd.DataFrame | None, plan, weights, codes, index, report) -> pd.DataFrame:
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


def aggregate_points(
    points: pd.DataFrame,
    communes: pd.DataFrame | None = None,
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
        Commune GeoDataFrame indexed by ``commune_code``; default all 3,321.
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
        ``"pandas"`` (in memory) or ``"dask"`` (see the module docstring).
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
    plan = _plan(columns, how)
    needed = sorted({c for c, _ in plan} | ({weights} if weights else set()))
    missing = [c for c in needed if c not in points.columns]
    if missing:
        raise InputError(f"column(s) {missing} not found in the points", where=f"columns {list(points.columns)[:12]}",
                         fix="name existing columns in columns=/weights=")
    if engine == "dask":
        table, _ = _dask_assign_aggregate(points, communes, plan=plan, weights=weights, repair=repair,
                                          resolution=resolution, npartitions=npartitions, client=client)
    elif engine == "pandas":
        codes, geoms, index = _commune_geometries(communes)
        x, y, report = check_points(points, repair=repair)
        res = resolution or _auto_resolution(len(x))
        pos, n_exact = _grid(codes, geoms, res).lookup(x, y)
        _fill_report(report, points.index, pos, ~np.isnan(x), n_exact, res)
        frame = pd.DataFrame({"_commune": pos}, copy=False)
        for c in needed:
            frame[c] = points[c].to_numpy()
        partial = _partial(frame, plan, weights, len(codes))
        medians = _medians(frame, plan, weights) if any(a == "median" for _, a in plan) else None
        table = _finish(_reduce(partial), medians, plan, weights, codes, index, report)
        table.attrs["points_report"] = report.to_dict()
    else:
        raise InputError(f"unknown engine {engine!r}", fix="use engine='pandas' or engine='dask'")
    carry(points, table)
    return table


# --------------------------------------------------------------------------------------
# dask engine
# --------------------------------------------------------------------------------------


@dataclass
class _GridSpec:
    """What a worker needs to build (once) the commune grid: small and picklable."""

    codes: np.ndarray
    wkb: np.ndarray
    resolution: float
    key: tuple

    def grid(self) -> _CommuneGrid:
        import shapely

        grid = _GRID_CACHE.get(self.key)
        if grid is None:
            return _grid(self.codes, shapely.from_wkb(self.wkb), self.resolution, self.key)
        return grid


def _identity(obj: Any) -> Any:
    return obj


def _assign_partition(part: pd.DataFrame, spec: _GridSpec, needed: list[str]) -> pd.DataFrame:
    geometry = _geometry_column(part)
    if geometry is not None:
        # CRS and swapped coordinates were checked on a sample; here only reprojection and empties
        x, y = _geometry_xy(part, geometry, "points", True, PointsReport())
    else:
        lon, lat = _lonlat_columns(part) or ("lon", "lat")
        x = pd.to_numeric(part[lon], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        y = pd.to_numeric(part[lat], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    pos, _ = spec.grid().lookup(x, y)
    out = pd.DataFrame({"_commune": pos, "_invalid": np.isnan(x) | np.isnan(y)}, index=part.index)
    for c in needed:
        out[c] = part[c].to_numpy()
    return out


def _dask_assign_aggregate(points, communes, *, plan, weights, repair, resolution, npartitions, client,
                           want_assignment: bool = False):
    import dask
    import dask.dataframe as dd
    import shapely

    codes, geoms, index = _commune_geometries(communes)
    needed = sorted({c for c, _ in plan} | ({weights} if weights else set()))
    res = resolution or _auto_resolution(None if _is_dask(points) else len(points))
    key = _geometry_key(codes, geoms, res)
    spec = _GridSpec(codes, shapely.to_wkb(geoms), res, key)
    if _is_dask(points):
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
        _fill_report(report, assigned_pd.index, pos, ~invalid, 0, res)
        return _assignment_series(pos, codes, assigned_pd.index, report), report
    pmeta = _partial(meta.assign(_commune=pd.Series(dtype="int32")), plan, weights, 0).iloc[:0]
    partials = assigned.map_partitions(_partial, plan, weights, len(codes), meta=pmeta)
    invalid = assigned["_invalid"].sum()
    objs = [partials, invalid]
    if any(a == "median" for _, a in plan):
        mmeta = _medians(meta, plan, weights).iloc[:0]
        cols = ["_commune", *needed]
        shuffled = assigned[cols].shuffle(on="_commune")
        objs.append(shuffled.map_partitions(_medians, plan, weights, meta=mmeta))
    results = run(*objs)
    partial_pd, n_invalid = results[0], int(results[1])
    medians = results[2] if len(results) > 2 else None
    if medians is not None:
        medians = medians.groupby(level=0).first()  # each commune is in exactly one partition after the shuffle
    report.n_invalid = n_invalid
    report.resolution = res
    table = _finish(_reduce(partial_pd), medians, plan, weights, codes, index, report)
    report.n_points = report.n_assigned + report.n_outside + report.n_invalid
    table.attrs["points_report"] = report.to_dict()
    return table, report
