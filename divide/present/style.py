"""What the static maps, the charts and the interactive map share: colours, classes, labels, numbers, scope.

* Texts: :func:`texts` reads the fixed texts of the presentation layer, in
  English and Vietnamese, from ``texts.toml`` beside this module (the column
  labels are in :mod:`divide.indicators.columns`); :func:`check_lang` checks a
  language.
* Classes: :func:`class_breaks` (mapclassify), :func:`classify`,
  :func:`decimals`, :func:`color_ramp`, :func:`direction`; categories:
  :func:`category_styles`.
* Numbers: :func:`fmt` writes ``1,234.5`` in English and ``1.234,5`` in Vietnamese.
* Geometry: :func:`check_table`, :func:`project` (to the equal-area CRS,
  simplified), :func:`outlines` (province rings), :func:`archipelago_rows`,
  :data:`ARCHIPELAGOS`; :func:`scope` (the subtitle of a map).
* Figures: :func:`wrap` and :func:`save_figure` (PNG, SVG, PDF, atomically).

Plotting libraries are imported inside the functions that need them.
"""

from __future__ import annotations

import functools
import textwrap
import tomllib
import warnings
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.provenance import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "LANGS",
    "URBAN_RURAL_COLORS",
    "URBAN_RURAL_LABELS",
    "ARCHIPELAGOS",
    "SCHEMES",
    "CATEGORICAL_COLUMNS",
    "FONT",
    "CMAP_BAD",
    "CMAP_GOOD",
    "TEXT",
    "texts",
    "check_lang",
    "class_breaks",
    "classify",
    "decimals",
    "fmt",
    "color_ramp",
    "direction",
    "category_styles",
    "check_table",
    "project",
    "outlines",
    "archipelago_rows",
    "scope",
    "wrap",
    "save_figure",
]

#: The languages of every map, chart and brief.
LANGS = ("en", "vi")


@functools.cache
def _texts_file() -> dict[str, dict[str, Any]]:
    with resources.files("divide.present").joinpath("texts.toml").open("rb") as fh:
        return tomllib.load(fh)


def texts(section: str, lang: str | None = None) -> dict[str, Any]:
    """The fixed texts of one section of ``texts.toml``.

    Parameters
    ----------
    section
        A table of the file (``"map"``, ``"webmap"``, ``"brief"``, ...).
    lang
        ``None`` for the entries as written (``[English, Vietnamese]`` pairs
        as tuples), or ``"en"``/``"vi"`` for the texts of one language.

    Returns
    -------
    dict
        Key -> text (or pair of texts), in the order of the file.

    Examples
    --------
    >>> texts("map", "vi")["no_data"], texts("map")["north"]
    ('Không có dữ liệu', ('N', 'B'))
    """
    table = _texts_file()[section]
    if lang is None:
        return {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    i = LANGS.index(check_lang(lang))
    return {k: v[i] for k, v in table.items()}


def check_lang(lang: str) -> str:
    """``lang`` when it is ``"en"`` or ``"vi"``; otherwise :class:`~divide.InputError`.

    Examples
    --------
    >>> check_lang("vi")
    'vi'
    """
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}", where="lang", fix="use 'en' or 'vi'")
    return lang


#: Fixed texts of the maps and charts: language -> key -> text.
TEXT: dict[str, dict[str, str]] = {lang: texts("map", lang) for lang in LANGS}

#: Colours of the official urban/rural classes.
URBAN_RURAL_COLORS = {"urban": "#d95f02", "rural": "#66a61e", "special_zone": "#7570b3"}
#: Labels of the official urban/rural classes: language -> class -> label.
URBAN_RURAL_LABELS: dict[str, dict[str, str]] = {lang: texts("urban_rural", lang) for lang in LANGS}

#: The archipelagos (special zones without residents) and their map labels.
ARCHIPELAGOS = {"Hoàng Sa": "Quần đảo Hoàng Sa", "Trường Sa": "Quần đảo Trường Sa"}

#: Classification schemes of :func:`class_breaks`.
SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "user")

#: Columns drawn as categories even when stored as numbers.
CATEGORICAL_COLUMNS = ("priority_tier", "divide_tier", "divide_index_lisa", "type", "urban_rural", "degurba",
                       "commune_type", "region_id")

#: Font of every map and chart (shipped with matplotlib; it has every Vietnamese glyph).
FONT = "DejaVu Sans"
#: Colour maps of measures where a high value is bad (the divide) and good (coverage).
CMAP_BAD, CMAP_GOOD = "YlOrRd", "YlGnBu"

_PRIORITY_COLORS = ["#67000d", "#cb181d", "#fb6a4a", "#fcbba1", "#fff5f0"]  # tier 1 darkest
_LISA_COLORS = {"HH": "#d7191c", "LL": "#2c7bb6", "HL": "#fdae61", "LH": "#abd9e9", "not significant": "#f7f7f7"}
_QUALITATIVE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
                "#8dd3c7", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd", "#ccebc5"]
_NODATA_VALUES = {"no data", "nodata", "", "nan", "none"}


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


def classify(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Class of each value: right-closed (as mapclassify), -1 for NaN, ``len(bins)`` above the last bound.

    Examples
    --------
    >>> classify(np.array([1.0, 5.0, 6.0, np.nan, 11.0]), np.array([5.0, 10.0])).tolist()
    [0, 0, 1, -1, 2]
    """
    out = np.searchsorted(bins, values, side="left")
    out[~np.isfinite(values)] = -1
    return out


def decimals(bins: np.ndarray, lo: float) -> int:
    """Decimals of the legend labels of classes from ``lo`` to the last of ``bins`` (0 from a span of 100).

    Examples
    --------
    >>> decimals(np.array([50.0, 100.0]), 0.0), decimals(np.array([0.5, 2.0]), 0.0)
    (0, 2)
    """
    span = float(np.nanmax(bins) - min(lo, float(np.nanmin(bins)))) if len(bins) else 1.0
    if span >= 100:
        return 0
    if span >= 10:
        return 1
    return 2


def fmt(x: float, decimals: int, lang: str) -> str:
    """A number with thousands separators in the language's style.

    Examples
    --------
    >>> fmt(1234.5, 1, "en"), fmt(1234.5, 1, "vi")
    ('1,234.5', '1.234,5')
    """
    text = f"{x:,.{decimals}f}"
    if lang == "vi":  # Vietnamese: 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def color_ramp(n: int, cmap_name: str) -> list[str]:
    """``n`` hex colours along a matplotlib colour map, from light to dark (the lightest end left out).

    Examples
    --------
    >>> len(color_ramp(5, CMAP_BAD)), color_ramp(1, "Greys")[0].startswith("#")
    (5, True)
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[cmap_name]
    if n == 1:
        return [to_hex(cmap(0.6))]
    return [to_hex(cmap(0.12 + 0.83 * i / (n - 1))) for i in range(n)]


def direction(column: str) -> str:
    """``"higher"`` when a high value of the column is good (coverage, use), else ``"lower"``.

    Examples
    --------
    >>> direction("fiber_households_pct"), direction("divide_index")
    ('higher', 'lower')
    """
    from divide.indicators.schema import INDICATORS

    for c in INDICATORS:
        if c.name == column:
            return c.direction
    return "lower"  # the index, gaps and scores: higher = wider divide


def _as_int_if_integral(values: pd.Series) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().sum() and num.dropna().eq(num.dropna().round()).all():
        return num.astype("Int64")
    return num


def category_styles(table: pd.DataFrame, column: str, lang: str,
                    overrides: dict[Any, str] | None = None) -> tuple[pd.Series, list[tuple[Any, str, str]]]:
    """The categories of a column, with legend labels and colours.

    Parameters
    ----------
    table
        The commune table.
    column
        A categorical column (tiers, LISA labels, type, urban/rural, ...).
    lang
        ``"en"`` or ``"vi"``.
    overrides
        Category -> colour overrides.

    Returns
    -------
    tuple
        The normalised values (NA for no data), and ``[(value, label, colour), ...]`` in legend order.

    Examples
    --------
    >>> t = pd.DataFrame({"priority_tier": [2.0, 1.0, None]})
    >>> [label for _, label, _ in category_styles(t, "priority_tier", "en")[1]]
    ['Tier 1 (act first)', 'Tier 2']
    """
    t = TEXT[lang]
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
        ramp = color_ramp(len(present), "Purples")
        if not darkest_high:
            ramp = ramp[::-1]
        widest = present[-1] if darkest_high else present[0]
        for v, color in zip(present, ramp):
            styles.append((v, f"{t['tier']} {v}" + (f" ({t['widest']})" if v == widest else ""), color))
    elif column == "divide_index_lisa":
        lisa = texts("lisa", lang)
        for v in [x for x in _LISA_COLORS if x in present] + [x for x in present if x not in _LISA_COLORS]:
            styles.append((v, lisa.get(v, str(v)), _LISA_COLORS.get(v, "#bbbbbb")))
    elif column == "urban_rural":
        for v in present:
            styles.append((v, URBAN_RURAL_LABELS[lang].get(str(v), str(v)),
                           URBAN_RURAL_COLORS.get(str(v), "#bbbbbb")))
    else:
        names: dict[Any, str] = {}
        if column == "type" and lang == "vi" and "type_vi" in table.columns:  # the typology's Vietnamese names
            pairs = table[["type", "type_vi"]].dropna().drop_duplicates("type")
            names = dict(zip(pairs["type"].astype(str), pairs["type_vi"].astype(str)))
        palette = _QUALITATIVE
        for i, v in enumerate(present):
            styles.append((v, names.get(str(v), str(v)), palette[i % len(palette)]))
    if overrides:
        styles = [(v, label, overrides.get(v, color)) for v, label, color in styles]
    return values, styles


# --------------------------------------------------------------------------- the commune table and its geometry


def check_table(communes: Any, column: str | None) -> None:
    """Refuse, with the fix, anything but a non-empty GeoDataFrame of communes (with ``column`` when given).

    Examples
    --------
    >>> try:
    ...     check_table(pd.DataFrame({"a": [1]}), "a")
    ... except InputError as error:
    ...     print(error.fix)
    join the table to divide.load_communes() first
    """
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


def project(geoms: Any, tolerance: float | None = None, max_px: float = 4000) -> Any:
    """Geometries in the equal-area CRS, simplified to ``tolerance`` metres (default: extent / ``max_px``).

    Douglas-Peucker without topology preservation: 10x faster than with it on
    these layers (0.06 s vs 0.5 s for the communes; the province layer keeps
    145,000 vertices with it, 19,000 without). A part that collapses falls back
    to the unsimplified geometry, so every commune stays drawn.

    Examples
    --------
    >>> import divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> g = project(lc.geometry)
    >>> g.crs == settings.PROJECTED_CRS, len(g) == len(lc), bool(g.is_empty.any())
    (True, True, False)
    """
    import shapely

    g = geoms.to_crs(settings.PROJECTED_CRS)
    if tolerance is None:
        x0, y0, x1, y1 = g.total_bounds
        tolerance = max(x1 - x0, y1 - y0) / max_px
    simplified = shapely.simplify(g.values, tolerance, preserve_topology=False)
    empty = shapely.is_empty(simplified) & ~shapely.is_empty(g.values)
    simplified[empty] = g.values[empty]
    return g.__class__(simplified, index=g.index, crs=g.crs)


def outlines(geoms: Any) -> Any:
    """Exterior rings of every part of each geometry, as multilinestrings.

    The dissolved province layer has sliver holes along commune edges that
    would otherwise draw as dashes inside provinces.

    Examples
    --------
    >>> import divide
    >>> rings = outlines(divide.load_provinces().loc[["12"]].geometry)
    >>> rings.geom_type.tolist()
    ['MultiLineString']
    """
    import shapely

    parts, index = shapely.get_parts(geoms.values, return_index=True)
    rings = shapely.get_exterior_ring(parts)
    lines = [shapely.multilinestrings(list(rings[index == i])) for i in range(len(geoms))]
    return geoms.__class__(lines, index=geoms.index, crs=geoms.crs)


def archipelago_rows(communes: pd.DataFrame) -> pd.DataFrame:
    """The rows of the archipelagos (:data:`ARCHIPELAGOS`) in a commune table.

    Examples
    --------
    >>> len(archipelago_rows(pd.DataFrame({"commune_name": ["Hoàng Sa", "Lai Châu"]})))
    1
    """
    if "commune_name" not in communes.columns:
        return communes.iloc[0:0]
    return communes[communes["commune_name"].isin(list(ARCHIPELAGOS))]


def scope(communes: pd.DataFrame, lang: str) -> str:
    """The subtitle of a map: the province (or Viet Nam), the number of communes and the geography.

    Examples
    --------
    >>> scope(pd.DataFrame({"province_name": ["Lai Châu"] * 38}), "vi")
    'Lai Châu: 38 xã, phường, đặc khu, địa giới 2025'
    """
    t = TEXT[lang]
    n = len(communes)
    count = fmt(n, 0, lang)
    if "province_name" in communes.columns and communes["province_name"].nunique() == 1:
        return f"{communes['province_name'].iloc[0]}: {count} {t['communes']}, {t['geography']}"
    if "province_code" in communes.columns and communes["province_code"].nunique() >= 34:
        return f"{t['vietnam']}: {count} {t['communes']}, {t['geography']}"
    return f"{count} {t['communes']}, {t['geography']}"


# --------------------------------------------------------------------------- figures


def wrap(text: str, fig: Figure, fontsize: float, width_frac: float = 0.92) -> str:
    r"""``text`` wrapped to ``width_frac`` of the figure's width at ``fontsize`` points.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> wrap("a " * 200, Figure(figsize=(8.27, 11.69)), 6).count("\n")
    2
    """
    chars = int(fig.get_size_inches()[0] * width_frac * 72 / (fontsize * 0.56))
    return "\n".join(textwrap.fill(part, chars) for part in text.split("\n"))


def save_figure(fig: Figure, out: str | Path | Sequence[str | Path] | None, dpi: int) -> list[Path]:
    """Write a figure to each of ``out`` (``.png`` at ``dpi``, ``.svg``, ``.pdf``), atomically.

    Parameters
    ----------
    fig
        The figure.
    out
        A file, several files, or ``None`` (nothing written).
    dpi
        Resolution of PNG output.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from matplotlib.figure import Figure
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in save_figure(Figure(figsize=(1, 1)), [d / "a.png", d / "a.svg"], dpi=20)]
    ['a.png', 'a.svg']
    """
    if out is None:
        return []
    outs = [out] if isinstance(out, (str, Path)) else list(out)
    written = []
    from matplotlib import rc_context

    for target in outs:
        target = Path(target)
        suffix = target.suffix.lower().lstrip(".")
        if suffix not in ("png", "svg", "pdf"):
            raise InputError(f"cannot write a map as {target.suffix!r}", path=target,
                             fix="use .png, .svg or .pdf (or .html with divide.present.webmap.interactive_map)")
        with atomic_path(target) as tmp, rc_context({"pdf.fonttype": 42, "svg.fonttype": "path"}):
            fig.savefig(tmp, dpi=dpi, format=suffix, facecolor="white")
        written.append(target)
    return written
