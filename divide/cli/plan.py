"""``divide plan``: which villages without mobile signal get what, within a budget (issue 15)."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from divide.cli.options import add_lang, add_province, add_seed, progress_printer, say

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``divide plan``."""
    p = sub.add_parser("plan", help="investment plan: which villages get a 4G site or a satellite terminal for a "
                                    "budget")
    p.add_argument("--budget", required=True, metavar="AMOUNT",
                   help="budget as planners write it: '50 tỷ', '50 tỷ đồng', '50.000.000.000', '2,5 tỷ'")
    p.add_argument("--currency", choices=("VND", "USD"), default=None,
                   help="currency of the budget and of the outputs (default VND, or the one the amount names)")
    add_province(p)
    p.add_argument("--villages", metavar="FILE|reported",
                   help="your village file (read by divide.read_villages), or 'reported': the observed register of "
                        "villages reported without signal in public pages, placed at their commune (a file named "
                        "'reported': give ./reported); default: the shipped modeled layer")
    p.add_argument("--village-population", type=float, default=None, metavar="N",
                   help="people assumed per reported village with --villages reported (the register gives none; "
                        "default 300)")
    p.add_argument("--costs", type=Path, metavar="FILE", help="YAML overriding items of data/costs.yaml")
    p.add_argument("--objective", choices=("people", "leave_no_one_behind"), default="people",
                   help="people: most people covered; leave_no_one_behind: villages without signal and power first")
    p.add_argument("--radius-km", type=float, default=5.0, help="service radius of a 4G site (default 5 km)")
    p.add_argument("--reps", type=int, default=30, metavar="N",
                   help="Monte Carlo draws over the cost ranges (default 30; 0: none)")
    add_lang(p, help="language of the workbook and the figures")
    add_seed(p)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(handler=run)


def _check_out(out: Path) -> None:
    from divide._errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError("the output path is a file", path=out, where="--out", fix="give a folder")
    parent = out if out.exists() else out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not shutil.disk_usage(parent).free:
        raise InputError("cannot write here", path=out, where="--out", fix="give a writable folder")


def run(args: argparse.Namespace) -> int:
    """Plan, write plan.xlsx, plan.gpkg, plan_map.png, budget_curve.png and manifest.json; return the exit code."""
    from divide._errors import InputError
    from divide.analysis.plan import OBSERVED, VILLAGE_POPULATION, VILLAGES_MODELED, load_costs, parse_amount, plan
    from divide.geography.communes import load_communes
    from divide.indicators.readers import read_villages
    from divide.present.plan_outputs import write_plan_outputs
    from divide.provenance import write_manifest
    from divide.settings import DEFAULT_SEED, REPORTED_VILLAGES_CSV

    report = progress_printer(args)
    out = Path(args.out)
    _check_out(out)
    amount, currency = parse_amount(args.budget, args.currency)
    costs = load_costs(args.costs)
    communes = load_communes()
    reported = args.villages == "reported"
    if args.village_population is not None and not reported:
        raise InputError("--village-population is only for --villages reported", where="--village-population",
                         fix="drop it: village files and the modeled layer carry their own population")
    villages = "reported" if reported else None
    if args.villages is not None and not reported:
        report(f"reading {args.villages}")
        villages, _ = read_villages(Path(args.villages), communes=communes)
        villages.attrs["source_file"] = str(args.villages)
    report("planning")
    pop = VILLAGE_POPULATION if args.village_population is None else args.village_population
    vp = plan(villages, communes=communes, budget=amount, currency=currency, costs=costs, objective=args.objective,
              radius_km=args.radius_km, province=args.province, seed=args.seed or DEFAULT_SEED, mc_reps=args.reps,
              village_population=pop)
    report("writing")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".plan-", dir=out.parent))
    try:
        shown = communes if args.province is None else communes[communes["province_code"].isin(
            vp.villages["province_code"])]
        files = write_plan_outputs(vp, tmp, shown, args.lang)
        out.mkdir(parents=True, exist_ok=True)
        files = [f.replace(out / f.name) for f in files]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    inputs = [Path(p) for p in (REPORTED_VILLAGES_CSV if reported else args.villages, args.costs) if p is not None]
    notes = [vp.summary("en")]
    if vp.modeled:
        notes.insert(0, "Made from the modeled village layer: not observed data.")
    if vp.observed:
        notes.insert(0, f"Demand: {OBSERVED['en']} (data/observed/reported_villages.csv), not modeled; the register "
                        f"has no coordinates (each village at its commune's representative point) and no population "
                        f"({pop:g} people assumed per village).")
    if len(vp.unreachable):
        notes.append(f"{len(vp.unreachable)} villages cannot be served within the budget (cheapest option "
                     "costs more): see plan.xlsx, sheet villages.")
    write_manifest(out, command="plan", inputs=inputs, outputs=files,
                   parameters={"budget": amount, "currency": currency, "province": args.province,
                               "objective": args.objective, "radius_km": args.radius_km, "lang": args.lang,
                               "reps": args.reps, "seed": args.seed or DEFAULT_SEED,
                               "villages": str(args.villages or VILLAGES_MODELED),
                               "village_population": pop if reported else None,
                               "costs": str(args.costs) if args.costs else "data/costs.yaml",
                               "exchange_rate_vnd_per_usd": vp.log["rate_vnd_per_usd"]},
                   modeled_inputs=[VILLAGES_MODELED] if vp.modeled else [], notes=notes)
    print(vp.summary(args.lang))
    if len(vp.unreachable):
        print(f"{len(vp.unreachable)} villages cannot be served within the budget (see plan.xlsx)")
    say(args, f"wrote 5 files to {out}")
    return 0
