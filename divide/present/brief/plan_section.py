"""The optional section "Which villages first" of the brief: a :class:`divide.analysis.plan.VillagePlan`.

The section states the plan's budget and spending, the people newly covered, the sites and the villages
they serve by technology, the villages left without signal, the cost of reaching every village, the
leave-no-one-behind trade-off when the plan has one, and the first interventions. Every figure cites the
plan (how it was solved, from what demand) and the unit costs cite their sources in ``data/costs.yaml``,
one reference per source (a web address, or the name before its first parenthesis: "ITU Connectivity
Planning Platform default", "divide assumption"). Modeled villages give the modeled caption; villages of
the register of reports are labelled observed, with the population assumed for each.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from divide._version import __version__
from divide.present.brief.blocks import Figure, Image, Paragraph, Section, Table
from divide.present.brief.context import Context, num
from divide.present.brief.labels import STATUS_LABELS
from divide.provenance import LABEL

__all__ = ["plan_section", "cost_references", "cost_items"]

#: Rows of a plan's assumptions that say how observed demand was made (:func:`divide.analysis.plan.observed_assumptions`).
_DEMAND_ROWS = ("demand_data", "demand_rule", "demand_location", "village_population")


def cost_items(costs: pd.DataFrame) -> pd.DataFrame:
    """The unit-cost items of a plan's ``costs`` (the rows on observed demand left out).

    Returns
    -------
    pandas.DataFrame
    """
    return costs[~costs.index.isin(_DEMAND_ROWS)]


def _source_name(sources: list[str]) -> str:
    """The name of a group of cost sources: the shortest, cut before its first parenthesis, colon or semicolon."""
    return min((re.split(r" \(|[:;]", s, maxsplit=1)[0].strip() for s in sources), key=len)


def cost_references(ctx: Context, costs: pd.DataFrame) -> list[int]:
    """One reference per source of the unit costs (``data/costs.yaml``, or the user's file).

    Items are grouped by their web address, or, without one, by the name their source starts with; an
    item alone in its group keeps its whole source text.

    Parameters
    ----------
    ctx
        The brief's context.
    costs
        The cost items of the plan (:func:`divide.analysis.plan.load_costs`: ``source``, ``url``).

    Returns
    -------
    list of int
        The reference numbers, in the order of the items.
    """
    items = cost_items(costs)
    url = items["url"].where(items["url"].notna(), "").astype(str) if "url" in items else pd.Series("", items.index)
    source = items["source"].astype(str).str.strip()
    key = url.where(url != "", source.map(lambda s: _source_name([s])))
    out: list[int] = []
    for k in dict.fromkeys(key):
        mine = key[key == k].index
        name = source[mine[0]] if len(mine) == 1 else _source_name(list(source[mine]))
        text = ctx.t("ref_costs", name=name, items=", ".join(mine))
        out.append(ctx.refs.add(f"costs:{k}|{text}", text, url[mine[0]]))
    return out


def _demand(ctx: Context, p: Any) -> str:
    from divide.analysis.plan import OBSERVED

    if p.observed:
        return ctx.t("p_demand_observed", observed=OBSERVED[ctx.lang], pop=_pop(ctx, p))
    if p.modeled:
        return ctx.t("p_demand_modeled", label=LABEL)
    return ctx.t("p_demand_user", name=str(p.log.get("villages", "")))


def _pop(ctx: Context, p: Any) -> str:
    return num(float(p.villages["population"].iloc[0]), ctx.lang) if len(p.villages) else "—"


def plan_section(ctx: Context, p: Any, figure: str | Path | None = None, top: int = 20) -> Section:
    """The section "Which villages first" of a village plan.

    Parameters
    ----------
    ctx
        The brief's context.
    p
        A :class:`divide.analysis.plan.VillagePlan` (from :func:`divide.plan`).
    figure
        The budget curve (:func:`divide.present.plan_outputs.plot_budget_curve`), shown when given.
    top
        How many interventions to list.

    Returns
    -------
    Section
    """
    from divide.analysis.plan import TECHNOLOGIES, format_amount

    lang = ctx.lang
    vi = lang == "vi"
    section = Section(ctx.t("s_plan"))
    solver = p.site_plan
    gap = num(100 * float(solver.gap), lang, 2) + " %" if pd.notna(solver.gap) else "—"
    ref = ctx.refs.add("divide:plan", ctx.t("ref_plan", version=__version__, radius=num(p.radius_km, lang, 1),
                                             solver=str(solver.solver), gap=gap, demand=_demand(ctx, p)))
    cost_refs = cost_references(ctx, p.costs)
    register = ctx.refs.add("observed:register", ctx.t("ref_register", n=num(
        p.villages["url"].nunique() if "url" in p.villages else 0, lang))) if p.observed else None
    money = lambda x: format_amount(float(x), p.currency, lang)  # noqa: E731
    objective = ctx.t("p_objective_lnob") if p.objective == "leave_no_one_behind" else ""
    intro_refs = (ref, *([register] if register else []))
    section.blocks.append(Paragraph(ctx.t("p_intro", budget=money(p.budget), objective=objective, ref="")
                                    .rstrip(" ."), intro_refs))
    status = STATUS_LABELS[lang]["modeled" if p.modeled else "computed"]
    if p.observed:
        data = ctx.t("plan_source_observed")
    else:
        data = LABEL if p.modeled else ctx.t("user_file", name=str(p.log.get("villages", "")))
    src = ctx.t("computed_from", source=data)

    def fig(label: str, value: str) -> Figure:
        return Figure(label, value, ctx.t("geo_date"), status, src, ref, modeled=p.modeled)

    inter = p.interventions
    total = len(p.villages)
    left = int((~p.villages["covered"].astype(bool)).sum())
    by_tech = inter.groupby("technology", sort=False).agg(sites=("order", "size"), villages=("villages_served", "sum"))
    techs = "; ".join(ctx.t("p_sites_v", tech=TECHNOLOGIES[k][1 if vi else 0], sites=num(r["sites"], lang),
                            villages=num(r["villages"], lang)) for k, r in by_tech.iterrows()) or ctx.t("p_none")
    section.blocks += [
        fig(ctx.t("p_budget"), money(p.budget)),
        fig(ctx.t("p_spent"), money(p.spent)),
        fig(ctx.t("p_people"), ctx.t("p_people_v", n=num(p.people_covered, lang))),
        fig(ctx.t("p_sites"), techs),
        fig(ctx.t("p_left"), ctx.t("p_left_v", n=num(left, lang), total=num(total, lang))),
        fig(ctx.t("p_cover_all"), money(p.budget_to_cover_all)),
    ]
    trade = solver.tradeoff
    if trade:
        section.blocks.append(fig(ctx.t("p_tradeoff"), ctx.t(
            "p_tradeoff_v", lnob=num(trade["must_cover_lnob"], lang), total=num(trade["must_cover_total"], lang),
            people=num(trade["must_cover_people"], lang), given_up=num(trade["people_given_up"], lang))))
    must_left = solver.must_cover_left
    if must_left is not None and len(must_left) and solver.budget_to_cover_all is not None:
        section.blocks.append(fig(ctx.t("p_must_left"), ctx.t("p_must_left_v", n=num(len(must_left), lang),
                                                              amount=money(solver.budget_to_cover_all))))
    caption = _caption(ctx, p, ref, register)
    if caption:
        section.blocks.append(caption)
    rate = float(p.costs.loc["exchange_rate_vnd_per_usd", "value"]) if "exchange_rate_vnd_per_usd" in p.costs.index \
        else float("nan")
    section.blocks.append(Paragraph(ctx.t("p_costs", n=num(len(cost_items(p.costs)), lang), rate=num(rate, lang),
                                          ref="").rstrip(" ."), tuple(dict.fromkeys(cost_refs))))
    shown = inter.head(top)
    section.blocks.append(Paragraph(ctx.t("p_top", n=num(len(inter), lang), k=num(len(shown), lang), ref="")
                                    .rstrip(" ."), (ref,)))
    rows = [[num(r["order"], lang), str(r["village"]), str(r["commune"]), TECHNOLOGIES[r["technology"]][1 if vi else 0],
             money(r["cost"]), num(r["people_new"], lang), data] for _, r in shown.iterrows()]
    columns = [ctx.t(k) for k in ("c_order", "c_village", "c_commune", "c_technology", "c_cost", "c_people_new",
                                  "c_source")]
    section.blocks.append(Table(columns, rows, [ref] * len(rows), _caption(ctx, p, ref, register)))
    if figure is not None:
        cap = _caption(ctx, p, ref, register, "w_figure") or Paragraph(src, (ref,), caption=True)
        section.blocks.append(Image(Path(figure), ctx.t("p_figure"), cap))
    return section


def _caption(ctx: Context, p: Any, ref: int, register: int | None, what: str = "w_table") -> Paragraph | None:
    """The modeled caption (modeled villages), the observed one (the register), or none (the user's file)."""
    from divide.analysis.plan import OBSERVED

    if p.observed:
        return Paragraph(ctx.t("caption_observed", observed=OBSERVED[ctx.lang], what=ctx.t(what),
                               pop=_pop(ctx, p)), (ref, register) if register else (ref,), caption=True)
    if p.modeled:
        return Paragraph(ctx.t("caption_modeled", label=LABEL, what=ctx.t(what), ref="").rstrip(" ."), (ref,),
                         caption=True)
    return None
