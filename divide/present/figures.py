"""Statistical figures for the notebooks (presentation layer: matplotlib and seaborn are imported lazily).

* :func:`plot_distributions`: the distribution of each indicator by a class of
  commune (urban, rural, special zone), as violins, boxes or densities.
* :func:`plot_correlations`: an annotated heatmap of the rank (Spearman)
  correlations between indicators.
* :func:`plot_rank_intervals`: a caterpillar plot of the Monte Carlo rank
  intervals of :func:`divide.index_uncertainty` (median and 5–95 % interval).
* :func:`plot_sensitivity`: the first-order and total sensitivity indices of
  each construction choice.
* :func:`plot_rank_shift`: the ranks under one construction of the index
  against the ranks under another (how much a reader's weights or
  normalisation move the order).

Every function returns a :class:`matplotlib.figure.Figure` built without
pyplot (no global state), writes it when ``out`` is given (``.png``, ``.svg``,
``.pdf``), and puts the "Dữ liệu mô phỏng / modeled data" mark
(:data:`divide.provenance.LABEL`) on the figure whenever its input is modeled
(:func:`divide.provenance.is_modeled`). In a notebook, ``%matplotlib inline``
shows the returned figure.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.indicators.columns import COLUMN_INFO, column_title
from divide.present.style import FONT, TEXT, category_styles, check_lang, save_figure, wrap
from divide.provenance import LABEL, default_sources, is_modeled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_distributions",
    "plot_correlations",
    "plot_rank_intervals",
    "plot_sensitivity",
    "plot_rank_shift",
    "modeled_mark",
]

_WIDTH = 8.27  # A4 width, as the maps and the gap chart
_UR_ORDER = ("urban", "rural", "special_zone")
_MARK_COLOR = "#b00020"

# Fixed texts of these figures: language -> key -> text.
_TEXT = {
    "en": {
        "distributions": "Indicators by class of commune",
        "correlations": "Rank correlations between indicators (Spearman)",
        "correlations_pearson": "Correlations between indicators (Pearson)",
        "rank_intervals": "Rank of the divide index: median and 5–95 % interval",
        "rank_axis": "Rank (1 = widest divide)",
        "median": "median rank",
        "interval": "5–95 % interval",
        "nominal": "rank of the nominal index",
        "sensitivity": "Which construction choice moves the ranks?",
        "sensitivity_axis": "Share of the variance of the ranks",
        "first_order": "first order (S_i: the choice alone)",
        "total": "total (S_Ti: with its interactions)",
        "rank_shift": "Ranks under two constructions of the index",
        "spearman": "Spearman ρ",
        "kept": "top fifth kept",
        "density": "density",
    },
    "vi": {
        "distributions": "Chỉ tiêu theo loại đơn vị hành chính",
        "correlations": "Tương quan hạng giữa các chỉ tiêu (Spearman)",
        "correlations_pearson": "Tương quan giữa các chỉ tiêu (Pearson)",
        "rank_intervals": "Thứ hạng chỉ số khoảng cách số: trung vị và khoảng 5–95 %",
        "rank_axis": "Thứ hạng (1 = khoảng cách lớn nhất)",
        "median": "thứ hạng trung vị",
        "interval": "khoảng 5–95 %",
        "nominal": "thứ hạng của chỉ số gốc",
        "sensitivity": "Lựa chọn xây dựng nào làm thay đổi thứ hạng?",
        "sensitivity_axis": "Tỷ lệ phương sai của thứ hạng",
        "first_order": "bậc một (S_i: riêng lựa chọn đó)",
        "total": "toàn phần (S_Ti: kể cả tương tác)",
        "rank_shift": "Thứ hạng theo hai cách xây dựng chỉ số",
        "spearman": "Spearman ρ",
        "kept": "giữ lại trong nhóm 1/5 đầu",
        "density": "mật độ",
    },
}

# The construction choices of divide.index_uncertainty: language -> factor -> label.
_CHOICES = {
    "en": {"weights": "Weights (±25 %)", "normalisation": "Normalisation", "aggregation": "Aggregation",
           "drop": "Dropping one indicator"},
    "vi": {"weights": "Trọng số (±25 %)", "normalisation": "Chuẩn hóa", "aggregation": "Phương pháp gộp",
           "drop": "Bỏ một chỉ tiêu"},
}


# --------------------------------------------------------------------------- shared furniture


def modeled_mark(fig: Figure, fontsize: float = 8.5) -> Any:
    """Put the "Dữ liệu mô phỏng / modeled data" mark in the top right corner of ``fig``.

    The mark is the text :data:`divide.provenance.LABEL` in a red box, with the
    artist id ``"modeled-mark"`` (as on the maps and the gap chart).

    Parameters
    ----------
    fig
        The figure.
    fontsize
        Size of the mark in points.

    Returns
    -------
    matplotlib.text.Text
        The mark.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> modeled_mark(Figure()).get_text()
    'Dữ liệu mô phỏng / modeled data'
    """
    return fig.text(0.98, 0.985, LABEL, fontsize=fontsize, fontweight="bold", color=_MARK_COLOR, va="top",
                    ha="right", family=FONT, gid="modeled-mark",
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": "#fff3f3", "edgecolor": _MARK_COLOR, "lw": 1})


def _flag(modeled: bool | None, *objs: Any) -> bool:
    """``modeled`` when given, else whether any of ``objs`` (tables, results with ``attrs``, Series) is modeled."""
    if modeled is not None:
        return bool(modeled)
    return any(is_modeled(obj) if isinstance(obj, pd.DataFrame) else bool(getattr(obj, "attrs", {}).get("modeled"))
               for obj in objs)


def _figure(height: float, top_in: float = 0.75, bottom_in: float = 0.55) -> Figure:
    """An A4-wide figure whose axes are laid out (constrained) between the title band and the source line."""
    from matplotlib.figure import Figure as _Figure

    fig = _Figure(figsize=(_WIDTH, height), layout="constrained")
    fig.get_layout_engine().set(rect=(0.0, bottom_in / height, 1.0, 1 - (top_in + bottom_in) / height))
    return fig


def _frame(fig: Figure, title: str, flag: bool, lang: str, table: pd.DataFrame | None = None,
           sources: Sequence[str] | None = None) -> None:
    """Title, modeled mark (when ``flag``) and source line (``sources``, default those of ``table``)."""
    height = fig.get_size_inches()[1]
    fig.text(0.03, 1 - 0.18 / height, textwrap.fill(title, 46 if flag else 80), fontsize=12, fontweight="bold",
             va="top", family=FONT, gid="title")
    if flag:
        modeled_mark(fig)
    src = list(sources) if sources is not None else default_sources(
        table if table is not None else pd.DataFrame(), flag, lang)
    fig.text(0.03, 0.12 / height, wrap(f"{TEXT[lang]['sources']}: " + " ".join(src), fig, 5.5), fontsize=5.5,
             color="#444444", va="bottom", family=FONT, gid="source-line")


def _finish(fig: Figure, title: str, flag: bool, lang: str, out: str | Path | Sequence[str | Path] | None, dpi: int,
            table: pd.DataFrame | None = None, sources: Sequence[str] | None = None) -> Figure:
    """Frame the figure (:func:`_frame`), write it to ``out`` and return it."""
    _frame(fig, title, flag, lang, table, sources)
    save_figure(fig, out, dpi)
    return fig


def _tidy(ax: Axes, grid: str | None = None) -> None:
    """Light grid on ``grid`` (``"x"``, ``"y"``, ``"both"``) behind the data; no top and right spines."""
    if grid:
        ax.grid(axis=grid, color="#eeeeee")
        ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7)


def _numeric_columns(table: pd.DataFrame, columns: Sequence[str] | None, *, where: str) -> list[str]:
    """``columns`` checked against ``table``, or the 0–100 indicator columns of the table."""
    if columns is None:
        columns = [c for c in table.columns if c in COLUMN_INFO and COLUMN_INFO[c][2] in ("%", "0–100")
                   and pd.api.types.is_numeric_dtype(table[c])]
    columns = list(dict.fromkeys(columns))
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"no column(s) {missing} in the table", where=where,
                         fix="choose among: " + ", ".join(map(str, table.columns)))
    if not columns:
        raise InputError("no numeric indicator column to draw", where=where, fix="pass columns=[...]")
    return columns


def _label(column: str, lang: str, width: int = 28) -> str:
    return textwrap.fill(column_title(column, lang, short=True), width)


# --------------------------------------------------------------------------- indicators


def plot_distributions(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    by: str = "urban_rural",
    communes: pd.DataFrame | None = None,
    kind: str = "violin",
    lang: str = "en",
    title: str | None = None,
    modeled: bool | None = None,
    sources: Sequence[str] | None = None,
    out: str | Path | Sequence[str | Path] | None = None,
    dpi: int = 150,
) -> Figure:
    """The distribution of each indicator by class of commune: one panel per indicator (seaborn).

    Parameters
    ----------
    table
        One row per commune, with the ``columns`` (and ``by``, unless ``communes`` supplies it).
    columns
        The indicators, one panel each; default the columns of the table on a
        0–100 scale (shares, pillars, the index).
    by
        The class of commune: ``"urban_rural"`` (official: urban, rural,
        special zone), ``"degurba"`` or any categorical column.
    communes
        A commune table to take ``by`` from, joined on the index (e.g.
        :func:`divide.load_communes`), when ``table`` lacks it.
    kind
        ``"violin"`` (quartiles drawn inside), ``"box"`` or ``"kde"`` (one
        density per class, each scaled to its own area).
    lang
        ``"en"`` or ``"vi"``: titles and class labels.
    title
        Title of the figure.
    modeled
        Show the modeled mark; default :func:`divide.provenance.is_modeled` of ``table``.
    sources
        The source lines under the figure; default
        :func:`divide.provenance.default_sources` of ``table`` (boundaries,
        population grid, indicators).
    out
        File or files to write (``.png``, ``.svg``, ``.pdf``).
    dpi
        Resolution of PNG output.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per indicator, titled with its meaning.

    Examples
    --------
    >>> import pandas as pd
    >>> from divide.provenance import mark_modeled
    >>> t = mark_modeled(pd.DataFrame({"fiber_households_pct": [90.0, 85, 60, 55, 50, 70],
    ...     "smartphone_adults_pct": [88.0, 90, 60, 65, 58, 70],
    ...     "urban_rural": ["urban", "urban", "rural", "rural", "rural", "special_zone"]}))
    >>> fig = plot_distributions(t, kind="box")
    >>> [ax.get_title() for ax in fig.axes]
    ['Households passed by fibre', 'Adults with a smartphone']
    >>> [t.get_text() for t in fig.texts if t.get_gid() == "modeled-mark"]
    ['Dữ liệu mô phỏng / modeled data']
    """
    import seaborn as sns

    lang = check_lang(lang)
    if kind not in ("violin", "box", "kde"):
        raise InputError(f"unknown kind {kind!r}", where="kind", fix="use 'violin', 'box' or 'kde'")
    flag = _flag(modeled, table)
    frame = table
    if by not in frame.columns:
        if communes is None or by not in communes.columns:
            raise InputError(f"no column {by!r} to group the communes by", where="by",
                             fix="pass communes=divide.load_communes() or a table with that column")
        frame = frame.join(communes[[by]])
    columns = _numeric_columns(frame, columns, where="columns")
    values, styles = category_styles(frame, by, lang)
    if by == "urban_rural":  # urban first, as in the gap chart
        styles.sort(key=lambda s: _UR_ORDER.index(s[0]) if s[0] in _UR_ORDER else len(_UR_ORDER))
    classes = [str(v) for v, _, _ in styles]
    labels = {str(v): label for v, label, _ in styles}
    palette = {str(v): color for v, _, color in styles}
    long = (frame[columns].apply(pd.to_numeric, errors="coerce").assign(_class=values.astype("string"))
            .dropna(subset=["_class"]).melt(id_vars="_class", var_name="column", value_name="value"))

    ncols = min(3, len(columns))
    nrows = math.ceil(len(columns) / ncols)
    fig = _figure(0.75 + 0.55 + 2.35 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, column in zip(axes, columns):
        part = long[long["column"] == column].dropna(subset=["value"])
        if kind == "kde":
            present = [c for c in classes if (part["_class"] == c).sum() >= 2]
            sns.kdeplot(data=part, x="value", hue="_class", hue_order=present, palette=palette, common_norm=False,
                        fill=True, alpha=0.3, warn_singular=False, ax=ax, legend=False,
                        clip=(float(part["value"].min()), float(part["value"].max())))
            ax.set_ylabel(_TEXT[lang]["density"], fontsize=7)
            ax.set_xlabel("")
        else:
            draw = sns.violinplot if kind == "violin" else sns.boxplot
            extra = {"cut": 0, "inner": "quart", "density_norm": "width"} if kind == "violin" else {"fliersize": 2}
            with warnings.catch_warnings():  # seaborn 0.13.2 passes vert= to Axes.bxp, deprecated in matplotlib 3.11
                warnings.filterwarnings("ignore", message="vert: bool", category=DeprecationWarning)
                draw(data=part, x="_class", y="value", hue="_class", order=classes, hue_order=classes,
                     palette=palette, legend=False, linewidth=0.8, ax=ax, **extra)
            ax.set_xticks(range(len(classes)))
            ax.set_xticklabels([textwrap.fill(labels[c], 12) for c in classes], fontsize=6.5)
            ax.set_xlabel("")
            ax.set_ylabel("")
        ax.set_title(_label(column, lang, 34), fontsize=8.5, family=FONT)
        _tidy(ax, "y" if kind != "kde" else "x")
    for ax in axes[len(columns):]:
        fig.delaxes(ax)
    if kind == "kde":
        from matplotlib.patches import Patch

        fig.legend(handles=[Patch(facecolor=palette[c], alpha=0.5, label=labels[c]) for c in classes],
                   loc="outside lower center", ncol=len(classes), fontsize=7, frameon=False)
    return _finish(fig, title or _TEXT[lang]["distributions"], flag, lang, out, dpi, table, sources)


def plot_correlations(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    method: str = "spearman",
    lang: str = "en",
    title: str | None = None,
    modeled: bool | None = None,
    sources: Sequence[str] | None = None,
    out: str | Path | Sequence[str | Path] | None = None,
    dpi: int = 150,
) -> Figure:
    """An annotated heatmap of the correlations between indicators (lower triangle, seaborn).

    Parameters
    ----------
    table
        One row per commune with the ``columns``.
    columns
        The indicators; default the columns of the table on a 0–100 scale.
    method
        ``"spearman"`` (rank correlation, the default: robust to the skewed
        shares and counts), ``"kendall"`` or ``"pearson"``.
    lang, title, modeled, sources, out, dpi
        As for :func:`plot_distributions`.

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap (first axes) and its colour bar; each cell of the lower
        triangle is annotated with its coefficient.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"fiber_households_pct": [90.0, 80, 60, 50], "smartphone_adults_pct": [88.0, 70, 75, 50],
    ...                   "online_services_pct": [30.0, 20, 10, 12]})
    >>> fig = plot_correlations(t)
    >>> len(fig.axes[0].get_xticklabels()), [t.get_gid() for t in fig.texts if t.get_gid() == "modeled-mark"]
    (3, [])
    """
    import seaborn as sns

    lang = check_lang(lang)
    if method not in ("spearman", "kendall", "pearson"):
        raise InputError(f"unknown correlation {method!r}", where="method", fix="use 'spearman', 'kendall' or 'pearson'")
    flag = _flag(modeled, table)
    columns = _numeric_columns(table, columns, where="columns")
    if len(columns) < 2:
        raise InputError("a correlation needs two columns or more", where="columns", fix="pass two columns or more")
    corr = table[columns].apply(pd.to_numeric, errors="coerce").corr(method=method)
    n = len(columns)
    fig = _figure(max(4.5, 1.3 + 0.55 + 0.62 * n + 1.4))
    ax = fig.add_subplot()
    mask = np.triu(np.ones((n, n), dtype=bool), k=1)
    names = [_label(c, lang, 24) for c in columns]
    sns.heatmap(corr, mask=mask, annot=True, fmt=".2f", annot_kws={"fontsize": 7}, cmap="RdBu_r", vmin=-1, vmax=1,
                square=True, linewidths=0.5, linecolor="white", xticklabels=names, yticklabels=names,
                cbar_kws={"shrink": 0.6, "label": method.capitalize()}, ax=ax)
    ax.tick_params(labelsize=6.5)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=45, ha="right")
    ax.collections[0].colorbar.ax.tick_params(labelsize=6.5)
    key = "correlations" if method != "pearson" else "correlations_pearson"
    return _finish(fig, title or _TEXT[lang][key].replace("Spearman", method.capitalize()), flag, lang, out, dpi,
                   table, sources)


# --------------------------------------------------------------------------- the index and its uncertainty


def _rank_table(ranks: Any) -> pd.DataFrame:
    table = getattr(ranks, "ranks", ranks)
    if not isinstance(table, pd.DataFrame) or not {"rank_median", "rank_p05", "rank_p95"} <= set(table.columns):
        raise InputError("the rank table lacks rank_median, rank_p05 and rank_p95", where="ranks",
                         fix="pass divide.index_uncertainty(...) or its .ranks")
    return table


def plot_rank_intervals(
    ranks: Any,
    n: int = 40,
    *,
    communes: pd.DataFrame | None = None,
    lang: str = "en",
    title: str | None = None,
    modeled: bool | None = None,
    out: str | Path | Sequence[str | Path] | None = None,
    dpi: int = 150,
) -> Figure:
    """Caterpillar plot of the Monte Carlo rank intervals of the communes with the widest divide.

    Parameters
    ----------
    ranks
        A :class:`divide.UncertaintyResult` or its ``.ranks`` table
        (``rank_median``, ``rank_p05``, ``rank_p95``, optionally ``rank_nominal``).
    n
        How many communes: the ``n`` with the smallest median rank (1 = widest divide).
    communes
        A commune table (joined on the index) for the labels: ``commune_name``
        and ``province_name``; default the labels in ``ranks``, else the codes.
    lang, title, modeled, out, dpi
        As for :func:`plot_distributions`; the mark is shown, by default, when
        the uncertainty result (or its rank table) is marked modeled.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: a bar from the 5 % to the 95 % rank, a dot at the median
        and an open diamond at the nominal rank, for each commune (top = widest divide).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"rank_nominal": [1, 2, 3], "rank_median": [1.0, 2.5, 2.0], "rank_p05": [1.0, 1, 1],
    ...                   "rank_p95": [2.0, 3, 3], "commune_name": ["A", "B", "C"]}, index=["00001", "00002", "00003"])
    >>> fig = plot_rank_intervals(r, n=2, modeled=True)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['A', 'C']
    """
    from matplotlib.lines import Line2D

    lang = check_lang(lang)
    t = _TEXT[lang]
    table = _rank_table(ranks)
    flag = _flag(modeled, ranks, table)
    names = table
    if communes is not None:
        names = table.join(communes[[c for c in ("commune_name", "province_name") if c in communes.columns
                                     and c not in table.columns]])
    top = names.dropna(subset=["rank_median"]).sort_values(["rank_median", "rank_p05"]).head(int(n))
    if top.empty:
        raise InputError("no ranked commune to draw", where="ranks", fix="check the table of the index")
    if "commune_name" in top.columns:
        labels = top["commune_name"].astype(str)
        if "province_name" in top.columns and top["province_name"].nunique() > 1:
            labels = labels + " (" + top["province_name"].astype(str) + ")"
    else:
        labels = pd.Series(top.index.astype(str), index=top.index)
    k = len(top)
    fig = _figure(0.75 + 0.55 + 0.6 + 0.17 * k)
    ax = fig.add_subplot()
    y = np.arange(k)[::-1]
    ax.hlines(y, top["rank_p05"], top["rank_p95"], color="#9e9ac8", lw=2.2, zorder=1)
    ax.scatter(top["rank_median"], y, color="#54278f", s=16, zorder=3)
    handles = [Line2D([], [], color="#9e9ac8", lw=2.2, label=t["interval"]),
               Line2D([], [], marker="o", ls="", color="#54278f", ms=4, label=t["median"])]
    if "rank_nominal" in top.columns:
        ax.scatter(pd.to_numeric(top["rank_nominal"], errors="coerce").astype(float), y, marker="D",
                   facecolor="none", edgecolor="#222222", s=14, lw=0.7, zorder=4)
        handles.append(Line2D([], [], marker="D", ls="", mfc="none", mec="#222222", ms=4, label=t["nominal"]))
    ax.set_yticks(y)
    ax.set_yticklabels(labels.tolist(), fontsize=6.5, family=FONT)
    ax.set_ylim(-0.8, k - 0.2)
    ax.set_xlabel(t["rank_axis"], fontsize=7.5)
    _tidy(ax, "x")
    ax.legend(handles=handles, loc="upper right", fontsize=7, frameon=False)
    return _finish(fig, title or t["rank_intervals"], flag, lang, out, dpi)


def plot_sensitivity(
    result: Any,
    *,
    lang: str = "en",
    title: str | None = None,
    modeled: bool | None = None,
    out: str | Path | Sequence[str | Path] | None = None,
    dpi: int = 150,
) -> Figure:
    """Bar chart of the first-order and total sensitivity indices of each construction choice.

    Parameters
    ----------
    result
        A :class:`divide.UncertaintyResult` or its ``.sensitivity`` table
        (indexed by choice, with ``S_i`` and ``S_Ti``).
    lang, title, modeled, out, dpi
        As for :func:`plot_distributions`; by default the modeled mark
        follows ``attrs["modeled"]`` of the result or of its table.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with two bars per choice (``S_i``, ``S_Ti``), each labelled
        with its value. Estimates from few replications can fall slightly
        below 0; they are drawn as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"S_i": [0.02, 0.3], "S_Ti": [0.05, 0.5]}, index=pd.Index(["weights", "drop"], name="choice"))
    >>> fig = plot_sensitivity(s, modeled=True)
    >>> len(fig.axes[0].patches), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    (4, ['Weights (±25 %)', 'Dropping one indicator'])
    """
    lang = check_lang(lang)
    t = _TEXT[lang]
    table = getattr(result, "sensitivity", result)
    if not isinstance(table, pd.DataFrame) or not {"S_i", "S_Ti"} <= set(table.columns) or table.empty:
        raise InputError("the sensitivity table lacks S_i and S_Ti", where="result",
                         fix="pass divide.index_uncertainty(...) or its .sensitivity")
    flag = _flag(modeled, result, table)
    k = len(table)
    fig = _figure(0.75 + 0.55 + 1.0 + 0.55 * k)
    ax = fig.add_subplot()
    y = np.arange(k)[::-1].astype(float)
    h = 0.38
    first = ax.barh(y + h / 2, table["S_i"].astype(float), height=h, color="#6baed6", label=t["first_order"])
    total = ax.barh(y - h / 2, table["S_Ti"].astype(float), height=h, color="#08519c", label=t["total"])
    for bars in (first, total):
        ax.bar_label(bars, fmt="%.2f", fontsize=6.5, padding=2)
    ax.set_yticks(y)
    ax.set_yticklabels([_CHOICES[lang].get(str(c), str(c)) for c in table.index], fontsize=7.5, family=FONT)
    ax.axvline(0, color="#444444", lw=0.6)
    lo = min(0.0, float(np.nanmin(table[["S_i", "S_Ti"]].to_numpy(dtype=float))))
    hi = max(0.1, float(np.nanmax(table[["S_i", "S_Ti"]].to_numpy(dtype=float))))
    ax.set_xlim(lo - 0.02, hi * 1.15 + 0.02)
    ax.set_xlabel(t["sensitivity_axis"], fontsize=7.5)
    _tidy(ax, "x")
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    return _finish(fig, title or t["sensitivity"], flag, lang, out, dpi)


def _ranks_of(result: Any, column: str) -> pd.Series:
    scores = getattr(result, "scores", result)
    if isinstance(scores, pd.DataFrame):
        if column not in scores.columns:
            raise InputError(f"no column {column!r} in the scores", where="reference/alternative",
                             fix="pass divide.compute_index(...) results or their .scores")
        scores = scores[column]
    if not isinstance(scores, pd.Series):
        raise InputError("cannot read ranks from this object", where=type(result).__name__,
                         fix="pass divide.compute_index(...) results, their .scores, or a Series of ranks")
    return pd.to_numeric(scores, errors="coerce").astype(float)


def plot_rank_shift(
    reference: Any,
    alternative: Any,
    *,
    labels: tuple[str, str] = ("default", "alternative"),
    column: str = "rank_national",
    highlight: Sequence[Any] | pd.Index | None = None,
    lang: str = "en",
    title: str | None = None,
    modeled: bool | None = None,
    out: str | Path | Sequence[str | Path] | None = None,
    dpi: int = 150,
) -> Figure:
    """The ranks under one construction of the index against another: who moves when the choices change.

    Parameters
    ----------
    reference, alternative
        Two :class:`divide.IndexResult` (or their ``.scores``, or Series of
        ranks) on the same communes.
    labels
        The names of the two constructions (axis labels).
    column
        The rank column of the scores (``"rank_national"`` or ``"rank_province"``).
    highlight
        Communes (index labels) drawn on top in black, e.g. one province's.
    lang, title, modeled, out, dpi
        As for :func:`plot_distributions`; the figure is marked modeled,
        by default, when either construction is computed from modeled data.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: a point per commune ranked by both, the diagonal (no
        change), and in the corner the Spearman correlation and the share of
        the reference's top fifth that stays in the top fifth.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series([1, 2, 3, 4, 5], index=list("abcde"))
    >>> b = pd.Series([2, 1, 3, 5, 4], index=list("abcde"))
    >>> fig = plot_rank_shift(a, b, labels=("equal weights", "usage 0.7"))
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].collections[0].get_offsets())
    ('equal weights', 5)
    """
    lang = check_lang(lang)
    t = _TEXT[lang]
    a, b = _ranks_of(reference, column), _ranks_of(alternative, column)
    both = pd.DataFrame({"a": a, "b": b}).dropna()
    if both.empty:
        raise InputError("the two results share no ranked commune", where="reference/alternative",
                         fix="compute both on the same table")
    flag = _flag(modeled, reference, alternative)
    fig = _figure(0.75 + 0.55 + 5.2)
    ax = fig.add_subplot()
    ax.scatter(both["a"], both["b"], s=5, color="#807dba", alpha=0.55, lw=0, zorder=2)
    if highlight is not None:
        mine = both[both.index.isin(list(highlight))]
        ax.scatter(mine["a"], mine["b"], s=12, color="#111111", zorder=3)
    hi = float(max(both["a"].max(), both["b"].max()))
    ax.plot([1, hi], [1, hi], color="#444444", lw=0.7, ls="--", zorder=1)
    ax.set_xlim(1 - hi * 0.02, hi * 1.02)
    ax.set_ylim(1 - hi * 0.02, hi * 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(labels[0], fontsize=8)
    ax.set_ylabel(labels[1], fontsize=8)
    rho = both["a"].corr(both["b"], method="spearman")
    cut = len(both) / 5
    top_a, top_b = both["a"] <= cut, both["b"] <= cut
    kept = float((top_a & top_b).sum() / max(int(top_a.sum()), 1))
    ax.text(0.03, 0.97, f"{t['spearman']} = {rho:.3f}\n{t['kept']}: {kept:.0%}", transform=ax.transAxes,
            fontsize=8, va="top", family=FONT, gid="rank-shift-stats")
    _tidy(ax, "both")
    return _finish(fig, title or t["rank_shift"], flag, lang, out, dpi)
