"""``divide progress``: are communes, provinces and the country on track for the targets.

Runs :func:`divide.progress` on vintage files, on a vintage store (``--store``), or, with neither, on
the shipped modeled vintages 2020–2024 (labelled modeled everywhere), and writes ``progress.xlsx``,
``progress_map.png``, ``trend.png`` and ``manifest.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from divide.cli.options import add_lang, add_out_dir, add_province, add_seed, progress_printer

__all__ = ["add_parser", "run", "vintage_files"]

_EPILOG = """\
examples:
  divide progress --out progress/                      # the shipped modeled vintages 2020-2024
  divide progress xa_2022.csv xa_2024.xlsx --out progress/ --target fiber_households_pct=80@2025
  divide progress 2021=old_communes.csv 2024=xa_2024.csv --out progress/
  divide progress --store postgresql://me@db/divide --province "Lai Châu" --lang vi --out progress/

A FILE is YEAR=PATH, or a path whose name holds the year (xa_2024.csv).
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``divide progress``."""
    from divide.present.progress_outputs import PROGRESS_FILES

    p = sub.add_parser("progress", help="progress towards the targets and the urban–rural gap over time",
                       description="Status per commune, province and nation (target met / on track / needs "
                       "acceleration / limited progress / deterioration) from two or more vintages.",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", metavar="FILE", help="vintage files: YEAR=PATH or PATH with the year in its name")
    p.add_argument("--store", metavar="URL", help="read the vintages of a store (.gpkg file or postgresql://...)")
    p.add_argument("--targets", type=Path, metavar="FILE", help="CSV/XLSX of targets: indicator, value, year")
    p.add_argument("--target", action="append", default=[], metavar="IND=VALUE@YEAR",
                   help="a target, e.g. fiber_households_pct=80@2025 (repeatable; replaces the registry's)")
    p.add_argument("--indicator", metavar="NAME", help="indicator of the status map (default: the first with a target)")
    add_province(p)
    add_lang(p)
    add_seed(p, help="seed of the modeled vintages (default 20250701)")
    add_out_dir(p)
    p.set_defaults(handler=run, out_kind="folder", out_files=PROGRESS_FILES)


def vintage_files(items: list[str]) -> dict[int, Path]:
    """``YEAR=PATH`` or paths with a year in the name -> ``{year: path}``.

    Examples
    --------
    >>> vintage_files(["2021=a.csv", "xa_2024.xlsx"])
    {2021: PosixPath('a.csv'), 2024: PosixPath('xa_2024.xlsx')}
    """
    from divide._errors import InputError

    out: dict[int, Path] = {}
    for item in items:
        m = re.match(r"^(\d{4})=(.+)$", item)
        if m:
            year, path = int(m.group(1)), Path(m.group(2))
        else:
            found = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", Path(item).name)
            if len(set(found)) != 1:
                raise InputError(f"cannot tell the year of {item}", where="FILE",
                                 fix="write it as YEAR=PATH, e.g. 2024=" + item)
            year, path = int(found[0]), Path(item)
        if year in out:
            raise InputError(f"the year {year} is given twice ({out[year]} and {path})", where="FILE",
                             fix="give one file per year")
        out[year] = path
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``divide progress``; return the exit code."""
    from divide import settings
    from divide._errors import InputError
    from divide.analysis.progress import progress
    from divide.geography.communes import load_communes
    from divide.present.progress_outputs import write_progress
    from divide.provenance import write_manifest

    say = progress_printer(args)
    if args.files and args.store:
        raise InputError("give vintage files or --store, not both", where="--store",
                         fix="add the files to the store first: divide store add FILE --year YEAR")
    communes = load_communes(args.province) if args.province else load_communes()
    inputs: list[Path] = []
    modeled_inputs: list[str] = []
    if args.files:
        vintages = vintage_files(args.files)
        inputs = list(vintages.values())
        origin = "files"
    elif args.store:
        from divide.indicators.store import open_store

        say(f"reading the store {args.store}")
        store = open_store(args.store, create=False)
        vintages = store.vintages()
        store.dispose()
        origin = f"store {store.url}"
        if store.kind == "geopackage":
            inputs = [Path(store.url)]
    else:
        from divide.modeled.vintages import model_vintages

        say("building the modeled vintages 2020–2024")
        seed = settings.DEFAULT_SEED if args.seed is None else int(args.seed)
        vintages = model_vintages(seed=seed)
        origin = "modeled vintages"
        modeled_inputs = [f"modeled vintage {y} (divide.modeled.vintages, seed {seed})" for y in vintages]
    targets = ([args.targets] if args.targets is not None else []) + list(args.target)
    if args.targets is not None:
        inputs.append(args.targets)
    say(f"progress on {len(vintages)} vintages ({origin})")
    result = progress(vintages, communes=communes, targets=targets or None, lang=args.lang)
    say("writing the workbook, the map and the trend chart")
    files = write_progress(result, communes, args.out, indicator=args.indicator, lang=args.lang)
    if result.modeled and not modeled_inputs:
        modeled_inputs = [f"vintage {v['year']}" for v in result.log["vintages"] if v.get("modeled")]
    write_manifest(args.out, command="divide progress", inputs=inputs, outputs=files,
                   parameters={"province": args.province, "lang": args.lang, "targets": result.log["targets"],
                               "vintages": result.log["vintages"], "indicators": result.log["indicators"],
                               "left_out": result.log["left_out"], "spec": result.log["spec"],
                               "method": result.log["method"], "seed": args.seed, "origin": origin},
                   modeled_inputs=modeled_inputs, notes=result.notes)
    national = result.national.set_index("indicator")
    print(f"progress {result.log['years'][0]}–{result.log['years'][-1]} ({origin}); national status:")
    for name, row in national.iterrows():
        print(f"  {name:28s} {row['status_label']}")
    for note in result.notes:
        print(f"  note: {note}")
    print(f"wrote {len(files) + 1} files to {args.out}")
    return 0
