"""Benchmarks of the divide index on the national table (run: python bench/bench_index.py [--reps N]).

Times compute_index (default and Purdue presets), index_uncertainty with 1,000
replications (the vectorised Monte Carlo), the same Monte Carlo done the COINr
way (rebuild the index once per replication; a few replications, extrapolated
to 1,000) to show why the engine vectorises, and the urban–rural gap and
inequality tables. Prints a table and writes bench/results/bench_index.json
and .md. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

import numpy as np
from _timing import timed  # bench/_timing.py (scripts run from bench/)

import divide
from divide.analysis.gaps import inequality, urban_rural_gap
from divide.analysis.index import compute_index, index_uncertainty, preset

RESULTS = Path(__file__).resolve().parent / "results"


def naive_monte_carlo(table, communes, reps: int, seed: int = 1) -> None:
    """One full compute_index per replication (COINr's approach), with random choices."""
    rng = np.random.default_rng(seed)
    base = preset("default").to_dict()
    for _ in range(reps):
        spec = json.loads(json.dumps(base))
        spec["weighting"] = "user"
        spec["normalisation"] = str(rng.choice(["goalposts", "minmax", "rank"]))
        spec["index_aggregation"] = str(rng.choice(["arithmetic", "geometric", "exponential"]))
        for p in spec["pillars"]:
            for ind in p["indicators"]:
                ind["weight"] = float(rng.uniform(0.75, 1.25))
        compute_index(table, spec, communes=communes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--naive-reps", type=int, default=20)
    args = parser.parse_args()

    communes = divide.load_communes()
    table = divide.model_indicators(communes)
    rows: list[dict] = []
    print(f"national table: {len(table):,} communes; cores: {os.cpu_count()}")
    result = timed("compute_index national (default)", lambda: compute_index(table, communes=communes), 5, rows)
    timed("compute_index national (purdue_ddi)", lambda: compute_index(table, "purdue_ddi", communes=communes),
          5, rows)
    timed("compute_index national (minmax + PCA weights)", lambda: compute_index(
        table, preset("default").copy(normalisation="minmax", weighting="pca"), communes=communes), 3, rows)
    u = timed(f"index_uncertainty national, n={args.reps:,} (vectorised)",
              lambda: index_uncertainty(table, n=args.reps, seed=1, communes=communes), 3, rows)
    t_naive = timed(f"naive Monte Carlo: compute_index x {args.naive_reps}",
                    lambda: naive_monte_carlo(table, communes, args.naive_reps), 1, rows)
    del t_naive
    per_rep = rows[-1]["seconds"] / args.naive_reps
    rows[-1]["note"] = f"= {per_rep * 1000:.0f} s per 1,000 replications (extrapolated)"
    print(f"{'':<62} naive, extrapolated to 1,000 replications: {per_rep * 1000:8.1f} s")
    merged = table.join(result.scores)
    merged.attrs = dict(table.attrs)
    measures = ["fiber_households_pct", "smartphone_adults_pct", "villages_no_signal", "infrastructure_gap",
                "usage_gap", "divide_index"]
    timed("urban_rural_gap national + province (6 measures)", lambda: [
        urban_rural_gap(merged, measures, communes=communes, by=by) for by in ("national", "province")], 3, rows)
    timed("inequality (6 measures: Gini, Theil, 2 decompositions)", lambda: [
        inequality(merged, m, communes=communes) for m in measures], 3, rows)

    print("\nsensitivity of the ranks (default spec):")
    print(u.sensitivity[["S_i", "S_Ti"]].round(3).to_string())
    width = (u.ranks["rank_p95"] - u.ranks["rank_p05"]).median()
    print(f"median 5–95 % rank interval width: {width:.0f} ranks of {int(u.ranks['rank_nominal'].max())}")

    RESULTS.mkdir(exist_ok=True)
    meta = {"machine": platform.machine(), "python": platform.python_version(), "cores": os.cpu_count(),
            "communes": len(table), "replications_run": u.log["replications"],
            "note": "shared machine unless stated; best of N wall-clock seconds"}
    payload = {"benchmark": "bench_index", "meta": meta, "results": rows,
               "sensitivity": u.sensitivity[["S_i", "S_Ti"]].round(4).reset_index().to_dict(orient="records"),
               "median_rank_interval_width": float(width)}
    (RESULTS / "bench_index.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    lines = ["# bench_index", "", f"{meta}", "", "| step | seconds | note |", "|---|---:|---|"]
    lines += [f"| {r['step']} | {r['seconds']:.3f} | {r['note']} |" for r in rows]
    (RESULTS / "bench_index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / 'bench_index.json'} and .md")


if __name__ == "__main__":
    main()
