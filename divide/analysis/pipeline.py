"""The analysis pipeline shared by ``divide atlas``, ``divide brief`` and the notebooks.

:func:`analyse` runs every analysis step once, in order, on the national
commune table (so ranks, hot spots and types mean the same thing whether a
province is asked for or not), then keeps the province asked for:

1. indicators: the shipped modeled dataset, or a user's file validated first;
2. the divide index (:func:`divide.compute_index`) and its Monte Carlo rank
   interval (:func:`divide.index_uncertainty`);
3. the urban–rural gap and inequality (:mod:`divide.analysis.gaps`);
4. spatial patterns (LISA), typology, contiguous priority regions and
   priority tiers (:mod:`divide.analysis.hotspots`, :mod:`divide.analysis.typology`,
   :mod:`divide.analysis.regions`, :mod:`divide.analysis.priority`), national
   (``priority_tier``, ``priority_rank``) and within each province
   (``priority_tier_province``, ``priority_rank_province``).

Nothing here draws or writes files: that is :mod:`divide.atlas`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from divide import settings
from divide._errors import DivideError, InputError
from divide.geography import communes as admin

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["Analysis", "analyse", "load_indicators", "ANALYSIS_COLUMNS"]

#: Columns the pipeline adds to the commune table (the contract maps, exports and the brief rely on).
ANALYSIS_COLUMNS = [
    "infrastructure_gap", "usage_gap", "divide_index",  # the index
    "rank_national", "rank_province", "divide_tier", "rank_median", "rank_p05", "rank_p95", "values_filled",
    "divide_index_lisa", "type", "region_id",  # spatial patterns, typology, regions
    "priority_score", "priority_tier", "priority_rank",
    "priority_rank_province", "priority_tier_province",  # the same order within each province
]


@dataclass
class Analysis:
    """Everything :func:`analyse` computed, ready for maps, exports and the brief.

    Attributes
    ----------
    communes
        GeoDataFrame indexed by ``commune_code``: commune attributes, the
        indicator columns, ``source`` and :data:`ANALYSIS_COLUMNS`.
    provinces
        The provinces covered (index ``province_code``).
    gaps
        Urban–rural gap table (:func:`divide.urban_rural_gap`), national and
        by province.
    inequality
        Gini and Theil (with urban/rural and provincial decomposition) per measure.
    province
        Province code of a one-province run, else ``None``.
    modeled
        ``True`` when the indicators are the shipped modeled dataset.
    indicators_source
        ``"modeled"`` or the user's file name.
    seed
        Seed of every random step.
    log
        Parameters and the index specification, for the manifest.
    results
        The full result objects of each step (index, uncertainty, spatial,
        typology, regions), and ``"national"``: the commune table of every
        commune analysed (before the province was kept), for notebooks that
        want more than the columns.
    """

    communes: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    gaps: pd.DataFrame
    inequality: pd.DataFrame
    province: str | None
    modeled: bool
    indicators_source: str
    seed: int
    log: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str | None:
        """The modeled-data label when the indicators are modeled, else ``None``."""
        from divide.provenance import LABEL

        return LABEL if self.modeled else None


def load_indicators(
    indicators: str | Path | pd.DataFrame | None = None,
    communes: pd.DataFrame | None = None,
    *,
    seed: int | None = None,
) -> pd.DataFrame:
    """The indicator table a run works on: the modeled dataset, a user's file (validated), or a DataFrame.

    Parameters
    ----------
    indicators
        ``None`` for the shipped modeled dataset, a file path (validated
        first), or a DataFrame indexed by ``commune_code``.
    communes
        Reference communes (default: the 3,321 of 2025).
    seed
        Seed of the modeled dataset.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``commune_code``; ``attrs["modeled"]`` says whether it is
        modeled and ``attrs["source"]`` names it (``"modeled"``, the file name,
        or ``"user table"``).

    Raises
    ------
    DivideError
        With exit code 1 when the user's file fails validation.

    Examples
    --------
    >>> t = load_indicators(communes=admin.load_communes("Lai Châu"))
    >>> len(t), t.attrs["modeled"], t.attrs["source"]
    (38, True, 'modeled')
    """
    national = admin.load_communes() if communes is None else communes
    if indicators is None:
        from divide.modeled.indicators import model_indicators

        table = model_indicators(national, seed=settings.DEFAULT_SEED if seed is None else int(seed))
        table.attrs = {"modeled": True, "source": "modeled"}
        return table
    if isinstance(indicators, pd.DataFrame):
        table = indicators.copy()
        table.attrs["modeled"] = bool(indicators.attrs.get("modeled", False))
        table.attrs["source"] = str(indicators.attrs.get("path", "user table"))
        return table
    from divide.indicators.validation import validate

    report = validate(indicators, communes=national)
    if not report.usable:
        raise DivideError(
            f"the indicator file failed validation ({len(report.errors)} errors)",
            path=indicators,
            fix=f"run `divide validate {indicators}` for the full report, correct the file and rerun",
            exit_code=1,
        )
    table = report.table.copy()
    source_col = table["source"].astype(str) if "source" in table.columns else None
    table.attrs = {"modeled": bool(source_col is not None and (source_col == "modeled").all()),
                   "source": Path(indicators).name, "path": str(indicators)}
    return table


def analyse(
    indicators: str | Path | pd.DataFrame | None = None,
    province: str | int | None = None,
    *,
    seed: int | None = None,
    spec: Any = None,
    uncertainty_reps: int = 1000,
    min_population: float = 300_000,
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Run the whole analysis on the national table and keep the province asked for.

    Parameters
    ----------
    indicators
        ``None`` for the shipped modeled dataset (labelled modeled
        everywhere), a file path (validated first: a failed validation raises
        :class:`~divide.DivideError` with exit code 1), or a DataFrame indexed
        by ``commune_code``.
    province
        Optional province (name with or without diacritics, or code).
    seed
        Seed of every random step (default :data:`divide.settings.DEFAULT_SEED`).
    spec
        Index specification or preset name (default: the project's default).
    uncertainty_reps
        Monte Carlo replications for the rank intervals (0 skips them).
    min_population
        Population floor of a priority region.
    progress
        Called with a short message before each step.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> a = analyse(province="Lai Châu", uncertainty_reps=50)
    >>> len(a.communes), a.modeled, a.province
    (38, True, '12')
    >>> set(ANALYSIS_COLUMNS) <= set(a.communes.columns)
    True
    >>> sorted(a.communes["priority_tier"].dropna().unique().tolist())[:1]
    [1]
    >>> int((a.communes["priority_tier_province"] == 1).sum())  # ranks 1-7 of 38: ceil(5 * 7 / 38) = 1
    7
    """
    from divide.analysis.gaps import inequality, urban_rural_gap
    from divide.analysis.hotspots import contiguity_graph, spatial_patterns
    from divide.analysis.index import compute_index, index_uncertainty
    from divide.analysis.priority import priority
    from divide.analysis.regions import priority_regions
    from divide.analysis.typology import typology
    from divide.modeled.indicators import INDICATOR_COLUMNS

    say = progress or (lambda message: None)
    seed = settings.DEFAULT_SEED if seed is None else int(seed)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step] = round(now - clock, 3)
        clock = now

    code = admin.resolve_province(province) if province is not None else None
    say("loading communes")
    national = admin.load_communes()
    lap("load_communes")

    say("modeling the demonstration indicators (Dữ liệu mô phỏng / modeled data)" if indicators is None
        else f"reading and validating {indicators if not isinstance(indicators, pd.DataFrame) else 'the table'}")
    table = load_indicators(indicators, national, seed=seed)
    source = table.attrs["source"]
    modeled = bool(table.attrs.get("modeled", False))
    lap("indicators")

    # The analysis runs on the communes the table covers (national for the shipped data).
    communes = national.loc[national.index.intersection(table.index)]
    if code is not None and code not in set(communes["province_code"]):
        raise InputError(
            f"the indicator table has no commune in province {code}",
            path=source if source != "modeled" else None,
            fix="choose a province the table covers, or leave --province out",
        )
    table = table.reindex(communes.index)
    table.attrs["modeled"] = modeled

    say(f"computing the divide index ({len(table):,} communes)")
    index = compute_index(table, spec, communes=communes)
    scores = index.scores
    lap("index")
    uncertainty = None
    if uncertainty_reps:
        say(f"Monte Carlo rank intervals ({uncertainty_reps:,} replications)")
        uncertainty = index_uncertainty(table, spec, n=uncertainty_reps, seed=seed, communes=communes)
        scores = scores.join(uncertainty.ranks[["rank_median", "rank_p05", "rank_p95"]])
        lap("uncertainty")

    indicator_cols = [c for c in INDICATOR_COLUMNS if c in table.columns]
    merged = communes.join(table[indicator_cols + (["source"] if "source" in table else [])]).join(scores)

    say("urban–rural gaps and inequality")
    measures = indicator_cols + ["infrastructure_gap", "usage_gap", "divide_index"]
    gaps = pd.concat(
        [urban_rural_gap(merged, measures, communes=communes, by=by) for by in ("national", "province")],
        ignore_index=True,
    )
    ineq = pd.concat([inequality(merged, m, communes=communes) for m in measures], ignore_index=True)
    lap("gaps")

    say("spatial patterns: contiguity graph and local Moran's I (999 permutations)")
    w = contiguity_graph(communes)
    spatial = spatial_patterns(merged, communes=communes, w=w, seed=seed)
    merged = merged.join(spatial.local)
    lap("spatial")

    say("typology of communes (Gaussian mixture, k by BIC)")
    types = typology(merged, method="gmm", seed=seed)  # BIC: a gradient of types (silhouette keeps two ends)
    merged = merged.join(types.labels)
    lap("typology")

    say(f"contiguous priority regions (population floor {min_population:,.0f})")
    regions = priority_regions(merged, communes=communes, min_population=min_population, w=w, seed=seed)
    merged = merged.join(regions.labels)
    lap("regions")

    say("priority scores and tiers")
    prio = priority(merged, communes=communes)
    merged = merged.join(prio[[c for c in prio.columns if c not in merged.columns]])
    lap("priority")

    provinces = admin.load_provinces()
    provinces = provinces.loc[provinces.index.intersection(communes["province_code"].unique())]
    national_table = merged
    national_table.attrs = {"modeled": modeled, "source": source}
    if code is not None:
        merged = merged[merged["province_code"] == code]
        provinces = provinces.loc[[code]]
        gaps = gaps[gaps["scope"].isin(["VN", code])].reset_index(drop=True)
    merged.attrs = {"modeled": modeled, "source": source}
    log = {
        "seed": seed,
        "province": code,
        "indicators": source,
        "modeled": modeled,
        "uncertainty_reps": uncertainty_reps,
        "min_population": min_population,
        "index": index.log,
    }
    results = {"national": national_table, "index": index, "uncertainty": uncertainty, "spatial": spatial, "typology": types,
               "regions": regions, "graph": w}
    return Analysis(
        communes=merged,
        provinces=provinces,
        gaps=gaps,
        inequality=ineq,
        province=code,
        modeled=modeled,
        indicators_source=source,
        seed=seed,
        log=log,
        results=results,
        timings=timings,
    )
