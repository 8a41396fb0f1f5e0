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
* :func:`class_breaks`: the class breaks, to share across maps (``breaks=``).
* :func:`map_categories`, :func:`map_priority`: categorical maps.
* :func:`plot_urban_rural_gap`: urban and rural means per measure.

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
import textwrap
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.provenance import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.figure import Figure

__all__ = [
    "URBAN_RURAL_COLORS",
    "SOURCE_LINE",
    "PAPER_SIZES",
    "SCHEMES",
    "ARCHIPELAGOS",
    "class_breaks",
    "choropleth",
    "map_categories",
    "map_priority",
    "plot_urban_rural_gap",
    "map_urban_rural",
]

#: Colours of the official urban/rural classes.
URBAN_RURAL_COLORS = {"urban": "#d95f02", "rural": "#66a61e", "special_zone": "#7570b3"}
_LABELS = {
    "en": {"urban": "Urban (phường)", "rural": "Rural (xã)", "special_zone": "Special zone (đặc khu)"},
    "vi": {"urban": "Thành thị (phường)", "rural": "Nông thôn (xã)", "special_zone": "Đặc khu"},
}
_TITLES = {
    "en": "Communes by official urban/rural class, 2025 geography",
    "vi": "Đơn vị hành chính cấp xã theo thành thị/nông thôn, địa giới 2025",
}
#: Citation of the boundary layer, shown on every map.
SOURCE_LINE = (
    "Boundaries: 3,321 communes in force since 2025-07-01, traced from the government's "
    "administrative-merger map (via lamngockhuong/vietnam-3d-map, MIT), 2025-12."
)

#: Paper sizes in inches (portrait width, height).
PAPER_SIZES = {"A4": (8.27, 11.69), "A3": (11.69, 16.54)}

#: Classification schemes of :func:`class_breaks`.
SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "user")

#: The archipelagos (special zones without residents) and their map labels.
ARCHIPELAGOS = {"Hoàng Sa": "Quần đảo Hoàng Sa", "Trường Sa": "Quần đảo Trường Sa"}

_FONT = "DejaVu Sans"
_NODATA_FACE, _NODATA_EDGE, _NODATA_HATCH = "#eeeeee", "#9a9a9a", "////"
_SEQ_BAD = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026", "#800026", "#4d0017", "#2b000d", "#1a0008"]
_CMAP_BAD, _CMAP_GOOD = "YlOrRd", "YlGnBu"
_PRIORITY_COLORS = ["#67000d", "#cb181d", "#fb6a4a", "#fcbba1", "#fff5f0"]  # tier 1 darkest
_LISA = {
    "HH": ("#d7191c", "High–High (hot spot)", "Cao–Cao (điểm nóng)"),
    "LL": ("#2c7bb6", "Low–Low (cold spot)", "Thấp–Thấp (điểm lạnh)"),
    "HL": ("#fdae61", "High–Low (outlier)", "Cao–Thấp (ngoại lai)"),
    "LH": ("#abd9e9", "Low–High (outlier)", "Thấp–Cao (ngoại lai)"),
    "not significant": ("#f7f7f7", "Not significant", "Không có ý nghĩa thống kê"),
}
_QUALITATIVE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
                "#8dd3c7", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd", "#ccebc5"]
#: Columns drawn as categories even when stored as numbers.
CATEGORICAL_COLUMNS = ("priority_tier", "divide_tier", "divide_index_lisa", "type", "urban_rural", "degurba",
                       "commune_type", "region_id")
_NODATA_VALUES = {"no data", "nodata", "", "nan", "none"}

_TEXT = {
    "en": {
        "no_data": "No data", "modeled_note": "values are modeled, not observed",
        "communes": "communes", "vietnam": "Viet Nam", "geography": "2025 geography",
        "classes": "Classes", "k": "classes", "with_data": "communes with data", "hatched": "hatched: no data",
        "quantiles": "quantiles", "equal_interval": "equal interval",
        "natural_breaks": "natural breaks (Fisher–Jenks, sampled)", "user": "user-defined breaks",
        "north": "N", "tier": "Tier", "act_first": "act first", "widest": "widest divide",
        "villages": "Tier-1 villages", "provinces": "Province boundary", "sources": "Sources",
        "gap_title": "Urban and rural means by measure", "urban": "Urban (phường)", "rural": "Rural (xã)",
        "national": "Viet Nam", "difference": "difference", "priority_title": "Priority tiers for action",
    },
    "vi": {
        "no_data": "Không có dữ liệu", "modeled_note": "số liệu mô phỏng, không phải quan sát",
        "communes": "xã, phường, đặc khu", "vietnam": "Việt Nam", "geography": "địa giới 2025",
        "classes": "Phân lớp", "k": "lớp", "with_data": "đơn vị có dữ liệu", "hatched": "gạch chéo: không có dữ liệu",
        "quantiles": "phân vị", "equal_interval": "khoảng đều",
        "natural_breaks": "ngắt tự nhiên (Fisher–Jenks, lấy mẫu)", "user": "ngưỡng do người dùng đặt",
        "north": "B", "tier": "Nhóm", "act_first": "ưu tiên trước", "widest": "khoảng cách lớn nhất",
        "villages": "Thôn, bản thuộc nhóm ưu tiên 1", "provinces": "Ranh giới tỉnh", "sources": "Nguồn",
        "gap_title": "Giá trị trung bình thành thị và nông thôn theo chỉ tiêu", "urban": "Thành thị (phường)",
        "rural": "Nông thôn (xã)", "national": "Việt Nam", "difference": "chênh lệch",
        "priority_title": "Nhóm ưu tiên can thiệp",
    },
}


def _lang(lang: str) -> str:
    if lang not in ("en", "vi"):
        raise InputError(f"unknown language {lang!r}", where="lang", fix="use 'en' or 'vi'")
    return lang


# --------------------------------------------------------------------------- classes


def class_breaks(
    values: Sequence[float] | np.ndarray | pd.Series,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    breaks: Sequence[float] | None = None,
    seed: int = settings.DEFAULT_SEED,
) -> np.ndarray:
    """Upper bounds of the classes of ``values`` (mapclassify), NaN ignored.

    Parameters
    ----------
    values
        The values to classify.
    scheme
        ``"quantiles"``, ``"equal_interval"``, ``"natural_breaks"`` or ``"user"``.
        Natural breaks use Fisher–Jenks: exact (``mapclassify.FisherJenks``) up
        to 400 values, and above that ``mapclassify.FisherJenksSampled`` (10 %
        of the values, at least 400, seeded with ``seed``). The exact
        Fisher–Jenks is O(k·n²) in pure Python without numba: 10.5 s on the
        3,321 communes, 0.1 s sampled; the sampled breaks are the optimal
        breaks of a random subset and stay close to the exact ones. We chose
        it over ``NaturalBreaks`` (k-means, breaks fall between clusters
        rather than minimising within-class variance) and ``HeadTailBreaks``
        (the number of classes cannot be set).
    k
        Number of classes.
    breaks
        The upper bounds for ``scheme="user"`` (increasing).
    seed
        Seed of the natural-breaks sample (the global NumPy state is restored).

    Returns
    -------
    numpy.ndarray
        Increasing upper bounds; the last one is the maximum (except for
        user breaks, returned as given). Quantiles and natural breaks give the
        distinct values when there are at most ``k`` of them.

    Examples
    --------
    >>> class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "quantiles", k=2).tolist()
    [5.5, 10.0]
    >>> class_breaks([0, 10, float("nan"), 100], "equal_interval", k=4).tolist()
    [25.0, 50.0, 75.0, 100.0]
    >>> class_breaks([1, 2, 3, 50, 51, 52], "natural_breaks", k=2).tolist()
    [3.0, 52.0]
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise InputError(f"unknown classification scheme {scheme!r}", where="scheme",
                         fix="use one of " + ", ".join(SCHEMES))
    if scheme == "user" or breaks is not None:
        if breaks is None or len(breaks) == 0:
            raise InputError("scheme 'user' needs breaks", where="breaks", fix="pass breaks=[b1, b2, ...]")
        b = np.asarray(breaks, dtype=float)
        if np.any(np.diff(b) <= 0):
            raise InputError(f"breaks must increase: {b.tolist()}", where="breaks", fix="sort them, without repeats")
        return b
    y = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    y = y[np.isfinite(y)]
    if y.size == 0:
        return np.array([], dtype=float)
    k = int(k)
    if k < 1:
        raise InputError(f"k must be at least 1, not {k}", where="k", fix="use k between 2 and 9")
    distinct = np.unique(y)
    if distinct.size <= k and scheme != "equal_interval":
        return distinct
    with warnings.catch_warnings():
        # mapclassify warns when quantiles repeat; repeats are dropped below.
        warnings.filterwarnings("ignore", message=".*(unique|Not enough).*", category=UserWarning)
        # Without numba mapclassify warns that Fisher-Jenks is slow: that is why it is sampled here.
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        if scheme == "quantiles":
            bins = mapclassify.Quantiles(y, k=k).bins
        elif scheme == "equal_interval":
            bins = mapclassify.EqualInterval(y, k=k).bins
        elif y.size <= 400:
            bins = mapclassify.FisherJenks(y, k=k).bins
        else:
            state = np.random.get_state()
            np.random.seed(seed % 2**32)
            try:
                pct = max(0.10, 400 / y.size)
                bins = mapclassify.FisherJenksSampled(y, k=k, pct=pct, truncate=False).bins
            finally:
                np.random.set_state(state)
    bins = np.unique(np.asarray(bins, dtype=float))
    bins[-1] = max(bins[-1], float(y.max()))
    return bins


def _classify(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Class of each value (right-closed, as mapclassify); -1 for NaN; len(bins) above the last bound."""
    out = np.searchsorted(bins, values, side="left")
    out[~np.isfinite(values)] = -1
    return out


def _decimals(bins: np.ndarray, lo: float) -> int:
    span = float(np.nanmax(bins) - min(lo, float(np.nanmin(bins)))) if len(bins) else 1.0
    if span >= 100:
        return 0
    if span >= 10:
        return 1
    return 2


def _fmt(x: float, decimals: int, lang: str) -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "vi":  # Vietnamese: 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


# --------------------------------------------------------------------------- helpers


def _is_modeled(table: pd.DataFrame, modeled: bool | None) -> bool:
    from divide.provenance import is_modeled

    return is_modeled(table, modeled)


def _label() -> str:
    from divide.provenance import LABEL

    return LABEL


def _check_table(communes: Any, column: str | None) -> None:
    import geopandas as gpd

    if not isinstance(communes, gpd.GeoDataFrame):
        raise InputError("a map needs a GeoDataFrame of communes", where=f"{type(communes).__name__}",
                         fix="join the table to divide.load_communes() first")
    if len(communes) == 0:
        raise InputError("the commune table is empty", fix="check the province or the filter")
    if column is not None and column not in communes.columns:
        shown = ", ".join(c for c in communes.columns if c != "geometry")
        raise InputError(f"no column {column!r} in the commune table", where=f"column {column!r}",
                         fix=f"choose one of: {shown}")


def _project(geoms: Any, tolerance: float | None = None, max_px: float = 4000) -> Any:
    """Project to the equal-area CRS and simplify to ``tolerance`` metres (default: extent / ``max_px``)."""
    import shapely

    g = geoms.to_crs(settings.PROJECTED_CRS)
    if tolerance is None:
        x0, y0, x1, y1 = g.total_bounds
        tolerance = max(x1 - x0, y1 - y0) / max_px
    # Douglas-Peucker without topology preservation: 10x faster than with it on
    # these layers (0.06 s vs 0.5 s for the communes; the province layer keeps
    # 145,000 vertices with it, 19,000 without). A part that collapses falls back
    # to the unsimplified geometry, so every commune stays drawn.
    simplified = shapely.simplify(g.values, tolerance, preserve_topology=False)
    empty = shapely.is_empty(simplified) & ~shapely.is_empty(g.values)
    simplified[empty] = g.values[empty]
    return g.__class__(simplified, index=g.index, crs=g.crs)


def _outlines(geoms: Any) -> Any:
    """Exterior rings of every part: the dissolved province layer has sliver holes
    along commune edges that would otherwise draw as dashes inside provinces.
    """
    import shapely

    parts, index = shapely.get_parts(geoms.values, return_index=True)
    rings = shapely.get_exterior_ring(parts)
    lines = [shapely.multilinestrings(list(rings[index == i])) for i in range(len(geoms))]
    return geoms.__class__(lines, index=geoms.index, crs=geoms.crs)


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
    ax.text(tip[0], tip[1] + length * 0.1, _TEXT[lang]["north"], ha="center", va="bottom",
            fontsize=fontsize * 1.4, fontweight="bold", zorder=20)


def _scope(communes: pd.DataFrame, lang: str) -> str:
    t = _TEXT[lang]
    n = len(communes)
    count = _fmt(n, 0, lang)
    if "province_name" in communes.columns and communes["province_name"].nunique() == 1:
        return f"{communes['province_name'].iloc[0]}: {count} {t['communes']}, {t['geography']}"
    if "province_code" in communes.columns and communes["province_code"].nunique() >= 34:
        return f"{t['vietnam']}: {count} {t['communes']}, {t['geography']}"
    return f"{count} {t['communes']}, {t['geography']}"


def _archipelago_rows(communes: pd.DataFrame) -> pd.DataFrame:
    if "commune_name" not in communes.columns:
        return communes.iloc[0:0]
    return communes[communes["commune_name"].isin(list(ARCHIPELAGOS))]


def _title_for(column: str, lang: str) -> str:
    from divide.indicators.columns import COLUMN_INFO, column_meaning

    text = column_meaning(column, lang)
    if column not in COLUMN_INFO:
        text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


def _direction(column: str) -> str:
    from divide.indicators.schema import INDICATORS

    for c in INDICATORS:
        if c.name == column:
            return c.direction
    return "lower"  # the index, gaps and scores: higher = wider divide


def _colors(n: int, cmap_name: str) -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[cmap_name]
    if n == 1:
        return [to_hex(cmap(0.6))]
    return [to_hex(cmap(0.12 + 0.83 * i / (n - 1))) for i in range(n)]


def _as_int_if_integral(values: pd.Series) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().sum() and num.dropna().eq(num.dropna().round()).all():
        return num.astype("Int64")
    return num


def _category_styles(table: pd.DataFrame, column: str, lang: str,
                     colors: dict[Any, str] | None = None) -> tuple[pd.Series, list[tuple[Any, str, str]]]:
    """(normalised values with NA for no data, [(value, label, colour), ...] in legend order)."""
    t = _TEXT[lang]
    raw = table[column]
    if pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype("string")
    elif pd.api.types.is_numeric_dtype(raw.dtype):
        values = _as_int_if_integral(raw)
    else:
        values = raw.astype("string")
        values = values.where(~values.str.strip().str.lower().isin(_NODATA_VALUES))
    present = [v for v in pd.unique(values.dropna())]
    try:
        present = sorted(present)
    except TypeError:
        present = sorted(present, key=str)
    styles: list[tuple[Any, str, str]] = []
    if column == "priority_tier":
        for v in present:
            i = int(v) - 1
            color = _PRIORITY_COLORS[min(max(i, 0), len(_PRIORITY_COLORS) - 1)]
            label = f"{t['tier']} {int(v)}" + (f" ({t['act_first']})" if int(v) == 1 else "")
            styles.append((v, label, color))
    elif column == "divide_tier":
        darkest_high = True
        if "divide_index" in table.columns and len(present) > 1:  # which end is the widest divide?
            means = pd.to_numeric(table["divide_index"], errors="coerce").groupby(values).mean()
            darkest_high = bool(means.get(present[-1], 0) >= means.get(present[0], 0))
        ramp = _colors(len(present), "Purples")
        if not darkest_high:
            ramp = ramp[::-1]
        widest = present[-1] if darkest_high else present[0]
        for v, color in zip(present, ramp):
            styles.append((v, f"{t['tier']} {v}" + (f" ({t['widest']})" if v == widest else ""), color))
    elif column == "divide_index_lisa":
        for v in [x for x in _LISA if x in present] + [x for x in present if x not in _LISA]:
            color, en, vi = _LISA.get(v, ("#bbbbbb", str(v), str(v)))
            styles.append((v, vi if lang == "vi" else en, color))
    elif column == "urban_rural":
        for v in present:
            styles.append((v, _LABELS[lang].get(str(v), str(v)), URBAN_RURAL_COLORS.get(str(v), "#bbbbbb")))
    else:
        names: dict[Any, str] = {}
        if column == "type" and lang == "vi" and "type_vi" in table.columns:  # the typology's Vietnamese names
            pairs = table[["type", "type_vi"]].dropna().drop_duplicates("type")
            names = dict(zip(pairs["type"].astype(str), pairs["type_vi"].astype(str)))
        palette = _QUALITATIVE
        for i, v in enumerate(present):
            styles.append((v, names.get(str(v), str(v)), palette[i % len(palette)]))
    if colors:
        styles = [(v, label, colors.get(v, color)) for v, label, color in styles]
    return values, styles


def _wrap(text: str, fig: Figure, fontsize: float, width_frac: float = 0.92) -> str:
    chars = int(fig.get_size_inches()[0] * width_frac * 72 / (fontsize * 0.56))
    return "\n".join(textwrap.fill(part, chars) for part in text.split("\n"))


def _save(fig: Figure, out: str | Path | Sequence[str | Path] | None, dpi: int) -> list[Path]:
    if out is None:
        return []
    outs = [out] if isinstance(out, (str, Path)) else list(out)
    written = []
    from matplotlib import rc_context

    for target in outs:
        target = Path(target)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg", "pdf"):
            raise InputError(f"cannot write a map as {target.suffix!r}", path=target,
                             fix="use .png, .svg or .pdf (or .html with divide.present.webmap.interactive_map)")
        with atomic_path(target) as tmp, rc_context({"pdf.fonttype": 42, "svg.fonttype": "path"}):
            fig.savefig(tmp, dpi=dpi, format=fmt, facecolor="white")
        written.append(target)
    return written


def _draw_frame(fig: Figure, *, title: str, subtitle: str, modeled: bool, caption: str, sources: list[str],
                lang: str, scale: float) -> None:
    """Title, subtitle, modeled mark, caption and source line around the map."""
    fig.text(0.04, 0.972, title, fontsize=14 * scale, fontweight="bold", va="top", ha="left", family=_FONT)
    fig.text(0.04, 0.945, subtitle, fontsize=9 * scale, va="top", ha="left", color="#333333", family=_FONT)
    if modeled:
        fig.text(0.96, 0.972, _label(), fontsize=10 * scale, fontweight="bold", color="#b00020", va="top",
                 ha="right", family=_FONT, gid="modeled-mark",
                 bbox={"boxstyle": "round,pad=0.4", "facecolor": "#fff3f3", "edgecolor": "#b00020", "lw": 1.2})
    source_text = f"{_TEXT[lang]['sources']}: " + " ".join(sources)
    fs = 5.8 * scale
    fig.text(0.04, 0.012, _wrap(source_text, fig, fs), fontsize=fs, va="bottom", ha="left", color="#444444",
             family=_FONT, gid="source-line", linespacing=1.25)
    lines = _wrap(source_text, fig, fs).count("\n") + 1
    y = 0.012 + lines * fs * 1.3 / 72 / fig.get_size_inches()[1] + 0.006
    fs2 = 7 * scale
    fig.text(0.04, y, _wrap(caption, fig, fs2), fontsize=fs2, va="bottom", ha="left", color="#222222",
             family=_FONT, gid="caption")


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

    lang = _lang(lang)
    _check_table(communes, column)
    t = _TEXT[lang]
    flag = _is_modeled(communes, modeled)
    if categorical is None:
        categorical = column in CATEGORICAL_COLUMNS or not (
            pd.api.types.is_numeric_dtype(communes[column].dtype)
            and not pd.api.types.is_bool_dtype(communes[column].dtype))

    geoms = _project(communes.geometry)
    full = geoms.total_bounds
    fig = _figure(paper, orientation, full)
    scale = fig.get_size_inches()[0] / PAPER_SIZES["A4"][0] if fig.get_size_inches()[0] < fig.get_size_inches()[1] \
        else fig.get_size_inches()[1] / PAPER_SIZES["A4"][0]
    archipelagos = _archipelago_rows(communes)
    national = len(archipelagos) > 0 and len(communes) > 500
    legend_inside = national
    bottom = 0.085 if legend_inside else 0.16
    ax = fig.add_axes((0.03, bottom, 0.94, 0.925 - bottom))
    _fit(ax, full)
    edge_w = 0.08 if len(communes) > 800 else 0.25

    handles: list[Any] = []
    nodata_mask: np.ndarray
    if categorical:
        values, styles = _category_styles(communes, column, lang, colors)
        nodata_mask = values.isna().to_numpy()
        for value, label, color in styles:
            mask = (values == value).fillna(False).to_numpy()
            if mask.any():
                gpd.GeoSeries(geoms.values[mask], crs=geoms.crs).plot(
                    ax=ax, color=color, edgecolor="white", linewidth=edge_w)
            handles.append(Patch(facecolor=color, edgecolor="#777777", linewidth=0.3,
                                 label=f"{label} ({_fmt(int(mask.sum()), 0, lang)})"))
        scheme_text = ""
    else:
        values_num = pd.to_numeric(communes[column], errors="coerce").to_numpy(dtype=float)
        nodata_mask = ~np.isfinite(values_num)
        if breaks is not None:
            scheme = "user"
        bins = class_breaks(values_num, scheme, k, breaks=breaks)
        cls = _classify(values_num, bins)
        above = bool((cls == len(bins)).any())
        n_cls = len(bins) + (1 if above else 0)
        ramp = _colors(max(n_cls, 1), _CMAP_GOOD if _direction(column) == "higher" else _CMAP_BAD)
        finite = values_num[~nodata_mask]
        lo = float(finite.min()) if finite.size else 0.0
        dec = _decimals(bins, lo) if len(bins) else 0
        if scheme == "user":  # shared breaks are shown as given: 30 stays 30, 30.5 stays 30.5
            dec = next((d for d in range(4) if np.allclose(bins, np.round(bins, d))), 3)
        for i in range(n_cls):
            mask = cls == i
            if mask.any():
                gpd.GeoSeries(geoms.values[mask], crs=geoms.crs).plot(
                    ax=ax, color=ramp[i], edgecolor="white", linewidth=edge_w)
            if i == len(bins):
                label = f"> {_fmt(bins[-1], dec, lang)}"
            elif i == 0:
                label = (f"≤ {_fmt(bins[0], dec, lang)}" if scheme == "user"
                         else f"{_fmt(lo, dec, lang)} – {_fmt(bins[0], dec, lang)}")
            else:
                label = f"{_fmt(bins[i - 1], dec, lang)} – {_fmt(bins[i], dec, lang)}"
            handles.append(Patch(facecolor=ramp[i], edgecolor="#777777", linewidth=0.3,
                                 label=f"{label} ({_fmt(int(mask.sum()), 0, lang)})"))
        scheme_text = f"{t['classes']}: {t[scheme]}, {n_cls} {t['k']}; "
    n_nodata = int(nodata_mask.sum())
    if n_nodata:
        gpd.GeoSeries(geoms.values[nodata_mask], crs=geoms.crs).plot(
            ax=ax, facecolor=_NODATA_FACE, edgecolor=_NODATA_EDGE, hatch=_NODATA_HATCH, linewidth=0.0)
        handles.append(Patch(facecolor=_NODATA_FACE, edgecolor=_NODATA_EDGE, hatch=_NODATA_HATCH,
                             label=f"{t['no_data']} ({_fmt(n_nodata, 0, lang)})"))

    # Province outlines.
    if provinces is None and "province_code" in communes.columns:
        from divide.geography.communes import load_provinces

        provinces = load_provinces()
        provinces = provinces[provinces.index.isin(communes["province_code"].unique())]
    if provinces is not None and len(provinces):
        outline = _outlines(_project(provinces.geometry, max_px=6000))
        outline.plot(ax=ax, color="#333333", linewidth=0.55 if national else 1.0, zorder=5)
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="#333333", linewidth=0.8, label=t["provinces"]))

    # Villages of tier 1 and commune labels.
    if villages is not None and len(villages):
        handles += _draw_villages(ax, communes, villages, lang, scale)
    if labels:
        _label_communes(ax, communes, geoms, scale)

    # The archipelagos: always labelled where they are on the map.
    for code, row in archipelagos.iterrows():
        g = geoms.loc[code]
        x0, y0, x1, y1 = g.bounds
        province = f"\n({row['province_name']})" if "province_name" in archipelagos.columns else ""
        ax.text((x0 + x1) / 2, y1 + (ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.008,
                ARCHIPELAGOS[row["commune_name"]] + province, ha="center", va="bottom", fontsize=7 * scale,
                fontstyle="italic", color="#1f4e79", zorder=15, gid=f"archipelago-{code}", family=_FONT)

    fs = 7 * scale
    if legend_inside:
        leg = ax.legend(handles=handles, loc="center left", bbox_to_anchor=(0.0, 0.42), fontsize=fs,
                        title=title_short(column, lang), title_fontsize=fs * 1.1, frameon=True,
                        framealpha=0.95, edgecolor="#cccccc", prop={"family": _FONT, "size": fs})
    else:
        ncol = 1 if len(handles) <= 3 else (2 if len(handles) <= 8 else 3)
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.04, bottom - 0.002), ncol=ncol,
                         fontsize=fs, title=title_short(column, lang), title_fontsize=fs * 1.1, frameon=False,
                         prop={"family": _FONT, "size": fs}, alignment="left")
    leg.set_gid("legend")
    _scale_bar(ax, fs * 0.9, loc="lower left" if national else "lower right")
    _north_arrow(ax, fs, lang)

    if caption is None:
        with_data = _fmt(int((~nodata_mask).sum()), 0, lang)
        caption = f"{scheme_text}{with_data} {t['with_data']}"
        if n_nodata:
            caption += f"; {t['hatched']} ({_fmt(n_nodata, 0, lang)})"
        if flag:
            caption += f". {_label()}: {t['modeled_note']}."
    from divide.provenance import default_sources

    src = list(sources) if sources is not None else default_sources(communes, flag, lang)
    _draw_frame(fig, title=title or _title_for(column, lang), subtitle=_scope(communes, lang), modeled=flag,
                caption=caption, sources=src, lang=lang, scale=scale)
    _save(fig, out, dpi)
    return fig


def title_short(column: str, lang: str) -> str:
    """A short legend title for a column (its meaning without bracketed parts).

    Examples
    --------
    >>> title_short("divide_index", "en")
    'Digital divide index'
    >>> title_short("fiber_villages_pct", "en")
    'Villages reached by fibre'
    """
    import re

    text = _title_for(column, lang)
    return re.sub(r"\s*\([^)]*\)", "", text).strip() or text


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
            ax.text(x, y, f" {name}", fontsize=4.5 * scale, va="center", ha="left", zorder=13, family=_FONT,
                    path_effects=[pe.withStroke(linewidth=1.2, foreground="white")])
    return [Line2D([], [], marker="^", linestyle="", color="#111111",
                   label=f"{_TEXT[lang]['villages']} ({_fmt(len(v), 0, lang)})")]


def _label_communes(ax: Any, communes: pd.DataFrame, geoms: Any, scale: float) -> None:
    import matplotlib.patheffects as pe

    if "commune_name" not in communes.columns:
        return
    pts = geoms.representative_point()
    size = float(np.clip(60 / math.sqrt(len(communes)), 2.5, 6.5)) * scale
    for (code, p), name in zip(pts.items(), communes["commune_name"]):
        ax.text(p.x, p.y, str(name), fontsize=size, ha="center", va="center", zorder=14, family=_FONT,
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
) -> Figure:
    """Map the priority tiers (``priority_tier``, tier 1 = act first, darkest) with province outlines.

    Province maps (at most 200 communes) label the communes by default.

    Examples
    --------
    >>> import divide, numpy as np
    >>> lc = divide.load_communes("Lai Châu")
    >>> lc["priority_tier"] = np.arange(len(lc)) % 5 + 1
    >>> fig = map_priority(lc, lang="vi")
    >>> fig.texts[0].get_text()
    'Nhóm ưu tiên can thiệp'
    """
    _check_table(communes, "priority_tier")
    if labels is None:
        labels = len(communes) <= 200
    return choropleth(communes, "priority_tier", categorical=True, lang=lang, out=out, provinces=provinces,
                      title=title or _TEXT[_lang(lang)]["priority_title"], villages=villages, labels=labels,
                      paper=paper, orientation=orientation, modeled=modeled, dpi=dpi)


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

    lang = _lang(lang)
    t = _TEXT[lang]
    need = {"measure", "scope", "urban_mean", "rural_mean"}
    missing = need - set(gap_table.columns)
    if missing:
        raise InputError(f"the gap table lacks columns {sorted(missing)}", where="gap_table",
                         fix="pass the table of divide.urban_rural_gap()")
    g = gap_table.copy()
    g["scope"] = g["scope"].astype("string")
    if measures is None:  # one axis: measures on a 0–100 scale (shares, pillars, index); counts left out
        from divide.indicators.columns import COLUMN_INFO

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
                ax.text((u + r) / 2, y + 0.22, f"{t['difference']} {'+' if d >= 0 else '−'}{_fmt(abs(d), 1, lang)}",
                        fontsize=6.5, ha="center", va="bottom", color="#555555", family=_FONT)
            ax.scatter([u], [y], color=URBAN_RURAL_COLORS["urban"], s=36, zorder=3)
            ax.scatter([r], [y], color=URBAN_RURAL_COLORS["rural"], s=36, zorder=3)
        ax.set_ylim(-0.7, n - 0.3)
        lo, hi = ax.get_xlim()
        ax.set_xlim(min(lo, -8.0), max(hi, 108.0))  # room for the labels on a 0–100 scale
        ax.set_yticks(range(n))
        ax.set_yticklabels([textwrap.fill(title_short(m, lang), 42) for m in reversed(measures)] if j == 0 else [],
                           fontsize=7.5, family=_FONT, linespacing=1.0)
        ax.grid(axis="x", color="#eeeeee")
        ax.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        name = t["national"] if scope == "VN" else (
            str(part["scope_name"].iloc[0]) if "scope_name" in part.columns and len(part) else str(scope))
        ax.set_title(name, fontsize=9, family=_FONT)
    fig.legend(handles=[Line2D([], [], marker="o", ls="", color=URBAN_RURAL_COLORS["urban"], label=t["urban"]),
                        Line2D([], [], marker="o", ls="", color=URBAN_RURAL_COLORS["rural"], label=t["rural"])],
               loc="upper left", bbox_to_anchor=(left0, bottom - 0.25 / height), ncol=2, fontsize=7.5, frameon=False,
               prop={"family": _FONT, "size": 7.5})
    fig.text(0.03, 0.97, title or t["gap_title"], fontsize=12, fontweight="bold", va="top", family=_FONT)
    if flag:
        fig.text(0.97, 0.97, _label(), fontsize=8.5, fontweight="bold", color="#b00020", va="top", ha="right",
                 family=_FONT, gid="modeled-mark",
                 bbox={"boxstyle": "round,pad=0.3", "facecolor": "#fff3f3", "edgecolor": "#b00020", "lw": 1})
    from divide.provenance import default_sources

    src = default_sources(pd.DataFrame(), flag, lang)
    fig.text(0.03, 0.015, _wrap(f"{t['sources']}: " + " ".join(src), fig, 5.5), fontsize=5.5, color="#444444",
             va="bottom", family=_FONT, gid="source-line")
    _save(fig, out, dpi)
    return fig


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

    labels = _LABELS[lang]
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
        ax.set_title(_TITLES[lang], fontsize=11)
        fig.text(0.01, 0.01, SOURCE_LINE, fontsize=5.5, color="#444444", wrap=True)
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=path.suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
    return path
