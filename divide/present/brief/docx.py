"""The brief as a Word document (:func:`brief_docx`): real headings, tables, embedded maps, numbered references.

The document draws the same :class:`~divide.present.brief.blocks.BriefContent`
as the Markdown and the HTML: the key figures as tables whose source cell
carries the reference marker ``[n]``, the gap table and the tier-1 communes as
Word tables with a repeated header row, the maps as inline pictures, and a
*References* section listing every ``[n]``. The modeled caption (and the
modeled label in source cells) is written in bold dark orange, as in the HTML.

The core properties (title, author ``divide``, language) are set and the dates
are fixed (:data:`divide.provenance.FIXED_DATE`,
:func:`divide.provenance.normalise_office_file`): the same inputs give the same
bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from divide.present.brief.blocks import FIGURE_COLUMNS, BriefContent, Image, Paragraph, Section, Table, grouped, marks
from divide.present.brief.content import brief_content
from divide.present.brief.labels import Lang, t
from divide.provenance import FIXED_DATE, LABEL, normalise_office_file

__all__ = ["DOCX_IMAGE_TYPES", "brief_docx"]

#: Suffixes of the map files Word can embed as pictures (others are named, with their path).
DOCX_IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"})

_LABEL_RGB = (0x8A, 0x3B, 0x00)  # the colour of the modeled label in the HTML brief
_MARKUP = re.compile(r"(\*[^*]+\*|`[^`]+`)")
_NUMERIC = re.compile(r"[+\-−]?[\d.,]+( %)?|—|[\d.,]+–[\d.,]+")
_PAGE_CM = (21.0, 29.7, 2.0)  # A4 width, height and margins
_MAX_IMAGE_CM = (16.0, 21.0)  # the largest picture: text width, and most of the text height


def _add_runs(par: Any, text: str, *, markup: bool = False, italic: bool = False) -> None:
    """Add ``text`` to a Word paragraph: the modeled label highlighted, *emphasis*/`code` if ``markup``."""
    from docx.shared import RGBColor

    for i, piece in enumerate(str(text).split(LABEL)):
        if i:
            run = par.add_run(LABEL)
            run.bold = True
            run.italic = italic
            run.font.color.rgb = RGBColor(*_LABEL_RGB)
        parts = _MARKUP.split(piece) if markup else [piece]
        for part in parts:
            if not part:
                continue
            if markup and part.startswith("*") and part.endswith("*") and len(part) > 2:
                par.add_run(part[1:-1]).italic = True
            elif markup and part.startswith("`") and part.endswith("`") and len(part) > 2:
                run = par.add_run(part[1:-1])
                run.font.name = "DejaVu Sans Mono"
                run.italic = italic
            else:
                par.add_run(part).italic = italic


def _paragraph(doc: Any, p: Paragraph, prefix: str = "") -> Any:
    """A paragraph of the brief, ending with its markers ``[n].`` as in the Markdown."""
    par = doc.add_paragraph()
    if prefix:
        par.add_run(prefix).italic = p.caption
    _add_runs(par, p.text, markup=not p.caption, italic=p.caption)
    cited = marks(p.refs)
    if cited:
        par.add_run(f" {cited}.").italic = p.caption
    return par


def _header_row(table: Any, columns: list[str]) -> None:
    """Fill the first row with bold column names and mark it as repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    row = table.rows[0]
    for cell, name in zip(row.cells, columns):
        cell.paragraphs[0].add_run(str(name)).bold = True
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _table(doc: Any, columns: list[str], rows: list[list[str]], refs: list[int | None]) -> Any:
    """A Word table with a header row; the last cell of each row is the source, followed by its ``[n]``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    _header_row(table, columns)
    for row, ref, cells in zip(rows, refs, table.rows[1:]):
        for i, (value, cell) in enumerate(zip(row, cells.cells)):
            par = cell.paragraphs[0]
            last = i == len(row) - 1
            _add_runs(par, value)
            if last and marks([ref]):
                par.add_run(f" {marks([ref])}")
            elif not last and _NUMERIC.fullmatch(str(value)):
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _image(doc: Any, img: Image, base: Path | None, lang: Lang) -> None:
    """A map as an inline picture at the text width (smaller if tall), or its name and path."""
    from docx.image import exceptions
    from docx.shared import Cm

    unreadable = (exceptions.UnrecognizedImageError, exceptions.UnexpectedEndOfFileError,
                  exceptions.InvalidImageStreamError, ValueError, OSError, ZeroDivisionError)
    path = img.path if img.path.is_absolute() or base is None else base / img.path
    par = doc.add_paragraph()
    placed = False
    if img.path.suffix.lower() in DOCX_IMAGE_TYPES and path.is_file():
        try:
            pic = par.add_run().add_picture(str(path), width=Cm(_MAX_IMAGE_CM[0]))
        except unreadable:  # not a readable image: named with its path, as a missing one is
            pass
        else:
            placed = True
            tallest = Cm(_MAX_IMAGE_CM[1])
            if pic.height > tallest:  # a tall map (the whole country) is fitted to the page height
                pic.width, pic.height = int(pic.width * tallest / pic.height), tallest
    if not placed:
        par.add_run(img.alt).bold = True
        par.add_run(f" ({img.path.as_posix()})")
        if not path.is_file():
            par.add_run(" " + t("map_missing", lang, path=img.path.as_posix()))
    _paragraph(doc, img.caption, prefix=f"{img.alt}. ")


def _blocks(doc: Any, blocks: Iterable[Any], level: int, lang: Lang, base: Path | None) -> None:
    for b in grouped(blocks):
        if isinstance(b, list):  # a run of figures: one table
            rows = [[f.label, f.value, f.date, f.status, f.source] for f in b]
            _table(doc, [t(k, lang) for k in FIGURE_COLUMNS], rows, [f.ref for f in b])
            doc.add_paragraph()
        elif isinstance(b, Section):
            doc.add_heading(b.title, level=min(level, 9))
            _blocks(doc, b.blocks, level + 1, lang, base)
        elif isinstance(b, Paragraph):
            _paragraph(doc, b)
        elif isinstance(b, Table):
            _table(doc, b.columns, b.rows, b.row_refs)
            if b.caption:
                _paragraph(doc, b.caption)
            else:
                doc.add_paragraph()
        elif isinstance(b, Image):
            _image(doc, b, base, lang)


def _hyperlink(par: Any, url: str) -> None:
    """An external link (a web address of a reference) as a Word hyperlink."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_id = par.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.extend([style, colour, underline])
    text = OxmlElement("w:t")
    text.text = url
    run.extend([props, text])
    link.append(run)
    par._p.append(link)


def _document(content: BriefContent, base: Path | None) -> Any:
    import docx
    from docx.shared import Cm, Pt

    doc = docx.Document()
    width, height, margin = _PAGE_CM
    for section in doc.sections:
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(margin)
    doc.styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    stamp = datetime.fromisoformat(FIXED_DATE.replace("Z", "+00:00")).replace(tzinfo=None)
    props.title, props.author, props.last_modified_by = content.title, "divide", "divide"
    props.language, props.subject = content.lang, t("s_gap", content.lang)
    props.created = props.modified = props.last_printed = stamp
    props.revision, props.comments, props.keywords = 1, "", "divide"
    doc.add_heading(content.title, level=0)
    for p in content.intro:
        _paragraph(doc, p)
    _blocks(doc, content.sections, 1, content.lang, base)
    doc.add_heading(t("s_refs", content.lang), level=1)
    for r in content.references:
        par = doc.add_paragraph()
        par.add_run(f"[{r.number}] ")
        _add_runs(par, r.text)
        if r.url:
            par.add_run(" ")
            _hyperlink(par, r.url)
    _paragraph(doc, Paragraph(content.colophon, caption=True))
    return doc


def brief_docx(
    brief: Any,
    path: str | Path,
    *,
    lang: Lang = "en",
    maps: Mapping[str, str | Path] | None = None,
    top: int = 20,
    base: str | Path | None = None,
) -> Path:
    """Write the brief as a Word document (``.docx``).

    Parameters
    ----------
    brief
        A :class:`~divide.present.brief.blocks.BriefContent` (from
        :func:`~divide.present.brief.content.brief_content`), or an analysis
        (as :func:`~divide.present.brief.markdown.brief_markdown` takes), whose
        content is built here with ``lang``, ``maps`` and ``top``.
    path
        The ``.docx`` file to write (replaced if present).
    lang, maps, top
        As :func:`~divide.present.brief.markdown.brief_markdown`; ignored when
        ``brief`` is already a content.
    base
        Folder that relative map paths are read from (default: the current folder).

    Returns
    -------
    pathlib.Path
        ``path``. Two writes of the same content are byte-identical.

    Examples
    --------
    >>> import types, tempfile, pathlib, docx, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> a = types.SimpleNamespace(communes=c, gaps=None, inequality=None, province=None,
    ...                           modeled=False, indicators_source="mine.csv", seed=1)
    >>> out = brief_docx(a, pathlib.Path(tempfile.mkdtemp()) / "brief.docx", lang="vi")
    >>> d = docx.Document(str(out))
    >>> d.core_properties.author, d.paragraphs[0].style.name
    ('divide', 'Title')
    >>> any("16/TB-VPCP" in p.text for p in d.paragraphs)
    True
    """
    content = brief if isinstance(brief, BriefContent) else brief_content(brief, lang=lang, maps=maps, top=top)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _document(content, None if base is None else Path(base)).save(str(path))
    return normalise_office_file(path)
