"""Benchmarks of issue 5 on the national data (run: python bench/bench_regions.py [--skip-spopt]).

Times the commune graph (ours vs libpysal's builder), LISA with 999 permutations
(index and both pillars), the typologies (k-means and GMM over k = 2..8), our
priority regions against spopt's ``MaxPHeuristic`` on the SAME input (z-scores
of the two pillars, the same graph, the same floor of 300,000 people), and the
priority scores. Prints a table and writes bench/results/bench_regions.json and .md.

Two comparisons with spopt:

* whole country (default): spopt's national run (no province constraint, the
  DESIGN's ~60 s figure) against ours with ``by_province=False``;
* province by province (``--spopt-by-province``): spopt on each province's
  graph against our default. spopt is much slower this way (34 problems, each
  with its 99 construction iterations and simulated annealing): the run was
  stopped after 18 minutes here, so it is opt-in.

``--skip-spopt`` leaves spopt out while developing.

The index comes from ``divide.cli.regions._index_scores`` (divide.analysis.index) when
available, else from a stand-in (pillar = 100 − mean of the modeled percentages);
the JSON says which. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import timed  # bench/_timing.py (scripts run from bench/)

import divide
from divide.analysis.hotspots import (
    contiguity_graph,
    projected_centroids,
    spatial_patterns,
)
from divide.analysis.index import compute_index
from divide.analysis.priority import priority
from divide.analysis.regions import (
    priority_regions,
    province_graphs,
    region_ssd,
    standardise,
)
from divide.analysis.typology import typology

RESULTS = Path(__file__).resolve().parent / "results"
COLS = ["infrastructure_gap", "usage_gap"]


def index_table(communes: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    ind = divide.model_indicators(communes)
    scores = compute_index(ind).scores
    source = "divide.analysis.index.compute_index (default spec)"
    keep = [c for c in scores.columns if c not in ind.columns and c not in ("population", "remoteness_km",
                                                                            "province_code")]
    table = ind.join(scores[keep]).join(communes[["population", "remoteness_km", "province_code"]])
    table.attrs["modeled"] = True
    return table, source


def spopt_by_province(table: pd.DataFrame, communes: pd.DataFrame, w, floor: float, seed: int):
    """spopt MaxPHeuristic on each province with our within-province graph and z-scores; labels and p."""
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    valid = table[COLS].notna().all(axis=1)
    t = table[valid]
    ids = list(t.index)
    z = standardise(t[COLS])
    prov = t["province_code"].to_numpy()
    nbrs, _ = province_graphs(w, ids, prov, projected_centroids(communes.loc[ids]))
    labels = np.empty(len(ids), dtype=object)
    for p in sorted(set(prov)):
        sel = np.flatnonzero(prov == p)
        pos = {int(g): i for i, g in enumerate(sel)}
        wi = W({i: [pos[int(j)] for j in nbrs[g]] for i, g in enumerate(sel)}, silence_warnings=True)
        frame = pd.DataFrame(z.to_numpy()[sel], columns=COLS)
        frame["population"] = t["population"].to_numpy()[sel]
        if frame["population"].sum() < floor or len(sel) == 1:
            lab = np.zeros(len(sel), dtype=int)
        else:
            np.random.seed(seed)
            random.seed(seed)
            model = MaxPHeuristic(frame, wi, COLS, "population", floor)
            model.solve()
            lab = np.asarray(model.labels_)
        labels[sel] = [f"{p}-{v}" for v in lab]
    return pd.Series(labels, index=ids), z


def spopt_national(table: pd.DataFrame, w, floor: float, seed: int):
    """spopt MaxPHeuristic on the whole country (no province constraint): the DESIGN's ~60 s run."""
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    t = table[table[COLS].notna().all(axis=1)]
    ids = list(t.index)
    pos = {u: i for i, u in enumerate(ids)}
    wi = W({pos[u]: [pos[v] for v in w.neighbors[u] if v in pos] for u in ids}, silence_warnings=True)
    z = standardise(t[COLS])
    frame = pd.DataFrame(z.to_numpy(), columns=COLS)
    frame["population"] = t["population"].to_numpy()
    np.random.seed(seed)
    random.seed(seed)
    model = MaxPHeuristic(frame, wi, COLS, "population", floor)
    model.solve()
    return pd.Series(np.asarray(model.labels_).astype(str), index=ids), z


def _compare(name: str, labels: pd.Series, z: pd.DataFrame, table: pd.DataFrame, secs: float) -> dict:
    ssd = region_ssd(z.loc[labels.index].to_numpy(), labels.to_numpy())
    pops = table.loc[labels.index, "population"].groupby(labels).sum()
    print(f"{name:<62} {secs:8.3f} s (1 run) {labels.nunique()} regions, SSD {ssd:.2f}")
    return {"regions": int(labels.nunique()), "ssd": round(ssd, 4), "seconds": round(secs, 2),
            "min_population": float(pops.min())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-spopt", action="store_true", help="leave out spopt's MaxPHeuristic (~1 min)")
    parser.add_argument("--spopt-by-province", action="store_true",
                        help="also run spopt province by province (same input as our default; >20 min here)")
    parser.add_argument("--floor", type=float, default=300_000)
    args = parser.parse_args()
    seed = divide.settings.DEFAULT_SEED if hasattr(divide, "settings") else 20250701

    communes = divide.load_communes()
    table, source = index_table(communes)
    rows: list[dict] = []
    print(f"national table: {len(table):,} communes; cores: {os.cpu_count()}; index: {source}")
    contiguity_graph(communes.iloc[:20])  # imports out of the timings

    from libpysal.graph import Graph

    timed("libpysal Graph.build_contiguity (queen, vertex rule)",
          lambda: Graph.build_contiguity(communes.geometry.reset_index(drop=True), rook=False, strict=False), 3, rows)
    w = timed("contiguity_graph (vectorised vertex rule + islands + components)",
              lambda: contiguity_graph(communes), 3, rows)
    valid = table["divide_index"].notna()
    w_valid = contiguity_graph(communes[valid.to_numpy()])
    patterns = timed("spatial_patterns: Moran + LISA, 3 columns x 999 permutations",
                     lambda: spatial_patterns(table, communes=communes, w=w_valid, seed=seed), 3, rows)
    km = timed("typology k-means, k = 2..8 by silhouette", lambda: typology(table, seed=seed), 3, rows)
    gm = timed("typology GMM, k = 2..8 by BIC", lambda: typology(table, method="gmm", seed=seed), 3, rows)
    ours = timed(f"priority_regions national, floor {args.floor:,.0f} (graph given)",
                 lambda: priority_regions(table, communes=communes, w=w_valid, min_population=args.floor, seed=seed),
                 3, rows)
    timed(f"priority_regions national, floor {args.floor:,.0f} (graph built)",
          lambda: priority_regions(table, communes=communes, min_population=args.floor, seed=seed), 3, rows)
    pri = timed("priority national (scores, tiers, ranks)", lambda: priority(table, communes=communes), 3, rows)

    comparison = {"ours, within provinces": {
        "regions": len(ours.summary), "ssd": round(ours.ssd, 4), "seconds": rows[-3]["seconds"],
        "min_population": float(ours.summary["population"].min())}}
    nat = timed(f"priority_regions national, floor {args.floor:,.0f}, no province constraint",
                lambda: priority_regions(table, communes=communes, w=w_valid, min_population=args.floor, seed=seed,
                                         by_province=False), 3, rows)
    comparison["ours, whole country"] = {"regions": len(nat.summary), "ssd": round(nat.ssd, 4),
                                         "seconds": rows[-1]["seconds"],
                                         "min_population": float(nat.summary["population"].min())}
    if not args.skip_spopt:
        start = time.perf_counter()
        labels, z = spopt_national(table, w_valid, args.floor, seed)
        secs = time.perf_counter() - start
        comparison["spopt MaxPHeuristic, whole country"] = _compare(
            "spopt MaxPHeuristic, same input, whole country", labels, z, table, secs)
        rows.append({"step": "spopt MaxPHeuristic, same input, whole country", "seconds": round(secs, 2),
                     "repeat": 1, "note": f"{labels.nunique()} regions"})
    if args.spopt_by_province:
        start = time.perf_counter()
        labels, z = spopt_by_province(table, communes, w_valid, args.floor, seed)
        secs = time.perf_counter() - start
        comparison["spopt MaxPHeuristic, within provinces"] = _compare(
            "spopt MaxPHeuristic, same input, province by province", labels, z, table, secs)
        rows.append({"step": "spopt MaxPHeuristic, same input, province by province", "seconds": round(secs, 2),
                     "repeat": 1, "note": f"{labels.nunique()} regions"})
    print("\nregions (SSD = within-region sum of squared deviations of the z-scored pillars; lower = more homogeneous)")
    for name, c in comparison.items():
        print(f"  {name:<36} {c['regions']:>4} regions  SSD {c['ssd']:10.2f}  {c['seconds']:7.2f} s  "
              f"smallest region {c['min_population']:,.0f} people")
    g = patterns.global_
    print("\nGlobal Moran's I:", {k: round(v, 3) for k, v in g["moran_i"].items()})
    print(f"typology: k-means k = {km.k} ({', '.join(km.profiles['type'])}); GMM k = {gm.k}")
    print("tiers:", pri["priority_tier"].value_counts().sort_index().to_dict())

    RESULTS.mkdir(exist_ok=True)
    meta = {"machine": platform.machine(), "python": platform.python_version(), "cores": os.cpu_count(),
            "communes": len(table), "index": source, "floor": args.floor, "seed": seed,
            "note": "shared machine unless stated; best of N wall-clock seconds; modeled data"}
    payload = {"benchmark": "bench_regions", "meta": meta, "results": rows, "regions_comparison": comparison,
               "moran_i": {k: round(float(v), 4) for k, v in g["moran_i"].items()},
               "typology": {"kmeans_k": km.k, "kmeans_types": list(km.profiles["type"]), "gmm_k": gm.k},
               "graph": {"islands": len(w.attrs["islands"]), "components_before": w.attrs["components_before"],
                         "component_links": len(w.attrs["component_links"])}}
    (RESULTS / "bench_regions.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    lines = ["# bench_regions", "", f"{meta}", "", "| step | seconds | note |", "|---|---:|---|"]
    lines += [f"| {r['step']} | {r['seconds']:.3f} | {r['note']} |" for r in rows]
    lines += ["", "| method | regions | SSD | seconds | smallest region |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {k} | {c['regions']} | {c['ssd']:.2f} | {c['seconds']:.2f} | {c['min_population']:,.0f} |"
              for k, c in comparison.items()]
    (RESULTS / "bench_regions.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / 'bench_regions.json'} and .md")


if __name__ == "__main__":
    main()
