"""Charts that are not maps (presentation layer: matplotlib is imported here, lazily).

* :func:`plot_urban_rural_gap`: a dot chart of the urban and rural mean of each
  measure, nationally and for one province, with the modeled mark and the source line.

The figures share their fonts, texts and number style with the maps
(:mod:`divide.present.style`) and are built without pyplot.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.indicators.columns import COLUMN_INFO, column_title
from divide.present.style import FONT, TEXT, URBAN_RURAL_COLORS, check_lang, fmt, save_figure, wrap
from divide.provenance import LABEL, default_sources

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_urban_rural_gap"]


def plot_urban_rural_gap(
    gap_table: pd.DataFrame,
    out: str | Path | Sequence[str | Path] | None = None,
    *,
    lang: str = "en",
    province: str | None = None,
    measures: Sequence[str] | None = None,
    modeled: bool | None = None,
    title: str | None = None,
    dpi: int = 300,
) -> Figure:
    """Dot chart of the urban and rural mean of each measure, nationally (and for one province).

    Parameters
    ----------
    gap_table
        Long table with ``measure, scope, scope_name, urban_mean, rural_mean,
        difference`` (scope ``"VN"`` = national, else a province code).
    out
        File or files to write (``.png``, ``.svg``, ``.pdf``).
    lang
        ``"en"`` or ``"vi"``.
    province
        A province code (or name) shown beside the national panel; default the
        one province in the table, if there is exactly one.
    measures
        Measures to show, in order; default all.
    modeled
        Show the modeled mark; default from ``attrs["modeled"]``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> gaps = pd.DataFrame({"measure": ["fiber_households_pct", "fiber_households_pct"], "scope": ["VN", "12"],
    ...     "scope_name": ["Việt Nam", "Lai Châu"], "urban_mean": [90.0, 80.0], "rural_mean": [70.0, 50.0],
    ...     "difference": [20.0, 30.0]})
    >>> fig = plot_urban_rural_gap(gaps, lang="vi", modeled=True)
    >>> [ax.get_title() for ax in fig.axes]
    ['Việt Nam', 'Lai Châu']
    """
    from matplotlib.figure import Figure as _Figure
    from matplotlib.lines import Line2D

    lang = check_lang(lang)
    t = TEXT[lang]
    need = {"measure", "scope", "urban_mean", "rural_mean"}
    missing = need - set(gap_table.columns)
    if missing:
        raise InputError(f"the gap table lacks columns {sorted(missing)}", where="gap_table",
                         fix="pass the table of divide.urban_rural_gap()")
    g = gap_table.copy()
    g["scope"] = g["scope"].astype("string")
    if measures is None:  # one axis: measures on a 0–100 scale (shares, pillars, index); counts left out
        measures = [m for m in dict.fromkeys(g["measure"].astype(str))
                    if m not in COLUMN_INFO or COLUMN_INFO[m][2] in ("%", "0–100")]
    scopes = ["VN"] if (g["scope"] == "VN").any() else []
    others = [s for s in dict.fromkeys(g["scope"].dropna()) if s != "VN"]
    if province is not None:
        names = g.drop_duplicates("scope").set_index("scope").get("scope_name", pd.Series(dtype="string"))
        match = [s for s in others if s == str(province) or str(names.get(s, "")) == str(province)]
        if not match:
            from divide.geography.communes import resolve_province

            code = resolve_province(province)
            match = [code] if code in others else []
        if not match:
            raise InputError(f"no rows for province {province!r} in the gap table", where="province",
                             fix="compute the gap table by province, or leave province out")
        scopes += match[:1]
    elif len(others) == 1:
        scopes += others
    if not scopes:
        scopes = others[:1]
    flag = bool(modeled) if modeled is not None else bool(gap_table.attrs.get("modeled", False))

    n = len(measures)
    height = max(3.6, 1.9 + 0.42 * n)
    fig = _Figure(figsize=(8.27, height))
    bottom, top = 1.05 / height, 1 - 0.75 / height
    left0 = 0.36
    width = (0.97 - left0) / len(scopes)
    for j, scope in enumerate(scopes):
        ax = fig.add_axes((left0 + j * width + 0.01, bottom, width - 0.03, top - bottom))
        part = g[g["scope"] == scope].drop_duplicates("measure").set_index("measure")
        for i, m in enumerate(measures):
            if m not in part.index:
                continue
            u, r = float(part.at[m, "urban_mean"]), float(part.at[m, "rural_mean"])
            y = n - 1 - i
            if np.isfinite(u) and np.isfinite(r):
                ax.plot([u, r], [y, y], color="#999999", lw=2, zorder=1)
                d = u - r
                ax.text((u + r) / 2, y + 0.22, f"{t['difference']} {'+' if d >= 0 else '−'}{fmt(abs(d), 1, lang)}",
                        fontsize=6.5, ha="center", va="bottom", color="#555555", family=FONT)
            ax.scatter([u], [y], color=URBAN_RURAL_COLORS["urban"], s=36, zorder=3)
            ax.scatter([r], [y], color=URBAN_RURAL_COLORS["rural"], s=36, zorder=3)
        ax.set_ylim(-0.7, n - 0.3)
        lo, hi = ax.get_xlim()
        ax.set_xlim(min(lo, -8.0), max(hi, 108.0))  # room for the labels on a 0–100 scale
        ax.set_yticks(range(n))
        ax.set_yticklabels([textwrap.fill(column_title(m, lang, short=True), 42) for m in reversed(measures)] if j == 0 else [],
                           fontsize=7.5, family=FONT, linespacing=1.0)
        ax.grid(axis="x", color="#eeeeee")
        ax.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        name = t["national"] if scope == "VN" else (
            str(part["scope_name"].iloc[0]) if "scope_name" in part.columns and len(part) else str(scope))
        ax.set_title(name, fontsize=9, family=FONT)
    fig.legend(handles=[Line2D([], [], marker="o", ls="", color=URBAN_RURAL_COLORS["urban"], label=t["urban"]),
                        Line2D([], [], marker="o", ls="", color=URBAN_RURAL_COLORS["rural"], label=t["rural"])],
               loc="upper left", bbox_to_anchor=(left0, bottom - 0.25 / height), ncol=2, fontsize=7.5, frameon=False,
               prop={"family": FONT, "size": 7.5})
    fig.text(0.03, 0.97, title or t["gap_title"], fontsize=12, fontweight="bold", va="top", family=FONT)
    if flag:
        fig.text(0.97, 0.97, LABEL, fontsize=8.5, fontweight="bold", color="#b00020", va="top", ha="right",
                 family=FONT, gid="modeled-mark",
                 bbox={"boxstyle": "round,pad=0.3", "facecolor": "#fff3f3", "edgecolor": "#b00020", "lw": 1})
    src = default_sources(pd.DataFrame(), flag, lang)
    fig.text(0.03, 0.015, wrap(f"{t['sources']}: " + " ".join(src), fig, 5.5), fontsize=5.5, color="#444444",
             va="bottom", family=FONT, gid="source-line")
    save_figure(fig, out, dpi)
    return fig
