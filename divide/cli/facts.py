"""The ``divide facts`` sub-command: list the cited national facts.

Wired into :mod:`divide.cli` with ``add_parser(sub)``. The handler returns the
exit code: 0 success, 2 misuse (unknown topic). A broken facts file raises
:class:`~divide.DivideError`, which the main command reports (exit code 2).

Examples
--------
>>> import argparse
>>> from divide.cli.facts import add_parser
>>> parser = argparse.ArgumentParser(prog="divide")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["facts", "--status", "target", "--topic", "payments", "--format", "csv"])
>>> args.handler(args)  # doctest: +ELLIPSIS
fact_id,topic,indicator,value,...
payment_account_adults_target_2025,payments,Adults with a payment account (target),80.0,...
0
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

__all__ = ["add_parser", "run"]

_FORMATS = ("table", "csv", "json")
_TABLE_COLUMNS = ["value", "unit", "period", "status", "citation"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``facts`` sub-command to an argparse sub-parser collection.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser; its ``handler`` default is :func:`run`.
    """
    p = subparsers.add_parser(
        "facts",
        help="list the national facts on the digital divide, each with its source",
        description=(
            "List the national facts on Vietnam's urban–rural digital divide (data/facts.csv): value, unit, "
            "period, status (official, reported, target, derived) and a short citation."
        ),
    )
    p.add_argument("--topic", help="keep one topic (e.g. connectivity, online_services, payments)")
    from divide.indicators.facts import STATUSES

    p.add_argument("--status", choices=STATUSES, help="keep one status")
    p.add_argument("--format", choices=_FORMATS, default="table",
                   help="table (default, for reading), csv (every column) or json (every column)")
    p.add_argument("--lang", choices=("en", "vi"), default="en", help="language of the citation column (table)")
    p.set_defaults(handler=run)
    return p


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def run(args: argparse.Namespace) -> int:
    """Print the facts selected by ``args``; return the exit code (0 ok, 2 misuse)."""
    from divide._errors import InputError
    from divide.indicators.facts import cite_row, facts

    try:
        table = facts(topic=args.topic, status=args.status)
    except InputError as exc:
        print(f"divide facts: error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(table.reset_index().to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        full = facts()
        records = []
        for fid, row in table.iterrows():
            record = {"fact_id": fid, **{k: _json_value(v) for k, v in row.items()}}
            record["citation_en"] = cite_row(str(fid), full, "en")
            record["citation_vi"] = cite_row(str(fid), full, "vi")
            records.append(record)
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        if table.empty:
            print("no facts match")
            return 0
        full = facts()
        shown = table.copy()
        shown["citation"] = [cite_row(str(fid), full, args.lang) for fid in shown.index]
        marks = {"": "", "about": "≈ ", "almost": "≲ ", "more_than": "> ", "at_least": "≥ ", "less_than": "< "}
        shown["value"] = [
            "" if math.isnan(v) else f"{marks[q]}{v:,.10g}" for v, q in zip(shown["value"], shown["qualifier"])
        ]
        import pandas as pd

        with pd.option_context("display.width", 250, "display.max_rows", None, "display.max_colwidth", 90):
            print(shown[_TABLE_COLUMNS].to_string())
        print(f"\n{len(shown)} fact(s). Full rows: --format csv. Cite with divide.cite(fact_id).")
    return 0
