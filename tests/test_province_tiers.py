"""Tiers within the province (issue 18) and reported villages on the maps (issue 17)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.analysis.model_check import unserved_villages
from divide.analysis.priority import PROVINCE_COLUMNS, priority
from divide.atlas import resolve_tiers
from divide.present.maps import REPORTED_COLOR, map_priority, reported_points


def _table(scores: list[float], provinces: list[str]) -> pd.DataFrame:
    n = len(scores)
    return pd.DataFrame({"divide_index": scores, "population": 10_000.0, "villages_no_signal": 0,
                         "villages_no_power": 0, "remoteness_km": 0.0, "province_code": provinces},
                        index=pd.Index([f"{i:05d}" for i in range(n)], name="commune_code"))


def _reported_collections(fig):
    return [c for ax in fig.axes for c in ax.collections if c.get_gid() == "reported-villages"]


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]


# --------------------------------------------------------------------------- priority within the province


def test_province_rank_and_tier_follow_the_national_rules_inside_each_province():
    # province A: scores 90, 50, 50 (a tie), 20, 10, 80; province B: 30, 70
    t = _table([90.0, 50.0, 50.0, 20.0, 10.0, 80.0, 30.0, 70.0], ["A"] * 6 + ["B"] * 2)
    p = priority(t)
    a = p[t["province_code"] == "A"].sort_values("priority_rank_province")
    assert a.index.tolist() == ["00000", "00005", "00001", "00002", "00003", "00004"]  # tie: lower code first
    assert a["priority_rank_province"].tolist() == [1, 2, 3, 4, 5, 6]
    assert a["priority_tier_province"].tolist() == [math.ceil(5 * r / 6) for r in range(1, 7)]
    b = p[t["province_code"] == "B"]
    assert b["priority_rank_province"].tolist() == [2, 1] and b["priority_tier_province"].tolist() == [5, 3]
    assert p["priority_rank_province"].dtype == "Int64" and p["priority_tier_province"].dtype == "Int64"
    # the national order is the one of the whole table, unchanged by the province columns
    national = priority(t.drop(columns="province_code"))
    assert not set(PROVINCE_COLUMNS) & set(national.columns)
    pd.testing.assert_frame_equal(p.drop(columns=list(PROVINCE_COLUMNS)), national)


def test_province_comes_from_the_communes_and_missing_scores_stay_missing(subset, index_of):
    t = index_of(subset)
    assert "province_code" not in t.columns
    t.loc[t.index[0], "divide_index"] = np.nan
    p = priority(t, communes=subset)
    assert p.loc[t.index[0], list(PROVINCE_COLUMNS)].isna().all()
    for code, n in (("01", 126), ("12", 38)):
        part = p[subset["province_code"] == code]
        valid = int(part["priority_score"].notna().sum())
        assert valid == n - (code == subset.loc[t.index[0], "province_code"])
        assert sorted(part["priority_rank_province"].dropna().tolist()) == list(range(1, valid + 1))
        # the province's order is the national order restricted to the province
        by_national = part.dropna(subset=["priority_rank"]).sort_values("priority_rank")
        assert by_national["priority_rank_province"].tolist() == list(range(1, valid + 1))
    # bands do not depend on the other communes: the province tier is the national one
    bands = priority(t, communes=subset, tiers="bands")
    pd.testing.assert_series_equal(bands["priority_tier_province"], bands["priority_tier"], check_names=False)


def test_lai_chau_tier_one_within_the_province_is_its_top_fifth(subset, index_of):
    lc = subset[subset["province_code"] == "12"]
    p = priority(index_of(subset), communes=subset).loc[lc.index]
    expected = sum(math.ceil(5 * r / 38) == 1 for r in range(1, 39))  # ranks 1-7 (5 x 8 / 38 > 1)
    assert expected == 7
    assert int((p["priority_tier_province"] == 1).sum()) == expected
    assert p["priority_tier_province"].value_counts().sort_index().tolist() == [7, 8, 7, 8, 8]
    assert set(p.loc[p["priority_tier_province"] == 1, "priority_rank_province"]) == set(range(1, 8))


def test_resolve_tiers_defaults_and_refuses_unknown():
    assert resolve_tiers(None, "Lai Châu") == "province" and resolve_tiers(None, None) == "national"
    assert resolve_tiers("national", "12") == "national" and resolve_tiers("province", None) == "province"
    with pytest.raises(InputError, match="tiers"):
        resolve_tiers("district", None)


# --------------------------------------------------------------------------- the province map


@pytest.fixture(scope="module")
def lai_chau(subset, index_of):
    lc = subset[subset["province_code"] == "12"]
    p = priority(index_of(subset), communes=subset).loc[lc.index]
    table = lc.join(p)
    table.attrs["modeled"] = True
    return table


def test_province_map_colours_by_the_province_tiers_and_says_so(lai_chau, subset, index_of):
    fig = map_priority(lai_chau, tiers="province", lang="en", labels=False)
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "Tiers within Lai Châu (1 = act first in the province)"
    entries = _legend_texts(fig)
    assert "Tier 1 (act first) (7)" in entries  # the province's tier 1, not the national count
    national_tier1 = int((lai_chau["priority_tier"] == 1).sum())
    assert national_tier1 > 7
    assert f"Tier 1 (act first) ({national_tier1})" in _legend_texts(map_priority(lai_chau, labels=False))
    assert fig.texts[0].get_text() == "Priority tiers within the province"
    caption = next(t.get_text() for t in fig.texts if t.get_gid() == "caption")
    assert "Tiers within Lai Châu" in caption.replace("\n", " ")
    vi = map_priority(lai_chau, tiers="province", lang="vi", labels=False)
    assert vi.legends[0].get_title().get_text().startswith("Nhóm trong tỉnh Lai Châu")
    assert vi.texts[0].get_text() == "Nhóm ưu tiên trong tỉnh"
    both = subset.join(priority(index_of(subset), communes=subset))  # Hà Nội and Lai Châu: each its own fifths
    fig = map_priority(both, tiers="province", labels=False)
    assert fig.texts[0].get_text() == "Priority tiers within each province"
    assert fig.legends[0].get_title().get_text().startswith("Tiers within each province")
    hanoi_tier1 = sum(math.ceil(5 * r / 126) == 1 for r in range(1, 127))  # 25 of Hà Nội's 126
    assert f"Tier 1 (act first) ({hanoi_tier1 + 7})" in _legend_texts(fig)
    with pytest.raises(InputError, match="priority_tier_province"):
        map_priority(lai_chau.drop(columns="priority_tier_province"), tiers="province")
    with pytest.raises(InputError, match="tiers"):
        map_priority(lai_chau, tiers="district")


# --------------------------------------------------------------------------- reported villages


def test_reported_villages_of_a_province_are_drawn_once_each_and_marked_observed(index_of):
    tq = divide.load_communes("Tuyên Quang")
    tq = tq.join(priority(index_of(tq), communes=tq))
    tq.attrs["modeled"] = True
    register = divide.reported_villages()
    unserved = unserved_villages(register)
    expected = unserved[unserved["commune_code"].isin(tq.index)]
    assert len(expected) > 30  # the register's most reported province
    fig = map_priority(tq, tiers="province", reported=True, lang="en", labels=False)
    (points,) = _reported_collections(fig)
    assert len(points.get_offsets()) == len(expected)
    assert points.get_zorder() > 10  # above the tiers and outlines
    assert tuple(points.get_facecolor()[0][:3]) == pytest.approx(tuple(int(REPORTED_COLOR[i:i + 2], 16) / 255
                                                                      for i in (1, 3, 5)))
    years = sorted({str(d)[:4] for d in expected["as_of"] if str(d)[:4].isdigit()})
    entry = next(t for t in _legend_texts(fig) if t.startswith("Reported"))
    assert entry == f"Reported in public pages, {years[0]}–{years[-1]} (commune location) ({len(expected)})"
    assert "modeled" not in entry.lower()
    assert [t.get_text() for t in fig.texts if t.get_gid() == "modeled-mark"]  # the tiers are still modeled
    source = next(t.get_text() for t in fig.texts if t.get_gid() == "source-line")
    assert "reported_villages.csv" in source.replace("\n", "")
    vi = map_priority(tq, reported=True, lang="vi", labels=False)
    assert any(t.startswith("Được báo cáo trên báo chí") for t in _legend_texts(vi))
    assert not _reported_collections(map_priority(tq, labels=False))  # off unless asked


def test_a_province_without_reports_draws_none(subset, index_of):
    hn = subset[subset["province_code"] == "01"]
    hn = hn.join(priority(index_of(subset), communes=subset).loc[hn.index])
    register = divide.reported_villages()
    assert not register["province_code"].eq("01").any()
    fig = map_priority(hn, tiers="province", reported=True, labels=False)
    assert not _reported_collections(fig)
    assert not any(t.startswith("Reported") for t in _legend_texts(fig))
    assert len(reported_points(hn)) == 0


def test_reported_points_sit_in_their_commune_spread_apart_without_randomness():
    lc = divide.load_communes("Lai Châu")
    a, b = lc.index[0], lc.index[1]
    register = pd.DataFrame({
        "village": ["Bản Một", "Bản Hai", "Bản Ba", "Bản Bốn", "Bản Xa"],
        "commune_code": [a, a, a, b, "99999"],
        "status": ["no_signal", "weak_signal", "no_electricity", "no_signal", "no_signal"],
        "as_of": ["2023-03", "2024", "2022", "2021", "2026"],
    })
    covered = pd.DataFrame({"village": ["Bản Bốn"], "commune_code": [b], "status": ["covered"], "as_of": ["2020"]})
    pts = reported_points(lc, register)
    assert pts.attrs["modeled"] is False and pts.crs == divide.settings.PROJECTED_CRS
    assert sorted(pts["village"]) == ["Bản Ba", "Bản Bốn", "Bản Hai", "Bản Một"]  # not the commune outside
    projected = lc.geometry.to_crs(divide.settings.PROJECTED_CRS)
    for code, point in zip(pts["commune_code"], pts.geometry):
        assert projected[code].buffer(1.0).contains(point)
    in_a = pts[pts["commune_code"] == a]
    assert len({(round(p.x), round(p.y)) for p in in_a.geometry}) == 3  # spread apart
    single = pts[pts["commune_code"] == b].geometry.iloc[0]
    assert single.equals(lc.geometry[[b]].representative_point().to_crs(divide.settings.PROJECTED_CRS).iloc[0])
    again = reported_points(lc, register.iloc[::-1])
    assert again.geometry.reset_index(drop=True).geom_equals(pts.geometry.reset_index(drop=True)).all()
    # a later report of coverage takes the village off the map
    assert "Bản Bốn" not in set(reported_points(lc, pd.concat([register, covered.assign(as_of="2025")]))["village"])
    assert "Bản Bốn" in set(reported_points(lc, pd.concat([register, covered]))["village"])  # covered before
    with pytest.raises(InputError, match="reported"):
        reported_points(lc, "yes")
