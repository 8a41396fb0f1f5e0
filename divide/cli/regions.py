"""The ``divide regions`` sub-command: where to act (hot spots, types, priority regions, tiers).

``divide regions [--indicators FILE] [--province X] [--min-population N] [--out FILE] [--seed N]``

Runs the analysis pipeline (:func:`divide.analyse`: the divide index, then
:func:`divide.analysis.hotspots.spatial_patterns` (LISA of the index),
:func:`divide.analysis.typology.typology`, :func:`divide.analysis.regions.priority_regions` and
:func:`divide.analysis.priority.priority`) on the shipped modeled indicators or the
user's table (validated first), and prints the region summary. Hot spots,
types and tiers are computed on the whole table, so a province keeps its
national meaning. With
``--out`` it writes the commune table (region id, LISA label, type, priority
score, tier and rank) as CSV, GeoPackage or XLSX, the region summary beside
it (GeoPackage: layer ``regions`` with the regions' dissolved geometry;
CSV/XLSX: ``<name>_regions.<ext>``) and a ``manifest.json``.

Exit codes: 0 success, 1 the user's table failed validation, 2 the input or
the command could not be used.

Examples
--------
>>> import argparse
>>> from divide.cli.regions import add_parser
>>> parser = argparse.ArgumentParser(prog="divide")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["regions", "--province", "Lai Châu", "--min-population", "100.000"])
>>> args.min_population, args.province
(100000, 'Lai Châu')
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from divide.cli.options import add_indicators, add_province, number, say

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["add_parser", "run"]

_SUFFIXES = (".csv", ".gpkg", ".xlsx")
_INDEX_COLUMNS = ("divide_index", "infrastructure_gap", "usage_gap")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``regions`` sub-command to an argparse sub-parser collection."""
    p = subparsers.add_parser(
        "regions",
        help="where to act: contiguous priority regions, hot spots, commune types and priority tiers",
        description=(
            "Group the communes of each province into contiguous regions above a population floor that are "
            "homogeneous in their divide profile, and give every commune its LISA label (hot spots), type, "
            "priority score (0-100), tier (1 = act first) and rank."
        ),
    )
    add_indicators(p)
    add_province(p)
    p.add_argument("--min-population", type=number(integer=True, minimum=1), default=300_000, metavar="N",
                   help="population floor of every region (default 300000)")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write the commune table: .csv, .gpkg or .xlsx (with the region summary beside it)")
    p.add_argument("--seed", type=number(integer=True, minimum=0), default=None,
                   help="seed of the permutations and the clustering (default 20250701)")
    p.set_defaults(handler=run)
    return p


def _write(table: pd.DataFrame, regions: pd.DataFrame, out: Path) -> list[Path]:
    """Write the commune table and the region summary; return the files written."""
    from divide.present.exports import export

    written: list[Path] = []
    if out.suffix.lower() == ".gpkg":
        first = export(table, out, layer="communes")
        written.append(Path(first) if not isinstance(first, list) else Path(first[0]))
        export(regions, out, layer="regions")
    else:
        first = export(table, out)
        written.append(Path(first) if not isinstance(first, list) else Path(first[0]))
        side = out.with_name(f"{out.stem}_regions{out.suffix}")
        export(regions.drop(columns="geometry", errors="ignore"), side)
        written.append(side)
    return written


def run(args: argparse.Namespace) -> int:
    """Run ``divide regions``; return the exit code."""
    import pandas as pd

    from divide import settings
    from divide._errors import InputError

    seed = settings.DEFAULT_SEED if args.seed is None else args.seed
    if args.out is not None and args.out.suffix.lower() not in _SUFFIXES:
        raise InputError(f"unsupported output format {args.out.suffix!r}", path=args.out,
                         fix="use a .csv, .gpkg or .xlsx file name")
    from divide.analysis.pipeline import analyse

    inputs: list[Path] = [args.indicators] if args.indicators is not None else []
    analysis = analyse(args.indicators, args.province, seed=seed, uncertainty_reps=0,
                       min_population=args.min_population)
    table = communes = analysis.communes
    patterns, types, regions = (analysis.results[k] for k in ("spatial", "typology", "regions"))
    modeled = bool(table.attrs.get("modeled"))
    summary = regions.summary.loc[regions.summary.index.isin(table["region_id"].dropna().unique())]
    with pd.option_context("display.width", 200, "display.max_rows", 60):
        print(summary.drop(columns=["ssd"]).to_string(float_format=lambda v: f"{v:,.1f}"))
    g = patterns.global_.loc["divide_index"]
    tiers = table["priority_tier"].value_counts().sort_index()
    print(f"\n{len(summary)} region(s), floor {args.min_population:,.0f} people, total SSD {regions.ssd:.2f}")
    for prov, why in regions.report["fallbacks"].items():
        print(f"  province {prov}: {why}")
    print(f"Moran's I of the index {g['moran_i']:.3f} (p = {g['p']:.3f}), over all communes analysed; "
          f"hot spots (HH) here: {int((table['divide_index_lisa'] == 'HH').sum())}")
    print(f"{types.k} commune types: " + ", ".join(types.profiles["type"]))
    print("tiers: " + ", ".join(f"{int(t)}: {int(n)}" for t, n in tiers.items()))
    if modeled:
        from divide.provenance import LABEL

        print(LABEL)
    if args.out is not None:
        from divide.provenance import write_manifest

        out = args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        cols = [c for c in ("commune_name", "province_code", "province_name", "population", "divide_index",
                            "infrastructure_gap", "usage_gap", "divide_index_lisa", "divide_index_lisa_p", "type_id",
                            "type", "type_vi", "region_id", "priority_score", "priority_tier", "priority_rank",
                            "need_contribution", "reach_contribution", "ease_contribution", "centroid_lon",
                            "centroid_lat") if c in table.columns]
        commune_table = table[cols]
        region_table = summary
        if out.suffix.lower() == ".gpkg":
            import geopandas as gpd

            commune_table = gpd.GeoDataFrame(commune_table, geometry=communes.geometry.reindex(table.index),
                                             crs=communes.crs)
            shapes = gpd.GeoDataFrame({"region_id": table["region_id"]}, geometry=communes.geometry,
                                      crs=communes.crs).dropna(subset=["region_id"]).dissolve("region_id")
            region_table = gpd.GeoDataFrame(summary.join(shapes), geometry="geometry", crs=communes.crs)
        commune_table.attrs["modeled"] = modeled
        region_table.attrs["modeled"] = modeled
        written = _write(commune_table, region_table, out)
        manifest = write_manifest(
            out.parent, command="divide regions", inputs=inputs, outputs=written,
            parameters={"province": args.province, "min_population": args.min_population, "seed": seed,
                        "indicators": str(args.indicators) if args.indicators else "modeled (shipped)"},
            notes=([LABEL] if modeled else []) + [regions.report["parameters"]["standardisation"]],
        )
        say(args, f"wrote {', '.join(str(p) for p in written)} and {manifest.name}")
    return 0
