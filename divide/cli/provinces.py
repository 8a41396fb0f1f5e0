"""``divide provinces``: the 34 provinces, their codes and commune counts."""

from __future__ import annotations

import argparse

from divide.cli.options import pandas_display

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``divide provinces``."""
    p = sub.add_parser("provinces", help="list the 34 provinces with their codes and commune counts")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the province table; return the exit code."""
    from divide.geography.communes import load_provinces

    table = load_provinces().drop(columns="geometry")
    cols = ["province_name", "communes", "xa", "phuong", "dac_khu", "population"]
    with pandas_display():
        print(table[cols].to_string(formatters={"population": "{:,.0f}".format}))
    return 0
