"""The policy brief: key figures, the urban–rural gap, maps and tier-1 communes, every number cited.

One structured content (:func:`brief_content`) is rendered to Markdown
(:func:`brief_markdown`), to self-contained HTML (:func:`brief_html`) and to
Word (:func:`brief_docx`); the PDF (:func:`brief_pdf`) is the HTML printed on
A4 by WeasyPrint, with DejaVu Sans embedded. Every format says the same thing.
:func:`write_brief` writes them atomically.

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

The package: :mod:`~divide.present.brief.labels` (the fixed texts, from
``divide/present/texts.toml``), :mod:`~divide.present.brief.blocks` (what a
brief states), :mod:`~divide.present.brief.content` (building it from an
analysis), :mod:`~divide.present.brief.markdown`, :mod:`~divide.present.brief.html`,
:mod:`~divide.present.brief.docx`, :mod:`~divide.present.brief.pdf` and
:mod:`~divide.present.brief.write`.

Maps: the Markdown references the image files by path (relative to the output
folder in :func:`write_brief`); the HTML embeds PNG/JPEG/SVG images as base64
``data:`` URIs, so the one ``.html`` file can be mailed on its own; the Word
document and the PDF embed them too. A map file that is missing or not an
image is linked, with a note.

Examples
--------
>>> import divide
>>> a = divide.analyse(province="Lai Châu", uncertainty_reps=0)
>>> md = brief_markdown(a)
>>> md.splitlines()[0]
'# Policy brief: the urban–rural digital divide in Lai Châu'
>>> "Dữ liệu mô phỏng / modeled data" in md, "Thông báo 16/TB-VPCP" in md
(True, True)
"""

from divide.present.brief.blocks import BriefContent, Figure, Image, Paragraph, Reference, Section, Table
from divide.present.brief.content import brief_content
from divide.present.brief.docx import brief_docx
from divide.present.brief.html import brief_html
from divide.present.brief.labels import KEY_FACTS, STATUS_LABELS
from divide.present.brief.markdown import brief_markdown
from divide.present.brief.pdf import brief_pdf
from divide.present.brief.write import ALL_FORMATS, FORMATS, write_brief

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
    "brief_docx",
    "brief_pdf",
    "FORMATS",
    "ALL_FORMATS",
    "write_brief",
]
