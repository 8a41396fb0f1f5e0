"""Static maps (presentation layer: matplotlib is imported here, lazily).

Every map carries a title, a legend (with a hatched "no data" class when
values are missing, e.g. Hoàng Sa and Trường Sa, which have no residents), a
caption, a source line (boundaries, population grid, indicator source and
vintage), a scale bar, a north arrow and province outlines, and a clear
"Dữ liệu mô phỏng / modeled data" mark (:data:`divide.provenance.LABEL`)
whenever a mapped value is modeled.

* :func:`choropleth`: any numeric column in classes (quantiles, equal
  interval, natural breaks, user breaks), or a categorical column (tiers,
  typology, LISA labels); A4 or A3, portrait or landscape; PNG (300 dpi),
  SVG and PDF by the suffix of ``out``.
* :func:`class_breaks`: the class breaks, to share across maps (``breaks=``);
  it lives in :mod:`divide.present.style` with what the maps share with the
  interactive map.
* :func:`map_categories`, :func:`map_priority`: categorical maps;
  :func:`map_priority` colours by the national tiers or by the tiers within
  each province (``tiers="province"``), and can draw the villages reported
  unserved in public pages (``reported=``).
* :func:`reported_points`: those villages as points, at their commune's
  representative point (the register has no coordinates).
* :func:`map_urban_rural`: the official urban/rural classes.
* :func:`plot_urban_rural_gap` (from :mod:`divide.present.charts`): urban and
  rural means per measure.

Maps are drawn in the project's equal-area CRS
(:data:`divide.settings.PROJECTED_CRS`), so the scale bar is true, with
geometries simplified to a fraction of a printed pixel. A national map is
drawn on an extent that includes the Hoàng Sa and Trường Sa archipelagos at
their true position, labelled "Quần đảo Hoàng Sa" and "Quần đảo Trường Sa".
Text is set in DejaVu Sans (shipped with matplotlib; it has every Vietnamese
glyph). Figures are :class:`matplotlib.figure.Figure` objects built without
pyplot, so no global state or GUI backend is involved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.indicators.columns import column_title
from divide.present.charts import plot_urban_rural_gap
from divide.present.style import (
    ARCHIPELAGOS,
    CATEGORICAL_COLUMNS,
    CMAP_BAD,
    CMAP_GOOD,
    FONT,
    SCHEMES,
    TEXT,
    URBAN_RURAL_COLORS,
    URBAN_RURAL_LABELS,
    archipelago_rows,
    category_styles,
    check_lang,
    check_table,
    class_breaks,
    classify,
    color_ramp,
    decimals,
    direction,
    fmt,
    outlines,
    project,
    save_figure,
    scope,
    wrap,
)
from divide.provenance import LABEL, atomic_path, default_sources, is_modeled

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.figure import Figure

__all__ = [
    "URBAN_RURAL_COLORS",
    "SOURCE_LINE",
    "PAPER_SIZES",
    "SCHEMES",
    "ARCHIPELAGOS",
    "CATEGORICAL_COLUMNS",
    "class_breaks",
    "choropleth",
    "map_categories",
    "map_priority",
    "reported_points",
    "REPORTED_COLOR",
    "plot_urban_rural_gap",
    "map_urban_rural",
]

#: Citation of the boundary layer, shown on every map.
SOURCE_LINE = (
    "Boundaries: 3,321 communes in force since 2025-07-01, traced from the government's "
    "administrative-merger map (via lamngockhuong/vietnam-3d-map, MIT), 2025-12."
)

#: Paper sizes in inches (portrait width, height).
PAPER_SIZES = {"A4": (8.27, 11.69), "A3": (11.69, 16.54)}

_NODATA_FACE, _NODATA_EDGE, _NODATA_HATCH = "#eeeeee", "#9a9a9a", "////"

#: Colour of the reported villages (observed data): a blue, distinct from the red tiers and the grey no-data class.
REPORTED_COLOR = "#1f5fbf"

# Texts of the tiers within the province and of the reported villages ({where}: a province name or "each province").
_MAP_TEXT = {
    "en": {
        "province_title": "Priority tiers within the province",
        "province_legend": "Tiers within {where} (1 = act first in the province)",
        "province_note": "Tiers within {where}: quintiles of the priority score in the province (national tiers in the table)",
        "each_province": "each province",
        "province_title_each": "Priority tiers within each province",
        "reported": "Reported in public pages{dates} (commune location)",
        "reported_note": ("Reported: villages named in public pages as without signal, weak signal or power "
                          "(observed, not modeled), at their commune's location"),
        "reported_source": "Reported villages: data/observed/reported_villages.csv (public pages, cited row by row).",
    },
    "vi": {
        "province_title": "Nhóm ưu tiên trong tỉnh",
        "province_legend": "Nhóm trong tỉnh {where} (1 = làm trước trong tỉnh)",
        "province_note": "Nhóm trong tỉnh {where}: ngũ phân vị của điểm ưu tiên trong tỉnh (nhóm toàn quốc có trong bảng)",
        "each_province": "từng tỉnh",
        "province_title_each": "Nhóm ưu tiên trong từng tỉnh",
        "reported": "Được báo cáo trên báo chí{dates} (vị trí của xã)",
        "reported_note": ("Được báo cáo: thôn, bản được báo chí nêu là chưa có sóng, sóng yếu hoặc chưa có điện "
                          "(số liệu quan sát, không phải mô phỏng), đặt tại vị trí của xã"),
        "reported_source": "Thôn, bản được báo cáo: data/observed/reported_villages.csv (báo chí, trích dẫn từng dòng).",
    },
}


# --------------------------------------------------------------------------- figure furniture


def _figure(paper: str, orientation: str | None, bounds: np.ndarray) -> Figure:
    from matplotlib.figure import Figure

    if paper not in PAPER_SIZES:
        raise InputError(f"unknown paper size {paper!r}", where="paper", fix="use 'A4' or 'A3'")
    w, h = PAPER_SIZES[paper]
    if orientation is None:
        dx, dy = bounds[2] - bounds[0], bounds[3] - bounds[1]
        orientation = "landscape" if dx > 1.25 * dy else "portrait"
    if orientation not in ("portrait", "landscape"):
        raise InputError(f"unknown orientation {orientation!r}", where="orientation",
                         fix="use 'portrait' or 'landscape'")
    if orientation == "landscape":
        w, h = h, w
    return Figure(figsize=(w, h))


def _fit(ax: Any, bounds: np.ndarray, margin: float = 0.03) -> None:
    """Set limits to ``bounds`` (+ margin), widened so the axes box is filled at equal aspect."""
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    x0, x1, y0, y1 = x0 - margin * dx, x1 + margin * dx, y0 - margin * dy, y1 + margin * dy
    pos = ax.get_position()
    fw, fh = ax.figure.get_size_inches()
    box = (pos.width * fw) / (pos.height * fh)
    w, h = x1 - x0, y1 - y0
    if w / h < box:
        extra = (h * box - w) / 2
        x0, x1 = x0 - extra, x1 + extra
    else:
        extra = (w / box - h) / 2
        y0, y1 = y0 - extra, y1 + extra
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _scale_bar(ax: Any, fontsize: float, loc: str = "lower right") -> None:
    """A two-segment scale bar in km (the map is in metres of an equal-area projection)."""
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 6 / 1000
    mag = 10 ** math.floor(math.log10(target))
    length_km = max(m * mag for m in (1, 2, 5) if m * mag <= target) if target >= mag else mag
    length = length_km * 1000
    height = (y1 - y0) / 250
    pad_x, pad_y = (x1 - x0) * 0.03, (y1 - y0) * 0.025
    left = x0 + pad_x if loc.endswith("left") else x1 - pad_x - length
    base = y0 + pad_y
    for i, face in enumerate(("#222222", "white")):
        ax.add_patch(Rectangle((left + i * length / 2, base), length / 2, height, facecolor=face,
                               edgecolor="#222222", linewidth=0.5, zorder=20))
    label = f"{length_km:g} km"
    for x, text in ((left, "0"), (left + length / 2, f"{length_km / 2:g}"), (left + length, label)):
        ax.text(x, base + height * 1.8, text, ha="center", va="bottom", fontsize=fontsize, zorder=20)


def _north_arrow(ax: Any, fontsize: float, lang: str) -> None:
    """A north arrow in the top-right corner, turned to true north at that point."""
    from pyproj import Transformer

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x1 - (x1 - x0) * 0.05, y1 - (y1 - y0) * 0.09
    to_geo = Transformer.from_crs(settings.PROJECTED_CRS, "EPSG:4326", always_xy=True)
    to_map = Transformer.from_crs("EPSG:4326", settings.PROJECTED_CRS, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    nx, ny = to_map.transform(lon, lat + 0.5)
    angle = math.atan2(nx - x, ny - y)  # convergence of the meridian at the arrow
    length = (y1 - y0) * 0.045
    tip = (x + length * math.sin(angle), y + length * math.cos(angle))
    ax.annotate("", xy=tip, xytext=(x, y), zorder=20,
                arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.8", "color": "#222222", "lw": 1.2})
    ax.text(tip[0], tip[1] + length * 0.1, TEXT[lang]["north"], ha="center", va="bottom",
            fontsize=fontsize * 1.4, fontweight="bold", zorder=20)


def _draw_frame(fig: Figure, *, title: str, subtitle: str, modeled: bool, caption: str, sources: list[str],
                lang: str, scale: float) -> None:
    """Title, subtitle, modeled mark, caption and source line around the map."""
    fig.text(0.04, 0.972, title, fontsize=14 * scale, fontweight="bold", va="top", ha="left", family=FONT)
    fig.text(0.04, 0.945, subtitle, fontsize=9 * scale, va="top", ha="left", color="#333333", family=FONT)
    if modeled:
        fig.text(0.96, 0.972, LABEL, fontsize=10 * scale, fontweight="bold", color="#b00020", va="top",
                 ha="right", family=FONT, gid="modeled-mark",
                 bbox={"boxstyle": "round,pad=0.4", "facecolor": "#fff3f3", "edgecolor": "#b00020", "lw": 1.2})
    source_text = f"{TEXT[lang]['sources']}: " + " ".join(sources)
    fs = 5.8 * scale
    fig.text(0.04, 0.012, wrap(source_text, fig, fs), fontsize=fs, va="bottom", ha="left", color="#444444",
             family=FONT, gid="source-line", linespacing=1.25)
    lines = wrap(source_text, fig, fs).count("\n") + 1
    y = 0.012 + lines * fs * 1.3 / 72 / fig.get_size_inches()[1] + 0.006
    fs2 = 7 * scale
    fig.text(0.04, y, wrap(caption, fig, fs2), fontsize=fs2, va="bottom", ha="left", color="#222222",
             family=FONT, gid="caption")



# --------------------------------------------------------------------------- maps


def choropleth(
    communes: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    lang: str = "en",
    title: str | None = None,
    provinces: gpd.GeoDataFrame | None = None,
    labels: bool = False,
    villages: gpd.GeoDataFrame | None = None,
    paper: str = "A4",
    orientation: str | None = None,
    out: str | Path | Sequence[str | Path] | None = None,
    modeled: bool | None = None,
    categorical: bool | None = None,
    colors: dict[Any, str] | None = None,
    caption: str | None = None,
    sources: Sequence[str] | None = None,
    dpi: int = 300,
    legend_title: str | None = None,
    note: str | None = None,
    reported: pd.DataFrame | None = None,
) -> Figure:
    """Map one column of a commune table, in classes or categories, ready to print.

    Parameters
    ----------
    communes
        GeoDataFrame of communes (any CRS; drawn in the equal-area CRS).
    column
        Column to map. Numbers are put in classes; text, booleans and the
        columns of :data:`CATEGORICAL_COLUMNS` (tiers, LISA labels, type) are
        drawn as categories. NaN / "no data" is hatched grey and in the legend.
    scheme, k
        Classification (see :func:`class_breaks`).
    breaks
        Upper bounds of the classes, to share breaks across maps (implies
        ``scheme="user"``). Values above the last bound get a class "> last".
    lang
        ``"en"`` or ``"vi"``: title, legend, caption and source line.
    title
        Title; default the meaning of the column.
    provinces
        Province outlines; default :func:`divide.load_provinces` for the
        provinces present.
    labels
        Label each commune with its name (for province maps).
    villages
        Village points (e.g. :func:`divide.model_villages`); tier-1 villages
        are drawn (``priority_tier == 1`` in the village layer, or villages of
        tier-1 communes), labelled when there are at most 60.
    paper, orientation
        ``"A4"`` or ``"A3"``; ``"portrait"``, ``"landscape"`` or ``None`` (from
        the shape of the area).
    out
        File or files to write (``.png`` at ``dpi``, ``.svg``, ``.pdf``), atomically.
    modeled
        Show the modeled-data mark; default from ``attrs["modeled"]`` or a
        ``source`` column equal to ``"modeled"``.
    categorical
        Force categories (``True``) or classes (``False``).
    colors
        Category -> colour overrides.
    caption, sources
        Replace the automatic caption and source lines.
    dpi
        Resolution of PNG output (300 = print quality).
    legend_title
        Title of the legend; default the short meaning of the column.
    note
        A sentence added to the automatic caption.
    reported
        Reported villages to draw as points (:func:`reported_points`; observed
        data, never marked modeled); the caption and source line say where
        they come from.

    Returns
    -------
    matplotlib.figure.Figure
        The map (not registered with pyplot).

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu").join(divide.model_indicators(divide.load_communes("Lai Châu")))
    >>> fig = choropleth(lc, "fiber_households_pct", scheme="equal_interval", k=4, lang="vi")
    >>> [t.get_text() for t in fig.texts if t.get_gid() == "modeled-mark"]
    ['Dữ liệu mô phỏng / modeled data']
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    lang = check_lang(lang)
    check_table(communes, column)
    t = TEXT[lang]
    flag = is_modeled(communes, modeled)
    if categorical is None:
        categorical = column in CATEGORICAL_COLUMNS or not (
            pd.api.types.is_numeric_dtype(communes[column].dtype)
            and not pd.api.types.is_bool_dtype(communes[column].dtype))

    geoms = project(communes.geometry)
    full = geoms.total_bounds
    fig = _figure(paper, orientation, full)
    scale = fig.get_size_inches()[0] / PAPER_SIZES["A4"][0] if fig.get_size_inches()[0] < fig.get_size_inches()[1] \
        else fig.get_size_inches()[1] / PAPER_SIZES["A4"][0]
    archipelagos = archipelago_rows(communes)
    national = len(archipelagos) > 0 and len(communes) > 500
    legend_inside = national
    extras = note is not None or (reported is not None and len(reported) > 0)  # more legend and caption lines
    bottom = 0.085 if legend_inside else (0.19 if extras else 0.16)
    ax = fig.add_axes((0.03, bottom, 0.94, 0.925 - bottom))
    _fit(ax, full)
    edge_w = 0.08 if len(communes) > 800 else 0.25

    handles: list[Any] = []
    nodata_mask: np.ndarray
    if categorical:
        values, styles = category_styles(communes, column, lang, colors)
        nodata_mask = values.isna().to_numpy()
        for value, label, color in styles:
            mask = (values == value).fillna(False).to_numpy()
            if mask.any():
                gpd.GeoSeries(geoms.values[mask], crs=geoms.crs).plot(
                    ax=ax, color=color, edgecolor="white", linewidth=edge_w)
            handles.append(Patch(facecolor=color, edgecolor="#777777", linewidth=0.3,
                                 label=f"{label} ({fmt(int(mask.sum()), 0, lang)})"))
        scheme_text = ""
    else:
        values_num = pd.to_numeric(communes[column], errors="coerce").to_numpy(dtype=float)
        nodata_mask = ~np.isfinite(values_num)
        if breaks is not None:
            scheme = "user"
        bins = class_breaks(values_num, scheme, k, breaks=breaks)
        cls = classify(values_num, bins)
        above = bool((cls == len(bins)).any())
        n_cls = len(bins) + (1 if above else 0)
        ramp = color_ramp(max(n_cls, 1), CMAP_GOOD if direction(column) == "higher" else CMAP_BAD)
        finite = values_num[~nodata_mask]
        lo = float(finite.min()) if finite.size else 0.0
        dec = decimals(bins, lo) if len(bins) else 0
        if scheme == "user":  # shared breaks are shown as given: 30 stays 30, 30.5 stays 30.5
            dec = next((d for d in range(4) if np.allclose(bins, np.round(bins, d))), 3)
        for i in range(n_cls):
            mask = cls == i
            if mask.any():
                gpd.GeoSeries(geoms.values[mask], crs=geoms.crs).plot(
                    ax=ax, color=ramp[i], edgecolor="white", linewidth=edge_w)
            if i == len(bins):
                label = f"> {fmt(bins[-1], dec, lang)}"
            elif i == 0:
                label = (f"≤ {fmt(bins[0], dec, lang)}" if scheme == "user"
                         else f"{fmt(lo, dec, lang)} – {fmt(bins[0], dec, lang)}")
            else:
                label = f"{fmt(bins[i - 1], dec, lang)} – {fmt(bins[i], dec, lang)}"
            handles.append(Patch(facecolor=ramp[i], edgecolor="#777777", linewidth=0.3,
                                 label=f"{label} ({fmt(int(mask.sum()), 0, lang)})"))
        scheme_text = f"{t['classes']}: {t[scheme]}, {n_cls} {t['k']}; "
    n_nodata = int(nodata_mask.sum())
    if n_nodata:
        gpd.GeoSeries(geoms.values[nodata_mask], crs=geoms.crs).plot(
            ax=ax, facecolor=_NODATA_FACE, edgecolor=_NODATA_EDGE, hatch=_NODATA_HATCH, linewidth=0.0)
        handles.append(Patch(facecolor=_NODATA_FACE, edgecolor=_NODATA_EDGE, hatch=_NODATA_HATCH,
                             label=f"{t['no_data']} ({fmt(n_nodata, 0, lang)})"))

    # Province outlines.
    if provinces is None and "province_code" in communes.columns:
        from divide.geography.communes import load_provinces

        provinces = load_provinces()
        provinces = provinces[provinces.index.isin(communes["province_code"].unique())]
    if provinces is not None and len(provinces):
        outline = outlines(project(provinces.geometry, max_px=6000))
        outline.plot(ax=ax, color="#333333", linewidth=0.55 if national else 1.0, zorder=5)
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="#333333", linewidth=0.8, label=t["provinces"]))

    # Villages of tier 1 and commune labels.
    if villages is not None and len(villages):
        handles += _draw_villages(ax, communes, villages, lang, scale)
    if labels:
        _label_communes(ax, communes, geoms, scale)
    drawn_reports = reported is not None and len(reported) > 0
    if drawn_reports:
        handles += _draw_reported(ax, reported, lang, scale)

    # The archipelagos: always labelled where they are on the map.
    for code, row in archipelagos.iterrows():
        g = geoms.loc[code]
        x0, y0, x1, y1 = g.bounds
        province = f"\n({row['province_name']})" if "province_name" in archipelagos.columns else ""
        ax.text((x0 + x1) / 2, y1 + (ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.008,
                ARCHIPELAGOS[row["commune_name"]] + province, ha="center", va="bottom", fontsize=7 * scale,
                fontstyle="italic", color="#1f4e79", zorder=15, gid=f"archipelago-{code}", family=FONT)

    fs = 7 * scale
    if legend_inside:
        leg = ax.legend(handles=handles, loc="center left", bbox_to_anchor=(0.0, 0.42), fontsize=fs,
                        title=legend_title or column_title(column, lang, short=True), title_fontsize=fs * 1.1,
                        frameon=True,
                        framealpha=0.95, edgecolor="#cccccc", prop={"family": FONT, "size": fs})
    else:
        ncol = 1 if len(handles) <= 3 else (2 if len(handles) <= (6 if extras else 8) else 3)
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.04, bottom - 0.002), ncol=ncol,
                         fontsize=fs, title=legend_title or column_title(column, lang, short=True),
                         title_fontsize=fs * 1.1, frameon=False,
                         prop={"family": FONT, "size": fs}, alignment="left")
    leg.set_gid("legend")
    _scale_bar(ax, fs * 0.9, loc="lower left" if national else "lower right")
    _north_arrow(ax, fs, lang)

    if caption is None:
        with_data = fmt(int((~nodata_mask).sum()), 0, lang)
        caption = f"{scheme_text}{with_data} {t['with_data']}"
        if n_nodata:
            caption += f"; {t['hatched']} ({fmt(n_nodata, 0, lang)})"
        if note:
            caption += f". {note}"
        if flag:
            caption += f". {LABEL}: {t['modeled_note']}."
        if drawn_reports:
            caption += f" {_MAP_TEXT[lang]['reported_note']}."
    src = list(sources) if sources is not None else default_sources(communes, flag, lang)
    if drawn_reports and sources is None:
        src.append(_MAP_TEXT[lang]["reported_source"])
    _draw_frame(fig, title=title or column_title(column, lang), subtitle=scope(communes, lang), modeled=flag,
                caption=caption, sources=src, lang=lang, scale=scale)
    save_figure(fig, out, dpi)
    return fig


def _draw_villages(ax: Any, communes: pd.DataFrame, villages: Any, lang: str, scale: float) -> list[Any]:
    from matplotlib.lines import Line2D

    v = villages
    if "priority_tier" in v.columns:
        v = v[pd.to_numeric(v["priority_tier"], errors="coerce") == 1]
    elif "priority_tier" in communes.columns and "commune_code" in v.columns:
        tier1 = communes.index[pd.to_numeric(communes["priority_tier"], errors="coerce") == 1]
        v = v[v["commune_code"].isin(tier1)]
    if len(v) == 0:
        return []
    pts = v.geometry.to_crs(settings.PROJECTED_CRS)
    ax.scatter(pts.x, pts.y, s=6 * scale, marker="^", color="#111111", edgecolor="white", linewidth=0.3, zorder=12)
    if len(v) <= 60 and "village_name" in v.columns:
        import matplotlib.patheffects as pe

        for x, y, name in zip(pts.x, pts.y, v["village_name"]):
            ax.text(x, y, f" {name}", fontsize=4.5 * scale, va="center", ha="left", zorder=13, family=FONT,
                    path_effects=[pe.withStroke(linewidth=1.2, foreground="white")])
    return [Line2D([], [], marker="^", linestyle="", color="#111111",
                   label=f"{TEXT[lang]['villages']} ({fmt(len(v), 0, lang)})")]


def _label_communes(ax: Any, communes: pd.DataFrame, geoms: Any, scale: float) -> None:
    import matplotlib.patheffects as pe

    if "commune_name" not in communes.columns:
        return
    pts = geoms.representative_point()
    size = float(np.clip(60 / math.sqrt(len(communes)), 2.5, 6.5)) * scale
    for p, name in zip(pts, communes["commune_name"]):
        ax.text(p.x, p.y, str(name), fontsize=size, ha="center", va="center", zorder=14, family=FONT,
                color="#111111", path_effects=[pe.withStroke(linewidth=1.0, foreground="white")])


def map_categories(communes: gpd.GeoDataFrame, column: str, **kwargs: Any) -> Figure:
    """Map a categorical column (tiers, typology, LISA labels): :func:`choropleth` with ``categorical=True``.

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> fig = map_categories(lc, "urban_rural", lang="vi")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['Nông thôn (xã) (36)', 'Thành thị (phường) (2)', 'Ranh giới tỉnh']
    """
    kwargs["categorical"] = True
    return choropleth(communes, column, **kwargs)


def reported_points(communes: gpd.GeoDataFrame, reported: bool | pd.DataFrame | None = True) -> gpd.GeoDataFrame:
    """The villages reported unserved in public pages, as points at their commune's representative point.

    The register (:func:`divide.reported_villages`) has no coordinates: each
    village is placed at ``representative_point()`` of its 2025 commune (a
    point inside the commune). Several villages of one commune are spread on
    a sunflower spiral around that point (golden-angle steps, villages in name
    order; no random draw), with steps of ``min(0.6 % of the map's extent,
    12 % of the square root of the commune's area)`` metres in the projected
    CRS, so that they stay apart on the map and near (normally inside) their
    commune. The villages kept are those of
    :func:`divide.analysis.model_check.unserved_villages` (latest report no
    signal, weak signal or no electricity, not covered since) matched to a
    commune of ``communes``.

    Parameters
    ----------
    communes
        The communes of the map (indexed by ``commune_code``).
    reported
        ``True`` for the shipped register, a register-like DataFrame
        (``village``, ``commune_code``, ``status``, ``as_of``), or ``None`` /
        ``False`` for none.

    Returns
    -------
    geopandas.GeoDataFrame
        In :data:`divide.settings.PROJECTED_CRS`, one row per village:
        ``commune_code``, ``village``, ``status``, ``as_of``, ``reports`` and
        the point. Empty when none lies in ``communes``. ``attrs["modeled"]``
        is ``False`` (observed data).

    Examples
    --------
    >>> import divide
    >>> pts = reported_points(divide.load_communes("Tuyên Quang"))
    >>> len(pts) > 50, pts.attrs["modeled"], bool(pts["commune_code"].duplicated().any())
    (True, False, True)
    >>> len(reported_points(divide.load_communes("Hà Nội")))
    0
    """
    import geopandas as gpd

    from divide.analysis.model_check import unserved_villages

    columns = ["commune_code", "village", "status", "as_of", "reports"]
    empty = gpd.GeoDataFrame({c: pd.Series(dtype="object") for c in columns}, geometry=gpd.GeoSeries(
        [], crs=settings.PROJECTED_CRS))
    empty.attrs["modeled"] = False
    if reported is None or reported is False:
        return empty
    if reported is True:
        from divide.indicators.observed import reported_villages

        register = reported_villages()
    elif isinstance(reported, pd.DataFrame):
        register = reported
    else:
        raise InputError(f"reported must be True, None or a register DataFrame, got {type(reported).__name__}",
                         where="reported", fix="pass reported=True for divide.reported_villages()")
    villages = unserved_villages(register)
    villages = villages[villages["commune_code"].isin(communes.index.astype(str))]
    if villages.empty:
        return empty
    villages = villages.sort_values(["commune_code", "village"], kind="stable").reset_index(drop=True)
    geoms = communes.geometry.copy()
    geoms.index = geoms.index.astype(str)
    inside = geoms.loc[villages["commune_code"].unique()]
    anchors = inside.representative_point().to_crs(settings.PROJECTED_CRS)
    areas = inside.to_crs(settings.PROJECTED_CRS).area
    x0, y0, x1, y1 = geoms.to_crs(settings.PROJECTED_CRS).total_bounds
    span = max(x1 - x0, y1 - y0)
    xs, ys = np.empty(len(villages)), np.empty(len(villages))
    for code, rows in villages.groupby("commune_code", sort=True).groups.items():
        step = min(0.006 * span, 0.12 * math.sqrt(float(areas[code])))
        k = len(rows)
        for i, row in enumerate(rows):
            radius = step * math.sqrt(i + 0.5) if k > 1 else 0.0
            angle = i * math.pi * (3.0 - math.sqrt(5.0))  # the golden angle
            xs[row] = anchors[code].x + radius * math.cos(angle)
            ys[row] = anchors[code].y + radius * math.sin(angle)
    out = gpd.GeoDataFrame(villages[columns], geometry=gpd.points_from_xy(xs, ys), crs=settings.PROJECTED_CRS)
    out.attrs["modeled"] = False
    return out


def _date_range(dates: pd.Series) -> str:
    years = sorted({str(d)[:4] for d in dates if str(d)[:4].isdigit()})
    if not years:
        return ""
    return f", {years[0]}" if years[0] == years[-1] else f", {years[0]}–{years[-1]}"


def _draw_reported(ax: Any, points: Any, lang: str, scale: float) -> list[Any]:
    """The reported villages above the tiers and labels, with their legend entry (observed: never "modeled")."""
    import matplotlib.patheffects as pe
    from matplotlib.lines import Line2D

    ax.scatter(points.geometry.x, points.geometry.y, s=14 * scale, marker="D", color=REPORTED_COLOR,
               edgecolor="white", linewidth=0.5, zorder=16, gid="reported-villages")
    if len(points) <= 40:  # a province map: each point names its village and the date of its report
        for x, y, name, date in zip(points.geometry.x, points.geometry.y, points["village"], points["as_of"]):
            text = f" {name}" + (f" ({str(date)[:7]})" if str(date) else "")
            ax.text(x, y, text, fontsize=4.2 * scale, va="center", ha="left", zorder=17, family=FONT,
                    color=REPORTED_COLOR, gid="reported-label",
                    path_effects=[pe.withStroke(linewidth=1.2, foreground="white")])
    label = _MAP_TEXT[lang]["reported"].format(dates=_date_range(points["as_of"]))
    return [Line2D([], [], marker="D", linestyle="", color=REPORTED_COLOR, markeredgecolor="white",
                   label=f"{label} ({fmt(len(points), 0, lang)})")]


def map_priority(
    communes: gpd.GeoDataFrame,
    *,
    provinces: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    out: str | Path | Sequence[str | Path] | None = None,
    title: str | None = None,
    villages: gpd.GeoDataFrame | None = None,
    labels: bool | None = None,
    paper: str = "A4",
    orientation: str | None = None,
    modeled: bool | None = None,
    dpi: int = 300,
    tiers: str = "national",
    reported: bool | pd.DataFrame | None = None,
) -> Figure:
    """Map the priority tiers (tier 1 = act first, darkest) with province outlines.

    Province maps (at most 200 communes) label the communes by default.

    Parameters
    ----------
    communes
        Commune table with ``priority_tier`` (and ``priority_tier_province``
        for ``tiers="province"``), e.g. :attr:`divide.Analysis.communes`.
    provinces, lang, out, title, villages, labels, paper, orientation, modeled, dpi
        As in :func:`choropleth`.
    tiers
        ``"national"`` colours by ``priority_tier`` (quintiles of the
        country); ``"province"`` by ``priority_tier_province`` (quintiles
        within each province), and the title, legend and caption say so
        (title "Priority tiers within the province" / "Nhóm ưu tiên trong
        tỉnh", legend "Tiers within Lai Châu" / "Nhóm trong tỉnh Lai Châu").
    reported
        Villages reported unserved in public pages (:func:`reported_points`),
        drawn as blue diamonds above the tiers, at their commune's location,
        labelled "reported" with the years of the reports: ``True`` for the
        shipped register, a register DataFrame, or ``None`` / ``False`` (the
        default: off, so a map shows only what it is asked to; the atlas
        turns it on for the province map of a province run). A province
        without reports draws none. The layer is observed: its legend entry
        never says modeled (the modeled mark stays for the tiers when they
        are modeled).

    Returns
    -------
    matplotlib.figure.Figure
        The map; the reported villages are the collection with gid
        ``"reported-villages"``.

    Examples
    --------
    >>> import divide, numpy as np
    >>> lc = divide.load_communes("Lai Châu")
    >>> lc["priority_tier"] = np.arange(len(lc)) % 5 + 1
    >>> fig = map_priority(lc, lang="vi")
    >>> fig.texts[0].get_text()
    'Nhóm ưu tiên can thiệp'
    >>> lc["priority_tier_province"] = lc["priority_tier"]
    >>> fig = map_priority(lc, tiers="province", reported=True)
    >>> fig.texts[0].get_text(), fig.legends[0].get_title().get_text()
    ('Priority tiers within the province', 'Tiers within Lai Châu (1 = act first in the province)')
    """
    if tiers not in ("national", "province"):
        raise InputError(f"unknown tiers {tiers!r}", where="tiers", fix="use 'national' or 'province'")
    lang = check_lang(lang)
    check_table(communes, "priority_tier" if tiers == "national" else "priority_tier_province")
    if labels is None:
        labels = len(communes) <= 200
    legend_title = note = None
    if tiers == "province":
        names = communes["province_name"].dropna().unique() if "province_name" in communes.columns else []
        where = str(names[0]) if len(names) == 1 else _MAP_TEXT[lang]["each_province"]
        texts = {k: v.format(where=where) for k, v in _MAP_TEXT[lang].items() if k.startswith("province_")}
        title = title or texts["province_title" if len(names) == 1 else "province_title_each"]
        legend_title, note = texts["province_legend"], texts["province_note"]
        modeled = is_modeled(communes, modeled)
        attrs = dict(communes.attrs)
        communes = communes.assign(priority_tier=communes["priority_tier_province"])  # drawn as the tiers
        communes.attrs = attrs
    points = reported_points(communes, reported)
    return choropleth(communes, "priority_tier", categorical=True, lang=lang, out=out, provinces=provinces,
                      title=title or TEXT[lang]["priority_title"], villages=villages, labels=labels,
                      paper=paper, orientation=orientation, modeled=modeled, dpi=dpi, legend_title=legend_title,
                      note=note, reported=points if len(points) else None)


def map_urban_rural(
    communes: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    path: str | Path,
    *,
    lang: str = "en",
    dpi: int = 150,
) -> Path:
    """Map communes coloured by official urban/rural class, with province outlines.

    Parameters
    ----------
    communes
        Commune layer with ``urban_rural`` (see :func:`divide.load_communes`).
    provinces
        Province layer drawn as outlines.
    path
        Output file; the format follows the suffix (``.png``, ``.svg``, ``.pdf``).
    lang
        ``"en"`` or ``"vi"`` for the title and legend.
    dpi
        Resolution of raster output.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib, divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> prov = divide.load_provinces().loc[["12"]]
    >>> out = map_urban_rural(lc, prov, pathlib.Path(tempfile.mkdtemp()) / "lc.png", dpi=50)
    >>> out.stat().st_size > 10_000
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    labels = URBAN_RURAL_LABELS[lang]
    fig, ax = plt.subplots(figsize=(8.27, 11.69) if len(communes) > 500 else (8, 8))
    try:
        for cls, color in URBAN_RURAL_COLORS.items():
            part = communes[communes["urban_rural"] == cls]
            if len(part):
                part.plot(ax=ax, color=color, edgecolor="white", linewidth=0.1)
        provinces.boundary.plot(ax=ax, color="#333333", linewidth=0.4)
        ax.set_axis_off()
        ax.set_aspect("equal")
        counts = communes["urban_rural"].value_counts()
        handles = [
            Patch(facecolor=c, label=f"{labels[k]}: {counts.get(k, 0):,}")
            for k, c in URBAN_RURAL_COLORS.items()
            if counts.get(k, 0)
        ]
        ax.legend(handles=handles, loc="lower left", frameon=True, fontsize=8)
        ax.set_title(TEXT[lang]["urban_rural_title"], fontsize=11)
        fig.text(0.01, 0.01, SOURCE_LINE, fontsize=5.5, color="#444444", wrap=True)
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=path.suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
    return path
