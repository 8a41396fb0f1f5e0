"""Options shared by several commands, written once.

Every sub-command module calls these instead of repeating the ``add_argument``
lines, so ``--province`` or ``--indicators`` read the same everywhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["add_province", "add_indicators", "add_lang", "add_seed", "add_out_dir", "progress_printer", "pandas_display"]


def add_province(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--province NAME|CODE``."""
    parser.add_argument("--province", help=help or "one province, by name (with or without diacritics) or 2-digit code")


def add_indicators(parser: argparse.ArgumentParser) -> None:
    """``--indicators FILE``: a user's commune table, validated first; default the modeled dataset."""
    parser.add_argument("--indicators", type=Path, metavar="FILE",
                        help="your own commune indicator table (validated first); default: the shipped modeled dataset")


def add_lang(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("en", "vi"), default: str = "en",
             help: str = "language of maps and the brief") -> None:
    """``--lang``."""
    parser.add_argument("--lang", choices=choices, default=default, help=help)


def add_seed(parser: argparse.ArgumentParser, help: str = "seed of every random step (default 20250701)") -> None:
    """``--seed N``."""
    parser.add_argument("--seed", type=int, default=None, metavar="N", help=help)


def add_out_dir(parser: argparse.ArgumentParser) -> None:
    """``--out DIR`` (default ``outputs/``)."""
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")


def progress_printer(args: argparse.Namespace) -> Callable[[str], None]:
    """A progress callback that prints ``… message`` to stderr unless ``-q`` was given."""
    quiet = getattr(args, "quiet", False)

    def report(message: str) -> None:
        if not quiet:
            print(f"… {message}", file=sys.stderr, flush=True)

    return report


def pandas_display():
    """Wide pandas printing for tables shown in the terminal."""
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_rows", 100)
