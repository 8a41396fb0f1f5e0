"""The policy brief: every number cited, the modeled caption where (and only where) modeled data was used."""

from __future__ import annotations

import argparse
import dataclasses
import html as htmllib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.present import brief
from divide.provenance import LABEL

LAI_CHAU = "12"


# --------------------------------------------------------------------------------------------------------------
# Real analyses, computed once: the shipped modeled data for Lai Châu, and a user's file
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lai_chau():
    return divide.load_communes("Lai Châu")


@pytest.fixture(scope="module")
def analysis():
    """The real pipeline on the shipped modeled dataset, Lai Châu kept (a few seconds, once)."""
    return divide.analyse(province="Lai Châu", uncertainty_reps=50)


EVIL = "<script>alert('x')</script> | *bold*"


@pytest.fixture(scope="module")
def modeled_analysis(analysis):
    """The Lai Châu analysis with a hostile name on its first tier-1 commune (to test the escaping)."""
    communes = analysis.communes.copy()
    first = tier1_of(communes).index[0]
    communes.loc[first, "commune_name"] = EVIL
    return dataclasses.replace(analysis, communes=communes)


@pytest.fixture(scope="module")
def user_analysis(tmp_path_factory):
    """The real pipeline on a user's indicator file (the example file shipped in divide.datasets)."""
    from divide import datasets

    path = tmp_path_factory.mktemp("user") / "chi_tieu_lai_chau_2024.csv"
    shutil.copyfile(datasets.path("indicators_hanoi_laichau.csv"), path)
    return divide.analyse(path, province="Lai Châu", uncertainty_reps=20)


@pytest.fixture(scope="module")
def national_analysis(analysis):
    """The national view of the same run (``results["national"]``: every commune analysed, no province kept)."""
    return dataclasses.replace(analysis, communes=analysis.results["national"], province=None)


def tier1_of(communes: pd.DataFrame) -> pd.DataFrame:
    tier1 = communes[pd.to_numeric(communes["priority_tier"], errors="coerce") == 1]
    return tier1.sort_values("priority_rank", kind="mergesort")


def number(x: float, lang: str = "en", decimals: int = 1) -> str:
    """A number as the brief writes it (written here again, independently: 1,234.5 / 1.234,5)."""
    text = f"{x:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def gap_rows(a, scope: str) -> pd.DataFrame:
    """The rows of the brief's gap table for one scope, in the brief's order."""
    from divide.present.brief.labels import GAP_MEASURES

    rows = a.gaps[(a.gaps["scope"].astype(str) == scope) & a.gaps["measure"].isin(GAP_MEASURES)]
    return rows.set_index("measure").loc[[m for m in GAP_MEASURES if m in set(rows["measure"])]]


def n_tier1_rows(a, top: int = 20) -> int:
    return min(top, len(tier1_of(a.communes)))


MAPS = {"national": Path("maps/national.png"), "province": Path("maps/province.png")}


# --------------------------------------------------------------------------------------------------------------
# Parsing the outputs
# --------------------------------------------------------------------------------------------------------------

_MARK = re.compile(r"\[(\d+)\]")
_LINK_LINE = re.compile(r"^!?\[[^\]]*\]\([^)]*\)$")


def md_parts(md: str) -> tuple[list[str], dict[int, str]]:
    """Body lines (before References) and the numbered references."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## ") and
                 line[3:] in ("References", "Tài liệu tham khảo"))
    refs = {}
    for line in lines[start + 1:]:
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            refs[int(m.group(1))] = m.group(2)
    return lines[:start], refs


def uncited_md_lines(md: str) -> list[str]:
    """Lines that state a number (a digit) but carry no marker resolving to a reference."""
    body, refs = md_parts(md)
    bad = []
    for i, line in enumerate(body):
        if line.startswith("#") or _LINK_LINE.match(line) or not re.search(r"\d", line):
            continue
        if re.fullmatch(r"\|(---\|)+", line):
            continue
        if i + 1 < len(body) and re.fullmatch(r"\|(---\|)+", body[i + 1]):
            continue  # a table's header row names columns, it states no figure
        marks = [int(m) for m in _MARK.findall(line)]
        if not marks or any(m not in refs for m in marks):
            bad.append(line)
    return bad


class _Blocks(HTMLParser):
    """Text of each block element (p, li, tr, figcaption, h1–h3), with its tag (``th`` for header rows)."""

    BLOCKS = {"p", "li", "tr", "figcaption", "h1", "h2", "h3", "h4", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.stack: list[tuple[str, list[str]]] = []
        self.ids: set[str] = set()
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "style":
            self.in_style = True
        if tag == "th" and self.stack and self.stack[-1][0] == "tr":
            self.stack[-1] = ("th", self.stack[-1][1])
        if tag in self.BLOCKS:
            self.stack.append((tag, []))

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag in self.BLOCKS and self.stack and self.stack[-1][0] in (tag, "th" if tag == "tr" else tag):
            name, parts = self.stack.pop()
            self.blocks.append((name, " ".join("".join(parts).split())))

    def handle_data(self, data):
        if self.stack and not self.in_style:
            self.stack[-1][1].append(data)


def html_blocks(page: str) -> _Blocks:
    parser = _Blocks()
    parser.feed(page)
    return parser


def uncited_html_blocks(page: str) -> list[str]:
    parsed = html_blocks(page)
    bad = []
    end = next(i for i, (tag, text) in enumerate(parsed.blocks)
               if tag == "h2" and text in ("References", "Tài liệu tham khảo"))
    for tag, text in parsed.blocks[:end]:
        if tag in {"h1", "h2", "h3", "h4", "title", "li", "th"} or not re.search(r"\d", text):
            continue  # headings, table header rows, and the references list itself
        marks = _MARK.findall(text)
        if not marks or any(f"ref-{m}" not in parsed.ids for m in marks):
            bad.append(text)
    return bad


# --------------------------------------------------------------------------------------------------------------
# Every figure has a citation
# --------------------------------------------------------------------------------------------------------------


def test_the_citation_check_bites():
    assert uncited_md_lines("# T\n\nThere are 5 villages.\n\n## References\n\n1. x\n") == ["There are 5 villages."]
    assert uncited_md_lines("# T\n\nThere are 5 villages [2].\n\n## References\n\n1. x\n") == [
        "There are 5 villages [2]."]  # a marker that resolves to no reference
    assert uncited_md_lines("# T\n\nThere are 5 villages [1].\n\n## References\n\n1. x\n") == []


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("which", ["modeled", "user"])
def test_every_number_in_the_markdown_is_cited(which, lang, modeled_analysis, user_analysis):
    analysis = modeled_analysis if which == "modeled" else user_analysis
    md = brief.brief_markdown(analysis, lang=lang, maps=MAPS)
    body, refs = md_parts(md)
    assert uncited_md_lines(md) == []
    # ... and the check bites on this brief: without its markers, a figure row is caught.
    row = next(line for line in body if line.startswith("| ") and re.search(r"\d.*\[\d+\] \|$", line))
    assert uncited_md_lines(md.replace(row, _MARK.sub("", row))) == [_MARK.sub("", row)]
    # Every reference is cited somewhere, and numbered 1..n in the order of first citation.
    cited = [int(m) for line in body for m in _MARK.findall(line)]
    assert sorted(refs) == list(range(1, len(refs) + 1))
    assert sorted(set(cited)) == sorted(refs)
    assert list(dict.fromkeys(cited)) == sorted(refs)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_number_in_the_html_is_cited(lang, modeled_analysis, user_analysis):
    for analysis in (modeled_analysis, user_analysis):
        page = brief.brief_html(analysis, lang=lang, maps=MAPS)
        assert uncited_html_blocks(page) == []
        parsed = html_blocks(page)
        rows = [t for tag, t in parsed.blocks if tag == "tr"]
        assert len(rows) > 20  # facts, computed figures, gap rows, tier-1 rows


ANALYSIS_COLUMNS = ["divide_index", "priority_tier", "villages_no_signal", "villages_no_power"]


def test_every_figure_of_the_content_has_a_reference_or_says_not_computed(modeled_analysis, user_analysis):
    content = brief.brief_content(modeled_analysis)
    numbers = {r.number for r in content.references}
    figures = content.figures()
    assert len(figures) == len(brief.KEY_FACTS) + 9  # 14 facts; 9 computed figures
    assert all(f.ref in numbers and f.source and f.date and f.status for f in figures)
    # A table without the analysis columns, gaps and inequality: "not computed", no reference, no crash.
    bare = dataclasses.replace(user_analysis, communes=user_analysis.communes.drop(columns=ANALYSIS_COLUMNS),
                               gaps=None, inequality=None)
    content = brief.brief_content(bare)
    missing = [f for f in content.figures() if f.ref is None]
    assert {f.label for f in missing} == {
        "Villages without mobile signal", "Villages without electricity",
        "Divide index, urban against rural (population-weighted mean)",
        "Communes in the first priority tier, and their population"}
    assert all(f.value.startswith("not computed (column ") for f in missing)
    md = brief.brief_markdown(bare)
    assert "The urban–rural gap was not computed for this brief." in md
    assert "Priority tiers were not computed for this brief." in md
    assert uncited_md_lines(md) == []


def test_fact_figures_carry_source_date_and_status(user_analysis):
    content = brief.brief_content(user_analysis)
    by_label = {f.label: f for f in content.figures()}
    f = by_label["Villages (thôn, bản) not yet covered by mobile signal and lacking electricity"]
    assert (f.value, f.date, f.status) == ("266 villages", "end-2022", "official")
    assert f.source == divide.cite("villages_no_signal_no_power_2022")
    online = [f for f in content.figures() if f.label == "People using online public services"]
    assert [(f.value, f.date) for f in online] == [("1.78% of people", "2020"),
                                                   ("almost 18% of people", "2022-01/2022-07")]
    assert by_label["Adults using online public services (target)"].status == "target"
    assert by_label["Households with fibre broadband Internet"].status == "reported"


# --------------------------------------------------------------------------------------------------------------
# The modeled caption: wherever modeled data was used, never otherwise
# --------------------------------------------------------------------------------------------------------------


def _data_ref(refs: dict[int, str], modeled: bool) -> int:
    needle = LABEL if modeled else "indicator file supplied by the user"
    return next(n for n, text in refs.items() if needle in text)


def test_modeled_caption_everywhere_modeled_data_is_used(modeled_analysis):
    md = brief.brief_markdown(modeled_analysis, maps=MAPS)
    body, refs = md_parts(md)
    data = _data_ref(refs, modeled=True)
    citing = [line for line in body if f"[{data}]" in line]
    n_gaps = len(gap_rows(modeled_analysis, "VN")) + len(gap_rows(modeled_analysis, LAI_CHAU))
    n_tier1 = n_tier1_rows(modeled_analysis)
    assert n_gaps == 18 and n_tier1 == 20
    # intro, 7 modeled figure rows + caption, gap intro + rows + caption, 2 maps, tier-1 intro + rows + caption
    assert len(citing) == 1 + 8 + (n_gaps + 2) + 2 + (n_tier1 + 2)
    assert all(LABEL in line for line in citing)
    assert "modeled demonstration dataset (Dữ liệu mô phỏng / modeled data)" in md
    # The source cell of a row: the modeled label itself (gap and tier-1 tables) or "computed by divide
    # from" it (the computed figures), then the marker.
    rows = [line for line in body if line.startswith("| ") and f"[{data}]" in line]
    sources = [line.rstrip(" |").rsplit(" | ", 1)[1] for line in rows]
    assert sources.count(f"computed by divide from {LABEL} [{data}]") == 7
    assert sources.count(f"{LABEL} [{data}]") == n_gaps + n_tier1
    assert len(sources) == 7 + n_gaps + n_tier1
    captions = [line for line in body if line.startswith("*") and LABEL in line]
    assert len(captions) == 5  # computed figures, gap table, two maps, tier-1 table
    # Figures from the boundary layer alone (counts of communes) are not modeled and say so.
    geo = next(line for line in body if line.startswith("| Communes analysed"))
    assert LABEL not in geo and "| computed |" in geo
    vi = brief.brief_markdown(modeled_analysis, lang="vi", maps=MAPS)
    assert vi.count(LABEL) == md.count(LABEL)
    assert "| mô phỏng |" in vi


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_caption_absent_for_user_data_which_is_cited_instead(lang, user_analysis):
    assert user_analysis.modeled is False
    md = brief.brief_markdown(user_analysis, lang=lang, maps=MAPS)
    page = brief.brief_html(user_analysis, lang=lang, maps=MAPS)
    for text in (md, page):
        assert LABEL not in text
        assert "modeled" not in text
        assert "mô phỏng" not in text
        assert "chi_tieu_lai_chau_2024.csv" in text.replace("\\_", "_")
    body, refs = md_parts(md)
    data = _data_ref(refs, modeled=False) if lang == "en" else next(
        n for n, t in refs.items() if "tệp chỉ tiêu do người dùng" in t)
    assert "chi\\_tieu\\_lai\\_chau\\_2024.csv" in refs[data]
    rows = [line for line in body if line.startswith("| ") and f"[{data}]" in line]
    n_gaps = len(gap_rows(user_analysis, "VN")) + len(gap_rows(user_analysis, LAI_CHAU))
    assert len(rows) == 7 + n_gaps + n_tier1_rows(user_analysis)  # computed figures, gap rows, tier-1 rows
    status = "| computed |" if lang == "en" else "| tính toán |"
    assert all(status in line for line in rows[:7])


# --------------------------------------------------------------------------------------------------------------
# References, languages, content
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_references_name_thong_bao_16_when_its_fact_is_cited(lang, user_analysis):
    md = brief.brief_markdown(user_analysis, lang=lang)
    _, refs = md_parts(md)
    assert any("Thông báo 16/TB-VPCP" in text for text in refs.values())
    # One entry per document: three facts of the 19/1 conference report share one reference.
    conference = [n for n, t in refs.items() if "19/1" in t or "19 January" in t]
    assert len(conference) == 1
    content = brief.brief_content(user_analysis, lang=lang, fact_ids=["households_fibre_2022"])
    assert not any("16/TB-VPCP" in r.text for r in content.references)
    assert len(content.references) == 3  # the boundary layer, the user's file, one fact
    with pytest.raises(InputError, match="unknown fact id"):
        brief.brief_content(user_analysis, fact_ids=["no_such_fact"])


def _gap_line(a, scope: str, name: str, measure: str, label: str, lang: str) -> str:
    r = gap_rows(a, scope).loc[measure]
    diff = number(r["difference"], lang)
    diff = diff if r["difference"] <= 0 else "+" + diff
    return (f"| {name} | {label} | {number(r['urban_mean'], lang)} | {number(r['rural_mean'], lang)} | {diff} | "
            f"{number(r['ratio'], lang, 2)} |")


def test_vietnamese_brief(modeled_analysis):
    vi = brief.brief_markdown(modeled_analysis, lang="vi", maps=MAPS)
    assert vi.splitlines()[0] == "# Bản tóm tắt chính sách: khoảng cách số giữa thành thị và nông thôn tại Lai Châu"
    for heading in ("## Số liệu chính", "### Số liệu quốc gia", "## Khoảng cách thành thị – nông thôn", "## Bản đồ",
                    "## Các xã cần ưu tiên trước (nhóm ưu tiên 1)", "## Tài liệu tham khảo"):
        assert heading in vi
    assert "| Thôn, bản chưa được phủ sóng di động và thiếu điện | 266 thôn, bản | cuối năm 2022 | chính thức |" in vi
    assert "| 1,78% người dân | năm 2020 |" in vi  # decimal comma
    assert "gần 18% người dân" in vi
    assert "Thông báo 16/TB-VPCP, kết luận Hội nghị ngày 25/12/2022" in vi
    fibre_vi = "Hộ gia đình được phủ cáp quang (%)"
    assert _gap_line(modeled_analysis, "VN", "Việt Nam", "fiber_households_pct", fibre_vi, "vi") in vi
    assert "," in _gap_line(modeled_analysis, "VN", "Việt Nam", "fiber_households_pct", fibre_vi, "vi")
    en = brief.brief_markdown(modeled_analysis, lang="en", maps=MAPS)
    fibre_en = "Households passed by fibre (%)"
    assert _gap_line(modeled_analysis, "VN", "Viet Nam", "fiber_households_pct", fibre_en, "en") in en
    assert "Original title: Thông báo 16/TB-VPCP" in en


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    return float(np.average(values[ok], weights=weights[ok]))


def _inequality(a, statistic: str, grouping: str, component: str) -> float:
    q = a.inequality
    row = q[(q["measure"] == "divide_index") & (q["statistic"] == statistic) & (q["grouping"] == grouping)
            & (q["component"] == component)]
    return float(row["value"].iloc[0])


def test_gap_table_scopes_and_computed_figures(modeled_analysis, national_analysis, lai_chau):
    a = modeled_analysis
    md = brief.brief_markdown(a)
    gap_lines = [line for line in md.splitlines() if line.startswith(("| Viet Nam |", "| Lai Châu | "))
                 and "(" in line.split("|")[2]]
    # The gap measures of each scope; the other measures of the table (village counts) are not shown;
    # indicators first, the pillars and the index last.
    assert "villages_total" in set(a.gaps["measure"])
    labels = [r.split(" | ")[1] for r in gap_lines]
    assert labels[:9] == labels[9:] and len(labels) == 18
    assert labels[0] == "Households passed by fibre (%)" and labels[8] == "Divide index (0–100, higher = wider)"
    assert _gap_line(a, LAI_CHAU, "Lai Châu", "divide_index", labels[8], "en") in md
    md_national = brief.brief_markdown(national_analysis)
    assert "| Lai Châu | Households" not in md_national and "| Viet Nam | Households" in md_national
    assert "### Computed by divide for Viet Nam" in md_national
    c = a.communes
    no_signal, total = int(c["villages_no_signal"].sum()), int(c["villages_total"].sum())
    assert f"| Villages without mobile signal | {no_signal} of {total:,} villages |" in md
    assert f"| {len(lai_chau)} communes, {lai_chau['population'].sum():,.0f} people |" in md
    urban = int((lai_chau["urban_rural"] == "urban").sum())
    assert f"| {urban} urban, {len(lai_chau) - urban} rural, 0 special zones |" in md
    ur = c["urban_rural"]
    u = _weighted(c.loc[ur == "urban", "divide_index"], c.loc[ur == "urban", "population"])
    r = _weighted(c.loc[ur == "rural", "divide_index"], c.loc[ur == "rural", "population"])
    assert u < r  # the phường are better connected than the xã
    assert f"| {u:.1f} urban, {r:.1f} rural |" in md
    # the widest gap in the province among the shares
    shares = gap_rows(a, LAI_CHAU).loc[lambda d: d.index.str.endswith("_pct")]
    widest = shares["difference"].abs().idxmax()
    w = shares.loc[widest]
    assert f"| {_label(widest)}: {w['urban_mean']:.1f} % urban against {w['rural_mean']:.1f} % rural |" in md
    gini = _inequality(a, "gini", "none", "total")
    share = _inequality(a, "theil", "urban_rural", "between_share")
    assert f"| {gini:.3f} |" in md and f"| {100 * share:.1f} % |" in md


def _label(measure: str) -> str:
    from divide.indicators.columns import column_label

    return column_label(measure, "en")


def test_tier1_table_ordered_by_priority_rank_with_rank_interval(analysis):
    tier1 = tier1_of(analysis.communes)
    md = brief.brief_markdown(analysis, top=5)
    rows = [line for line in md.splitlines() if re.match(r"^\| \d+ \| ", line)]
    assert len(rows) == 5
    first = tier1.iloc[0]
    r, lo, hi = int(first["priority_rank"]), f"{first['rank_p05']:,.0f}", f"{first['rank_p95']:,.0f}"
    assert rows[0].startswith(f"| {r} | {first['commune_name']} | Lai Châu | {first['divide_index']:.1f} | {lo}–{hi} |")
    assert [int(x.split(" | ")[0][2:]) for x in rows] == tier1["priority_rank"].head(5).astype(int).tolist()
    assert [int(x.split(" | ")[0][2:]) for x in rows] == sorted(int(x.split(" | ")[0][2:]) for x in rows)
    assert f"{len(tier1)} communes are in the first priority tier; the 5 ranked first are listed" in md


def test_hoang_sa_and_truong_sa_without_population_do_not_break_the_brief(national_analysis):
    communes = national_analysis.communes.copy()
    empty = communes.index[communes["commune_name"].isin(["Hoàng Sa", "Trường Sa"])]
    assert len(empty) == 2 and communes.loc[empty, "divide_index"].isna().all()  # no population, no index
    communes.loc[empty, "priority_tier"] = 1  # force them into the tier-1 table, at its top
    communes.loc[empty, "priority_rank"] = 0
    a = dataclasses.replace(national_analysis, communes=communes)
    md = brief.brief_markdown(a, top=100)
    assert uncited_md_lines(md) == []
    assert "| — | —–— |" not in md
    for code in empty:
        name = communes.loc[code, "commune_name"]
        assert re.search(rf"\| {re.escape(name)} \| [^|]+ \| — \| — \|", md)  # NaN index and interval: dashes


# --------------------------------------------------------------------------------------------------------------
# Escaping and maps
# --------------------------------------------------------------------------------------------------------------


def test_html_escapes_names_and_markdown_neutralises_them(modeled_analysis, user_analysis):
    page = brief.brief_html(modeled_analysis, maps=MAPS, top=100)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; | *bold*" in page
    md = brief.brief_markdown(modeled_analysis, top=100)
    assert "<script>" not in md
    assert "&lt;script&gt;alert('x')&lt;/script&gt; \\| \\*bold\\*" in md
    row = next(line for line in md.splitlines() if "script" in line)
    assert row.count(" | ") == 5  # the escaped pipe does not add a column
    hostile = dataclasses.replace(user_analysis, indicators_source='x"><img src=y>.csv')
    page = brief.brief_html(hostile)
    assert "<img src=y>" not in page and "x&quot;&gt;&lt;img src=y&gt;.csv" in page


def test_html_embeds_map_images_and_markdown_links_them(modeled_analysis, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "national.png").write_bytes(png)
    page = brief.brief_html(modeled_analysis, maps=MAPS, base=tmp_path)
    import base64

    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    assert "(file not found when the brief was written: maps/province.png)" in page
    md = brief.brief_markdown(modeled_analysis, maps=MAPS)
    assert "![National map](maps/national.png)" in md
    assert "![Province map: Lai Châu](maps/province.png)" in md
    assert brief.brief_markdown(modeled_analysis).count("`divide atlas` draws the national and province maps") == 1


# --------------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------------


def test_write_brief_file_names_and_relative_map_paths(modeled_analysis, tmp_path):
    maps_dir = tmp_path / "maps"
    maps_dir.mkdir()
    (maps_dir / "national.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    files = brief.write_brief(modeled_analysis, out, maps={"national": maps_dir / "national.png"})
    assert [p.name for p in files] == ["brief.md", "brief.html"]
    assert "![National map](../maps/national.png)" in files[0].read_text(encoding="utf-8")
    assert "data:image/png;base64," in files[1].read_text(encoding="utf-8")
    files = brief.write_brief(modeled_analysis, out, lang="both")
    assert [p.name for p in files] == ["brief_en.md", "brief_en.html", "brief_vi.md", "brief_vi.html"]
    assert files[2].read_text(encoding="utf-8").startswith("# Bản tóm tắt chính sách")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["brief.md", "brief.html", "brief_en.md", "brief_en.html", "brief_vi.md", "brief_vi.html"])
    with pytest.raises(InputError, match="unknown language 'fr'"):
        brief.write_brief(modeled_analysis, out, lang="fr")
    with pytest.raises(InputError, match="unknown brief format 'odt'"):
        brief.write_brief(modeled_analysis, out, formats=("odt",))


def test_write_brief_is_atomic(modeled_analysis, tmp_path, monkeypatch):
    target = tmp_path / "brief.md"
    target.write_text("the previous brief", encoding="utf-8")
    real = Path.write_text

    def half_then_fail(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        brief.write_brief(modeled_analysis, tmp_path, formats=("md",))
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "the previous brief"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no half-written temporary file left


# --------------------------------------------------------------------------------------------------------------
# The command line (parsing; the handler, with the pipeline call recorded and its result the real analysis)
# --------------------------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    from divide.cli.brief import add_parser

    parser = argparse.ArgumentParser(prog="divide")
    _ = add_parser(parser.add_subparsers(dest="command"))
    return parser


def test_cli_parses_its_options():
    args = _parser().parse_args(["brief"])
    assert (args.indicators, args.province, args.lang, args.out) == (None, None, "en", Path("outputs"))
    args = _parser().parse_args(["brief", "--indicators", "a.csv", "--province", "12", "--lang", "vi",
                                 "--out", "x"])
    assert (args.indicators, args.province, args.lang, args.out) == (Path("a.csv"), "12", "vi", Path("x"))
    with pytest.raises(SystemExit):
        _parser().parse_args(["brief", "--lang", "fr"])


def test_cli_writes_both_languages_and_a_manifest(monkeypatch, tmp_path, modeled_analysis, capsys):
    calls = []

    def fake_analyse(indicators=None, province=None, seed=None, progress=None):
        calls.append((indicators, province))
        return modeled_analysis

    import divide.cli.brief as cli_brief

    monkeypatch.setattr(cli_brief, "_analyse", lambda: fake_analyse)
    args = _parser().parse_args(["brief", "--province", "Lai Châu", "--lang", "both", "--out", str(tmp_path)])
    args.quiet = False
    assert args.handler(args) == 0
    assert calls == [(None, "Lai Châu")]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["brief_en.html", "brief_en.md", "brief_vi.html", "brief_vi.md", "manifest.json",
                     "priority_map_12.png", "priority_map_national.png"]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "brief" and manifest["contains_modeled_data"] is True
    assert manifest["parameters"]["province"] == LAI_CHAU
    assert "wrote 7 files" in capsys.readouterr().out
    md = (tmp_path / "brief_en.md").read_text(encoding="utf-8")
    assert "(priority_map_national.png)" in md and "(priority_map_12.png)" in md


def test_markdown_and_html_state_the_same_figures(modeled_analysis):
    md = brief.brief_markdown(modeled_analysis, maps=MAPS)
    page = brief.brief_html(modeled_analysis, maps=MAPS)
    values = [f.value for f in brief.brief_content(modeled_analysis).figures()]
    for v in values:
        assert v in md.replace("\\", "")
        assert htmllib.escape(v) in page
