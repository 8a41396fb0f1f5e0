"""The ``divide validate`` sub-command (wired into :mod:`divide.cli` by ``add_parser``).

``divide validate FILE [--format text|json] [--lang en|vi] [--convert-fractions]
[--columns MAPPING] [--sheet S] [--layer L] [--encoding E] [--vintage V] [--today DATE]``

Exit codes: 0 usable, 1 problems found (the report says which), 2 the file is
unreadable or the command was misused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from divide._errors import InputError

__all__ = ["add_parser", "parse_mapping", "run"]


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """Parse ``--columns``: ``"Mã xã=commune_code,Tỷ lệ FTTH=fiber_households_pct"`` or a JSON file.

    Examples
    --------
    >>> parse_mapping("Mã xã=commune_code, FTTH (%)=fiber_households_pct")
    {'Mã xã': 'commune_code', 'FTTH (%)': 'fiber_households_pct'}
    >>> parse_mapping(None) is None
    True
    """
    if text is None or not text.strip():
        return None
    path = Path(text)
    if path.suffix.lower() == ".json":
        if not path.exists():
            raise InputError("column mapping file not found", path=path, fix="check the path given to --columns")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            raise InputError(f"the column mapping is not valid JSON: {exc}", path=path,
                             fix='write {"header in the file": "canonical column", ...}') from None
        if not isinstance(data, dict):
            raise InputError("the column mapping must be a JSON object", path=path,
                             fix='write {"header in the file": "canonical column", ...}')
        return {str(k): str(v) for k, v in data.items()}
    mapping = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise InputError(
                f"--columns: {part.strip()!r} has no '='",
                fix="write --columns 'HEADER=column,HEADER2=column2' (or a .json file)",
            )
        src, dst = part.rsplit("=", 1)
        mapping[src.strip()] = dst.strip()
    return mapping


def _vintage(text: str | None) -> object:
    if text is None:
        return None
    text = text.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise InputError(f"--vintage is not valid JSON: {exc}", fix="write --vintage 2024 or a JSON object") from None
    return text


def run(args: argparse.Namespace) -> int:
    """Handler of ``divide validate``: print the report, return its exit code."""
    from divide.indicators.validation import validate

    if args.today:
        try:
            import datetime as dt

            dt.date.fromisoformat(args.today)
        except ValueError:
            raise InputError(f"--today {args.today!r} is not a date", fix="write --today YYYY-MM-DD") from None
    report = validate(
        args.file,
        convert_fractions=args.convert_fractions,
        columns=parse_mapping(args.columns),
        sheet=args.sheet,
        layer=args.layer,
        encoding=args.encoding,
        vintage=_vintage(args.vintage),
        today=args.today,
    )
    text = report.to_json() if args.format == "json" else report.to_text(lang=args.lang)
    out = getattr(args, "out", None)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {out} (exit code {report.exit_code})", file=sys.stderr)
    else:
        print(text)
    return report.exit_code


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``validate`` to the ``divide`` command's sub-parsers and return it."""
    p = subparsers.add_parser(
        "validate",
        help="check a commune indicator table: đúng, đủ, sạch, sống (correct, complete, clean, live)",
        description=(
            "Read a commune indicator table (CSV, XLSX, GeoPackage, Shapefile, GeoJSON, Parquet) and report "
            "what is wrong, by the four words of the national data motto. Exit codes: 0 usable, "
            "1 problems found, 2 file unreadable or command misused."
        ),
    )
    p.add_argument("file", metavar="FILE", help="the table to check")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format (default: text)")
    p.add_argument("--lang", choices=["en", "vi"], default="en", help="language of the text report (default: en)")
    p.add_argument("--convert-fractions", action="store_true",
                   help="convert shares given as 0–1 to percent instead of reporting them as an error")
    p.add_argument("--columns", metavar="MAPPING",
                   help="column mapping 'HEADER=column,HEADER2=column2' or a .json file; 'HEADER=ignore' drops one")
    p.add_argument("--sheet", help="sheet name or number (XLSX)")
    p.add_argument("--layer", help="layer name (GeoPackage)")
    p.add_argument("--encoding", help="text encoding of a CSV or Shapefile (default: detected)")
    p.add_argument("--vintage", help="vintage of the values when the file does not say (2024, 2024-06, or JSON)")
    p.add_argument("--today", help="date to measure the age of the values against (YYYY-MM-DD; default: today)")
    p.add_argument("--out", type=Path, help="write the report to this file instead of printing it")
    p.set_defaults(handler=run)
    return p
