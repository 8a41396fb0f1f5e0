"""The note beside the crosswalk files (``data/admin/README_crosswalk.md``), written from the build report.

:func:`readme_text` turns the report of
:func:`~divide.geography.crosswalk.build_crosswalk` into the note, so that its
counts and the list of corrections are those of the last build, never typed by
hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from divide import settings

__all__ = ["README_CROSSWALK", "readme_text", "write_readme"]

#: The note written next to the crosswalk files.
README_CROSSWALK = settings.README_CROSSWALK

_NOTES = {
    "whole": "Nhập toàn bộ; Sắp xếp toàn bộ xã Thổ Châu thành đặc khu Thổ Châu",
    "part": "Nhập một phần (and variants); Nhập toàn bộ diện tích (Kỳ Lợi: all the area, part of the population); "
    "Phần còn lại sau khi tách một phần…; Đổi tên (, đổi loại hình) từ một phần …",
    "part_of_area": "Nhập một phần diện tích (and variants)",
    "part_of_area_all_population": "Nhập một phần diện tích, toàn bộ dân số",
    "part_of_population": "Nhập một phần dân số",
    "unchanged": "Giữ nguyên",
    "renamed": "Đổi tên",
    "type_changed": "Đổi loại hình",
}


def _n(value: int) -> str:
    return f"{value:,}"


def _code_corrections(report: dict[str, Any]) -> list[str]:
    fixes = report["codes_corrected"]
    lines = [
        f"- **{len(fixes)} published old codes are corrected** (`codes_corrected` in the report). A row whose old "
        "commune name is not the register's name at its code, but is the name of exactly one other commune of the "
        "same old district, gets that commune's code: `old_code` holds the register's code, `old_code_published` "
        "the published one and `code_corrected` is True. Rows found nationally:",
        "",
        "| record | old commune | published code (register name) | corrected code | new commune | rule |",
        "|---|---|---|---|---|---|",
    ]
    for c in fixes:
        lines.append(
            f"| {c['source_row']} | {c['old_name']} ({c['old_district']}) | {c['old_code_published']} "
            f"({c['register_name_at_published_code']}) | {c['old_code']} | {c['new_name']} ({c['new_code']}) "
            f"| `{c['rule']}` |"
        )
    lines += [
        "",
        "  `code_unused`: the table did not otherwise use the register's code; `another_commune_of_the_district`: "
        "the published code is also published for its own commune, whose values would otherwise be split to the "
        "row's new commune as well.",
    ]
    return lines


def _place_corrections(report: dict[str, Any]) -> list[str]:
    places = report["old_places_corrected"]
    rows = "; ".join(
        f"record {p['source_row']} ({p['old_code']} {p['old_name']}): published {p['published']} "
        f"{p['published_province']}, register {p['register']} {p['register_province']}"
        for p in places
    )
    return [
        "- **The old district and province of every row are the register's** (codes and names), not the table's "
        f"old-district and old-province columns. {len(places)} rows of the table give a wrong province "
        f"(`old_places_corrected` in the report{': ' + rows if rows else ''}); "
        f"{report['old_districts_respelled_from_register']} district names are spelled as in the register "
        "(\"Thị xã\", not \"Thị Xã\").",
    ]


def readme_text(report: dict[str, Any]) -> str:
    """The note on the crosswalk files, from the report of a build.

    Parameters
    ----------
    report
        The report of :func:`~divide.geography.crosswalk.build_crosswalk` (or
        the one it wrote, ``crosswalk_2025_report.json``).

    Returns
    -------
    str
        Markdown, ending with a line break.

    Examples
    --------
    >>> import json
    >>> from divide.geography.crosswalk.communes import CROSSWALK_REPORT_JSON
    >>> text = readme_text(json.loads(CROSSWALK_REPORT_JSON.read_text(encoding="utf-8")))
    >>> text.startswith("# The old → new commune crosswalk"), "| 426 | Xã Đặng Xá" in text
    (True, True)
    """
    by_type = report["register_by_type"]
    cats = report["pairs_by_category"]
    receivers = report["old_communes_by_receivers"]
    cov = report["coverage"]
    zones = ", ".join(cov.get("new_units_without_predecessor_names", [])) or "see the report"
    lines = [
        "# The old → new commune crosswalk (pre-2025 data on the 2025 map)",
        "",
        "<!-- Written by divide.geography.crosswalk.build_crosswalk() from crosswalk_2025_report.json; "
        "do not edit by hand. -->",
        "",
        "Built by `divide.geography.crosswalk.build_crosswalk()` (about 2 s) from two official files shipped next "
        "to this note.",
        "",
        "| file | what |",
        "|---|---|",
        f"| `{report['source']}` | **Source, as published.** Bảng chuyển đổi ĐVHC mới–cũ, General Statistics "
        "Office (GSO/NSO), July 2025; mirrored in GitHub `sunshine-tech/VietnamProvinces` (dev/seed-data). "
        "Official government data, reproduced with its source named. |",
        f"| `{report['register_source']}` | **Source, as published.** GSO administrative-units register: the "
        f"{_n(report['register_communes'])} communes in force just before 2025-07-01. |",
        f"| `crosswalk_2025.csv` | **Derived.** One row per (old code, new code) pair: {_n(report['pairs'])} rows. |",
        f"| `communes_pre2025.csv` | **Derived.** The {_n(report['register_communes'])} pre-2025 communes: "
        f"`old_code`, `old_name`, `old_type` (xa {_n(by_type.get('xa', 0))}, phuong {_n(by_type.get('phuong', 0))}, "
        f"thi_tran {_n(by_type.get('thi_tran', 0))}), `old_name_en`, `district_code` (3 digits), `district_name`, "
        "`province_code` (2 digits), `province_name`. |",
        "| `crosswalk_2025_report.json` | **Derived.** Counts, corrections and coverage from the last build. |",
        "| `README_crosswalk.md` | **Derived.** This note, written from the report. |",
        "",
        "Vintage: the reform in force since 2025-07-01 (34 provinces, 3,321 communes); the register is from "
        "2025-07-18.",
        "",
        "## Columns of `crosswalk_2025.csv`",
        "`old_code`, `new_code` (5-digit strings), `old_name`, `old_district_code`/`_name`, "
        "`old_province_code`/`_name` (the register's), `new_name`, `new_province_code`/`_name`, `note_category`, "
        "`note` (the merge note with whitespace tidied), `note_raw` (the note exactly as published), `n_new` (how "
        "many new communes the old one went to), `old_code_published`, `code_corrected`, `source_row` (CSV record "
        f"number in the raw file; the header is record {report['header_record']}).",
        "Names are Unicode NFC with the surrounding and repeated spaces and line breaks removed.",
        "",
        "## Cleaning rules",
        f"- The header is on record {report['header_record']}; it is found by its column names, not by position.",
        f"- {report['province_heading_rows']} province heading rows (\"THÀNH PHỐ HÀ NỘI  \", also one "
        "\"Tỉnh Bắc Ninh (24)\") are dropped.",
        f"- {len(report['rows_without_old_code'])} rows have a new unit but no old commune code: "
        + "; ".join(f"{r['old_unit']} → {r['new_name']}" for r in report["rows_without_old_code"])
        + ". They are listed in the report, not in the pairs.",
        "- Codes are zero-padded strings; \"Tỉnh Cao Bằng (04)\"-style cells are split into name and code.",
        f"- `Ghi chú` has {report['note_spellings']} spellings (\"Nhâp\", double spaces, trailing line breaks, free "
        f"text) mapped to {len(cats)} categories:",
        "",
        "| category | published notes | pairs |",
        "|---|---|---|",
        *(f"| `{c}` | {_NOTES.get(c, '')} | {_n(v)} |" for c, v in cats.items()),
        "",
        *_code_corrections(report),
        *_place_corrections(report),
        f"- Not corrected, only reported: {report['old_names_differing_from_register']} pairs whose old name is "
        "spelled differently from the register (mostly tone-mark placement \"Hòa/Hoà\", some real variants such "
        "as \"Sà Phìn\"/\"Xà Phìn\"; both spellings are accepted by name matching).",
        "",
        "## Counts measured (last build)",
        f"- {_n(report['records_after_header'])} records after the header: {_n(report['pairs'])} pairs, "
        f"{report['province_heading_rows']} heading rows, {len(report['rows_without_old_code'])} rows without an "
        "old code.",
        f"- As published: {_n(report['old_codes_published'])} old codes → {_n(report['new_codes'])} new codes.",
        f"- After the corrections: {_n(report['old_codes'])} old codes "
        f"({'every commune of the register is covered' if not report['register_communes_not_covered'] else 'not covered: ' + ', '.join(report['register_communes_not_covered'])}); "
        f"{_n(report['old_communes_split'])} old communes split ("
        + ", ".join(f"{_n(v)} over {k}" for k, v in receivers.items() if k != "1")
        + f"); {_n(receivers.get('1', 0))} go whole to one new commune.",
        f"- New units with no predecessor commune: {cov['new_units_without_predecessor']} ({zones}).",
        *([f"- New codes of the table missing from the 2025 boundary layer: {len(cov['new_codes_not_in_2025_layer'])}; "
           "new names differing there: "
           + ("; ".join(f"{c} \"{a}\" vs \"{b}\"" for c, (a, b) in cov["new_names_differing_from_2025_layer"].items())
              or "none") + "."] if "new_codes_not_in_2025_layer" in cov else []),
        "- With the register's provinces every one of the 63 old provinces goes whole to one new province.",
        "",
        "## Caveats for conversions (`divide.crosswalk_to_2025`, `divide crosswalk`)",
        "- The table says which new communes an old one went to, not how much of it. Splits are estimated, in "
        "order: user-supplied old boundaries (overlay with the WorldPop 2020 grid, or by area) → the official "
        f"\"all of the population\" note ({cats.get('part_of_area_all_population', 0)} pairs: that receiver takes "
        "everything, the \"part of the area\" receivers nothing) → population of the receiving new communes "
        "(WorldPop 2020) → equal shares. The method is recorded per row. \"Receiver population\" overstates what a "
        "large new commune took from a neighbour that gave it only a sliver (\"Nhập một phần diện tích\"); supply "
        "old boundaries when that matters.",
        "- Without a `weights` column (or old boundaries), intensive columns are averaged with every old commune "
        "weighing the same (times the share that moved); the report says so. Pass the old population as `weights`.",
        "- Rows of the reconciliation (`row`) are numbered as a spreadsheet shows them: the header is row 1, the "
        "first data row of a CSV is row 2 (as in `divide validate`).",
        "- No openly licensed polygon layer of the pre-2025 communes exists (GADM's licence forbids "
        "redistribution), so none is shipped.",
        "",
        "## Province level: DTI 2022 on the 34 provinces (`data/indicators/dti_2022_provinces_2025.csv`)",
        "**Derived**, written by `build_crosswalk()` (or `divide.geography.crosswalk.write_dti_2022_provinces_2025()`) "
        "from `data/indicators/dti_2022_province_ranks.csv` with `divide.geography.crosswalk.provinces_to_2025()`, "
        "which maps any table of the 63 old provinces (by name, matched with `province_key` with the usual "
        "shortenings and the alias \"Thừa Thiên Huế\", or by 2-digit old code) onto the 34 new ones and reports "
        "unmatched or duplicated rows like the commune-level conversion. The weight of old province P in new "
        "province N is the population that moved from P to N (`province_weights_2025()`): each 2025 commune's "
        "WorldPop 2020 population is attributed to its predecessor communes by the crosswalk shares, and summed by "
        "the register's old province (the five island special zones, which have no predecessor commune, are left "
        "out). One row per 2025 province: `province_code`, `province_name`, `dti_rank` (population-weighted mean "
        "DTI 2022 rank, 1 = best; a mean of ranks, not a rank), `pdti_score` (weighted mean of the published score "
        "over the predecessors that have one: the source gives it for 6 provinces only, so it is blank for 28 new "
        "provinces), `pdti_score_coverage` (population share of the predecessors behind `pdti_score`; 1 only for "
        "Quảng Ninh and Huế), `n_predecessors` and `predecessors` (\"code name weight; …\", weights summing to 1). "
        "`divide.modeled` keeps its own older mapping (it counts the island districts and the raw table's "
        "old-province column), which differs by ≤ 0.05 rank for Quảng Ngãi, Hồ Chí Minh City and Tây Ninh.",
    ]
    return "\n".join(lines) + "\n"


def write_readme(report: dict[str, Any], path: str | Path = README_CROSSWALK) -> Path:
    r"""Write :func:`readme_text` of ``report`` to ``path`` (UTF-8, ``\n`` line ends); return the path.

    Parameters
    ----------
    report
        The report of a build.
    path
        Where to write; default ``data/admin/README_crosswalk.md``.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    path.write_text(readme_text(report), encoding="utf-8", newline="\n")
    return path
