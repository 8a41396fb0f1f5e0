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

from divide._errors import DivideError
from divide._version import __version__

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace], int]

# Sub-command modules, in the order ``divide --help`` lists them.
_SUBCOMMAND_MODULES = (
    "atlas",
    "plan",
    "progress",
    "store",
    "provinces",
    "validate",
    "template",
    "index",
    "regions",
    "map",
    "export",
    "brief",
    "crosswalk",
    "facts",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on misuse already; keep its message short."""


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

    import importlib

    # Each further sub-command lives in its own module with ``add_parser(sub)``.
    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(f"divide.cli.{name}").add_parser(sub)
    return parser


#: Options that name files a command reads (protected from being overwritten by its outputs).
_INPUT_OPTIONS = ("file", "files", "indicators", "villages", "costs", "spec", "targets", "old_boundaries", "store")


def _check_paths(args: argparse.Namespace) -> None:
    """Before any work: no output over an input, no file where a folder goes (and the reverse)."""
    from divide.cli.options import check_paths

    out = getattr(args, "out", None)
    if out is None:
        return
    inputs: list = []
    for name in _INPUT_OPTIONS:
        value = getattr(args, name, None)
        inputs += value if isinstance(value, list) else [value]
    inputs = [p for p in inputs if p is not None]
    if getattr(args, "out_kind", "file") == "folder":
        names = getattr(args, "out_files", ())
        check_paths(inputs, [Path(out) / n for n in names], folder_outputs=[out])
    else:
        out = Path(out)
        sidecars = [out.with_name(s.format(stem=out.stem, name=out.name)) for s in getattr(args, "out_sidecars", ())]
        check_paths(inputs, [out, *sidecars])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    from divide.provenance import reproducible_environment

    reproducible_environment()
    try:
        _check_paths(args)
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
