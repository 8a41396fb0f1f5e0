"""The 2025 geography: counts, codes, validity, population, urban/rural classes, province filter."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest
import shapely

import divide
from divide import settings


def test_counts_by_type_and_province(communes):
    assert len(communes) == 3321
    assert communes["commune_type"].value_counts().to_dict() == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert communes["province_code"].nunique() == 34
    provinces = divide.load_provinces()
    assert len(provinces) == 34
    assert int(provinces["communes"].sum()) == 3321
    assert provinces.loc["01", "communes"] == 126 and provinces.loc["12", "communes"] == 38


def test_codes_are_unique_five_digit_strings(communes):
    codes = communes.index
    assert codes.name == "commune_code"
    assert codes.is_unique
    assert all(isinstance(c, str) and len(c) == 5 and c.isdigit() for c in codes)
    assert all(len(c) == 2 and c.isdigit() for c in communes["province_code"].unique())


def test_geometries_valid_and_geographic(communes):
    assert communes.crs.to_epsg() == 4326
    assert shapely.is_valid(communes.geometry.values).all()
    assert (communes.geom_type == "MultiPolygon").all()
    assert shapely.is_valid(divide.load_provinces().geometry.values).all()


def test_names_are_nfc(communes):
    for col in ("commune_name", "province_name"):
        assert all(unicodedata.is_normalized("NFC", n) for n in communes[col])
    assert "Lai Châu" in set(communes["province_name"])


def test_paracel_and_spratly_special_zones_present(communes):
    zones = communes[communes["commune_type"] == "dac_khu"].set_index("commune_name")
    assert zones.loc["Hoàng Sa", "province_name"] == "Đà Nẵng"
    assert zones.loc["Trường Sa", "province_name"] == "Khánh Hòa"
    # Trường Sa lies far south-east of the mainland.
    assert zones.loc["Trường Sa", "centroid_lon"] > 111


def test_population_equals_grid_zonal_sum(communes):
    report = json.loads((settings.DATA_DIR / "build_report.json").read_text(encoding="utf-8"))
    total = communes["population"].sum()
    assert total == pytest.approx(report["zonal_sum_total"], rel=1e-9)
    # About 96.6 M: less than the grid's 97.3 M (cells outside the simplified coastline).
    assert 96.5e6 < total < 96.7e6
    assert report["grid_total"] == pytest.approx(97_338_583, rel=1e-6)
    # Population counted twice where simplified neighbours overlap stays small (< 0.2 %).
    assert 0 < report["zonal_sum_total"] - report["zonal_sum_of_union"] < 0.002 * total


def test_population_comes_from_the_one_grid_reader(communes, tmp_path):
    from divide.geography.population import rasterize, read_population_grid, zonal_sums

    sample = communes.iloc[::40]
    # The layer's population is exactly the zonal sum of the grid, polygon by polygon.
    assert np.array_equal(zonal_sums(sample), sample["population"].to_numpy())
    grid = read_population_grid()
    assert read_population_grid(settings.POPULATION_GRID) is grid  # read once
    assert not grid.values.flags.writeable and (grid.values >= 0).all() and not grid.values[~grid.land].any()
    labels = rasterize(sample.geometry, grid)
    assert labels.shape == grid.shape and labels.min() == -1 and set(np.unique(labels)) <= set(range(-1, len(sample)))
    # Whole cells by centre come close to the exact sums of the communes holding 50+ cells.
    cells = np.bincount(labels[labels >= 0], minlength=len(sample))
    by_cell = np.bincount(labels[labels >= 0], weights=grid.values[labels >= 0], minlength=len(sample))
    big = cells >= 50
    exact = sample["population"].to_numpy()[big]
    assert big.sum() > 20
    assert abs(by_cell[big].sum() / exact.sum() - 1) < 0.01
    assert np.median(np.abs(by_cell[big] / exact - 1)) < 0.03
    with pytest.raises(divide.DataNotFoundError, match="restore data/population/") as err:
        read_population_grid(tmp_path / "none.tif")
    assert "none.tif" in str(err.value)


def test_urban_share_of_population(communes):
    pop = communes["population"]
    urban_share = pop[communes["urban_rural"] == "urban"].sum() / pop.sum()
    # Official class (phường): 38.6 % of the grid population; GSO reports 38 % urban for 2023.
    assert 0.37 < urban_share < 0.40
    assert set(communes["urban_rural"]) == {"urban", "rural", "special_zone"}
    assert (communes.loc[communes["commune_type"] == "xa", "urban_rural"] == "rural").all()
    # Population-grid class: cities hold about a third of the population.
    city_share = pop[communes["degurba"] == "city"].sum() / pop.sum()
    assert 0.30 < city_share < 0.40
    assert set(communes["degurba"]) == {"city", "town_suburb", "rural"}


def test_degurba_agrees_with_intuition(communes):
    hanoi_core = communes.loc["00004"]  # Phường Ba Đình
    assert hanoi_core["degurba"] == "city" and hanoi_core["pop_urban_centre_pct"] == pytest.approx(100)
    lai_chau = communes[communes["province_code"] == "12"]
    assert (lai_chau["degurba"] == "rural").mean() > 0.8
    shares = communes[["pop_urban_centre_pct", "pop_urban_cluster_pct", "pop_rural_grid_pct"]].sum(axis=1)
    populated = communes["population"] > 0
    np.testing.assert_allclose(shares[populated], 100, atol=0.01)


def test_islands_and_remoteness(communes):
    islands = communes[communes["is_island"]]
    assert len(islands) == 19
    assert {"Hoàng Sa", "Trường Sa", "Phú Quốc", "Côn Đảo", "Bạch Long Vĩ", "Lý Sơn"} <= set(islands["commune_name"])
    assert (communes.loc[communes["commune_type"] == "phuong", "remoteness_km"] == 0).all()
    xa = communes[communes["commune_type"] == "xa"]
    assert (xa["remoteness_km"] > 0).all()
    # Lai Châu's mountain communes lie far from any ward; Hà Nội's communes are close.
    median = xa.groupby("province_code")["remoteness_km"].median()
    assert median["12"] > 2 * median["01"]
    assert communes.loc[communes["commune_name"] == "Trường Sa", "remoteness_km"].iloc[0] > 400


def test_area_and_density(communes):
    # Vietnam's land area is about 331,000 km²; the layer adds the archipelagos' sea areas.
    assert 330_000 < communes["area_km2"].sum() < 345_000
    np.testing.assert_allclose(communes["density_km2"], communes["population"] / communes["area_km2"], rtol=1e-3)


@pytest.mark.parametrize("query", ["Lai Châu", "lai chau", "LAI CHAU", "Tỉnh Lai Châu", "12", 12])
def test_province_filter_by_name_or_code(query):
    lc = divide.load_communes(query)
    assert len(lc) == 38
    assert set(lc["province_code"]) == {"12"}


def test_province_filter_hcmc_variants():
    assert divide.resolve_province("TP. Hồ Chí Minh") == "79"
    assert divide.resolve_province("Thanh pho Ho Chi Minh") == "79"
    assert divide.resolve_province("Lao Cai") == "15"


def test_unknown_province_lists_closest_names():
    with pytest.raises(divide.DivideError) as err:
        divide.load_communes("Lao Kai")
    assert "Lào Cai" in str(err.value)
    with pytest.raises(divide.InputError, match="no province has code '99'"):
        divide.load_communes("99")
