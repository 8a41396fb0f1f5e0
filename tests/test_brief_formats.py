"""The brief in Word and PDF: the same figures, tables, maps and references as the Markdown, offline and reproducible."""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import shutil
import socket
from pathlib import Path

import docx  # python-docx: a dependency of divide
import pypdf  # a test dependency (reads the PDF's text, fonts and images back)
import pytest

import divide
from divide.cli import app
from divide.present import brief
from divide.provenance import FIXED_DATE, LABEL

LAI_CHAU = "12"
USER_FILE = "chi_tieu_lai_chau_2024.csv"


# --------------------------------------------------------------------------------------------------------------
# One real analysis per data source, computed once; the command line runs on them
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysis():
    """The real pipeline on the shipped modeled dataset, Lai Châu kept."""
    return divide.analyse(province="Lai Châu", uncertainty_reps=50)


@pytest.fixture(scope="module")
def user_file(tmp_path_factory):
    from divide import datasets

    path = tmp_path_factory.mktemp("user") / USER_FILE
    shutil.copyfile(datasets.path("indicators_hanoi_laichau.csv"), path)
    return path


@pytest.fixture(scope="module")
def user_analysis(user_file):
    return divide.analyse(user_file, province="Lai Châu", uncertainty_reps=20)


@pytest.fixture(scope="module")
def run_cli(analysis, user_analysis, user_file):
    """``divide brief ...`` through :func:`divide.cli.app.main`, the pipeline step returning the analyses above."""
    import divide.cli.brief as cli_brief

    calls = []

    def analyse(indicators=None, province=None, progress=None, **_):
        calls.append((indicators, province))
        assert province == "Lai Châu"
        if indicators is None:
            return analysis
        assert Path(indicators) == user_file
        return user_analysis

    def run(*argv):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(cli_brief, "_analyse", lambda: analyse)
            return app.main(["-q", "brief", "--province", "Lai Châu", *map(str, argv)])

    run.calls = calls
    return run


@pytest.fixture(scope="module")
def cli_both(run_cli, tmp_path_factory):
    """Markdown, Word and PDF in both languages, from the modeled data."""
    out = tmp_path_factory.mktemp("both")
    assert run_cli("--format", "docx", "pdf", "md", "--lang", "both", "--out", out) == 0
    assert run_cli.calls[-1] == (None, "Lai Châu")
    return out


@pytest.fixture(scope="module")
def cli_user(run_cli, tmp_path_factory, user_file):
    """Markdown, Word and PDF from a user's own file."""
    out = tmp_path_factory.mktemp("mine")
    assert run_cli("--indicators", user_file, "--format", "md", "docx", "pdf", "--out", out) == 0
    assert run_cli.calls[-1] == (user_file, "Lai Châu")
    return out


# --------------------------------------------------------------------------------------------------------------
# Reading the files back
# --------------------------------------------------------------------------------------------------------------


def _unmd(cell: str) -> str:
    """A Markdown cell as text: backslash escapes and entities undone."""
    return htmllib.unescape(re.sub(r"\\(.)", r"\1", cell.strip()))


def md_tables(md: str) -> list[list[list[str]]]:
    """Every table of the Markdown, as rows of cells (the ``|---|`` line dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in md.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            if not re.fullmatch(r"\|(---\|)+", line):
                cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
                current.append([_unmd(c) for c in cells])
        else:
            current = None
    return tables


def md_headings(md: str) -> list[tuple[int, str]]:
    """``(level, title)`` of the ``##``… headings (the ``#`` title left out)."""
    return [(len(m[1]) - 1, _unmd(m[2])) for m in re.finditer(r"^(#{2,}) (.+)$", md, flags=re.M)]


def md_refs(md: str) -> list[str]:
    """The references list of the Markdown: the entries' texts (without the web address)."""
    part = md.split("\n## References\n" if "\n## References\n" in md else "\n## Tài liệu tham khảo\n")[1]
    return [_unmd(re.sub(r" <[^>]+>$", "", m[1])) for m in re.finditer(r"^\d+\. (.+)$", part, flags=re.M)]


def docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def squeeze(text: str) -> str:
    """Text without any whitespace: the PDF's line breaks (even inside "593/TB-VPCP") do not matter."""
    return "".join(text.split())


def ref_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


# --------------------------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------------------------


def test_word_brief_holds_the_markdown_tables_headings_and_references(cli_both):
    for lang in ("en", "vi"):
        md = (cli_both / f"brief_{lang}.md").read_text(encoding="utf-8")
        doc = docx.Document(str(cli_both / f"brief_{lang}.docx"))
        # the same tables, cell for cell, each with a header row (bold, repeated on every page)
        tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
        assert tables == md_tables(md)
        assert len(tables) == 4  # national facts, computed figures, the gap table, tier-1 communes
        for t in doc.tables:
            assert all(r.bold for c in t.rows[0].cells for r in c.paragraphs[0].runs)
            assert t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
        # real headings, at the Markdown's levels
        headings = [(int(p.style.name.split()[-1]), p.text) for p in doc.paragraphs
                    if p.style.name.startswith("Heading")]
        assert headings == [*md_headings(md)]
        assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == md.splitlines()[0][2:]
        # the references: every entry "[n] text", and every marker in the text resolves to one
        refs = md_refs(md)
        entries = [p.text for p in doc.paragraphs if re.match(r"\[\d+\] ", p.text)]
        assert len(entries) == len(refs) > 5
        for i, (ref, entry) in enumerate(zip(refs, entries), 1):
            assert entry.startswith(f"[{i}] {ref}")
        assert ref_numbers(docx_text(doc)) == set(range(1, len(refs) + 1)) == ref_numbers(md)
        assert any("16/TB-VPCP" in e for e in entries)
        # the modeled caption, in the text and in the source cells
        md_lines = [line for line in md.splitlines() if LABEL in line and not line.startswith("|")]
        doc_lines = [p.text for p in doc.paragraphs if LABEL in p.text]
        assert len(doc_lines) == len(md_lines) >= 4  # intro, key figures, gap table, each map, tier-1 table
        for t in doc.tables[2:]:  # the gap table and the tier-1 communes: every row's source is the modeled data
            assert all(LABEL in row.cells[-1].text for row in t.rows[1:])
        label_runs = [r for p in doc.paragraphs for r in p.runs if r.text == LABEL]
        assert len(label_runs) >= len(doc_lines) and all(r.bold for r in label_runs)  # highlighted, as in the HTML


def test_word_brief_embeds_the_maps_and_fixes_its_properties(cli_both):
    doc = docx.Document(str(cli_both / "brief_en.docx"))
    maps = {(cli_both / n).read_bytes() for n in ("priority_map_national.png", f"priority_map_{LAI_CHAU}.png")}
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    blobs = {doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob for s in shapes}
    assert blobs == maps
    for s in shapes:  # inside the A4 text area (17 cm wide), not stretched
        assert 0 < s.width.cm <= 16.01 and 0 < s.height.cm <= 21.01
    props = doc.core_properties
    assert (props.author, props.title) == ("divide", doc.paragraphs[0].text)
    stamp = FIXED_DATE.replace("Z", "+00:00")
    assert props.created.isoformat() == props.modified.isoformat() == stamp
    tier1 = md_tables((cli_both / "brief_en.md").read_text(encoding="utf-8"))[-1]
    assert tier1[0][1] == "Commune" and len(tier1) > 5
    assert [row.cells[1].text for row in doc.tables[-1].rows[1:]] == [r[1] for r in tier1[1:]]


def test_word_brief_in_vietnamese_keeps_its_diacritics(cli_both):
    from divide.present.brief.labels import t

    text = docx_text(docx.Document(str(cli_both / "brief_vi.docx")))
    assert "Dữ liệu mô phỏng / modeled data" in text
    for key in ("s_refs", "s_gap", "s_tier1", "s_maps"):
        assert t(key, "vi") in text
    assert "Thông báo 16/TB-VPCP" in text


# --------------------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_pdf_states_the_markdown_figures_and_references(cli_both, lang):
    md = (cli_both / f"brief_{lang}.md").read_text(encoding="utf-8")
    text = pdf_text(cli_both / f"brief_{lang}.pdf")
    flat = squeeze(text)
    # every cell of every table of the Markdown (the key figures, the gap table, the tier-1 communes)
    cells = [c for t in md_tables(md) for row in t for c in row]
    assert len(cells) > 200
    missing = [c for c in cells if squeeze(c) not in flat]
    assert missing == []
    # the same reference markers, and every reference entry
    assert ref_numbers(text) == ref_numbers(md)
    for entry in md_refs(md):
        assert squeeze(entry) in flat, entry
    assert "16/TB-VPCP" in flat and squeeze(LABEL) in flat
    if lang == "vi":  # diacritics survive as text, not as boxes or decomposed glyphs
        assert "Dữ liệu mô phỏng" in text and "Tài liệu tham khảo" in text
        assert "Bản tóm tắt chính sách" in text


def test_pdf_embeds_its_fonts_and_maps_and_numbers_its_pages(cli_both):
    from PIL import Image

    reader = pypdf.PdfReader(cli_both / "brief_vi.pdf")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor.get_object()
    assert fonts and all(fonts.values()), fonts
    # the @font-face files (matplotlib's DejaVu Sans), not whatever the machine has: the family is divide's own
    assert all(re.fullmatch(r"/[A-Z]{6}\+Divide-DejaVu-Sans(-Bold)?(-Italic)?", name) for name in fonts), fonts
    sizes = {Image.open(cli_both / n).size for n in ("priority_map_national.png", f"priority_map_{LAI_CHAU}.png")}
    embedded = {img.image.size for page in reader.pages for img in page.images}
    assert sizes <= embedded
    n = len(reader.pages)
    assert n >= 3
    assert [page.extract_text().rstrip().splitlines()[-1] for page in reader.pages] == [
        f"{i} / {n}" for i in range(1, n + 1)]
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4
    meta = reader.metadata
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20250701000000Z"
    assert meta["/Author"] == "divide" and meta["/Title"].startswith("Bản tóm tắt chính sách")


def test_the_same_inputs_give_the_same_bytes(analysis, tmp_path):
    from divide.atlas import brief_maps

    maps = brief_maps(analysis, tmp_path, "en")
    first = brief.write_brief(analysis, tmp_path, maps=maps, formats=("docx", "pdf"))
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in first]
    again = brief.write_brief(analysis, tmp_path, maps=maps, formats=("docx", "pdf"))
    assert [p.name for p in again] == ["brief.docx", "brief.pdf"]
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in again] == digests
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_pdf_fetches_nothing_from_the_network(tmp_path, monkeypatch, caplog):
    connects = []

    def refuse(*args, **kwargs):
        connects.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    page = ('<!DOCTYPE html><html lang="vi"><head><title>t</title>'
            '<link rel="stylesheet" href="https://example.org/a.css"></head>'
            '<body><p>Xã Sìn Hồ</p><img src="http://example.org/map.png"></body></html>')
    from divide.present.brief.pdf import html_to_pdf

    out = html_to_pdf(page, tmp_path / "a.pdf")
    assert connects == []
    assert "Sìn Hồ" in pdf_text(out)
    assert "disallowed protocol" in caplog.text


# --------------------------------------------------------------------------------------------------------------
# A user's own data: no modeled caption anywhere
# --------------------------------------------------------------------------------------------------------------


def test_user_data_gives_no_modeled_caption(cli_user):
    md = (cli_user / "brief.md").read_text(encoding="utf-8")
    assert LABEL not in md
    doc_text = docx_text(docx.Document(str(cli_user / "brief.docx")))
    text = pdf_text(cli_user / "brief.pdf")
    for body in (doc_text, squeeze(text)):
        assert squeeze(LABEL) not in squeeze(body) and "mô phỏng" not in body
        assert squeeze(USER_FILE) in squeeze(body)
    assert md_tables(md) == [[[c.text for c in r.cells] for r in t.rows]
                             for t in docx.Document(str(cli_user / "brief.docx")).tables]


# --------------------------------------------------------------------------------------------------------------
# Refusals: an unknown format writes nothing
# --------------------------------------------------------------------------------------------------------------


def test_unknown_format_exits_2_and_writes_nothing(run_cli, tmp_path, capsys):
    out = tmp_path / "briefs"
    calls = len(run_cli.calls)
    with pytest.raises(SystemExit) as info:
        run_cli("--format", "docx", "odt", "--out", out)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--format" in err and "invalid choice: 'odt'" in err and "docx" in err and "pdf" in err
    assert not out.exists() and len(run_cli.calls) == calls


def test_write_brief_refuses_an_unknown_format_before_writing(analysis, tmp_path):
    with pytest.raises(divide.InputError, match="unknown brief format 'odt'"):
        brief.write_brief(analysis, tmp_path / "b", formats=("md", "odt"))
    assert not (tmp_path / "b").exists()
