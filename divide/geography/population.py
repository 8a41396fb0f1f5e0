"""The WorldPop 2020 population grid: the one reader, rasterising and zonal sums.

The grid (``data/population/``, WorldPop 2020 constrained, UN-adjusted, 1 km =
30 arc-seconds, EPSG:4326) is read once per path and kept in memory:
:func:`read_population_grid` gives the values with sea and foreign cells set to
0, the mask of cells with data and the georeferencing. :func:`rasterize` labels
the cells of a set of polygons and :func:`zonal_sums` adds up the population
inside each polygon, counting partly covered cells by the covered fraction
(exactextract).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from divide import settings
from divide._errors import DataNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from affine import Affine

__all__ = ["PopulationGrid", "read_population_grid", "rasterize", "zonal_sums"]


@dataclass(frozen=True, eq=False)
class PopulationGrid:
    """A population grid in memory (read-only arrays; shared between callers, so never modify them).

    Attributes
    ----------
    values
        People per cell, float64, 2-D; cells without data (sea, abroad) and
        negative cells are 0.
    land
        True for the cells with data.
    transform
        The affine transform of the grid (``affine.Affine``).
    crs_wkt
        Its coordinate reference system, as WKT.
    left, bottom, right, top
        Its bounds, in degrees.
    cell
        Cell size, in degrees.
    path
        The file it was read from.
    """

    values: np.ndarray
    land: np.ndarray
    transform: Affine
    crs_wkt: str
    left: float
    bottom: float
    right: float
    top: float
    cell: float
    path: Path

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid."""
        return self.values.shape


def _grid_path(path: str | Path | None) -> Path:
    p = Path(path) if path is not None else settings.POPULATION_GRID
    if not p.exists():
        raise DataNotFoundError("population grid is missing", path=p, fix="restore data/population/")
    return p


@lru_cache(maxsize=4)
def _read_cached(path: str) -> PopulationGrid:
    import rasterio

    with rasterio.open(path) as src:
        masked = src.read(1, masked=True)
        t = src.transform
        crs_wkt = src.crs.to_wkt()
    land = ~np.ma.getmaskarray(masked)
    values = masked.filled(0).astype("float64")
    values[values < 0] = 0.0
    values.setflags(write=False)
    land.setflags(write=False)
    top, left, cell = t.f, t.c, t.a
    return PopulationGrid(
        values=values,
        land=land,
        transform=t,
        crs_wkt=crs_wkt,
        left=left,
        bottom=top + t.e * values.shape[0],
        right=left + cell * values.shape[1],
        top=top,
        cell=cell,
        path=Path(path),
    )


def read_population_grid(path: str | Path | None = None) -> PopulationGrid:
    """Read the population grid (once per path; later calls return the same object).

    Parameters
    ----------
    path
        A single-band GeoTIFF of people per cell; default
        :data:`divide.settings.POPULATION_GRID` (WorldPop 2020, 1 km).

    Returns
    -------
    PopulationGrid
        Values (no-data and negative cells set to 0), land mask, transform,
        CRS and bounds.

    Raises
    ------
    DataNotFoundError
        If the file is missing.

    Examples
    --------
    >>> grid = read_population_grid()
    >>> grid.shape, round(grid.cell * 3600), grid.crs_wkt.startswith("GEOGCS")
    ((1781, 879), 30, True)
    >>> round(float(grid.values.sum()) / 1e6, 1), bool(grid.values[~grid.land].any())
    (97.3, False)
    >>> read_population_grid() is grid
    True
    """
    return _read_cached(str(_grid_path(path)))


def _geometries(geoms: Any, crs_wkt: str) -> np.ndarray:
    """The geometries of a GeoSeries, GeoDataFrame or sequence as an object array in the grid's CRS."""
    if getattr(geoms, "ndim", 1) == 2 and hasattr(geoms, "geometry"):  # a GeoDataFrame
        geoms = geoms.geometry
    crs = getattr(geoms, "crs", None)
    if crs is not None:
        import pyproj

        if not pyproj.CRS.from_wkt(crs_wkt).equals(crs, ignore_axis_order=True):
            geoms = geoms.to_crs(crs_wkt)
    if hasattr(geoms, "values"):
        geoms = geoms.values
    return np.asarray(geoms, dtype=object).reshape(-1)


def _present(geoms: np.ndarray) -> np.ndarray:
    import shapely

    return np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)


def rasterize(geoms: Any, grid: PopulationGrid | None = None) -> np.ndarray:
    """Label each grid cell with the position of the polygon that holds its centre.

    Parameters
    ----------
    geoms
        Polygons (GeoSeries, GeoDataFrame or sequence of shapely geometries;
        without a CRS they are taken to be in the grid's, EPSG:4326).
    grid
        The grid (default :func:`read_population_grid`).

    Returns
    -------
    numpy.ndarray
        int32 array of the grid's shape: 0 .. n-1 (position of the geometry in
        ``geoms``; where polygons overlap the later one wins), -1 outside all
        of them. Missing or empty geometries label no cell.

    Examples
    --------
    >>> import shapely
    >>> grid = read_population_grid()
    >>> labels = rasterize([shapely.box(105.0, 21.0, 105.1, 21.1), None], grid)
    >>> labels.dtype.name, int((labels == 0).sum()), int((labels == 1).sum()), int(labels.min())
    ('int32', 144, 0, -1)
    """
    from rasterio import features

    grid = read_population_grid() if grid is None else grid
    geoms = _geometries(geoms, grid.crs_wkt)
    keep = _present(geoms)
    if not keep.any():
        return np.full(grid.shape, -1, dtype="int32")
    ids = np.arange(1, len(geoms) + 1)[keep]
    labels = features.rasterize(zip(geoms[keep], ids.tolist()), out_shape=grid.shape, transform=grid.transform,
                                fill=0, dtype="int32")
    return labels - 1


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygon parts of geometries that are not (Multi)Polygons (lines of a repaired overlay)."""
    import shapely

    out = geoms.copy()
    other = np.flatnonzero(~np.isin(shapely.get_type_id(geoms), (3, 6)))
    for i in other:
        parts = shapely.get_parts(shapely.get_parts(geoms[i]))  # collections, then multi-parts
        polys = [q for q in parts if shapely.get_type_id(q) == 3 and not q.is_empty]
        out[i] = shapely.MultiPolygon(polys)
    return out


def zonal_sums(geoms: Any, path: str | Path | None = None) -> np.ndarray:
    """Population inside each polygon, partly covered cells counted by the covered fraction.

    Parameters
    ----------
    geoms
        Polygons (GeoSeries, GeoDataFrame or sequence of shapely geometries;
        without a CRS they are taken to be in EPSG:4326). Non-polygon parts of
        a geometry (lines, points) are ignored.
    path
        The grid (default :data:`divide.settings.POPULATION_GRID`).

    Returns
    -------
    numpy.ndarray
        float64, one sum per geometry; 0 for a missing or empty one.

    Raises
    ------
    DataNotFoundError
        If the grid file is missing.

    Examples
    --------
    >>> import shapely
    >>> box = shapely.box(105.0, 21.0, 105.1, 21.1)
    >>> sums = zonal_sums([box, None, shapely.box(105.0, 21.0, 105.05, 21.1)])
    >>> bool(sums[0] > sums[2] > 0), float(sums[1])
    (True, 0.0)

    Whole cells whose centre is inside (:func:`rasterize`) give nearly the same:

    >>> inside = read_population_grid().values[rasterize([box]) == 0].sum()
    >>> bool(abs(inside - sums[0]) < 0.01 * sums[0])
    True
    """
    import shapely
    from exactextract import exact_extract
    from exactextract.feature import Feature, FeatureSource

    grid_path = _grid_path(path)
    crs_wkt = read_population_grid(grid_path).crs_wkt
    geoms = _polygonal(_geometries(geoms, crs_wkt))
    out = np.zeros(len(geoms))
    keep = _present(geoms)
    if not keep.any():
        return out

    # Polygons go to exactextract as WKB through a small feature source: its
    # GeoDataFrame source serialises every polygon to GeoJSON text, which
    # took most of the time on many polygons (7.4 s against about 1 s).
    class _WkbFeature(Feature):
        def __init__(self, k: int, wkb: bytes) -> None:
            super().__init__()
            self.k, self.wkb = k, wkb

        def geometry(self) -> bytes:
            return self.wkb

        def get(self, name: str) -> int:
            return self.k

        def fields(self) -> list[str]:
            return ["k"]

    class _WkbSource(FeatureSource):
        def __init__(self, keys: np.ndarray, wkbs: np.ndarray) -> None:
            super().__init__()
            self.keys, self.wkbs = keys, wkbs

        def count(self) -> int:
            return len(self.keys)

        def __iter__(self):
            for k, w in zip(self.keys.tolist(), self.wkbs):
                yield _WkbFeature(k, w)

        def srs_wkt(self) -> str:
            return crs_wkt

    keys = np.flatnonzero(keep)
    source = _WkbSource(keys, shapely.to_wkb(geoms[keep]))
    res = exact_extract(str(grid_path), source, "sum", include_cols=["k"], output="pandas")
    out[res["k"].to_numpy(dtype="int64")] = res["sum"].fillna(0).to_numpy(dtype="float64")
    return out
