"""The one structured content of the brief (:func:`brief_content`), every figure with its reference.

Both renderers (:mod:`divide.present.brief.markdown`, :mod:`divide.present.brief.html`)
draw this content, so the two formats always say the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from divide._errors import InputError
from divide._version import __version__
from divide.indicators.columns import column_label
from divide.present.brief.blocks import BriefContent, Figure, Image, Paragraph, Section, Table
from divide.present.brief.context import (
    Context,
    Refs,
    fact_reference,
    isnan,
    num,
    province_name,
    signed,
    smart,
)
from divide.present.brief.labels import (
    GAP_MEASURES,
    KEY_FACTS,
    LANGS,
    PCT_MEASURES,
    QUALIFIERS,
    STATUS_LABELS,
    UNITS_VI,
    Lang,
    t,
)
from divide.present.brief.plan_section import plan_section
from divide.present.brief.sections import observed_section, progress_section
from divide.provenance import LABEL

__all__ = ["brief_content"]


def _fact_figures(lang: Lang, refs: Refs, fact_ids: Sequence[str]) -> list[Figure]:
    from divide.indicators.facts import cite_row, facts

    table = facts()
    out = []
    for fid in fact_ids:
        if fid not in table.index:
            raise InputError(f"unknown fact id {fid!r} in the brief's key facts",
                             fix="list the ids with `divide facts`")
        row = table.loc[fid]
        number = fact_reference(fid, table, lang, refs)  # one entry per document
        vi_label, vi_period = KEY_FACTS.get(fid, (row["indicator"], row["period"]))
        if math.isnan(row["value"]):
            value = str(row["value_text"])
        else:
            unit = str(row["unit"])
            unit = UNITS_VI.get(unit, unit) if lang == "vi" else unit
            qualifier = QUALIFIERS[lang].get(row["qualifier"], "")
            sep = "" if unit.startswith("%") else " "
            value = f"{qualifier}{smart(row['value'], lang)}{sep}{unit}"
        out.append(Figure(
            label=str(row["indicator"]) if lang == "en" else vi_label,
            value=value,
            date=str(row["period"]) if lang == "en" else vi_period,
            status=STATUS_LABELS[lang].get(row["status"], row["status"]),
            source=cite_row(fid, table, lang),
            ref=number,
        ))
    return out


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & weights.notna() & (weights > 0)
    if not ok.any():
        return float("nan")
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum())


def _computed_figures(ctx: Context) -> list[Figure]:
    c = ctx.communes
    lang = ctx.lang
    out: list[Figure] = []
    pop = c["population"].sum(min_count=1) if "population" in c.columns else float("nan")
    out.append(ctx.computed(ctx.t("f_communes"),
                            ctx.t("f_communes_v", n=num(len(c), lang), pop=num(pop, lang)), observed=True))
    miss = ctx.missing(ctx.t("f_classes"), ["urban_rural"])
    if miss:
        out.append(miss)
    else:
        counts = c["urban_rural"].astype(str).value_counts()
        out.append(ctx.computed(ctx.t("f_classes"), ctx.t(
            "f_classes_v", u=num(counts.get("urban", 0), lang), r=num(counts.get("rural", 0), lang),
            s=num(counts.get("special_zone", 0), lang)), observed=True))
    for key, col in (("f_no_signal", "villages_no_signal"), ("f_no_power", "villages_no_power")):
        miss = ctx.missing(ctx.t(key), [col, "villages_total"])
        if miss:
            out.append(miss)
            continue
        n = c[col].sum(min_count=1)
        total = c["villages_total"].sum(min_count=1)
        out.append(ctx.computed(ctx.t(key), ctx.t("f_villages_v", n=num(n, lang), total=num(total, lang))))
    gaps = _gap_rows(ctx)
    if gaps is not None and len(gaps):
        scope = "VN" if ctx.province is None else ctx.province
        mine = gaps[(gaps["scope"].astype(str) == scope) & gaps["measure"].isin(PCT_MEASURES)]
        mine = mine[mine["difference"].notna()]
        if len(mine):
            widest = mine.loc[mine["difference"].abs().idxmax()]
            label = column_label(widest["measure"], lang)
            out.append(ctx.computed(ctx.t("f_widest"), ctx.t(
                "f_widest_v", measure=label, urban=num(widest["urban_mean"], lang, 1) + " %",
                rural=num(widest["rural_mean"], lang, 1) + " %")))
    miss = ctx.missing(ctx.t("f_index_ur"), ["divide_index", "urban_rural", "population"])
    if miss:
        out.append(miss)
    else:
        ur = c["urban_rural"].astype(str)
        urban = _weighted_mean(c.loc[ur == "urban", "divide_index"], c.loc[ur == "urban", "population"])
        rural = _weighted_mean(c.loc[ur == "rural", "divide_index"], c.loc[ur == "rural", "population"])
        out.append(ctx.computed(ctx.t("f_index_ur"), ctx.t("f_index_ur_v", urban=num(urban, lang, 1),
                                                           rural=num(rural, lang, 1))))
    ineq = getattr(ctx.a, "inequality", None)
    gini = _inequality_value(ineq, "divide_index", "gini", "none", "total")
    if not isnan(gini):
        out.append(ctx.computed(ctx.t("f_gini"), num(gini, lang, 3)))
    share = _inequality_value(ineq, "divide_index", "theil", "urban_rural", "between_share")
    if not isnan(share):
        out.append(ctx.computed(ctx.t("f_theil"), num(100 * share, lang, 1) + " %"))
    miss = ctx.missing(ctx.t("f_tier1"), ["priority_tier"])
    if miss:
        out.append(miss)
    else:
        tier1 = c[pd.to_numeric(c["priority_tier"], errors="coerce") == 1]
        pop1 = tier1["population"].sum() if "population" in tier1.columns else float("nan")
        out.append(ctx.computed(ctx.t("f_tier1"), ctx.t("f_communes_v", n=num(len(tier1), lang),
                                                          pop=num(pop1, lang))))
    return out


def _inequality_value(ineq: Any, measure: str, statistic: str, grouping: str, component: str) -> float:
    """One value of the long inequality table of :func:`divide.inequality` (NaN when absent)."""
    need = {"measure", "statistic", "grouping", "component", "value"}
    if not isinstance(ineq, pd.DataFrame) or not need <= set(ineq.columns):
        return float("nan")
    row = ineq[(ineq["measure"] == measure) & (ineq["statistic"] == statistic)
               & (ineq["grouping"] == grouping) & (ineq["component"] == component)]
    return float(row["value"].iloc[0]) if len(row) else float("nan")


_GAP_COLUMNS = ("measure", "scope", "urban_mean", "rural_mean", "difference", "ratio")


def _gap_rows(ctx: Context) -> pd.DataFrame | None:
    gaps = getattr(ctx.a, "gaps", None)
    if not isinstance(gaps, pd.DataFrame) or not set(_GAP_COLUMNS) <= set(gaps.columns):
        return None
    scopes = ["VN"] + ([ctx.province] if ctx.province else [])
    rows = gaps[gaps["scope"].astype(str).isin(scopes) & gaps["measure"].isin(list(GAP_MEASURES))]
    return rows


def _gap_section(ctx: Context) -> Section:
    section = Section(ctx.t("s_gap"))
    rows = _gap_rows(ctx)
    if rows is None or rows.empty:
        section.blocks.append(Paragraph(ctx.t("gap_none")))
        return section
    lang = ctx.lang
    section.blocks.append(ctx.cited(ctx.t("gap_intro", ref="")))
    order = {m: i for i, m in enumerate(GAP_MEASURES)}
    scopes = ["VN"] + ([ctx.province] if ctx.province else [])
    table_rows, row_refs = [], []
    for scope in scopes:
        part = rows[rows["scope"].astype(str) == scope]
        part = part.iloc[sorted(range(len(part)), key=lambda i: order[part["measure"].iloc[i]])]
        name = t("vn", lang) if scope == "VN" else province_name(ctx.a, scope)
        for _, r in part.iterrows():
            table_rows.append([
                name, column_label(r["measure"], lang),
                num(r["urban_mean"], lang, 1), num(r["rural_mean"], lang, 1),
                signed(r["difference"], lang, 1), num(r["ratio"], lang, 2),
                ctx.data_source,
            ])
            row_refs.append(ctx.data_ref)
    columns = [ctx.t(k) for k in ("c_scope", "c_measure", "c_urban", "c_rural", "c_diff", "c_ratio", "c_source")]
    section.blocks.append(Table(columns, table_rows, row_refs, ctx.caption("w_table")))
    return section


def _maps_section(ctx: Context, maps: Mapping[str, str | Path] | None) -> Section:
    section = Section(ctx.t("s_maps"))
    if not maps:
        section.blocks.append(Paragraph(ctx.t("maps_none")))
        return section
    for key, path in maps.items():
        if key == "national":
            alt = ctx.t("map_national")
        elif key == "province":
            alt = ctx.t("map_province", name=ctx.scope)
        elif str(key).startswith("province:"):
            alt = ctx.t("map_province", name=str(key).split(":", 1)[1])
        else:
            alt = ctx.t("map_other", name=str(key))
        section.blocks.append(Image(Path(path), alt, ctx.caption("w_map")))
    return section


def _tier1_section(ctx: Context, top: int) -> Section:
    c = ctx.communes
    lang = ctx.lang
    # A province run may order by the tiers within the province (analysis.log["tiers"], set by the atlas).
    within = (getattr(ctx.a, "log", None) or {}).get("tiers") == "province" and "priority_tier_province" in c.columns
    tier_col, rank_col = ("priority_tier_province", "priority_rank_province") if within else ("priority_tier",
                                                                                             "priority_rank")
    section = Section(ctx.t("s_tier1_province") if within else ctx.t("s_tier1"))
    if tier_col not in c.columns:
        section.blocks.append(Paragraph(ctx.t("tier1_none")))
        return section
    tier1 = c[pd.to_numeric(c[tier_col], errors="coerce") == 1].copy()
    if tier1.empty:
        section.blocks.append(Paragraph(ctx.t("tier1_empty", scope=ctx.scope)))
        return section
    if rank_col in tier1.columns:
        tier1 = tier1.sort_values(rank_col, kind="mergesort")
    elif "divide_index" in tier1.columns:
        tier1 = tier1.sort_values("divide_index", ascending=False, kind="mergesort")
    shown = tier1.head(top)
    section.blocks.append(ctx.cited(ctx.t("tier1_intro", n=num(len(tier1), lang), k=num(len(shown), lang), ref="")))
    nc = ctx.t("not_computed")

    def col(name: str, fmt: Any) -> list[str]:
        if name not in shown.columns:
            return [nc] * len(shown)
        return [fmt(v) for v in shown[name]]

    ranks = col(rank_col, lambda v: num(v, lang))
    names = col("commune_name", str)
    provinces = col("province_name", str)
    index = col("divide_index", lambda v: num(v, lang, 1))
    if {"rank_p05", "rank_p95"} <= set(shown.columns):
        interval = [f"{num(lo, lang)}–{num(hi, lang)}" if not (isnan(lo) or isnan(hi)) else "—"
                    for lo, hi in zip(shown["rank_p05"], shown["rank_p95"])]
    else:
        interval = [nc] * len(shown)
    rows = [list(r) + [ctx.data_source] for r in zip(ranks, names, provinces, index, interval)]
    columns = [ctx.t(k) for k in ("c_rank", "c_commune", "c_province", "c_index", "c_interval", "c_source")]
    section.blocks.append(Table(columns, rows, [ctx.data_ref] * len(rows), ctx.caption("w_table")))
    return section


def brief_content(
    analysis: Any,
    *,
    lang: Lang = "en",
    maps: Mapping[str, str | Path] | None = None,
    top: int = 20,
    fact_ids: Sequence[str] | None = None,
    plan: Any = None,
    progress: Any = None,
    observed: pd.DataFrame | None = None,
    plan_figure: str | Path | None = None,
) -> BriefContent:
    """Build the structured content of the brief (what both renderers draw).

    Parameters
    ----------
    analysis
        A :class:`divide.analysis.pipeline.Analysis`, or any object with its attributes
        (``communes``, ``gaps``, ``inequality``, ``province``, ``modeled``,
        ``indicators_source``, ``seed``; ``provinces`` optional). Missing
        columns and tables are reported as "not computed".
    lang
        ``"en"`` or ``"vi"``.
    maps
        Map files by role, e.g. ``{"national": Path, "province": Path}``.
    top
        How many tier-1 communes to list.
    fact_ids
        National facts to show (default: :data:`KEY_FACTS`).
    plan
        A :class:`divide.analysis.plan.VillagePlan` (:func:`divide.plan`): adds the section "Which
        villages first" (:func:`~divide.present.brief.plan_section.plan_section`).
    progress
        A :class:`divide.analysis.progress.ProgressResult` (:func:`divide.progress`): adds the section
        "Progress toward the targets" (:func:`~divide.present.brief.sections.progress_section`).
    observed
        The register of reported villages (:func:`divide.reported_villages`): adds the table of reported
        against modeled villages without signal per province
        (:func:`~divide.present.brief.sections.observed_section`).
    plan_figure
        The plan's budget curve image, shown in the plan section.

    Returns
    -------
    BriefContent
        Sections of :class:`Figure`, :class:`Paragraph`, :class:`Table` and
        :class:`Image`; every figure and table row names its reference number.

    Examples
    --------
    >>> import types, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> a = types.SimpleNamespace(communes=c, gaps=None, inequality=None, province=None,
    ...                           modeled=False, indicators_source="mine.csv", seed=1)
    >>> content = brief_content(a, lang="vi")
    >>> content.figures()[0].label, content.references[2].text.startswith("Thông báo 16/TB-VPCP")
    ('Thôn, bản chưa được phủ sóng di động và thiếu điện', True)
    """
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}", fix="use lang='en' or lang='vi'")
    if not isinstance(getattr(analysis, "communes", None), pd.DataFrame):
        raise InputError("the analysis has no commune table (attribute 'communes')",
                         fix="pass the result of divide.analysis.pipeline.analyse()")
    refs = Refs()
    ctx = Context(analysis, lang, refs)
    intro = [Paragraph(ctx.t("intro", ref="").rstrip(" ."), (ctx.geo_ref,))]
    if ctx.modeled:
        intro.append(Paragraph(ctx.t("intro_modeled", label=LABEL, ref="").rstrip(" ."), (ctx.data_ref,)))
    else:
        intro.append(Paragraph(ctx.t("intro_user", source=ctx.source_name, ref="").rstrip(" ."), (ctx.data_ref,)))
    national = Section(ctx.t("s_national"), _fact_figures(lang, refs, list(fact_ids or KEY_FACTS)))
    computed = Section(ctx.t("s_computed", scope=ctx.scope), _computed_figures(ctx))
    if ctx.modeled:
        computed.blocks.append(ctx.caption("w_table"))
    legend = ctx.t("statuses", modeled=ctx.t("status_modeled") if ctx.modeled else "")
    key = Section(ctx.t("s_key"), [Paragraph(legend), national, computed])
    sections = [key, _gap_section(ctx), _maps_section(ctx, maps), _tier1_section(ctx, top)]
    if progress is not None:
        sections.append(progress_section(ctx, progress))
    if observed is not None:
        sections.append(observed_section(ctx, observed))
    if plan is not None:
        sections.append(plan_section(ctx, plan, plan_figure, top))
    return BriefContent(
        title=ctx.t("title", scope=ctx.scope),
        lang=lang,
        modeled=ctx.modeled,
        intro=intro,
        sections=sections,
        references=sorted(refs.items.values(), key=lambda r: r.number),
        colophon=ctx.t("colophon", version=__version__),
    )
