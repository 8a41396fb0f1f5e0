"""``divide store``: keep the vintages of the indicator table in one place (``add``, ``list``).

The default store is one GeoPackage file (:data:`divide.indicators.store.DEFAULT_STORE`); a shared
deployment gives ``--store postgresql://user@host/database``. ``add`` reads and validates the file as
``--indicators`` files are, brings pre-2025 codes onto the 2025 communes, and writes it in one
transaction; a year held already needs ``--replace``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from divide.cli.options import pandas_display

__all__ = ["add_parser", "run"]

_EPILOG = """\
examples:
  divide store add xa_2024.csv --year 2024
  divide store add xa_2024_v2.csv --year 2024 --replace
  divide store list --store postgresql://me@db/divide
  divide progress --store postgresql://me@db/divide --out progress/
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``divide store`` with its actions ``add`` and ``list``."""
    p = sub.add_parser("store", help="keep yearly vintages of the indicator table (GeoPackage or PostgreSQL)",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="validate a file and add it as the vintage of a year")
    add.add_argument("file", type=Path, metavar="FILE", help="commune indicator table (CSV, XLSX, GPKG, ...)")
    add.add_argument("--year", required=True, metavar="YEAR", help="the vintage: a year (2024) or a date (2024-06)")
    add.add_argument("--replace", action="store_true", help="overwrite the vintage of that year if held")
    listing = actions.add_parser("list", help="the vintages held")
    for q in (add, listing):
        q.add_argument("--store", metavar="URL", help="a .gpkg file or postgresql://user@host/database "
                       "(default: the GeoPackage in data/)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``divide store add|list``; return the exit code."""
    from divide.indicators.store import open_store

    if args.action == "add":
        from divide.analysis.progress import read_vintage
        from divide.provenance import sha256

        table, info = read_vintage(args.file, args.year)
        year = int(str(args.year)[:4])
        notes = []
        if info.get("crosswalk"):
            cw = info["crosswalk"]
            notes.append(f"pre-2025 codes: {cw['rows']} old communes brought onto {cw['communes_2025']} "
                         f"communes of 2025 ({cw['method']})")
        table.attrs["vintage"] = str(args.year)
        store = open_store(args.store)
        store.add(table, year, replace=args.replace, source=args.file.name, sha256=sha256(args.file),
                  codes=info["codes"], notes=notes)
        store.dispose()
        print(f"added the vintage {year} ({len(table)} communes, {info['validation']} validation"
              f"{', crosswalked from pre-2025 codes' if info.get('crosswalk') else ''}) to {store.url}")
        return 0
    store = open_store(args.store, create=False)
    held = store.list()
    store.dispose()
    if held.empty:
        print(f"{store.url}: no vintage yet (divide store add FILE --year YEAR)")
        return 0
    with pandas_display():
        print(f"{store.url}: {len(held)} vintages")
        print(held[["year", "label", "added", "source", "modeled", "codes", "n_communes"]].to_string(index=False))
    return 0
