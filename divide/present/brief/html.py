"""The brief as one self-contained HTML page (:func:`brief_html`): map images embedded, every name escaped."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from divide._version import __version__
from divide.present.brief import blocks as brief_blocks
from divide.present.brief.blocks import FIGURE_COLUMNS, BriefContent, Image, Paragraph, Section, Table, grouped
from divide.present.brief.content import brief_content
from divide.present.brief.labels import Lang, t
from divide.present.brief.markdown import IMAGE_TYPES
from divide.provenance import LABEL

__all__ = ["brief_html"]

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


def _h_marks(refs: Iterable[Any]) -> str:
    return " ".join(f'<a class="ref" href="#ref-{r}">[{r}]</a>' for r in brief_blocks.flat_refs(refs))


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
    mime = IMAGE_TYPES.get(img.path.suffix.lower())
    caption = _h_paragraph(img.caption, prefix=_h(img.alt) + ". ")
    caption = caption.removeprefix('<p class="caption">').removesuffix("</p>")
    if mime and path.is_file():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        body = f'<img src="data:{mime};base64,{data}" alt="{_h(img.alt)}">'
    else:
        note = "" if path.is_file() else " " + _h(t("map_missing", lang, path=img.path.as_posix()))
        body = f'<a href="{_h(img.path.as_posix())}">{_h(img.alt)}</a>{note}'
    return f'<figure>{body}<figcaption class="caption">{caption}</figcaption></figure>'


def _html_blocks(blocks: Iterable[Any], level: int, lang: Lang, base: Path | None, out: list[str]) -> None:
    for b in grouped(blocks):
        if isinstance(b, list):  # a run of figures: one table
            cols = [t(k, lang) for k in FIGURE_COLUMNS]
            out.append("<table><thead><tr>" + "".join(f"<th>{_h(c)}</th>" for c in cols) + "</tr></thead><tbody>")
            for f in b:
                out.append(f"<tr><td>{_h(f.label)}</td><td>{_h(f.value)}</td><td>{_h(f.date)}</td>"
                           f"<td>{_h(f.status)}</td><td>{_h_label(f.source)} {_h_marks([f.ref])}</td></tr>")
            out.append("</tbody></table>")
        elif isinstance(b, Section):
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
        As :func:`brief_markdown` (``analysis`` may be a content already built).
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
    content = analysis if isinstance(analysis, BriefContent) else brief_content(analysis, lang=lang, maps=maps,
                                                                                 top=top)
    lang = content.lang
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
    out.append(f"<h2>{_h(t('s_refs', lang))}</h2>")
    out.append('<ol class="refs">')
    for r in content.references:
        url = f' <a href="{_h(r.url)}">{_h(r.url)}</a>' if r.url else ""
        out.append(f'<li id="ref-{r.number}">{_h_label(r.text)}{url}</li>')
    out.append("</ol>")
    out.append(f'<p class="caption">{_h(content.colophon)}</p>')
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
