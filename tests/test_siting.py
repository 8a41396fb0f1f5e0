"""The investment planner's solver (divide.analysis.siting): exactness, bookkeeping, inputs, spopt parity."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from divide._errors import InputError
from divide.analysis.siting import budget_curve, coverage_sets, plan_sites
from divide.settings import PROJECTED_CRS


def _instance(seed: int, n_demand: int = 40, n_cand: int = 10, box: float = 20_000.0, unit: bool = False):
    rng = np.random.default_rng(seed)
    d = gpd.GeoDataFrame({"population": rng.integers(1, 500, n_demand).astype(float)},
                         index=[f"d{i:03d}" for i in range(n_demand)],
                         geometry=gpd.points_from_xy(rng.uniform(0, box, n_demand), rng.uniform(0, box, n_demand)),
                         crs=PROJECTED_CRS)
    c = gpd.GeoDataFrame({"cost": 1.0 if unit else rng.integers(1, 6, n_cand).astype(float)},
                         index=[f"s{j:02d}" for j in range(n_cand)],
                         geometry=gpd.points_from_xy(rng.uniform(0, box, n_cand), rng.uniform(0, box, n_cand)),
                         crs=PROJECTED_CRS)
    return d, c


def _xy(frame) -> np.ndarray:
    return np.column_stack([frame.geometry.x, frame.geometry.y])


def _cover(d, c, radius_km: float) -> np.ndarray:
    """Dense coverage on a tiny instance, computed independently of the k-d trees."""
    return cdist(_xy(d), _xy(c)) <= radius_km * 1e3


def _brute(d, c, budget: float, radius_km: float, pre: np.ndarray | None = None) -> tuple[float, tuple]:
    a = _cover(d, c, radius_km)
    w = d["population"].to_numpy()
    pre = np.zeros(len(d), dtype=bool) if pre is None else pre
    best, best_set = 0.0, ()
    for r in range(len(c) + 1):
        for sub in itertools.combinations(range(len(c)), r):
            if c["cost"].to_numpy()[list(sub)].sum() > budget + 1e-9:
                continue
            val = w[a[:, list(sub)].any(axis=1) & ~pre].sum() if sub else 0.0
            if val > best:
                best, best_set = val, sub
    return best, best_set


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_exact_equals_brute_force_and_bookkeeping(seed):
    d, c = _instance(seed, n_cand=11)
    budget = float(np.random.default_rng(seed).integers(4, 12))
    plan = plan_sites(d, c, budget=budget, radius_km=4.0, mip_gap=0.0, method="exact")
    best, _ = _brute(d, c, budget, 4.0)
    assert plan.people_covered == pytest.approx(best)
    assert plan.solver == "highs" and plan.gap <= 1e-9 and plan.bound >= best - 1e-6
    assert plan.spent <= budget + 1e-9 and plan.spent == pytest.approx(c.loc[plan.chosen.index, "cost"].sum())
    assert plan.recompute_people() == plan.people_covered
    covered = _cover(d, c.loc[plan.chosen.index], 4.0).any(axis=1)
    assert (plan.covered.to_numpy() == covered).all() and plan.covered.index.equals(d.index)
    assert plan.people_covered == pytest.approx(d["population"][covered].sum())
    assert list(plan.chosen.columns) == list(c.columns) and plan.chosen.crs == c.crs
    assert plan.marginal_people.sum() == pytest.approx(plan.people_covered)
    assert (np.diff(plan.marginal_people.to_numpy()) <= 1e-9).all()  # decreasing marginal people
    assert not plan.unreachable[plan.covered].any()
    # each covered point is served by its nearest chosen site
    dist = cdist(_xy(d.loc[plan.assignments.index]), _xy(c.loc[plan.chosen.index]))
    nearest = plan.chosen.index[dist.argmin(axis=1)]
    assert list(plan.assignments) == list(nearest) and set(plan.assignments.index) == set(d.index[covered])


def test_unreachable_and_unaffordable_are_reported():
    d, c = _instance(7, n_cand=8)
    far = gpd.GeoDataFrame({"population": [1000.0]}, index=["far"], geometry=gpd.points_from_xy([1e6], [1e6]),
                           crs=PROJECTED_CRS)
    d2 = pd.concat([d, far])
    c.loc["s00", "cost"] = 100.0
    plan = plan_sites(d2, c, budget=6, radius_km=4.0, mip_gap=0.0)
    assert plan.unreachable["far"] and not plan.covered["far"]
    assert "s00" not in plan.chosen.index
    assert plan.people_covered == pytest.approx(_brute(d, c, 6, 4.0)[0])
    assert plan.log["sizes_after"]["unaffordable_candidates"] == 1


@pytest.mark.parametrize("seed", [10, 11])
def test_existing_sites_not_counted_again_nor_paid(seed):
    d, c = _instance(seed, n_cand=10)
    existing = c.iloc[:2].copy()
    cands = c.iloc[2:]
    pre = _cover(d, existing, 4.0).any(axis=1)
    plan = plan_sites(d, cands, budget=6, radius_km=4.0, existing=existing, mip_gap=0.0)
    assert plan.people_already_covered == pytest.approx(d["population"][pre].sum())
    assert plan.people_covered == pytest.approx(_brute(d, cands, 6, 4.0, pre)[0])
    assert plan.covered[pre].all()  # covered by existing sites
    assert plan.spent == pytest.approx(cands.loc[plan.chosen.index, "cost"].sum()) and plan.spent <= 6
    assert plan.recompute_people() == plan.people_covered
    # existing sites as free candidates would cover the same: the plan does not buy their demand again
    newly = _cover(d, cands.loc[plan.chosen.index], 4.0).any(axis=1) & ~pre
    assert plan.people_covered == pytest.approx(d["population"][newly].sum())


@pytest.mark.parametrize("seed", [20, 21, 22])
def test_leave_no_one_behind(seed):
    d, c = _instance(seed, n_cand=10)
    rng = np.random.default_rng(seed)
    d["remote"] = np.where(rng.random(len(d)) < 0.3, "có", "không")
    must = (d["remote"] == "có").to_numpy()
    people = plan_sites(d, c, budget=5, radius_km=4.0, mip_gap=0.0, must_cover="remote")
    lnob = plan_sites(d, c, budget=5, radius_km=4.0, mip_gap=0.0, objective="leave_no_one_behind",
                      must_cover="remote")
    n_people, n_lnob = int((people.covered & must).sum()), int((lnob.covered & must).sum())
    assert n_lnob >= n_people
    a = _cover(d, c, 4.0)
    cost = c["cost"].to_numpy()
    best_count, best_people, min_all = -1, -1.0, np.inf
    need = must & a.any(axis=1)
    for r in range(len(c) + 1):
        for sub in itertools.combinations(range(len(c)), r):
            cov = a[:, list(sub)].any(axis=1) if sub else np.zeros(len(d), dtype=bool)
            if cov[need].all():
                min_all = min(min_all, cost[list(sub)].sum())
            if cost[list(sub)].sum() > 5:
                continue
            key = (int((cov & must).sum()), d["population"][cov].sum())
            if key > (best_count, best_people):
                best_count, best_people = key
    assert n_lnob == best_count and lnob.people_covered == pytest.approx(best_people)
    assert lnob.budget_to_cover_all == pytest.approx(min_all)
    assert set(lnob.must_cover_left) == set(d.index[must & ~lnob.covered.to_numpy()])
    t = lnob.tradeoff
    assert t["must_cover_lnob"] == n_lnob and t["must_cover_people"] == n_people
    assert t["people_people"] == pytest.approx(people.people_covered) and t["people_given_up"] >= -1e-9


@pytest.mark.parametrize("seed", [30, 31, 32])
def test_greedy_within_its_bound(seed):
    d, c = _instance(seed, n_demand=80, n_cand=12)
    g = plan_sites(d, c, budget=7, radius_km=3.5, method="greedy")
    best, _ = _brute(d, c, 7, 3.5)
    assert g.solver == "greedy" and g.spent <= 7
    assert g.people_covered <= best + 1e-9 <= g.bound + 1e-6
    assert g.people_covered >= (1 - 1 / np.e) / 2 * best
    assert g.gap >= (best - g.people_covered) / best - 1e-12
    assert g.recompute_people() == g.people_covered


def test_projected_and_geographic_inputs_give_the_same_plan():
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(105.0, 105.3, 60), rng.uniform(20.8, 21.1, 60)
    d = gpd.GeoDataFrame({"population": rng.integers(1, 100, 50).astype(float)},
                         geometry=gpd.points_from_xy(lon[:50], lat[:50]), crs="EPSG:4326")
    c = gpd.GeoDataFrame({"cost": rng.integers(1, 4, 10).astype(float)},
                         geometry=gpd.points_from_xy(lon[50:], lat[50:]), crs="EPSG:4326")
    geo = plan_sites(d, c, budget=5, radius_km=5.0)
    proj = plan_sites(d.to_crs(PROJECTED_CRS), c.to_crs(PROJECTED_CRS), budget=5, radius_km=5.0)
    mixed = plan_sites(d, c.to_crs(PROJECTED_CRS), budget=5, radius_km=5.0)
    assert list(geo.chosen.index) == list(proj.chosen.index) == list(mixed.chosen.index)
    assert geo.people_covered == proj.people_covered
    assert geo.chosen.crs == c.crs  # the rows of candidates as given
    again = plan_sites(d, c, budget=5, radius_km=5.0)
    assert list(again.chosen.index) == list(geo.chosen.index) and again.assignments.equals(geo.assignments)


def test_input_errors_name_the_problem():
    d, c = _instance(3)
    with pytest.raises(InputError, match=r"CRS mix-up.*demand.*candidates"):
        plan_sites(d.to_crs("EPSG:4326"), c.to_crs("EPSG:32648"), budget=3, radius_km=4)
    with pytest.raises(InputError, match=r"demand has no CRS[\s\S]*set_crs"):
        plan_sites(d.set_crs(None, allow_override=True), c, budget=3, radius_km=4)
    bad = c.copy()
    bad.loc["s03", "cost"] = -1.0
    with pytest.raises(InputError, match=r"'cost'[\s\S]*negative cost.*'s03'"):
        plan_sites(d, bad, budget=3, radius_km=4)
    with pytest.raises(InputError, match="budget"):
        plan_sites(d, c, budget=0, radius_km=4)
    with pytest.raises(InputError, match="budget"):
        plan_sites(d, c, budget=float("inf"), radius_km=4)
    with pytest.raises(InputError, match="radius_km"):
        plan_sites(d, c, budget=3, radius_km=-1)
    with pytest.raises(InputError, match="'pop'"):
        plan_sites(d, c, budget=3, radius_km=4, weight="pop")
    d2 = d.copy()
    d2["remote"] = ["maybe"] + ["yes"] * (len(d) - 1)
    with pytest.raises(InputError, match=r"'remote'[\s\S]*not yes/no"):
        plan_sites(d2, c, budget=3, radius_km=4, objective="leave_no_one_behind", must_cover="remote")
    d2["remote"] = 2
    with pytest.raises(InputError, match="'remote'"):
        plan_sites(d2, c, budget=3, radius_km=4, objective="leave_no_one_behind", must_cover="remote")
    with pytest.raises(InputError, match="must_cover"):
        plan_sites(d, c, budget=3, radius_km=4, objective="leave_no_one_behind")
    poly = c.copy()
    poly.loc[["s01", "s02"], "geometry"] = poly.loc[["s01", "s02"]].buffer(10)
    with pytest.raises(InputError, match=r"candidates has 2 non-point.*'s01', 's02'"):
        plan_sites(d, poly, budget=3, radius_km=4)
    empty = d.copy()
    empty.loc["d005", "geometry"] = None
    with pytest.raises(InputError, match=r"demand has 1 missing or empty.*'d005'"):
        plan_sites(empty, c, budget=3, radius_km=4)


def test_must_cover_accepts_bool_01_and_series():
    d, c = _instance(4)
    flags = pd.Series(np.arange(len(d)) % 3 == 0, index=d.index)
    d["m01"] = flags.astype(int)
    d["myn"] = np.where(flags, "Yes", "no")
    plans = [plan_sites(d, c, budget=4, radius_km=4, objective="leave_no_one_behind", must_cover=m)
             for m in (flags, "m01", "myn")]
    assert len({tuple(p.chosen.index) for p in plans}) == 1


def test_coverage_sets_is_sparse_and_matches_distances():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 1e4, (200, 2)), rng.uniform(0, 1e4, (50, 2))
    m = coverage_sets(a, b, 1500.0)
    assert m.format == "csr" and m.dtype == bool and m.shape == (200, 50)
    assert (m.toarray() == (cdist(a, b) <= 1500.0)).all()


def test_budget_curve():
    d, c = _instance(8, n_demand=60, n_cand=10)
    cur = budget_curve(d, c, [8, 2, 4, 6], radius_km=4.0, mip_gap=0.0)
    assert list(cur.columns) == ["budget", "people_covered", "spent", "n_sites", "marginal_cost_per_person",
                                 "gap", "solver"]
    assert list(cur["budget"]) == [2, 4, 6, 8]
    assert (np.diff(cur["people_covered"]) >= -1e-9).all() and (cur["spent"] <= cur["budget"] + 1e-9).all()
    for b, p in zip(cur["budget"], cur["people_covered"], strict=True):
        assert p == pytest.approx(_brute(d, c, b, 4.0)[0])
    extra = cur["people_covered"].diff().fillna(cur["people_covered"].iloc[0])
    spent = cur["spent"].diff().fillna(cur["spent"].iloc[0])
    ok = extra > 0
    assert np.allclose(cur["marginal_cost_per_person"][ok], (spent / extra)[ok])


@pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")
def test_unit_costs_match_spopt_mclp():
    pulp = pytest.importorskip("pulp")
    from spopt.locate import MCLP

    d, c = _instance(42, n_demand=300, n_cand=60, box=60_000.0, unit=True)
    dist = cdist(_xy(d), _xy(c))
    w = d["population"].to_numpy()
    for p in (5, 12):
        model = MCLP.from_cost_matrix(dist, w, service_radius=5_000.0, p_facilities=p)
        model.solve(pulp.PULP_CBC_CMD(msg=False))
        picked = [j for j, v in enumerate(model.fac_vars) if v.value() > 0.5]
        theirs = w[(dist[:, picked] <= 5_000.0).any(axis=1)].sum()
        ours = plan_sites(d, c, budget=p, cost=1.0, radius_km=5.0, mip_gap=0.0)
        assert len(ours.chosen) <= p
        assert ours.people_covered == pytest.approx(theirs)


def test_a_budget_that_does_not_bind_buys_the_cheapest_sites_for_the_same_coverage():
    """Three villages: one dear site reaches all three, three cheap sites reach one each (total cheaper)."""
    demand = gpd.GeoDataFrame({"population": [100.0, 100.0, 100.0]},
                              geometry=gpd.points_from_xy([0.0, 3000.0, 6000.0], [0, 0, 0]), crs=PROJECTED_CRS)
    candidates = gpd.GeoDataFrame({"cost": [90.0, 10.0, 10.0, 10.0]},
                                  geometry=gpd.points_from_xy([3000.0, 0.0, 3000.0, 6000.0], [0, 0, 0, 0]),
                                  crs=PROJECTED_CRS, index=["tower", "t1", "t2", "t3"])
    wide = candidates.assign(radius=[4.0, 0.5, 0.5, 0.5])
    plan = plan_sites(demand, wide, budget=1000.0, radius_km="radius")
    assert plan.people_covered == 300.0
    assert plan.spent == 30.0 and sorted(plan.chosen.index) == ["t1", "t2", "t3"]
    tight = plan_sites(demand, wide, budget=95.0, radius_km="radius")  # binding budget: people first
    assert tight.people_covered == 300.0 and tight.spent <= 95.0
