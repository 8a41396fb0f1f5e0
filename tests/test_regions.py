"""Priority regions: contiguous over the graph, within provinces, above the floor, homogeneous; spopt comparison;
fallbacks; the ``divide regions`` command."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.analysis.hotspots import contiguity_graph
from divide.analysis.regions import priority_regions, region_ssd, standardise

gpd = pytest.importorskip("geopandas")
from shapely.geometry import box  # noqa: E402

COLS = ["infrastructure_gap", "usage_gap"]


def strip(values, pops, province="01", start=0):
    """A 1 × n strip of square cells with the given values (both pillars) and populations."""
    n = len(values)
    idx = pd.Index([f"{start + i:05d}" for i in range(n)], name="commune_code")
    g = gpd.GeoDataFrame(
        {"population": np.asarray(pops, dtype=float), "province_code": province},
        geometry=[box(105 + 0.1 * (start + i), 15, 105 + 0.1 * (start + i + 1), 15.1) for i in range(n)],
        crs="EPSG:4326", index=idx,
    )
    t = pd.DataFrame({"infrastructure_gap": np.asarray(values, dtype=float),
                      "usage_gap": np.asarray(values, dtype=float)}, index=idx)
    return g, t


def assert_contiguous_within_province(res, communes):
    """Every region: one province, connected over the queen graph restricted to it (plus the reported links)."""
    labels = res.labels["region_id"]
    w = contiguity_graph(communes.loc[labels.dropna().index])
    prov = communes["province_code"]
    extra: dict[str, set] = {}
    for a, b, _ in res.report["province_links"] + res.report["graph_links"]:
        extra.setdefault(a, set()).add(b)
        extra.setdefault(b, set()).add(a)
    for rid, members in labels.dropna().groupby(labels.dropna()).groups.items():
        members = set(members)
        assert {prov[m] for m in members} == {rid.split("-")[0]}
        start = next(iter(members))
        seen, stack = {start}, [start]
        while stack:
            u = stack.pop()
            for v in set(w.neighbors[u]) | extra.get(u, set()):
                if v in members and v not in seen and prov[v] == prov[u]:
                    seen.add(v)
                    stack.append(v)
        assert seen == members, f"region {rid} is not contiguous"


def test_hand_made_strip_splits_at_the_jump():
    g, t = strip([0, 0, 0, 10, 10, 10], [1, 1, 1, 1, 1, 1])
    res = priority_regions(t, communes=g, min_population=3)
    assert res.labels["region_id"].tolist() == ["01-02"] * 3 + ["01-01"] * 3  # 01 = the widest divide
    assert res.ssd == pytest.approx(0.0)
    assert res.summary.loc["01-01", "communes"] == 3 and res.summary["meets_floor"].all()
    assert res.summary.loc["01-01", "mean_usage_gap"] == 10.0


def test_floor_forces_uneven_but_cheapest_grouping():
    # values 0,0,1,9,10,10 with floor 2 people: the cheapest partition keeps 1 with the zeros
    g, t = strip([0, 0, 1, 9, 10, 10], [1, 1, 1, 1, 1, 1])
    res = priority_regions(t, communes=g, min_population=2)
    z = standardise(t[COLS]).to_numpy()
    assert res.summary["population"].min() >= 2
    assert res.ssd == pytest.approx(region_ssd(z, res.labels["region_id"]))
    # brute force over all contiguous cuts of the strip into parts of >= 2 cells
    best = np.inf
    for mask in range(1 << 5):
        cuts = [i + 1 for i in range(5) if mask >> i & 1]
        parts = np.split(np.arange(6), cuts)
        if min(len(p) for p in parts) < 2:
            continue
        lab = np.concatenate([[k] * len(p) for k, p in enumerate(parts)])
        best = min(best, region_ssd(z, lab))
    assert res.ssd == pytest.approx(best)


def test_subset_regions_are_contiguous_within_provinces_and_meet_the_floor(subset, index_of):
    t = index_of(subset)
    res = priority_regions(t, communes=subset, min_population=150_000)
    assert list(res.labels.index) == list(t.index)
    assert res.labels["region_id"].notna().all()
    assert (res.summary["population"] >= 150_000).all() and res.report["fallbacks"] == {}
    assert_contiguous_within_province(res, subset)
    assert set(res.summary["province_code"]) == {"01", "12"}
    # the summary adds up
    assert res.summary["communes"].sum() == len(subset)
    assert res.summary["population"].sum() == pytest.approx(subset["population"].sum())
    assert res.ssd == pytest.approx(region_ssd(standardise(t[COLS]).to_numpy(), res.labels["region_id"]))
    assert res.labels.attrs["modeled"] is True and res.summary.attrs["label"] == divide.provenance.LABEL
    # deterministic
    again = priority_regions(t, communes=subset, min_population=150_000, seed=1)
    pd.testing.assert_frame_equal(res.labels, again.labels)


def test_as_homogeneous_as_spopt_maxp_on_lai_chau(index_of):
    """Same input (z-scores, Lai Châu's queen graph, floor 50,000): our SSD is not above spopt's."""
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    lc = divide.load_communes("Lai Châu")
    t = index_of(lc)
    floor = 50_000
    ours = priority_regions(t, communes=lc, min_population=floor)
    assert_contiguous_within_province(ours, lc)
    assert (ours.summary["population"] >= floor).all()

    z = standardise(t[COLS])
    w = contiguity_graph(lc)
    pos = {u: i for i, u in enumerate(lc.index)}
    wi = W({pos[u]: [pos[v] for v in w.neighbors[u]] for u in lc.index}, silence_warnings=True)
    frame = pd.DataFrame(z.to_numpy(), columns=COLS)
    frame["population"] = lc["population"].to_numpy()
    np.random.seed(20250701)
    random.seed(20250701)
    model = MaxPHeuristic(frame, wi, COLS, "population", floor)
    model.solve()
    spopt_labels = np.asarray(model.labels_)
    spopt_ssd = region_ssd(z.to_numpy(), spopt_labels)
    # spopt's answer is valid too: floor met
    assert pd.Series(frame["population"]).groupby(spopt_labels).sum().min() >= floor
    assert ours.ssd <= spopt_ssd + 1e-9, (ours.ssd, spopt_ssd, model.p, len(ours.summary))


def test_fallback_province_below_the_floor_is_one_region():
    g1, t1 = strip([0, 5, 10], [10, 10, 10], province="01")
    g2, t2 = strip([0, 0, 9, 9], [100, 100, 100, 100], province="02", start=10)
    g, t = pd.concat([g1, g2]), pd.concat([t1, t2])
    res = priority_regions(t, communes=g, min_population=200)
    assert res.report["fallbacks"] == {"01": "province population below the floor: one region"}
    assert res.labels.loc[t1.index, "region_id"].tolist() == ["01-01"] * 3
    assert not res.summary.loc["01-01", "meets_floor"]
    assert res.summary.loc[res.summary["province_code"] == "02", "population"].tolist() == [200.0, 200.0]


def test_disconnected_province_is_joined_and_regions_stay_in_province():
    # province 01 = two separate blocks (a gap of one cell); province 02 sits in the gap
    g1, t1 = strip([1, 1], [5, 5], province="01", start=0)
    gmid, tmid = strip([3], [5], province="02", start=2)
    g3, t3 = strip([1, 1], [5, 5], province="01", start=3)
    g, t = pd.concat([g1, gmid, g3]), pd.concat([t1, tmid, t3])
    res = priority_regions(t, communes=g, min_population=15)
    assert res.labels.loc[["00000", "00001", "00003", "00004"], "region_id"].nunique() == 1
    assert [link[:2] for link in res.report["province_links"]] in ([("00001", "00003")], [("00003", "00001")])
    assert_contiguous_within_province(res, g)


def test_all_equal_values_and_missing_values_do_not_crash():
    g, t = strip([5] * 8, [1] * 8)
    res = priority_regions(t, communes=g, min_population=2)
    assert res.ssd == 0.0 and (res.summary["population"] >= 2).all() and len(res.summary) >= 2
    assert_contiguous_within_province(res, g)
    t.loc["00003", "usage_gap"] = np.nan
    res = priority_regions(t, communes=g, min_population=2)
    assert pd.isna(res.labels.loc["00003", "region_id"]) and res.report["left_out"] == ["00003"]
    assert res.labels["region_id"].drop("00003").notna().all()
    # 00003 left out splits the strip: the two sides are joined by the nearest pair, reported
    assert [set(link[:2]) for link in res.report["graph_links"]] == [{"00002", "00004"}]
    assert_contiguous_within_province(res, g)


def test_without_the_province_constraint_regions_may_cross_provinces():
    g1, t1 = strip([0, 0, 10], [1, 1, 1], province="01")
    g2, t2 = strip([10, 10, 10], [1, 1, 1], province="02", start=3)
    g, t = pd.concat([g1, g2]), pd.concat([t1, t2])
    inside = priority_regions(t, communes=g, min_population=2)
    across = priority_regions(t, communes=g, min_population=2, by_province=False)
    assert inside.labels["region_id"].tolist() == ["01-01"] * 3 + ["02-01"] * 3
    lab = across.labels["region_id"]
    assert lab.str.startswith("VN-").all()
    assert lab["00000"] == lab["00001"] != lab["00002"]  # the zeros together
    assert lab["00002"] == lab["00003"]  # the 10 of province 01 joins the 10s of province 02 across the border
    assert across.ssd == pytest.approx(0.0) and inside.ssd > 1.0


def test_bad_input():
    g, t = strip([0, 1, 2], [1, 1, 1])
    with pytest.raises(InputError, match="min_population"):
        priority_regions(t, communes=g, min_population=-1)
    with pytest.raises(InputError, match="min_population"):
        priority_regions(t, communes=g, min_population="many")
    with pytest.raises(InputError, match="population"):
        priority_regions(t, communes=g.drop(columns="population"))
    with pytest.raises(InputError, match="divide_index"):
        priority_regions(t, communes=g, columns=["divide_index"])
    with pytest.raises(InputError, match="communes must be a commune table"):  # never read from disk
        priority_regions(t, communes=None)
    with pytest.raises(TypeError, match="communes"):
        priority_regions(t)


@pytest.mark.national
def test_national_regions(communes, index_of):
    t = index_of(communes)
    res = priority_regions(t, communes=communes, min_population=300_000)
    assert res.labels.loc[["20333", "22736"], "region_id"].isna().all()  # Hoàng Sa, Trường Sa: no data
    assert res.labels["region_id"].notna().sum() == 3319
    assert (res.summary["population"] >= 300_000).all() and res.report["fallbacks"] == {}
    assert 150 < len(res.summary) < 400
    assert res.summary.index.str.match(r"^\d{2}-\d{2,}$").all()
    assert_contiguous_within_province(res, communes)


# --------------------------------------------------------------------------- command line
def test_cli_regions_writes_the_commune_table(tmp_path, capsys):
    from divide.cli.app import main

    out = tmp_path / "lc.csv"
    code = main(["regions", "--province", "Lai Châu", "--min-population", "100000", "--out", str(out), "--seed", "3"])
    printed = capsys.readouterr().out
    assert code == 0
    table = pd.read_csv(out, dtype={"commune_code": str, "region_id": str}, encoding="utf-8-sig")
    assert len(table) == 38 and table["region_id"].str.startswith("12-").all()
    assert table["priority_tier"].between(1, 5).all() and set(table["divide_index_lisa"]) <= {
        "HH", "LL", "HL", "LH", "not significant", "no data"}
    regions = pd.read_csv(tmp_path / "lc_regions.csv", encoding="utf-8-sig")
    assert (regions["population"] >= 100_000).all() and len(regions) == table["region_id"].nunique()
    assert (tmp_path / "manifest.json").exists()
    assert "region(s)" in printed and divide.provenance.LABEL in printed


def test_cli_regions_stops_on_a_file_that_fails_validation(capsys):
    from divide.cli.app import main

    broken = Path(__file__).parent / "data" / "indicators" / "broken_range.csv"
    assert main(["regions", "--indicators", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "failed validation" in err and "Traceback" not in err


def test_cli_regions_refuses_an_unknown_format(tmp_path, capsys):
    from divide.cli.app import main

    assert main(["regions", "--province", "12", "--out", str(tmp_path / "x.json")]) == 2
    assert ".json" in capsys.readouterr().err
