"""Speed measurements to commune indicators: test-weighted medians, means and shares below thresholds.

Input is either individual measurements (points with download/upload speeds,
one test a row or with a ``tests`` count) or Ookla-style open-data tiles
(``quadkey``, ``avg_d_kbps``, ``avg_u_kbps``, ``tests``): a tile's quadkey is
decoded to the centroid of its Web-Mercator tile (:func:`quadkey_to_lonlat`)
and the tile's average speeds stand for all its tests (so the share of tests
below a threshold is approximate for tiles: a whole tile counts on one side).

Values for a commune with fewer than ``min_tests`` tests are **withheld**:
NaN, with ``withheld = True``; ``tests`` is always given.

Examples
--------
>>> lon, lat = quadkey_to_lonlat(["1"])
>>> float(lon[0]), round(float(lat[0]), 2), lonlat_to_quadkey(lon, lat, zoom=1).tolist()
(90.0, 66.51, ['1'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.provenance import carry
from divide.raw.checks import PointsReport, check_speed_unit, lonlat_columns
from divide.raw.points import aggregate_points

__all__ = ["MIN_TESTS", "speed_indicators", "quadkey_to_lonlat", "lonlat_to_quadkey"]

#: Default minimum number of tests below which a commune's speeds are withheld.
#: A convention of this project (an assumption, not a standard): with fewer
#: than 30 tests a median of skewed speeds moves by tens of percent when a few
#: tests are added.
MIN_TESTS = 30

_DOWN = ("download_mbps", "avg_d_mbps", "down_mbps", "download", "avg_d_kbps", "download_kbps")
_UP = ("upload_mbps", "avg_u_mbps", "up_mbps", "upload", "avg_u_kbps", "upload_kbps")


def quadkey_to_lonlat(quadkeys: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Centroids (lon, lat in degrees) of Web-Mercator (Bing/Ookla) tiles given by quadkey.

    Each digit of a quadkey picks a quadrant (bit 0: x, bit 1: y) one zoom
    level down; the tile centre goes back to latitude through the inverse
    Mercator, ``atan(sinh(π (1 − 2 y / 2^z)))``.

    Examples
    --------
    >>> lon, lat = quadkey_to_lonlat(["1322"])
    >>> round(float(lon[0]), 4), round(float(lat[0]), 4)
    (101.25, 11.1784)
    """
    keys = pd.Series(list(quadkeys), dtype="str")
    if keys.isna().any() or not keys.str.fullmatch(r"[0-3]+").all():
        bad = keys[keys.isna() | ~keys.str.fullmatch(r"[0-3]+").fillna(False)].head(3).tolist()
        raise InputError(f"invalid quadkey(s) {bad}", where="column 'quadkey'", fix="quadkeys are strings of digits 0-3")
    lon = np.empty(len(keys))
    lat = np.empty(len(keys))
    lengths = keys.str.len().to_numpy()
    for z in np.unique(lengths):
        sel = np.flatnonzero(lengths == z)
        digits = np.frombuffer("".join(keys.iloc[sel]).encode("ascii"), dtype=np.uint8).reshape(len(sel), z) - 48
        weights = 2 ** np.arange(z - 1, -1, -1, dtype=np.int64)
        x = ((digits & 1).astype(np.int64) * weights).sum(axis=1)
        y = (((digits >> 1) & 1).astype(np.int64) * weights).sum(axis=1)
        n = 2.0**z
        lon[sel] = (x + 0.5) / n * 360.0 - 180.0
        lat[sel] = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (y + 0.5) / n))))
    return lon, lat


def lonlat_to_quadkey(lon: np.ndarray, lat: np.ndarray, zoom: int = 16) -> np.ndarray:
    """Quadkeys of the Web-Mercator tiles at ``zoom`` holding the points.

    Examples
    --------
    >>> lonlat_to_quadkey([101.25], [11.18], zoom=4).tolist()
    ['1322']
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.clip(np.asarray(lat, dtype="float64"), -85.05112878, 85.05112878)
    n = 2**zoom
    x = np.clip(np.floor((lon + 180.0) / 360.0 * n), 0, n - 1).astype(np.int64)
    s = np.sin(np.radians(lat))
    y = np.clip(np.floor((0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * n), 0, n - 1).astype(np.int64)
    digits = np.zeros((len(lon), zoom), dtype=np.uint8)
    for i in range(zoom):
        bit = zoom - 1 - i
        digits[:, i] = ((x >> bit) & 1) + 2 * ((y >> bit) & 1)
    return (digits + 48).view(f"S{zoom}").ravel().astype(str)


def _pick(frame: pd.DataFrame, names: Sequence[str], what: str) -> str:
    lower = {str(c).lower(): c for c in frame.columns}
    for n in names:
        if n in lower:
            return lower[n]
    raise InputError(f"no {what} column", where=f"columns {list(frame.columns)[:12]}",
                     fix=f"name it one of {list(names)}")


def speed_indicators(
    tests: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    min_tests: int = MIN_TESTS,
    thresholds: Sequence[float] = (25,),
    unit: Literal["mbps", "kbps"] | None = None,
    repair: bool = False,
    engine: Literal["pandas", "dask"] = "pandas",
    **engine_options: Any,
) -> pd.DataFrame:
    """Per-commune speed indicators from measurements or Ookla-style tiles.

    Parameters
    ----------
    tests
        Points (GeoDataFrame, or DataFrame with ``lon``/``lat``) or tiles
        with a ``quadkey`` column (decoded to tile centroids; tiles given as
        polygons are reduced to their representative points). Speeds in a
        download and an upload column (``download_mbps``/``upload_mbps``, or
        Ookla's ``avg_d_kbps``/``avg_u_kbps``), and optionally ``tests`` (the
        number of tests a row stands for; default 1).
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example
        ``divide.load_communes()``); its ``population`` gives tests per 1,000 people.
    min_tests
        Fewer tests than this withholds the commune's speeds (NaN, ``withheld``).
    thresholds
        Download thresholds in Mbps: ``download_below_<t>mbps_pct`` is the
        share of tests (by test count) below each.
    unit
        Unit of the speed columns; default from their names (``*_kbps`` is
        kbps) and checked against magnitudes (:func:`divide.raw.checks.check_speed_unit`).
    repair
        Fix repairable problems (unit, swapped coordinates, missing CRS...) and report them.
    engine, engine_options
        Passed to :func:`divide.raw.points.aggregate_points` (``engine="dask"``,
        ``npartitions``, ``client``, ``resolution``).

    Returns
    -------
    pandas.DataFrame
        On the communes' index: ``tests``, ``download_median_mbps``,
        ``download_mean_mbps``, ``upload_median_mbps``, ``upload_mean_mbps``
        (test-weighted), ``tests_per_1000`` (NaN without population),
        ``download_below_<t>mbps_pct`` and ``withheld``.
        ``attrs["points_report"]`` counts tests in no commune.

    Examples
    --------
    >>> import divide, pandas as pd
    >>> lc = divide.load_communes("Lai Châu")
    >>> c = lc.iloc[0]
    >>> t = pd.DataFrame({"lon": [c.centroid_lon] * 3, "lat": [c.centroid_lat] * 3,
    ...                   "download_mbps": [10.0, 30.0, 60.0], "upload_mbps": [2.0, 5.0, 9.0], "tests": [10, 10, 20]})
    >>> s = speed_indicators(t, lc, min_tests=30)
    >>> s.loc[lc.index[0], ["tests", "download_median_mbps", "download_below_25mbps_pct"]].tolist()
    [40.0, 45.0, 25.0]
    >>> bool(s.loc[lc.index[1], "withheld"])
    True
    """
    if not isinstance(tests, pd.DataFrame):
        raise InputError("speed tests must be a DataFrame or GeoDataFrame", where=type(tests).__name__)
    report = PointsReport()
    frame = _as_points(tests)
    down = _pick(frame, _DOWN, "download speed")
    up = _pick(frame, _UP, "upload speed")
    data = pd.DataFrame(index=frame.index)
    data["download"] = check_speed_unit(frame[down], unit, column=down, repair=repair, report=report).to_numpy()
    data["upload"] = check_speed_unit(frame[up], unit, column=up, repair=repair, report=report).to_numpy()
    if "tests" in frame.columns:
        data["tests"] = pd.to_numeric(frame["tests"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    else:
        data["tests"] = 1.0
    for t in thresholds:
        data[f"below_{t:g}"] = np.where(data["download"].notna(), (data["download"] < t).astype("float64"), np.nan)
    geometry = getattr(frame, "_geometry_column_name", None) if hasattr(frame, "crs") else None
    if geometry is not None and geometry in frame.columns:
        import geopandas as gpd

        data = gpd.GeoDataFrame(data, geometry=frame.geometry.values, crs=frame.crs)
    else:
        data["lon"], data["lat"] = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    below = [f"below_{t:g}" for t in thresholds]
    how = {"download": ["median", "mean"], "upload": ["median", "mean"], "tests": "sum", **{b: "mean" for b in below}}
    agg = aggregate_points(data, communes, how=how, weights="tests", repair=repair, engine=engine, **engine_options)
    out = pd.DataFrame(index=agg.index)
    out["tests"] = agg["tests_sum"].round().astype("int64")
    out["download_median_mbps"] = agg["download_median"]
    out["download_mean_mbps"] = agg["download_mean"]
    out["upload_median_mbps"] = agg["upload_median"]
    out["upload_mean_mbps"] = agg["upload_mean"]
    pop = communes["population"].reindex(out.index) if "population" in communes else None
    p = np.full(len(out), np.nan) if pop is None else pop.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["tests_per_1000"] = np.where(p > 0, out["tests"].to_numpy() / p * 1000.0, np.nan)
    for t, b in zip(thresholds, below):
        out[f"download_below_{t:g}mbps_pct"] = 100.0 * agg[f"{b}_mean"]
    out["withheld"] = out["tests"] < min_tests
    value_cols = [c for c in out.columns if c not in ("tests", "tests_per_1000", "withheld")]
    out.loc[out["withheld"], value_cols] = np.nan
    rep = dict(agg.attrs.get("points_report", {}))
    rep["repairs"] = report.repairs + rep.get("repairs", [])
    out.attrs["points_report"] = rep
    out.attrs["min_tests"] = int(min_tests)
    carry(tests, out)
    return out


def _as_points(tests: pd.DataFrame) -> pd.DataFrame:
    """Tiles (quadkey or polygons) to points; points pass through."""
    import shapely

    geometry = getattr(tests, "_geometry_column_name", None) if hasattr(tests, "crs") else None
    if geometry is not None and geometry in tests.columns:
        types = shapely.get_type_id(np.asarray(tests.geometry.values))
        if ((types == 3) | (types == 6)).any():
            out = tests.copy()
            out[geometry] = tests.geometry.representative_point()
            return out
        return tests
    if "quadkey" in tests.columns:
        lon, lat = quadkey_to_lonlat(tests["quadkey"].astype(str))
        out = pd.DataFrame(tests).drop(columns=[c for c in ("lon", "lat") if c in tests.columns]).copy()
        out["lon"], out["lat"] = lon, lat
        return out
    cols = lonlat_columns(tests)
    if cols is None:
        raise InputError("speed tests have no geometry, lon/lat or quadkey column",
                         where=f"columns {list(tests.columns)[:12]}", fix="add lon/lat (EPSG:4326) or quadkey")
    return tests.rename(columns={cols[0]: "lon", cols[1]: "lat"})
