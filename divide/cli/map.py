"""The ``divide map`` sub-command: a printed map (PNG, SVG, PDF) or the offline interactive map (HTML).

The mapped table comes from :func:`divide.cli.options.analysis_table` (shared
with ``divide export``): the full analysis of :func:`divide.analysis.pipeline.analyse`
on the shipped modeled dataset or the user's file (validated first).

Examples
--------
>>> import argparse
>>> from divide.cli.map import add_parser
>>> parser = argparse.ArgumentParser(prog="divide")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["map", "--province", "Lai Chau", "--column", "population", "--out", "x.svg"])
>>> args.column, args.scheme, args.k, args.paper
('population', 'quantiles', 5, 'A4')
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from divide.cli import options
from divide.cli.options import add_indicators, add_province, number, say

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["add_parser", "run"]

_SUFFIXES = (".png", ".svg", ".pdf", ".html")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``map`` sub-command to an argparse sub-parser collection."""
    p = subparsers.add_parser(
        "map",
        help="draw a commune map (PNG, SVG, PDF) or an offline interactive map (HTML)",
        description=(
            "Draw one column of the commune table as a print-ready map (.png at 300 dpi, .svg, .pdf; A4 or A3) "
            "with legend, scale bar, north arrow, province outlines, sources and the modeled-data mark, or write "
            "the offline interactive map (.html) with a layer switch and tooltips."
        ),
    )
    add_indicators(p)
    p.add_argument("--column", metavar="COL",
                   help="column to map (default: divide_index when the index is available, else "
                        "fiber_households_pct); for .html the first layer")
    add_province(p)
    p.add_argument("--scheme", choices=("quantiles", "equal_interval", "natural_breaks"), default="quantiles",
                   help="classification of numeric columns (default quantiles)")
    p.add_argument("--k", type=number(integer=True, minimum=2, maximum=12), default=5, metavar="N", help="number of classes (default 5)")
    p.add_argument("--breaks", metavar="B1,B2,…",
                   help="your own class upper bounds, increasing (e.g. 20,40,60,80,100): the same classes on "
                        "every map you draw, for comparison across years or provinces")
    p.add_argument("--lang", choices=("en", "vi"), default="en", help="language of title, legend and sources")
    p.add_argument("--paper", choices=("A4", "A3"), default="A4", help="paper size (default A4)")
    p.add_argument("--labels", action="store_true", help="label the communes (province maps)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="output: .png, .svg, .pdf or .html")
    p.set_defaults(handler=run)
    return p


def _parse_breaks(text: str | None) -> list[float] | None:
    """``"20,40,60"`` → ``[20.0, 40.0, 60.0]``; a clear error for anything else.

    >>> _parse_breaks("20, 40,60")
    [20.0, 40.0, 60.0]
    """
    from divide._errors import InputError

    if not text:
        return None
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"cannot read the class bounds {text!r}", where="--breaks",
                         fix="give increasing numbers separated by commas, e.g. --breaks 20,40,60,80,100") from None
    if not values or any(b <= a for a, b in zip(values, values[1:])):
        raise InputError(f"the class bounds {text!r} are not increasing", where="--breaks",
                         fix="give increasing numbers separated by commas, e.g. --breaks 20,40,60,80,100")
    return values


def run(args: argparse.Namespace) -> int:
    """Draw the map asked for; return the exit code (0 ok; errors raise :class:`~divide.DivideError`)."""
    from divide._errors import InputError

    out = Path(args.out)
    if out.suffix.lower() not in _SUFFIXES:
        raise InputError(f"cannot write a map as {out.suffix or 'a file without suffix'!r}", path=out,
                         where="--out", fix="use .png, .svg, .pdf or .html")
    table = options.analysis_table(args.indicators, args.province)
    column = args.column
    if column is None:
        column = "divide_index" if "divide_index" in table.columns else "fiber_households_pct"
    if column not in table.columns:
        shown = ", ".join(c for c in table.columns if c != "geometry")
        raise InputError(f"no column {column!r} in the commune table", where="--column", fix=f"choose one of: {shown}")
    if out.suffix.lower() == ".html":
        from divide.present.webmap import DEFAULT_LAYERS, interactive_map

        layers = [column, *[c for c in DEFAULT_LAYERS if c != column]]
        path = interactive_map(table, out, layers=layers, lang=args.lang)
    else:
        from divide.present.maps import choropleth

        breaks = _parse_breaks(args.breaks)
        choropleth(table, column, scheme="user" if breaks else args.scheme, k=args.k, breaks=breaks,
                   lang=args.lang, paper=args.paper, labels=args.labels, out=out)
        path = out
    say(args, f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(table):,} communes, column {column})")
    return 0
