"""``divide crosswalk``: bring a table of pre-2025 communes onto the 2025 map.

Wired into :mod:`divide.cli` with :func:`add_parser`. Exit codes: 0 every row
mapped, 1 done but some rows were not mapped (the reconciliation says why),
2 the input could not be used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from divide._errors import InputError
from divide.cli.options import say

__all__ = ["add_parser", "handle"]

_EPILOG = """\
examples:
  divide crosswalk census2019.csv --out census_2025.csv --code-column ma_xa \\
      --extensive dan_so,so_ho --intensive ty_le_internet --weights dan_so
  divide crosswalk survey.csv --out survey_2025.csv --name-columns tinh,huyen,xa --intensive score

Writes FILE (one row per 2025 commune, keyed by commune_code) and, next to it,
FILE_reconciliation.csv (what happened to every input row; `row` is the row the
spreadsheet shows, the header being row 1, as in `divide validate`).
exit codes: 0 all rows mapped, 1 some rows not mapped, 2 input unusable.
"""


def _columns(text: str | None) -> list[str]:
    if not text:
        return []
    return [c.strip() for c in text.split(",") if c.strip()]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``crosswalk`` sub-command to ``subparsers``; return its parser."""
    p = subparsers.add_parser(
        "crosswalk",
        help="bring a table of pre-2025 communes onto the 3,321 communes of 2025",
        description="Convert a commune table of the pre-2025 geography (10,035 communes) to the 2025 geography "
        "with the official crosswalk: counts are split and summed, rates are weighted averages.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE",
                   help="CSV file or Excel workbook (.xlsx), one row per pre-2025 commune")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="output CSV file")
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument("--code-column", metavar="COL", help="column with the pre-2025 5-digit commune code")
    key.add_argument(
        "--name-columns",
        metavar="PROVINCE,DISTRICT,COMMUNE",
        help="columns with the old province, district and commune names (leave one empty: 'tinh,,xa')",
    )
    p.add_argument("--extensive", metavar="COL[,COL...]", default="", help="count columns (split and summed)")
    p.add_argument("--intensive", metavar="COL[,COL...]", default="", help="rate/share/score columns (weighted averages)")
    p.add_argument("--weights", metavar="COL", help="population column used to weight the intensive columns")
    p.add_argument("--old-boundaries", type=Path, metavar="FILE", help="polygons of the old communes, to split partly merged ones")
    p.add_argument("--boundary-code-column", metavar="COL", help="column of --old-boundaries with the old code")
    p.add_argument("--overlay", choices=("population", "area"), default="population",
                   help="weighting of the boundary overlay (default: population)")
    p.add_argument("--integer-counts", action="store_true", help="keep split counts whole numbers (largest remainder)")
    p.add_argument("--no-notes", action="store_true",
                   help="ignore the official 'all of the population' notes when splitting")
    p.set_defaults(handler=handle, out_sidecars=("{stem}_reconciliation.csv",))
    return p


def _read_table(path: Path):
    """The table and the spreadsheet row of each of its rows, read as ``divide validate`` reads files."""
    from divide.indicators.readers.formats import FORMATS, read_raw

    if path.suffix.lower() in FORMATS and FORMATS[path.suffix.lower()] not in ("csv", "xlsx"):
        raise InputError("only CSV and Excel (.xlsx) tables can be converted", path=path,
                         fix="save the table as CSV (UTF-8) or .xlsx")
    raw, _ = read_raw(path)
    return raw.frame, raw.rows


def handle(args: argparse.Namespace) -> int:
    """Run ``divide crosswalk``; return the exit code (0 all mapped, 1 some rows not mapped)."""
    from divide.geography.crosswalk import crosswalk_to_2025

    table, row_numbers = _read_table(args.file)
    name_columns = None
    if args.name_columns:
        parts = [c.strip() or None for c in args.name_columns.split(",")]
        if len(parts) == 2:
            parts = [parts[0], None, parts[1]]
        if len(parts) != 3 or parts[2] is None:
            raise InputError("--name-columns takes PROVINCE,DISTRICT,COMMUNE (district or province may be empty)",
                             where=f"--name-columns {args.name_columns!r}")
        name_columns = parts
    out, report = crosswalk_to_2025(
        table,
        code_column=args.code_column,
        name_columns=name_columns,
        extensive=_columns(args.extensive),
        intensive=_columns(args.intensive),
        weights=args.weights,
        old_boundaries=args.old_boundaries,
        boundary_code_column=args.boundary_code_column,
        overlay=args.overlay,
        use_notes=not args.no_notes,
        integer_counts=args.integer_counts,
        source=args.file,
        row_numbers=row_numbers,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.out, encoding="utf-8", lineterminator="\n")
    rec = args.out.with_name(args.out.stem + "_reconciliation.csv")
    report.rows.to_csv(rec, encoding="utf-8", lineterminator="\n", index=False)
    print(report.summary())
    say(args, f"wrote {args.out} ({len(out)} communes of 2025) and {rec}")
    return report.exit_code
