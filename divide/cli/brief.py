"""The ``divide brief`` sub-command: write the policy brief (Markdown, HTML, Word, PDF; English and/or Vietnamese).

Wired into :mod:`divide.cli` with ``add_parser(sub)``. The handler runs the
shared analysis (:func:`divide.analysis.pipeline.analyse`), then
:func:`divide.present.brief.write_brief`, and writes a ``manifest.json`` beside the
brief. ``--format`` takes one or several of ``md``, ``html``, ``docx`` and
``pdf`` (default ``md html``); an unknown format stops the command before
anything is computed or written. Exit codes: 0 success, 1 the indicator file failed validation, 2 the
input or the command could not be used (for example while the analysis
pipeline is not installed).

Examples
--------
>>> import argparse
>>> from divide.cli.brief import add_parser
>>> parser = argparse.ArgumentParser(prog="divide")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["brief", "--province", "Lai Châu", "--lang", "both", "--out", "briefs"])
>>> args.province, args.lang, str(args.out), args.indicators, args.format
('Lai Châu', 'both', 'briefs', None, ['md', 'html'])
>>> parser.parse_args(["brief", "--format", "docx", "pdf", "--out", "b"]).format
['docx', 'pdf']
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from divide.cli.options import add_indicators, add_out_dir, add_province, say

__all__ = ["BRIEF_FORMATS", "add_parser", "run"]

#: The formats of ``--format`` (those of :data:`divide.present.brief.write.ALL_FORMATS`).
BRIEF_FORMATS = ("md", "html", "docx", "pdf")
#: The formats written when ``--format`` is not given.
DEFAULT_FORMATS = ("md", "html")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``divide brief`` (options ``--indicators``, ``--province``, ``--lang``, ``--format``, ``--out``).

    Parameters
    ----------
    subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``brief`` parser, whose ``handler`` is :func:`run`.
    """
    p = subparsers.add_parser(
        "brief",
        help="write the policy brief (Markdown, HTML, Word, PDF): key figures with sources, gap table, tier-1 communes",
        description=(
            "Write the policy brief: national facts with their source, date and status beside the figures "
            "divide computes, the urban–rural gap table, maps and the tier-1 communes, with a references list. "
            "Figures computed from the shipped modeled dataset are captioned 'Dữ liệu mô phỏng / modeled data'."
        ),
    )
    add_indicators(p)
    add_province(p)
    p.add_argument("--lang", choices=("en", "vi", "both"), default="en",
                   help="language of the brief (both: brief_en.* and brief_vi.*)")
    p.add_argument("--format", nargs="+", choices=BRIEF_FORMATS, default=list(DEFAULT_FORMATS), metavar="FORMAT",
                   help="one or several of md, html, docx (Word), pdf (default: md html)")
    add_out_dir(p)
    names = [f"brief{suffix}.{fmt}" for suffix in ("", "_en", "_vi") for fmt in BRIEF_FORMATS]
    p.set_defaults(handler=run, out_kind="folder", out_files=(*names, "manifest.json"))
    return p


def _analyse() -> Any:
    """The shared pipeline (a seam the tests replace with a recorder)."""
    from divide.analysis.pipeline import analyse

    return analyse


def run(args: argparse.Namespace) -> int:
    """Run the analysis and write the brief; return the exit code."""
    from divide._errors import DivideError
    from divide.present.brief import write_brief
    from divide.provenance import write_manifest

    analyse = _analyse()
    quiet = getattr(args, "quiet", False)

    def progress(message: str) -> None:
        if not quiet:
            print(f"… {message}", file=sys.stderr, flush=True)

    try:
        analysis = analyse(indicators=args.indicators, province=args.province, progress=progress)
    except ModuleNotFoundError as exc:  # a step of the pipeline is not installed yet
        if exc.name and exc.name.startswith("divide"):
            raise DivideError(f"a step of the analysis pipeline is missing ({exc.name})",
                              fix="update divide to a version with the whole pipeline") from None
        raise
    from divide.atlas import brief_maps

    progress("drawing the national and province maps")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    maps = brief_maps(analysis, out, "vi" if args.lang == "vi" else "en")
    progress("writing the policy brief")
    formats = getattr(args, "format", None) or DEFAULT_FORMATS
    files = [*maps.values(), *write_brief(analysis, out, lang=args.lang, maps=maps, formats=formats)]
    inputs = [args.indicators] if args.indicators is not None else []
    manifest = write_manifest(
        args.out,
        command="brief",
        inputs=inputs,
        outputs=files,
        parameters={"province": analysis.province, "lang": args.lang, "formats": list(formats), "seed": analysis.seed,
                    "indicators": analysis.indicators_source},
        modeled_inputs=["divide.modeled (generated)"] if analysis.modeled else [],
        notes=["Figures computed from the modeled dataset are captioned 'Dữ liệu mô phỏng / modeled data'."]
        if analysis.modeled else [],
    )
    say(args, f"wrote {len(files) + 1} files to {args.out}")
    for path in [*files, manifest]:
        say(args, f"  {path.name}")
    return 0
