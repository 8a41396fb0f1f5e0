"""The ``divide export`` sub-command: the commune table as GIS layer or spreadsheet.

Formats by suffix: .gpkg, .shp (+ .cpg and a field dictionary), .geojson
(RFC 7946), .parquet (GeoParquet), .csv (UTF-8 with BOM), .xlsx (data and
sources sheets). The table comes from :func:`divide.cli.options.analysis_table`.
A ``manifest.json`` is written beside the output.

Examples
--------
>>> import argparse
>>> from divide.cli.export import add_parser
>>> parser = argparse.ArgumentParser(prog="divide")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> parser.parse_args(["export", "--province", "12", "--out", "lc.gpkg"]).out.suffix
'.gpkg'
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from divide.cli import options
from divide.cli.options import add_indicators, add_province, say

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` sub-command to an argparse sub-parser collection."""
    p = subparsers.add_parser(
        "export",
        help="write the commune table as GeoPackage, Shapefile, GeoJSON, GeoParquet, CSV or XLSX",
        description=(
            "Write the commune table (indicators and, when available, the index, tiers, types and priority) for "
            "GIS or spreadsheets. The format follows the suffix of --out. Writes are atomic and never overwrite "
            "the input."
        ),
    )
    add_indicators(p)
    add_province(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE",
                   help="output: .gpkg, .shp, .geojson, .parquet, .csv or .xlsx")
    p.add_argument("--no-manifest", action="store_true", help="do not write manifest.json beside the output")
    p.set_defaults(handler=run, out_sidecars=("{stem}.shx", "{stem}.dbf", "{stem}.prj", "{stem}.cpg", "{stem}_fields.csv", "manifest.json"))
    return p


def run(args: argparse.Namespace) -> int:
    """Export the table asked for; return the exit code (0 ok; errors raise :class:`~divide.DivideError`)."""
    from divide._errors import InputError
    from divide.present.exports import FORMATS, export
    from divide.provenance import is_modeled, write_manifest

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        raise InputError(f"cannot export as {out.suffix or 'a file without suffix'!r}", path=out, where="--out",
                         fix="use .gpkg, .shp, .geojson, .parquet, .csv or .xlsx")
    inputs = [args.indicators] if args.indicators is not None else []
    table = options.analysis_table(args.indicators, args.province)
    written = export(table, out, inputs=inputs)
    files = written if isinstance(written, list) else [written]
    if not args.no_manifest:
        files.append(write_manifest(
            out.parent, command="export", inputs=inputs, outputs=list(files),
            parameters={"province": args.province, "format": out.suffix.lower().lstrip("."),
                        "indicators": str(args.indicators) if args.indicators else "modeled"},
            modeled_inputs=["modeled indicators (divide.model_indicators)"] if is_modeled(table) else [],
        ))
    say(args, f"wrote {len(table):,} communes to {out}" + (f" (+ {len(files) - 1} more files)" if len(files) > 1 else ""))
    return 0
