"""The brief as Markdown (:func:`brief_markdown`): every line that states a number carries its ``[n]``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from divide.present.brief.blocks import FIGURE_COLUMNS, BriefContent, Image, Paragraph, Section, Table, grouped, marks
from divide.present.brief.content import brief_content
from divide.present.brief.labels import Lang, t

__all__ = ["IMAGE_TYPES", "brief_markdown"]

#: Suffixes of the map files shown as images (and embedded in the HTML), with their MIME types.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def _md(text: str) -> str:
    """Escape text for Markdown: markup characters, and ``<``/``>``/``&`` as entities (no raw HTML)."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_inline(text: str) -> str:
    """Escape fixed text that may use *emphasis* and `code` on purpose (only HTML is neutralised)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_blocks(blocks: Iterable[Any], level: int, lang: Lang, out: list[str]) -> None:
    for b in grouped(blocks):
        if isinstance(b, list):  # a run of figures: one table
            cols = [t(k, lang) for k in FIGURE_COLUMNS]
            out.append("| " + " | ".join(cols) + " |")
            out.append("|" + "---|" * len(cols))
            for f in b:
                source = f"{_md(f.source)} {marks([f.ref])}".strip()
                out.append(f"| {_md(f.label)} | {_md(f.value)} | {_md(f.date)} | {_md(f.status)} | {source} |")
            out.append("")
        elif isinstance(b, Section):
            out += [f"{'#' * level} {_md(b.title)}", ""]
            _md_blocks(b.blocks, level + 1, lang, out)
        elif isinstance(b, Paragraph):
            out += [_md_paragraph(b), ""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_md(c) for c in b.columns) + " |")
            out.append("|" + "---|" * len(b.columns))
            for row, ref in zip(b.rows, b.row_refs):
                cells = [_md(v) for v in row]
                cells[-1] = f"{cells[-1]} {marks([ref])}".strip()
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
            if b.caption:
                out += [_md_paragraph(b.caption), ""]
        elif isinstance(b, Image):
            target = b.path.as_posix().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            bang = "!" if b.path.suffix.lower() in IMAGE_TYPES else ""
            out += [f"{bang}[{_md(b.alt)}]({target})", "", _md_paragraph(b.caption, prefix=f"{_md(b.alt)}. "), ""]


def _md_paragraph(p: Paragraph, prefix: str = "") -> str:
    body = _md_inline(p.text)
    cited = marks(p.refs)
    text = f"{prefix}{body}" + (f" {cited}" if cited else "") + ("." if p.refs else "")
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
        A :class:`divide.analysis.pipeline.Analysis` (or an object with its attributes), or a
        :class:`~divide.present.brief.blocks.BriefContent` already built (with the optional sections of
        :func:`~divide.present.brief.content.brief_content`); ``lang``, ``maps`` and ``top`` are then ignored.
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
    content = analysis if isinstance(analysis, BriefContent) else brief_content(analysis, lang=lang, maps=maps,
                                                                                 top=top)
    lang = content.lang
    out = [f"# {_md(content.title)}", ""]
    for p in content.intro:
        out += [_md_paragraph(p), ""]
    _md_blocks(content.sections, 2, lang, out)
    out += [f"## {_md(t('s_refs', lang))}", ""]
    for r in content.references:
        url = f" <{r.url}>" if r.url else ""
        out.append(f"{r.number}. {_md(r.text)}{url}")
    out += ["", f"*{_md(content.colophon)}*", ""]
    return "\n".join(out)
