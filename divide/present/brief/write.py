"""Writing the brief to files (:func:`write_brief`): Markdown, HTML, Word and PDF, one or both languages, atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from divide._errors import InputError
from divide.present.brief.content import brief_content
from divide.present.brief.docx import brief_docx
from divide.present.brief.html import brief_html
from divide.present.brief.labels import LANGS, Lang
from divide.present.brief.markdown import brief_markdown
from divide.present.brief.pdf import html_to_pdf
from divide.provenance import atomic_path

__all__ = ["FORMATS", "ALL_FORMATS", "check_formats", "write_brief"]

#: The formats :func:`write_brief` writes by default.
FORMATS = ("md", "html")

#: Every format of :func:`write_brief`: Markdown, HTML, Word (python-docx) and PDF (WeasyPrint).
ALL_FORMATS = ("md", "html", "docx", "pdf")


def check_formats(formats: Sequence[str]) -> list[str]:
    """The formats asked, in order and once each; an unknown one is an :class:`~divide.InputError`.

    Parameters
    ----------
    formats
        Names among :data:`ALL_FORMATS`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> check_formats(["pdf", "md", "pdf"])
    ['pdf', 'md']
    >>> check_formats(["odt"])
    Traceback (most recent call last):
    ...
    divide._errors.InputError: unknown brief format 'odt'
      fix: use formats among md, html, docx, pdf
    """
    if isinstance(formats, str):
        formats = [formats]
    out = list(dict.fromkeys(formats))
    bad = [f for f in out if f not in ALL_FORMATS]
    if bad or not out:
        raise InputError(f"unknown brief format {', '.join(map(repr, bad)) or '(none)'}",
                         fix=f"use formats among {', '.join(ALL_FORMATS)}")
    return out


def _languages(lang: str | Sequence[str]) -> list[Lang]:
    if isinstance(lang, str):
        langs = list(LANGS) if lang == "both" else [lang]
    else:
        langs = list(dict.fromkeys(lang))
    bad = [x for x in langs if x not in LANGS]
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
    formats: Sequence[str] = FORMATS,
    top: int = 20,
    plan: Any = None,
    progress: Any = None,
    observed: Any = None,
) -> list[Path]:
    """Write the brief into ``out_dir``; return the files written.

    Files are ``brief.md``, ``brief.html``, ``brief.docx`` and ``brief.pdf``
    (those of ``formats``); when both languages are asked (``lang="both"`` or
    ``("en", "vi")``) each name carries the language: ``brief_en.md``,
    ``brief_vi.md``, ... Every file is written atomically
    (:class:`divide.provenance.atomic_path`): a failure leaves no half-written
    brief. Map paths are written relative to ``out_dir`` in the Markdown; the
    HTML, the Word document and the PDF embed the images. The formats are
    checked before anything is written.

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
        Any of ``"md"``, ``"html"``, ``"docx"`` and ``"pdf"`` (:data:`ALL_FORMATS`;
        default :data:`FORMATS`).
    top
        How many tier-1 communes (and plan interventions) to list.
    plan, progress, observed
        The optional sections of :func:`~divide.present.brief.content.brief_content`: a village plan
        (its budget curve is drawn beside the brief as ``budget_curve.png``, ``budget_curve_<lang>.png``
        for several languages, and listed among the files written), a progress result, the register of
        reported villages. Absent, the brief has no such section.

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
    formats = check_formats(formats)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_maps = _relative_maps(maps, out_dir)
    written: list[Path] = []
    for code in langs:
        suffix = f"_{code}" if len(langs) > 1 else ""
        figure = None
        if plan is not None:
            from divide.present.plan_outputs import plot_budget_curve

            with atomic_path(out_dir / f"budget_curve{suffix}.png") as tmp:
                plot_budget_curve(plan, tmp, code)
            figure = Path(f"budget_curve{suffix}.png")
            written.append(out_dir / figure)
        content = brief_content(analysis, lang=code, maps=md_maps, top=top, plan=plan, progress=progress,
                                observed=observed, plan_figure=figure)
        for fmt in formats:
            target = out_dir / f"brief{suffix}.{fmt}"
            if fmt == "pdf":
                html_to_pdf(brief_html(content, base=out_dir), target, base=out_dir)
            elif fmt == "docx":
                with atomic_path(target) as tmp:
                    brief_docx(content, tmp, base=out_dir)
            else:
                text = brief_markdown(content) if fmt == "md" else brief_html(content, base=out_dir)
                with atomic_path(target) as tmp:
                    tmp.write_text(text, encoding="utf-8")
            written.append(target)
    return written
