"""Input checks for point layers: coordinates, CRS, swapped axes, empty geometries, speed units.

Shared by the raw-layer modules (:mod:`divide.raw.points`,
:mod:`divide.raw.coverage`, :mod:`divide.raw.speed`, :mod:`divide.raw.villages`):
:func:`check_points` returns longitudes and latitudes in EPSG:4326 and a
:class:`PointsReport`; a problem raises :class:`~divide.InputError` naming the
column and the fix, or with ``repair=True`` is fixed and reported.

Examples
--------
>>> import pandas as pd
>>> x, y, report = check_points(pd.DataFrame({"lon": [105.8, None], "lat": [21.0, 21.0]}), repair=True)
>>> report.n_invalid, float(x[0])
(1, 105.8)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from divide._errors import InputError

__all__ = [
    "VIETNAM_BOUNDS",
    "PointsReport",
    "check_points",
    "check_speed_unit",
    "geometry_column",
    "is_dask_collection",
    "lonlat_columns",
    "point_coordinates",
]

#: Longitude and latitude bounds that hold Vietnam, its islands and archipelagos
#: (lon 102–118, lat 6–24); used to detect swapped coordinates and wrong CRS.
VIETNAM_BOUNDS = (102.0, 6.0, 118.0, 24.0)

_LON_NAMES = ("lon", "longitude", "lng", "x", "kinh_do")
_LAT_NAMES = ("lat", "latitude", "y", "vi_do")


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


def is_dask_collection(obj: Any) -> bool:
    """Whether ``obj`` is a dask or dask-geopandas collection (without importing dask).

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask_collection(pd.DataFrame())
    False
    """
    return type(obj).__module__.split(".")[0] in ("dask", "dask_geopandas", "dask_expr")


def lonlat_columns(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The longitude and latitude columns of a table (``lon``/``lat``, ``longitude``/``latitude``, ``x``/``y``, ...).

    Parameters
    ----------
    frame
        A table; names are matched without regard to case.

    Returns
    -------
    tuple of str or None
        The two column names as spelt in ``frame``, or None when either is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> lonlat_columns(pd.DataFrame(columns=["Latitude", "Longitude"])), lonlat_columns(pd.DataFrame(columns=["a"]))
    (('Longitude', 'Latitude'), None)
    """
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
    geometry = geometry_column(points)
    if geometry is not None:
        x, y = point_coordinates(points, geometry, what, repair, report)
    else:
        cols = lonlat_columns(points)
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


def geometry_column(points: pd.DataFrame) -> str | None:
    """The name of the active geometry column of a GeoDataFrame, None for a plain DataFrame."""
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return None
    if isinstance(points, gpd.GeoDataFrame) and points._geometry_column_name in points.columns:
        return points._geometry_column_name
    return None


def point_coordinates(points: pd.DataFrame, geometry: str, what: str, repair: bool,
                      report: PointsReport) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (EPSG:4326, NaN for empty geometries) of a point GeoDataFrame.

    Refuses geometries that are not points; a missing CRS is assumed
    EPSG:4326 with ``repair=True``, a projected one is reprojected with
    ``repair=True`` (another geographic CRS always); what was done goes to
    ``report`` (see :func:`check_points`).
    """
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
