"""Points to communes: the boundary rule, identity with geopandas.sjoin, aggregation, reports and bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from divide import InputError, settings
from divide.raw.points import (
    aggregate_points,
    assign_points,
    check_points,
    check_speed_unit,
    weighted_median,
)


@pytest.fixture()
def squares():
    """Three 0.1° squares: A=00002 (105.0–105.1, 20.0–20.1), B=00001 east of A, C=00003 north of A.

    Also D=00010 and E=00005, two rectangles that overlap in 105.5–105.6.
    """
    geoms = {
        "00002": box(105.0, 20.0, 105.1, 20.1),
        "00001": box(105.1, 20.0, 105.2, 20.1),
        "00003": box(105.0, 20.1, 105.1, 20.2),
        "00010": box(105.4, 20.0, 105.6, 20.1),
        "00005": box(105.5, 20.0, 105.7, 20.1),
    }
    gdf = gpd.GeoDataFrame({"population": [1000.0, 2000.0, 0.0, 10.0, 10.0]}, geometry=list(geoms.values()),
                           index=pd.Index(list(geoms), name="commune_code"), crs=4326)
    return gdf


# point -> expected commune under the rule "smallest code among those the point intersects"
CASES = [
    ((105.05, 20.05), "00002"),  # inside A
    ((105.10, 20.05), "00001"),  # on the A|B edge: 00001 < 00002
    ((105.10, 20.10), "00001"),  # vertex shared by A, B, C
    ((105.05, 20.10), "00002"),  # on the A|C edge: 00002 < 00003
    ((105.00, 20.05), "00002"),  # on A's outer edge
    ((105.05, 20.15), "00003"),  # inside C
    ((105.15, 20.05), "00001"),  # inside B
    ((105.55, 20.05), "00005"),  # in the D/E overlap: 00005 < 00010
    ((105.45, 20.05), "00010"),  # D only
    ((105.65, 20.05), "00005"),  # E only
    ((105.60, 20.05), "00005"),  # D's edge inside E
    ((106.00, 20.05), None),  # at sea
    ((105.30, 20.05), None),  # between the blocks
]


def _points(cases):
    xy = np.array([c[0] for c in cases])
    return gpd.GeoDataFrame({"v": np.arange(len(cases), dtype=float)}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
                            crs=4326, index=pd.Index([f"p{i}" for i in range(len(cases))], name="point_id"))


def _sjoin_rule(points, communes):
    j = gpd.sjoin(points, communes[["geometry"]], predicate="intersects", how="left")
    j = j.reset_index().sort_values([points.index.name or "index", "commune_code"], na_position="last")
    j = j.drop_duplicates(points.index.name or "index").set_index(points.index.name or "index")
    return j["commune_code"].reindex(points.index)


@pytest.mark.parametrize("resolution", [0.2, 0.05, 0.1, 0.01, 0.003])
def test_boundary_rule_known_answers(squares, resolution):
    pts = _points(CASES)
    got = assign_points(pts, squares, resolution=resolution)
    expected = [c[1] for c in CASES]
    assert [None if pd.isna(v) else v for v in got.tolist()] == expected
    ref = _sjoin_rule(pts, squares)
    assert [None if pd.isna(v) else v for v in ref.tolist()] == expected  # the rule is sjoin's, sorted by code


def test_outside_points_reported(squares):
    pts = _points(CASES)
    got = assign_points(pts, squares)
    rep = got.attrs["points_report"]
    assert rep["n_points"] == 13 and rep["n_assigned"] == 11 and rep["n_outside"] == 2 and rep["n_invalid"] == 0
    assert rep["outside_examples"] == ["p11", "p12"]
    table = aggregate_points(pts, squares, columns="v", how="count")
    assert table.attrs["points_report"]["n_outside"] == 2
    assert int(table["points"].sum()) == 11


def test_identical_to_sjoin_on_real_boundaries(subset):
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = subset.total_bounds
    n = 20_000
    x = x0 + rng.random(n) * (x1 - x0)
    y = y0 + rng.random(n) * (y1 - y0)
    vertices = shapely.get_coordinates(subset.geometry.values)[::7]  # points exactly on shared boundaries
    mids = shapely.get_coordinates(shapely.line_interpolate_point(shapely.boundary(subset.geometry.values), 0.37,
                                                                  normalized=True))
    xy = np.r_[np.c_[x, y], vertices, mids]
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326,
                           index=pd.Index(np.arange(len(xy)), name="pid"))
    ref = _sjoin_rule(pts, subset)
    for res in (0.004, 0.002):
        got = assign_points(pts, subset, resolution=res)
        assert (got.isna().to_numpy() == ref.isna().to_numpy()).all()
        ok = ref.notna().to_numpy()
        assert (got.astype(object)[ok].to_numpy() == ref.astype(object)[ok].to_numpy()).all()
        assert got.attrs["points_report"]["n_exact"] > len(vertices)
    assert ref.notna().sum() > 4_000  # the bounding box of Hà Nội + Lai Châu is mostly other provinces


def test_aggregate_known_answers(squares):
    # two points in A (one on the A|C edge), three in B (one on the A|B edge), one at sea
    pts = pd.DataFrame({
        "lon": [105.05, 105.05, 105.15, 105.15, 105.10, 106.0],
        "lat": [20.05, 20.10, 20.05, 20.02, 20.05, 20.0],
        "mbps": [10.0, 30.0, 5.0, np.nan, 50.0, 99.0],
        "tests": [1.0, 3.0, 2.0, 1.0, 2.0, 1.0],
    })
    how = {"mbps": ["count", "sum", "mean", "median", "min", "max"], "tests": "sum"}
    # communes given out of code order: the result follows the communes' index
    communes = squares.loc[["00003", "00002", "00001"]]
    t = aggregate_points(pts, communes, how=how)
    assert list(t.index) == ["00003", "00002", "00001"]
    assert t["points"].tolist() == [0, 2, 3]
    assert t.loc["00002", ["mbps_count", "mbps_sum", "mbps_mean", "mbps_median", "mbps_min", "mbps_max"]].tolist() \
        == [2, 40.0, 20.0, 20.0, 10.0, 30.0]
    assert t.loc["00001", ["mbps_count", "mbps_sum", "mbps_mean", "mbps_median"]].tolist() == [2, 55.0, 27.5, 27.5]
    assert t.loc["00001", "tests_sum"] == 5.0
    assert t.loc["00003", "mbps_sum"] == 0.0 and np.isnan(t.loc["00003", "mbps_mean"])
    w = aggregate_points(pts, communes, how={"mbps": ["mean", "median"]}, weights="tests")
    assert w.loc["00002", "mbps_mean"] == pytest.approx((10 * 1 + 30 * 3) / 4)
    assert w.loc["00002", "mbps_median"] == 30.0  # weight 3 of 4 on 30
    assert w.loc["00001", "mbps_median"] == 27.5  # weights 2 and 2: exactly half -> mean of the two
    assert t.attrs["points_report"]["n_outside"] == 1


def test_weighted_median_matches_numpy_for_equal_weights():
    rng = np.random.default_rng(0)
    for n in (1, 2, 5, 10, 101):
        v = rng.normal(size=n)
        assert weighted_median(v) == pytest.approx(np.median(v))
    assert weighted_median([1.0, 2.0, 3.0], [1, 1, 1]) == 2.0
    assert weighted_median([1.0, 2.0, 3.0], [0, 0, 5]) == 3.0
    assert weighted_median([1.0, np.nan, 3.0], [1, 5, 1]) == 2.0
    assert np.isnan(weighted_median([], []))


def test_modeled_label_propagates(squares):
    pts = _points(CASES)
    pts.attrs["modeled"] = True
    assert aggregate_points(pts, squares).attrs["modeled"] is True
    plain = aggregate_points(_points(CASES), squares).attrs
    assert plain.get("modeled") is False and "label" not in plain


# ------------------------------------------------------------------ bad input


def test_no_crs_refused_or_repaired(squares):
    pts = _points(CASES).set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="no CRS"):
        assign_points(pts, squares)
    got = assign_points(pts, squares, repair=True)
    assert got.iloc[1] == "00001"
    assert "assumed EPSG:4326" in got.attrs["points_report"]["repairs"][0]
    metres = gpd.GeoDataFrame(geometry=gpd.points_from_xy([500000.0], [2200000.0]))
    with pytest.raises(InputError, match="not degrees"):
        assign_points(metres, squares, repair=True)


def test_projected_crs_refused_or_reprojected(squares):
    pts = _points(CASES)
    projected = pts.to_crs(settings.PROJECTED_CRS)
    with pytest.raises(InputError, match="projected CRS"):
        assign_points(projected, squares)
    got = assign_points(projected, squares, repair=True)
    # reprojection round trip moves a point by ~1e-9°: interior points keep their commune
    interior = [0, 5, 6, 8, 9, 11, 12]
    assert got.iloc[interior].tolist()[:5] == assign_points(pts, squares).iloc[interior].tolist()[:5]
    assert got.attrs["points_report"]["repairs"][0].startswith("reprojected")


def test_swapped_coordinates_refused_or_repaired(squares):
    pts = pd.DataFrame({"lon": [20.05, 20.05, 20.15], "lat": [105.05, 105.15, 105.05]})
    with pytest.raises(InputError, match="swapped"):
        assign_points(pts, squares)
    got = assign_points(pts, squares, repair=True)
    assert got.tolist() == ["00002", "00001", "00003"]
    x, y, rep = check_points(pts, repair=True)
    assert x.tolist() == [105.05, 105.15, 105.05] and rep.repairs[0].startswith("swapped")


def test_empty_geometries_refused_or_counted(squares):
    pts = _points(CASES[:3])
    pts.loc["p9"] = [9.0, shapely.Point()]
    pts.loc["p10"] = [10.0, None]
    with pytest.raises(InputError, match="empty or missing") as err:
        assign_points(pts, squares)
    assert "p9" in str(err.value)
    got = assign_points(pts, squares, repair=True)
    assert got.isna().tolist() == [False, False, False, True, True]
    rep = got.attrs["points_report"]
    assert rep["n_invalid"] == 2 and rep["n_outside"] == 0 and rep["invalid_examples"] == ["p9", "p10"]
    t = aggregate_points(pts, squares, columns="v", repair=True)
    assert t.attrs["points_report"]["n_invalid"] == 2 and t.attrs["points_report"]["n_outside"] == 0
    assert int(t["points"].sum()) == 3


def test_non_points_and_missing_columns_refused(squares):
    polys = gpd.GeoDataFrame(geometry=[box(105, 20, 105.01, 20.01)], crs=4326)
    with pytest.raises(InputError, match="not points"):
        assign_points(polys, squares)
    with pytest.raises(InputError, match="neither a geometry"):
        assign_points(pd.DataFrame({"a": [1]}), squares)
    with pytest.raises(InputError, match="not found"):
        aggregate_points(_points(CASES), squares, columns=["nope"])
    with pytest.raises(InputError, match="unknown aggregation"):
        aggregate_points(_points(CASES), squares, columns=["v"], how="mode")
    with pytest.raises(InputError, match="commune_code"):
        assign_points(_points(CASES), squares.reset_index())


def test_speed_units_detected():
    kbps = pd.Series([12_000.0, 40_000.0, 95_000.0])
    with pytest.raises(InputError, match="look like kbps"):
        check_speed_unit(kbps, "mbps", column="download_mbps")
    assert check_speed_unit(kbps, None, column="avg_d_kbps").tolist() == [12.0, 40.0, 95.0]
    assert check_speed_unit(kbps, "mbps", repair=True).tolist() == [12.0, 40.0, 95.0]
    with pytest.raises(InputError, match="look like Mbps"):
        check_speed_unit(pd.Series([12.0, 40.0]), None, column="avg_d_kbps")
    assert check_speed_unit(pd.Series([12.0, 40.0]), "mbps").tolist() == [12.0, 40.0]


def test_modeled_speed_tests_outside_share(communes):
    from divide.modeled.raw_layers import OUTSIDE_SHARE, model_speed_tests

    lc = communes[communes["province_code"] == "12"]
    t = model_speed_tests(20_000, lc, seed=1)
    assert t.attrs["modeled"] is True and set(t["source"]) == {"modeled"}
    got = assign_points(t, communes)
    n_box = int(round(20_000 * OUTSIDE_SHARE))
    assert got.iloc[-n_box:].isna().all()  # the boxes at sea and abroad hold no commune
    assert got.iloc[:-n_box].notna().mean() > 0.99  # Lai Châu is inland: the rest fall in communes
    assert t.equals(model_speed_tests(20_000, lc, seed=1))


def test_communes_are_an_explicit_input(squares):
    pts = _points(CASES)
    with pytest.raises(TypeError, match="communes"):
        assign_points(pts)  # no hidden national default: the caller passes the communes
    with pytest.raises(InputError, match="no commune table"):
        aggregate_points(pts, None, columns="v")


def test_lonlat_columns_found_by_name():
    from divide.raw.points import lonlat_columns

    assert lonlat_columns(pd.DataFrame(columns=["Kinh_Do", "vi_do", "v"])) == ("Kinh_Do", "vi_do")
    assert lonlat_columns(pd.DataFrame(columns=["lon", "v"])) is None
