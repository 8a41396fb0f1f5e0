"""Shares of a partly merged old commune, and the polygon overlay of old boundaries.

How a partly merged ("split") old commune is shared out, in order of
preference, recorded per pair as ``split_method``:

1. ``old_boundaries_population`` / ``old_boundaries_area``: user-supplied old
   boundaries intersected with the new communes, weighted by the WorldPop 2020
   grid population (:func:`divide.geography.population.zonal_sums`) or by the
   area of each intersection;
2. ``official_note``: the table says one receiving commune took "part of the
   area and all of the population": it takes everything;
3. ``receiver_population``: in proportion to the population of the receiving
   new communes;
4. ``equal``: equal shares.

An old commune that went whole to one new commune has ``split_method`` ``whole``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.crosswalk.register import communes_2025, load_crosswalk, normalise_code

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["SPLIT_METHODS", "POPULATION_GRID", "split_shares", "boundary_population", "read_boundaries"]

POPULATION_GRID = settings.POPULATION_GRID

#: How the values of one old commune were shared out (``split_method``).
SPLIT_METHODS = (
    "whole",
    "old_boundaries_population",
    "old_boundaries_area",
    "official_note",
    "receiver_population",
    "equal",
)


def _in_geographic_crs(boundaries: gpd.GeoDataFrame) -> gpd.GeoSeries:
    return (boundaries.to_crs(settings.GEOGRAPHIC_CRS) if boundaries.crs is not None else boundaries).geometry


def _overlay_weights(pairs: pd.DataFrame, old_boundaries: gpd.GeoDataFrame, overlay: str, grid: Path) -> pd.Series:
    """Weight of each (old, new) pair from the old boundaries: grid population or area of the intersection."""
    import geopandas as gpd
    import shapely

    from divide.geography.communes import load_communes
    from divide.geography.population import zonal_sums

    new = load_communes()
    old_geom = _in_geographic_crs(old_boundaries)
    p = pairs[pairs["old_code"].isin(old_geom.index) & pairs["new_code"].isin(new.index)]
    inter = shapely.intersection(
        shapely.make_valid(old_geom.reindex(p["old_code"]).values),
        new.geometry.reindex(p["new_code"]).values,
    )
    if overlay == "area":
        frame = gpd.GeoSeries(inter, crs=settings.GEOGRAPHIC_CRS)
        w = frame.to_crs(settings.PROJECTED_CRS).area.to_numpy() / 1e6
    else:
        w = zonal_sums(inter, grid)
    return pd.Series(w, index=p.index, dtype="float64")


def boundary_population(old_boundaries: gpd.GeoDataFrame, grid: str | Path = POPULATION_GRID) -> pd.Series:
    """Grid population (WorldPop 2020) inside each old boundary.

    Parameters
    ----------
    old_boundaries
        Polygons indexed by old code (:func:`read_boundaries`).
    grid
        The population grid.

    Returns
    -------
    pandas.Series
        Population per old code.

    Examples
    --------
    >>> from divide.geography.communes import load_communes
    >>> ba_dinh = load_communes("Hà Nội").loc[["00004"], ["geometry"]]
    >>> round(float(boundary_population(ba_dinh).iloc[0])) == round(float(load_communes("Hà Nội").at["00004", "population"]))
    True
    """
    from divide.geography.population import zonal_sums

    geoms = _in_geographic_crs(old_boundaries)
    return pd.Series(zonal_sums(geoms.values, grid), index=geoms.index)


def split_shares(
    crosswalk: pd.DataFrame | None = None,
    old_boundaries: gpd.GeoDataFrame | None = None,
    overlay: str = "population",
    use_notes: bool = True,
    receiver_population: pd.Series | None = None,
    grid: str | Path = POPULATION_GRID,
) -> pd.DataFrame:
    """Share of each old commune that went to each of its new communes.

    Parameters
    ----------
    crosswalk
        The pairs (:func:`load_crosswalk` if omitted).
    old_boundaries
        Optional polygons of old communes, indexed by old code.
    overlay
        ``"population"`` (WorldPop 2020 grid in each intersection) or ``"area"``.
    use_notes
        Give everything to a receiver noted "part of the area, all of the population".
    receiver_population
        Population of the new communes (default: WorldPop 2020 from the 2025 layer).
    grid
        Population grid for the population overlay.

    Returns
    -------
    pandas.DataFrame
        The pairs with ``share`` (summing to 1 per old commune) and ``split_method``.

    Examples
    --------
    >>> s = split_shares()
    >>> s.groupby("old_code")["share"].sum().round(12).eq(1).all()
    np.True_
    >>> s["split_method"].value_counts().to_dict()
    {'whole': 9595, 'receiver_population': 847, 'official_note': 123}
    """
    if overlay not in ("population", "area"):
        raise InputError(f"overlay must be 'population' or 'area', not {overlay!r}")
    cw = load_crosswalk() if crosswalk is None else crosswalk
    pairs = cw[["old_code", "new_code", "note_category"]].copy()
    n = pairs.groupby("old_code")["new_code"].transform("size")
    pairs["share"] = np.where(n == 1, 1.0, np.nan)
    pairs["split_method"] = np.where(n == 1, "whole", "")
    todo = pairs["share"].isna()

    if old_boundaries is not None:
        w = _overlay_weights(pairs[todo], old_boundaries, overlay, Path(grid))
        tot = w.groupby(pairs.loc[w.index, "old_code"]).transform("sum")
        ok = tot > 0
        idx = w.index[ok]
        # Only old communes whose every pair got an overlay weight.
        full = pairs.loc[todo].groupby("old_code")["new_code"].transform("size")
        got = pd.Series(1, index=idx).groupby(pairs.loc[idx, "old_code"]).transform("size")
        idx = idx[(got == full.reindex(idx)).to_numpy()]
        pairs.loc[idx, "share"] = (w[idx] / tot[idx]).to_numpy()
        pairs.loc[idx, "split_method"] = f"old_boundaries_{overlay}"
        todo = pairs["share"].isna()

    if use_notes:
        allpop = todo & (pairs["note_category"] == "part_of_area_all_population")
        olds = pairs.loc[allpop, "old_code"]
        single = olds[~olds.duplicated(keep=False)]
        rows = todo & pairs["old_code"].isin(single)
        pairs.loc[rows, "share"] = np.where(pairs.loc[rows, "note_category"] == "part_of_area_all_population", 1.0, 0.0)
        pairs.loc[rows, "split_method"] = "official_note"
        todo = pairs["share"].isna()

    if todo.any():
        if receiver_population is None:
            receiver_population = communes_2025()["population"]
        pop = pairs.loc[todo, "new_code"].map(receiver_population).fillna(0.0).clip(lower=0).astype("float64")
        tot = pop.groupby(pairs.loc[todo, "old_code"]).transform("sum")
        ok = tot > 0
        idx = pop.index[ok.to_numpy()]
        pairs.loc[idx, "share"] = (pop[idx] / tot[idx]).to_numpy()
        pairs.loc[idx, "split_method"] = "receiver_population"
        todo = pairs["share"].isna()
    if todo.any():
        k = pairs.loc[todo].groupby("old_code")["new_code"].transform("size")
        pairs.loc[todo, "share"] = 1.0 / k
        pairs.loc[todo, "split_method"] = "equal"
    pairs["share"] = pairs["share"].astype("float64")
    return pairs


def _read_boundary_file(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not path.exists():
        raise InputError("old boundary file not found", path=path, fix="check the path")
    try:
        return gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types
        raise InputError(f"cannot read old boundaries: {exc}", path=path, fix="give a GeoPackage, Shapefile or GeoJSON") from exc


def read_boundaries(old_boundaries: Any, code_column: str | None = None) -> gpd.GeoDataFrame:
    """Old commune polygons from a GeoDataFrame or a file, indexed by the 5-digit old code.

    Parameters
    ----------
    old_boundaries
        A GeoDataFrame or a GeoPackage, Shapefile or GeoJSON file (with a CRS).
    code_column
        Column with the old code (default: the index).

    Returns
    -------
    geopandas.GeoDataFrame
        Just the geometry, indexed by ``old_code`` (first of duplicated codes kept).

    Raises
    ------
    InputError
        A missing or unreadable file, a missing column, no CRS, or codes that are not commune codes.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"ma": [16]}, geometry=[shapely.box(105.8, 21.0, 105.9, 21.1)], crs="EPSG:4326")
    >>> read_boundaries(g, "ma").index.tolist()
    ['00016']
    """
    import geopandas as gpd

    path = Path(old_boundaries) if isinstance(old_boundaries, (str, Path)) else None
    if path is not None:
        gdf = _read_boundary_file(path)
    elif isinstance(old_boundaries, gpd.GeoDataFrame):
        gdf = old_boundaries
    else:
        raise InputError(f"old_boundaries must be a GeoDataFrame or a file, not {type(old_boundaries).__name__}")
    if code_column is not None:
        if code_column not in gdf.columns:
            raise InputError(f"column {code_column!r} not in the old boundaries", path=path,
                             fix="columns: " + ", ".join(map(str, gdf.columns)))
        gdf = gdf.set_index(code_column)
    if gdf.crs is None:
        raise InputError("old boundaries have no CRS", path=path, fix="set it (for example gdf.set_crs('EPSG:4326'))")
    bad = []
    idx = []
    for v in gdf.index:
        code, _ = normalise_code(v)
        if code is None:
            bad.append(str(v))
        idx.append(code)
    if bad:
        raise InputError(f"old boundaries: {len(bad)} code(s) are not commune codes: {bad[:5]}", path=path,
                         where=f"column {code_column!r}" if code_column else "index",
                         fix="use the 5-digit pre-2025 code (boundary_code_column=...)")
    gdf = gdf.set_axis(pd.Index(idx, name="old_code"))
    gdf = gdf[~gdf.index.duplicated(keep="first")]
    return gdf[[gdf.geometry.name]]
