"""Benchmarks of maps, the interactive map and exports on the national table (run: python bench/bench_maps.py).

National commune layer (3,321 communes) joined to the modeled indicators, with a synthetic index, priority
tier and type so that every layer is drawn. Prints seconds and file sizes and writes
bench/results/bench_maps.json and .md. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np

import divide
from divide.present.exports import export
from divide.present.maps import choropleth, class_breaks, map_priority
from divide.present.webmap import interactive_map

RESULTS = Path(__file__).resolve().parent / "results"


def _size(paths) -> int:
    paths = paths if isinstance(paths, list) else [paths]
    return sum(Path(p).stat().st_size for p in paths)


def main() -> None:
    communes = divide.load_communes()
    table = communes.join(divide.model_indicators(communes))
    rng = np.random.default_rng(1)
    table["divide_index"] = (100 - table["fiber_households_pct"]).round(2)
    table["infrastructure_gap"] = (100 - table["mobile_4g_pop_pct"]).round(2)
    table["usage_gap"] = (100 - table["smartphone_adults_pct"]).round(2)
    table["priority_tier"] = rng.integers(1, 6, len(table)).astype(float)
    table.loc[table["divide_index"].isna(), "priority_tier"] = np.nan
    table["type"] = rng.choice(["urban core", "lowland", "remote upland", "island"], len(table))
    table.attrs["modeled"] = True
    rows = []

    def step(name, func):
        t = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - t
        size = _size(result) if result is not None else 0
        rows.append({"step": name, "seconds": round(seconds, 2), "bytes": size})
        print(f"{name:<52} {seconds:7.2f} s {size / 1e6:8.2f} MB")
        return result

    values = table["divide_index"].to_numpy()
    step("class_breaks natural_breaks (FisherJenksSampled)", lambda: (class_breaks(values, "natural_breaks", 5), None)[1])
    step("class_breaks quantiles", lambda: (class_breaks(values, "quantiles", 5), None)[1])
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        step("choropleth national, A4, PNG 300 dpi + PDF",
             lambda: (choropleth(table, "divide_index", out=[d / "m.png", d / "m.pdf"]), [d / "m.png", d / "m.pdf"])[1])
        step("choropleth national, SVG", lambda: (choropleth(table, "divide_index", out=d / "m.svg"), d / "m.svg")[1])
        step("map_priority national, A3, PNG 300 dpi",
             lambda: (map_priority(table, paper="A3", out=d / "p.png"), d / "p.png")[1])
        step("interactive_map national (5 layers)", lambda: interactive_map(table, d / "m.html"))
        for suffix in ("gpkg", "shp", "geojson", "parquet", "csv", "xlsx"):
            step(f"export national .{suffix}", lambda s=suffix: export(table, d / f"communes.{s}"))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_maps.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    md = ["| step | seconds | MB |", "|---|---:|---:|"]
    md += [f"| {r['step']} | {r['seconds']:.2f} | {r['bytes'] / 1e6:.2f} |" for r in rows]
    (RESULTS / "bench_maps.md").write_text("\n".join(md) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
