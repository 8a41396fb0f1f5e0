"""Optional sections of the brief: progress toward the targets, and the villages reported in public pages.

:func:`progress_section` draws a :class:`divide.analysis.progress.ProgressResult` (issue 16): the status
of each indicator (first and last value, annual change, the change needed, their ratio, the target with
its citation) and the change of the urban–rural gap split into its within-urban, within-rural and
population-shift parts. :func:`observed_section` sets the register of reported villages
(:func:`divide.reported_villages`, observed) beside the villages without signal of the commune table
(modeled, or computed from the user's file), per province, never in one unlabelled column (issue 17).

How the register is cited: a brief that rests on at most :data:`MAX_PAGE_REFS` pages cites each page
(publisher, date, URL) in the References; beyond that (the national brief rests on some seventy pages)
one entry names the register, its page count and its README, where every row gives its own page, so the
references list stays readable and every figure still leads to its pages.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from divide._version import __version__
from divide.indicators.columns import column_label
from divide.present.brief.blocks import Paragraph, Section, Table
from divide.present.brief.context import Context, fact_reference, num, signed
from divide.present.brief.labels import STATUS_LABELS
from divide.provenance import LABEL

__all__ = ["MAX_PAGE_REFS", "progress_section", "observed_section", "observed_counts"]

#: Most pages cited one by one in the References; beyond, one entry for the register.
MAX_PAGE_REFS = 8

_SIGNAL = ("no_signal", "weak_signal", "covered")
_COUNTS = ("villages_no_signal", "villages_no_power")


# --------------------------------------------------------------------------------------------------------------
# Progress toward the targets
# --------------------------------------------------------------------------------------------------------------


def _vintages_ref(ctx: Context, progress: Any) -> int:
    years = [int(y) for y in progress.log.get("years", [])]
    span = f"{years[0]}–{years[-1]}" if years else "—"
    if progress.modeled:
        return ctx.refs.add("divide:vintages", ctx.t("ref_vintages_modeled", version=__version__, years=span,
                                                     label=LABEL))
    return ctx.refs.add("divide:vintages_user", ctx.t("ref_vintages_user", version=__version__, years=span))


def _measure(measure: str, ctx: Context) -> str:
    key = f"m_{measure}"
    try:
        return ctx.t(key)
    except KeyError:
        return column_label(measure, ctx.lang)


def _target_ref(ctx: Context, row: pd.Series, targets: pd.DataFrame) -> int | None:
    """The reference of a row's target: its fact of the registry, or the citation the user gave."""
    from divide.indicators.facts import facts

    source = row.get("target_source")
    if not isinstance(source, str) or not source:
        return None
    table = facts()
    if source in table.index:
        return fact_reference(source, table, ctx.lang, ctx.refs)
    cited = targets.loc[targets["indicator"] == row["indicator"], "citation"] if "citation" in targets else []
    text = str(cited.iloc[0]) if len(cited) and str(cited.iloc[0]) else source
    return ctx.refs.add(f"target:{text}", text)


def _rate(x: Any, kind: str, ctx: Context) -> str:
    if kind == "compound":
        return ctx.t("g_pct_year", x=signed(100 * float(x), ctx.lang, 1)) if pd.notna(x) else "—"
    return ctx.t("g_units_year", x=signed(x, ctx.lang, 1)) if pd.notna(x) else "—"


def _value(x: Any, indicator: str, ctx: Context) -> str:
    return num(x, ctx.lang, 0 if indicator in _COUNTS else 1)


def _status_rows(ctx: Context, progress: Any, data_ref: int) -> tuple[list[list[str]], list[tuple[int, ...]]]:
    from divide.analysis.progress_status import STATUS_LABELS as PROGRESS_STATUS

    rows, refs = [], []
    source = LABEL if progress.modeled else ctx.t("vintages_user")
    for _, r in progress.national.iterrows():
        ind = str(r["indicator"])
        target_ref = _target_ref(ctx, r, progress.targets)
        if pd.notna(r.get("target")):
            target = ctx.t("g_target_v", value=_value(r["target"], ind, ctx), year=int(r["target_year"]))
        else:
            target = ctx.t("g_no_target")
        ratio = num(100 * float(r["ratio"]), ctx.lang, 0) + " %" if pd.notna(r["ratio"]) else "—"
        rows.append([
            _measure(ind, ctx),
            f"{_value(r['first_value'], ind, ctx)} ({int(r['first_year'])})",
            f"{_value(r['last_value'], ind, ctx)} ({int(r['last_year'])})",
            _rate(r["annual_change"], str(r["rate"]), ctx), _rate(r["required_rate"], str(r["rate"]), ctx),
            ratio, target, PROGRESS_STATUS[ctx.lang].get(str(r["status"]), str(r["status_label"])), source])
        refs.append((data_ref,) if target_ref is None else (data_ref, target_ref))
    return rows, refs


def _caption(ctx: Context, modeled: bool, ref: int, what: str = "w_table") -> Paragraph | None:
    if not modeled:
        return None
    return Paragraph(ctx.t("caption_modeled", label=LABEL, what=ctx.t(what), ref="").rstrip(" ."), (ref,),
                     caption=True)


def _labelled(ctx: Context, text: str, modeled: bool, ref: int) -> Paragraph:
    text = text.rstrip(" .")
    return Paragraph(text + (f" ({LABEL})" if modeled else ""), (ref,))


def progress_section(ctx: Context, progress: Any) -> Section:
    """The section "Progress toward the targets" of a :class:`~divide.analysis.progress.ProgressResult`.

    Parameters
    ----------
    ctx
        The brief's context (language, references).
    progress
        The result of :func:`divide.progress` (``national``, ``gap_changes``, ``targets``, ``log``).

    Returns
    -------
    Section
        The status table (every row cites the vintages and its target), the gap-change sentence of the
        divide index and the table of the gap changes of every measure; the modeled caption when the
        vintages are modeled.
    """
    lang = ctx.lang
    section = Section(ctx.t("s_progress"))
    ref = _vintages_ref(ctx, progress)
    modeled = bool(progress.modeled)
    national = progress.national
    n = progress.communes["commune_code"].nunique() if "commune_code" in progress.communes else 0
    y0, y1 = int(national["first_year"].min()), int(national["last_year"].max())
    section.blocks.append(_labelled(ctx, ctx.t("g_intro", n=num(n, lang), y0=y0, y1=y1, ref=""), modeled, ref))
    rows, refs = _status_rows(ctx, progress, ref)
    columns = [ctx.t(k) for k in ("c_indicator", "c_first", "c_last", "c_change", "c_needed", "c_ratio_g",
                                  "c_target", "c_status_g", "c_source")]
    section.blocks.append(Table(columns, rows, refs, _caption(ctx, modeled, ref)))
    changes = progress.gap_changes
    whole = changes[(changes["from_year"] == y0) & (changes["to_year"] == y1)]
    if whole.empty:
        return section
    index = whole[whole["measure"] == "divide_index"]
    if len(index):
        r = index.iloc[0]
        section.blocks.append(_labelled(ctx, ctx.t(
            "g_gap", y0=y0, y1=y1, measure=_measure("divide_index", ctx), g0=num(r["gap_from"], lang, 1),
            g1=num(r["gap_to"], lang, 1), change=signed(r["change"], lang, 1), wu=signed(r["within_urban"], lang, 1),
            wr=signed(r["within_rural"], lang, 1), ps=signed(r["population_shift"], lang, 1), ref=""), modeled, ref))
    section.blocks.append(_labelled(ctx, ctx.t("g_gap_table", y0=y0, y1=y1, ref=""), modeled, ref))
    source = LABEL if modeled else ctx.t("vintages_user")
    rows = [[_measure(str(r["measure"]), ctx), num(r["gap_from"], lang, 1), num(r["gap_to"], lang, 1),
             signed(r["change"], lang, 1), signed(r["within_urban"], lang, 1), signed(r["within_rural"], lang, 1),
             signed(r["population_shift"], lang, 1), source] for _, r in whole.iterrows()]
    columns = [ctx.t("c_measure"), ctx.t("c_gap_year", year=y0), ctx.t("c_gap_year", year=y1)] + [
        ctx.t(k) for k in ("c_gap_change", "c_within_urban", "c_within_rural", "c_pop_shift", "c_source")]
    section.blocks.append(Table(columns, rows, [ref] * len(rows), _caption(ctx, modeled, ref)))
    return section


# --------------------------------------------------------------------------------------------------------------
# Reported villages against the modeled count
# --------------------------------------------------------------------------------------------------------------


def observed_counts(register: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Per province: villages reported without signal and without power, the latest report, the model's count.

    A village is its 2025 commune and its name (:func:`divide.analysis.model_check.unserved_villages`,
    which matches names regardless of case and diacritics). It is reported without signal when its latest
    signal report says no signal or weak signal (a report of coverage as late or later takes it out); it
    is reported without power when a report says it has no electricity. Only reports matched to a
    commune of ``communes`` count.

    Parameters
    ----------
    register
        The register (:func:`divide.reported_villages`).
    communes
        The commune table of the brief (index ``commune_code``; ``province_code``, ``province_name``, and
        ``villages_no_signal`` when computed).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``province_code`` (the provinces with a counted report, by name): ``province_name``,
        ``reported_no_signal``, ``reported_no_power``, ``latest_report``, ``modeled_no_signal`` (the sum of
        the commune table's ``villages_no_signal``; NaN when not computed), ``urls`` (the distinct pages of
        the counted reports, sorted).

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu").assign(villages_no_signal=1)
    >>> t = observed_counts(divide.reported_villages(), lc)
    >>> [int(x) for x in t.iloc[0][["reported_no_signal", "reported_no_power", "modeled_no_signal"]]]
    [1, 1, 38]
    """
    from divide.analysis.model_check import unserved_villages

    codes = communes.index.astype(str)
    reg = register[register["commune_code"].notna()]
    reg = reg[reg["commune_code"].astype(str).isin(codes)]
    no_signal = unserved_villages(reg[reg["status"].isin(_SIGNAL)])
    no_power = unserved_villages(reg[reg["status"] == "no_electricity"])
    province = pd.Series(communes["province_code"].astype(str).to_numpy(), index=codes)
    names = pd.Series(communes["province_name"].astype(str).to_numpy(), index=codes)
    counted = reg[reg["status"].isin(("no_signal", "weak_signal", "no_electricity"))]
    dates = counted["as_of"].fillna(counted["published"]) if "published" in counted else counted["as_of"]
    frame = pd.DataFrame({"province_code": province.reindex(counted["commune_code"].astype(str)).to_numpy(),
                          "date": dates.fillna("").astype(str).to_numpy(), "url": counted["url"].to_numpy()})
    keep = set(province.reindex(no_signal["commune_code"].astype(str))) | set(
        province.reindex(no_power["commune_code"].astype(str)))
    if "villages_no_signal" in communes.columns:
        modeled = pd.to_numeric(communes["villages_no_signal"], errors="coerce").groupby(province.to_numpy()).sum(
            min_count=1)
    else:
        modeled = pd.Series(dtype=float)
    rows = []
    for code in sorted(keep, key=lambda c: (names[province == c].iloc[0], c)):
        mine = frame[frame["province_code"] == code]
        rows.append({
            "province_code": code, "province_name": str(names[province == code].iloc[0]),
            "reported_no_signal": int((province.reindex(no_signal["commune_code"].astype(str)) == code).sum()),
            "reported_no_power": int((province.reindex(no_power["commune_code"].astype(str)) == code).sum()),
            "latest_report": max(mine["date"], default=""), "modeled_no_signal": float(modeled.get(code, float("nan"))),
            "urls": sorted(set(mine["url"].dropna().astype(str)))})
    columns = ["province_code", "province_name", "reported_no_signal", "reported_no_power", "latest_report",
               "modeled_no_signal", "urls"]
    return pd.DataFrame(rows, columns=columns).set_index("province_code")


def _page_refs(ctx: Context, register: pd.DataFrame, counts: pd.DataFrame) -> dict[str, int] | int:
    """One reference per page (few pages), or one for the register (many): see the module's note."""
    urls = sorted({u for us in counts["urls"] for u in us})
    if len(urls) > MAX_PAGE_REFS:
        return ctx.refs.add("observed:register", ctx.t("ref_register", n=num(len(urls), ctx.lang)))
    out = {}
    for url in urls:
        rows = register[register["url"] == url]
        date = rows["published"].dropna() if "published" in rows else pd.Series(dtype=str)
        date = date if len(date) else rows["as_of"].dropna()
        text = ctx.t("ref_page", publisher=str(rows["publisher"].iloc[0]),
                     date=str(date.max()) if len(date) else ctx.t("undated"))
        out[url] = ctx.refs.add(f"page:{url}", text, url)
    return out


def observed_section(ctx: Context, register: pd.DataFrame) -> Section:
    """The section "Villages reported without signal in public pages, against the modeled count".

    Parameters
    ----------
    ctx
        The brief's context (its commune table gives the provinces and the modeled count).
    register
        The register of reported villages (:func:`divide.reported_villages`).

    Returns
    -------
    Section
        A table per province where reports exist (observed columns labelled observed, the model's count
        labelled modeled, or computed from the user's file), every row citing its pages (or the register)
        and the data; the caveat that reports are not a census.
    """
    lang = ctx.lang
    section = Section(ctx.t("s_observed" if ctx.modeled else "s_observed_user"))
    counts = observed_counts(register, ctx.communes)
    if counts.empty:
        section.blocks.append(Paragraph(ctx.t("o_none", scope=ctx.scope)))
        return section
    pages = _page_refs(ctx, register, counts)
    data_ref = ctx.data_ref
    first = min(pages.values()) if isinstance(pages, dict) else pages
    section.blocks.append(Paragraph(ctx.t("o_intro", ref="").rstrip(" ."), (first, data_ref)))
    status = STATUS_LABELS[lang]["modeled"] if ctx.modeled else ctx.data_source
    source = ctx.t("o_source", data=ctx.data_source)
    rows, refs = [], []
    for _, r in counts.iterrows():
        rows.append([r["province_name"], num(r["reported_no_signal"], lang), num(r["reported_no_power"], lang),
                     r["latest_report"] or ctx.t("undated"), num(r["modeled_no_signal"], lang), source])
        cited = [pages[u] for u in r["urls"]] if isinstance(pages, dict) else [pages]
        refs.append((*sorted(set(cited)), data_ref))
    columns = [ctx.t("c_o_province"), ctx.t("c_o_signal"), ctx.t("c_o_power"), ctx.t("c_o_date"),
               ctx.t("c_o_model", status=status), ctx.t("c_source")]
    caption = Paragraph(ctx.t("o_caveat"), caption=True)
    section.blocks.append(Table(columns, rows, refs, caption))
    if ctx.modeled:
        section.blocks.append(ctx.caption("w_table"))
    return section
