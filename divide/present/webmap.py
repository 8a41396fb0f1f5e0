r"""The offline interactive map: one self-contained HTML file (presentation layer).

:func:`interactive_map` writes a single HTML file that works with no network:
the communes are inline SVG paths (projected to the project's equal-area CRS,
simplified, coordinates rounded to 100 m and written as relative moves), the
values are one JSON block, and a few lines of vanilla JavaScript do the rest:
a tooltip per commune (name, province, index, pillars, tiers, rank interval
when those columns exist), a switch between layers (numeric columns in
classes, categorical columns in categories), a legend, zoom and pan, a search
box that ignores diacritics, a panel with every indicator of a commune, zoom
to a province, and "Download this view" as CSV. Given the register of
reported villages (observed), its reports are points marked "reported" with
their date, placed at their commune. The commune layer is the base map: there
are no tiles. The page's template, style sheet and script are in
:mod:`divide.present.webmap_assets`.

The data block is columnar (``fields`` and one list of values per commune),
so that a column name is written once, not 3,321 times.

We do not use folium: it loads Leaflet (and its CSS) from a CDN, so its maps
are blank offline, and it needs a tile server for a base map.

Safety: every name is data, never markup. Text in the HTML is escaped with
:func:`html.escape`; the JSON block has ``<``, ``>`` and ``&`` written as
``\u003c``, ``\u003e`` and ``\u0026`` (so ``</script>`` in a name cannot close
the block), and the script puts names on the page with ``textContent`` only.

Examples
--------
>>> import tempfile, pathlib, divide
>>> lc = divide.load_communes("Lai Châu")
>>> out = interactive_map(lc, pathlib.Path(tempfile.mkdtemp()) / "lc.html", layers=("population",))
>>> text = out.read_text(encoding="utf-8")
>>> text.count('class="c"'), "https://" in text
(38, False)
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.names import fold
from divide.indicators.columns import column_meaning, column_title, column_unit
from divide.indicators.schema import INDICATOR_NAMES
from divide.present import style
from divide.present.webmap_assets import (
    REPORTED_SCRIPT,
    REPORTED_STYLE,
    SCRIPT,
    STYLE,
    TEMPLATE,
    reported_texts,
    ui_texts,
    units,
)
from divide.provenance import LABEL, atomic_path, default_sources, is_modeled

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["DEFAULT_LAYERS", "TOOLTIP_COLUMNS", "PANEL_GROUPS", "interactive_map", "json_for_script", "search_key"]

#: Layers offered by default (only those present in the table are shown).
DEFAULT_LAYERS = ("divide_index", "infrastructure_gap", "usage_gap", "priority_tier", "type")

#: Columns shown in the tooltip when present, in order.
TOOLTIP_COLUMNS = ("divide_index", "infrastructure_gap", "usage_gap", "divide_tier", "priority_tier",
                   "divide_index_lisa", "type", "region_id", "population")

#: The commune panel: (interface text key of the group title, columns shown when present), in order.
#: ``"@interval"`` is the rank interval ``rank_p05``–``rank_p95``.
PANEL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("g_indicators", INDICATOR_NAMES),
    ("g_index", ("divide_index", "infrastructure_gap", "usage_gap", "values_filled")),
    ("g_ranks", ("rank_national", "rank_province", "rank_median", "@interval", "priority_rank")),
    ("g_tiers", ("divide_tier", "priority_tier", "priority_score", "type", "region_id", "divide_index_lisa")),
    ("g_context", ("urban_rural", "commune_type", "degurba", "population", "area_km2", "density_km2",
                   "remoteness_km", "is_island", "vintage", "source")),
)
PANEL_COLUMNS = frozenset(c for _, columns in PANEL_GROUPS for c in columns)


def search_key(name: str) -> str:
    """The search key of a name: :func:`divide.geography.names.fold` with dots as spaces.

    The map's script folds what is typed the same way (NFD, no combining
    marks, ``đ`` → ``d``, lower case, anything else a space).

    Examples
    --------
    >>> search_key("Sìn Hồ"), search_key("Đà Lạt"), search_key("P. Bến Nghé")
    ('sin ho', 'da lat', 'p ben nghe')
    """
    return " ".join(fold(name).replace(".", " ").split())

def json_for_script(value: Any) -> str:
    r"""JSON safe to embed in a ``<script>`` element.

    Examples
    --------
    >>> json_for_script({"name": "</script><b>&"})
    '{"name": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _path_d(geom: Any, scale: float, x0: float, y1: float) -> str:
    """SVG path data of a (multi)polygon: absolute start, then relative integer moves."""
    import shapely

    parts = []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            px = np.round((xy[:, 0] - x0) / scale).astype(np.int64)
            py = np.round((y1 - xy[:, 1]) / scale).astype(np.int64)
            keep = np.ones(len(px), dtype=bool)
            keep[1:] = (np.diff(px) != 0) | (np.diff(py) != 0)
            px, py = px[keep], py[keep]
            if len(px) < 3:
                if len(px) == 0:
                    continue
                # A ring smaller than the rounding: keep a one-unit square so it still shows.
                parts.append(f"M{px[0]} {py[0]}h1v1h-1z")
                continue
            dx, dy = np.diff(px), np.diff(py)
            moves = " ".join(f"{a} {b}" for a, b in zip(dx.tolist(), dy.tolist())).replace(" -", "-")
            parts.append(f"M{px[0]} {py[0]}l{moves}z")
    return "".join(parts)


def _value(v: Any) -> Any:
    """A cell as JSON: numbers (floats to 2 decimals, NaN as null), booleans, anything else as text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if not math.isfinite(f) else round(f, 2)
    if isinstance(v, (np.integer, int)):
        return int(v)
    return str(v)


def _layer_spec(table: pd.DataFrame, column: str, lang: str) -> dict[str, Any]:
    """Classes or categories of one layer, with colours and legend labels (computed once, here)."""
    title = column_title(column, lang, short=True)
    series = table[column]
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    if column in style.CATEGORICAL_COLUMNS or not numeric:
        values, styles = style.category_styles(table, column, lang)
        lookup = {v: i for i, (v, _, _) in enumerate(styles)}
        cls = [lookup.get(v, -1) if not pd.isna(v) else -1 for v in values]
        return {"column": column, "title": title, "meaning": column_meaning(column, lang), "kind": "categories",
                "colors": [c for _, _, c in styles], "labels": [label for _, label, _ in styles], "class": cls}
    y = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bins = style.class_breaks(y, "quantiles", 5)
    cls = style.classify(y, bins)
    finite = y[np.isfinite(y)]
    lo = float(finite.min()) if finite.size else 0.0
    dec = style.decimals(bins, lo) if len(bins) else 0
    labels = []
    for i in range(len(bins)):
        a = lo if i == 0 else bins[i - 1]
        labels.append(f"{style.fmt(a, dec, lang)} – {style.fmt(bins[i], dec, lang)}")
    cmap = style.CMAP_GOOD if style.direction(column) == "higher" else style.CMAP_BAD
    colors = style.color_ramp(max(len(bins), 1), cmap)
    return {"column": column, "title": title, "meaning": column_meaning(column, lang), "kind": "classes",
            "colors": colors[: len(bins)], "labels": labels, "class": [int(c) for c in cls]}


def _categories(table: pd.DataFrame, column: str, lang: str) -> dict[str, str]:
    """Display labels of a categorical column's values, keyed as the script prints the JSON value."""
    values, styles = style.category_styles(table, column, lang)
    label_of = {v: label for v, label, _ in styles}
    out: dict[str, str] = {}
    for raw, v in zip(table[column].tolist(), values.tolist()):
        if pd.isna(v) or v not in label_of:
            continue
        shown = _value(raw)
        key = ("true" if shown else "false") if isinstance(shown, bool) else str(shown)
        if isinstance(shown, float) and shown.is_integer():
            key = str(int(shown))
        if label_of[v] != key:
            out[key] = label_of[v]
    return out


def _panel(table: pd.DataFrame, extra: Sequence[str], lang: str) -> tuple[list[Any], list[str]]:
    """The panel's groups ``[title, [[column, label, unit], ...]]`` and the columns they show."""
    ui = ui_texts(lang)
    shown_units = units(lang)
    groups = []
    used: list[str] = []
    for key, columns in (*PANEL_GROUPS, ("g_other", tuple(extra))):
        items = []
        for c in columns:
            if c == "@interval":
                if "rank_p05" in table.columns and "rank_p95" in table.columns:
                    items.append([c, ui["rank_interval"], ""])
                    used += ["rank_p05", "rank_p95"]
                continue
            if c not in table.columns or c in used:
                continue
            items.append([c, column_title(c, lang, short=True), shown_units.get(column_unit(c), "")])
            used.append(c)
        if items:
            groups.append([ui[key], items])
    return groups, used


def _province_control(provinces: list[str], ui: dict[str, str]) -> str:
    """The province select list (empty when the map has no province column)."""
    if not provinces:
        return ""
    options = "".join(f'<option value="{html.escape(p, quote=True)}">{html.escape(p)}</option>' for p in provinces)
    return (f'<label>{html.escape(ui["zoom_province"])} <select id="province">'
            f'<option value="">{html.escape(ui["all_provinces"])}</option>{options}</select></label>')


def _report_date(reg: pd.DataFrame) -> pd.Series:
    """The date a report speaks of: coverage since ``covered_date``, else ``as_of``, else ``published``."""
    blank = pd.Series(pd.NA, index=reg.index, dtype="object")
    date = reg.get("as_of", blank).fillna(reg.get("published", blank))
    covered = reg.get("covered_date", blank).where(reg["status"] == "covered")
    return covered.fillna(date).fillna("").astype(str)


def _reported_layer(reported: pd.DataFrame, communes: Any, g: Any, x0: float, y1: float, unit: float,
                    lang: str) -> tuple[str, dict[str, Any]]:
    """The markers of the matched reports (SVG) and their data block; offsets in screen pixels."""
    import shapely

    from divide.analysis.plan import spiral_offsets

    missing = [c for c in ("village", "commune_code", "status", "publisher", "url") if c not in reported.columns]
    if missing:
        raise InputError(f"the register lacks column(s) {missing}", where="reported",
                         fix="pass divide.reported_villages()")
    texts = reported_texts(lang)
    statuses = texts.pop("status")
    codes = reported["commune_code"].astype("string")
    reg = reported[codes.notna().to_numpy() & codes.isin(communes.index.astype(str)).fillna(False).to_numpy()]
    reg = reg.sort_index(kind="stable")
    unknown = sorted(set(reg["status"]) - set(statuses))
    if unknown:
        raise InputError(f"unknown report status(es) {unknown}", where="reported.status",
                         fix="use " + ", ".join(statuses))
    pos = communes.index.astype(str).get_indexer(reg["commune_code"].astype(str))
    pts = shapely.point_on_surface(g.values[pos])
    rank = pd.Series(pos).groupby(pos).cumcount().to_numpy()
    off = spiral_offsets(int(rank.max(initial=0)) + 1)[rank] * 9.0  # screen pixels between neighbours
    names = communes["commune_name"] if "commune_name" in communes.columns else communes.index.to_series()
    dates = _report_date(reg)
    rows, marks = [], []
    for k, (rid, r) in enumerate(reg.iterrows()):
        x, y = (shapely.get_x(pts[k]) - x0) / unit, (y1 - shapely.get_y(pts[k])) / unit
        row = {"id": str(rid), "village": str(r["village"]), "i": int(pos[k]), "commune": str(names.iloc[pos[k]]),
               "status": str(r["status"]), "date": dates.iloc[k], "publisher": _text(r["publisher"]),
               "url": _text(r["url"]), "quote": _text(r.get("quote")), "x": round(float(x), 1),
               "y": round(float(y), 1), "dx": round(float(off[k, 0]), 1), "dy": round(float(off[k, 1]), 1)}
        rows.append(row)
        label = f"{row['village']}, {statuses[row['status']][0]}, {texts['mark']} {row['date'] or texts['undated']}"
        marks.append(f'<circle class="rv" data-k="{k}" cx="{x:.1f}" cy="{y:.1f}" r="0" fill="{statuses[row["status"]][1]}" '
                     f'tabindex="0" role="button" aria-label="{html.escape(label, quote=True)}"/>')
    svg = f'<g id="reported" aria-label="{html.escape(texts["legend"], quote=True)}">{"".join(marks)}</g>'
    return svg, {"rows": rows, "status": statuses, "ui": texts}


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)


def interactive_map(
    communes: gpd.GeoDataFrame,
    out: str | Path,
    *,
    layers: Sequence[str] = DEFAULT_LAYERS,
    lang: str = "en",
    title: str | None = None,
    modeled: bool | None = None,
    tolerance: float | None = None,
    sources: Sequence[str] | None = None,
    reported: pd.DataFrame | None = None,
) -> Path:
    """Write an offline interactive map of the communes as one self-contained HTML file.

    The page has a layer switch, a legend and tooltips; a search box that
    finds a commune typed with or without diacritics (and without its "Xã",
    "Phường" prefix) and zooms to it; a panel with every indicator, rank,
    tier and source of a commune (click it, or Enter on it); zoom to a
    province; and "Download this view", a CSV (UTF-8 with BOM) of the
    communes on screen. Everything works with the keyboard. Given the
    register of reported villages, its matched reports are drawn as points
    marked "reported" with their date (observed data, never marked modeled).

    Parameters
    ----------
    communes
        GeoDataFrame of communes indexed by ``commune_code``.
    out
        The HTML file to write (atomically).
    layers
        Columns offered in the layer switch; those absent from the table are
        left out. When none is present, the first numeric column is shown.
    lang
        ``"en"`` or ``"vi"`` for the interface, legend and source line.
    title
        Page title; default from the first layer.
    modeled
        Show the modeled-data mark; default from ``attrs["modeled"]`` or a
        ``source`` column equal to ``"modeled"``.
    tolerance
        Simplification tolerance in metres; default 1/2500 of the larger side
        of the extent (about 700 m nationally, 40 m for Lai Châu). The national
        file is about 1.6 MB.
    sources
        Source lines; default :func:`divide.provenance.default_sources`.
    reported
        The register of reported villages (:func:`divide.reported_villages`):
        each report matched to a commune of the map becomes a point at the
        commune's representative point (reports sharing a commune a few
        pixels apart, in ``report_id`` order; the legend says "reported
        (placed at the commune)"). Hovering or focusing one shows the
        village, status, date, publisher and quote; a commune's panel lists
        its reports with their URLs as text links (nothing is loaded from
        them); a "reported villages" switch hides them. Default: none, and
        the page is as without this option.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    import shapely

    lang = style.check_lang(lang)
    style.check_table(communes, None)
    ui = {**style.texts("webmap", lang), **ui_texts(lang)}
    flag = is_modeled(communes, modeled)
    shown = [c for c in layers if c in communes.columns]
    if not shown:
        numeric = [c for c in communes.columns if c != "geometry" and pd.api.types.is_numeric_dtype(communes[c])]
        shown = numeric[:1]
    if not shown:
        raise InputError("no column to map", where=f"layers {list(layers)}",
                         fix="pass layers= with columns of the table")

    g = communes.geometry.to_crs(settings.PROJECTED_CRS)
    x0, y0, x1, y1 = g.total_bounds
    span = max(x1 - x0, y1 - y0)
    if tolerance is None:
        tolerance = span / 2500
    simplified = shapely.simplify(g.values, tolerance, preserve_topology=False)
    empty = shapely.is_empty(simplified) & ~shapely.is_empty(g.values)
    simplified[empty] = g.values[empty]
    unit = max(tolerance / 2, 1.0)  # one SVG unit in metres: rounding stays below the simplification
    width, height = int(math.ceil((x1 - x0) / unit)), int(math.ceil((y1 - y0) / unit))

    names = communes["commune_name"] if "commune_name" in communes.columns else pd.Series(communes.index.astype(str),
                                                                                         index=communes.index)
    provinces = communes["province_name"] if "province_name" in communes.columns else None
    paths = []
    for i, geom in enumerate(simplified):
        d = _path_d(geom, unit, x0, y1)
        label = html.escape(str(names.iloc[i]), quote=True)
        paths.append(f'<path class="c" data-i="{i}" aria-label="{label}" d="{d}"/>')
    outline = ""
    if "province_code" in communes.columns and communes["province_code"].nunique() > 1:
        from divide.geography.communes import load_provinces

        prov = load_provinces()
        prov = prov[prov.index.isin(communes["province_code"].unique())]
        pg = prov.geometry.to_crs(settings.PROJECTED_CRS)
        pg = pg.__class__(shapely.simplify(pg.values, tolerance, preserve_topology=False), crs=pg.crs)
        rings = style.outlines(pg)
        ds = []
        for geom in rings:
            for line in shapely.get_parts(geom):
                xy = np.asarray(line.coords)[:, :2]
                px = np.round((xy[:, 0] - x0) / unit).astype(np.int64)
                py = np.round((y1 - xy[:, 1]) / unit).astype(np.int64)
                if len(px) < 2:
                    continue
                moves = " ".join(f"{a} {b}" for a, b in zip(np.diff(px).tolist(), np.diff(py).tolist()))
                ds.append(f"M{px[0]} {py[0]}l{moves.replace(' -', '-')}")
        outline = f'<path class="p" d="{"".join(ds)}"/>'
    labels_svg = []
    if "commune_name" in communes.columns:
        for i, row_name in enumerate(names):
            if row_name in style.ARCHIPELAGOS:
                bx0, by0, bx1, by1 = shapely.bounds(simplified[i])
                lx, ly = ((bx0 + bx1) / 2 - x0) / unit, (y1 - by1) / unit - height * 0.01
                labels_svg.append(f'<text class="a" x="{lx:.0f}" y="{ly:.0f}" font-size="{height * 0.016:.0f}">'
                                  f"{html.escape(style.ARCHIPELAGOS[row_name])}</text>")

    tooltip_cols = [c for c in TOOLTIP_COLUMNS if c in communes.columns]
    for c in shown:
        if c not in tooltip_cols:
            tooltip_cols.append(c)
    panel, panel_cols = _panel(communes, [c for c in tooltip_cols if c not in PANEL_COLUMNS], lang)
    columns = [*panel_cols, *(c for c in tooltip_cols if c not in panel_cols)]
    fields = ["code", "name", *(["province"] if provinces is not None else []), *columns]
    values = [communes[c].tolist() for c in columns]
    rows = []
    for i in range(len(communes)):
        row: list[Any] = [str(communes.index[i]), str(names.iloc[i])]
        if provinces is not None:
            row.append(str(provinces.iloc[i]))
        row += [_value(v[i]) for v in values]
        rows.append(row)
    province_list = sorted({str(p) for p in provinces.dropna()}, key=lambda p: (fold(p), p)) if provinces is not None \
        else []
    specs = [_layer_spec(communes, c, lang) for c in shown]
    src = list(sources) if sources is not None else default_sources(communes, flag, lang)
    categorical = [c for c in columns if c in style.CATEGORICAL_COLUMNS
                   or not (pd.api.types.is_numeric_dtype(communes[c]) or pd.api.types.is_bool_dtype(communes[c]))]
    data = {
        "fields": fields,
        "rows": rows,
        "keys": [search_key(str(n)) for n in names],
        "provinces": [[p, search_key(p)] for p in province_list],
        "layers": specs,
        "tooltip": [[c, column_title(c, lang, short=True)] for c in tooltip_cols],
        "panel": panel,
        "labels": {c: m for c in categorical if c not in ("vintage", "source") and (m := _categories(communes, c, lang))},
        "sources": src,
        "modeled": LABEL if flag else None,
        "ui": ui,
        "nodata": "#e6e6e6",
    }
    markers, toggle, style_text, script_text = "", "", STYLE, SCRIPT
    if reported is not None:
        markers, data["reported"] = _reported_layer(reported, communes, g, x0, y1, unit, lang)
        toggle = (f'<label><input type="checkbox" id="reported-toggle" checked> '
                  f'{html.escape(data["reported"]["ui"]["toggle"])}</label>')
        style_text, script_text = STYLE + REPORTED_STYLE, SCRIPT + REPORTED_SCRIPT
        src = data["sources"] = [*src, data["reported"]["ui"]["source_line"]]
    page_title = title or column_title(shown[0], lang, short=True)
    mark = f'<div id="modeled" role="note">{html.escape(LABEL)}</div>' if flag else ""
    options = "".join(f'<option value="{j}">{html.escape(s["title"])}</option>' for j, s in enumerate(specs))
    svg = (f'<svg id="map" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" role="group" tabindex="-1" '
           f'aria-label="{html.escape(page_title, quote=True)}. {html.escape(ui["map"], quote=True)}">'
           '<defs><pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="8" height="8" fill="#eeeeee"/>'
           '<line x1="0" y1="0" x2="0" y2="8" stroke="#999" stroke-width="3"/></pattern></defs>'
           f'<g id="view"><g id="communes">{"".join(paths)}</g>{outline}{"".join(labels_svg)}'
           f'<path id="sel-mark"/><path id="focus-mark"/>{markers}</g></svg>')
    esc = {k: html.escape(ui[k], quote=True) for k in ("search_hint", "zoom_in", "zoom_out", "reset", "download",
                                                         "close", "hint", "keys")}
    page = TEMPLATE.format(
        lang=lang,
        title=html.escape(page_title),
        subtitle=html.escape(style.scope(communes, lang)),
        mark=mark,
        search_label=html.escape(ui["search"], quote=True),
        province_control=_province_control(province_list, ui) + toggle,
        layer_label=html.escape(ui["layer"]),
        options=options,
        panel_label=html.escape(ui["panel"], quote=True),
        svg=svg,
        sources=html.escape(f"{ui['sources']}: " + " ".join(src)),
        data=json_for_script(data),
        style=style_text,
        script=script_text,
        **esc,
    )
    out = Path(out)
    with atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return out
