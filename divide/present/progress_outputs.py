"""The outputs of ``divide progress``: the workbook, the status map and the trend chart.

matplotlib is imported inside the functions, so importing this module stays light. Every output made
from modeled vintages carries :data:`~divide.provenance.LABEL`.

Examples
--------
>>> STATUS_COLOURS["met"], list(STATUS_COLOURS)[-1]
('#1a9850', 'insufficient')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from divide.provenance import LABEL, atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from divide.analysis.progress import ProgressResult

__all__ = ["STATUS_COLOURS", "PROGRESS_FILES", "commune_sheet", "write_workbook", "progress_map", "trend_chart", "map_indicator",
           "write_progress"]

#: Colour of each status (green = met … red = deterioration, grey = no data).
STATUS_COLOURS = {"met": "#1a9850", "on_track": "#91cf60", "acceleration": "#fee08b", "limited": "#fc8d59",
                  "deterioration": "#d73027", "insufficient": "#bdbdbd"}

#: The files ``divide progress`` writes into its folder.
PROGRESS_FILES = ("progress.xlsx", "progress_map.png", "trend.png", "manifest.json")

_TEXT = {
    "en": {"communes": "communes", "provinces": "provinces", "national": "national", "gaps": "gap_by_year",
           "changes": "gap_change", "targets": "targets", "sources": "sources",
           "map_title": "Progress towards the target: {name}", "trend_title": "National series of the facts "
           "registry, with the targets", "target": "target", "modeled_series": "modeled vintages (national)",
           "sources_head": "Sources"},
    "vi": {"communes": "xa", "provinces": "tinh", "national": "toan_quoc", "gaps": "khoang_cach_theo_nam",
           "changes": "thay_doi_khoang_cach", "targets": "muc_tieu", "sources": "nguon",
           "map_title": "Tiến độ đạt mục tiêu: {name}", "trend_title": "Chuỗi số liệu quốc gia (sổ dữ kiện) và "
           "mục tiêu", "target": "mục tiêu", "modeled_series": "các kỳ dữ liệu mô phỏng (toàn quốc)",
           "sources_head": "Nguồn"},
}

_PANEL_TITLES = {
    "en": {"villages_no_signal": "Villages without mobile signal", "online_services_pct":
           "People using online public services (%)", "fiber_households_pct": "Households with fibre (%)"},
    "vi": {"villages_no_signal": "Thôn, bản lõm sóng", "online_services_pct":
           "Người dân sử dụng dịch vụ công trực tuyến (%)", "fiber_households_pct": "Hộ gia đình có cáp quang (%)"},
}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str | Path) -> Path:
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", metadata={"Software": None})
    _pyplot().close(fig)
    return Path(path)


def map_indicator(result: ProgressResult) -> str:
    """The indicator the status map shows by default: the first with a target (else the first compared).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> map_indicator(SimpleNamespace(targets=pd.DataFrame({"indicator": ["x"]}), log={"indicators": ["y", "x"]}))
    'x'
    """
    with_target = set(result.targets["indicator"])
    for name in result.log["indicators"]:
        if name in with_target:
            return name
    return result.log["indicators"][0]


def _source_lines(result: ProgressResult, lang: str) -> list[str]:
    lines = [f"{v['year']}: {v['source']} ({'pre-2025 codes, crosswalked' if v.get('crosswalk') else '2025 codes'}; "
             f"validation: {v['validation']})" for v in result.log["vintages"]]
    lines += [f"target {t['indicator']} = {t['value']:g} by {t['year']}: {t['citation']}"
              for t in result.log["targets"]]
    lines.append("method: " + result.log["method"])
    lines += result.notes
    if result.modeled:
        lines.insert(0, LABEL)
    return lines


def commune_sheet(result: ProgressResult) -> pd.DataFrame:
    """One row per commune: its context, then per indicator the status, the last value and the ratio.

    The long table (:attr:`~divide.analysis.progress.ProgressResult.communes`) has every column; this is
    the form a planner scans.
    """
    long = result.communes
    keys = [c for c in ("commune_code", "commune_name", "province_code", "province_name", "urban_rural")
            if c in long.columns]
    wide = long.pivot(index="commune_code", columns="indicator", values=["status_label", "last_value", "ratio"])
    order = [(field, ind) for ind in result.log["indicators"] for field in ("status_label", "last_value", "ratio")]
    wide = wide[order]
    wide.columns = [f"{ind}: {field.replace('_label', '')}" for field, ind in order]
    context = long.drop_duplicates("commune_code").set_index("commune_code")[keys[1:]]
    out = context.join(wide).reset_index()
    out["source"] = long["source"].iloc[0] if len(long) else ""
    return out


def write_workbook(result: ProgressResult, path: str | Path, lang: str = "en") -> Path:
    """``progress.xlsx``: statuses per commune, province and nation, the gap by year and its change, targets, sources.

    Parameters
    ----------
    result
        From :func:`divide.progress`.
    path
        The file to write (atomically).
    lang
        ``en`` or ``vi`` (sheet names).

    Returns
    -------
    pathlib.Path
    """
    text = _TEXT["vi" if lang == "vi" else "en"]
    path = Path(path)
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for key, frame in (("communes", commune_sheet(result)), ("provinces", result.provinces),
                               ("national", result.national), ("gaps", result.gaps),
                               ("changes", result.gap_changes), ("targets", result.targets)):
                out = frame.copy()
                if result.modeled:
                    out.insert(0, "label", LABEL)
                out.to_excel(writer, sheet_name=text[key], index=False)
            pd.DataFrame({text["sources_head"]: _source_lines(result, lang)}).to_excel(
                writer, sheet_name=text["sources"], index=False)
    return path


def progress_map(result: ProgressResult, communes: Any, path: str | Path, *, indicator: str | None = None,
                 lang: str = "en") -> Path:
    """``progress_map.png``: the status of each commune for one indicator.

    Parameters
    ----------
    result
        From :func:`divide.progress`.
    communes
        GeoDataFrame of the communes (geometry), e.g. :func:`divide.load_communes`.
    path
        The PNG to write.
    indicator
        Default :func:`map_indicator`.
    lang
        ``en`` or ``vi``: title and legend.

    Returns
    -------
    pathlib.Path
        The map written.
    """
    from matplotlib.patches import Patch

    from divide.analysis.progress_status import STATUS_LABELS

    lang = "vi" if lang == "vi" else "en"
    plt = _pyplot()
    indicator = indicator or map_indicator(result)
    rows = result.communes[result.communes["indicator"] == indicator].set_index("commune_code")
    shapes = communes[["geometry"]].join(rows[["status"]])
    shapes["status"] = shapes["status"].fillna("insufficient")
    fig, ax = plt.subplots(figsize=(6.5, 9), dpi=110)
    shapes.plot(ax=ax, color=shapes["status"].map(STATUS_COLOURS).tolist(), linewidth=0)
    ax.set_axis_off()
    target = result.targets.set_index("indicator")
    subtitle = (f"{target.loc[indicator, 'value']:g} by {target.loc[indicator, 'year']}"
                if indicator in target.index else "no target: trend")
    ax.set_title(_TEXT[lang]["map_title"].format(name=indicator) + f"\n({subtitle})", fontsize=10)
    counts = shapes["status"].value_counts()
    handles = [Patch(color=c, label=f"{STATUS_LABELS[lang][s]} ({int(counts.get(s, 0))})")
               for s, c in STATUS_COLOURS.items()]
    ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    if result.modeled:
        fig.text(0.5, 0.01, LABEL, ha="center", fontsize=9, color="#b2182b")
    years = result.log["years"]
    fig.text(0.99, 0.01, f"{years[0]}–{years[-1]}", ha="right", fontsize=7)
    return _save(fig, path)


def trend_chart(series: pd.DataFrame, path: str | Path, *, modeled: pd.DataFrame | None = None,
                lang: str = "en") -> Path:
    """``trend.png``: the national series of the facts registry with the targets, every point numbered and cited.

    Parameters
    ----------
    series
        :func:`divide.analysis.progress.registry_series`.
    path
        The PNG to write.
    modeled
        Optional national values of modeled vintages (``national`` of a progress result): drawn dashed
        and labelled modeled.
    lang
        ``en`` or ``vi``: titles and panel names (the citations stay as the registry writes them).

    Returns
    -------
    pathlib.Path
        The chart written (PNG).
    """
    import matplotlib.dates as mdates

    plt = _pyplot()
    lang = "vi" if lang == "vi" else "en"
    panels = list(dict.fromkeys(series["panel"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.6), dpi=110)
    axes = [axes] if len(panels) == 1 else list(axes)
    notes: list[str] = []
    for ax, panel in zip(axes, panels):
        part = series[series["panel"] == panel]
        values = part[part["kind"] == "value"].sort_values("date")
        dates = pd.to_datetime(values["date"])
        ax.plot(dates, values["value"], "o-", color="#2166ac", label="registry")
        for (_, row), d in zip(values.iterrows(), dates):
            notes.append(f"[{len(notes) + 1}] {row['fact_id']}: {row['citation']}")
            ax.annotate(f"{row['value']:g} [{len(notes)}]", (d, row["value"]), textcoords="offset points",
                        xytext=(3, 5), fontsize=7)
        for _, row in part[part["kind"] == "target"].iterrows():
            notes.append(f"[{len(notes) + 1}] {row['fact_id']} ({_TEXT[lang]['target']}): {row['citation']}")
            ax.plot(pd.to_datetime([row["date"]]), [row["value"]], "*", color="#b2182b", markersize=12,
                    label=_TEXT[lang]["target"])
            ax.annotate(f"{_TEXT[lang]['target']} {row['value']:g} [{len(notes)}]", (pd.to_datetime(row["date"]),
                        row["value"]), textcoords="offset points", xytext=(-40, 8), fontsize=7, color="#b2182b")
        if modeled is not None:
            m = modeled[modeled["indicator"] == panel]
            if len(m):
                cols = sorted(c for c in m.columns if c.startswith("value_"))
                years = [pd.Timestamp(int(c.split("_")[1]), 7, 1) for c in cols]
                ax.plot(years, m[cols].iloc[0].to_numpy(float), "--", color="#999999",
                        label=_TEXT[lang]["modeled_series"])
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_title(_PANEL_TITLES[lang].get(panel, panel), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6, frameon=False)
    fig.suptitle(_TEXT[lang]["trend_title"], fontsize=10)
    wrapped = "\n".join(n if len(n) < 190 else n[:187] + "…" for n in notes)
    fig.text(0.01, 0.01, wrapped, fontsize=5, va="bottom", ha="left")
    if modeled is not None:
        fig.text(0.99, 0.97, LABEL + " (dashed)", ha="right", fontsize=7, color="#b2182b")
    fig.subplots_adjust(bottom=0.14 + 0.022 * len(notes), top=0.85, wspace=0.3)
    return _save(fig, path)


def write_progress(result: ProgressResult, communes: Any, out: str | Path, *, indicator: str | None = None,
                   lang: str = "en") -> list[Path]:
    """Write ``progress.xlsx``, ``progress_map.png`` and ``trend.png`` into ``out``; return their paths.

    The manifest is the caller's (it knows the inputs).

    Parameters
    ----------
    result
        From :func:`divide.progress`.
    communes
        GeoDataFrame of the communes reported on.
    out
        Folder (created when missing).
    indicator
        Indicator of the map (default :func:`map_indicator`).
    lang
        ``en`` or ``vi``.

    Returns
    -------
    list of pathlib.Path
    """
    from divide.analysis.progress import registry_series

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = [write_workbook(result, out / "progress.xlsx", lang)]
    files.append(progress_map(result, communes, out / "progress_map.png", indicator=indicator, lang=lang))
    files.append(trend_chart(registry_series(), out / "trend.png",
                             modeled=result.national if result.modeled else None, lang=lang))
    return files
