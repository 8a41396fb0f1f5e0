"""``divide template``: the workbook a provincial department fills in, ready for ``divide atlas --indicators``."""

from __future__ import annotations

import argparse
from pathlib import Path

from divide.cli.options import add_lang, add_province, say

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``divide template``."""
    p = sub.add_parser(
        "template",
        help="write a fill-in workbook: commune codes and names pre-filled, checks built in",
        description="Write an XLSX for a province (or the whole country) with the 2025 commune codes (as text) "
                    "and names, one column per indicator with Excel data validation, a vintage column, an "
                    "instructions sheet and a sources sheet. A filled-in template runs through "
                    "`divide validate` and `divide atlas --indicators` as it is.",
    )
    add_province(p)
    add_lang(p, choices=("vi", "en"), default="vi", help="language of headers and instructions (default vi)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="the workbook to write")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the template; return the exit code."""
    from divide.geography.communes import load_communes, province_table, resolve_province
    from divide.present.template import write_template

    name = None
    if args.province is not None:
        name = province_table().loc[resolve_province(args.province), "province_name"]
    communes = load_communes(args.province)
    out = write_template(args.out, communes=communes, province=name, lang=args.lang)
    say(args, f"wrote {out} ({len(communes):,} communes{' of ' + name if name else ''})")
    return 0
