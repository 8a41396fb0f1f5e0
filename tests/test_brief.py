"""The policy brief: every number cited, the modeled caption where (and only where) modeled data was used."""

from __future__ import annotations

import argparse
import html as htmllib
import json
import re
import types
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
# A synthetic analysis (the pipeline's modules are built by others: stand-in columns with known values)
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lai_chau():
    return divide.load_communes("Lai Châu")


def make_analysis(communes: pd.DataFrame, *, modeled: bool = True, province: str | None = LAI_CHAU,
                  source: str = "modeled", evil_name: bool = False) -> types.SimpleNamespace:
    table = communes.join(divide.model_indicators(communes))
    if not modeled:
        table["source"] = "user"
    urban = table["urban_rural"] == "urban"
    table["divide_index"] = np.where(urban, 10.0, 60.0)
    n = len(table)
    # Tier 1 = every third commune; priority rank = position (1..n); rank interval [rank, rank + 6].
    table["priority_tier"] = [1 if i % 3 == 0 else 2 for i in range(n)]
    table["priority_rank"] = np.arange(n, 0, -1)  # reverse of file order, to test the sorting
    table["rank_p05"] = table["priority_rank"] + 2
    table["rank_p95"] = table["priority_rank"] + 8
    if evil_name:
        table.loc[table.index[0], "commune_name"] = "<script>alert('x')</script> | *bold*"
    gaps = pd.DataFrame({
        "measure": ["fiber_households_pct", "online_services_pct", "divide_index", "villages_total"] * 2,
        "scope": ["VN"] * 4 + [LAI_CHAU] * 4,
        "scope_name": ["Viet Nam"] * 4 + ["Lai Châu"] * 4,
        "urban_mean": [90.0, 31.0, 12.0, 30.0, 80.0, 20.0, 10.0, 25.0],
        "rural_mean": [70.0, 9.5, 48.0, 28.0, 50.0, 2.0, 60.0, 27.0],
        "difference": [20.0, 21.5, -36.0, 2.0, 30.0, 18.0, -50.0, -2.0],
        "ratio": [90 / 70, 31 / 9.5, 0.25, 30 / 28, 1.6, 10.0, 1 / 6, 25 / 27],
        "urban_population": [1e6] * 8,
        "rural_population": [2e6] * 8,
    })
    # The long table of divide.inequality: Gini 0.25; Theil 0.2 of which 0.05 between urban and rural.
    inequality = pd.DataFrame({
        "measure": ["divide_index"] * 4,
        "statistic": ["gini", "theil", "theil", "theil"],
        "grouping": ["none", "none", "urban_rural", "urban_rural"],
        "component": ["total", "total", "between", "between_share"],
        "value": [0.25, 0.2, 0.05, 0.25],
    })
    return types.SimpleNamespace(communes=table, provinces=None, gaps=gaps, inequality=inequality,
                                 province=province, modeled=modeled,
                                 indicators_source=source if not modeled else "modeled", seed=42)


@pytest.fixture(scope="module")
def modeled_analysis(lai_chau):
    return make_analysis(lai_chau, evil_name=True)


@pytest.fixture(scope="module")
def user_analysis(lai_chau):
    return make_analysis(lai_chau, modeled=False, source="chi_tieu_lai_chau_2024.xlsx")


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


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("which", ["modeled", "user"])
def test_every_number_in_the_markdown_is_cited(which, lang, modeled_analysis, user_analysis):
    analysis = modeled_analysis if which == "modeled" else user_analysis
    md = brief.brief_markdown(analysis, lang=lang, maps=MAPS)
    body, refs = md_parts(md)
    assert uncited_md_lines(md) == []
    # ... and the check bites: a number without a marker is caught.
    assert uncited_md_lines(md.replace("[1]", "", 1)) != [] or "[1]" not in md
    assert uncited_md_lines("# T\n\nThere are 5 villages.\n\n## References\n\n1. x\n") == ["There are 5 villages."]
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


def test_every_figure_of_the_content_has_a_reference_or_says_not_computed(modeled_analysis, lai_chau):
    content = brief.brief_content(modeled_analysis)
    numbers = {r.number for r in content.references}
    figures = content.figures()
    assert len(figures) == len(brief.KEY_FACTS) + 9  # 14 facts; 9 computed figures
    assert all(f.ref in numbers and f.source and f.date and f.status for f in figures)
    # Without the analysis columns: "not computed", no reference, no crash.
    bare = types.SimpleNamespace(communes=lai_chau, gaps=None, inequality=None, province=None,
                                 modeled=False, indicators_source="x.csv", seed=1)
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


def test_fact_figures_carry_source_date_and_status():
    content = brief.brief_content(
        types.SimpleNamespace(communes=divide.load_communes("Lai Châu"), gaps=None, inequality=None,
                              province=None, modeled=False, indicators_source="x.csv", seed=1))
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
    # intro, 7 modeled figure rows + caption, gap intro + 6 rows + caption, 2 maps, tier-1 intro + 13 rows + caption
    assert len(citing) == 1 + 8 + 8 + 2 + 15
    assert all(LABEL in line for line in citing)
    assert "modeled demonstration dataset (Dữ liệu mô phỏng / modeled data)" in md
    rows = [line for line in body if line.startswith("| ") and f"[{data}]" in line]
    assert rows and all(line.endswith(f"{LABEL} [{data}] |") or line.endswith(f"{LABEL} [{data}] |")
                        for line in rows)
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
    md = brief.brief_markdown(user_analysis, lang=lang, maps=MAPS)
    page = brief.brief_html(user_analysis, lang=lang, maps=MAPS)
    for text in (md, page):
        assert LABEL not in text
        assert "modeled" not in text
        assert "mô phỏng" not in text
        assert "chi_tieu_lai_chau_2024.xlsx" in text.replace("\\_", "_")
    body, refs = md_parts(md)
    data = _data_ref(refs, modeled=False) if lang == "en" else next(
        n for n, t in refs.items() if "tệp chỉ tiêu do người dùng" in t)
    assert "chi\\_tieu\\_lai\\_chau\\_2024.xlsx" in refs[data]
    rows = [line for line in body if line.startswith("| ") and f"[{data}]" in line]
    assert len(rows) == 7 + 6 + 13  # computed figures, gap rows, tier-1 rows
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
    assert "| Việt Nam | Hộ gia đình được phủ cáp quang (%) | 90,0 | 70,0 | +20,0 | 1,29 |" in vi
    en = brief.brief_markdown(modeled_analysis, lang="en", maps=MAPS)
    assert "| Viet Nam | Households passed by fibre (%) | 90.0 | 70.0 | +20.0 | 1.29 |" in en
    assert "Original title: Thông báo 16/TB-VPCP" in en


def test_gap_table_scopes_and_computed_figures(modeled_analysis, lai_chau):
    md = brief.brief_markdown(modeled_analysis)
    gap_rows = [line for line in md.splitlines() if line.startswith(("| Viet Nam |", "| Lai Châu | "))
                and "(" in line.split("|")[2]]
    # 3 measures per scope (villages_total is not a gap measure); indicators first, the index last.
    assert [r.split(" | ")[1] for r in gap_rows] == [
        "Households passed by fibre (%)", "People using online public services (%)",
        "Divide index (0–100, higher = wider)"] * 2
    assert "| Lai Châu | Divide index (0–100, higher = wider) | 10.0 | 60.0 | -50.0 | 0.17 |" in md
    national = make_analysis(lai_chau, province=None)
    md_national = brief.brief_markdown(national)
    assert "| Lai Châu | Households" not in md_national and "| Viet Nam | Households" in md_national
    assert "### Computed by divide for Viet Nam" in md_national
    ind = divide.model_indicators(lai_chau)
    no_signal, total = int(ind["villages_no_signal"].sum()), int(ind["villages_total"].sum())
    assert f"| Villages without mobile signal | {no_signal} of {total:,} villages |" in md
    assert f"| {len(lai_chau)} communes, {lai_chau['population'].sum():,.0f} people |" in md
    urban = int((lai_chau["urban_rural"] == "urban").sum())
    assert f"| {urban} urban, {len(lai_chau) - urban} rural, 0 special zones |" in md
    assert "| 10.0 urban, 60.0 rural |" in md  # divide index 10 in every phường, 60 in every xã
    # widest gap in the province among the shares: fibre, 30 points (online services: 18)
    assert "| Households passed by fibre (%): 80.0 % urban against 50.0 % rural |" in md
    assert "| 0.250 |" in md and "| 25.0 % |" in md  # Gini; Theil between / total = 0.05 / 0.2


def test_tier1_table_ordered_by_priority_rank_with_rank_interval(modeled_analysis):
    table = modeled_analysis.communes
    tier1 = table[table["priority_tier"] == 1].sort_values("priority_rank")
    md = brief.brief_markdown(modeled_analysis, top=5)
    rows = [line for line in md.splitlines() if re.match(r"^\| \d+ \| ", line)]
    assert len(rows) == 5
    first = tier1.iloc[0]
    r, lo, hi = int(first["priority_rank"]), int(first["rank_p05"]), int(first["rank_p95"])
    assert rows[0].startswith(f"| {r} | {first['commune_name']} | Lai Châu | {first['divide_index']:.1f} | {lo}–{hi} |")
    assert [int(x.split(" | ")[0][2:]) for x in rows] == tier1["priority_rank"].head(5).astype(int).tolist()
    assert f"{len(tier1)} communes are in the first priority tier; the 5 ranked first are listed" in md


def test_hoang_sa_and_truong_sa_without_population_do_not_break_the_brief():
    communes = divide.load_communes("Đà Nẵng")
    ind = divide.model_indicators(communes)
    empty = ind.index[ind["fiber_households_pct"].isna()]
    assert len(empty) >= 1  # Hoàng Sa: no population, NaN shares
    a = make_analysis(communes, province="48")
    a.communes.loc[empty, "divide_index"] = np.nan
    a.communes.loc[empty, "priority_tier"] = 1
    md = brief.brief_markdown(a, top=100)
    assert uncited_md_lines(md) == []
    assert "| — | —–— |" not in md
    name = a.communes.loc[empty[0], "commune_name"]
    assert re.search(rf"\| {re.escape(name)} \| [^|]+ \| — \|", md)  # NaN index shown as a dash


# --------------------------------------------------------------------------------------------------------------
# Escaping and maps
# --------------------------------------------------------------------------------------------------------------


def test_html_escapes_names_and_markdown_neutralises_them(modeled_analysis):
    page = brief.brief_html(modeled_analysis, maps=MAPS, top=100)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; | *bold*" in page
    md = brief.brief_markdown(modeled_analysis, top=100)
    assert "<script>" not in md
    assert "&lt;script&gt;alert('x')&lt;/script&gt; \\| \\*bold\\*" in md
    row = next(line for line in md.splitlines() if "script" in line)
    assert row.count(" | ") == 5  # the escaped pipe does not add a column
    hostile = make_analysis(divide.load_communes("Lai Châu"), modeled=False, source='x"><img src=y>.csv')
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
    with pytest.raises(InputError, match="unknown brief format 'pdf'"):
        brief.write_brief(modeled_analysis, out, formats=("pdf",))


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
# The command line (parsing; the handler with the pipeline missing, and with a stand-in pipeline)
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
    args.quiet = True
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
