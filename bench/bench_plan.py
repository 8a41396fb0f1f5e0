"""Benchmarks of issue 15, the siting solver (run: python bench/bench_plan.py [--skip-spopt]).

Synthetic instances with a fixed seed: points in clusters (Pareto sizes) in a Vietnam-sized projected box
(650 km x 1,650 km, metres), lognormal populations.

(a) 4,000 demand x 800 candidates, unit costs, p = 40: ``plan_sites`` (HiGHS, solved to optimality like CBC)
    against spopt's ``MCLP`` solved with CBC on the same instance (time; people covered equal);
(b) 20,000 demand x 5,000 candidates, budgeted lognormal costs, budget 5 % of the total cost, radius 5 km:
    time and certified gap (targets <= 10 s, <= 0.1 %);
(c) a 20-point budget curve on (b), 1 % .. 20 % of the total cost (target <= 30 s);
(d) the greedy on (b): time, its own certified gap and its true gap against the exact plan;
(e) the national village plan (``divide.analysis.plan.plan``: the 266 modeled villages without signal, a
    50 tỷ đồng budget, candidates at the villages and on a grid, with its 20-point budget curve and a 30-draw
    Monte Carlo; target <= 10 s);
(f) a 20-point national budget curve on the village planner's model alone (target <= 30 s).

The MILPs run through ``highspy`` when it is installed (MIP starts from a greedy and from the LP support,
early stop at the certified target), else through ``scipy.optimize.milp``.

Prints a table and writes bench/results/bench_plan.json and .md. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
from _timing import timed  # bench/_timing.py (scripts run from bench/)

from divide.analysis.plan import plan
from divide.analysis.siting import budget_curve, plan_sites
from divide.analysis.siting_model import highs_available
from divide.settings import DEFAULT_SEED, PROJECTED_CRS

RESULTS = Path(__file__).resolve().parent / "results"
RADIUS_KM = 5.0


def instance(n_demand: int, n_cand: int, seed: int, unit: bool = False, n_clusters: int = 150):
    """Clustered demand and candidate points in a Vietnam-sized box (projected, metres)."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    n = n_demand + n_cand
    cx, cy = rng.uniform(-350e3, 300e3, n_clusters), rng.uniform(-850e3, 800e3, n_clusters)
    size = rng.pareto(1.2, n_clusters) + 1
    k = rng.choice(n_clusters, n, p=size / size.sum())
    spread = 15e3 * rng.uniform(0.3, 1.5, n_clusters)[k]
    x, y = cx[k] + rng.normal(0, 1, n) * spread, cy[k] + rng.normal(0, 1, n) * spread
    demand = gpd.GeoDataFrame({"population": rng.lognormal(7, 1, n_demand).round()},
                              geometry=gpd.points_from_xy(x[:n_demand], y[:n_demand]), crs=PROJECTED_CRS)
    cost = np.ones(n_cand) if unit else rng.lognormal(0, 0.5, n_cand).round(3)
    cands = gpd.GeoDataFrame({"cost": cost}, geometry=gpd.points_from_xy(x[n_demand:], y[n_demand:]),
                             crs=PROJECTED_CRS)
    return demand, cands


def spopt_mclp(demand, cands, p: int, radius_m: float) -> tuple[float, float]:
    """spopt MCLP + CBC on the same instance: seconds (build + solve) and people covered."""
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    dxy = np.column_stack([demand.geometry.x, demand.geometry.y])
    cxy = np.column_stack([cands.geometry.x, cands.geometry.y])
    w = demand["population"].to_numpy()
    start = time.perf_counter()
    dist = cdist(dxy, cxy)
    model = MCLP.from_cost_matrix(dist, w, service_radius=radius_m, p_facilities=p)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    secs = time.perf_counter() - start
    picked = [j for j, v in enumerate(model.fac_vars) if v.value() > 0.5]
    return secs, float(w[(dist[:, picked] <= radius_m).any(axis=1)].sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-spopt", action="store_true", help="leave out spopt MCLP + CBC in (a)")
    args = parser.parse_args()
    seed = DEFAULT_SEED
    rows: list[dict] = []
    out: dict = {}
    print(f"cores: {os.cpu_count()}; radius {RADIUS_KM} km; seed {seed}")

    # (a) unit costs, p = 40
    da, ca = instance(4_000, 800, seed, unit=True)
    plan_sites(da.iloc[:50], ca.iloc[:20], budget=3, radius_km=RADIUS_KM)  # imports out of the timings
    pa = timed("(a) plan_sites 4,000 x 800, unit costs, p = 40 (HiGHS)",
               lambda: plan_sites(da, ca, budget=40, cost=1.0, radius_km=RADIUS_KM, mip_gap=0.0), 3, rows)
    out["a"] = {"ours_seconds": rows[-1]["seconds"], "ours_people": pa.people_covered, "ours_gap": pa.gap,
                "nonzeros": pa.log["sizes_before"]["nonzeros"]}
    if not args.skip_spopt:
        secs, people = spopt_mclp(da, ca, 40, RADIUS_KM * 1e3)
        rows.append({"step": "(a) spopt MCLP + CBC, same instance (dense cost matrix)", "seconds": round(secs, 4),
                     "repeat": 1, "note": f"{people:,.0f} people"})
        print(f"{rows[-1]['step']:<62} {secs:8.3f} s (1 run) {people:,.0f} people")
        out["a"].update({"spopt_seconds": round(secs, 3), "spopt_people": people,
                         "equal": bool(abs(people - pa.people_covered) <= 1e-6 * max(people, 1))})
    rows[0]["note"] = f"{pa.people_covered:,.0f} people, gap {pa.gap:.2e}"

    # (b) budgeted, 20,000 x 5,000
    db, cb = instance(20_000, 5_000, seed + 1)
    total = float(cb["cost"].sum())
    budget = 0.05 * total
    pb = timed("(b) plan_sites 20,000 x 5,000, budgeted costs, 5 % budget", lambda: plan_sites(
        db, cb, budget=budget, radius_km=RADIUS_KM), 1, rows)
    rows[-1]["note"] = f"{len(pb.chosen)} sites, {pb.people_covered:,.0f} people, gap {pb.gap:.3%}"
    out["b"] = {"seconds": rows[-1]["seconds"], "people": pb.people_covered, "bound": pb.bound, "gap": pb.gap,
                "sites": len(pb.chosen), "spent": pb.spent, "budget": budget, "solver": pb.solver,
                "sizes_before": pb.log["sizes_before"], "sizes_after": pb.log["sizes_after"],
                "candidates_per_demand_point": pb.log["sizes_before"]["nonzeros"] / len(db),
                "status": pb.log["status"]}

    # (c) 20-point budget curve
    budgets = np.linspace(0.01, 0.20, 20) * total
    curve = timed("(c) budget_curve on (b), 20 budgets (1 % .. 20 % of total cost)",
                  lambda: budget_curve(db, cb, budgets, radius_km=RADIUS_KM), 1, rows)
    rows[-1]["note"] = f"max gap {curve['gap'].max():.3%}"
    out["c"] = {"seconds": rows[-1]["seconds"], "max_gap": float(curve["gap"].max()),
                "curve": curve.round(6).to_dict(orient="records")}

    # (d) greedy on (b)
    pg = timed("(d) plan_sites on (b), method='greedy'", lambda: plan_sites(
        db, cb, budget=budget, radius_km=RADIUS_KM, method="greedy"), 3, rows)
    true_gap = (pb.people_covered - pg.people_covered) / pb.people_covered
    rows[-1]["note"] = f"reported gap {pg.gap:.3%}, vs exact {true_gap:.3%}"
    out["d"] = {"seconds": rows[-1]["seconds"], "people": pg.people_covered, "bound": pg.bound,
                "reported_gap": pg.gap, "gap_vs_exact": true_gap}

    # (e) national village plan, (f) its 20-point budget curve alone
    import divide

    communes = divide.load_communes()
    plan(communes=communes, budget="1 tỷ", province="Lai Châu", mc_reps=0, curve_points=1)  # warm imports
    vp = timed("(e) national village plan (266 villages, 50 tỷ, curve + 30 MC draws)", lambda: plan(
        communes=communes, budget="50 tỷ"), 1, rows)
    rows[-1]["note"] = (f"{len(vp.interventions)} sites, {vp.people_covered:,.0f} people, "
                        f"{vp.log['candidates']} candidates; parts {vp.log['seconds']}")
    out["e"] = {"seconds": rows[-1]["seconds"], "people": vp.people_covered, "sites": len(vp.interventions),
                "spent": vp.spent, "budget_to_cover_all": vp.budget_to_cover_all, "parts": vp.log["seconds"],
                "technologies": vp.interventions["technology"].value_counts().to_dict()}
    demand_p = vp.villages.to_crs(PROJECTED_CRS)
    cands = vp.site_plan.log  # sizes only; the curve below rebuilds the model from the plan's inputs
    vb = np.linspace(vp.budget_to_cover_all / 20, vp.budget_to_cover_all, 20)
    from divide.analysis import plan as plan_module

    cand_frame = plan_module.candidate_sites(demand_p, vp.radius_km, vp.costs, vp.currency)
    vcurve = timed("(f) national village budget curve, 20 budgets", lambda: budget_curve(
        demand_p, cand_frame, vb, radius_km="radius_km", weight="population", cost="cost"), 1, rows)
    rows[-1]["note"] = f"max gap {vcurve['gap'].max():.3%}, {cands['sizes_before']['candidates']} candidates"
    out["f"] = {"seconds": rows[-1]["seconds"], "curve": vcurve.round(3).to_dict(orient="records")}

    print("\n", curve.to_string(index=False))
    RESULTS.mkdir(exist_ok=True)
    meta = {"machine": platform.machine(), "load_average": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(), "cores": os.cpu_count(),
            "seed": seed, "radius_km": RADIUS_KM, "versions": pb.log["versions"], "highspy": highs_available(),
            "note": "shared machine unless stated; best of N wall-clock seconds; synthetic clustered instances"}
    payload = {"benchmark": "bench_plan", "meta": meta, "results": rows, "cases": out}
    (RESULTS / "bench_plan.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=float) + "\n",
                                             encoding="utf-8")
    lines = ["# bench_plan", "", f"{meta}", "", "| step | seconds | note |", "|---|---:|---|"]
    lines += [f"| {r['step']} | {r['seconds']:.3f} | {r['note']} |" for r in rows]
    lines += ["", "## budget curve (c)", "", "| budget | people covered | spent | sites | marginal cost / person | gap |",
              "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.budget:.1f} | {r.people_covered:,.0f} | {r.spent:.1f} | {r.n_sites} | "
              f"{r.marginal_cost_per_person:.3g} | {r.gap:.3%} |" for r in curve.itertuples()]
    (RESULTS / "bench_plan.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / 'bench_plan.json'} and .md")


if __name__ == "__main__":
    main()
