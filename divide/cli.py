"""The ``divide`` command line: the planners' door.

Exit codes: 0 success, 1 the input was read but failed validation (a report
says why), 2 the input or the command could not be used. No traceback reaches
the user unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from ._errors import DivideError

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace], int]

# Sub-command modules, in the order ``divide --help`` lists them.
_SUBCOMMAND_MODULES = (
    "_cli_validate",
    "_cli_index",
    "_cli_regions",
    "_cli_map",
    "_cli_export",
    "_cli_brief",
    "_cli_crosswalk",
    "_cli_facts",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on misuse already; keep its message short."""


def _cmd_atlas(args: argparse.Namespace) -> int:
    from .atlas import run_atlas

    result = run_atlas(
        out=args.out,
        province=args.province,
        indicators=args.indicators,
        lang=args.lang,
        seed=args.seed,
        uncertainty_reps=args.reps,
        progress=_progress(args),
    )
    print(f"wrote {len(result.files)} files to {result.out} in {result.seconds:.1f} s")
    for path in result.files:
        print(f"  {path.name}")
    return 0


def _cmd_provinces(args: argparse.Namespace) -> int:
    from .admin import load_provinces

    table = load_provinces().drop(columns="geometry")
    cols = ["province_name", "communes", "xa", "phuong", "dac_khu", "population"]
    with _pandas_display():
        print(table[cols].to_string(formatters={"population": "{:,.0f}".format}))
    return 0


def _pandas_display():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_rows", 100)


def _progress(args: argparse.Namespace) -> Callable[[str], None]:
    quiet = getattr(args, "quiet", False)

    def report(message: str) -> None:
        if not quiet:
            print(f"… {message}", file=sys.stderr, flush=True)

    return report


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``divide`` command (one sub-command per task)."""
    parser = _Parser(
        prog="divide",
        description="Measure Vietnam's urban–rural digital divide commune by commune (2025 geography).",
        epilog="Exit codes: 0 success, 1 input read but failed validation, 2 input or command unusable.",
    )
    parser.add_argument("--version", action="version", version=f"divide {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("atlas", help="the main job: run the pipeline on the shipped data and write all outputs")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    p.add_argument("--province", help="one province, by name (with or without diacritics) or 2-digit code")
    p.add_argument("--indicators", type=Path, metavar="FILE",
                   help="your own commune indicator table (validated first); default: the shipped modeled dataset")
    p.add_argument("--lang", choices=("en", "vi"), default="en", help="language of maps and the brief")
    p.add_argument("--seed", type=int, default=None, help="seed of every random step (default 20250701)")
    p.add_argument("--reps", type=int, default=1000, metavar="N",
                   help="Monte Carlo replications of the rank intervals (default 1000)")
    p.set_defaults(handler=_cmd_atlas)

    p = sub.add_parser("provinces", help="list the 34 provinces with their codes and commune counts")
    p.set_defaults(handler=_cmd_provinces)

    import importlib

    # Each further sub-command lives in its own module with ``add_parser(sub)``.
    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(f".{name}", __package__).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except DivideError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"divide {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"divide {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, trace only with --debug
        if args.debug:
            raise
        print(
            f"divide {args.command}: unexpected error: {type(exc).__name__}: {exc}\n"
            "  rerun with --debug for the traceback, and report it",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
