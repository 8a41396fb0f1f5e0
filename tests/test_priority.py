"""Priority scores and tiers: parts add up to the score, hand-computed values, stable order and tiers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.analysis.priority import DEFAULT_WEIGHTS, priority


def table(n: int = 10, **columns) -> pd.DataFrame:
    base = {"divide_index": np.linspace(10, 90, n), "population": 10_000.0, "villages_no_signal": 0,
            "villages_no_power": 0, "remoteness_km": 0.0}
    base.update(columns)
    return pd.DataFrame(base, index=pd.Index([f"{i:05d}" for i in range(n)], name="commune_code"))


def test_hand_computed_score():
    t = table(1, divide_index=[60.0], population=[99_999.0 / 0.6], villages_no_signal=[10], villages_no_power=[3],
              remoteness_km=[25.0])
    row = priority(t).iloc[0]
    # need 60; people affected 99,999 -> log10(100,000)/5 = 1 -> 100; villages 10 -> capped 100; reach = 100
    assert row["people_affected"] == pytest.approx(99_999.0)
    assert row["reach"] == pytest.approx(100.0)
    # difficulty = 50 × min(1, 3/3) + 50 × min(1, 25/50) = 75 -> ease 25
    assert row["difficulty"] == pytest.approx(75.0) and row["ease"] == pytest.approx(25.0)
    assert row["priority_score"] == pytest.approx(0.5 * 60 + 0.3 * 100 + 0.2 * 25)  # 65.0
    assert row["priority_rank"] == 1 and row["priority_tier"] == 5  # one commune: rank 1 is ceil(5/1) = tier 5


def test_parts_sum_to_the_score_on_real_communes(subset, index_of):
    t = index_of(subset)
    p = priority(t, communes=subset)
    parts = p[["need_contribution", "reach_contribution", "ease_contribution"]].sum(axis=1)
    np.testing.assert_allclose(parts, p["priority_score"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(p["need_contribution"], 0.5 * p["need"])
    np.testing.assert_allclose(p["reach_contribution"], 0.3 * p["reach"])
    np.testing.assert_allclose(p["ease_contribution"], 0.2 * (100 - p["difficulty"]))
    assert p["priority_score"].between(0, 100).all()
    assert list(p.index) == list(t.index)
    assert p.attrs["modeled"] is True and p.attrs["label"] == divide.provenance.LABEL


def test_rank_is_a_total_order_with_code_tie_break():
    t = table(6, divide_index=[50.0, 70.0, 50.0, 50.0, 20.0, 70.0])
    t = t.iloc[[3, 0, 5, 2, 4, 1]]  # rows out of code order
    p = priority(t)
    # 70s first (codes 00001 < 00005), then the three 50s by code, then 20
    assert p["priority_rank"].sort_values().index.tolist() == ["00001", "00005", "00000", "00002", "00003", "00004"]
    assert sorted(p["priority_rank"].tolist()) == [1, 2, 3, 4, 5, 6]


def test_higher_need_more_people_more_villages_rank_higher_and_difficulty_lowers():
    t = table(4, divide_index=[50.0] * 4, population=[1_000.0, 50_000.0, 1_000.0, 1_000.0],
              villages_no_signal=[0, 0, 3, 0], villages_no_power=[0, 0, 0, 3])
    s = priority(t)["priority_score"]
    assert s["00001"] > s["00000"]  # more people affected
    assert s["00002"] > s["00000"]  # villages without signal
    assert s["00003"] < s["00000"]  # needs power first: harder, later ("dễ làm trước, khó làm sau")
    hardest_first = priority(t, weights={"need": 0.5, "reach": 0.5})  # planner drops ease
    assert hardest_first.loc["00003", "priority_score"] == pytest.approx(hardest_first.loc["00000", "priority_score"])


def test_quintile_tiers_are_equal_fifths_and_follow_the_rank():
    t = table(20)
    p = priority(t)
    assert p["priority_tier"].value_counts().sort_index().tolist() == [4, 4, 4, 4, 4]
    ordered = p.sort_values("priority_rank")
    assert ordered["priority_tier"].is_monotonic_increasing
    assert ordered.index[0] == "00019"  # the widest divide first
    for r, tier in zip(p["priority_rank"], p["priority_tier"]):
        assert tier == math.ceil(5 * r / 20)


def test_band_tiers_follow_fixed_scores():
    t = table(5)
    p = priority(t, tiers="bands")
    expected = [1 if s >= 80 else 2 if s >= 60 else 3 if s >= 40 else 4 if s >= 20 else 5 for s in p["priority_score"]]
    assert p["priority_tier"].tolist() == expected


def test_tiers_are_reproducible_and_independent_of_row_order(subset, index_of):
    t = index_of(subset)
    a = priority(t, communes=subset)
    b = priority(t.sample(frac=1.0, random_state=4), communes=subset)
    pd.testing.assert_frame_equal(a, b.loc[a.index], check_like=False)
    assert a["priority_tier"].dtype == "Int64" and a["priority_rank"].dtype == "Int64"


@pytest.mark.national
def test_units_without_index_get_missing_values(communes, index_of):
    t = index_of(communes)
    p = priority(t, communes=communes)
    hs_ts = p.loc[["20333", "22736"]]
    assert hs_ts["priority_score"].isna().all() and hs_ts["priority_tier"].isna().all()
    assert hs_ts["priority_rank"].isna().all()
    assert p["priority_rank"].max() == 3319 and p["priority_tier"].value_counts().min() >= 663


def test_weights_and_bad_input():
    t = table(3)
    doubled = priority(t, weights={k: 2 * v for k, v in DEFAULT_WEIGHTS.items()})
    pd.testing.assert_frame_equal(doubled, priority(t), check_exact=False)
    assert priority(t).attrs["weights"] == pytest.approx(DEFAULT_WEIGHTS)
    with pytest.raises(InputError, match="weight"):
        priority(t, weights={"need": -1})
    with pytest.raises(InputError, match="unknown weight"):
        priority(t, weights={"cost": 1})
    with pytest.raises(InputError, match="villages_no_power"):
        priority(t.drop(columns="villages_no_power"))
    with pytest.raises(InputError, match="0–100"):
        priority(table(2, divide_index=[10.0, 140.0]))
    with pytest.raises(InputError, match="tier"):
        priority(t, tiers="deciles")
