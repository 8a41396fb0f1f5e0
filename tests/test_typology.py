"""Typologies: planted clusters recovered, k chosen and reported, names from profiles, seed stability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.analysis.typology import TYPE_NAMES, typology

pytest.importorskip("sklearn")
from sklearn.metrics import adjusted_rand_score  # noqa: E402

# (infrastructure_gap, usage_gap, remoteness_km) of four planted groups; higher gap = wider divide
CENTRES = {
    "connected": (8.0, 10.0, 2.0),
    "covered but low use": (12.0, 70.0, 5.0),
    "infrastructure gap": (70.0, 15.0, 6.0),
    "remote and unserved": (75.0, 75.0, 60.0),
}


def planted(n_per: int = 40, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for g, (infra, usage, remote) in enumerate(CENTRES.values()):
        for _ in range(n_per):
            rows.append((infra + rng.normal(0, 4), usage + rng.normal(0, 4), remote + abs(rng.normal(0, 1))))
            truth.append(g)
    table = pd.DataFrame(rows, columns=["infrastructure_gap", "usage_gap", "remoteness_km"])
    order = rng.permutation(len(table))  # shuffle rows so that groups are not contiguous in the index
    table = table.iloc[order].reset_index(drop=True)
    table.index = pd.Index([f"{i:05d}" for i in range(len(table))], name="commune_code")
    table["divide_index"] = (table["infrastructure_gap"] + table["usage_gap"]) / 2
    return table, np.asarray(truth)[order]


@pytest.mark.parametrize("method", ["kmeans", "gmm"])
def test_planted_clusters_are_recovered_and_named(method):
    table, truth = planted()
    res = typology(table, method=method, seed=5)
    assert res.k == 4
    assert adjusted_rand_score(truth, res.labels["type_id"].to_numpy(dtype=int)) == 1.0
    names = list(CENTRES)
    for g, name in enumerate(names):
        assert set(res.labels["type"][truth == g]) == {name}
    # criterion reported for every k tried, and the chosen one is the best
    col = "silhouette" if method == "kmeans" else "bic"
    assert list(res.selection.index) == list(range(2, 9))
    best = res.selection[col].idxmax() if method == "kmeans" else res.selection[col].idxmin()
    assert best == 4
    # ids ordered by mean divide: 1 = connected (narrowest divide) ... 4 = remote and unserved
    assert list(res.profiles["type"]) == ["connected", "covered but low use", "infrastructure gap",
                                          "remote and unserved"]
    assert res.profiles["divide_mean"].is_monotonic_increasing
    assert list(res.profiles["type_vi"]) == [TYPE_NAMES[n] for n in res.profiles["type"]]
    assert list(res.labels.index) == list(table.index)


def test_not_remote_high_gaps_are_called_unserved():
    table, truth = planted()
    table["remoteness_km"] = 5.0 + (truth == 0) * 50.0  # now the connected group is the remote one
    res = typology(table, seed=5)
    assert set(res.labels["type"][truth == 3]) == {"unserved"}
    assert set(res.labels["type_vi"][truth == 3]) == {"chưa được phục vụ"}


def test_same_seed_same_labels_and_order():
    table, _ = planted(seed=3)
    a = typology(table, seed=9)
    b = typology(table, seed=9)
    pd.testing.assert_frame_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.profiles, b.profiles)
    # row order does not change the answer for a given commune
    shuffled = table.sample(frac=1.0, random_state=1)
    c = typology(shuffled, seed=9)
    pd.testing.assert_series_equal(c.labels["type"].loc[table.index], a.labels["type"])


def test_fixed_k_and_duplicate_names_are_told_apart():
    table, truth = planted()
    res = typology(table, k=6, seed=5)
    assert res.k == 6 and len(res.selection) == 1
    assert res.profiles["type"].is_unique  # e.g. "connected (1)", "connected (2)"
    assert res.labels["type"].nunique() == 6


def test_missing_values_and_all_equal_values():
    table, _ = planted()
    table.loc[["00000", "00001"], "usage_gap"] = np.nan
    res = typology(table, seed=5)
    assert res.labels.loc[["00000", "00001"], "type"].tolist() == ["no data", "no data"]
    assert res.labels.loc[["00000", "00001"], "type_id"].isna().all()
    assert res.labels["type_id"].dtype == "Int64"
    flat = pd.DataFrame({"infrastructure_gap": 10.0, "usage_gap": 20.0},
                        index=pd.Index([f"{i:05d}" for i in range(20)], name="commune_code"))
    one = typology(flat)
    assert one.k == 1 and set(one.labels["type"]) == {"uniform"} and set(one.labels["type_id"]) == {1}
    with pytest.raises(InputError, match="distinct"):
        typology(flat, k=3)


def test_bad_input():
    table, _ = planted()
    with pytest.raises(InputError, match="method"):
        typology(table, method="dbscan")
    with pytest.raises(InputError, match="k_range"):
        typology(table, k_range=[1, 2])
    with pytest.raises(InputError, match="usage"):
        typology(table.drop(columns="usage_gap"))


def test_modeled_flag_travels(subset):
    ind = divide.model_indicators(subset)
    t = pd.DataFrame(index=ind.index)
    t["infrastructure_gap"] = 100 - ind[["fiber_households_pct", "mobile_4g_pop_pct"]].mean(axis=1)
    t["usage_gap"] = 100 - ind[["online_services_pct", "smartphone_adults_pct"]].mean(axis=1)
    t.attrs["modeled"] = True
    res = typology(t, k_range=range(2, 5))
    assert res.labels.attrs["modeled"] is True and res.profiles.attrs["label"] == divide.provenance.LABEL
    assert 2 <= res.k <= 4 and res.labels["type_id"].notna().all()
