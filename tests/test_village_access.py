"""Village counts per commune from points, and the distance of unserved villages to coverage."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

import divide
from divide import InputError, settings
from divide.raw.villages import distance_to_coverage, village_indicators


def test_modeled_layer_reproduces_modeled_counts(subset):
    import pyogrio

    from divide.modeled.indicators import MODELED_FILES

    path = settings.DATA_DIR / "modeled" / MODELED_FILES["villages"]
    villages = pyogrio.read_dataframe(path)
    villages = villages[villages["commune_code"].isin(set(subset.index))]
    villages.attrs["modeled"] = True
    table = divide.model_indicators(subset)
    cols = ["villages_total", "villages_no_signal", "villages_no_power"]
    by_code = village_indicators(pd.DataFrame(villages.drop(columns="geometry")), subset)
    pd.testing.assert_frame_equal(by_code[cols], table[cols].astype("int64"))
    by_point = village_indicators(villages, subset)
    assert by_point.attrs["modeled"] is True
    # by point, the smallest-code rule moves the few villages that sit where neighbouring (simplified)
    # polygons overlap; totals are kept and every move is counted
    moved = by_point.attrs["points_report"]["code_mismatches"]
    assert 0 < moved < 20
    assert (by_point[cols].sum() == table[cols].sum()).all()
    assert int((by_point["villages_total"] - table["villages_total"]).abs().sum()) <= 2 * moved
    assert table["villages_no_signal"].sum() > 0


def test_constructed_counts_and_unknown_flags():
    communes = gpd.GeoDataFrame(geometry=[box(105, 20, 105.1, 20.1), box(105.1, 20, 105.2, 20.1)], crs=4326,
                                index=pd.Index(["00001", "00002"], name="commune_code"))
    v = gpd.GeoDataFrame({"commune_code": ["00001", "00001", "00002", "00001", "00002"],
                          "has_mobile_signal": pd.array([True, False, None, False, True], dtype="boolean"),
                          "has_power": pd.array([True, False, False, True, None], dtype="boolean")},
                         geometry=[Point(105.05, 20.05), Point(105.02, 20.02), Point(105.15, 20.05),
                                   Point(105.12, 20.05), Point(106.5, 20.0)], crs=4326)
    t = village_indicators(v, communes)
    # the 4th village's point lies in 00002 (its code says 00001); the 5th is at sea
    assert t.loc["00001"].tolist() == [2, 1, 1]
    assert t.loc["00002"].tolist() == [2, 1, 1]
    assert t.attrs["points_report"]["code_mismatches"] == 1 and t.attrs["points_report"]["n_outside"] == 1
    with pytest.raises(InputError, match="has_power"):
        village_indicators(v.drop(columns="has_power"), communes)


def test_distance_to_sites_and_polygons():
    to_geo = Transformer.from_crs(settings.PROJECTED_CRS, 4326, always_xy=True)
    # in the projected CRS: village at (0, 0), site at (3 km, 4 km) -> 5 km
    vx, vy = to_geo.transform([0.0, 100.0, 50_000.0], [0.0, 0.0, 0.0])
    villages = gpd.GeoDataFrame({"has_mobile_signal": [False, True, False]},
                                geometry=gpd.points_from_xy(vx, vy), crs=4326, index=["v1", "v2", "v3"])
    sx, sy = to_geo.transform([3000.0], [4000.0])
    sites = gpd.GeoDataFrame(geometry=gpd.points_from_xy(sx, sy), crs=4326)
    d = distance_to_coverage(villages, sites)
    assert list(d.index) == ["v1", "v3"]
    assert d["v1"] == pytest.approx(5.0, abs=1e-6)
    assert d["v3"] == pytest.approx(np.hypot(47.0, 4.0), abs=1e-6)
    # a coverage polygon: the square 10–20 km east; v1 at 10 km from its edge, v3 inside (0 km)
    sq = gpd.GeoSeries([box(10_000, -5_000, 60_000, 5_000)], crs=settings.PROJECTED_CRS).to_crs(4326)
    cov = gpd.GeoDataFrame({"layer": ["any"]}, geometry=sq.values, crs=4326)
    d2 = distance_to_coverage(villages, cov)
    assert d2["v1"] == pytest.approx(10.0, rel=1e-4) and d2["v3"] == 0.0


def test_distance_on_modeled_layers(subset):
    from divide.modeled.raw_layers import model_sites
    from divide.raw.coverage import coverage_layer

    lc = subset[subset["province_code"] == "12"]
    villages = divide.model_villages(lc)
    sites = model_sites(lc)
    layer = coverage_layer(sites, lc)
    d_sites = distance_to_coverage(villages, sites)
    d_cov = distance_to_coverage(villages, layer)
    assert len(d_sites) == int((~villages["has_mobile_signal"]).sum()) > 0
    assert (d_cov <= d_sites + 1e-9).all()  # the disc around a site is nearer than the site
    assert d_sites.attrs["modeled"] is True
    # modeled 4G sites keep their range away from villages without signal
    four = sites[sites["technology"] == "4G"]
    d4 = distance_to_coverage(villages, four)
    assert (d4 > 1.5).all()


def test_flags_that_are_not_yes_no_refused():
    communes = gpd.GeoDataFrame(geometry=[box(105, 20, 105.1, 20.1)], crs=4326,
                                index=pd.Index(["00001"], name="commune_code"))
    v = pd.DataFrame({"commune_code": ["00001"], "has_mobile_signal": ["maybe"], "has_power": [True]})
    with pytest.raises(InputError, match="yes/no"):
        village_indicators(v, communes)
