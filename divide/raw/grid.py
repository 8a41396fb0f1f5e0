"""The commune grid: communes rasterised once, exact polygon tests only in boundary cells.

:func:`divide.raw.points.assign_points` and
:func:`~divide.raw.points.aggregate_points` find the commune of millions of
points through a :class:`CommuneGrid`.

The rule for points on a boundary
---------------------------------
A point on a boundary shared by two communes (or on a vertex shared by
several, or in the slivers where the simplified boundaries overlap) belongs
to the commune that ``geopandas.sjoin(points, communes,
predicate="intersects")`` lists first after sorting by ``commune_code``:
**the smallest code**. The grid applies the same rule, so its assignments
are identical to the plain spatial join (the tests and
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
A grid is built once per process and set of communes (:data:`GRID_CACHE`).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from divide._errors import InputError

__all__ = [
    "AUTO_RESOLUTION",
    "FINE_RESOLUTION",
    "GRID_CACHE",
    "CommuneGrid",
    "auto_resolution",
    "commune_geometries",
    "commune_grid",
    "geometry_key",
]

#: Grid resolutions (degrees) chosen by the number of points when ``resolution=None``:
#: below 200,000 points 0.01°, below 2 million 0.004°, else :data:`FINE_RESOLUTION`.
AUTO_RESOLUTION = ((200_000, 0.01), (2_000_000, 0.004))
#: The finest automatic resolution (0.002° ≈ 220 m).
FINE_RESOLUTION = 0.002


def commune_geometries(communes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes (sorted), geometries (EPSG:4326, in code order) and the communes' own index.

    Parameters
    ----------
    communes
        Commune GeoDataFrame indexed by ``commune_code``, with a CRS.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, pandas.Index)
        The codes as strings in sorted order, the polygons in that order and
        ``communes.index`` as given.

    Examples
    --------
    >>> import divide
    >>> codes, geoms, index = commune_geometries(divide.load_communes("Lai Châu"))
    >>> bool((codes[:-1] < codes[1:]).all()), len(geoms) == len(index)
    (True, True)
    """
    if communes is None:
        raise InputError("no commune table given", fix='pass communes=divide.load_communes() (or a subset, e.g. divide.load_communes("Lai Châu"))')
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


def auto_resolution(n: int | None) -> float:
    """Grid cell (degrees) for ``n`` points: coarser for few points (``None``: a dask collection of unknown size).

    Examples
    --------
    >>> auto_resolution(1_000), auto_resolution(None), auto_resolution(10_000_000)
    (0.01, 0.004, 0.002)
    """
    if n is None:
        return 0.004
    for limit, res in AUTO_RESOLUTION:
        if n < limit:
            return res
    return FINE_RESOLUTION


class CommuneGrid:
    """Raster lookup of communes with exact tests on boundary cells (see the module docstring).

    Parameters
    ----------
    geoms
        Commune polygons in EPSG:4326, in ``commune_code`` order (as from
        :func:`commune_geometries`): on shared boundaries the first wins.
    resolution
        Cell size in degrees.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> import numpy as np
    >>> g = CommuneGrid(np.array([box(105.0, 20.0, 105.1, 20.1), box(105.1, 20.0, 105.2, 20.1)]), 0.01)
    >>> pos, n_exact = g.lookup(np.array([105.05, 105.1, 106.0]), np.array([20.05, 20.05, 20.05]))
    >>> pos.tolist(), n_exact
    ([0, 0, -1], 1)
    """

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


#: Grids built in this process, by :func:`geometry_key` (the last two are kept).
GRID_CACHE: dict[tuple, CommuneGrid] = {}


def geometry_key(codes: np.ndarray, geoms: np.ndarray, resolution: float) -> tuple:
    """Cache key of a grid: a SHA-1 of the codes and the polygons' WKB, and the resolution."""
    import shapely

    h = hashlib.sha1()
    h.update("\x1f".join(codes.tolist()).encode())
    for w in shapely.to_wkb(geoms):
        h.update(w if w is not None else b"\x00")
    return (h.hexdigest(), float(resolution))


def commune_grid(codes: np.ndarray, geoms: np.ndarray, resolution: float, key: tuple | None = None) -> CommuneGrid:
    """The :class:`CommuneGrid` of these communes at ``resolution``, built once per process (:data:`GRID_CACHE`)."""
    key = key or geometry_key(codes, geoms, resolution)
    grid = GRID_CACHE.get(key)
    if grid is None:
        if len(GRID_CACHE) >= 2:
            GRID_CACHE.pop(next(iter(GRID_CACHE)))
        grid = GRID_CACHE[key] = CommuneGrid(geoms, resolution)
    return grid
