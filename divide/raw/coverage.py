"""Mobile coverage from sites: 4G population share, coverage gap and a coverage map layer.

A site covers a disc of its nominal range (the ``range_km`` column, else
:data:`DEFAULT_RANGES_KM` by technology and by the commune's class). Discs
are built in :data:`divide.settings.PROJECTED_CRS` (equal-area, metres),
unioned and clipped to each commune. "4G coverage" is the union of the discs
of 4G and 5G sites (5G in Vietnam is deployed on 4G anchor sites); "any
coverage" the union of all discs.

Population inside coverage is measured on the 1 km WorldPop grid with
**exactextract** (the fraction of each cell covered by the polygon weights
its population, so a disc that covers a third of a cell counts a third of
its people: population is assumed uniform within a 1 km cell). The commune's
population is measured the same way, so ``mobile_4g_pop_pct`` is a ratio of
two consistent sums. Communes without population on the grid (Hoàng Sa,
Trường Sa) get NaN percentages.

Examples
--------
>>> DEFAULT_RANGES_KM.loc["4G", "rural"]
np.float64(5.0)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.population import zonal_sums
from divide.provenance import carry
from divide.raw.checks import check_points
from divide.raw.points import assign_points

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["DEFAULT_RANGES_KM", "TECHNOLOGIES", "coverage_from_sites", "coverage_layer", "range_class", "site_ranges"]

TECHNOLOGIES = ("2G", "3G", "4G", "5G")
_FOUR_G = ("4G", "5G")

#: Nominal cell range (km) by technology and class (urban = phường; rural = xã and đặc khu).
#: **An assumption**, not a measurement: round planning figures for macro cells of the
#: usual bands (2G 900 MHz, 3G 2100 MHz, 4G 1800 MHz, 5G 2600/3500 MHz), smaller in towns
#: where sites are dense and buildings attenuate. Real ranges depend on band, antenna height,
#: terrain and load; pass a ``range_km`` column (or ``ranges=``) when the operator knows better.
DEFAULT_RANGES_KM = pd.DataFrame(
    {"urban": [5.0, 2.0, 1.5, 0.5], "rural": [10.0, 6.0, 5.0, 1.5]},
    index=pd.Index(list(TECHNOLOGIES), name="technology"),
)


def range_class(communes: pd.DataFrame) -> pd.Series:
    """"urban" or "rural" per commune, the class of :data:`DEFAULT_RANGES_KM` (special zones and unknown classes count as rural).

    Examples
    --------
    >>> import pandas as pd
    >>> range_class(pd.DataFrame({"commune_type": ["phuong", "xa", "dac_khu"]})).tolist()
    ['urban', 'rural', 'rural']
    """
    if "urban_rural" in communes.columns:
        cls = communes["urban_rural"].astype(str)
    elif "commune_type" in communes.columns:
        cls = communes["commune_type"].astype(str).map({"phuong": "urban"})
    else:
        cls = pd.Series("rural", index=communes.index)
    return pd.Series(np.where(cls.to_numpy() == "urban", "urban", "rural"), index=communes.index)


def _range_table(ranges: pd.DataFrame | dict) -> pd.DataFrame:
    """A range table indexed by technology with columns urban/rural (lists follow :data:`TECHNOLOGIES`)."""
    table = pd.DataFrame(ranges)
    if not table.index.isin(TECHNOLOGIES).any() and len(table) == len(TECHNOLOGIES):
        table.index = pd.Index(list(TECHNOLOGIES), name="technology")
    missing = [c for c in ("urban", "rural") if c not in table.columns]
    if missing:
        raise InputError(f"the range table lacks column(s) {missing}", fix="give km by technology for 'urban' and 'rural'")
    return table.reindex(DEFAULT_RANGES_KM.index)[["urban", "rural"]].astype("float64")


def site_ranges(sites: gpd.GeoDataFrame, communes: pd.DataFrame, *,
                ranges: pd.DataFrame | dict | None = None) -> pd.Series:
    """Range in km of each site: its ``range_km`` if given, else the default of its technology and class.

    Examples
    --------
    >>> import divide, geopandas as gpd
    >>> lc = divide.load_communes("Lai Châu")
    >>> s = gpd.GeoDataFrame({"technology": ["4G", "2G"]}, crs=4326,
    ...                      geometry=gpd.points_from_xy(lc.centroid_lon[:2], lc.centroid_lat[:2]))
    >>> lc["urban_rural"].iloc[:2].tolist(), site_ranges(s, lc).tolist()
    (['urban', 'rural'], [1.5, 10.0])
    """
    table = DEFAULT_RANGES_KM if ranges is None else _range_table(ranges)
    if "technology" not in sites.columns and "range_km" not in sites.columns:
        raise InputError("sites need a 'technology' (2G/3G/4G/5G) or a 'range_km' column",
                         where=f"columns {list(sites.columns)[:12]}", fix="add one of them")
    out = pd.Series(np.nan, index=sites.index, name="range_km")
    if "range_km" in sites.columns:
        out[:] = pd.to_numeric(sites["range_km"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    todo = out.isna().to_numpy()
    if todo.any():
        tech = _technology(sites)
        code = assign_points(sites[todo], communes, repair=True)
        cls = range_class(communes).reindex(code.astype(object)).fillna("rural").to_numpy()
        t = tech[todo].to_numpy()
        vals = [table.loc[a, b] if a in table.index else np.nan for a, b in zip(t, cls)]
        out[todo] = vals
    bad = out.isna() | (out <= 0)
    if bad.any():
        raise InputError(f"{int(bad.sum())} site(s) have no usable range", where=f"rows {out.index[bad][:5].tolist()}",
                         fix="give technology 2G/3G/4G/5G or a positive range_km")
    return out


def _technology(sites: pd.DataFrame) -> pd.Series:
    if "technology" not in sites.columns:
        return pd.Series("", index=sites.index)
    t = sites["technology"].astype(str).str.upper().str.strip()
    unknown = ~t.isin(TECHNOLOGIES) & ~sites["range_km"].notna() if "range_km" in sites else ~t.isin(TECHNOLOGIES)
    if unknown.any():
        raise InputError(f"unknown technology {sorted(set(t[unknown]))[:5]}",
                         where=f"column 'technology', rows {sites.index[unknown][:5].tolist()}",
                         fix="use 2G, 3G, 4G or 5G (or give range_km)")
    return t


def _sites_checked(sites: gpd.GeoDataFrame, repair: bool) -> tuple[gpd.GeoDataFrame, Any]:
    import geopandas as gpd

    x, y, report = check_points(sites, repair=repair, what="sites")
    ok = ~(np.isnan(x) | np.isnan(y))
    frame = pd.DataFrame(sites.drop(columns=getattr(sites, "_geometry_column_name", "geometry"), errors="ignore"))
    out = gpd.GeoDataFrame(frame[ok], geometry=gpd.points_from_xy(x[ok], y[ok]), crs=settings.GEOGRAPHIC_CRS)
    return out, report


def _discs(sites: gpd.GeoDataFrame, radius_km: pd.Series) -> np.ndarray:
    import shapely

    pts = sites.geometry.to_crs(settings.PROJECTED_CRS).values
    return shapely.buffer(np.asarray(pts), radius_km.to_numpy() * 1000.0, quad_segs=16)


def _polygonal(geom: Any) -> Any:
    """Only the polygons of an overlay result (intersections may add slivers of lines or points)."""
    import shapely

    if geom is None or shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(shapely.get_parts(geom))
    polys = [p for p in parts if shapely.get_type_id(p) == 3]
    return shapely.multipolygons(polys) if polys else shapely.Polygon()


def _clip(discs: np.ndarray, communes_m: np.ndarray) -> np.ndarray:
    """Union of the discs clipped to each commune (projected geometries, one per commune)."""
    import shapely

    out = np.empty(len(communes_m), dtype=object)
    out[:] = None
    if not len(discs):
        return out
    tree = shapely.STRtree(discs)
    ci, di = tree.query(communes_m, predicate="intersects")
    order = np.argsort(ci, kind="stable")
    ci, di = ci[order], di[order]
    bounds = np.searchsorted(ci, np.arange(len(communes_m) + 1))

    def one(i: int) -> Any:
        geom = communes_m[i]
        covered = shapely.union_all(discs[di[bounds[i]:bounds[i + 1]]])
        if shapely.contains(covered, geom):
            return geom
        return _polygonal(shapely.intersection(covered, geom))

    todo = np.flatnonzero(np.diff(bounds)).tolist()
    # GEOS overlays release the GIL: two threads take about two thirds of the time of one (measured)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, geom in zip(todo, pool.map(one, todo)):
            out[i] = geom
    return out


def _pieces(communes: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, radius: pd.Series,
            gap: bool = True) -> dict[str, np.ndarray]:
    import shapely

    cm = np.asarray(communes.geometry.to_crs(settings.PROJECTED_CRS).values)
    bad = ~shapely.is_valid(cm)
    if bad.any():  # a few communes become self-touching once projected (3 nationally)
        cm[bad] = [_polygonal(g) for g in shapely.make_valid(cm[bad])]
    shapely.prepare(cm)
    tech = _technology(sites)
    discs = _discs(sites, radius)
    four = tech.isin(_FOUR_G).to_numpy()
    c4 = _clip(discs[four], cm)
    cany = _clip(discs, cm)
    if not gap:
        return {"4g": c4, "any": cany}
    out = np.empty(len(cm), dtype=object)
    for i, (geom, cov) in enumerate(zip(cm, cany)):
        out[i] = geom if cov is None else _polygonal(shapely.difference(geom, cov))
    return {"4g": c4, "any": cany, "gap": out}


def coverage_layer(sites: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, *,
                   ranges: pd.DataFrame | dict | None = None, repair: bool = False) -> gpd.GeoDataFrame:
    """Coverage polygons per commune, as a map layer.

    Parameters
    ----------
    sites
        Site points with ``technology`` and/or ``range_km``.
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example ``divide.load_communes()``).
    ranges
        A table like :data:`DEFAULT_RANGES_KM` (technology × urban/rural) replacing the defaults.
    repair
        Fix repairable site-layer problems (see :func:`divide.raw.points.check_points`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per commune and layer (``layer``: ``"4g"`` = 4G/5G coverage,
        ``"any"`` = any technology, ``"gap"`` = the commune outside any
        coverage), with ``commune_code``, ``area_km2`` and geometry in
        EPSG:4326; empty pieces are left out. ``attrs["modeled"]`` follows the sites.

    Examples
    --------
    >>> import divide
    >>> from divide.modeled.raw_layers import model_sites
    >>> lc = divide.load_communes("Lai Châu")
    >>> layer = coverage_layer(model_sites(lc), lc)
    >>> sorted(set(layer["layer"]))
    ['4g', 'any', 'gap']
    """
    import geopandas as gpd
    import shapely

    clean, _ = _sites_checked(sites, repair)
    radius = site_ranges(clean, communes, ranges=ranges)
    pieces = _pieces(communes, clean, radius)
    rows = []
    for layer, geoms in pieces.items():
        keep = np.array([g is not None and not shapely.is_empty(g) for g in geoms])
        rows.append(gpd.GeoDataFrame({"commune_code": communes.index.to_numpy()[keep], "layer": layer,
                                      "area_km2": shapely.area(geoms[keep].astype(object)) / 1e6},
                                     geometry=list(geoms[keep]), crs=settings.PROJECTED_CRS))
    out = pd.concat(rows, ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=settings.PROJECTED_CRS).to_crs(settings.GEOGRAPHIC_CRS)
    out["commune_code"] = out["commune_code"].astype("str")
    carry(sites, out)
    return out


def coverage_from_sites(
    sites: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    *,
    ranges: pd.DataFrame | dict | None = None,
    population_grid: str | Path | None = None,
    villages: gpd.GeoDataFrame | None = None,
    repair: bool = False,
) -> pd.DataFrame:
    """Per-commune 4G population coverage and coverage gap from site points.

    Parameters
    ----------
    sites
        Site points (GeoDataFrame) with ``technology`` (2G/3G/4G/5G) and/or
        ``range_km``.
    communes
        Commune GeoDataFrame indexed by ``commune_code`` (for example ``divide.load_communes()``).
    ranges
        Replacement for :data:`DEFAULT_RANGES_KM` (technology × urban/rural).
    population_grid
        Population raster (default the 1 km WorldPop 2020 grid,
        ``data/population/vnm_ppp_2020_1km_Aggregated_UNadj.tif``).
    villages
        Optional village points: ``villages_outside_coverage`` counts those
        of each commune outside any coverage.
    repair
        Fix repairable site-layer problems and report them.

    Returns
    -------
    pandas.DataFrame
        On the communes' index: ``sites``, ``sites_4g`` (4G or 5G),
        ``population_grid`` (commune population on the grid), ``pop_4g``,
        ``pop_any``, ``mobile_4g_pop_pct`` (100 × pop_4g / population),
        ``coverage_gap_pop`` (population outside any coverage),
        ``coverage_gap_pop_pct`` and, with villages, ``villages_total`` and
        ``villages_outside_coverage``. NaN percentages where the grid holds
        no population. ``attrs["method"]`` names the method;
        ``attrs["modeled"]`` follows the sites.

    Examples
    --------
    >>> import divide
    >>> from divide.modeled.raw_layers import model_sites
    >>> lc = divide.load_communes("Lai Châu")
    >>> cov = coverage_from_sites(model_sites(lc), lc)
    >>> cov.index.equals(lc.index), bool(cov["mobile_4g_pop_pct"].between(0, 100).all())
    (True, True)
    """
    import geopandas as gpd
    import shapely

    grid = Path(population_grid) if population_grid is not None else settings.POPULATION_GRID
    if not grid.exists():
        raise DataNotFoundError("population grid not found", path=grid, fix="restore data/population/ or pass population_grid=")
    clean, report = _sites_checked(sites, repair)
    radius = site_ranges(clean, communes, ranges=ranges)
    pieces = _pieces(communes, clean, radius, gap=False)
    back = {}
    for layer in ("4g", "any"):
        geoms = pieces[layer]
        ok = np.array([g is not None for g in geoms], dtype=bool)
        arr = np.empty(len(geoms), dtype=object)
        arr[:] = None
        if ok.any():
            arr[ok] = gpd.GeoSeries(list(geoms[ok]), crs=settings.PROJECTED_CRS).to_crs(settings.GEOGRAPHIC_CRS).values
        back[layer] = arr
    cgeoms = np.asarray(communes.geometry.to_crs(settings.GEOGRAPHIC_CRS).values, dtype=object)
    pop = zonal_sums(cgeoms, grid)
    pop4 = np.minimum(zonal_sums(back["4g"], grid), pop)
    popany = np.minimum(zonal_sums(back["any"], grid), pop)
    out = pd.DataFrame(index=pd.Index(communes.index.astype(str), name="commune_code"))
    site_code = assign_points(clean, communes, repair=True)
    tech = _technology(clean)
    out["sites"] = site_code.value_counts().reindex(out.index, fill_value=0).astype("int64").to_numpy()
    out["sites_4g"] = (site_code[tech.isin(_FOUR_G).to_numpy()].value_counts()
                       .reindex(out.index, fill_value=0).astype("int64").to_numpy())
    out["population_grid"] = pop
    out["pop_4g"] = pop4
    out["pop_any"] = popany
    with np.errstate(invalid="ignore", divide="ignore"):
        # below a millionth of a person the grid holds nobody (exactextract leaves float dust on edges)
        people = pop > 1e-6
        out["mobile_4g_pop_pct"] = np.where(people, 100.0 * pop4 / pop, np.nan)
        out["coverage_gap_pop"] = np.where(people, pop - popany, np.nan)
        out["coverage_gap_pop_pct"] = np.where(people, 100.0 * (pop - popany) / pop, np.nan)
    if villages is not None:
        vx, vy, _ = check_points(villages, repair=repair, what="villages")
        vcode = assign_points(villages, communes, repair=repair)
        vm = gpd.GeoSeries(gpd.points_from_xy(vx, vy), crs=settings.GEOGRAPHIC_CRS).to_crs(settings.PROJECTED_CRS)
        discs = _discs(clean, radius)
        covered = np.zeros(len(vm), dtype=bool)
        if len(discs):
            hit = shapely.STRtree(discs).query(np.asarray(vm.values), predicate="intersects")[0]
            covered[np.unique(hit)] = True
        out["villages_total"] = vcode.value_counts().reindex(out.index, fill_value=0).astype("int64").to_numpy()
        out["villages_outside_coverage"] = (vcode[~covered].value_counts()
                                            .reindex(out.index, fill_value=0).astype("int64").to_numpy())
    out.attrs["method"] = ("union of site discs (range_km or DEFAULT_RANGES_KM, an assumption) in "
                           f"{settings.PROJECTED_CRS!r}, clipped to communes; population by exactextract "
                           f"(cell-fraction weighted sums) on {grid.name}")
    out.attrs["points_report"] = report.to_dict()
    carry(sites, out)
    return out
