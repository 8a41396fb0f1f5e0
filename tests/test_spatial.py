"""Spatial structure: the contiguity graph (queen rule, islands, components) and LISA with FDR control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.analysis.hotspots import (
    LISA_LABELS,
    _shared_vertex_pairs,
    contiguity_graph,
    spatial_patterns,
)

esda = pytest.importorskip("esda")
gpd = pytest.importorskip("geopandas")
from shapely.geometry import box  # noqa: E402


def grid(nx: int, ny: int, *, x0: float = 105.0, y0: float = 15.0, size: float = 0.1, start: int = 0):
    """nx × ny square cells (EPSG:4326), codes "00000", "00001", … row by row from the south-west corner."""
    cells, codes, rows, cols = [], [], [], []
    for r in range(ny):
        for c in range(nx):
            cells.append(box(x0 + c * size, y0 + r * size, x0 + (c + 1) * size, y0 + (r + 1) * size))
            codes.append(f"{start + r * nx + c:05d}")
            rows.append(r)
            cols.append(c)
    gdf = gpd.GeoDataFrame({"row": rows, "col": cols}, geometry=cells, crs="EPSG:4326", index=pd.Index(codes))
    gdf.index.name = "commune_code"
    return gdf


# --------------------------------------------------------------------------- graph
def test_queen_rule_on_a_grid_counts_corners_edges_and_interior():
    g = grid(4, 4)
    w = contiguity_graph(g)
    card = w.cardinalities
    assert card["00000"] == 3  # corner: right, up, diagonal
    assert card["00001"] == 5  # edge
    assert card["00005"] == 8  # interior
    assert sorted(w.neighbors["00000"]) == ["00001", "00004", "00005"]
    assert w.attrs["islands"] == [] and w.attrs["island_links"] == [] and w.n_components == 1
    assert list(w.id_order) == list(g.index)


def test_shared_vertex_rule_equals_libpysal_on_lai_chau():
    from libpysal.graph import Graph

    lc = divide.load_communes("Lai Châu")
    ours = {tuple(p) for p in _shared_vertex_pairs(lc.geometry.values).tolist()}
    ref = Graph.build_contiguity(lc.geometry.reset_index(drop=True), rook=False, strict=False).adjacency.reset_index()
    ref = ref[ref["weight"] > 0]
    theirs = {(min(a, b), max(a, b)) for a, b in zip(ref["focal"], ref["neighbor"])}
    assert ours == theirs and len(ours) > 38


def test_island_is_linked_to_its_nearest_unit_and_graph_is_connected():
    g = grid(3, 3)
    island = gpd.GeoDataFrame({"row": [9], "col": [9]}, geometry=[box(105.5, 15.0, 105.6, 15.1)], crs="EPSG:4326",
                              index=pd.Index(["00099"], name="commune_code"))
    both = pd.concat([g, island])
    w = contiguity_graph(both)
    assert w.attrs["islands"] == ["00099"]
    # nearest cell by centroid: the bottom-right cell 00002 (centre 105.25, 15.05) vs the island (105.55, 15.05)
    (a, b, dist), = w.attrs["island_links"]
    assert (a, b) == ("00099", "00002")
    assert dist == pytest.approx(0.3 * 111_320 * np.cos(np.radians(15.05)), rel=0.03)
    assert w.neighbors["00099"] == ["00002"] and "00099" in w.neighbors["00002"]
    assert w.n_components == 1 and w.attrs["components_before"] == 2


def test_two_islands_nearest_to_each_other_get_a_component_link():
    g = grid(2, 2)
    far = gpd.GeoDataFrame(
        {"row": [0, 0], "col": [0, 0]},
        geometry=[box(106.0, 15.0, 106.05, 15.05), box(106.1, 15.0, 106.15, 15.05)],
        crs="EPSG:4326", index=pd.Index(["00050", "00051"], name="commune_code"),
    )
    w = contiguity_graph(pd.concat([g, far]))
    assert sorted(w.attrs["islands"]) == ["00050", "00051"]
    assert {frozenset(link[:2]) for link in w.attrs["island_links"]} == {frozenset({"00050", "00051"})}
    (a, b, _), = w.attrs["component_links"]
    assert a == "00050" and b in {"00001", "00003"}  # the closest cell of the 2×2 block (east column)
    assert w.n_components == 1


@pytest.mark.national
def test_national_graph_links_the_19_islands(communes):
    w = contiguity_graph(communes)
    assert len(w.attrs["islands"]) == 19 and w.attrs["components_before"] == 20
    assert w.n_components == 1 and w.n == 3321
    links = {a: b for a, b, _ in w.attrs["island_links"]}
    assert links["31078"] in communes.index  # Phú Quốc linked to a unit
    assert communes.loc[links["26732"], "province_code"] in {"79", "92"}  # Côn Đảo to the nearest coast


def test_bad_input_to_the_graph():
    g = grid(2, 2)
    with pytest.raises(InputError, match="geometry"):
        contiguity_graph(pd.DataFrame(g.drop(columns="geometry")))
    with pytest.raises(InputError, match="k_islands"):
        contiguity_graph(g, k_islands=0)
    single = contiguity_graph(g.iloc[:1])
    assert single.n == 1 and single.attrs["islands"] == ["00000"]


# --------------------------------------------------------------------------- LISA
def _planted(nx: int = 10, ny: int = 10, seed: int = 3):
    g = grid(nx, ny)
    rng = np.random.default_rng(seed)
    values = rng.normal(20.0, 3.0, len(g))
    hot = ((g["row"] >= 6) & (g["row"] <= 8) & (g["col"] >= 6) & (g["col"] <= 8)).to_numpy()
    values[hot] = 90.0 + rng.normal(0, 1.0, hot.sum())
    table = pd.DataFrame({"divide_index": values}, index=g.index)
    return g, table, hot


def test_planted_hot_spot_is_found_as_hh():
    g, table, hot = _planted()
    res = spatial_patterns(table, ["divide_index"], communes=g, seed=7)
    lab = res.local["divide_index_lisa"]
    assert lab.loc["00077"] == "HH"  # the centre of the 3×3 hot block (row 7, col 7)
    # every HH unit is in the block or touches it; most of the block is found
    w = res.w
    block = set(g.index[hot])
    near = block | {v for u in block for v in w.neighbors[u]}
    hh = set(lab.index[lab == "HH"])
    assert hh <= near and len(hh & block) >= 5
    assert res.global_.loc["divide_index", "moran_i"] > 0.3
    assert res.global_.loc["divide_index", "p"] <= 0.01
    assert res.global_.loc["divide_index", "expected"] == pytest.approx(-1 / 99)
    assert set(lab) <= set(LISA_LABELS)
    assert list(res.local.index) == list(table.index)


def test_fdr_rule_is_esda_benjamini_hochberg():
    # hand example: sorted p 0.001, 0.01, 0.02, 0.04, 0.5 with alpha 0.05 -> step-up cut-off 3 × 0.05 / 5
    assert esda.fdr(np.array([0.5, 0.02, 0.001, 0.04, 0.01]), 0.05) == pytest.approx(0.03)
    g, table, _ = _planted()
    strict = spatial_patterns(table, ["divide_index"], communes=g, seed=7, fdr=True)
    loose = spatial_patterns(table, ["divide_index"], communes=g, seed=7, fdr=False)
    p = strict.local["divide_index_lisa_p"]
    sig = strict.local["divide_index_lisa"].isin(["HH", "LL", "HL", "LH"])
    thr = esda.fdr(p.to_numpy(), 0.05)
    assert strict.global_.loc["divide_index", "p_threshold"] == pytest.approx(thr)
    assert (p[sig] < thr).all() and (p[~sig] >= thr).all()
    loose_sig = loose.local["divide_index_lisa"].isin(["HH", "LL", "HL", "LH"])
    assert (loose.local["divide_index_lisa_p"][loose_sig] <= 0.05).all()
    assert loose_sig.sum() > sig.sum()  # FDR control removes some of the labels at p <= 0.05
    assert (p == loose.local["divide_index_lisa_p"]).all()  # same seed: same permutations


def test_same_seed_same_result_other_seed_other_pvalues():
    g, table, _ = _planted()
    a = spatial_patterns(table, ["divide_index"], communes=g, seed=11, permutations=199)
    b = spatial_patterns(table, ["divide_index"], communes=g, seed=11, permutations=199)
    c = spatial_patterns(table, ["divide_index"], communes=g, seed=12, permutations=199)
    pd.testing.assert_frame_equal(a.local, b.local)
    assert a.global_.loc["divide_index", "p"] == b.global_.loc["divide_index", "p"]
    assert not np.array_equal(a.local["divide_index_lisa_p"], c.local["divide_index_lisa_p"])


def test_missing_values_are_no_data_and_others_still_labelled():
    g, table, _ = _planted()
    table.loc[["00000", "00055"], "divide_index"] = np.nan
    res = spatial_patterns(table, ["divide_index"], communes=g, seed=7)
    assert res.local.loc[["00000", "00055"], "divide_index_lisa"].tolist() == ["no data", "no data"]
    assert res.local.loc[["00000", "00055"], "divide_index_lisa_p"].isna().all()
    assert res.global_.loc["divide_index", "n"] == 98 and res.w.n == 98
    assert res.local.loc["00077", "divide_index_lisa"] == "HH"


def test_all_equal_values_give_not_significant_without_error():
    g = grid(4, 4)
    table = pd.DataFrame({"divide_index": 50.0, "usage_gap": np.arange(16.0)}, index=g.index)
    res = spatial_patterns(table, ["divide_index", "usage_gap"], communes=g, permutations=99)
    assert (res.local["divide_index_lisa"] == "not significant").all()
    assert np.isnan(res.global_.loc["divide_index", "moran_i"])
    assert res.global_.loc["usage_gap", "moran_i"] > 0.5  # a smooth gradient


def test_bad_input_to_spatial_patterns():
    g = grid(3, 3)
    table = pd.DataFrame({"divide_index": np.arange(9.0)}, index=g.index)
    with pytest.raises(InputError, match="usage_gap"):
        spatial_patterns(table, ["divide_index", "usage_gap"], communes=g)
    with pytest.raises(InputError, match="no geometry"):
        spatial_patterns(table.rename(index={"00000": "99999"}), ["divide_index"], communes=g)
    with pytest.raises(InputError, match="alpha"):
        spatial_patterns(table, ["divide_index"], communes=g, alpha=2)
    with pytest.raises(InputError, match="communes must be a commune table"):  # never read from disk
        spatial_patterns(table, ["divide_index"], communes=None)
    with_graph = spatial_patterns(table, ["divide_index"], communes=None, w=contiguity_graph(g), permutations=99)
    assert with_graph.global_.loc["divide_index", "n"] == 9


@pytest.mark.national
def test_national_lisa_of_the_divide_index(communes, index_of):
    t = index_of(communes)
    res = spatial_patterns(t, communes=communes)
    assert res.local.loc[["20333", "22736"], "divide_index_lisa"].tolist() == ["no data", "no data"]  # HS, TS
    assert (res.global_["n"] == 3319).all() and (res.global_["moran_i"] > 0.3).all()
    assert res.local.attrs["modeled"] is True and res.global_.attrs["label"] == divide.provenance.LABEL
    assert (res.local["divide_index_lisa"] == "HH").sum() > 100
