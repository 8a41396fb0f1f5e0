"""The commune indicator schema and the village layer schema, defined once.

Every table of commune indicators in :mod:`divide` is indexed by
``commune_code`` (the official 5-digit code of the 2025 commune, as a
string) and carries some of the nine columns of :data:`INDICATORS`. The
village layer (points, key ``village_id``) has the columns of
:data:`VILLAGE_COLUMNS`.

The schema is a small declarative list of :class:`Column` records rather than
a pandera model: the checks it drives (ranges, counts bounded by a total,
shares given as 0–1) need cross-column logic and bilingual messages that
:mod:`divide.indicators.validation` writes anyway, and pandera's support for pandas 3
is not guaranteed, so the project does not depend on it.

Column names that users bring (Vietnamese or English, with or without
diacritics, any case, "(%)" suffixes, shapefile names cut to 10 characters)
are translated through the alias table (:data:`ALIASES`,
:data:`VILLAGE_ALIASES`, see :func:`canonical_name`). The comparison key of a
header is :func:`header_key`: diacritics folded, text in brackets dropped,
everything that is not a letter or digit turned into ``_``; "tỉ lệ" and
"tỷ lệ" are the same word.

Examples
--------
>>> [c.name for c in INDICATORS][:3]
['fiber_households_pct', 'fiber_villages_pct', 'mobile_4g_pop_pct']
>>> canonical_name("Mã xã"), canonical_name("Tỷ lệ hộ có cáp quang (%)")
('commune_code', 'fiber_households_pct')
>>> canonical_name("has_signal", layer="villages")
'has_mobile_signal'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from divide.geography.names import fold, nfc

__all__ = [
    "KEY",
    "VILLAGE_KEY",
    "Column",
    "INDICATORS",
    "INDICATOR_NAMES",
    "PCT_COLUMNS",
    "COUNT_COLUMNS",
    "ID_COLUMNS",
    "META_COLUMNS",
    "VILLAGE_COLUMNS",
    "ALIASES",
    "VILLAGE_ALIASES",
    "header_key",
    "canonical_name",
    "indicator",
    "schema_table",
    "alias_table",
]

#: Key of every commune table: the 5-digit 2025 commune code, as a string.
KEY = "commune_code"
#: Key of the village layer.
VILLAGE_KEY = "village_id"

Kind = Literal["pct", "count", "code", "id", "text", "bool", "meta", "coord"]
Direction = Literal["higher", "lower", "context", ""]


@dataclass(frozen=True)
class Column:
    """One column of a schema.

    Attributes
    ----------
    name
        Canonical column name (snake_case English).
    en, vi
        Meaning in English and in Vietnamese.
    unit
        ``"%"`` (0–100), ``"count"``, ``"persons"``, ``"yes/no"``, ``"text"``...
    kind
        ``"pct"`` or ``"count"`` for indicators; ``"code"``, ``"id"``,
        ``"text"``, ``"bool"``, ``"meta"``, ``"coord"`` otherwise.
    min, max
        Allowed range (``None`` = unbounded).
    direction
        ``"higher"`` or ``"lower"`` is better, or ``"context"`` (not scored).
    le
        Name of a column this one may not exceed (``villages_no_signal`` ≤
        ``villages_total``).
    short
        A name of at most 10 characters for Shapefile (DBF) fields.
    aliases
        Other names users write for this column (see :func:`canonical_name`).
    """

    name: str
    en: str
    vi: str
    unit: str
    kind: Kind
    min: float | None = None
    max: float | None = None
    direction: Direction = ""
    le: str | None = None
    short: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def range_text(self) -> str:
        """The allowed range written for people (``"0–100"``, ``"≥ 0, ≤ villages_total"``)."""
        if self.min is not None and self.max is not None:
            return f"{self.min:g}–{self.max:g}"
        parts = []
        if self.min is not None:
            parts.append(f"≥ {self.min:g}")
        if self.max is not None:
            parts.append(f"≤ {self.max:g}")
        if self.le:
            parts.append(f"≤ {self.le}")
        return ", ".join(parts)


def _pct(name: str, en: str, vi: str, short: str) -> Column:
    return Column(name, en, vi, "%", "pct", 0.0, 100.0, "higher", None, short, _INDICATOR_ALIASES[name])


def _count(name: str, en: str, vi: str, short: str, direction: Direction, le: str | None) -> Column:
    return Column(name, en, vi, "count", "count", 0.0, None, direction, le, short, _INDICATOR_ALIASES[name])


#: Other names users write for each indicator (see :func:`canonical_name`).
_INDICATOR_ALIASES: dict[str, tuple[str, ...]] = {
    "fiber_households_pct": (
        "Tỷ lệ hộ có cáp quang", "Tỷ lệ hộ gia đình có cáp quang", "Tỷ lệ hộ được phủ cáp quang",
        "Tỷ lệ hộ gia đình được phủ cáp quang", "ty_le_ho_cap_quang", "ho_cap_quang", "cap_quang_ho",
        "fibre_households_pct", "ftth_households_pct", "households_fiber_pct", "fiber_households", "fiber_hous",
    ),
    "fiber_villages_pct": (
        "Tỷ lệ thôn có cáp quang", "Tỷ lệ thôn, bản có cáp quang", "Tỷ lệ thôn bản có cáp quang",
        "Tỷ lệ thôn, bản, tổ dân phố có cáp quang", "ty_le_thon_cap_quang", "thon_cap_quang", "fibre_villages_pct",
        "villages_fiber_pct", "fiber_villages", "fiber_vill",
    ),
    "mobile_4g_pop_pct": (
        "Tỷ lệ dân số được phủ sóng 4G", "Tỷ lệ dân số phủ sóng 4G", "Phủ sóng 4G", "phu_song_4g",
        "ty_le_phu_song_4g", "4g_coverage_pct", "population_4g_pct", "pop_4g_pct", "mobile_4g_pct", "mobile_4g_",
    ),
    "villages_total": (
        "Số thôn", "Tổng số thôn", "Số thôn, bản", "Số thôn bản", "Số thôn, bản, tổ dân phố", "so_thon",
        "tong_so_thon", "villages", "n_villages", "village_count", "villages_t",
    ),
    "villages_no_signal": (
        "Số thôn lõm sóng", "Số thôn chưa có sóng", "Số thôn chưa có sóng di động", "Số thôn không có sóng di động",
        "Thôn lõm sóng", "so_thon_lom_song", "thon_lom_song", "lom_song", "villages_without_signal",
        "villages_no_mobile_signal", "dead_zone_villages",
    ),
    "villages_no_power": (
        "Số thôn chưa có điện", "Số thôn chưa có điện lưới", "Số thôn không có điện lưới", "so_thon_chua_co_dien",
        "thon_chua_co_dien", "villages_without_power", "villages_no_electricity",
    ),
    "online_services_pct": (
        "Tỷ lệ người dân sử dụng dịch vụ công trực tuyến", "Tỷ lệ sử dụng dịch vụ công trực tuyến",
        "Dịch vụ công trực tuyến", "dvc_truc_tuyen", "ty_le_dvctt", "dvctt", "online_public_services_pct",
        "e_services_pct", "online_ser",
    ),
    "smartphone_adults_pct": (
        "Tỷ lệ người trưởng thành có điện thoại thông minh", "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
        "Điện thoại thông minh", "dien_thoai_thong_minh", "ty_le_smartphone", "smartphone_pct", "smartphone_adults",
    ),
    "digital_payment_adults_pct": (
        "Tỷ lệ người trưởng thành có tài khoản thanh toán",
        "Tỷ lệ người trưởng thành có tài khoản ngân hàng hoặc mobile money",
        "Tỷ lệ người trưởng thành có tài khoản", "Tài khoản thanh toán", "tai_khoan_thanh_toan",
        "digital_payment_pct", "account_ownership_pct", "payment_account_pct", "digital_pa",
    ),
}

#: The nine commune indicators, in the order of the schema (issue 3): name, English, Vietnamese, Shapefile name
#: (and for counts the better direction and the column they may not exceed).
INDICATORS: tuple[Column, ...] = (
    _pct("fiber_households_pct", "households passed by fibre (FTTH)", "tỷ lệ hộ gia đình được phủ cáp quang (FTTH)", "fiber_hh"),
    _pct("fiber_villages_pct", "villages (thôn, bản, tổ dân phố) reached by fibre", "tỷ lệ thôn, bản, tổ dân phố có cáp quang", "fiber_vil"),
    _pct("mobile_4g_pop_pct", "population covered by 4G", "tỷ lệ dân số được phủ sóng 4G", "mob4g_pop"),
    _count("villages_total", "villages (thôn, bản, tổ dân phố) in the commune", "số thôn, bản, tổ dân phố của xã", "vil_total", "context", None),
    _count("villages_no_signal", "villages without mobile signal (lõm sóng)", "số thôn, bản lõm sóng (chưa có sóng di động)", "vil_nosig", "lower", "villages_total"),
    _count("villages_no_power", "villages without grid electricity", "số thôn, bản chưa có điện lưới", "vil_nopow", "lower", "villages_total"),
    _pct("online_services_pct", "people using online public services", "tỷ lệ người dân sử dụng dịch vụ công trực tuyến", "online_svc"),
    _pct("smartphone_adults_pct", "adults with a smartphone", "tỷ lệ người trưởng thành có điện thoại thông minh", "smartphone"),
    _pct("digital_payment_adults_pct", "adults with a bank or mobile-money account", "tỷ lệ người trưởng thành có tài khoản ngân hàng hoặc tiền di động (Mobile Money)", "dig_pay"),
)

INDICATOR_NAMES: tuple[str, ...] = tuple(c.name for c in INDICATORS)
PCT_COLUMNS: tuple[str, ...] = tuple(c.name for c in INDICATORS if c.kind == "pct")
COUNT_COLUMNS: tuple[str, ...] = tuple(c.name for c in INDICATORS if c.kind == "count")

_CODE_ALIASES = (
    "code", "Mã xã", "Mã xã mới", "ma_xa", "ma_xa_moi", "Mã", "Mã đơn vị hành chính", "Mã ĐVHC", "ma_dvhc",
    "Mã phường xã", "Mã xã phường", "commune_id", "ward_code", "comm_code", "commune_co",
)
_NAME_ALIASES = (
    "commune", "ward", "name", "Tên xã", "Tên xã mới", "ten_xa", "Tên", "Xã", "Phường xã", "Xã phường",
    "Tên đơn vị hành chính", "Tên ĐVHC", "ten_dvhc", "commune_na",
)
_PROVINCE_ALIASES = (
    "province", "Tỉnh", "Tỉnh thành phố", "Tỉnh thành", "Tên tỉnh", "ten_tinh", "tinh", "tinh_thanh",
    "Thành phố", "province_n",
)

#: Identification columns of the commune table (the key and what can stand in for it).
ID_COLUMNS: tuple[Column, ...] = (
    Column(KEY, "official 5-digit commune code (2025)", "mã đơn vị hành chính cấp xã (5 chữ số, 2025)",
           "text", "code", short="comm_code", aliases=_CODE_ALIASES),
    Column("commune_name", "commune name (xã, phường, đặc khu)", "tên xã, phường, đặc khu",
           "text", "text", short="comm_name", aliases=_NAME_ALIASES),
    Column("province_code", "official 2-digit province code (2025)", "mã tỉnh, thành phố (2 chữ số, 2025)",
           "text", "code", short="prov_code", aliases=("Mã tỉnh", "ma_tinh", "Mã tỉnh thành phố", "province_c")),
    Column("province_name", "province or centrally-run city", "tỉnh, thành phố trực thuộc trung ương",
           "text", "text", short="prov_name", aliases=_PROVINCE_ALIASES),
)

#: Columns about the data rather than the commune, kept when present.
META_COLUMNS: tuple[Column, ...] = (
    Column("vintage", "reference date or period of the values (a year, a month, a date)",
           "thời điểm hoặc kỳ của số liệu (năm, tháng, ngày)", "date", "meta", short="vintage",
           aliases=("year", "period", "Năm", "Kỳ", "Kỳ báo cáo", "ky_bao_cao", "Thời điểm", "thoi_diem",
                    "Thời điểm số liệu", "reference_date", "ref_date", "as_of", "date", "Ngày")),
    Column("source", "where the values come from (for example 'modeled')", "nguồn số liệu",
           "text", "meta", short="source", aliases=("Nguồn", "nguon", "Nguồn số liệu", "data_source")),
)

#: The village layer (points, key ``village_id``).
VILLAGE_COLUMNS: tuple[Column, ...] = (
    Column(VILLAGE_KEY, "village identifier, unique in the layer", "mã thôn, bản (duy nhất)",
           "text", "id", short="village_id", aliases=("Mã thôn", "ma_thon", "Mã thôn bản", "id", "village_code")),
    Column(KEY, "official 5-digit code of the 2025 commune the village is in",
           "mã xã (5 chữ số, 2025) nơi có thôn", "text", "code", short="comm_code", aliases=_CODE_ALIASES[:-1]),
    Column("village_name", "village name (thôn, bản, tổ dân phố)", "tên thôn, bản, tổ dân phố",
           "text", "text", short="vil_name",
           aliases=("Tên thôn", "Tên thôn bản", "ten_thon", "Thôn", "Thôn bản", "village", "name", "village_na")),
    Column("has_mobile_signal", "the village has mobile signal", "thôn có sóng di động",
           "yes/no", "bool", short="has_signal",
           aliases=("Có sóng", "Có sóng di động", "co_song", "mobile_signal", "signal", "has_mobile")),
    Column("has_power", "the village has grid electricity", "thôn có điện lưới",
           "yes/no", "bool", short="has_power",
           aliases=("Có điện", "Có điện lưới", "co_dien", "dien_luoi", "power", "grid_power", "electricity")),
    Column("has_fiber", "the village is reached by fibre", "thôn có cáp quang",
           "yes/no", "bool", short="has_fiber",
           aliases=("Có cáp quang", "co_cap_quang", "fiber", "fibre", "has_fibre")),
    Column("population", "residents of the village", "dân số của thôn", "persons", "count", 0.0,
           direction="context", short="population", aliases=("Dân số", "dan_so", "Số dân", "so_dan", "pop")),
)

_VILLAGE_EXTRA: tuple[Column, ...] = (
    Column("commune_name", "commune name", "tên xã", "text", "text", aliases=_NAME_ALIASES[3:]),
    Column("province_name", "province", "tỉnh", "text", "text", aliases=_PROVINCE_ALIASES),
    Column("lon", "longitude (WGS 84)", "kinh độ (WGS 84)", "degrees", "coord",
           aliases=("longitude", "lng", "long", "Kinh độ", "kinh_do", "x")),
    Column("lat", "latitude (WGS 84)", "vĩ độ (WGS 84)", "degrees", "coord",
           aliases=("latitude", "Vĩ độ", "vi_do", "y")),
)


def header_key(name: object) -> str:
    """Comparison key of a column header: folded, brackets dropped, ``_`` between words.

    Examples
    --------
    >>> header_key("Tỷ lệ hộ có cáp quang (%)")
    'ty_le_ho_co_cap_quang'
    >>> header_key(" MÃ XÃ "), header_key("Tỉ lệ phủ sóng 4G")
    ('ma_xa', 'ty_le_phu_song_4g')
    """
    text = nfc(str(name))
    text = re.sub(r"[(\[{].*?[)\]}]", " ", text)
    text = fold(text)
    text = re.sub(r"[^0-9a-z]+", "_", text).strip("_")
    return re.sub(r"^ti_le(_|$)", r"ty_le\1", text)


def _build(columns: tuple[Column, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in columns:
        for alias in (col.name, col.short, *col.aliases):
            if not alias:
                continue
            key = header_key(alias)
            other = table.setdefault(key, col.name)
            if other != col.name:  # pragma: no cover - guarded by tests
                raise ValueError(f"alias {alias!r} maps to both {other!r} and {col.name!r}")
    return table


_COMMUNE_COLUMNS = (*ID_COLUMNS, *INDICATORS, *META_COLUMNS)
_VILLAGE_ALL = (*VILLAGE_COLUMNS, *_VILLAGE_EXTRA, *META_COLUMNS)
_LOOKUP = {"communes": _build(_COMMUNE_COLUMNS), "villages": _build(_VILLAGE_ALL)}

#: Commune table: canonical name -> the other names accepted for it.
ALIASES: dict[str, tuple[str, ...]] = {c.name: (c.short, *c.aliases) for c in _COMMUNE_COLUMNS}
#: Village layer: canonical name -> the other names accepted for it.
VILLAGE_ALIASES: dict[str, tuple[str, ...]] = {c.name: (c.short, *c.aliases) for c in _VILLAGE_ALL}

# Per-column vintage: "<indicator>_vintage", "<indicator>_year", "<indicator>_period".
_VINTAGE_SUFFIXES = ("vintage", "year", "period", "nam", "ky")


def canonical_name(name: object, layer: Literal["communes", "villages"] = "communes") -> str | None:
    """Translate a column header to its canonical name, or ``None`` if it is not in the alias table.

    Per-indicator vintage columns (``fiber_households_pct_year``,
    ``fiber_hh_vintage``...) translate to ``"<indicator>__vintage"``.

    Parameters
    ----------
    name
        The header as found in the file.
    layer
        ``"communes"`` (indicator table) or ``"villages"`` (village layer).

    Examples
    --------
    >>> canonical_name("MA_XA"), canonical_name("So thon lom song"), canonical_name("ghi chú")
    ('commune_code', 'villages_no_signal', None)
    >>> canonical_name("fiber_households_pct_year")
    'fiber_households_pct__vintage'
    """
    lookup = _LOOKUP[layer]
    key = header_key(name)
    if key in lookup:
        return lookup[key]
    if layer == "communes":
        for suffix in _VINTAGE_SUFFIXES:
            if key.endswith("_" + suffix):
                base = lookup.get(key[: -len(suffix) - 1])
                if base in INDICATOR_NAMES:
                    return f"{base}__vintage"
    return None


def indicator(name: str) -> Column:
    """The :class:`Column` of an indicator, by canonical name.

    Examples
    --------
    >>> col = indicator("villages_no_signal")
    >>> col.kind, col.direction, col.le, col.range_text
    ('count', 'lower', 'villages_total', '≥ 0, ≤ villages_total')
    """
    for col in INDICATORS:
        if col.name == name:
            return col
    raise KeyError(f"{name!r} is not an indicator; the indicators are: {', '.join(INDICATOR_NAMES)}")


def schema_table(layer: Literal["communes", "villages", "all"] = "all") -> pd.DataFrame:
    """The schema as a table, for documentation (``data/README.md``) and notebooks.

    Parameters
    ----------
    layer
        ``"communes"`` (key, indicators and metadata columns), ``"villages"``,
        or ``"all"``.

    Returns
    -------
    pandas.DataFrame
        One row per column, indexed by ``column``: ``layer``, ``kind``,
        ``unit``, ``range``, ``direction``, ``meaning_en``, ``meaning_vi``,
        ``short_name`` (Shapefile) and ``aliases`` (joined by ``"; "``).

    Examples
    --------
    >>> t = schema_table("communes")
    >>> t.loc[t["kind"].isin(["pct", "count"])].shape[0]
    9
    >>> t.loc["villages_no_signal", ["unit", "range", "direction"]].tolist()
    ['count', '≥ 0, ≤ villages_total', 'lower']
    """
    rows = []
    parts = {
        "communes": [("communes", c) for c in _COMMUNE_COLUMNS],
        "villages": [("villages", c) for c in VILLAGE_COLUMNS],
    }
    chosen = parts["communes"] + parts["villages"] if layer == "all" else parts[layer]
    for lay, c in chosen:
        rows.append(
            {
                "column": c.name,
                "layer": lay,
                "kind": c.kind,
                "unit": c.unit,
                "range": c.range_text,
                "direction": c.direction,
                "meaning_en": c.en,
                "meaning_vi": c.vi,
                "short_name": c.short,
                "aliases": "; ".join(c.aliases),
            }
        )
    table = pd.DataFrame(rows).set_index("column")
    if layer == "all":
        table.index = pd.Index([f"{lay}.{name}" if lay == "villages" else name for lay, name in
                                zip(table["layer"], table.index)], name="column")
    return table


def alias_table(layer: Literal["communes", "villages"] = "communes") -> pd.DataFrame:
    """Every accepted header key and the canonical column it means (one row per alias).

    Examples
    --------
    >>> t = alias_table()
    >>> t.loc["ma_xa", "column"], t.loc["ty_le_ho_co_cap_quang", "column"]
    ('commune_code', 'fiber_households_pct')
    """
    lookup = _LOOKUP[layer]
    return (
        pd.DataFrame({"header_key": list(lookup), "column": list(lookup.values())})
        .set_index("header_key")
        .sort_values("column", kind="stable")
    )
