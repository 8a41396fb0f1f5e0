"""Benchmark of the main job, `divide atlas`, national and one province (run: python bench/bench_atlas.py).

Times :func:`divide.run_atlas` end to end (analysis with 1,000 Monte Carlo replications, maps, interactive
map, exports, brief, manifest) and reports its own per-step timings. Writes ``bench/results/atlas.json``
and ``atlas.md``. Not a test: timings depend on the machine (the target is about 30 s or less nationally
on 2 cores).
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from datetime import datetime
from pathlib import Path

import divide

RESULTS = Path(__file__).resolve().parent / "results"


def run(label: str, **kwargs) -> dict:
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        result = divide.run_atlas(Path(d) / "atlas", **kwargs)
        seconds = time.perf_counter() - t
        sizes = {p.name: p.stat().st_size for p in result.files}
    print(f"{label:<40} {seconds:7.2f} s  ({len(result.files)} files)")
    for step, s in result.timings.items():
        print(f"    {step:<36} {s:7.2f} s")
    return {"label": label, "seconds": round(seconds, 2), "steps": result.timings, "sizes": sizes}


def main() -> None:
    divide.load_communes()  # first-call imports and file cache, as after installation
    rows = [run("run_atlas national (1,000 reps)"), run("run_atlas Lai Châu (1,000 reps)", province="Lai Châu")]
    RESULTS.mkdir(exist_ok=True)
    meta = {"date": datetime.now().isoformat(timespec="minutes"), "cpus": os.cpu_count(),
            "python": platform.python_version()}
    (RESULTS / "atlas.json").write_text(json.dumps({"meta": meta, "runs": rows}, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    lines = ["# divide atlas: benchmark", "", f"{meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}.", "",
             "| run | seconds | slowest steps |", "|---|---:|---|"]
    for r in rows:
        slow = sorted(r["steps"].items(), key=lambda kv: -kv[1])[:4]
        lines.append(f"| {r['label']} | {r['seconds']:.1f} | " + ", ".join(f"{k} {v:.1f} s" for k, v in slow) + " |")
    (RESULTS / "atlas.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
