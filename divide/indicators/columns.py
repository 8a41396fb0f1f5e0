"""The one column dictionary: meaning (English, Vietnamese), unit and Shapefile short name of every column.

Maps, the interactive map, exports and the brief all read it. Indicator and
identifier columns come from :mod:`divide.indicators.schema`; the columns the
analysis adds (pillars, index, ranks, tiers, types, regions) are listed here.
"""

from __future__ import annotations

import re

__all__ = ["COLUMN_INFO", "column_meaning", "column_unit", "short_name", "column_title", "column_label"]

_EXTRA_INFO: dict[str, tuple[str, str, str, str]] = {
    "commune_type": ("commune type: xa (rural commune), phuong (ward), dac_khu (special zone)",
                     "loại đơn vị: xã, phường, đặc khu", "text", "comm_type"),
    "urban_rural": ("official urban/rural class (phường = urban, xã = rural, đặc khu = special zone)",
                    "thành thị/nông thôn theo quy định (phường, xã, đặc khu)", "text", "urb_rural"),
    "degurba": ("degree of urbanisation from the 1 km population grid (city, town_suburb, rural)",
                "mức độ đô thị hóa theo lưới dân số 1 km", "text", "degurba"),
    "population": ("residents (WorldPop 2020, 1 km grid, zonal sum)", "dân số (WorldPop 2020, lưới 1 km)",
                   "persons", "population"),
    "pop_urban_centre_pct": ("share of residents in urban-centre grid cells", "tỷ lệ dân ở ô trung tâm đô thị",
                             "%", "pop_uc_pct"),
    "pop_urban_cluster_pct": ("share of residents in urban-cluster grid cells", "tỷ lệ dân ở ô cụm đô thị",
                              "%", "pop_ucl_pc"),
    "pop_rural_grid_pct": ("share of residents in rural grid cells", "tỷ lệ dân ở ô nông thôn", "%", "pop_rg_pct"),
    "area_km2": ("area (equal-area projection)", "diện tích", "km²", "area_km2"),
    "density_km2": ("population density", "mật độ dân số", "persons/km²", "dens_km2"),
    "is_island": ("the commune is an island", "xã đảo", "yes/no", "is_island"),
    "remoteness_km": ("distance to the nearest city centre", "khoảng cách đến trung tâm đô thị gần nhất",
                      "km", "remote_km"),
    "centroid_lon": ("longitude of the centroid (WGS 84)", "kinh độ tâm (WGS 84)", "degrees", "cent_lon"),
    "centroid_lat": ("latitude of the centroid (WGS 84)", "vĩ độ tâm (WGS 84)", "degrees", "cent_lat"),
    "infrastructure_gap": ("infrastructure pillar of the divide (0–100, higher = wider gap)",
                           "trụ cột hạ tầng của khoảng cách số (0–100, cao = khoảng cách lớn)", "0–100",
                           "infra_gap"),
    "usage_gap": ("usage pillar of the divide (0–100, higher = wider gap)",
                  "trụ cột sử dụng của khoảng cách số (0–100, cao = khoảng cách lớn)", "0–100", "usage_gap"),
    "divide_index": ("digital divide index (0–100, higher = wider divide)",
                     "chỉ số khoảng cách số (0–100, cao = khoảng cách lớn)", "0–100", "div_index"),
    "rank_national": ("national rank of the index (1 = widest divide)", "thứ hạng toàn quốc (1 = khoảng cách lớn nhất)",
                      "rank", "rank_nat"),
    "rank_province": ("rank of the index within the province", "thứ hạng trong tỉnh", "rank", "rank_prov"),
    "divide_tier": ("divide tier (5 classes of the index)", "nhóm khoảng cách số (5 nhóm)", "1–5", "div_tier"),
    "rank_median": ("median national rank over the Monte Carlo runs", "thứ hạng trung vị (Monte Carlo)", "rank",
                    "rank_med"),
    "rank_p05": ("5th percentile of the national rank (Monte Carlo)", "bách phân vị 5 của thứ hạng", "rank",
                 "rank_p05"),
    "rank_p95": ("95th percentile of the national rank (Monte Carlo)", "bách phân vị 95 của thứ hạng", "rank",
                 "rank_p95"),
    "values_filled": ("indicator values filled in before scoring", "số giá trị được bổ khuyết", "count",
                      "val_filled"),
    "divide_index_lisa": ("local Moran cluster of the index: HH, LL, HL, LH, not significant, no data",
                          "cụm LISA của chỉ số: HH, LL, HL, LH, không ý nghĩa, không có dữ liệu", "text", "lisa"),
    "type": ("commune type (typology from the indicator profile)", "loại hình xã (phân loại theo chỉ tiêu)",
             "text", "type"),
    "region_id": ("contiguous priority region", "vùng ưu tiên liền kề", "id", "region_id"),
    "priority_score": ("priority score (higher = act sooner)", "điểm ưu tiên (cao = cần làm trước)", "score",
                       "prio_score"),
    "priority_tier": ("priority tier (1 = act first)", "nhóm ưu tiên (1 = làm trước)", "1–5", "prio_tier"),
    "priority_rank": ("priority rank (1 = first)", "thứ tự ưu tiên (1 = đầu tiên)", "rank", "prio_rank"),
    "priority_rank_province": ("priority rank within the province (1 = first in the province)",
                               "thứ tự ưu tiên trong tỉnh (1 = đầu tiên trong tỉnh)", "rank", "prio_rkprv"),
    "priority_tier_province": ("priority tier within the province (1 = act first in the province)",
                               "nhóm ưu tiên trong tỉnh (1 = làm trước trong tỉnh)", "1–5", "prio_tprov"),
    "geometry": ("commune boundary (WGS 84)", "ranh giới xã (WGS 84)", "geometry", "geometry"),
}


# Labels of a column in a table of figures (the brief's gap table): name -> (English, Vietnamese).
_LABELS: dict[str, tuple[str, str]] = {
    "fiber_households_pct": ("Households passed by fibre (%)", "Hộ gia đình được phủ cáp quang (%)"),
    "fiber_villages_pct": ("Villages with fibre (%)", "Thôn, bản có cáp quang (%)"),
    "mobile_4g_pop_pct": ("Population covered by 4G (%)", "Dân số được phủ sóng 4G (%)"),
    "online_services_pct": ("People using online public services (%)", "Người dân dùng dịch vụ công trực tuyến (%)"),
    "smartphone_adults_pct": ("Adults with a smartphone (%)", "Người trưởng thành có điện thoại thông minh (%)"),
    "digital_payment_adults_pct": ("Adults paying digitally (%)", "Người trưởng thành thanh toán số (%)"),
    "infrastructure_gap": ("Infrastructure gap (0–100)", "Khoảng cách hạ tầng (0–100)"),
    "usage_gap": ("Usage gap (0–100)", "Khoảng cách sử dụng (0–100)"),
    "divide_index": ("Divide index (0–100, higher = wider)", "Chỉ số khoảng cách số (0–100, càng cao càng lớn)"),
}


def _build_info() -> dict[str, tuple[str, str, str, str]]:
    from divide.indicators.schema import ID_COLUMNS, INDICATORS, META_COLUMNS

    info = {c.name: (c.en, c.vi, c.unit, c.short) for c in (*ID_COLUMNS, *INDICATORS, *META_COLUMNS)}
    for name, value in _EXTRA_INFO.items():
        info.setdefault(name, value)
    return info


#: Column name -> (meaning in English, meaning in Vietnamese, unit, Shapefile short name).
COLUMN_INFO: dict[str, tuple[str, str, str, str]] = _build_info()


def column_meaning(name: str, lang: str = "en") -> str:
    """Meaning of a column in English or Vietnamese (the name itself when unknown).

    Examples
    --------
    >>> column_meaning("divide_index", "en")
    'digital divide index (0–100, higher = wider divide)'
    >>> column_meaning("fiber_households_pct", "vi")
    'tỷ lệ hộ gia đình được phủ cáp quang (FTTH)'
    >>> column_meaning("my_column")
    'my_column'
    """
    info = COLUMN_INFO.get(name)
    if info is None:
        return name
    return info[1] if lang == "vi" else info[0]


def column_unit(name: str) -> str:
    """Unit of a column (empty when unknown).

    Examples
    --------
    >>> column_unit("population"), column_unit("my_column")
    ('persons', '')
    """
    info = COLUMN_INFO.get(name)
    return "" if info is None else info[2]


def short_name(name: str) -> str | None:
    """The column's Shapefile field name (at most 10 characters), or ``None`` when the dictionary has none.

    Examples
    --------
    >>> short_name("divide_index")
    'div_index'
    """
    info = COLUMN_INFO.get(name)
    return None if info is None else info[3]


def column_title(name: str, lang: str = "en", *, short: bool = False) -> str:
    """Title of a column on a map or chart: its meaning, capitalised (``short``: without bracketed parts).

    Unknown columns are titled by their name with spaces for underscores.

    Examples
    --------
    >>> column_title("divide_index")
    'Digital divide index (0–100, higher = wider divide)'
    >>> column_title("divide_index", "en", short=True), column_title("fiber_villages_pct", short=True)
    ('Digital divide index', 'Villages reached by fibre')
    >>> column_title("my_column", "vi")
    'My column'
    """
    text = column_meaning(name, lang) if name in COLUMN_INFO else name.replace("_", " ")
    text = text[:1].upper() + text[1:]
    if short:
        return re.sub(r"\s*\([^)]*\)", "", text).strip() or text
    return text


def column_label(name: str, lang: str = "en") -> str:
    """Label of a column in a table of figures, with its unit: ``"Households passed by fibre (%)"``.

    Columns without a written label get their short title and unit.

    Examples
    --------
    >>> column_label("fiber_households_pct", "vi")
    'Hộ gia đình được phủ cáp quang (%)'
    >>> column_label("population")
    'Residents (persons)'
    """
    if name in _LABELS:
        return _LABELS[name][1 if lang == "vi" else 0]
    unit = column_unit(name)
    title = column_title(name, lang, short=True)
    return f"{title} ({unit})" if unit and unit != "text" else title
