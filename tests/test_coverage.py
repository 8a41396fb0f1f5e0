"""Coverage from sites: discs over known populations, the gap, the map layer, the default ranges."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import Point, box

from divide import InputError, settings
from divide.raw.coverage import (
    DEFAULT_RANGES_KM,
    coverage_from_sites,
    coverage_layer,
    site_ranges,
)


@pytest.fixture()
def grid(tmp_path):
    """0.01° cells over lon 105.0–105.4, lat 20.0–20.2: 100 people a cell west of 105.3, none east of it."""
    values = np.full((20, 40), 100.0, dtype="float32")
    values[:, 30:] = 0.0
    path = tmp_path / "pop.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=20, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.01, 0.0, 105.0, 0.0, -0.01, 20.2), nodata=-99999.0) as dst:
        dst.write(values, 1)
    return path


@pytest.fixture()
def communes():
    """Rural 00001 (105.0–105.2) and urban 00002 (105.2–105.3) hold people; 00003 (105.3–105.4) holds none."""
    return gpd.GeoDataFrame(
        {"urban_rural": ["rural", "urban", "rural"]},
        geometry=[box(105.0, 20.0, 105.2, 20.2), box(105.2, 20.0, 105.3, 20.2), box(105.3, 20.0, 105.4, 20.2)],
        index=pd.Index(["00001", "00002", "00003"], name="commune_code"), crs=4326)


def _sites(rows):
    return gpd.GeoDataFrame(pd.DataFrame([r[1] for r in rows]), geometry=[Point(*r[0]) for r in rows], crs=4326)


def _area_km2(geom):
    return gpd.GeoSeries([geom], crs=4326).to_crs(settings.PROJECTED_CRS).area.iloc[0] / 1e6


def test_disc_over_uniform_population(grid, communes):
    # a 4G disc of 3 km in the middle of 00001: population share = disc area / commune area
    sites = _sites([((105.1, 20.1), {"technology": "4G", "range_km": 3.0})])
    cov = coverage_from_sites(sites, communes, population_grid=grid)
    expected = 100.0 * math.pi * 3.0**2 / _area_km2(communes.geometry.iloc[0])
    assert cov.loc["00001", "population_grid"] == pytest.approx(400 * 100.0)
    assert cov.loc["00001", "mobile_4g_pop_pct"] == pytest.approx(expected, rel=0.005)  # ~21.9 %
    assert cov.loc["00001", "coverage_gap_pop_pct"] == pytest.approx(100 - expected, rel=0.005)
    assert cov.loc["00002", "mobile_4g_pop_pct"] == 0.0 and cov.loc["00002", "coverage_gap_pop"] == 20 * 10 * 100.0
    assert np.isnan(cov.loc["00003", "mobile_4g_pop_pct"])  # no population: NaN, no crash
    assert cov["sites"].tolist() == [1, 0, 0] and cov["sites_4g"].tolist() == [1, 0, 0]
    assert cov.index.equals(communes.index)


def test_full_cover_overlap_and_technologies(grid, communes):
    sites = _sites([
        ((105.25, 20.1), {"technology": "4G", "range_km": 30.0}),  # covers 00002 entirely (and all of 00001)
        ((105.25, 20.1), {"technology": "4G", "range_km": 1.0}),  # overlapping disc: not counted twice
        ((105.35, 20.1), {"technology": "2G", "range_km": 2.0}),  # covers part of the empty commune
    ])
    cov = coverage_from_sites(sites, communes, population_grid=grid)
    assert cov.loc["00002", "mobile_4g_pop_pct"] == pytest.approx(100.0)
    assert cov.loc["00001", "mobile_4g_pop_pct"] == pytest.approx(100.0)
    assert cov.loc["00002", "coverage_gap_pop"] == pytest.approx(0.0, abs=1e-6)
    # a 2G disc is coverage but not 4G coverage
    only2g = _sites([((105.1, 20.1), {"technology": "2G", "range_km": 30.0})])
    c2 = coverage_from_sites(only2g, communes, population_grid=grid)
    assert c2.loc["00001", "mobile_4g_pop_pct"] == 0.0 and c2.loc["00001", "coverage_gap_pop"] == pytest.approx(0.0)


def test_default_ranges_by_class(grid, communes):
    sites = _sites([((105.1, 20.1), {"technology": "4G"}), ((105.25, 20.1), {"technology": "4G"}),
                    ((105.15, 20.1), {"technology": "5g"})])
    assert site_ranges(sites, communes).tolist() == [5.0, 1.5, 1.5]  # rural 4G, urban 4G, rural 5G
    assert DEFAULT_RANGES_KM.loc["2G", "rural"] == 10.0
    cov = coverage_from_sites(sites.iloc[:1], communes, population_grid=grid)
    expected = 100.0 * math.pi * 5.0**2 / _area_km2(communes.geometry.iloc[0])
    assert cov.loc["00001", "mobile_4g_pop_pct"] == pytest.approx(expected, rel=0.005)
    custom = site_ranges(sites.iloc[:1], communes, ranges={"urban": [1, 1, 1, 1], "rural": [2, 2, 2, 2]})
    assert custom.tolist() == [2.0]
    with pytest.raises(InputError, match="technology"):
        site_ranges(_sites([((105.1, 20.1), {"technology": "6G"})]), communes)


def test_villages_outside_coverage(grid, communes):
    sites = _sites([((105.1, 20.1), {"technology": "4G", "range_km": 3.0})])
    villages = gpd.GeoDataFrame({"has_mobile_signal": [True, False, False]},
                                geometry=[Point(105.1, 20.11), Point(105.01, 20.01), Point(105.25, 20.1)], crs=4326)
    cov = coverage_from_sites(sites, communes, population_grid=grid, villages=villages)
    assert cov["villages_total"].tolist() == [2, 1, 0]
    assert cov["villages_outside_coverage"].tolist() == [1, 1, 0]


def test_coverage_layer_areas(communes):
    sites = _sites([((105.1, 20.1), {"technology": "4G", "range_km": 3.0}),
                    ((105.2, 20.1), {"technology": "3G", "range_km": 2.0})])  # on the 00001|00002 boundary
    sites.attrs["modeled"] = True
    layer = coverage_layer(sites, communes)
    assert layer.crs.to_epsg() == 4326 and layer.attrs["modeled"] is True
    area = layer.set_index(["commune_code", "layer"])["area_km2"]
    assert area.loc[("00001", "4g")] == pytest.approx(math.pi * 9.0, rel=0.002)
    assert area.loc[("00001", "any")] == pytest.approx(math.pi * 9.0 + math.pi * 4.0 / 2, rel=0.002)
    assert area.loc[("00002", "any")] == pytest.approx(math.pi * 4.0 / 2, rel=0.002)
    assert ("00002", "4g") not in area.index
    for code in ("00001", "00002"):
        assert area.loc[(code, "any")] + area.loc[(code, "gap")] == pytest.approx(
            _area_km2(communes.geometry.loc[code]), rel=1e-6)


def test_modeled_sites_agree_with_modeled_table(subset):
    import divide
    from divide.modeled.raw_layers import model_sites

    lc = subset[subset["province_code"] == "12"]
    sites = model_sites(lc)
    assert sites.attrs["modeled"] is True and set(sites["source"]) == {"modeled"}
    cov = coverage_from_sites(sites, lc)
    assert cov.attrs["modeled"] is True
    table = divide.model_indicators(lc)["mobile_4g_pop_pct"]
    diff = (cov["mobile_4g_pop_pct"] - table).abs()
    # sites are placed on 1 km cell centres, coverage is then measured exactly: close, not equal
    assert diff.median() < 3.0 and diff.quantile(0.9) < 10.0
    assert cov["population_grid"].to_numpy() == pytest.approx(lc["population"].to_numpy(), rel=1e-9)
