"""The optional sections of the brief: the village plan, progress toward the targets, the reported villages.

Real objects throughout: the Lai Châu analysis of the shipped modeled data, a real plan (divide.plan), a
real progress result on the modeled vintages, and the shipped register of reported villages.
"""

from __future__ import annotations

import html as htmllib
import re

import docx
import pandas as pd
import pypdf
import pytest

import divide
from divide.analysis.plan import OBSERVED, TECHNOLOGIES, format_amount
from divide.analysis.progress_status import STATUS_LABELS as PROGRESS_STATUS
from divide.modeled.vintages import model_vintages
from divide.present import brief
from divide.present.brief.blocks import Figure, Image, Paragraph, Section, Table, flat_refs
from divide.present.brief.labels import t
from divide.present.brief.sections import MAX_PAGE_REFS, observed_counts
from divide.provenance import LABEL

TITLES = {"plan": "s_plan", "progress": "s_progress", "observed": "s_observed"}


@pytest.fixture(scope="module")
def lc():
    return divide.load_communes("Lai Châu")


@pytest.fixture(scope="module")
def analysis():
    return divide.analyse(province="Lai Châu", uncertainty_reps=50)


@pytest.fixture(scope="module")
def plan(lc):
    return divide.plan(communes=lc, budget="20 tỷ", province="Lai Châu", mc_reps=0, curve_points=3,
                       objective="leave_no_one_behind")


@pytest.fixture(scope="module")
def observed_plan(lc):
    return divide.plan("reported", communes=lc, budget="1 tỷ", province="Lai Châu", mc_reps=0, curve_points=3)


@pytest.fixture(scope="module")
def progress(lc):
    return divide.progress(model_vintages(lc), communes=lc)


@pytest.fixture(scope="module")
def register():
    return divide.reported_villages()


def content(analysis, plan, progress, register, lang="en", **kw):
    return brief.brief_content(analysis, lang=lang, plan=plan, progress=progress, observed=register, **kw)


def section(c, key: str) -> Section:
    titles = {t(TITLES[key], c.lang)} | ({t("s_observed_user", c.lang)} if key == "observed" else set())
    found = [s for s in c.sections if s.title in titles]
    assert len(found) == 1
    return found[0]


def refs_of(c) -> dict[int, object]:
    return {r.number: r for r in c.references}


def tables(s: Section) -> list[Table]:
    return [b for b in s.blocks if isinstance(b, Table)]


def number(x: float, lang: str = "en", decimals: int = 0) -> str:
    """A number as the brief writes it (written here again: 1,234.5 / 1.234,5)."""
    text = f"{x:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def signed(x: float, lang: str = "en") -> str:
    return ("+" if x > 0 else "") + number(x, lang, 1)


_MARK = re.compile(r"\[(\d+)\]")


def uncited_md_lines(md: str) -> list[str]:
    """Lines stating a number (a digit) without a marker resolving to a reference (headings, images, headers aside)."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line in ("## References", "## Tài liệu tham khảo"))
    refs = {int(m[1]) for line in lines[start + 1:] if (m := re.match(r"^(\d+)\. ", line))}
    body, bad = lines[:start], []
    for i, line in enumerate(body):
        if line.startswith("#") or re.match(r"^!?\[[^\]]*\]\([^)]*\)$", line) or not re.search(r"\d", line):
            continue
        if re.fullmatch(r"\|(---\|)+", line) or (i + 1 < len(body) and re.fullmatch(r"\|(---\|)+", body[i + 1])):
            continue
        marks = [int(m) for m in _MARK.findall(line)]
        if not marks or any(m not in refs for m in marks):
            bad.append(line)
    return bad


def md_section(md: str, title: str) -> str:
    part = md.split(f"\n## {title}\n", 1)[1]
    return part.split("\n## ", 1)[0]


# --------------------------------------------------------------------------------------------------------------
# Absent arguments: no section, the brief unchanged
# --------------------------------------------------------------------------------------------------------------


def test_absent_arguments_give_no_section(analysis):
    plain = brief.brief_content(analysis)
    titles = [s.title for s in plain.sections]
    assert not {t(k, "en") for k in TITLES.values()} & set(titles)
    assert brief.brief_markdown(analysis) == brief.brief_markdown(plain)  # a content renders as the analysis does


@pytest.mark.parametrize("key", ["plan", "progress", "observed"])
def test_each_argument_adds_its_section_and_only_it(key, analysis, plan, progress, register):
    given = {"plan": plan, "progress": progress, "observed": register}
    c = brief.brief_content(analysis, **{key: given[key]})
    titles = {s.title for s in c.sections}
    assert {k for k, v in TITLES.items() if t(v, "en") in titles} == {key}


# --------------------------------------------------------------------------------------------------------------
# Which villages first
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_plan_section_states_the_plans_own_figures(lang, analysis, plan, progress, register):
    c = content(analysis, plan, progress, register, lang)
    s = section(c, "plan")
    refs = refs_of(c)
    figures = {f.label: f for f in s.blocks if isinstance(f, Figure)}
    money = lambda x: format_amount(x, plan.currency, lang)  # noqa: E731
    assert figures[t("p_budget", lang)].value == money(plan.budget)
    assert figures[t("p_spent", lang)].value == money(plan.spent)
    assert figures[t("p_cover_all", lang)].value == money(plan.budget_to_cover_all)
    assert figures[t("p_people", lang)].value.startswith(number(plan.people_covered, lang) + " ")
    left = int((~plan.villages["covered"]).sum())
    assert figures[t("p_left", lang)].value.startswith(f"{number(left, lang)} ")
    served = figures[t("p_sites", lang)].value
    for tech, part in plan.interventions.groupby("technology"):
        name = TECHNOLOGIES[tech][1 if lang == "vi" else 0]
        assert f"{name}: {number(len(part), lang)} " in served
        assert f" {number(part['villages_served'].sum(), lang)} " in served
    trade = plan.site_plan.tradeoff
    assert figures[t("p_tradeoff", lang)].value.startswith(
        f"{number(trade['must_cover_lnob'], lang)} ")
    for f in figures.values():  # every figure cites the plan, labelled modeled
        assert f.modeled and "divide.plan" in refs[f.ref].text and LABEL in f.source
    # the interventions, in order
    table = tables(s)[0]
    head = plan.interventions.head(20)
    assert [r[1] for r in table.rows] == head["village"].tolist()
    assert [r[2] for r in table.rows] == head["commune"].tolist()
    assert [r[4] for r in table.rows] == [money(x) for x in head["cost"]]
    assert [r[5] for r in table.rows] == [number(x, lang) for x in head["people_new"]]
    assert all("divide.plan" in refs[r].text for r in flat_refs(table.row_refs))
    assert table.caption is not None and LABEL in table.caption.text
    # the unit costs cite their sources: every web address of data/costs.yaml is a reference
    urls = {r.url for r in c.references}
    assert set(plan.costs["url"].dropna()) <= urls
    costs = next(b for b in s.blocks if isinstance(b, Paragraph) and "data/costs.yaml" in b.text)
    cited = " ".join(refs[n].text for n in costs.refs)
    assert all(item in cited for item in plan.costs.index)


def test_plan_on_the_register_is_labelled_observed_not_modeled(analysis, observed_plan):
    assert observed_plan.observed and not observed_plan.modeled
    c = brief.brief_content(analysis, plan=observed_plan)
    s = section(c, "plan")
    refs = refs_of(c)
    figures = [b for b in s.blocks if isinstance(b, Figure)]
    assert figures and all(not f.modeled and LABEL not in f.source for f in figures)
    captions = [b.caption for b in tables(s)]
    assert captions and all(OBSERVED["en"] in cap.text and LABEL not in cap.text for cap in captions)
    plan_ref = refs[figures[0].ref].text
    assert OBSERVED["en"] in plan_ref and LABEL not in plan_ref
    assert any("reported_villages.csv" in refs[n].text for cap in captions for n in cap.refs)


def test_write_brief_draws_the_budget_curve_and_shows_it(analysis, plan, tmp_path):
    written = brief.write_brief(analysis, tmp_path, lang="both", formats=("md",), plan=plan)
    assert sorted(p.name for p in written) == ["brief_en.md", "brief_vi.md", "budget_curve_en.png",
                                               "budget_curve_vi.png"]
    assert (tmp_path / "budget_curve_vi.png").read_bytes()[:4] == b"\x89PNG"
    md = (tmp_path / "brief_en.md").read_text(encoding="utf-8")
    assert f"![{t('p_figure', 'en')}](budget_curve_en.png)" in md
    c = brief.brief_content(analysis, plan=plan, plan_figure="budget_curve.png")
    assert any(isinstance(b, Image) and b.path.name == "budget_curve.png" for b in section(c, "plan").blocks)


# --------------------------------------------------------------------------------------------------------------
# Progress toward the targets
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_progress_section_states_the_national_status_with_cited_targets(lang, analysis, plan, progress, register):
    c = content(analysis, plan, progress, register, lang)
    s = section(c, "progress")
    refs = refs_of(c)
    status, gaps = tables(s)
    national = progress.national.reset_index(drop=True)
    assert len(status.rows) == len(national)
    for row, marks, (_, r) in zip(status.rows, status.row_refs, national.iterrows()):
        decimals = 0 if r["indicator"] in ("villages_no_signal", "villages_no_power") else 1
        assert row[1] == f"{number(r['first_value'], lang, decimals)} ({int(r['first_year'])})"
        assert row[2] == f"{number(r['last_value'], lang, decimals)} ({int(r['last_year'])})"
        assert row[7] == PROGRESS_STATUS[lang][r["status"]]
        marks = flat_refs([marks])
        assert "divide.progress" in refs[marks[0]].text and LABEL in refs[marks[0]].text
        if pd.notna(r["target"]):
            assert str(int(r["target_year"])) in row[6] and len(marks) == 2
            fact = divide.indicators.facts.facts().loc[r["target_source"]]
            assert refs[marks[1]].url == str(fact["url"])  # the target's own document
        else:
            assert row[6] == t("g_no_target", lang) and len(marks) == 1
    fibre = national.set_index("indicator").loc["fiber_households_pct"]
    assert refs[flat_refs([status.row_refs[0]])[1]].text.startswith(
        "Decision 749/QĐ-TTg" if lang == "en" else "Quyết định 749/QĐ-TTg")
    assert fibre["status"] == "acceleration"
    assert status.caption is not None and LABEL in status.caption.text
    # the gap change of the divide index and its three parts
    y0, y1 = int(national["first_year"].min()), int(national["last_year"].max())
    ch = progress.gap_changes
    whole = ch[(ch["from_year"] == y0) & (ch["to_year"] == y1)].reset_index(drop=True)
    d = whole.set_index("measure").loc["divide_index"]
    sentence = next(b.text for b in s.blocks if isinstance(b, Paragraph) and b.text.startswith(
        "Between" if lang == "en" else "Từ"))
    for x in (d["within_urban"], d["within_rural"], d["population_shift"], d["change"]):
        assert signed(x, lang) in sentence
    assert number(d["gap_from"], lang, 1) in sentence and LABEL in sentence
    assert [r[3] for r in gaps.rows] == [signed(x, lang) for x in whole["change"]]
    assert [r[6] for r in gaps.rows] == [signed(x, lang) for x in whole["population_shift"]]


# --------------------------------------------------------------------------------------------------------------
# Reported villages against the modeled count
# --------------------------------------------------------------------------------------------------------------


def _reported(register: pd.DataFrame, codes, statuses) -> set[tuple[str, str]]:
    """Distinct villages of ``codes`` whose latest report of ``statuses`` (or coverage) is not coverage."""
    reg = register[register["commune_code"].isin(codes)]
    reg = reg[reg["status"].isin((*statuses, "covered"))].assign(date=lambda x: x["as_of"].fillna(""))
    out = set()
    for key, part in reg.groupby([reg["commune_code"], reg["village"].str.casefold()]):
        latest = part[part["date"] == part["date"].max()]
        if not (latest["status"] == "covered").any():
            out.add(key)
    return out


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_observed_table_counts_reports_and_the_modeled_villages(lang, analysis, plan, progress, register):
    c = content(analysis, plan, progress, register, lang)
    s = section(c, "observed")
    refs = refs_of(c)
    (table,) = tables(s)
    assert len(table.rows) == 1 and table.rows[0][0] == "Lai Châu"
    codes = set(analysis.communes.index)
    no_signal = _reported(register, codes, ("no_signal", "weak_signal"))
    no_power = {(c_, v) for c_, v in _reported(register, codes, ("no_electricity",))}
    assert table.rows[0][1] == number(len(no_signal), lang) == number(1, lang)
    assert table.rows[0][2] == number(len(no_power), lang)
    mine = register[register["commune_code"].isin(codes)]
    assert table.rows[0][3] == mine["as_of"].max()
    assert table.rows[0][4] == number(analysis.communes["villages_no_signal"].sum(), lang)
    # labels: the observed columns say observed, the model's column modeled; never one unlabelled column
    observed_word, modeled_word = ("observed", "modeled") if lang == "en" else ("quan sát", "mô phỏng")
    assert all(observed_word in col for col in table.columns[1:4])
    assert modeled_word in table.columns[4] and observed_word not in table.columns[4]
    # every page of the row is a reference (Lai Châu rests on few pages), and the modeled data too
    marks = flat_refs([table.row_refs[0]])
    assert {refs[m].url for m in marks if refs[m].url} == set(mine["url"])
    assert any(LABEL in refs[m].text for m in marks)
    assert table.caption is not None and table.caption.text == t("o_caveat", lang)


def test_national_observed_table_cites_the_register_once(analysis, register):
    national = analysis.results["national"]
    counts = observed_counts(register, national)
    matched = register[register["commune_code"].notna()]
    assert set(counts["province_name"]) == set(matched["province_name_2025"]) - {
        p for p, part in matched.groupby("province_name_2025") if set(part["status"]) == {"covered"}}
    assert counts["modeled_no_signal"].sum() == pytest.approx(
        national.loc[national["province_code"].isin(counts.index), "villages_no_signal"].sum())
    tq = counts.set_index("province_name").loc["Tuyên Quang"]
    assert tq["reported_no_signal"] == len(_reported(register, set(national.index[national["province_code"] == "08"]),
                                                      ("no_signal", "weak_signal")))
    a = type("A", (), {})()
    a.communes, a.gaps, a.inequality, a.province, a.modeled, a.seed = national, None, None, None, True, 1
    c = brief.brief_content(a, observed=register)
    (table,) = tables(section(c, "observed"))
    pages = matched.loc[matched["status"] != "covered", "url"].nunique()
    assert pages > MAX_PAGE_REFS
    register_refs = [r for r in c.references if "data/observed/reported_villages.csv" in r.text]
    assert len(register_refs) == 1 and f"({number(pages)} public pages" in register_refs[0].text
    assert all(register_refs[0].number in flat_refs([r]) for r in table.row_refs)


def test_a_province_without_reports_says_so(register):
    communes = divide.load_communes("Hà Nội")
    quiet = register[register["province_name_2025"] != "Hà Nội"]
    a = type("A", (), {})()
    a.communes, a.gaps, a.inequality, a.province, a.modeled, a.seed = communes, None, None, "01", False, 1
    a.indicators_source = "mine.csv"
    s = section(brief.brief_content(a, observed=quiet), "observed")
    assert not tables(s) and "Hà Nội" in s.blocks[0].text


# --------------------------------------------------------------------------------------------------------------
# Every number cited, in every format and both languages
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_number_of_the_new_sections_is_cited(lang, analysis, plan, progress, register):
    c = content(analysis, plan, progress, register, lang)
    md = brief.brief_markdown(c)
    assert uncited_md_lines(md) == []
    for key in TITLES:
        part = md_section(md, t(TITLES[key], lang))
        assert re.search(r"\d", part) and _MARK.search(part)
    page = brief.brief_html(c)
    ids = set(re.findall(r'id="(ref-\d+)"', page))
    for m in re.findall(r'href="#(ref-\d+)"', page):
        assert m in ids
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", page))
    assert t("s_plan", lang) in text and t("o_caveat", lang) in text


def test_the_citation_check_of_this_file_bites():
    assert uncited_md_lines("# T\n\nThere are 5 villages.\n\n## References\n\n1. x\n") == ["There are 5 villages."]
    assert uncited_md_lines("# T\n\n5 villages [2].\n\n## References\n\n1. x\n") == ["5 villages [2]."]


def test_word_and_pdf_hold_the_new_sections(analysis, plan, progress, register, tmp_path):
    written = brief.write_brief(analysis, tmp_path, lang="vi", formats=("md", "docx", "pdf"), plan=plan,
                                progress=progress, observed=register)
    names = {p.name for p in written}
    assert {"brief.md", "brief.docx", "brief.pdf", "budget_curve.png"} == names
    d = docx.Document(str(tmp_path / "brief.docx"))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    for key in TITLES.values():
        assert t(key, "vi") in headings
    cells = [c.text for tb in d.tables for row in tb.rows for c in row.cells]
    assert format_amount(plan.budget, plan.currency, "vi") in cells
    assert "Lai Châu" in cells
    pdf = "".join("".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "brief.pdf").pages).split())
    for key in TITLES.values():
        assert "".join(t(key, "vi").split()) in pdf
    assert "".join(t("o_caveat", "vi").split()) in pdf
