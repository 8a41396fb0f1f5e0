"""Writing the brief to files (:func:`write_brief`): Markdown and HTML, one or both languages, atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from divide._errors import InputError
from divide.present.brief.html import brief_html
from divide.present.brief.labels import LANGS, Lang
from divide.present.brief.markdown import brief_markdown
from divide.provenance import atomic_path

__all__ = ["FORMATS", "write_brief"]

#: The formats of :func:`write_brief`.
FORMATS = ("md", "html")


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
) -> list[Path]:
    """Write the brief into ``out_dir``; return the files written.

    Files are ``brief.md`` and ``brief.html``; when both languages are asked
    (``lang="both"`` or ``("en", "vi")``) each name carries the language:
    ``brief_en.md``, ``brief_vi.md``, ... Every file is written atomically
    (:class:`divide.provenance.atomic_path`): a failure leaves no half-written
    brief. Map paths are written relative to ``out_dir`` in the Markdown; the
    HTML embeds the images.

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
        Any of ``"md"`` and ``"html"``.
    top
        How many tier-1 communes to list.

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
    formats = list(dict.fromkeys(formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(f"unknown brief format {', '.join(map(repr, bad)) or '(none)'}",
                         fix="use formats among ('md', 'html')")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    md_maps = _relative_maps(maps, out_dir)
    written: list[Path] = []
    for code in langs:
        suffix = f"_{code}" if len(langs) > 1 else ""
        for fmt in formats:
            if fmt == "md":
                text = brief_markdown(analysis, lang=code, maps=md_maps, top=top)
            else:
                text = brief_html(analysis, lang=code, maps=md_maps, top=top, base=out_dir)
            target = out_dir / f"brief{suffix}.{fmt}"
            with atomic_path(target) as tmp:
                tmp.write_text(text, encoding="utf-8")
            written.append(target)
    return written
