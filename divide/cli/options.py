"""Options shared by several commands, written once.

Every sub-command module calls these instead of repeating the ``add_argument``
lines, so ``--province`` or ``--indicators`` read the same everywhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "add_province",
    "add_indicators",
    "add_lang",
    "add_seed",
    "add_out_dir",
    "number",
    "progress_printer",
    "say",
    "pandas_display",
    "check_paths",
    "analysis_table",
]


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
    parser.add_argument("--seed", type=number(integer=True, minimum=0), default=None, metavar="N", help=help)


def number(*, integer: bool = False, minimum: float | None = None, maximum: float | None = None,
           above: float | None = None) -> Callable[[str], float | int]:
    """An argparse ``type=`` that reads numbers as people type them and checks their range at parse time.

    Thousands separators of either convention are accepted (``300.000``, ``300,000``, ``300 000``); a value
    whose separator is ambiguous is refused. argparse puts the option's name before the message.

    Examples
    --------
    >>> number(integer=True, minimum=1)("300.000")
    300000
    >>> number(integer=True, minimum=1)("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be at least 1 (got -5)
    """
    from divide.numbers import parse_number

    def parse(text: str) -> float | int:
        try:
            value = parse_number(text, integer=integer)
        except ValueError as exc:
            kind = "a whole number" if integer else "a number"
            raise argparse.ArgumentTypeError(f"{exc}; give {kind}, e.g. 300000") from None
        shown = _shown(value)
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {_shown(minimum)} (got {shown})")
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"must be greater than {_shown(above)} (got {shown})")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {_shown(maximum)} (got {shown})")
        return value

    parse.__name__ = "whole number" if integer else "number"
    return parse


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_paths(inputs: list[Path | str | None], outputs: list[Path | str], *, folder_outputs: list[Path | str] = (),
                option: str = "--out") -> None:
    """Refuse, before any work, to write over an input or into a path of the wrong kind.

    Parameters
    ----------
    inputs
        Files the command reads (``None`` entries are skipped). A folder input protects every file in it.
    outputs
        Files the command will write: each must not be an input (whatever the spelling: relative, ``..``,
        symlinks) and must not be an existing folder.
    folder_outputs
        Folders the command writes into: each must not be an existing regular file nor an input. List the
        files it will write in ``outputs`` too, so that none of them is an input.
    option
        The option that named the outputs, for the message.

    Raises
    ------
    divide.InputError
        Naming the path, the option and the fix (exit code 2).
    """
    from divide._errors import InputError

    ins = {Path(p).expanduser().resolve() for p in inputs if p is not None}
    for folder in folder_outputs:
        target = Path(folder).expanduser()
        if target.exists() and not target.is_dir():
            raise InputError(f"{folder} is an existing file, not a folder", where=option,
                             fix="give a folder name (it is created if missing)")
        if target.resolve() in ins:
            raise InputError(f"{folder} is also an input of this command", where=option,
                             fix="write the outputs to another folder")
    for out in outputs:
        target = Path(out).expanduser()
        resolved = target.resolve()
        if resolved in ins:
            raise InputError(f"{out} is also an input of this command; it would be overwritten",
                             where=option, fix="write the output to another file")
        if target.is_dir():
            raise InputError(f"{out} is an existing folder, not a file", where=option,
                             fix="give a file name, e.g. " + str(target / "result.csv"))
        if target.parent.exists() and not target.parent.is_dir():
            raise InputError(f"{out}: {target.parent} is a file, not a folder", where=option,
                             fix="choose a folder that exists or can be created")


def add_out_dir(parser: argparse.ArgumentParser) -> None:
    """``--out DIR`` (default ``outputs/``)."""
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")


def say(args: argparse.Namespace, text: str) -> None:
    """Print a status line (what was written, where) unless ``-q`` was given; results and errors still print."""
    if not getattr(args, "quiet", False):
        print(text)


def progress_printer(args: argparse.Namespace) -> Callable[[str], None]:
    """A progress callback for long steps; silent with ``-q``.

    On a terminal, steps written ``[i/n] what`` drive a tqdm progress bar (the sub-steps show beside it);
    elsewhere (a log, a pipe, the tests) each message is one line ``… message`` on stderr.
    """
    if getattr(args, "quiet", False):
        return lambda message: None
    if not sys.stderr.isatty():
        return lambda message: print(f"… {message}", file=sys.stderr, flush=True)
    from divide.atlas import progress_bar

    return progress_bar()


def pandas_display():
    """Wide pandas printing for tables shown in the terminal."""
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_rows", 100)


def analysis_table(indicators: str | Path | None, province: str | None):
    """The commune table that ``divide map`` and ``divide export`` draw or write, nationally or for one province.

    The full analysis of :func:`divide.analysis.pipeline.analyse` (index, rank interval, LISA, type, region,
    priority) on the shipped modeled dataset or the user's file (validated first).
    """
    from divide.analysis.pipeline import analyse

    return analyse(indicators, province, uncertainty_reps=200).communes
