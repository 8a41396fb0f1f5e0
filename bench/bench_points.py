"""Benchmark of the raw-layer paths (run: python bench/bench_points.py [--sizes 1000000 10000000]).

For each size: modeled speed tests (points, population-weighted, 0.5 % at sea /
abroad) are assigned to the 3,321 communes and aggregated with
``divide.aggregate_points`` (cold: grid built; warm: grid cached), and with a
plain ``geopandas.sjoin(predicate="intersects")`` plus the smallest-code rule;
the two assignments are compared point by point. Peak memory: ``tracemalloc``
peak of the aggregation (numpy buffers; the input layer excluded) and the
process's maximum resident set (``resource.getrusage``) after each step.
Also: the exact step alone (``STRtree.query(predicate="intersects")`` vs the
bounding-box query + prepared ``intersects_xy`` used here), the dask engine
on a 2-worker local cluster (first size only), and ``coverage_from_sites``
nationally on the modeled sites.

Writes ``bench/results/points.json`` and ``bench/results/points.md``. Not a
test: timings depend on the machine (and on who else is using it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

import divide
from divide.raw import grid as G
from divide.raw import points as P

RESULTS = Path(__file__).resolve().parent / "results"
HOW = {"download_mbps": ["median", "mean"], "tests": "sum"}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(func):
    t = time.perf_counter()
    out = func()
    return out, time.perf_counter() - t


def sjoin_assign(points, communes):
    import geopandas as gpd

    j = gpd.sjoin(points[["geometry"]], communes[["geometry"]], predicate="intersects", how="left")
    j = j.rename_axis("pid").reset_index().sort_values(["pid", "commune_code"], na_position="last")
    j = j.drop_duplicates("pid").set_index("pid")
    return j["commune_code"].reindex(points.index)


def same_assignment(fast, ref) -> tuple[bool, int]:
    a = fast.cat.codes.to_numpy()
    cats = fast.cat.categories
    pos = cats.get_indexer(ref.astype(object).where(ref.notna(), None).to_numpy())
    diff = int((a != pos).sum())
    return diff == 0, diff


def bench_size(n: int, communes, rows: list[dict], with_dask: bool) -> None:
    from divide.modeled.raw_layers import model_speed_tests

    tests, t_gen = timed(lambda: model_speed_tests(n, communes))
    rows.append({"step": f"model_speed_tests ({n:,} points)", "n": n, "seconds": round(t_gen, 2)})
    G.GRID_CACHE.clear()
    table, t_cold = timed(lambda: P.aggregate_points(tests, communes, how=HOW))
    rep = table.attrs["points_report"]
    rows.append({"step": "aggregate_points, cold (grid built)", "n": n, "seconds": round(t_cold, 2),
                 "resolution_deg": rep["resolution"], "exact_share": round(rep["n_exact"] / n, 4),
                 "outside": rep["n_outside"], "rss_mb": round(rss_mb())})
    _, t_warm = timed(lambda: P.aggregate_points(tests, communes, how=HOW))
    rows.append({"step": "aggregate_points, warm (grid cached)", "n": n, "seconds": round(t_warm, 2)})
    tracemalloc.start()
    P.aggregate_points(tests, communes, how=HOW)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows[-1]["tracemalloc_peak_mb"] = round(peak)
    fast, t_assign = timed(lambda: P.assign_points(tests, communes))
    rows.append({"step": "assign_points, warm", "n": n, "seconds": round(t_assign, 2)})
    ref, t_sjoin = timed(lambda: sjoin_assign(tests, communes))
    same, diff = same_assignment(fast, ref)
    rows.append({"step": "geopandas.sjoin + smallest-code rule", "n": n, "seconds": round(t_sjoin, 2),
                 "identical": same, "differences": diff, "rss_mb": round(rss_mb()),
                 "speedup_cold": round(t_sjoin / t_cold, 1), "speedup_warm": round(t_sjoin / t_warm, 1)})
    print_row(rows[-1])
    if with_dask:
        bench_exact_step(tests, communes, rows)
        bench_dask(tests, communes, table, rows)
    tests = ref = fast = None  # free the memory before the next size


def bench_exact_step(tests, communes, rows) -> None:
    import shapely

    codes, geoms, _ = G.commune_geometries(communes)
    grid = G.commune_grid(codes, geoms, G.FINE_RESOLUTION)
    x, y, _ = P.check_points(tests)
    col = np.floor((x - grid.ox) / grid.resolution).astype(int)
    row = np.floor((grid.oy - y) / grid.resolution).astype(int)
    ok = (col >= 0) & (col < grid.width) & (row >= 0) & (row < grid.height)
    sel = np.flatnonzero(ok)[grid.grid[row[ok], col[ok]] == -1][:300_000]
    pts = shapely.points(x[sel], y[sel])
    _, t_pred = timed(lambda: grid.tree.query(pts, predicate="intersects"))
    sub = G.CommuneGrid.__new__(G.CommuneGrid)
    sub.__dict__.update(grid.__dict__)
    sub.grid = np.full((1, 1), -1, dtype=grid.grid.dtype)
    sub.ox, sub.oy, sub.width, sub.height, sub.resolution = -180.0, 90.0, 1, 1, 360.0
    _, t_xy = timed(lambda: sub.lookup(x[sel], y[sel]))
    rows.append({"step": f"exact step on {len(sel):,} boundary-cell points: STRtree.query(predicate)",
                 "n": len(sel), "seconds": round(t_pred, 2)})
    rows.append({"step": "  same points: bbox query + prepared intersects_xy (used)", "n": len(sel),
                 "seconds": round(t_xy, 2), "speedup": round(t_pred / t_xy, 1)})


def bench_dask(tests, communes, table, rows) -> None:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    client = Client(cluster)
    try:
        out, t = timed(lambda: P.aggregate_points(tests, communes, how=HOW, engine="dask", client=client))
        equal = bool(out[["points", "download_mbps_median"]].equals(table[["points", "download_mbps_median"]]))
        close = bool(np.allclose(out.to_numpy(dtype=float), table.to_numpy(dtype=float), rtol=1e-12, equal_nan=True))
        rows.append({"step": "aggregate_points engine='dask' (LocalCluster 2x1, incl. sending data)",
                     "n": len(tests), "seconds": round(t, 2), "identical": equal and close})
    finally:
        client.close()
        cluster.close()


def bench_coverage(communes, rows) -> None:
    from divide.modeled.raw_layers import model_sites
    from divide.raw.coverage import coverage_from_sites

    sites, t_sites = timed(lambda: model_sites(communes))
    rows.append({"step": f"model_sites national ({len(sites):,} sites)", "n": len(sites), "seconds": round(t_sites, 2)})
    _, t_cov = timed(lambda: coverage_from_sites(sites, communes))
    rows.append({"step": "coverage_from_sites national (3,321 communes)", "n": len(sites), "seconds": round(t_cov, 2)})


def print_row(row: dict) -> None:
    extra = {k: v for k, v in row.items() if k not in ("step", "seconds", "n")}
    print(f"{row['step']:<72} {row['seconds']:8.2f} s  {extra if extra else ''}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--no-coverage", action="store_true")
    args = parser.parse_args()
    communes = divide.load_communes()
    rows: list[dict] = []
    for i, n in enumerate(args.sizes):
        bench_size(n, communes, rows, with_dask=(i == 0))
    if not args.no_coverage:
        bench_coverage(communes, rows)
    for r in rows:
        print_row(r)
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": platform.platform(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "note": "shared machine (several engineers on 2 cores)",
            "load_average": os.getloadavg()}
    (RESULTS / "points.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2), encoding="utf-8")
    lines = ["# Raw layers to communes: benchmark", "",
             f"{meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}; {meta['note']}.", "",
             "| step | points | seconds | notes |", "|---|---:|---:|---|"]
    for r in rows:
        notes = ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("step", "n", "seconds"))
        lines.append(f"| {r['step']} | {r['n']:,} | {r['seconds']:.2f} | {notes} |")
    (RESULTS / "points.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'points.json'} and {RESULTS / 'points.md'}")


if __name__ == "__main__":
    main()
