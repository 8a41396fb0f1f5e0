"""``divide atlas``: the main job on the shipped data (or the user's table)."""

from __future__ import annotations

import argparse

from divide.cli.options import (
    add_indicators,
    add_lang,
    add_out_dir,
    add_province,
    add_seed,
    number,
    progress_printer,
    say,
)

__all__ = ["add_parser", "run", "ATLAS_FILES"]

#: The files the atlas writes into its folder (none of them may be an input).
ATLAS_FILES = ('communes.gpkg', 'communes.csv', 'priority_map.png', 'priority_map.pdf', 'priority_map.html', 'urban_rural_gap.png', 'tier1_communes.xlsx', 'brief.md', 'brief.docx', 'budget_curve.png', 'manifest.json')


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``divide atlas``."""
    p = sub.add_parser("atlas", help="the main job: run the pipeline on the shipped data and write all outputs")
    add_out_dir(p)
    add_province(p)
    add_indicators(p)
    add_lang(p)
    add_seed(p)
    p.add_argument("--reps", type=number(integer=True, minimum=1, maximum=100_000), default=1000, metavar="N",
                   help="Monte Carlo replications of the rank intervals (default 1000)")
    p.add_argument("--tiers", choices=("national", "province"), default=None,
                   help="tiers of the province maps and tier1_communes.xlsx: national quintiles, or quintiles within "
                        "the province (default: province with --province, national otherwise)")
    p.add_argument("--plan-budget", default=None, metavar="AMOUNT",
                   help="add 'Which villages first' to the brief: a village plan within this budget (e.g. '50 tỷ'), "
                        "and budget_curve.png")
    p.add_argument("--progress", dest="with_progress", action=argparse.BooleanOptionalAction, default=None,
                   help="add 'Progress toward the targets' to the brief (default: on the shipped modeled data)")
    p.set_defaults(handler=run, out_kind="folder", out_files=ATLAS_FILES)


def run(args: argparse.Namespace) -> int:
    """Run the atlas; return the exit code."""
    from divide.atlas import run_atlas

    result = run_atlas(
        out=args.out,
        province=args.province,
        indicators=args.indicators,
        lang=args.lang,
        seed=args.seed,
        uncertainty_reps=args.reps,
        progress=progress_printer(args),
        tiers=args.tiers,
        plan_budget=args.plan_budget,
        with_progress=args.with_progress,
    )
    say(args, f"wrote {len(result.files)} files to {result.out} in {result.seconds:.1f} s")
    for path in result.files:
        say(args, f"  {path.name}")
    return 0
