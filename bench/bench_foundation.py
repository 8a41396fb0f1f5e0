"""Benchmarks of the foundation steps on the national data (run: python bench/bench_foundation.py).

Prints wall-clock seconds for each step; the README's performance table records them.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import divide
from divide import build


def timed(label: str, func, repeat: int = 3):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<58} {best:7.2f} s (best of {repeat})")
    return result


def main() -> None:
    timed("build_communes (zonal sums, degurba, contiguity)", lambda: build.build_communes(), repeat=1)
    communes = timed("load_communes() national", divide.load_communes)
    timed("load_communes('Lai Châu')", lambda: divide.load_communes("Lai Châu"))
    with tempfile.TemporaryDirectory() as d:
        timed("run_atlas national", lambda: divide.run_atlas(Path(d) / "atlas"), repeat=1)
    table = divide.model_indicators(communes)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "ind.csv"
        table.drop(columns="source").to_csv(path)
        timed("validate national indicator table (3,321 rows)", lambda: divide.validate(path))
    timed("model_indicators national", lambda: divide.model_indicators(communes))


if __name__ == "__main__":
    main()
