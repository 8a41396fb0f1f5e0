"""Monte Carlo rank intervals and variance-based sensitivity of the divide index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divide import InputError
from divide.analysis.index import compute_index, index_uncertainty, preset


@pytest.fixture(scope="module")
def lai_chau():
    import divide

    communes = divide.load_communes("Lai Châu")
    return divide.model_indicators(communes), communes


def test_reproducible_with_a_seed(lai_chau):
    table, communes = lai_chau
    a = index_uncertainty(table, n=180, seed=11, communes=communes)
    b = index_uncertainty(table, n=180, seed=11, communes=communes)
    pd.testing.assert_frame_equal(a.ranks, b.ranks, check_exact=True)
    pd.testing.assert_frame_equal(a.sensitivity, b.sensitivity, check_exact=True)
    assert (a.runs == b.runs).all()
    c = index_uncertainty(table, n=180, seed=12, communes=communes)
    assert not (a.runs == c.runs).all()


def test_shapes_alignment_and_intervals(lai_chau):
    table, communes = lai_chau
    u = index_uncertainty(table, n=1000, seed=3, communes=communes)
    assert u.ranks.index.equals(table.index)
    assert u.ranks.columns.tolist() == ["rank_nominal", "rank_median", "rank_p05", "rank_p95"]
    assert u.log["base_draws"] == 1000 // 6 and u.runs.shape == (6 * (1000 // 6), len(table))
    assert (u.ranks["rank_p05"] <= u.ranks["rank_median"]).all()
    assert (u.ranks["rank_median"] <= u.ranks["rank_p95"]).all()
    assert u.ranks["rank_p05"].min() >= 1 and u.ranks["rank_p95"].max() <= len(table)
    assert u.sensitivity.index.tolist() == ["weights", "normalisation", "aggregation", "drop"]
    assert (u.sensitivity["S_Ti"] >= 0).all()
    assert (u.sensitivity["S_Ti"] >= u.sensitivity["S_i"] - 0.1).all()  # total >= first order (up to noise)
    assert set(u.choices["block"]) == {"A", "B", "AB_weights", "AB_normalisation", "AB_aggregation", "AB_drop"}
    assert u.ranks.attrs["modeled"] is True and u.attrs["modeled"] is True
    # every replication ranks 1..N with ties sharing the smallest rank
    assert (u.runs.min(axis=1) == 1).all() and (u.runs.max(axis=1) <= len(table)).all()


@pytest.mark.parametrize("spec", [
    "default",
    "purdue_ddi",
    preset("default").copy(normalisation="minmax", pillar_aggregation="geometric", index_aggregation="geometric"),
    preset("default").copy(normalisation="rank", index_aggregation="exponential",
                           missing="impute_province_median"),
    preset("default").copy(normalisation="minmax", weighting="pca"),
])
def test_vectorised_scoring_reproduces_the_engine_at_the_nominal_choices(lai_chau, spec):
    """With no perturbation every replication must rank the communes exactly as compute_index does."""
    table, communes = lai_chau
    nominal = compute_index(table, spec, communes=communes).scores["rank_national"]
    u = index_uncertainty(table, spec, n=12, seed=1, communes=communes, factors=("weights",), weight_noise=0.0)
    for row in u.runs:
        assert row.tolist() == nominal.astype(int).tolist()
    assert (u.ranks["rank_median"] == nominal.astype(float)).all()
    assert (u.sensitivity[["S_i", "S_Ti"]] == 0).all().all()


def test_sensitivity_points_at_the_choice_that_matters(lai_chau):
    table, communes = lai_chau
    # weights are not perturbed (noise 0): they explain nothing; dropping indicators explains everything
    u = index_uncertainty(table, n=400, seed=5, communes=communes, factors=("weights", "drop"), weight_noise=0.0)
    s = u.sensitivity
    assert s.loc["weights", "S_Ti"] == 0.0 and s.loc["weights", "S_i"] == 0.0
    assert s.loc["drop", "S_Ti"] > 0.5
    assert s.loc["drop", "S_i"] > 0.5


def test_units_without_data_have_no_interval(communes):
    import divide

    table = divide.model_indicators(communes)
    u = index_uncertainty(table, n=60, seed=2, communes=communes)
    no_data = table.index[table["fiber_households_pct"].isna()]
    assert len(no_data) == 2
    assert u.ranks.loc[no_data, ["rank_median", "rank_p05", "rank_p95"]].isna().all().all()
    assert u.ranks["rank_median"].notna().sum() == 3319
    assert (u.runs[:, table.index.get_indexer(no_data)] == 0).all()


def test_bad_arguments(lai_chau):
    table, communes = lai_chau
    with pytest.raises(InputError, match="too few"):
        index_uncertainty(table, n=5, communes=communes)
    with pytest.raises(InputError, match="factor"):
        index_uncertainty(table, n=100, communes=communes, factors=("colour",))
    with pytest.raises(InputError, match="weight_noise"):
        index_uncertainty(table, n=100, communes=communes, weight_noise=1.5)


def test_default_seed_is_the_package_seed(lai_chau):
    from divide import settings

    table, communes = lai_chau
    u = index_uncertainty(table, n=60, communes=communes)
    assert u.log["seed"] == settings.DEFAULT_SEED
    v = index_uncertainty(table, n=60, seed=settings.DEFAULT_SEED, communes=communes)
    assert np.array_equal(u.runs, v.runs)
