"""The ``divide index`` sub-command: score a commune indicator table with the divide index.

``divide index FILE --out FILE [--spec YAML | --preset NAME] [--province NAME]
[--uncertainty N] [--seed N] [--columns MAPPING] [--sheet S] [--layer L]
[--convert-fractions]``

The file is validated first (:func:`divide.validate`); a failed validation
prints the report and exits with 1. The index is computed on every commune
of the file (so ranks and min–max bounds are those of the whole table);
``--province`` keeps one province's rows in the output. The output format
follows the suffix of ``--out``: ``.csv`` (UTF-8 with BOM, opens in Excel),
``.xlsx`` or ``.gpkg`` (with the commune polygons). Next to it,
``<out>.log.json`` records the spec, parameters, package versions and input
checksum (:func:`divide.analysis.index.recompute` replays it), and the rank
intervals' sensitivity indices when ``--uncertainty`` is given.

Exit codes: 0 written, 1 the file failed validation, 2 the file, spec or
command cannot be used.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="divide")
>>> p = add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["index", "in.csv", "--out", "scores.csv", "--preset", "purdue_ddi"])
>>> args.preset, str(args.out), args.uncertainty
('purdue_ddi', 'scores.csv', 0)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from divide._errors import InputError
from divide.cli.options import number, progress_printer, say

__all__ = ["add_parser", "run", "write_scores", "OUTPUT_SUFFIXES"]

#: Output formats by suffix.
OUTPUT_SUFFIXES = (".csv", ".xlsx", ".gpkg")

_CONTEXT = ["commune_name", "province_code", "province_name", "urban_rural"]


def log_path(out: Path) -> Path:
    """The log file written next to ``out`` (``scores.csv`` → ``scores.csv.log.json``).

    Examples
    --------
    >>> log_path(Path("out/scores.csv")).as_posix()
    'out/scores.csv.log.json'
    """
    return out.with_name(out.name + ".log.json")


def write_scores(frame: Any, out: Path, *, geometry: Any = None, layer: str = "divide_index") -> Path:
    """Write the scores by suffix: CSV (UTF-8 with BOM), XLSX or GeoPackage (needs ``geometry``)."""
    import pandas as pd

    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(out, encoding="utf-8-sig", lineterminator="\n")
    elif suffix == ".xlsx":
        flat = frame.copy()
        for c in flat.columns:  # openpyxl writes pandas NA poorly: use empty cells
            if isinstance(flat[c].dtype, pd.api.extensions.ExtensionDtype) and flat[c].dtype.kind in "iuf":
                flat[c] = flat[c].astype("float64")
        flat.to_excel(out, sheet_name=layer[:31])
    elif suffix == ".gpkg":
        import geopandas as gpd

        if geometry is None:
            raise InputError("a GeoPackage needs the commune polygons", path=out, fix="write .csv or .xlsx")
        gdf = gpd.GeoDataFrame(frame.copy(), geometry=geometry.reindex(frame.index), crs=geometry.crs)
        for c in gdf.columns:
            if c != "geometry" and str(gdf[c].dtype) == "Int64":
                gdf[c] = gdf[c].astype("float64")
        gdf.reset_index().to_file(out, layer=layer, driver="GPKG", engine="pyogrio")
    else:
        raise InputError(f"unknown output format {out.suffix!r}", path=out,
                         fix=f"end --out with one of {', '.join(OUTPUT_SUFFIXES)}")
    return out


def _resolve_spec(args: argparse.Namespace) -> Any:
    from divide.analysis.index import IndexSpec, preset

    if args.spec and args.preset:
        raise InputError("give --spec or --preset, not both", fix="drop one of them")
    if args.spec:
        return IndexSpec.from_yaml(Path(args.spec))
    return preset(args.preset or "default")


def run(args: argparse.Namespace) -> int:
    """Handler of ``divide index``: validate, score, write; return the exit code."""
    from divide.analysis.index import compute_index, index_uncertainty
    from divide.cli.validate import parse_mapping
    from divide.geography import communes as admin
    from divide.indicators.validation import validate

    out = Path(args.out)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(f"unknown output format {out.suffix or '(none)'!r}", where="--out",
                         fix=f"end --out with one of {', '.join(OUTPUT_SUFFIXES)}")
    if args.uncertainty < 0:
        raise InputError("--uncertainty must be 0 or more", where="--uncertainty", fix="write e.g. --uncertainty 1000")
    spec = _resolve_spec(args)
    code = admin.resolve_province(args.province) if args.province else None
    step = progress_printer(args)
    step(f"validating {args.file}")
    report = validate(args.file, columns=parse_mapping(args.columns), sheet=args.sheet, layer=args.layer,
                      convert_fractions=args.convert_fractions)
    if not report.usable:
        print(report.to_text(), file=sys.stderr)
        print(f"divide index: {args.file} failed validation ({len(report.errors)} errors); nothing written",
              file=sys.stderr)
        return 1
    table = report.table.copy()
    modeled = "source" in table.columns and bool((table["source"].astype("string") == "modeled").all())
    table.attrs = {"modeled": modeled, "path": str(args.file)}

    communes = admin.load_communes()
    communes = communes.loc[communes.index.intersection(table.index)]
    table = table.reindex(communes.index)
    table.attrs = {"modeled": modeled, "path": str(args.file)}
    if code is not None and code not in set(communes["province_code"]):
        raise InputError(f"the file has no commune in province {code}", path=args.file, where="--province",
                         fix="choose a province the file covers, or leave --province out")

    step(f"computing the divide index ({spec.name}, {len(table):,} communes)")
    result = compute_index(table, spec, communes=communes)
    scores = result.scores
    log: dict[str, Any] = {"command": "divide index", "file": str(args.file), "out": out.name,
                           "province": code, "index": result.log}
    if args.uncertainty:
        step(f"Monte Carlo rank intervals ({args.uncertainty:,} replications)")
        unc = index_uncertainty(table, spec, n=args.uncertainty, seed=args.seed, communes=communes)
        scores = scores.join(unc.ranks[["rank_median", "rank_p05", "rank_p95"]])
        ulog = {k: v for k, v in unc.log.items() if k != "index"}
        ulog["sensitivity"] = unc.sensitivity.reset_index().to_dict(orient="records")
        log["uncertainty"] = ulog

    frame = communes[_CONTEXT].join(scores)
    if modeled:
        from divide.provenance import LABEL

        frame["data_label"] = LABEL
        log["label"] = LABEL
    if code is not None:
        frame = frame[frame["province_code"] == code]
    frame.index.name = "commune_code"
    floats = [c for c in frame.columns if frame[c].dtype == "float64"]
    frame[floats] = frame[floats].round(4)  # the log keeps the full construction; files stay readable
    frame.attrs = {"modeled": modeled}
    write_scores(frame, out, geometry=communes.geometry if out.suffix.lower() == ".gpkg" else None)
    lp = log_path(out)
    lp.write_text(json.dumps(log, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    scored = int(frame["divide_index"].notna().sum())
    say(args, f"wrote {out} ({scored} of {len(frame)} communes scored, spec {spec.name}) and {lp.name}")
    if modeled:
        say(args, f"  {frame['data_label'].iloc[0]}")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``index`` to the ``divide`` command's sub-parsers and return it."""
    p = subparsers.add_parser(
        "index",
        help="score a commune indicator table with the divide index (pillars, index, ranks, tiers)",
        description=(
            "Validate a commune indicator table, compute the divide index (0–100, higher = wider divide) with "
            "its pillars, national and provincial ranks and 5-class tier, and write it as CSV, XLSX or "
            "GeoPackage (by the suffix of --out) with a .log.json of the spec and parameters. Exit codes: "
            "0 written, 1 the file failed validation, 2 file, spec or command unusable."
        ),
    )
    p.add_argument("file", metavar="FILE", help="the indicator table (CSV, XLSX, GeoPackage, Shapefile, …)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="output file: .csv, .xlsx or .gpkg")
    p.add_argument("--spec", metavar="YAML", help="index specification (YAML; start from a preset's to_yaml())")
    p.add_argument("--preset", metavar="NAME", help="preset spec: default (the default) or purdue_ddi")
    p.add_argument("--province", metavar="NAME", help="keep one province in the output (name or 2-digit code)")
    p.add_argument("--uncertainty", type=number(integer=True, minimum=0, maximum=100_000), default=0, metavar="N",
                   help="add Monte Carlo rank intervals with N replications (e.g. 1000; default: none)")
    p.add_argument("--seed", type=number(integer=True, minimum=0), default=None, metavar="N", help="seed of the Monte Carlo (default 20250701)")
    p.add_argument("--columns", metavar="MAPPING", help="column mapping 'HEADER=column,…' or a .json file")
    p.add_argument("--sheet", help="sheet name or number (XLSX)")
    p.add_argument("--layer", help="layer name (GeoPackage)")
    p.add_argument("--convert-fractions", action="store_true", help="convert shares given as 0–1 to percent")
    p.set_defaults(handler=run, out_sidecars=("{name}.log.json",))
    return p
