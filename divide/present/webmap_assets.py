"""The page of the offline interactive map: HTML template, style sheet, script and interface texts.

:func:`divide.present.webmap.interactive_map` fills :data:`TEMPLATE` (``str.format`` fields) with the
escaped texts, the inline SVG, the JSON data block, :data:`STYLE` and :data:`SCRIPT`. The script is
vanilla JavaScript with no library and no network access; names reach the page through
``textContent`` only.

The script exposes ``window.divideMap`` (used by the tests, and handy from the browser console):
``fold(text)``, ``search(query)`` (row numbers, best first), ``choose(i)`` (zoom to a commune,
highlight it, open its panel), ``openPanel(i)``, ``closePanel()``, ``zoomProvince(name)``,
``reset()``, ``viewBox()``, ``idle()`` (no zoom animation running), ``inView()`` (row numbers of the
communes in view) and ``viewCsv()`` (the text that "Download this view" saves).
Given the register of reported villages, :data:`REPORTED_STYLE` and :data:`REPORTED_SCRIPT` follow (the
markers, their tooltips, legend rows, panel section and switch; ``window.divideReported``); without it the
page is exactly as before.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

__all__ = ["STYLE", "SCRIPT", "TEMPLATE", "REPORTED_STYLE", "REPORTED_SCRIPT", "ui_texts", "units", "reported_texts"]


def _texts() -> dict[str, dict[str, list[str]]]:
    with resources.files("divide.present").joinpath("webmap.toml").open("rb") as fh:
        return tomllib.load(fh)


def _section(name: str, lang: str) -> dict[str, str]:
    """One table of ``webmap.toml`` in one language (``[English, Vietnamese, ...]`` values)."""
    i = 1 if lang == "vi" else 0
    return {k: v[i] for k, v in _texts()[name].items()}


def ui_texts(lang: str) -> dict[str, str]:
    """The interface texts of ``webmap.toml`` (search, panel, province zoom, download) in one language.

    Examples
    --------
    >>> ui_texts("vi")["close"]
    'Đóng'
    """
    return _section("ui", lang)


def units(lang: str) -> dict[str, str]:
    """Units worth showing beside a value in the panel, in one language: unit -> text.

    Examples
    --------
    >>> units("vi")["persons"], "text" in units("en")
    ('người', False)
    """
    return _section("units", lang)


def reported_texts(lang: str) -> dict[str, Any]:
    """Texts of the reported-villages layer in one language, and ``"status"``: status -> [label, colour].

    Examples
    --------
    >>> t = reported_texts("vi")
    >>> t["legend"], t["status"]["no_signal"]
    ('được báo cáo (đặt tại xã)', ['chưa có sóng di động', '#d62728'])
    """
    status = {k: [v[1 if lang == "vi" else 0], v[2]] for k, v in _texts()["reported_status"].items()}
    return {**_section("reported", lang), "status": status}


TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{title}</h1><span id="subtitle">{subtitle}</span>{mark}</header>
<div id="controls">
<div id="finder"><label for="search">{search_label}</label>
<input id="search" type="search" autocomplete="off" spellcheck="false" placeholder="{search_hint}"
 role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="results">
<ul id="results" role="listbox" aria-label="{search_label}" hidden></ul>
<span id="status" role="status" aria-live="polite" class="sr"></span></div>
{province_control}
<label>{layer_label} <select id="layer">{options}</select></label>
<button id="zoom-in" type="button" aria-label="{zoom_in}" title="{zoom_in}">+</button>
<button id="zoom-out" type="button" aria-label="{zoom_out}" title="{zoom_out}">&minus;</button>
<button id="reset" type="button">{reset}</button>
<button id="download" type="button">{download}</button>
<span class="hint">{hint} {keys}</span></div>
<main>{svg}<div id="legend"></div>
<aside id="panel" role="dialog" aria-modal="false" aria-labelledby="panel-name" aria-label="{panel_label}" hidden>
<button id="close" type="button" aria-label="{close}" title="{close}">&times;</button>
<h2 id="panel-name"></h2><div id="panel-sub"></div><div id="panel-body"></div></aside></main>
<div id="tip"></div>
<footer id="sources">{sources}</footer>
<script type="application/json" id="data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

STYLE = """
html, body { margin: 0; height: 100%; font-family: "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif;
  color: #222; background: #fff; }
body { display: flex; flex-direction: column; }
header { padding: 8px 14px 4px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; }
h1 { font-size: 18px; margin: 0; }
#subtitle { color: #555; font-size: 13px; }
#modeled, .modeled { color: #b00020; border: 2px solid #b00020; background: #fff3f3; border-radius: 6px;
  padding: 3px 8px; font-weight: bold; font-size: 14px; }
#modeled { margin-left: auto; }
#controls { padding: 2px 14px 4px; font-size: 13px; display: flex; flex-wrap: wrap; gap: 6px 12px;
  align-items: center; }
#controls .hint { color: #666; }
#finder { position: relative; display: flex; gap: 6px; align-items: center; }
#search { width: 16em; padding: 3px 6px; font: inherit; }
#results { position: absolute; left: 0; top: 100%; z-index: 20; margin: 2px 0 0; padding: 0; list-style: none;
  background: #fff; border: 1px solid #888; border-radius: 4px; box-shadow: 0 2px 6px rgba(0,0,0,0.25);
  min-width: 100%; max-height: 320px; overflow-y: auto; }
#results li { padding: 4px 8px; cursor: pointer; white-space: nowrap; }
#results li .pv { color: #666; margin-left: 6px; }
#results li.active, #results li:hover { background: #e3eefc; }
#results li.active { outline: 2px solid #1a73e8; outline-offset: -2px; }
#results li.none { color: #666; cursor: default; }
button, select, input { font: inherit; }
button:focus-visible, select:focus-visible, input:focus-visible, a:focus-visible {
  outline: 3px solid #1a73e8; outline-offset: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
main { flex: 1; position: relative; min-height: 300px; }
#map { position: absolute; inset: 0; width: 100%; height: 100%; cursor: grab; background: #f4f8fb; }
#map:focus-visible { outline: 3px solid #1a73e8; outline-offset: -3px; }
#map path.c { stroke: #fff; stroke-width: 0.6; vector-effect: non-scaling-stroke; }
#map path.c:focus { outline: none; }
#map path.c:hover { stroke: #000; stroke-width: 1.6; }
#map path.p { fill: none; stroke: #333; stroke-width: 1; vector-effect: non-scaling-stroke; pointer-events: none; }
#map text.a { font-style: italic; fill: #1f4e79; text-anchor: middle; pointer-events: none;
  paint-order: stroke; stroke: #fff; stroke-width: 3px; vector-effect: non-scaling-stroke; }
#map #sel-mark { fill: none; stroke: #ff6f00; stroke-width: 3.5; vector-effect: non-scaling-stroke;
  pointer-events: none; }
#map #focus-mark { fill: none; stroke: #1a73e8; stroke-width: 3; stroke-dasharray: 6 3;
  vector-effect: non-scaling-stroke; pointer-events: none; }
#legend { position: absolute; left: 12px; bottom: 12px; background: rgba(255,255,255,0.94); border: 1px solid #ccc;
  border-radius: 4px; padding: 6px 9px; font-size: 12px; max-width: 300px; }
#legend .t { font-weight: bold; margin-bottom: 4px; }
#legend .r { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
#legend .s { width: 16px; height: 11px; border: 1px solid #888; flex: none; }
#panel { position: absolute; top: 8px; right: 8px; bottom: 8px; width: 360px; max-width: calc(100% - 16px);
  overflow-y: auto; background: #fff; border: 1px solid #999; border-radius: 6px; padding: 8px 12px 12px;
  box-shadow: 0 2px 10px rgba(0,0,0,0.3); font-size: 12.5px; box-sizing: border-box; z-index: 15; }
#panel[hidden] { display: none; }
#panel h2 { font-size: 16px; margin: 2px 28px 2px 0; }
#panel h3 { font-size: 13px; margin: 10px 0 3px; border-bottom: 1px solid #ddd; }
#panel table { border-collapse: collapse; width: 100%; }
#panel th { text-align: left; font-weight: normal; padding: 1px 6px 1px 0; vertical-align: top; }
#panel td { padding: 1px 0 1px 6px; text-align: right; white-space: nowrap; vertical-align: top; }
#panel td.u { color: #666; text-align: left; }
#panel ul { margin: 2px 0; padding-left: 16px; color: #444; }
#panel .modeled { display: inline-block; margin-top: 8px; font-size: 12px; }
#panel-sub { color: #555; }
#close { position: absolute; top: 4px; right: 6px; border: none; background: none; font-size: 20px;
  cursor: pointer; line-height: 1; }
#tip { position: fixed; pointer-events: none; background: #fff; border: 1px solid #888; border-radius: 4px;
  padding: 6px 8px; font-size: 12px; box-shadow: 0 1px 4px rgba(0,0,0,0.25); display: none; max-width: 320px;
  z-index: 30; }
#tip .n { font-weight: bold; font-size: 13px; }
#tip table { border-collapse: collapse; margin-top: 3px; }
#tip td { padding: 0 6px 0 0; }
footer { padding: 4px 14px 8px; font-size: 11px; color: #555; }
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto; } }
"""

# Vanilla JavaScript, no library. Names reach the page through textContent only.
SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var ui = data.ui, fields = data.fields;
  var svg = document.getElementById("map");
  var paths = svg.querySelectorAll("path.c");
  var legend = document.getElementById("legend");
  var tip = document.getElementById("tip");
  var select = document.getElementById("layer");
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var provinceSelect = document.getElementById("province");
  var panel = document.getElementById("panel");
  var selMark = document.getElementById("sel-mark"), focusMark = document.getElementById("focus-mark");
  var locale = document.documentElement.lang === "vi" ? "vi-VN" : "en-US";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var rows = data.rows.map(function (values) {
    var r = {};
    for (var j = 0; j < fields.length; j++) { r[fields[j]] = values[j]; }
    return r;
  });
  var pathOf = [];
  for (var k = 0; k < paths.length; k++) { pathOf[+paths[k].getAttribute("data-i")] = paths[k]; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined) { return ui.no_data; }
    if (typeof v === "number") { return v.toLocaleString(locale, {maximumFractionDigits: 1}); }
    if (typeof v === "boolean") { return v ? ui.yes : ui.no; }
    return String(v);
  }

  function show(column, v) {  // a value as the panel shows it: category labels, numbers in the locale
    var labels = data.labels[column];
    if (v !== null && labels && labels[String(v)] !== undefined) { return labels[String(v)]; }
    if (typeof v === "number") { return v.toLocaleString(locale, {maximumFractionDigits: 2}); }
    return fmt(v);
  }

  // ------------------------------------------------------------------ layers and legend
  function draw(j) {
    var layer = data.layers[j];
    var counts = new Array(layer.colors.length).fill(0), nodata = 0;
    for (var i = 0; i < paths.length; i++) {
      var c = layer["class"][+paths[i].getAttribute("data-i")];
      if (c >= 0 && c < layer.colors.length) { paths[i].style.fill = layer.colors[c]; counts[c]++; }
      else { paths[i].style.fill = "url(#nodata)"; nodata++; }
    }
    legend.textContent = "";
    legend.appendChild(el("div", "t", layer.title));
    layer.labels.forEach(function (label, c) {
      var row = el("div", "r"), sw = el("span", "s");
      sw.style.background = layer.colors[c];
      row.appendChild(sw);
      row.appendChild(el("span", "", label + " (" + counts[c] + ")"));
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

  // ------------------------------------------------------------------ tooltip
  function rankText(r) {
    var rank = fmt("rank_national" in r ? r.rank_national : r.rank_median);
    if ("rank_p05" in r && r.rank_p05 !== null) {
      rank += " (" + ui.interval + " " + fmt(r.rank_p05) + "–" + fmt(r.rank_p95) + ")";
    }
    return rank;
  }

  function showTip(x, y, i) {
    var r = rows[i];
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
      tr.appendChild(el("td", "", ui.rank));
      tr.appendChild(el("td", "", rankText(r)));
      table.appendChild(tr);
    }
    tip.appendChild(table);
    tip.style.display = "block";
    moveTip(x, y);
  }

  function moveTip(cx, cy) {
    var x = cx + 14, y = cy + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth) { x = cx - w - 10; }
    if (y + h > window.innerHeight) { y = cy - h - 10; }
    tip.style.left = Math.max(0, x) + "px";
    tip.style.top = Math.max(0, y) + "px";
  }

  function isCommune(t) { return t && t.classList && t.classList.contains("c"); }
  svg.addEventListener("mouseover", function (ev) {
    if (isCommune(ev.target)) { showTip(ev.clientX, ev.clientY, +ev.target.getAttribute("data-i")); }
  });
  svg.addEventListener("mousemove", function (ev) {
    if (tip.style.display === "block") { moveTip(ev.clientX, ev.clientY); }
  });
  svg.addEventListener("mouseout", function (ev) { if (isCommune(ev.target)) { tip.style.display = "none"; } });

  // ------------------------------------------------------------------ view: zoom, pan, animation
  var vb0 = svg.getAttribute("viewBox").split(" ").map(Number), vb = vb0.slice(), drag = null, moved = false;
  var anim = null;
  function setVB() { svg.setAttribute("viewBox", vb.map(function (v) { return Math.round(v * 100) / 100; }).join(" ")); }
  function stopAnim() { if (anim) { cancelAnimationFrame(anim); anim = null; } }
  function animateTo(target) {
    stopAnim();
    if (reduced) { vb = target.slice(); setVB(); return; }
    var from = vb.slice(), t0 = null, ms = 350;
    function step(now) {
      if (t0 === null) { t0 = now; }
      var t = Math.min(1, (now - t0) / ms), e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
      vb = from.map(function (a, j) { return a + (target[j] - a) * e; });
      setVB();
      anim = t < 1 ? requestAnimationFrame(step) : null;
    }
    anim = requestAnimationFrame(step);
  }
  function scaleOf() {
    var r = svg.getBoundingClientRect();
    return [Math.max(vb[2] / r.width, vb[3] / r.height), r];
  }
  function visible() {  // the rectangle of SVG units on screen (wider than the viewBox on one side)
    var sr = scaleOf(), s = sr[0], r = sr[1], w = r.width * s, h = r.height * s;
    return [vb[0] - (w - vb[2]) / 2, vb[1] - (h - vb[3]) / 2, w, h];
  }
  function toSvg(ev) {
    var sr = scaleOf(), s = sr[0], r = sr[1], v = visible();
    return [v[0] + (ev.clientX - r.left) * s, v[1] + (ev.clientY - r.top) * s];
  }
  function zoomAt(p, f) {
    vb = [p[0] - (p[0] - vb[0]) * f, p[1] - (p[1] - vb[1]) * f, vb[2] * f, vb[3] * f];
    setVB();
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    stopAnim();
    zoomAt(toSvg(ev), ev.deltaY < 0 ? 0.8 : 1.25);
  }, {passive: false});
  svg.addEventListener("mousedown", function (ev) {
    stopAnim(); drag = toSvg(ev); moved = false; svg.style.cursor = "grabbing";
  });
  window.addEventListener("mouseup", function () { drag = null; svg.style.cursor = "grab"; });
  svg.addEventListener("mousemove", function (ev) {
    if (!drag) { return; }
    var p = toSvg(ev);
    if (Math.abs(p[0] - drag[0]) + Math.abs(p[1] - drag[1]) > 0) { moved = true; }
    vb[0] -= p[0] - drag[0];
    vb[1] -= p[1] - drag[1];
    setVB();
  });

  var boxes = null;
  function box(i) {
    if (!boxes) {
      boxes = [];
      for (var j = 0; j < rows.length; j++) {
        var b = pathOf[j].getBBox();
        boxes.push([b.x, b.y, b.width, b.height]);
      }
    }
    return boxes[i];
  }
  function union(list) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    list.forEach(function (i) {
      var b = box(i);
      x0 = Math.min(x0, b[0]); y0 = Math.min(y0, b[1]);
      x1 = Math.max(x1, b[0] + b[2]); y1 = Math.max(y1, b[1] + b[3]);
    });
    return [x0, y0, x1 - x0, y1 - y0];
  }
  function around(b, pad, least) {  // a viewBox around a box, with a margin and a smallest size
    var w = Math.max(b[2] * pad, vb0[2] * least), h = Math.max(b[3] * pad, vb0[3] * least);
    return [b[0] + b[2] / 2 - w / 2, b[1] + b[3] / 2 - h / 2, w, h];
  }
  function inView() {
    var v = visible(), out = [];
    for (var i = 0; i < rows.length; i++) {
      var b = box(i);
      if (b[0] < v[0] + v[2] && b[0] + b[2] > v[0] && b[1] < v[1] + v[3] && b[1] + b[3] > v[1]) { out.push(i); }
    }
    return out;
  }
  function reset() { animateTo(vb0); if (provinceSelect) { provinceSelect.value = ""; } }
  function zoomBy(f) {
    stopAnim();
    zoomAt([vb[0] + vb[2] / 2, vb[1] + vb[3] / 2], f);
  }
  document.getElementById("reset").addEventListener("click", reset);
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(0.67); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(1.5); });
  select.addEventListener("change", function () { draw(+select.value); });

  // ------------------------------------------------------------------ provinces
  function zoomProvince(name) {
    var list = [];
    for (var i = 0; i < rows.length; i++) { if (rows[i].province === name) { list.push(i); } }
    if (!list.length) { return false; }
    animateTo(around(union(list), 1.08, 0));
    return true;
  }
  if (provinceSelect) {
    provinceSelect.addEventListener("change", function () {
      if (provinceSelect.value === "") { animateTo(vb0); } else { zoomProvince(provinceSelect.value); }
    });
  }

  // ------------------------------------------------------------------ selection, focus and the panel
  var current = 0, selected = null, opener = null;
  function markAs(mark, i) {
    if (i === null) { mark.removeAttribute("d"); } else { mark.setAttribute("d", pathOf[i].getAttribute("d")); }
  }
  function setCurrent(i) {
    pathOf[current].setAttribute("tabindex", "-1");
    current = i;
    pathOf[current].setAttribute("tabindex", "0");
  }
  for (var p = 0; p < rows.length; p++) {
    pathOf[p].setAttribute("tabindex", p === 0 ? "0" : "-1");
    pathOf[p].setAttribute("role", "button");
    pathOf[p].setAttribute("aria-label", rows[p].name + (rows[p].province ? ", " + rows[p].province : ""));
  }

  function pick(i) { selected = i; markAs(selMark, i); setCurrent(i); }

  function section(title, lines) {
    if (!lines.length) { return null; }
    var wrap = el("section"), table = el("table");
    wrap.appendChild(el("h3", "", title));
    lines.forEach(function (line) {
      var tr = el("tr");
      tr.appendChild(el("th", "", line[0]));
      tr.appendChild(el("td", "", line[1]));
      tr.appendChild(el("td", "u", line[2] || ""));
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    return wrap;
  }

  function openPanel(i, from) {
    var r = rows[i];
    pick(i);
    opener = from || pathOf[i];
    document.getElementById("panel-name").textContent = r.name;
    var sub = [ui.code + " " + r.code];
    if (r.province) { sub.push(r.province); }
    document.getElementById("panel-sub").textContent = sub.join(" · ");
    var body = document.getElementById("panel-body");
    body.textContent = "";
    data.panel.forEach(function (group) {
      var lines = [];
      group[1].forEach(function (item) {
        if (item[0] === "@interval") {
          if (r.rank_p05 !== null && r.rank_p95 !== null) {
            lines.push([item[1], show("rank_p05", r.rank_p05) + "–" + show("rank_p95", r.rank_p95), item[2]]);
          }
          return;
        }
        var v = r[item[0]], labels = data.labels[item[0]];
        var named = v !== null && labels && labels[String(v)] !== undefined;  // a label says it all
        lines.push([item[1], show(item[0], v), v === null || named ? "" : item[2]]);
      });
      var s = section(group[0], lines);
      if (s) { body.appendChild(s); }
    });
    var src = el("section");
    src.appendChild(el("h3", "", ui.sources));
    var ul = el("ul");
    data.sources.forEach(function (line) { ul.appendChild(el("li", "", line)); });
    src.appendChild(ul);
    if (data.modeled) { src.appendChild(el("div", "modeled", data.modeled)); }
    body.appendChild(src);
    panel.hidden = false;
    panel.scrollTop = 0;
    document.getElementById("close").focus();
  }
  function closePanel() {
    if (panel.hidden) { return; }
    panel.hidden = true;
    var back = opener;
    opener = null;
    if (back && back.focus) { back.focus(); }
  }
  document.getElementById("close").addEventListener("click", closePanel);

  svg.addEventListener("click", function (ev) {
    if (isCommune(ev.target) && !moved) { openPanel(+ev.target.getAttribute("data-i")); }
  });
  svg.addEventListener("focusin", function (ev) {
    if (!isCommune(ev.target)) { return; }
    var i = +ev.target.getAttribute("data-i");
    markAs(focusMark, i);
    var b = box(i), v = visible();
    if (b[0] + b[2] < v[0] || b[0] > v[0] + v[2] || b[1] + b[3] < v[1] || b[1] > v[1] + v[3]) {
      animateTo([b[0] + b[2] / 2 - vb[2] / 2, b[1] + b[3] / 2 - vb[3] / 2, vb[2], vb[3]]);
    }
    var rc = ev.target.getBoundingClientRect();
    showTip(rc.right, rc.top, i);
  });
  svg.addEventListener("focusout", function (ev) {
    if (isCommune(ev.target)) { markAs(focusMark, null); tip.style.display = "none"; }
  });

  function neighbour(i, dx, dy) {  // the nearest commune in the arrow's direction
    var a = box(i), ax = a[0] + a[2] / 2, ay = a[1] + a[3] / 2, best = null, bestScore = Infinity;
    for (var j = 0; j < rows.length; j++) {
      if (j === i) { continue; }
      var b = box(j), x = b[0] + b[2] / 2 - ax, y = b[1] + b[3] / 2 - ay;
      var along = x * dx + y * dy, across = Math.abs(x * dy - y * dx);
      if (along <= 0) { continue; }
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = j; }
    }
    return best;
  }
  var ARROWS = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
  svg.addEventListener("keydown", function (ev) {
    if (!isCommune(ev.target)) { return; }
    var i = +ev.target.getAttribute("data-i");
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openPanel(i); return; }
    if (ev.key === "+" || ev.key === "=") { ev.preventDefault(); zoomBy(0.67); return; }
    if (ev.key === "-") { ev.preventDefault(); zoomBy(1.5); return; }
    var d = ARROWS[ev.key];
    if (!d) { return; }
    ev.preventDefault();
    var j = neighbour(i, d[0], d[1]);
    if (j !== null) { setCurrent(j); pathOf[j].focus(); }
  });

  // ------------------------------------------------------------------ search
  function fold(text) {  // as divide.geography.names.fold: no diacritics, đ -> d, lower case, single spaces
    return String(text).normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase()
      .replace(/[^0-9a-z]+/g, " ").trim();
  }
  var PREFIX = /^(?:thanh pho|dac khu|thi tran|thi xa|phuong|xa|tp|tx|tt|p|x) (?=\S)/;
  var provinceKey = {};
  data.provinces.forEach(function (pair) { provinceKey[pair[0]] = pair[1]; });
  function scoreOf(key, q) {
    if (key === q) { return 0; }
    if (key.lastIndexOf(q, 0) === 0) { return 1; }
    if ((" " + key).indexOf(" " + q) >= 0) { return 2; }
    return key.indexOf(q) >= 0 ? 3 : -1;
  }
  function find(query, limit) {
    var q = fold(query);
    if (!q) { return []; }
    var bare = q.replace(PREFIX, ""), found = [];
    for (var i = 0; i < rows.length; i++) {
      var key = data.keys[i], s = scoreOf(key, q);
      if (bare !== q) { var s2 = scoreOf(key, bare); if (s2 >= 0 && (s < 0 || s2 < s)) { s = s2; } }
      if (s < 0) {
        var whole = key + " " + (provinceKey[rows[i].province] || "");
        if (whole.indexOf(q) >= 0 || whole.indexOf(bare) >= 0) { s = 4; }
      }
      if (s < 0 && /^\d+$/.test(q) && String(rows[i].code).lastIndexOf(q, 0) === 0) { s = 1; }
      if (s >= 0) { found.push([s, key, i]); }
    }
    found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]); });
    return found.slice(0, limit || 50).map(function (f) { return f[2]; });
  }

  var matches = [], active = -1;
  function closeList() {
    results.hidden = true;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function setActive(k) {
    var items = results.querySelectorAll("li[role=option]");
    if (!items.length) { return; }
    active = (k + items.length) % items.length;
    for (var j = 0; j < items.length; j++) {
      items[j].classList.toggle("active", j === active);
      items[j].setAttribute("aria-selected", j === active ? "true" : "false");
    }
    search.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({block: "nearest"});
  }
  function list() {
    results.textContent = "";
    active = -1;
    search.removeAttribute("aria-activedescendant");
    if (!fold(search.value)) { closeList(); status.textContent = ""; return; }
    matches = find(search.value, 30);
    if (!matches.length) {
      results.appendChild(el("li", "none", ui.no_match));
    }
    matches.forEach(function (i, k) {
      var li = el("li", "", rows[i].name);
      li.id = "result-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-i", String(i));
      if (rows[i].province) { li.appendChild(el("span", "pv", rows[i].province)); }
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      results.appendChild(li);
    });
    results.hidden = false;
    search.setAttribute("aria-expanded", "true");
    status.textContent = matches.length ? ui.matches.replace("{n}", String(matches.length)) : ui.no_match;
  }
  function choose(i) {
    closeList();
    pick(i);
    animateTo(around(box(i), 2.5, 0.02));
    openPanel(i, search);
  }
  search.addEventListener("input", list);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); if (results.hidden) { list(); } setActive(active + 1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); setActive(active - 1); }
    else if (ev.key === "Enter") {
      ev.preventDefault();
      if (matches.length && !results.hidden) { choose(matches[active >= 0 ? active : 0]); }
    } else if (ev.key === "Escape" && !results.hidden) { ev.stopPropagation(); closeList(); }
  });
  search.addEventListener("blur", function () { setTimeout(closeList, 150); });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { closePanel(); tip.style.display = "none"; }
  });

  // ------------------------------------------------------------------ download this view
  function cell(v) {
    if (v === null || v === undefined) { return ""; }
    if (typeof v !== "string") { return String(v); }
    if (/^[=+\-@\t\r]/.test(v)) { v = "'" + v; }  // never a spreadsheet formula
    return /[",\r\n;]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function viewCsv() {
    var lines = [fields.map(cell).join(",")];
    inView().forEach(function (i) { lines.push(data.rows[i].map(cell).join(",")); });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }
  document.getElementById("download").addEventListener("click", function () {
    var blob = new Blob([viewCsv()], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = ui.csv_name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  draw(0);
  window.divideMap = {
    fold: fold, search: find, choose: choose, openPanel: openPanel, closePanel: closePanel,
    zoomProvince: zoomProvince, reset: reset, inView: inView, viewCsv: viewCsv,
    viewBox: function () { return vb.slice(); }, idle: function () { return anim === null; }
  };
  document.body.setAttribute("data-ready", String(paths.length));
})();
"""

# The reported-villages layer, added only when the map is given the register (a map without it is unchanged).
# Marker radius and offsets (dx, dy: screen pixels) follow the zoom: reports of one commune stay apart.
REPORTED_STYLE = """
#map circle.rv { stroke: #fff; stroke-width: 1.2; vector-effect: non-scaling-stroke; cursor: pointer; }
#map circle.rv:hover, #map circle.rv:focus { stroke: #000; stroke-width: 2; outline: none; }
#map.rv-off #reported { display: none; }
#legend .rv-legend .s { border-radius: 50%; width: 11px; }
#legend.rv-off .rv-legend { display: none; }
#panel .rv-panel li { margin: 3px 0; } #panel .rv-panel q { font-style: italic; }
#panel .rv-panel a { word-break: break-all; }
#panel .rv-note, #tip .rv-q { color: #444; font-size: 11.5px; }
"""

# Vanilla JavaScript, after SCRIPT: window.divideMap is there; names reach the page through textContent only.
REPORTED_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent), rv = data.reported, t = rv.ui;
  var svg = document.getElementById("map"), legend = document.getElementById("legend");
  var tip = document.getElementById("tip"), body = document.getElementById("panel-body");
  var toggle = document.getElementById("reported-toggle");
  var marks = svg.querySelectorAll("circle.rv");
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function dated(r) { return t.mark + " · " + (r.date || t.undated); }
  function place() {  // radius and offsets in screen pixels, whatever the zoom
    var vb = svg.getAttribute("viewBox").split(" ").map(Number), b = svg.getBoundingClientRect();
    if (!b.width || !b.height) { return; }
    var s = Math.max(vb[2] / b.width, vb[3] / b.height);
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i], r = rv.rows[+m.getAttribute("data-k")];
      m.setAttribute("cx", r.x + r.dx * s);
      m.setAttribute("cy", r.y + r.dy * s);
      m.setAttribute("r", 5 * s);
    }
  }
  new MutationObserver(place).observe(svg, {attributes: true, attributeFilter: ["viewBox"]});
  window.addEventListener("resize", place);

  function showTip(k, x, y) {
    var r = rv.rows[k];
    tip.textContent = "";
    tip.appendChild(el("div", "n", r.village));
    tip.appendChild(el("div", "", dated(r)));
    tip.appendChild(el("div", "", rv.status[r.status][0] + " · " + r.commune));
    tip.appendChild(el("div", "", t.source + ": " + r.publisher));
    if (r.quote) { tip.appendChild(el("div", "rv-q", "“" + r.quote + "”")); }
    tip.style.display = "block";
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(0, x + 14 + w > window.innerWidth ? x - w - 10 : x + 14) + "px";
    tip.style.top = Math.max(0, y + 14 + h > window.innerHeight ? y - h - 10 : y + 14) + "px";
  }
  function isMark(e) { return e && e.classList && e.classList.contains("rv"); }
  function keyOf(e) { return +e.getAttribute("data-k"); }  // the marker's row in rv.rows
  svg.addEventListener("mouseover", function (ev) { if (isMark(ev.target)) { showTip(keyOf(ev.target), ev.clientX, ev.clientY); } });
  svg.addEventListener("mouseout", function (ev) { if (isMark(ev.target)) { tip.style.display = "none"; } });
  svg.addEventListener("focusin", function (ev) {
    if (!isMark(ev.target)) { return; }
    var b = ev.target.getBoundingClientRect();
    showTip(keyOf(ev.target), b.right, b.top);
  });
  svg.addEventListener("focusout", function (ev) { if (isMark(ev.target)) { tip.style.display = "none"; } });
  var down = null;
  svg.addEventListener("mousedown", function (ev) { down = [ev.clientX, ev.clientY]; });
  function open(e) { window.divideMap.openPanel(rv.rows[keyOf(e)].i, e); }
  svg.addEventListener("click", function (ev) {
    if (isMark(ev.target) && (!down || Math.abs(ev.clientX - down[0]) + Math.abs(ev.clientY - down[1]) < 4)) { open(ev.target); }
  });
  svg.addEventListener("keydown", function (ev) {
    if (isMark(ev.target) && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); open(ev.target); }
  });

  function addLegend() {  // the base script redraws the legend on a layer switch: add the markers again
    if (legend.querySelector(".rv-legend")) { return; }
    var box = el("div", "rv-legend"), seen = {};
    rv.rows.forEach(function (r) { seen[r.status] = (seen[r.status] || 0) + 1; });
    box.appendChild(el("div", "t", t.legend + " (" + rv.rows.length + ")"));
    Object.keys(rv.status).forEach(function (s) {
      if (!seen[s]) { return; }
      var row = el("div", "r"), sw = el("span", "s");
      sw.style.background = rv.status[s][1];
      row.appendChild(sw);
      row.appendChild(el("span", "", rv.status[s][0] + " (" + seen[s] + ")"));
      box.appendChild(row);
    });
    legend.appendChild(box);
  }
  new MutationObserver(addLegend).observe(legend, {childList: true});

  function addPanel() {  // the base script rebuilds the panel body: list the reports of its commune
    if (body.querySelector(".rv-panel") || !body.firstChild) { return; }
    var current = svg.querySelector('path.c[tabindex="0"]');
    if (!current) { return; }
    var i = +current.getAttribute("data-i"), list = rv.rows.filter(function (r) { return r.i === i; });
    if (!list.length) { return; }
    var sec = el("section", "rv-panel"), ul = el("ul");
    sec.appendChild(el("h3", "", t.panel + " (" + list.length + ")"));
    list.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("strong", "", r.village));
      li.appendChild(document.createTextNode(" — " + rv.status[r.status][0] + "; " + dated(r) + "; " + r.publisher + " "));
      if (r.quote) { li.appendChild(el("q", "", r.quote)); }
      li.appendChild(el("br"));
      var web = /^https?:\/\//i.test(r.url), a = el(web ? "a" : "span", "", r.url);  // never javascript: etc.
      if (web) { a.href = r.url; a.rel = "noopener noreferrer nofollow"; }
      li.appendChild(a);
      ul.appendChild(li);
    });
    sec.appendChild(ul);
    sec.appendChild(el("div", "rv-note", t.note));
    body.insertBefore(sec, body.lastChild);
  }
  new MutationObserver(addPanel).observe(body, {childList: true});

  function show(on) {
    svg.classList.toggle("rv-off", !on);
    legend.classList.toggle("rv-off", !on);
    if (toggle) { toggle.checked = on; }
  }
  if (toggle) { toggle.addEventListener("change", function () { show(toggle.checked); }); }
  addLegend();
  place();
  window.divideReported = {count: marks.length, show: show, place: place};
})();
"""
