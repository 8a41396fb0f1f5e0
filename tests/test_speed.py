"""Speed indicators: quadkeys, test-weighted medians and means, thresholds, withholding, units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divide import InputError
from divide.raw.speed import lonlat_to_quadkey, quadkey_to_lonlat, speed_indicators


@pytest.fixture(scope="module")
def lc(subset):
    return subset[subset["province_code"] == "12"]


def test_quadkeys_known_and_round_trip():
    lon, lat = quadkey_to_lonlat(["0", "3", "1322"])
    assert lon[:2].tolist() == [-90.0, 90.0]
    assert lat[0] == pytest.approx(66.51326, abs=1e-5) and lat[1] == pytest.approx(-66.51326, abs=1e-5)
    assert lon[2] == 101.25
    rng = np.random.default_rng(0)
    x, y = 102 + rng.random(500) * 8, 8 + rng.random(500) * 15
    q = lonlat_to_quadkey(x, y, zoom=16)
    assert all(len(k) == 16 for k in q)
    cx, cy = quadkey_to_lonlat(q)
    assert (lonlat_to_quadkey(cx, cy, zoom=16) == q).all()  # a tile's centroid lies in the tile
    assert np.abs(cx - x).max() < 360 / 2**16 and np.abs(cy - y).max() < 0.006
    with pytest.raises(InputError, match="quadkey"):
        quadkey_to_lonlat(["0124"])


def _points_in(lc, code, n):
    c = lc.loc[code]
    return pd.DataFrame({"lon": [c.centroid_lon] * n, "lat": [c.centroid_lat] * n})


def test_weighted_indicators_known_answers(lc):
    a, b = lc.index[0], lc.index[1]
    t = pd.concat([_points_in(lc, a, 4), _points_in(lc, b, 2)], ignore_index=True)
    t["download_mbps"] = [10.0, 20.0, 40.0, 100.0, 5.0, 50.0]
    t["upload_mbps"] = [1.0, 2.0, 4.0, 10.0, 1.0, 5.0]
    t["tests"] = [10, 5, 5, 20, 3, 3]
    s = speed_indicators(t, lc, min_tests=10, thresholds=(25, 50))
    assert s.index.equals(lc.index)
    row = s.loc[a]
    assert row["tests"] == 40
    # cumulative weights 10, 15, 20: exactly half of 40 at 40 Mbps, so the median is the mean of 40 and 100
    assert row["download_median_mbps"] == 70.0
    assert row["download_mean_mbps"] == pytest.approx((10 * 10 + 20 * 5 + 40 * 5 + 100 * 20) / 40)
    assert row["download_below_25mbps_pct"] == pytest.approx(100 * 15 / 40)
    assert row["download_below_50mbps_pct"] == pytest.approx(100 * 20 / 40)
    assert row["tests_per_1000"] == pytest.approx(40 / lc.loc[a, "population"] * 1000)
    assert not row["withheld"]
    # 6 tests < min_tests=10: values withheld, tests still given
    assert s.loc[b, "tests"] == 6 and s.loc[b, "withheld"] and np.isnan(s.loc[b, "download_median_mbps"])
    # communes without tests: 0 tests, withheld
    assert s["tests"].sum() == 46 and s["withheld"].sum() == len(lc) - 1


def test_median_rule_exact_half(lc):
    a = lc.index[0]
    t = _points_in(lc, a, 4)
    t["download_mbps"] = [10.0, 20.0, 40.0, 100.0]
    t["upload_mbps"] = 1.0
    t["tests"] = [10, 5, 5, 20]  # cumulative 10, 15, 20 (= half of 40) at 40 -> mean of 40 and 100
    s = speed_indicators(t, lc, min_tests=1)
    assert s.loc[a, "download_median_mbps"] == 70.0
    t["tests"] = [10, 5, 6, 20]  # cumulative 21 > 20.5 at 40 -> 40
    assert speed_indicators(t, lc, min_tests=1).loc[a, "download_median_mbps"] == 40.0


def test_ookla_tiles_in_kbps(lc):
    a = lc.loc[lc.index[2]]
    q = lonlat_to_quadkey([a.centroid_lon], [a.centroid_lat], zoom=16)[0]
    tiles = pd.DataFrame({"quadkey": [q, q, "3"], "avg_d_kbps": [30_000, 10_000, 5_000],
                          "avg_u_kbps": [8_000, 2_000, 1_000], "tests": [12, 40, 7]})
    s = speed_indicators(tiles, lc, min_tests=30)
    row = s.loc[lc.index[2]]
    assert row["tests"] == 52
    assert row["download_median_mbps"] == 10.0 and row["upload_mean_mbps"] == pytest.approx((8 * 12 + 2 * 40) / 52)
    assert s.attrs["points_report"]["n_outside"] == 1  # the quadkey "3" tile is in the southern hemisphere


def test_wrong_units(lc):
    t = _points_in(lc, lc.index[0], 3)
    t["download_mbps"] = [20_000.0, 35_000.0, 50_000.0]  # kbps in an Mbps column
    t["upload_mbps"] = [5.0, 6.0, 7.0]
    with pytest.raises(InputError, match="look like kbps"):
        speed_indicators(t, lc)
    s = speed_indicators(t, lc, repair=True, min_tests=1)
    assert s.loc[lc.index[0], "download_median_mbps"] == 35.0
    assert any("kbps" in r for r in s.attrs["points_report"]["repairs"])


def test_modeled_tests_urban_faster_than_rural(subset):
    from divide.modeled.raw_layers import model_speed_tests

    tests = model_speed_tests(40_000, subset, seed=3)
    s = speed_indicators(tests, subset)
    assert s.attrs["modeled"] is True
    urban = s.loc[subset["urban_rural"] == "urban", "download_median_mbps"].median()
    rural = s.loc[subset["urban_rural"] == "rural", "download_median_mbps"].median()
    assert urban > 1.3 * rural
    assert s.attrs["points_report"]["n_outside"] >= 200  # 0.5 % placed at sea / abroad
    tiles = model_speed_tests(40_000, subset, seed=3, tiles=True)
    st = speed_indicators(tiles, subset)
    assert st["tests"].sum() + st.attrs["points_report"]["n_outside"] <= 40_000
    assert st["tests"].sum() > 39_000
