"""The policy brief: key figures, the urban–rural gap, maps and tier-1 communes, every number cited.

One structured content (:func:`brief_content`) is rendered twice, to Markdown
(:func:`brief_markdown`) and to self-contained HTML (:func:`brief_html`), so
the two formats always say the same thing. :func:`write_brief` writes them
atomically.

The rules the brief keeps:

* **Every number carries a citation marker** ``[n]`` that resolves to an entry
  of the references list: a national fact (:func:`divide.cite`, from
  ``data/facts.csv``) or "computed by divide from <source>". In the Markdown,
  every line outside headings, image lines and the references section that
  contains a digit carries a marker (the tests check this line by line).
* **A figure computed from the shipped modeled dataset is captioned as
  modeled, always** (:data:`divide.provenance.LABEL`, "Dữ liệu mô phỏng / modeled
  data"), in its source cell, its table and map captions. When the analysis
  ran on a user's file (``analysis.modeled`` is ``False``) the caption is
  absent and the brief cites ``analysis.indicators_source`` instead.
* Facts keep their **status** (official, reported, target, derived); a figure
  computed by divide has the status *modeled* or, on user data, *computed*.
* A column the analysis did not produce is reported as "not computed", never
  a crash. Communes without population (Hoàng Sa, Trường Sa) have NaN values,
  which are left out of sums and shown as "—".

Maps: the Markdown references the image files by path (relative to the output
folder in :func:`write_brief`); the HTML embeds PNG/JPEG/SVG images as base64
``data:`` URIs, so the one ``.html`` file can be mailed on its own. A map file
that is missing or not an image is linked, with a note.

Examples
--------
>>> import types, divide
>>> communes = divide.load_communes("Lai Châu")
>>> table = communes.join(divide.model_indicators(communes))
>>> a = types.SimpleNamespace(communes=table, gaps=None, inequality=None, province="12",
...                           modeled=True, indicators_source="modeled", seed=1, provinces=None)
>>> md = brief_markdown(a)
>>> md.splitlines()[0]
'# Policy brief: the urban–rural digital divide in Lai Châu'
>>> "Dữ liệu mô phỏng / modeled data" in md, "Thông báo 16/TB-VPCP" in md
(True, True)
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from divide._errors import InputError
from divide._version import __version__
from divide.provenance import LABEL, atomic_path

__all__ = [
    "KEY_FACTS",
    "STATUS_LABELS",
    "Reference",
    "Figure",
    "Paragraph",
    "Table",
    "Image",
    "Section",
    "BriefContent",
    "brief_content",
    "brief_markdown",
    "brief_html",
    "write_brief",
]

Lang = Literal["en", "vi"]
_LANGS = ("en", "vi")
_FORMATS = ("md", "html")

#: National facts shown among the key figures: ``fact_id -> (Vietnamese label, Vietnamese period)``.
#: The English label and period come from ``data/facts.csv`` (columns ``indicator`` and ``period``).
KEY_FACTS: dict[str, tuple[str, str]] = {
    "villages_no_signal_no_power_2022": ("Thôn, bản chưa được phủ sóng di động và thiếu điện", "cuối năm 2022"),
    "no_signal_villages_remaining_2024": ("Thôn, bản trong danh sách vẫn chưa có sóng di động", "đến tháng 9/2024"),
    "villages_no_power_no_signal_2025_06": ("Thôn, bản chưa có điện và chưa có sóng di động", "tháng 6/2025"),
    "mobile_4g_population_coverage_2024": ("Dân số được phủ sóng 4G", "đến 27/12/2024"),
    "communes_with_fibre": ("Xã, phường, thị trấn có Internet cáp quang", "báo cáo ngày 19/1"),
    "households_fibre_2022": ("Hộ gia đình sử dụng Internet cáp quang", "đến 08/08/2022"),
    "target_households_fibre_2025": ("Hộ gia đình có cáp quang (mục tiêu)", "đến năm 2025"),
    "online_services_use_people_2020": ("Người dân sử dụng dịch vụ công trực tuyến", "năm 2020"),
    "online_services_use_people_2022": ("Người dân sử dụng dịch vụ công trực tuyến", "7 tháng đầu năm 2022"),
    "target_adults_using_online_services_2024": ("Người trưởng thành sử dụng dịch vụ công trực tuyến (mục tiêu)",
                                                 "đến cuối năm 2024"),
    "smartphone_adults_2022_03": ("Người trưởng thành sử dụng điện thoại thông minh (ước tính)", "tháng 3/2022"),
    "payment_account_adults": ("Người trưởng thành có tài khoản thanh toán", "báo cáo ngày 19/1"),
    "payment_account_adults_target_2025": ("Người trưởng thành có tài khoản thanh toán (mục tiêu)", "đến năm 2025"),
    "mobile_money_users_rural_share": ("Khách hàng Mobile Money ở nông thôn, miền núi, vùng sâu, vùng xa, biên giới, "
                                       "hải đảo", "báo cáo ngày 19/1"),
}

#: How each status is written.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {"official": "official", "reported": "reported", "target": "target", "derived": "derived",
           "modeled": "modeled", "computed": "computed"},
    "vi": {"official": "chính thức", "reported": "được báo cáo", "target": "mục tiêu", "derived": "suy ra",
           "modeled": "mô phỏng", "computed": "tính toán"},
}

_QUALIFIERS = {
    "en": {"": "", "about": "about ", "almost": "almost ", "more_than": "more than ", "at_least": "at least ",
           "less_than": "less than "},
    "vi": {"": "", "about": "khoảng ", "almost": "gần ", "more_than": "trên ", "at_least": "ít nhất ",
           "less_than": "dưới "},
}

_UNITS_VI = {
    "villages": "thôn, bản",
    "% of population": "% dân số",
    "% of communes": "% số xã",
    "% of households": "% số hộ",
    "% of people": "% người dân",
    "% of adults": "% người trưởng thành",
    "% of Mobile Money customers": "% khách hàng Mobile Money",
}

#: Labels of the measures of the gap table (indicators from the schema, index columns here).
_MEASURES = {
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
_PCT_MEASURES = {m for m in _MEASURES if m.endswith("_pct")}

# Every piece of fixed text, in both languages.
_T: dict[str, tuple[str, str]] = {
    "title": ("Policy brief: the urban–rural digital divide in {scope}",
              "Bản tóm tắt chính sách: khoảng cách số giữa thành thị và nông thôn tại {scope}"),
    "vn": ("Viet Nam", "Việt Nam"),
    "intro": ("This brief sets the national facts on the digital divide, each with its source, date and status, "
              "beside figures that divide computes commune by commune on the administrative geography in force "
              "since July 2025 {ref}.",
              "Bản tóm tắt đặt các số liệu quốc gia về khoảng cách số, mỗi số liệu kèm nguồn, thời điểm và tình "
              "trạng, bên cạnh các số liệu do divide tính cho từng xã, phường theo địa giới hành chính có hiệu lực "
              "từ tháng 7/2025 {ref}."),
    "intro_modeled": ("The commune figures come from the project's modeled demonstration dataset ({label}): they "
                      "are calibrated to the cited national facts and show the method, not observations of any "
                      "commune {ref}.",
                      "Số liệu cấp xã lấy từ bộ dữ liệu minh họa của dự án ({label}): được hiệu chỉnh theo các số "
                      "liệu quốc gia được trích dẫn và chỉ minh họa phương pháp, không phải số liệu quan sát của "
                      "xã nào {ref}."),
    "intro_user": ("The commune figures are computed from the indicator file supplied by the user, {source} {ref}.",
                   "Số liệu cấp xã được tính từ tệp chỉ tiêu do người dùng cung cấp, {source} {ref}."),
    "statuses": ("Status: *official* = issued by a government body; *reported* = attributed to an agency by the "
                 "press or a report; *target* = a policy target; *derived* = arithmetic on other facts; "
                 "{modeled}*computed* = computed by divide from observed or user-supplied data.",
                 "Tình trạng: *chính thức* = do cơ quan nhà nước công bố; *được báo cáo* = số liệu của một cơ quan "
                 "do báo chí hoặc báo cáo đưa tin; *mục tiêu* = chỉ tiêu chính sách; *suy ra* = tính từ các số liệu "
                 "khác; {modeled}*tính toán* = divide tính từ dữ liệu quan sát hoặc dữ liệu người dùng."),
    "status_modeled": ("*modeled* = computed by divide from the modeled dataset; ",
                       "*mô phỏng* = divide tính từ dữ liệu mô phỏng; "),
    "s_key": ("Key figures", "Số liệu chính"),
    "s_national": ("National facts", "Số liệu quốc gia"),
    "s_computed": ("Computed by divide for {scope}", "Do divide tính cho {scope}"),
    "s_gap": ("The urban–rural gap", "Khoảng cách thành thị – nông thôn"),
    "s_maps": ("Maps", "Bản đồ"),
    "s_tier1": ("Communes to act on first (priority tier 1)", "Các xã cần ưu tiên trước (nhóm ưu tiên 1)"),
    "s_refs": ("References", "Tài liệu tham khảo"),
    "c_figure": ("Figure", "Số liệu"),
    "c_value": ("Value", "Giá trị"),
    "c_date": ("Date", "Thời điểm"),
    "c_status": ("Status", "Tình trạng"),
    "c_source": ("Source", "Nguồn"),
    "c_scope": ("Scope", "Phạm vi"),
    "c_measure": ("Measure", "Chỉ tiêu"),
    "c_urban": ("Urban", "Thành thị"),
    "c_rural": ("Rural", "Nông thôn"),
    "c_diff": ("Difference (urban − rural)", "Chênh lệch (thành thị − nông thôn)"),
    "c_ratio": ("Ratio (urban / rural)", "Tỷ số (thành thị / nông thôn)"),
    "c_rank": ("Priority rank", "Thứ tự ưu tiên"),
    "c_commune": ("Commune", "Xã, phường"),
    "c_province": ("Province", "Tỉnh, thành phố"),
    "c_index": ("Divide index", "Chỉ số khoảng cách số"),
    "c_interval": ("National rank interval (5–95 %)", "Khoảng thứ hạng toàn quốc (5–95 %)"),
    "geo_date": ("geography of 2025", "địa giới năm 2025"),
    "geo_layer": ("the commune layer of 2025", "lớp đơn vị hành chính cấp xã năm 2025"),
    "computed_from": ("computed by divide from {source}", "tính toán bằng divide từ {source}"),
    "user_file": ("user file {name}", "tệp người dùng {name}"),
    "not_computed": ("not computed", "chưa tính"),
    "missing_col": ("not computed (column {col} is missing)", "chưa tính (thiếu cột {col})"),
    "f_communes": ("Communes analysed, and their population", "Số xã, phường được phân tích và dân số"),
    "f_communes_v": ("{n} communes, {pop} people", "{n} xã, phường, {pop} người"),
    "f_classes": ("Communes by the official urban/rural class (phường, xã, đặc khu)",
                  "Số đơn vị theo phân loại thành thị/nông thôn chính thức (phường, xã, đặc khu)"),
    "f_classes_v": ("{u} urban, {r} rural, {s} special zones", "{u} thành thị, {r} nông thôn, {s} đặc khu"),
    "f_no_signal": ("Villages without mobile signal", "Thôn, bản chưa có sóng di động"),
    "f_no_power": ("Villages without electricity", "Thôn, bản chưa có điện"),
    "f_villages_v": ("{n} of {total} villages", "{n} trên {total} thôn, bản"),
    "f_widest": ("Widest urban–rural gap among the indicators",
                 "Chỉ tiêu có chênh lệch thành thị – nông thôn lớn nhất"),
    "f_widest_v": ("{measure}: {urban} urban against {rural} rural", "{measure}: thành thị {urban}, nông thôn {rural}"),
    "f_index_ur": ("Divide index, urban against rural (population-weighted mean)",
                   "Chỉ số khoảng cách số, thành thị so với nông thôn (bình quân gia quyền dân số)"),
    "f_index_ur_v": ("{urban} urban, {rural} rural", "thành thị {urban}, nông thôn {rural}"),
    "f_gini": ("Inequality of the divide index between communes (Gini)",
               "Bất bình đẳng của chỉ số khoảng cách số giữa các xã (hệ số Gini)"),
    "f_theil": ("Share of the inequality (Theil) between urban and rural communes",
                "Phần bất bình đẳng (Theil) giữa nhóm thành thị và nhóm nông thôn"),
    "f_tier1": ("Communes in the first priority tier, and their population",
                "Số xã thuộc nhóm ưu tiên cao nhất và dân số"),
    "gap_intro": ("Population-weighted means of urban (phường) and rural (xã) communes; the difference is in the "
                  "unit of the measure (percentage points for shares) {ref}.",
                  "Bình quân gia quyền theo dân số của các phường (thành thị) và xã (nông thôn); chênh lệch tính "
                  "theo đơn vị của chỉ tiêu (điểm phần trăm với các tỷ lệ) {ref}."),
    "gap_none": ("The urban–rural gap was not computed for this brief.",
                 "Khoảng cách thành thị – nông thôn chưa được tính trong bản tóm tắt này."),
    "caption_modeled": ("{label}: every value in this {what} is computed from the modeled demonstration dataset, "
                        "not observed {ref}.",
                        "{label}: mọi giá trị trong {what} này được tính từ bộ dữ liệu mô phỏng, không phải số liệu "
                        "quan sát {ref}."),
    "caption_user": ("Computed by divide from {source} {ref}.", "Divide tính từ {source} {ref}."),
    "w_table": ("table", "bảng"),
    "w_map": ("map", "bản đồ"),
    "map_national": ("National map", "Bản đồ toàn quốc"),
    "map_province": ("Province map: {name}", "Bản đồ tỉnh: {name}"),
    "map_other": ("Map: {name}", "Bản đồ: {name}"),
    "map_missing": ("(file not found when the brief was written: {path})",
                    "(không tìm thấy tệp khi viết bản tóm tắt: {path})"),
    "maps_none": ("No map was supplied: `divide atlas` draws the national and province maps beside the brief.",
                  "Chưa có bản đồ: lệnh `divide atlas` vẽ bản đồ toàn quốc và bản đồ tỉnh kèm bản tóm tắt."),
    "tier1_intro": ("{n} communes are in the first priority tier; the {k} ranked first are listed, with the "
                    "interval of their national divide rank over the Monte Carlo replications {ref}.",
                    "{n} xã thuộc nhóm ưu tiên cao nhất; danh sách dưới đây gồm {k} xã đứng đầu, kèm khoảng thứ "
                    "hạng toàn quốc qua các lần lặp Monte Carlo {ref}."),
    "tier1_none": ("Priority tiers were not computed for this brief.",
                   "Nhóm ưu tiên chưa được tính trong bản tóm tắt này."),
    "tier1_empty": ("No commune of {scope} is in the first priority tier.",
                    "Không có xã nào của {scope} thuộc nhóm ưu tiên cao nhất."),
    "ref_modeled": ("Computed by divide {version} from {label}: the project's demonstration indicators "
                    "(divide.modeled, generator {generator}, seed {seed}), generated from real covariates and "
                    "calibrated to cited national facts; not observations.",
                    "Divide {version} tính từ {label}: bộ chỉ tiêu minh họa của dự án (divide.modeled, phiên bản "
                    "{generator}, seed {seed}), sinh từ các biến quan sát thực và hiệu chỉnh theo các số liệu quốc "
                    "gia được trích dẫn; không phải số liệu quan sát."),
    "ref_user": ("Computed by divide {version} from the indicator file supplied by the user: {source}.",
                 "Divide {version} tính từ tệp chỉ tiêu do người dùng cung cấp: {source}."),
    "ref_geo": ("divide {version}, commune layer of the 2025 geography: official codes of the communes (xã, "
                "phường, đặc khu) in force since 2025-07-01; population from WorldPop 2020, 1 km grid "
                "(doi:10.5258/SOTON/WP00671, CC BY 4.0).",
                "divide {version}, lớp đơn vị hành chính cấp xã năm 2025: mã chính thức của các xã, phường, đặc "
                "khu có hiệu lực từ 01/07/2025; dân số theo WorldPop 2020, lưới 1 km "
                "(doi:10.5258/SOTON/WP00671, CC BY 4.0)."),
    "colophon": ("Written by divide {version}. Every number above carries the number of its reference.",
                 "Được tạo bởi divide {version}. Mọi con số ở trên đều kèm số thứ tự tài liệu trích dẫn."),
    "people": ("people", "người"),
}


def _t(key: str, lang: Lang, **kw: Any) -> str:
    text = _T[key][0 if lang == "en" else 1]
    return text.format(**kw) if kw else text


# --------------------------------------------------------------------------------------------------------------
# The structured content
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Reference:
    """One entry of the references list; ``number`` is its marker ``[n]``."""

    number: int
    key: str
    text: str
    url: str = ""


@dataclass
class Figure:
    """One stated figure: what, how much, when, its status and its source (with reference number)."""

    label: str
    value: str
    date: str
    status: str
    source: str
    ref: int | None
    modeled: bool = False


@dataclass
class Paragraph:
    """A paragraph; ``refs`` are the reference numbers it cites (rendered at the end as ``[n]``)."""

    text: str
    refs: tuple[int, ...] = ()
    caption: bool = False


@dataclass
class Table:
    """A table whose last column is the source of each row (``row_refs``: the reference of each row)."""

    columns: list[str]
    rows: list[list[str]]
    row_refs: list[int | None]
    caption: Paragraph | None = None


@dataclass
class Image:
    """A map: ``path`` as given, ``alt`` text and a caption."""

    path: Path
    alt: str
    caption: Paragraph


@dataclass
class Section:
    """A titled part of the brief."""

    title: str
    blocks: list[Figure | Paragraph | Table | Image | Section] = field(default_factory=list)


@dataclass
class BriefContent:
    """Everything the brief states, before it is rendered."""

    title: str
    lang: Lang
    modeled: bool
    intro: list[Paragraph]
    sections: list[Section]
    references: list[Reference]
    colophon: str

    def figures(self) -> list[Figure]:
        """Every :class:`Figure` of the brief, in order."""
        out: list[Figure] = []

        def walk(blocks: Iterable[Any]) -> None:
            for b in blocks:
                if isinstance(b, Figure):
                    out.append(b)
                elif isinstance(b, Section):
                    walk(b.blocks)

        walk(self.sections)
        return out


class _Refs:
    """Reference registry: numbers in the order of first citation."""

    def __init__(self) -> None:
        self.items: dict[str, Reference] = {}

    def add(self, key: str, text: str, url: str = "") -> int:
        if key not in self.items:
            self.items[key] = Reference(len(self.items) + 1, key, text, url)
        return self.items[key].number


# --------------------------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------------------------


def _isnan(x: Any) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _num(x: Any, lang: Lang, decimals: int = 0) -> str:
    """A number in the language's style (``1,234.5`` / ``1.234,5``); NaN gives ``—``."""
    if _isnan(x):
        return "—"
    text = f"{float(x):,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _smart(x: float, lang: Lang) -> str:
    """Up to two decimals, trailing zeros dropped (1.78, 18, 0.4014)."""
    if _isnan(x):
        return "—"
    x = float(x)
    decimals = 0 if x == int(x) else (4 if abs(x) < 1 else 2)
    text = _num(x, lang, decimals)
    if decimals:
        sep = "," if lang == "vi" else "."
        text = text.rstrip("0").rstrip(sep)
    return text


def _signed(x: Any, lang: Lang, decimals: int = 1) -> str:
    if _isnan(x):
        return "—"
    return ("+" if float(x) > 0 else "") + _num(x, lang, decimals)


# --------------------------------------------------------------------------------------------------------------
# Building the content
# --------------------------------------------------------------------------------------------------------------


def _province_name(analysis: Any, code: str) -> str:
    provinces = getattr(analysis, "provinces", None)
    if provinces is not None and "province_name" in getattr(provinces, "columns", ()) and code in provinces.index:
        return str(provinces.loc[code, "province_name"])
    communes = analysis.communes
    if "province_name" in communes.columns and "province_code" in communes.columns:
        names = communes.loc[communes["province_code"].astype(str) == code, "province_name"]
        if len(names):
            return str(names.iloc[0])
    try:
        from divide.geography.communes import province_table

        return str(province_table().loc[code, "province_name"])
    except Exception:  # noqa: BLE001 - a name is a nicety; the code will do
        return code


def _fact_figures(lang: Lang, refs: _Refs, fact_ids: Sequence[str]) -> list[Figure]:
    from divide.indicators.facts import cite_row, facts

    table = facts()
    out = []
    for fid in fact_ids:
        if fid not in table.index:
            raise InputError(f"unknown fact id {fid!r} in the brief's key facts",
                             fix="list the ids with `divide facts`")
        row = table.loc[fid]
        ref_text = cite_row(fid, table, lang)
        original = str(row["source_document"])
        if lang == "en" and original and original not in ref_text and row["status"] != "derived":
            ref_text += f". Original title: {original}"  # readers search for the Vietnamese title
        number = refs.add(f"fact:{ref_text}|{row['url']}", ref_text, str(row["url"]))  # one entry per document
        vi_label, vi_period = KEY_FACTS.get(fid, (row["indicator"], row["period"]))
        if math.isnan(row["value"]):
            value = str(row["value_text"])
        else:
            unit = str(row["unit"])
            unit = _UNITS_VI.get(unit, unit) if lang == "vi" else unit
            qualifier = _QUALIFIERS[lang].get(row["qualifier"], "")
            sep = "" if unit.startswith("%") else " "
            value = f"{qualifier}{_smart(row['value'], lang)}{sep}{unit}"
        out.append(Figure(
            label=str(row["indicator"]) if lang == "en" else vi_label,
            value=value,
            date=str(row["period"]) if lang == "en" else vi_period,
            status=STATUS_LABELS[lang].get(row["status"], row["status"]),
            source=cite_row(fid, table, lang),
            ref=number,
        ))
    return out


class _Ctx:
    """What every builder needs: the language, the references, the data source."""

    def __init__(self, analysis: Any, lang: Lang, refs: _Refs) -> None:
        self.a = analysis
        self.lang = lang
        self.refs = refs
        self.modeled = bool(getattr(analysis, "modeled", False))
        self.source_name = str(getattr(analysis, "indicators_source", "") or "user table")
        self.communes: pd.DataFrame = analysis.communes
        code = getattr(analysis, "province", None)
        self.province = None if code is None else str(code)
        self.scope = _t("vn", lang) if self.province is None else _province_name(analysis, self.province)

    def t(self, key: str, **kw: Any) -> str:
        return _t(key, self.lang, **kw)

    @property
    def geo_ref(self) -> int:
        return self.refs.add("divide:geography", self.t("ref_geo", version=__version__))

    @property
    def data_ref(self) -> int:
        """Reference of the indicator data: the modeled dataset, or the user's file."""
        if self.modeled:
            from divide.provenance import GENERATOR_VERSION

            seed = getattr(self.a, "seed", None)
            text = self.t("ref_modeled", version=__version__, label=LABEL, generator=GENERATOR_VERSION,
                          seed=seed if seed is not None else "—")
            return self.refs.add("divide:modeled", text)
        return self.refs.add("divide:user", self.t("ref_user", version=__version__, source=self.source_name))

    @property
    def data_source(self) -> str:
        """Short source of a computed figure, with the modeled label when modeled."""
        return LABEL if self.modeled else self.t("user_file", name=self.source_name)

    @property
    def status(self) -> str:
        return STATUS_LABELS[self.lang]["modeled" if self.modeled else "computed"]

    def computed(self, label: str, value: str, *, observed: bool = False) -> Figure:
        """A figure computed by divide: from the boundary layer (``observed``) or from the indicators."""
        if observed:
            return Figure(label, value, self.t("geo_date"), STATUS_LABELS[self.lang]["computed"],
                          self.t("computed_from", source=self.t("geo_layer")), self.geo_ref)
        return Figure(label, value, self.t("geo_date"), self.status,
                      self.t("computed_from", source=self.data_source), self.data_ref, modeled=self.modeled)

    def missing(self, label: str, cols: Sequence[str]) -> Figure | None:
        absent = [c for c in cols if c not in self.communes.columns]
        if not absent:
            return None
        return Figure(label, self.t("missing_col", col=", ".join(absent)), "—", "—", "—", None)

    def cited(self, text: str) -> Paragraph:
        """A paragraph stating figures computed from the indicators: cited, and labelled when modeled."""
        text = text.rstrip(" .")
        if self.modeled:
            text += f" ({LABEL})"
        return Paragraph(text, (self.data_ref,))

    def caption(self, what: str) -> Paragraph:
        if self.modeled:
            return Paragraph(self.t("caption_modeled", label=LABEL, what=self.t(what), ref="").rstrip(" ."),
                             (self.data_ref,), caption=True)
        return Paragraph(self.t("caption_user", source=self.t("user_file", name=self.source_name), ref="")
                         .rstrip(" ."), (self.data_ref,), caption=True)


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & weights.notna() & (weights > 0)
    if not ok.any():
        return float("nan")
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum())


def _computed_figures(ctx: _Ctx) -> list[Figure]:
    c = ctx.communes
    lang = ctx.lang
    out: list[Figure] = []
    pop = c["population"].sum(min_count=1) if "population" in c.columns else float("nan")
    out.append(ctx.computed(ctx.t("f_communes"),
                            ctx.t("f_communes_v", n=_num(len(c), lang), pop=_num(pop, lang)), observed=True))
    miss = ctx.missing(ctx.t("f_classes"), ["urban_rural"])
    if miss:
        out.append(miss)
    else:
        counts = c["urban_rural"].astype(str).value_counts()
        out.append(ctx.computed(ctx.t("f_classes"), ctx.t(
            "f_classes_v", u=_num(counts.get("urban", 0), lang), r=_num(counts.get("rural", 0), lang),
            s=_num(counts.get("special_zone", 0), lang)), observed=True))
    for key, col in (("f_no_signal", "villages_no_signal"), ("f_no_power", "villages_no_power")):
        miss = ctx.missing(ctx.t(key), [col, "villages_total"])
        if miss:
            out.append(miss)
            continue
        n = c[col].sum(min_count=1)
        total = c["villages_total"].sum(min_count=1)
        out.append(ctx.computed(ctx.t(key), ctx.t("f_villages_v", n=_num(n, lang), total=_num(total, lang))))
    gaps = _gap_rows(ctx)
    if gaps is not None and len(gaps):
        scope = "VN" if ctx.province is None else ctx.province
        mine = gaps[(gaps["scope"].astype(str) == scope) & gaps["measure"].isin(_PCT_MEASURES)]
        mine = mine[mine["difference"].notna()]
        if len(mine):
            widest = mine.loc[mine["difference"].abs().idxmax()]
            label = _MEASURES[widest["measure"]][0 if lang == "en" else 1]
            out.append(ctx.computed(ctx.t("f_widest"), ctx.t(
                "f_widest_v", measure=label, urban=_num(widest["urban_mean"], lang, 1) + " %",
                rural=_num(widest["rural_mean"], lang, 1) + " %")))
    miss = ctx.missing(ctx.t("f_index_ur"), ["divide_index", "urban_rural", "population"])
    if miss:
        out.append(miss)
    else:
        ur = c["urban_rural"].astype(str)
        urban = _weighted_mean(c.loc[ur == "urban", "divide_index"], c.loc[ur == "urban", "population"])
        rural = _weighted_mean(c.loc[ur == "rural", "divide_index"], c.loc[ur == "rural", "population"])
        out.append(ctx.computed(ctx.t("f_index_ur"), ctx.t("f_index_ur_v", urban=_num(urban, lang, 1),
                                                           rural=_num(rural, lang, 1))))
    ineq = getattr(ctx.a, "inequality", None)
    gini = _inequality_value(ineq, "divide_index", "gini", "none", "total")
    if not _isnan(gini):
        out.append(ctx.computed(ctx.t("f_gini"), _num(gini, lang, 3)))
    share = _inequality_value(ineq, "divide_index", "theil", "urban_rural", "between_share")
    if not _isnan(share):
        out.append(ctx.computed(ctx.t("f_theil"), _num(100 * share, lang, 1) + " %"))
    miss = ctx.missing(ctx.t("f_tier1"), ["priority_tier"])
    if miss:
        out.append(miss)
    else:
        tier1 = c[pd.to_numeric(c["priority_tier"], errors="coerce") == 1]
        pop1 = tier1["population"].sum() if "population" in tier1.columns else float("nan")
        out.append(ctx.computed(ctx.t("f_tier1"), ctx.t("f_communes_v", n=_num(len(tier1), lang),
                                                          pop=_num(pop1, lang))))
    return out


def _inequality_value(ineq: Any, measure: str, statistic: str, grouping: str, component: str) -> float:
    """One value of the long inequality table of :func:`divide.inequality` (NaN when absent)."""
    need = {"measure", "statistic", "grouping", "component", "value"}
    if not isinstance(ineq, pd.DataFrame) or not need <= set(ineq.columns):
        return float("nan")
    row = ineq[(ineq["measure"] == measure) & (ineq["statistic"] == statistic)
               & (ineq["grouping"] == grouping) & (ineq["component"] == component)]
    return float(row["value"].iloc[0]) if len(row) else float("nan")


_GAP_COLUMNS = ("measure", "scope", "urban_mean", "rural_mean", "difference", "ratio")


def _gap_rows(ctx: _Ctx) -> pd.DataFrame | None:
    gaps = getattr(ctx.a, "gaps", None)
    if not isinstance(gaps, pd.DataFrame) or not set(_GAP_COLUMNS) <= set(gaps.columns):
        return None
    scopes = ["VN"] + ([ctx.province] if ctx.province else [])
    rows = gaps[gaps["scope"].astype(str).isin(scopes) & gaps["measure"].isin(list(_MEASURES))]
    return rows


def _gap_section(ctx: _Ctx) -> Section:
    section = Section(ctx.t("s_gap"))
    rows = _gap_rows(ctx)
    if rows is None or rows.empty:
        section.blocks.append(Paragraph(ctx.t("gap_none")))
        return section
    lang = ctx.lang
    section.blocks.append(ctx.cited(ctx.t("gap_intro", ref="")))
    order = {m: i for i, m in enumerate(_MEASURES)}
    scopes = ["VN"] + ([ctx.province] if ctx.province else [])
    table_rows, row_refs = [], []
    for scope in scopes:
        part = rows[rows["scope"].astype(str) == scope]
        part = part.iloc[sorted(range(len(part)), key=lambda i: order[part["measure"].iloc[i]])]
        name = _t("vn", lang) if scope == "VN" else _province_name(ctx.a, scope)
        for _, r in part.iterrows():
            table_rows.append([
                name, _MEASURES[r["measure"]][0 if lang == "en" else 1],
                _num(r["urban_mean"], lang, 1), _num(r["rural_mean"], lang, 1),
                _signed(r["difference"], lang, 1), _num(r["ratio"], lang, 2),
                ctx.data_source,
            ])
            row_refs.append(ctx.data_ref)
    columns = [ctx.t(k) for k in ("c_scope", "c_measure", "c_urban", "c_rural", "c_diff", "c_ratio", "c_source")]
    section.blocks.append(Table(columns, table_rows, row_refs, ctx.caption("w_table")))
    return section


def _maps_section(ctx: _Ctx, maps: Mapping[str, str | Path] | None) -> Section:
    section = Section(ctx.t("s_maps"))
    if not maps:
        section.blocks.append(Paragraph(ctx.t("maps_none")))
        return section
    for key, path in maps.items():
        if key == "national":
            alt = ctx.t("map_national")
        elif key == "province":
            alt = ctx.t("map_province", name=ctx.scope)
        elif str(key).startswith("province:"):
            alt = ctx.t("map_province", name=str(key).split(":", 1)[1])
        else:
            alt = ctx.t("map_other", name=str(key))
        section.blocks.append(Image(Path(path), alt, ctx.caption("w_map")))
    return section


def _tier1_section(ctx: _Ctx, top: int) -> Section:
    section = Section(ctx.t("s_tier1"))
    c = ctx.communes
    lang = ctx.lang
    if "priority_tier" not in c.columns:
        section.blocks.append(Paragraph(ctx.t("tier1_none")))
        return section
    tier1 = c[pd.to_numeric(c["priority_tier"], errors="coerce") == 1].copy()
    if tier1.empty:
        section.blocks.append(Paragraph(ctx.t("tier1_empty", scope=ctx.scope)))
        return section
    if "priority_rank" in tier1.columns:
        tier1 = tier1.sort_values("priority_rank", kind="mergesort")
    elif "divide_index" in tier1.columns:
        tier1 = tier1.sort_values("divide_index", ascending=False, kind="mergesort")
    shown = tier1.head(top)
    section.blocks.append(ctx.cited(ctx.t("tier1_intro", n=_num(len(tier1), lang), k=_num(len(shown), lang), ref="")))
    nc = ctx.t("not_computed")

    def col(name: str, fmt: Any) -> list[str]:
        if name not in shown.columns:
            return [nc] * len(shown)
        return [fmt(v) for v in shown[name]]

    ranks = col("priority_rank", lambda v: _num(v, lang))
    names = col("commune_name", str)
    provinces = col("province_name", str)
    index = col("divide_index", lambda v: _num(v, lang, 1))
    if {"rank_p05", "rank_p95"} <= set(shown.columns):
        interval = [f"{_num(lo, lang)}–{_num(hi, lang)}" if not (_isnan(lo) or _isnan(hi)) else "—"
                    for lo, hi in zip(shown["rank_p05"], shown["rank_p95"])]
    else:
        interval = [nc] * len(shown)
    rows = [list(r) + [ctx.data_source] for r in zip(ranks, names, provinces, index, interval)]
    columns = [ctx.t(k) for k in ("c_rank", "c_commune", "c_province", "c_index", "c_interval", "c_source")]
    section.blocks.append(Table(columns, rows, [ctx.data_ref] * len(rows), ctx.caption("w_table")))
    return section


def brief_content(
    analysis: Any,
    *,
    lang: Lang = "en",
    maps: Mapping[str, str | Path] | None = None,
    top: int = 20,
    fact_ids: Sequence[str] | None = None,
) -> BriefContent:
    """Build the structured content of the brief (what both renderers draw).

    Parameters
    ----------
    analysis
        A :class:`divide.analysis.pipeline.Analysis`, or any object with its attributes
        (``communes``, ``gaps``, ``inequality``, ``province``, ``modeled``,
        ``indicators_source``, ``seed``; ``provinces`` optional). Missing
        columns and tables are reported as "not computed".
    lang
        ``"en"`` or ``"vi"``.
    maps
        Map files by role, e.g. ``{"national": Path, "province": Path}``.
    top
        How many tier-1 communes to list.
    fact_ids
        National facts to show (default: :data:`KEY_FACTS`).

    Returns
    -------
    BriefContent
        Sections of :class:`Figure`, :class:`Paragraph`, :class:`Table` and
        :class:`Image`; every figure and table row names its reference number.

    Examples
    --------
    >>> import types, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> a = types.SimpleNamespace(communes=c, gaps=None, inequality=None, province=None,
    ...                           modeled=False, indicators_source="mine.csv", seed=1)
    >>> content = brief_content(a, lang="vi")
    >>> content.figures()[0].label, content.references[2].text.startswith("Thông báo 16/TB-VPCP")
    ('Thôn, bản chưa được phủ sóng di động và thiếu điện', True)
    """
    if lang not in _LANGS:
        raise InputError(f"unknown language {lang!r}", fix="use lang='en' or lang='vi'")
    if not isinstance(getattr(analysis, "communes", None), pd.DataFrame):
        raise InputError("the analysis has no commune table (attribute 'communes')",
                         fix="pass the result of divide.analysis.pipeline.analyse()")
    refs = _Refs()
    ctx = _Ctx(analysis, lang, refs)
    intro = [Paragraph(ctx.t("intro", ref="").rstrip(" ."), (ctx.geo_ref,))]
    if ctx.modeled:
        intro.append(Paragraph(ctx.t("intro_modeled", label=LABEL, ref="").rstrip(" ."), (ctx.data_ref,)))
    else:
        intro.append(Paragraph(ctx.t("intro_user", source=ctx.source_name, ref="").rstrip(" ."), (ctx.data_ref,)))
    national = Section(ctx.t("s_national"), _fact_figures(lang, refs, list(fact_ids or KEY_FACTS)))
    computed = Section(ctx.t("s_computed", scope=ctx.scope), _computed_figures(ctx))
    if ctx.modeled:
        computed.blocks.append(ctx.caption("w_table"))
    legend = ctx.t("statuses", modeled=ctx.t("status_modeled") if ctx.modeled else "")
    key = Section(ctx.t("s_key"), [Paragraph(legend), national, computed])
    sections = [key, _gap_section(ctx), _maps_section(ctx, maps), _tier1_section(ctx, top)]
    return BriefContent(
        title=ctx.t("title", scope=ctx.scope),
        lang=lang,
        modeled=ctx.modeled,
        intro=intro,
        sections=sections,
        references=sorted(refs.items.values(), key=lambda r: r.number),
        colophon=ctx.t("colophon", version=__version__),
    )


# --------------------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def _md(text: str) -> str:
    """Escape text for Markdown: markup characters, and ``<``/``>``/``&`` as entities (no raw HTML)."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_inline(text: str) -> str:
    """Escape fixed text that may use *emphasis* and `code` on purpose (only HTML is neutralised)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _marks(refs: Iterable[int | None]) -> str:
    return " ".join(f"[{r}]" for r in refs if r is not None)


def _md_blocks(blocks: Iterable[Any], level: int, lang: Lang, out: list[str]) -> None:
    figures: list[Figure] = []

    def flush() -> None:
        if not figures:
            return
        cols = [_t(k, lang) for k in ("c_figure", "c_value", "c_date", "c_status", "c_source")]
        out.append("| " + " | ".join(cols) + " |")
        out.append("|" + "---|" * len(cols))
        for f in figures:
            source = f"{_md(f.source)} {_marks([f.ref])}".strip()
            out.append(f"| {_md(f.label)} | {_md(f.value)} | {_md(f.date)} | {_md(f.status)} | {source} |")
        out.append("")
        figures.clear()

    for b in blocks:
        if isinstance(b, Figure):
            figures.append(b)
            continue
        flush()
        if isinstance(b, Section):
            out += [f"{'#' * level} {_md(b.title)}", ""]
            _md_blocks(b.blocks, level + 1, lang, out)
        elif isinstance(b, Paragraph):
            out += [_md_paragraph(b), ""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_md(c) for c in b.columns) + " |")
            out.append("|" + "---|" * len(b.columns))
            for row, ref in zip(b.rows, b.row_refs):
                cells = [_md(v) for v in row]
                cells[-1] = f"{cells[-1]} {_marks([ref])}".strip()
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
            if b.caption:
                out += [_md_paragraph(b.caption), ""]
        elif isinstance(b, Image):
            target = b.path.as_posix().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            bang = "!" if b.path.suffix.lower() in _IMAGE_TYPES else ""
            out += [f"{bang}[{_md(b.alt)}]({target})", "", _md_paragraph(b.caption, prefix=f"{_md(b.alt)}. "), ""]
    flush()


def _md_paragraph(p: Paragraph, prefix: str = "") -> str:
    body = _md_inline(p.text)
    marks = _marks(p.refs)
    text = f"{prefix}{body}" + (f" {marks}" if marks else "") + ("." if p.refs else "")
    return f"*{text}*" if p.caption else text


def brief_markdown(
    analysis: Any,
    *,
    lang: Lang = "en",
    maps: Mapping[str, str | Path] | None = None,
    top: int = 20,
) -> str:
    """Render the brief as Markdown.

    Parameters
    ----------
    analysis
        A :class:`divide.analysis.pipeline.Analysis` (or an object with its attributes).
    lang
        ``"en"`` or ``"vi"``.
    maps
        Map image files by role (``"national"``, ``"province"``), referenced by
        their path as given.
    top
        How many tier-1 communes to list.

    Returns
    -------
    str
        The brief; every line that states a number ends its statement with a
        reference marker ``[n]`` listed under *References*.

    Examples
    --------
    >>> import types, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> a = types.SimpleNamespace(communes=c.join(divide.model_indicators(c)), gaps=None, inequality=None,
    ...                           province=None, modeled=True, indicators_source="modeled", seed=7)
    >>> md = brief_markdown(a, lang="vi")
    >>> "## Tài liệu tham khảo" in md, "Dữ liệu mô phỏng / modeled data" in md
    (True, True)
    """
    content = brief_content(analysis, lang=lang, maps=maps, top=top)
    out = [f"# {_md(content.title)}", ""]
    for p in content.intro:
        out += [_md_paragraph(p), ""]
    _md_blocks(content.sections, 2, lang, out)
    out += [f"## {_md(_t('s_refs', lang))}", ""]
    for r in content.references:
        url = f" <{r.url}>" if r.url else ""
        out.append(f"{r.number}. {_md(r.text)}{url}")
    out += ["", f"*{_md(content.colophon)}*", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------------------

_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3} td.num{text-align:right;white-space:nowrap}
.caption{font-style:italic;color:#444} .lbl{color:#8a3b00;font-weight:600}
figure{margin:1rem 0} figure img{max-width:100%;border:1px solid #ddd}
a.ref{text-decoration:none} ol.refs li{margin-bottom:.3rem}
""".strip()


def _h(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _h_inline(text: str) -> str:
    """Escape fixed text, then turn its *emphasis* and `code` into tags."""
    out = _h(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", out)


def _h_marks(refs: Iterable[int | None]) -> str:
    return " ".join(f'<a class="ref" href="#ref-{r}">[{r}]</a>' for r in refs if r is not None)


def _h_label(text: str) -> str:
    """Source text: the modeled label is highlighted wherever it appears."""
    out = _h(text)
    label = _h(LABEL)
    return out.replace(label, f'<span class="lbl">{label}</span>')


def _h_paragraph(p: Paragraph, prefix: str = "") -> str:
    marks = _h_marks(p.refs)
    body = prefix + _h_label(p.text) if p.caption else prefix + _h_inline(p.text)
    text = body + (f" {marks}." if marks else "")
    return f'<p class="caption">{text}</p>' if p.caption else f"<p>{text}</p>"


def _numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"[+\-−]?[\d.,]+( %)?|—|[\d.,]+–[\d.,]+", cell))


def _html_image(img: Image, base: Path | None, lang: Lang) -> str:
    path = img.path if img.path.is_absolute() or base is None else base / img.path
    mime = _IMAGE_TYPES.get(img.path.suffix.lower())
    caption = _h_paragraph(img.caption, prefix=_h(img.alt) + ". ")
    caption = caption.removeprefix('<p class="caption">').removesuffix("</p>")
    if mime and path.is_file():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        body = f'<img src="data:{mime};base64,{data}" alt="{_h(img.alt)}">'
    else:
        note = "" if path.is_file() else " " + _h(_t("map_missing", lang, path=img.path.as_posix()))
        body = f'<a href="{_h(img.path.as_posix())}">{_h(img.alt)}</a>{note}'
    return f'<figure>{body}<figcaption class="caption">{caption}</figcaption></figure>'


def _html_blocks(blocks: Iterable[Any], level: int, lang: Lang, base: Path | None, out: list[str]) -> None:
    figures: list[Figure] = []

    def flush() -> None:
        if not figures:
            return
        cols = [_t(k, lang) for k in ("c_figure", "c_value", "c_date", "c_status", "c_source")]
        out.append("<table><thead><tr>" + "".join(f"<th>{_h(c)}</th>" for c in cols) + "</tr></thead><tbody>")
        for f in figures:
            out.append(f"<tr><td>{_h(f.label)}</td><td>{_h(f.value)}</td><td>{_h(f.date)}</td><td>{_h(f.status)}"
                       f"</td><td>{_h_label(f.source)} {_h_marks([f.ref])}</td></tr>")
        out.append("</tbody></table>")
        figures.clear()

    for b in blocks:
        if isinstance(b, Figure):
            figures.append(b)
            continue
        flush()
        if isinstance(b, Section):
            out.append(f"<h{level}>{_h(b.title)}</h{level}>")
            _html_blocks(b.blocks, level + 1, lang, base, out)
        elif isinstance(b, Paragraph):
            out.append(_h_paragraph(b))
        elif isinstance(b, Table):
            out.append("<table><thead><tr>" + "".join(f"<th>{_h(c)}</th>" for c in b.columns) + "</tr></thead><tbody>")
            for row, ref in zip(b.rows, b.row_refs):
                cells = [f'<td class="num">{_h(v)}</td>' if _numeric(v) else f"<td>{_h(v)}</td>" for v in row[:-1]]
                cells.append(f"<td>{_h_label(row[-1])} {_h_marks([ref])}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
            if b.caption:
                out.append(_h_paragraph(b.caption))
        elif isinstance(b, Image):
            out.append(_html_image(b, base, lang))
    flush()


def brief_html(
    analysis: Any,
    *,
    lang: Lang = "en",
    maps: Mapping[str, str | Path] | None = None,
    top: int = 20,
    base: str | Path | None = None,
) -> str:
    """Render the brief as one self-contained HTML page.

    Map images (PNG, JPEG, SVG) are embedded as base64 ``data:`` URIs; other
    files (PDF) are linked by their path. Every name is HTML-escaped.

    Parameters
    ----------
    analysis, lang, maps, top
        As :func:`brief_markdown`.
    base
        Folder that relative map paths are read from (default: the current folder).

    Returns
    -------
    str
        A complete ``<!DOCTYPE html>`` document in UTF-8.

    Examples
    --------
    >>> import types, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> c.loc[c.index[0], "commune_name"] = "<script>alert(1)</script>"
    >>> a = types.SimpleNamespace(communes=c, gaps=None, inequality=None, province="12",
    ...                           modeled=False, indicators_source="a<b>.csv", seed=1)
    >>> page = brief_html(a)
    >>> "<b>" in page, "a&lt;b&gt;.csv" in page
    (False, True)
    """
    content = brief_content(analysis, lang=lang, maps=maps, top=top)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="divide {_h(__version__)}">',
        f"<title>{_h(content.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(content.title)}</h1>",
    ]
    out += [_h_paragraph(p) for p in content.intro]
    _html_blocks(content.sections, 2, lang, None if base is None else Path(base), out)
    out.append(f"<h2>{_h(_t('s_refs', lang))}</h2>")
    out.append('<ol class="refs">')
    for r in content.references:
        url = f' <a href="{_h(r.url)}">{_h(r.url)}</a>' if r.url else ""
        out.append(f'<li id="ref-{r.number}">{_h_label(r.text)}{url}</li>')
    out.append("</ol>")
    out.append(f'<p class="caption">{_h(content.colophon)}</p>')
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------------


def _languages(lang: str | Sequence[str]) -> list[Lang]:
    if isinstance(lang, str):
        langs = list(_LANGS) if lang == "both" else [lang]
    else:
        langs = list(dict.fromkeys(lang))
    bad = [x for x in langs if x not in _LANGS]
    if bad or not langs:
        raise InputError(f"unknown language {', '.join(map(repr, bad)) or '(none)'}",
                         fix="use 'en', 'vi' or 'both'")
    return langs  # type: ignore[return-value]


def _relative_maps(maps: Mapping[str, str | Path] | None, out_dir: Path) -> dict[str, Path] | None:
    if not maps:
        return None
    out: dict[str, Path] = {}
    for key, path in maps.items():
        p = Path(path)
        try:
            out[key] = Path(os.path.relpath(p.resolve(), out_dir.resolve())) if p.is_absolute() or p.exists() else p
        except ValueError:  # another drive on Windows
            out[key] = p
    return out


def write_brief(
    analysis: Any,
    out_dir: str | Path,
    *,
    lang: Lang | Literal["both"] | Sequence[str] = "en",
    maps: Mapping[str, str | Path] | None = None,
    formats: Sequence[str] = _FORMATS,
    top: int = 20,
) -> list[Path]:
    """Write the brief into ``out_dir``; return the files written.

    Files are ``brief.md`` and ``brief.html``; when both languages are asked
    (``lang="both"`` or ``("en", "vi")``) each name carries the language:
    ``brief_en.md``, ``brief_vi.md``, ... Every file is written atomically
    (:class:`divide.provenance.atomic_path`): a failure leaves no half-written
    brief. Map paths are written relative to ``out_dir`` in the Markdown; the
    HTML embeds the images.

    Parameters
    ----------
    analysis
        A :class:`divide.analysis.pipeline.Analysis` (or an object with its attributes).
    out_dir
        Output folder (created if missing).
    lang
        ``"en"``, ``"vi"``, ``"both"`` or a sequence of languages.
    maps
        Map image files by role (``"national"``, ``"province"``).
    formats
        Any of ``"md"`` and ``"html"``.
    top
        How many tier-1 communes to list.

    Returns
    -------
    list of pathlib.Path

    Examples
    --------
    >>> import types, tempfile, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> a = types.SimpleNamespace(communes=c, gaps=None, inequality=None, province=None,
    ...                           modeled=False, indicators_source="mine.csv", seed=1)
    >>> [p.name for p in write_brief(a, tempfile.mkdtemp(), lang="both", formats=("md",))]
    ['brief_en.md', 'brief_vi.md']
    """
    langs = _languages(lang)
    formats = list(dict.fromkeys(formats))
    bad = [f for f in formats if f not in _FORMATS]
    if bad or not formats:
        raise InputError(f"unknown brief format {', '.join(map(repr, bad)) or '(none)'}",
                         fix="use formats among ('md', 'html')")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_maps = _relative_maps(maps, out_dir)
    written: list[Path] = []
    for code in langs:
        suffix = f"_{code}" if len(langs) > 1 else ""
        for fmt in formats:
            if fmt == "md":
                text = brief_markdown(analysis, lang=code, maps=md_maps, top=top)
            else:
                text = brief_html(analysis, lang=code, maps=md_maps, top=top, base=out_dir)
            target = out_dir / f"brief{suffix}.{fmt}"
            with atomic_path(target) as tmp:
                tmp.write_text(text, encoding="utf-8")
            written.append(target)
    return written
