"""Benchmark of issue 16 (run: python bench/bench_progress.py).

``divide.progress`` on 5 vintages × 3,321 communes × 9 indicators, the first keyed by the 10,035
pre-2025 communes (so the crosswalk runs inside the timing), with the registry targets, the index on
frozen goalposts, the gap by year and its decomposition. The vintages are built once beforehand (the
modeled generator is not what is timed). Also: the GeoPackage store (add 4 vintages, read them back).
Writes bench/results/bench_progress.json and .md. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
from _timing import timed  # bench/_timing.py (scripts run from bench/)

import divide
from divide.analysis.progress import progress
from divide.indicators.store import open_store
from divide.modeled.vintages import model_vintages

RESULTS = Path(__file__).resolve().parent / "results"
BUDGET = 2.0


def main() -> None:
    communes = divide.load_communes()
    t = time.perf_counter()
    vintages = model_vintages()
    build = time.perf_counter() - t
    print(f"modeled vintages built in {build:.2f} s (not timed below)")
    progress(vintages, communes=communes)  # warm-up: imports, caches of the reference tables
    rows: list[dict] = []
    result = timed("progress: 5 vintages x 3,321 communes x 9 indicators (2020 pre-2025)",
                   lambda: progress(vintages, communes=communes), repeat=5, rows=rows)
    ch = result.gap_changes
    residual = float(np.abs(ch["within_urban"] + ch["within_rural"] + ch["population_shift"] - ch["change"]).max())
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "v.gpkg")
        later = {y: v for y, v in vintages.items() if y != min(vintages)}

        def add_all():
            for year, table in later.items():
                store.add(table, year, replace=True)

        timed("GeoPackage store: add 4 vintages (replace)", add_all, repeat=3, rows=rows)
        timed("GeoPackage store: read 4 vintages back", store.vintages, repeat=3, rows=rows)
        store.dispose()
    best = rows[0]["seconds"]
    doc = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "shape": {"vintages": len(vintages), "communes": len(communes),
                  "indicators": len([c for c in vintages[2024].columns if c not in ("source", "population")]),
                  "pre2025_rows": len(vintages[min(vintages)])},
        "rows": rows, "budget_seconds": BUDGET, "within_budget": best <= BUDGET,
        "modeled_build_seconds": round(build, 2), "decomposition_max_residual": residual,
        "national_status": result.national.set_index("indicator")["status"].to_dict(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_progress.json").write_text(json.dumps(doc, indent=2) + "\n")
    lines = ["# bench_progress", "", f"Machine: {doc['machine']['platform']}, {doc['machine']['cpus']} CPUs "
             "(shared), Python " + doc["machine"]["python"], "",
             f"Shape: {doc['shape']}", "", "| step | best (s) | runs |", "| --- | ---: | ---: |"]
    lines += [f"| {r['step']} | {r['seconds']:.3f} | {r['repeat']} |" for r in rows]
    lines += ["", f"Budget {BUDGET:.1f} s for the progress run: {'met' if doc['within_budget'] else 'NOT met'}.",
              f"Gap decomposition: parts minus change, largest residual {residual:.2e}.",
              f"Building the modeled vintages (not timed above): {build:.2f} s.", ""]
    (RESULTS / "bench_progress.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
