"""The brief as PDF (:func:`brief_pdf`): the HTML brief printed by WeasyPrint, offline, fonts embedded.

The PDF is :func:`~divide.present.brief.html.brief_html` with a print
stylesheet (:data:`PRINT_CSS`: A4, margins, page numbers "n / N", table rows
kept whole, header rows repeated). The text is set in DejaVu Sans, which
covers every Vietnamese letter with its diacritics, loaded through
``@font-face`` from the copy matplotlib ships (so the PDF does not depend on
the fonts of the machine) and embedded (subset) in the file.

Nothing is fetched from the network: the URL fetcher allows only ``file:``
(the fonts) and ``data:`` (the embedded maps) URLs. The document dates are
fixed (:data:`divide.provenance.FIXED_DATE`), so the same inputs give the same
bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from divide.present.brief.html import brief_html
from divide.present.brief.labels import Lang
from divide.provenance import FIXED_DATE, atomic_path

__all__ = ["PRINT_CSS", "FONT_FAMILY", "brief_fonts", "html_to_pdf", "brief_pdf"]

#: The family name the print stylesheet gives the embedded fonts.
FONT_FAMILY = "Divide DejaVu Sans"

#: The print stylesheet added after the HTML brief's own (``{faces}`` and ``{family}`` are filled in).
PRINT_CSS = """
{faces}
@page {{ size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "{family}"; font-size: 8pt;
                    color: #555; }} }}
html, body, table, th, td, code, figcaption {{ font-family: "{family}"; }}
code {{ font-family: "{family} Mono", "{family}"; font-size: .92em; }}
body {{ max-width: none; margin: 0; padding: 0; font-size: 9.5pt; line-height: 1.35; }}
h1 {{ font-size: 17pt; margin: 0 0 .6em; }} h2 {{ font-size: 13pt; margin-top: 1.2em; break-after: avoid; }}
h3, h4 {{ font-size: 11pt; break-after: avoid; }}
table {{ width: 100%; font-size: 7.8pt; }} thead {{ display: table-header-group; }}
tr, figure, li {{ break-inside: avoid; }}
figure img {{ display: block; max-width: 100%; max-height: 200mm; margin: 0 auto; }}
a {{ color: #0645ad; }} ol.refs li {{ overflow-wrap: anywhere; }}
""".strip()

_FACES = {  # CSS (weight, style) -> matplotlib's file name
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}
_MONO = "DejaVuSansMono.ttf"


def _system_font(name: str) -> Path | None:
    """A font file found by fontconfig (``fc-match``), if the tool and the font are there."""
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(["fc-match", name, "--format=%{file}"], capture_output=True, text=True,
                               timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found and Path(found).is_file() and "dejavu" in found.lower() else None


def brief_fonts() -> dict[tuple[str, str], Path]:
    """The font files of the PDF: DejaVu Sans by (CSS weight, style), and ``("mono", "normal")``.

    matplotlib's own copy is used (always there, since matplotlib is a
    dependency); a face it lacks is looked up with ``fc-match``.

    A :class:`divide.DivideError` says so when no DejaVu Sans is found at all.

    Returns
    -------
    dict
        ``(weight, style) -> Path`` of a TrueType file.

    Examples
    --------
    >>> fonts = brief_fonts()
    >>> fonts["normal", "normal"].name, fonts["normal", "normal"].is_file()
    ('DejaVuSans.ttf', True)
    """
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    wanted = {**_FACES, ("mono", "normal"): _MONO}
    out: dict[tuple[str, str], Path] = {}
    for key, name in wanted.items():
        path = folder / name
        if not path.is_file():
            weight, style = key
            query = "DejaVu Sans Mono" if weight == "mono" else "DejaVu Sans" + (
                ":bold" if weight == "bold" else "") + (":oblique" if style == "italic" else "")
            path = _system_font(query)  # type: ignore[assignment]
        if path is not None:
            out[key] = path
    if ("normal", "normal") not in out:
        from divide._errors import DivideError

        raise DivideError("no DejaVu Sans font for the PDF brief (matplotlib's copy is missing)",
                          fix="reinstall matplotlib, or install fonts-dejavu-core")
    return out


def _print_css() -> str:
    faces = []
    for (weight, style), path in brief_fonts().items():
        family = f"{FONT_FAMILY} Mono" if weight == "mono" else FONT_FAMILY
        weight = "normal" if weight == "mono" else weight
        faces.append(f'@font-face {{ font-family: "{family}"; src: url("{path.resolve().as_uri()}") '
                     f'format("truetype"); font-weight: {weight}; font-style: {style}; }}')
    return PRINT_CSS.format(faces="\n".join(faces), family=FONT_FAMILY)


def html_to_pdf(html: str, path: str | Path, *, base: str | Path | None = None) -> Path:
    """Print an HTML page to PDF with the print stylesheet, offline and reproducibly.

    Parameters
    ----------
    html
        A complete HTML document (as :func:`~divide.present.brief.html.brief_html` writes).
    path
        The ``.pdf`` file to write (atomically; replaced if present).
    base
        Folder that relative ``file`` URLs of the page are read from (default: the current folder).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    A web image is not fetched (WeasyPrint logs the refusal and prints the page without it):

    >>> import tempfile, pathlib
    >>> out = html_to_pdf('<html lang="vi"><title>t</title><p>Dữ liệu mô phỏng</p>'
    ...                   '<img src="https://example.org/x.png"></html>',
    ...                   pathlib.Path(tempfile.mkdtemp()) / "a.pdf")
    >>> out.read_bytes()[:5]
    b'%PDF-'
    """
    import weasyprint

    style = "<style>" + _print_css() + "</style>"
    page = html.replace("</head>", style + "\n</head>", 1) if "</head>" in html else style + html
    fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
    base_url = Path(base or os.getcwd()).resolve().as_uri() + "/"
    document = weasyprint.HTML(string=page, base_url=base_url, url_fetcher=fetcher).render()
    document.metadata.created = document.metadata.modified = FIXED_DATE
    document.metadata.authors = ["divide"]
    path = Path(path)
    with atomic_path(path) as tmp:
        document.write_pdf(tmp)
    return path


def brief_pdf(
    analysis: Any,
    path: str | Path,
    *,
    base: str | Path | None = None,
    lang: Lang = "en",
    maps: Mapping[str, str | Path] | None = None,
    top: int = 20,
) -> Path:
    """Write the brief as PDF: :func:`~divide.present.brief.html.brief_html` printed on A4.

    Parameters
    ----------
    analysis
        As :func:`~divide.present.brief.markdown.brief_markdown`.
    path
        The ``.pdf`` file to write.
    base
        Folder that relative map paths are read from (default: the current folder).
    lang, maps, top
        As :func:`~divide.present.brief.markdown.brief_markdown`.

    Returns
    -------
    pathlib.Path
        ``path``; the maps are embedded, the fonts too, and two writes of the
        same inputs are byte-identical.

    Examples
    --------
    >>> import types, tempfile, pathlib, divide
    >>> c = divide.load_communes("Lai Châu")
    >>> a = types.SimpleNamespace(communes=c, gaps=None, inequality=None, province=None,
    ...                           modeled=False, indicators_source="mine.csv", seed=1)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> one, two = (brief_pdf(a, folder / f"{n}.pdf", lang="vi").read_bytes() for n in ("one", "two"))
    >>> one[:5], one == two
    (b'%PDF-', True)
    """
    html = brief_html(analysis, lang=lang, maps=maps, top=top, base=base)
    return html_to_pdf(html, path, base=base)
