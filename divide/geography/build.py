"""Build the derived geography files from the shipped source data.

Run ``python -m divide.build`` from the repository root. It reads only files in
the repository (``shapefiles/source/`` and ``data/population/``) and writes:

* ``shapefiles/admin_2025.gpkg``: layers ``communes`` (3,321 units) and
  ``provinces`` (34, dissolved from the communes), EPSG:4326;
* ``data/communes_2025.csv``: the commune table without geometry;
* ``data/build_report.json``: counts, totals and what was repaired.

``python -m divide.build --subset --out DIR`` builds the same files from the
Hà Nội + Lai Châu subset (164 units) into ``DIR``; the tests use it.

Every step is deterministic: two runs give identical tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.names import nfc, pad_code

__all__ = ["SOURCE_COMMUNES", "SOURCE_SUBSET", "POPULATION_GRID", "build_communes", "build_provinces", "build_geography"]

SOURCE_COMMUNES = settings.SOURCE_COMMUNES
SOURCE_SUBSET = settings.SOURCE_SUBSET
POPULATION_GRID = settings.POPULATION_GRID

ADMIN_GPKG = "admin_2025.gpkg"
COMMUNES_CSV = "communes_2025.csv"
BUILD_REPORT = "build_report.json"

_TYPES = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}
#: Official urban/rural class (GSO): phường urban, xã rural, đặc khu its own class.
_OFFICIAL_CLASS = {"xa": "rural", "phuong": "urban", "dac_khu": "special_zone"}

COMMUNE_COLUMNS = [
    "commune_name",
    "commune_type",
    "province_code",
    "province_name",
    "urban_rural",
    "degurba",
    "population",
    "pop_urban_centre_pct",
    "pop_urban_cluster_pct",
    "pop_rural_grid_pct",
    "area_km2",
    "density_km2",
    "is_island",
    "remoteness_km",
    "centroid_lon",
    "centroid_lat",
]


def _read_source(path: Path):
    import geopandas as gpd

    if not path.exists():
        raise DataNotFoundError(
            "source boundary file is missing",
            path=path,
            fix="restore it from the repository (git checkout -- shapefiles/source)",
        )
    return gpd.read_file(path)


def _clean_attributes(raw) -> tuple[object, dict]:
    """Codes to zero-padded strings, names to NFC, types to the project's labels."""
    import shapely

    report: dict[str, object] = {}
    gdf = raw.copy()
    gdf["commune_code"] = [pad_code(c, 5) for c in gdf["ma_xa"]]
    gdf["province_code"] = [pad_code(c, 2) for c in gdf["province_id"]]
    gdf["commune_name"] = [nfc(n) for n in gdf["ten_xa"]]
    gdf["province_name"] = [nfc(n) for n in gdf["province"]]
    types = gdf["loai"].map(lambda t: _TYPES.get(nfc(t).lower()))
    if types.isna().any():
        bad = sorted(set(gdf.loc[types.isna(), "loai"]))
        raise InputError(f"unknown commune type(s) {bad}", where="column 'loai'", fix="extend _TYPES in divide/build.py")
    gdf["commune_type"] = types
    dup = gdf["commune_code"].duplicated(keep=False)
    if dup.any():
        raise InputError(
            f"duplicate commune codes: {sorted(set(gdf.loc[dup, 'commune_code']))}", where="column 'ma_xa'"
        )

    invalid = ~shapely.is_valid(gdf.geometry.values)
    report["geometries_repaired"] = int(invalid.sum())
    if invalid.any():
        fixed = shapely.make_valid(gdf.geometry.values[invalid])
        # make_valid may return collections with stray lines: keep the polygons.
        fixed = [shapely.multipolygons(shapely.get_parts(g)[shapely.get_type_id(shapely.get_parts(g)) == 3])
                 if shapely.get_type_id(g) == 7 else g for g in fixed]
        gdf.loc[invalid, "geometry"] = fixed
    # One geometry type on disk: MultiPolygon.
    single = shapely.get_type_id(gdf.geometry.values) == 3
    if single.any():
        gdf.loc[single, "geometry"] = [shapely.multipolygons([g]) for g in gdf.geometry.values[single]]
    gdf = gdf.set_index("commune_code").sort_index()
    return gdf, report


def _zonal_population(gdf, grid: Path) -> tuple[pd.DataFrame, dict]:
    """Population per commune (zonal sum) and per degree-of-urbanisation grid class."""
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    from divide.geography.degurba import classify_grid
    from divide.geography.population import read_population_grid

    g = read_population_grid(grid)
    pop, land, crs_wkt = g.values, g.land, g.crs_wkt
    left, bottom, right, top = g.left, g.bottom, g.right, g.top
    classes = classify_grid(pop, top, g.cell)

    layers = [
        NumPyRasterSource(pop, left, bottom, right, top, name="population", srs_wkt=crs_wkt),
    ]
    for code, name in ((1, "urban_centre"), (2, "urban_cluster"), (3, "rural_grid")):
        layers.append(
            NumPyRasterSource(np.where(classes == code, pop, 0.0), left, bottom, right, top, name=name, srs_wkt=crs_wkt)
        )
    frame = gdf[["geometry"]].reset_index()
    res = exact_extract(layers, frame, "sum", include_cols=["commune_code"], output="pandas")
    res = res.set_index("commune_code")
    res.columns = [c.replace("_sum", "") for c in res.columns]

    # Totals for the record: the grid, the sum of zonal sums, and the zonal sum
    # over the union of all units (the difference to the sum of zonal sums is
    # population counted twice where simplified neighbours overlap).
    import shapely

    union = shapely.union_all(gdf.geometry.values)
    union_sum = exact_extract(
        layers[0], pd.DataFrame({"geometry": [union]}).pipe(lambda d: _as_gdf(d)), "sum", output="pandas"
    )["sum"].iloc[0]
    report = {
        "grid_total": float(pop.sum()),
        "zonal_sum_total": float(res["population"].sum()),
        "zonal_sum_of_union": float(union_sum),
        "grid_cells_by_class": {n: int(((classes == c) & land).sum()) for c, n in ((1, "urban_centre"), (2, "urban_cluster"), (3, "rural_grid"))},
        "grid_population_by_class": {
            n: float(pop[classes == c].sum()) for c, n in ((1, "urban_centre"), (2, "urban_cluster"), (3, "rural_grid"))
        },
    }
    return res, report


def _as_gdf(frame):
    import geopandas as gpd

    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.GEOGRAPHIC_CRS)


def build_communes(source: Path = SOURCE_COMMUNES, grid: Path = POPULATION_GRID):
    """Build the commune layer with population, urban/rural classes and context.

    Parameters
    ----------
    source
        Boundary GeoPackage in the source schema (``ma_xa``, ``ten_xa``, ``loai``,
        ``province_id``, ``province``).
    grid
        WorldPop 1 km population GeoTIFF.

    Returns
    -------
    (geopandas.GeoDataFrame, dict)
        The commune table indexed by ``commune_code`` with :data:`COMMUNE_COLUMNS`
        and geometry, and a report of totals and repairs.

    Examples
    --------
    >>> communes, report = build_communes(SOURCE_SUBSET)
    >>> len(communes), report["geometries_repaired"]
    (164, 0)
    """
    import geopandas as gpd
    import shapely
    from libpysal.graph import Graph

    from divide.geography.degurba import classify_units

    raw = _read_source(Path(source))
    gdf, report = _clean_attributes(raw)
    report["source"] = Path(source).name
    report["units"] = int(len(gdf))

    projected = gdf.geometry.to_crs(settings.PROJECTED_CRS)
    gdf["area_km2"] = projected.area / 1e6

    zonal, pop_report = _zonal_population(gdf, Path(grid))
    report.update(pop_report)
    gdf["population"] = zonal["population"].reindex(gdf.index).fillna(0.0)
    shares = zonal[["urban_centre", "urban_cluster", "rural_grid"]].div(zonal["population"].where(zonal["population"] > 0), axis=0)
    shares = shares.reindex(gdf.index)
    gdf["pop_urban_centre_pct"] = 100 * shares["urban_centre"]
    gdf["pop_urban_cluster_pct"] = 100 * shares["urban_cluster"]
    gdf["pop_rural_grid_pct"] = 100 * shares["rural_grid"]
    gdf["degurba"] = classify_units(shares).astype(str)
    gdf["density_km2"] = gdf["population"] / gdf["area_km2"]
    gdf["urban_rural"] = gdf["commune_type"].map(_OFFICIAL_CLASS)

    # Islands: units with no land neighbour under queen contiguity.
    graph = Graph.build_contiguity(gdf.reset_index(drop=True), rook=False)
    isolated = np.zeros(len(gdf), dtype=bool)
    isolated[np.asarray(graph.isolates, dtype=int)] = True
    gdf["is_island"] = isolated
    report["islands"] = int(isolated.sum())

    # Remoteness: centroid to the nearest phường centroid, in the projected CRS.
    centroids = projected.centroid
    is_ward = (gdf["commune_type"] == "phuong").to_numpy()
    if is_ward.any():
        tree = shapely.STRtree(centroids.values[is_ward])
        _, dist = tree.query_nearest(centroids.values, return_distance=True, all_matches=False)
        gdf["remoteness_km"] = np.round(dist / 1000.0, 3)
    else:
        gdf["remoteness_km"] = np.nan
    lonlat = gpd.GeoSeries(centroids, crs=settings.PROJECTED_CRS).to_crs(settings.GEOGRAPHIC_CRS)
    gdf["centroid_lon"] = lonlat.x.round(5)
    gdf["centroid_lat"] = lonlat.y.round(5)

    gdf["area_km2"] = gdf["area_km2"].round(4)
    gdf["density_km2"] = gdf["density_km2"].round(3)
    for col in ("pop_urban_centre_pct", "pop_urban_cluster_pct", "pop_rural_grid_pct"):
        gdf[col] = gdf[col].round(3)

    population = gdf["population"]
    report["population_total"] = float(population.sum())
    report["population_by_official_class"] = {k: float(v) for k, v in population.groupby(gdf["urban_rural"]).sum().items()}
    report["population_by_degurba"] = {k: float(v) for k, v in population.groupby(gdf["degurba"]).sum().items()}
    report["units_by_type"] = {k: int(v) for k, v in gdf["commune_type"].value_counts().sort_index().items()}
    report["units_by_degurba"] = {k: int(v) for k, v in gdf["degurba"].value_counts().sort_index().items()}
    out = gpd.GeoDataFrame(gdf[COMMUNE_COLUMNS], geometry=gdf.geometry, crs=settings.GEOGRAPHIC_CRS)
    out.index.name = "commune_code"
    return out, report


def build_provinces(communes):
    """Dissolve communes into provinces with counts, population and area.

    Parameters
    ----------
    communes
        The commune layer from :func:`build_communes`.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``province_code`` with ``province_name``, ``communes``, ``xa``,
        ``phuong``, ``dac_khu``, ``population``, ``urban_population_pct``,
        ``area_km2`` and geometry.

    Examples
    --------
    >>> communes, _ = build_communes(SOURCE_SUBSET)
    >>> build_provinces(communes)["communes"].to_dict()
    {'01': 126, '12': 38}
    """
    import geopandas as gpd
    import shapely

    grouped = communes.groupby("province_code", sort=True)
    table = pd.DataFrame(
        {
            "province_name": grouped["province_name"].first(),
            "communes": grouped.size(),
            "xa": grouped["commune_type"].apply(lambda s: int((s == "xa").sum())),
            "phuong": grouped["commune_type"].apply(lambda s: int((s == "phuong").sum())),
            "dac_khu": grouped["commune_type"].apply(lambda s: int((s == "dac_khu").sum())),
            "population": grouped["population"].sum(),
            "area_km2": grouped["area_km2"].sum().round(3),
        }
    )
    urban = communes["population"].where(communes["urban_rural"] == "urban", 0.0).groupby(communes["province_code"]).sum()
    table["urban_population_pct"] = (100 * urban / table["population"]).round(3)
    geoms = [shapely.union_all(communes.geometry.values[(communes["province_code"] == code).to_numpy()]) for code in table.index]
    geoms = [g if shapely.get_type_id(g) == 6 else shapely.multipolygons(shapely.get_parts(g)[shapely.get_type_id(shapely.get_parts(g)) == 3]) for g in geoms]
    out = gpd.GeoDataFrame(table, geometry=geoms, crs=settings.GEOGRAPHIC_CRS)
    out.index.name = "province_code"
    return out


def write_outputs(communes, provinces, report: dict, shapefiles_dir: Path, data_dir: Path) -> dict[str, Path]:
    """Write the GeoPackage, the CSV table and the build report; return their paths."""
    shapefiles_dir.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    gpkg = shapefiles_dir / ADMIN_GPKG
    tmp = gpkg.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    communes.reset_index().to_file(tmp, layer="communes", driver="GPKG")
    provinces.reset_index().to_file(tmp, layer="provinces", driver="GPKG")
    tmp.replace(gpkg)
    csv = data_dir / COMMUNES_CSV
    communes.drop(columns="geometry").to_csv(csv, encoding="utf-8", lineterminator="\n")
    rep = data_dir / BUILD_REPORT
    rep.write_text(json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return {"gpkg": gpkg, "csv": csv, "report": rep}


def build_geography(source: Path = SOURCE_COMMUNES, shapefiles_dir: Path | None = None,
                    data_dir: Path | None = None):
    """Build the communes and provinces from ``source`` and write them; return (communes, provinces, report, paths).

    ``shapefiles_dir`` and ``data_dir`` default to the repository's folders.
    """
    communes, report = build_communes(source)
    provinces = build_provinces(communes)
    report["provinces"] = int(len(provinces))
    paths = write_outputs(communes, provinces, report, shapefiles_dir or settings.SHAPEFILES_DIR,
                          data_dir or settings.DATA_DIR)
    return communes, provinces, report, paths
