"""Benchmarks of the foundation steps on the national data (run: python bench/bench_foundation.py).

Prints wall-clock seconds for each step; the README's performance table records them.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _timing import timed  # bench/_timing.py (scripts run from bench/)

import divide
from divide import build


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
