"""The main job: one call that runs the whole pipeline and writes every output.

``divide atlas`` (and :func:`run_atlas`) runs :func:`divide.analysis.pipeline.analyse`
(indicators → index and rank intervals → urban–rural gaps → hot spots,
typology, priority regions and tiers) for the whole country or one province,
and writes to one folder:

* ``communes.gpkg`` (layers ``communes`` and ``provinces``) and ``communes.csv``
  (UTF-8 with BOM so that Excel shows Vietnamese names): every indicator,
  pillar, the index, its rank interval, tier, LISA label, type, region and
  priority;
* ``priority_map.png`` and ``priority_map.pdf`` (priority tiers),
  ``priority_map.html`` (interactive, offline), ``urban_rural_gap.png``;
* ``tier1_communes.xlsx`` (tier-1 communes, with a sheet of sources);

``tiers`` chooses the tiers of the province maps and of the workbook:
``"national"`` (quintiles of the country, ``priority_tier``) or
``"province"`` (quintiles within each province, ``priority_tier_province``);
the default is ``"province"`` for a province run (where to start in the
province) and ``"national"`` otherwise. Both are always in the tables. The
province map of a province run also shows the villages reported unserved in
public pages (:func:`divide.present.maps.reported_points`), observed data
placed at their commune's location.
* ``brief.md`` and ``brief.docx`` (the policy brief, Markdown and Word);
* ``manifest.json``: inputs with sha256, parameters, the index specification,
  package versions, and whether any input was modeled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from divide import settings
from divide.geography import communes as admin
from divide.provenance import write_manifest

__all__ = ["AtlasResult", "run_atlas", "resolve_tiers", "progress_bar", "TIERS", "TIER_COLUMNS"]


@dataclass
class AtlasResult:
    """What :func:`run_atlas` wrote."""

    out: Path
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    analysis: Any = None


def _source_inputs(indicators: str | Path | None) -> list[Path]:
    """The files the outputs were computed from."""
    inputs = [settings.ADMIN_GPKG, settings.SOURCE_COMMUNES, settings.POPULATION_GRID, settings.FACTS_CSV]
    if indicators is not None and not hasattr(indicators, "columns"):
        inputs.append(Path(indicators))
    return inputs


#: The steps of the main job, for the progress display.
_STEPS = 8


def run_atlas(
    out: str | Path = "outputs",
    province: str | int | None = None,
    *,
    indicators: str | Path | None = None,
    lang: str = "en",
    seed: int | None = None,
    uncertainty_reps: int = 1000,
    progress: Callable[[str], None] | bool | None = None,
    tiers: str | None = None,
    plan_budget: str | float | None = None,
    with_progress: bool | None = None,
) -> AtlasResult:
    """Run the pipeline and write every output to ``out``.

    Parameters
    ----------
    out
        Output folder (created if missing).
    province
        Optional province by name (with or without diacritics) or code.
    indicators
        A user's indicator file (validated first); default: the shipped
        modeled dataset, labelled modeled in every output.
    lang
        Language of maps, legends and the brief (``"en"`` or ``"vi"``).
    seed
        Seed of every random step (default :data:`divide.settings.DEFAULT_SEED`).
    uncertainty_reps
        Monte Carlo replications of the rank intervals.
    progress
        Called with a short message before each step; ``True`` draws a progress bar
        (:func:`progress_bar`, in a notebook too).
    tiers
        ``"national"`` or ``"province"``: the tiers of the province maps and
        of ``tier1_communes.xlsx`` (default: ``"province"`` when ``province``
        is given, else ``"national"``); recorded in the manifest.
    plan_budget
        A budget (``"50 tỷ"``, see :func:`divide.analysis.plan.parse_amount`): the brief gets "Which villages
        first" (:func:`divide.plan` on the shipped modeled villages of the run's scope) and
        ``budget_curve.png``. Default: none.
    with_progress
        Add "Progress toward the targets" (:func:`divide.progress` on the modeled vintages of the run's
        communes). Default (``None``): when the run uses the shipped modeled data.

    Returns
    -------
    AtlasResult
        The output folder, the files written, the time taken per step and
        the :class:`~divide.analysis.pipeline.Analysis`.

    Examples
    --------
    >>> import tempfile
    >>> result = run_atlas(tempfile.mkdtemp(), province="Lai Chau", uncertainty_reps=50)
    >>> sorted(p.name for p in result.files)  # doctest: +NORMALIZE_WHITESPACE
    ['brief.docx', 'brief.md', 'communes.csv', 'communes.gpkg', 'manifest.json', 'priority_map.html', 'priority_map.pdf',
     'priority_map.png', 'priority_map_national.png', 'tier1_communes.xlsx', 'urban_rural_gap.png']
    """
    from divide._errors import InputError
    from divide.analysis.pipeline import analyse

    if lang not in ("en", "vi"):
        raise InputError(f"unknown language {lang!r}", where="--lang", fix="use 'en' or 'vi'")
    tiers = resolve_tiers(tiers, province)
    from divide.provenance import reproducible_environment

    reproducible_environment()
    started = time.perf_counter()
    step = 0

    if progress is True:
        progress = progress_bar()

    def say(message: str) -> None:
        if progress:
            progress(message)

    def stage(message: str) -> None:
        nonlocal step
        step += 1
        say(f"[{step}/{_STEPS}] {message}")

    stage("analysis: indicators, index, rank intervals, gaps, hot spots, types, regions, tiers")
    analysis = analyse(indicators, province, seed=seed, uncertainty_reps=uncertainty_reps,
                       progress=lambda m: say(f"      {m}"))
    analysis.log["tiers"] = tiers  # the brief lists the tier-1 communes of the tiers the maps show
    timings = dict(analysis.timings)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    communes = analysis.communes

    def lap(name: str, t0: float) -> None:
        timings[name] = round(time.perf_counter() - t0, 3)

    t0 = time.perf_counter()
    stage(f"writing the commune table ({len(communes):,} communes): communes.gpkg, communes.csv")
    files += _write_tables(analysis, out)
    lap("write_tables", t0)

    t0 = time.perf_counter()
    stage("drawing the priority map (PNG, PDF)")
    files += _priority_maps(analysis, out, lang, tiers)
    lap("priority_map", t0)

    t0 = time.perf_counter()
    stage("writing the interactive map (offline HTML)")
    from divide.indicators.observed import reported_villages
    from divide.present.webmap import interactive_map

    register = reported_villages()
    files.append(interactive_map(communes, out / "priority_map.html", lang=lang, reported=register))
    lap("interactive_map", t0)

    t0 = time.perf_counter()
    stage("drawing the urban–rural gap chart")
    from divide.present.maps import plot_urban_rural_gap

    files.append(_as_path(plot_urban_rural_gap(analysis.gaps, out / "urban_rural_gap.png", lang=lang,
                                               modeled=analysis.modeled), out / "urban_rural_gap.png"))
    lap("gap_chart", t0)

    t0 = time.perf_counter()
    stage("listing tier-1 communes: tier1_communes.xlsx")
    files.append(_tier1(analysis, out / "tier1_communes.xlsx", tiers))
    lap("tier1", t0)

    t0 = time.perf_counter()
    stage("writing the policy brief: brief.md and brief.docx (with a national and a province map)")
    from divide.present.brief import write_brief

    maps = brief_maps(analysis, out, lang, drawn=out / "priority_map.png", tiers=tiers)
    files += [p for p in maps.values() if p.name != "priority_map.png"]
    sections = brief_sections(analysis, plan_budget, with_progress, seed)
    files += [p for p in write_brief(analysis, out, lang=lang, maps=maps, formats=("md", "docx"),
                                     observed=register, **sections)]
    lap("brief", t0)

    stage("writing the manifest")
    files.append(
        write_manifest(
            out,
            command="atlas",
            inputs=_source_inputs(indicators),
            outputs=files,
            parameters={
                "province": analysis.province,
                "lang": lang,
                "tiers": tiers,
                "seed": analysis.seed,
                "indicators": analysis.indicators_source,
                "uncertainty_reps": uncertainty_reps,
                "index_spec": analysis.log.get("index", {}).get("spec"),
                "min_population": analysis.log.get("min_population"),
            },
            modeled_inputs=_modeled_inputs(analysis),
            notes=_notes(analysis, timings, tiers),
        )
    )
    return AtlasResult(out=out, files=files, seconds=time.perf_counter() - started, timings=timings,
                       analysis=analysis)


def _modeled_inputs(analysis: Any) -> list[Path]:
    """The shipped modeled table (regenerated in memory by :func:`divide.model_indicators`, same seed)."""
    return [settings.MODELED_DIR / settings.MODELED_FILES["indicators"]] if analysis.modeled else []


def _as_path(value: Any, default: Path) -> Path:
    return value if isinstance(value, Path) else default


def _write_tables(analysis: Any, out: Path) -> list[Path]:
    """communes.gpkg (communes + provinces layers) and communes.csv (UTF-8 with BOM)."""
    from divide.present.exports import export

    gpkg = out / "communes.gpkg"
    export(analysis.communes, gpkg, layer="communes")
    export(analysis.provinces, gpkg, layer="provinces")
    csv = out / "communes.csv"
    export(analysis.communes, csv)
    return [gpkg, csv]


#: The tier choices of :func:`run_atlas` (``--tiers``).
TIERS = ("national", "province")

#: The tier and rank columns of each choice.
TIER_COLUMNS = {"national": ("priority_tier", "priority_rank"),
                "province": ("priority_tier_province", "priority_rank_province")}


def resolve_tiers(tiers: str | None, province: Any) -> str:
    """The tiers of a run: ``tiers`` when given, else ``"province"`` for a province run and ``"national"`` otherwise.

    Examples
    --------
    >>> resolve_tiers(None, "Lai Châu"), resolve_tiers(None, None), resolve_tiers("national", "12")
    ('province', 'national', 'national')
    """
    if tiers is None:
        return "national" if province is None else "province"
    if tiers not in TIERS:
        from divide._errors import InputError

        raise InputError(f"unknown tiers {tiers!r}", where="--tiers", fix="use 'national' or 'province'")
    return tiers


def _priority_maps(analysis: Any, out: Path, lang: str, tiers: str) -> list[Path]:
    from divide.present.maps import map_priority

    png, pdf = out / "priority_map.png", out / "priority_map.pdf"
    # The figure is built without pyplot, so nothing is left open to close.
    map_priority(analysis.communes, provinces=analysis.provinces, lang=lang, out=[png, pdf], tiers=tiers,
                 reported=True if analysis.province is not None else None)
    return [png, pdf]


def brief_sections(analysis: Any, plan_budget: Any = None, with_progress: bool | None = None,
                   seed: int | None = None) -> dict[str, Any]:
    """The optional sections of the brief: a plan (given a budget), progress (on modeled data, or when asked)."""
    out: dict[str, Any] = {}
    scope = admin.load_communes(analysis.province) if analysis.province is not None else admin.load_communes()
    seed = settings.DEFAULT_SEED if seed is None else int(seed)
    if plan_budget is not None:
        from divide.analysis.plan import plan

        out["plan"] = plan(communes=scope, budget=plan_budget, province=analysis.province, seed=seed, mc_reps=0)
    if with_progress or (with_progress is None and analysis.modeled):
        from divide.analysis.progress import progress
        from divide.modeled.vintages import model_vintages

        out["progress"] = progress(model_vintages(scope, seed=seed), communes=scope)
    return out


def brief_maps(analysis: Any, out: Path, lang: str = "en", *, drawn: Path | None = None,
               tiers: str | None = None) -> dict[str, Path]:
    """The two maps of the brief: the national priority map and one province's.

    The province is the one asked for, else the one with the most tier-1
    communes (national tiers). ``drawn`` is a priority map already drawn for
    this run (national, or the province's), reused rather than drawn twice.
    ``tiers`` colours the province map (default as :func:`run_atlas`:
    ``"province"`` in a province run); the national map of a province run
    keeps the national tiers. In a province run the province map shows the
    reported villages. Returns ``{"national": path, "province" or
    "province:<name>": path}``.
    """
    from divide.present.maps import map_priority

    tiers = resolve_tiers(tiers, analysis.province)
    national = getattr(analysis, "results", {}).get("national", analysis.communes)
    if analysis.province is not None:
        code = analysis.province
    else:
        tier1 = national.loc[national["priority_tier"] == 1, "province_code"]
        code = tier1.value_counts().sort_index().idxmax() if len(tier1) else national["province_code"].iloc[0]
    provinces = admin.load_provinces()
    name = str(provinces.loc[code, "province_name"])
    key = "province" if analysis.province is not None else f"province:{name}"
    maps: dict[str, Path] = {}
    for which, table, outlines, path in (
        ("national", national, provinces, out / "priority_map_national.png"),
        (key, national[national["province_code"] == code], provinces.loc[[code]], out / f"priority_map_{code}.png"),
    ):
        is_drawn = drawn is not None and drawn.exists() and (
            (which == "national") == (analysis.province is None))
        if is_drawn:
            maps[which] = drawn
            continue
        province_map = which != "national"
        map_priority(table, provinces=outlines, lang=lang, out=path, dpi=150,
                     tiers=tiers if province_map or analysis.province is None else "national",
                     reported=True if province_map and analysis.province is not None else None)
        maps[which] = path
    return maps


def _tier1(analysis: Any, path: Path, tiers: str = "national") -> Path:
    """Tier-1 communes of the chosen tiers in order, with both tiers and ranks and a sheet of sources.

    National tiers are ordered by national rank; province tiers by province,
    then by rank within it. Every column of the table is kept, so both the
    national and the province tier and rank are in the workbook.
    """
    from divide.present.exports import export

    c = analysis.communes
    tier, rank = TIER_COLUMNS[tiers]
    order = [rank] if tiers == "national" else ["province_code", rank]
    tier1 = c[c[tier] == 1].sort_values(order, kind="stable")
    keep = [col for col in c.columns if col != "geometry"]
    table = tier1[keep].copy()
    table.attrs = dict(c.attrs)
    export(table, path)
    return path


def _notes(analysis: Any, timings: dict[str, float], tiers: str = "national") -> list[str]:
    c = analysis.communes
    tier = TIER_COLUMNS[tiers][0]
    notes = [
        f"{len(c)} communes, population {c['population'].sum():,.0f} (WorldPop 2020 1 km grid, zonal sums)",
        f"indicators: {analysis.indicators_source}" + (" (Dữ liệu mô phỏng / modeled data)" if analysis.modeled else ""),
        f"tier-1 communes ({tiers} tiers, {tier}): {int((c[tier] == 1).sum())}",
        "seconds per step: " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()),
    ]
    return notes

def progress_bar(file: Any = None) -> Callable[[str], None]:
    """A progress callback drawing a tqdm bar over the atlas steps (``[i/n] what``), sub-steps beside it.

    ``divide atlas`` uses it on a terminal; in a notebook pass ``progress=True`` to :func:`run_atlas`
    (``tqdm.auto`` draws a notebook bar where ipywidgets is available, text otherwise).
    """
    import re
    import sys

    from tqdm.auto import tqdm

    file = sys.stderr if file is None else file

    state: dict = {}
    pattern = re.compile(r"^\[(\d+)/(\d+)\]\s*(.*)$")

    def report(message: str) -> None:
        m = pattern.match(message.strip())
        if m:
            step, total, what = int(m.group(1)), int(m.group(2)), m.group(3)
            bar = state.get("bar")
            if bar is None:
                bar = state["bar"] = tqdm(total=total, file=file, unit="step", leave=False,
                                          bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]")
            bar.n = step - 1
            bar.set_description_str(what[:60])
            bar.refresh()
        elif "bar" in state:
            state["bar"].set_postfix_str(message.strip()[:50])
        else:
            print(f"… {message}", file=file, flush=True)

    return report
