r"""The offline interactive map: one self-contained HTML file (presentation layer).

:func:`interactive_map` writes a single HTML file that works with no network:
the communes are inline SVG paths (projected to the project's equal-area CRS,
simplified, coordinates rounded to 100 m and written as relative moves), the
values are one JSON block, and a few lines of vanilla JavaScript do the rest:
a tooltip per commune (name, province, index, pillars, tiers, rank interval
when those columns exist), a switch between layers (numeric columns in
classes, categorical columns in categories), a legend, zoom and pan. The
commune layer is the base map: there are no tiles.

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
from divide.indicators.columns import column_meaning, column_title
from divide.present import style
from divide.provenance import LABEL, atomic_path, default_sources, is_modeled

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["DEFAULT_LAYERS", "TOOLTIP_COLUMNS", "interactive_map", "json_for_script"]

#: Layers offered by default (only those present in the table are shown).
DEFAULT_LAYERS = ("divide_index", "infrastructure_gap", "usage_gap", "priority_tier", "type")

#: Columns shown in the tooltip when present, in order.
TOOLTIP_COLUMNS = ("divide_index", "infrastructure_gap", "usage_gap", "divide_tier", "priority_tier",
                   "divide_index_lisa", "type", "region_id", "population")

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
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if not math.isfinite(f) else round(f, 2)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
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
) -> Path:
    """Write an offline interactive map of the communes as one self-contained HTML file.

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
        file is about 1.5 MB.
    sources
        Source lines; default :func:`divide.provenance.default_sources`.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    import shapely

    lang = style.check_lang(lang)
    style.check_table(communes, None)
    ui = style.texts("webmap", lang)
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
    rows = []
    for i in range(len(communes)):
        row = {"code": str(communes.index[i]), "name": str(names.iloc[i])}
        if provinces is not None:
            row["province"] = str(provinces.iloc[i])
        for c in tooltip_cols:
            row[c] = _value(communes[c].iloc[i])
        for c in ("rank_national", "rank_median", "rank_p05", "rank_p95"):
            if c in communes.columns:
                row[c] = _value(communes[c].iloc[i])
        rows.append(row)
    specs = [_layer_spec(communes, c, lang) for c in shown]
    data = {
        "rows": rows,
        "layers": specs,
        "tooltip": [[c, column_title(c, lang, short=True)] for c in tooltip_cols],
        "ui": ui,
        "nodata": "#e6e6e6",
    }
    page_title = title or column_title(shown[0], lang, short=True)
    src = list(sources) if sources is not None else default_sources(communes, flag, lang)
    mark = f'<div id="modeled" role="note">{html.escape(LABEL)}</div>' if flag else ""
    options = "".join(f'<option value="{j}">{html.escape(s["title"])}</option>' for j, s in enumerate(specs))
    svg = (f'<svg id="map" viewBox="0 0 {width} {height}" '
           f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{html.escape(page_title, quote=True)}">'
           '<defs><pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="8" height="8" fill="#eeeeee"/>'
           '<line x1="0" y1="0" x2="0" y2="8" stroke="#999" stroke-width="3"/></pattern></defs>'
           f'<g id="view"><g id="communes">{"".join(paths)}</g>{outline}{"".join(labels_svg)}</g></svg>')
    page = _TEMPLATE.format(
        lang=lang,
        title=html.escape(page_title),
        subtitle=html.escape(style.scope(communes, lang)),
        mark=mark,
        layer_label=html.escape(ui["layer"]),
        options=options,
        reset=html.escape(ui["reset"]),
        hint=html.escape(ui["hint"]),
        svg=svg,
        sources=html.escape(f"{ui['sources']}: " + " ".join(src)),
        data=json_for_script(data),
        script=_SCRIPT,
    )
    out = Path(out)
    with atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return out


_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif;
  color: #222; background: #fff; }}
body {{ display: flex; flex-direction: column; }}
header {{ padding: 8px 14px 4px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; }}
h1 {{ font-size: 18px; margin: 0; }}
#subtitle {{ color: #555; font-size: 13px; }}
#modeled {{ margin-left: auto; color: #b00020; border: 2px solid #b00020; background: #fff3f3; border-radius: 6px;
  padding: 3px 8px; font-weight: bold; font-size: 14px; }}
#controls {{ padding: 2px 14px; font-size: 13px; display: flex; gap: 12px; align-items: center; }}
main {{ flex: 1; position: relative; min-height: 300px; }}
#map {{ position: absolute; inset: 0; width: 100%; height: 100%; cursor: grab; background: #f4f8fb; }}
#map path.c {{ stroke: #fff; stroke-width: 0.6; vector-effect: non-scaling-stroke; }}
#map path.c:hover, #map path.c.hl {{ stroke: #000; stroke-width: 1.6; }}
#map path.p {{ fill: none; stroke: #333; stroke-width: 1; vector-effect: non-scaling-stroke; pointer-events: none; }}
#map text.a {{ font-style: italic; fill: #1f4e79; text-anchor: middle; pointer-events: none;
  paint-order: stroke; stroke: #fff; stroke-width: 3px; vector-effect: non-scaling-stroke; }}
#legend {{ position: absolute; left: 12px; bottom: 12px; background: rgba(255,255,255,0.94); border: 1px solid #ccc;
  border-radius: 4px; padding: 6px 9px; font-size: 12px; max-width: 300px; }}
#legend .t {{ font-weight: bold; margin-bottom: 4px; }}
#legend .r {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
#legend .s {{ width: 16px; height: 11px; border: 1px solid #888; flex: none; }}
#tip {{ position: fixed; pointer-events: none; background: #fff; border: 1px solid #888; border-radius: 4px;
  padding: 6px 8px; font-size: 12px; box-shadow: 0 1px 4px rgba(0,0,0,0.25); display: none; max-width: 320px;
  z-index: 10; }}
#tip .n {{ font-weight: bold; font-size: 13px; }}
#tip table {{ border-collapse: collapse; margin-top: 3px; }}
#tip td {{ padding: 0 6px 0 0; }}
footer {{ padding: 4px 14px 8px; font-size: 11px; color: #555; }}
</style>
</head>
<body>
<header><h1>{title}</h1><span id="subtitle">{subtitle}</span>{mark}</header>
<div id="controls"><label>{layer_label} <select id="layer">{options}</select></label>
<button id="reset" type="button">{reset}</button><span style="color:#777">{hint}</span></div>
<main>{svg}<div id="legend"></div></main>
<div id="tip"></div>
<footer id="sources">{sources}</footer>
<script type="application/json" id="data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

# Vanilla JavaScript, no library. Names reach the page through textContent only.
_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var svg = document.getElementById("map");
  var paths = svg.querySelectorAll("path.c");
  var legend = document.getElementById("legend");
  var tip = document.getElementById("tip");
  var select = document.getElementById("layer");
  var ui = data.ui;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined) { return ui.no_data; }
    if (typeof v === "number") {
      return v.toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-US",
                              {maximumFractionDigits: 1});
    }
    return String(v);
  }

  function draw(j) {
    var layer = data.layers[j];
    var counts = new Array(layer.colors.length).fill(0), nodata = 0;
    for (var i = 0; i < paths.length; i++) {
      var k = layer["class"][+paths[i].getAttribute("data-i")];
      if (k >= 0 && k < layer.colors.length) { paths[i].style.fill = layer.colors[k]; counts[k]++; }
      else { paths[i].style.fill = "url(#nodata)"; nodata++; }
    }
    legend.textContent = "";
    legend.appendChild(el("div", "t", layer.title));
    layer.labels.forEach(function (label, k) {
      var row = el("div", "r"), sw = el("span", "s");
      sw.style.background = layer.colors[k];
      row.appendChild(sw);
      row.appendChild(el("span", "", label + " (" + counts[k] + ")"));
      legend.appendChild(row);
    });
    if (nodata) {
      var row = el("div", "r"), sw = el("span", "s");
      sw.style.background = "repeating-linear-gradient(45deg,#eee 0 3px,#999 3px 5px)";
      row.appendChild(sw);
      row.appendChild(el("span", "", ui.no_data + " (" + nodata + ")"));
      legend.appendChild(row);
    }
  }

  function showTip(ev, i) {
    var r = data.rows[i];
    tip.textContent = "";
    tip.appendChild(el("div", "n", r.name));
    var sub = [r.code];
    if (r.province) { sub.push(r.province); }
    tip.appendChild(el("div", "", sub.join(" · ")));
    var table = el("table");
    data.tooltip.forEach(function (pair) {
      if (!(pair[0] in r)) { return; }
      var tr = el("tr");
      tr.appendChild(el("td", "", pair[1]));
      tr.appendChild(el("td", "", fmt(r[pair[0]])));
      table.appendChild(tr);
    });
    if ("rank_national" in r || "rank_median" in r) {
      var tr = el("tr");
      var rank = fmt("rank_national" in r ? r.rank_national : r.rank_median);
      if ("rank_p05" in r && r.rank_p05 !== null) {
        rank += " (" + ui.interval + " " + fmt(r.rank_p05) + "–" + fmt(r.rank_p95) + ")";
      }
      tr.appendChild(el("td", "", ui.rank));
      tr.appendChild(el("td", "", rank));
      table.appendChild(tr);
    }
    tip.appendChild(table);
    tip.style.display = "block";
    moveTip(ev);
  }

  function moveTip(ev) {
    var x = ev.clientX + 14, y = ev.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth) { x = ev.clientX - w - 10; }
    if (y + h > window.innerHeight) { y = ev.clientY - h - 10; }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  svg.addEventListener("mouseover", function (ev) {
    var t = ev.target;
    if (t.classList && t.classList.contains("c")) { showTip(ev, +t.getAttribute("data-i")); }
  });
  svg.addEventListener("mousemove", function (ev) { if (tip.style.display === "block") { moveTip(ev); } });
  svg.addEventListener("mouseout", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("c")) { tip.style.display = "none"; }
  });

  // Zoom and pan by changing the viewBox.
  var vb0 = svg.getAttribute("viewBox").split(" ").map(Number), vb = vb0.slice(), drag = null;
  function setVB() { svg.setAttribute("viewBox", vb.join(" ")); }
  function toSvg(ev) {
    var r = svg.getBoundingClientRect();
    var s = Math.max(vb[2] / r.width, vb[3] / r.height);
    var ox = (r.width * s - vb[2]) / 2, oy = (r.height * s - vb[3]) / 2;
    return [vb[0] - ox + (ev.clientX - r.left) * s, vb[1] - oy + (ev.clientY - r.top) * s, s];
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toSvg(ev), f = ev.deltaY < 0 ? 0.8 : 1.25;
    vb = [p[0] - (p[0] - vb[0]) * f, p[1] - (p[1] - vb[1]) * f, vb[2] * f, vb[3] * f];
    setVB();
  }, {passive: false});
  svg.addEventListener("mousedown", function (ev) { drag = toSvg(ev); svg.style.cursor = "grabbing"; });
  window.addEventListener("mouseup", function () { drag = null; svg.style.cursor = "grab"; });
  svg.addEventListener("mousemove", function (ev) {
    if (!drag) { return; }
    var p = toSvg(ev);
    vb[0] -= p[0] - drag[0];
    vb[1] -= p[1] - drag[1];
    setVB();
  });
  document.getElementById("reset").addEventListener("click", function () { vb = vb0.slice(); setVB(); });
  select.addEventListener("change", function () { draw(+select.value); });
  draw(0);
  document.body.setAttribute("data-ready", String(paths.length));
})();
"""
