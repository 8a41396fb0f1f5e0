"""Build hooks of the documentation site (``mkdocs.yml``: ``hooks: [docs/hooks.py]``).

The site is built offline from the repository as it is, so that it never drifts from the code:

* ``api/<layer>.md`` are generated: one page per layer, a mkdocstrings directive for each module that
  defines public names (``divide._API``), listing those names.
* ``pygments.css`` is generated: the colours of the code blocks, highlighted at build time.
* ``cli.md`` is generated: the ``--help`` of ``divide`` and of every sub-command of
  :func:`divide.cli.app.build_parser`, formatted at a fixed width.
* ``notebooks/*.ipynb`` are added as pages (and to the nav's ``Notebooks`` section, which ``mkdocs.yml``
  leaves empty) from the repository's ``notebooks/`` folder (mkdocs-jupyter
  executes them there, in the notebooks folder, as ``notebooks/render.py`` and JupyterLab do).
* A page may include a file of the repository with a marker on a line of its own::

      <!-- include: data/README.md -->
      <!-- include: README.md before="## Command line" shift=1 optional -->

  ``before`` keeps the text up to the first line that starts with that string; ``shift`` demotes every
  heading; ``optional`` includes nothing (instead of failing the build) when the file does not exist.
  Relative links and images of the included text are rewritten for the page: to the page that includes
  the linked file whole, to a page or image of ``docs/``, or, for any other file of the repository, to its
  path as code (the site holds no copy of it).
* After the build every HTML page is checked: a ``<script src>``, ``<link href>``, ``<img src>`` or
  ``import()`` that would reach the network is stripped from the notebook pages (nbconvert's MathJax,
  Mermaid and widget loaders) and reported as a warning anywhere else, so ``--strict`` fails.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import time
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.divide")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_PAGE = "cli.md"
STARTED: dict[str, float] = {}  # notebook page -> when its execution started
HELP_COLUMNS = "100"  # argparse wraps help to $COLUMNS: fixed, so the page does not depend on the terminal

INCLUDE = re.compile(r"^<!--\s*include:\s*(?P<path>\S+)(?P<options>.*?)-->\s*$", re.MULTILINE)
OPTION = re.compile(r'(\w+)(?:=(?:"([^"]*)"|(\S+)))?')
LINK = re.compile(r'(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)(?P<title>\s+"[^"]*")?\)')
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
REMOTE = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script>"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>"""
    r"""|<img\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>""",
    re.IGNORECASE,
)
EMPTY_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']\s*["'][^>]*>\s*</script>""", re.IGNORECASE)
MODULE_SCRIPT = re.compile(r"""<script\b[^>]*type=["']module["'][^>]*>.*?</script>""", re.IGNORECASE | re.DOTALL)
REMOTE_IMPORT = re.compile(r"""import\(\s*["'](?:https?:)?//""")


# --------------------------------------------------------------------------- generated pages


def subcommand_parsers(parser):
    """The sub-command parsers of ``parser``, by name, in the order ``--help`` lists them.

    argparse has no public accessor for its sub-parsers; the sub-parsers action is the one action whose
    ``choices`` maps names to parsers.
    """
    for action in parser._actions:  # argparse's only way to reach its sub-parsers
        if isinstance(getattr(action, "choices", None), dict):
            return dict(action.choices)
    return {}


def subcommand_help(parser) -> dict[str, str]:
    """The one-line help of each sub-command, as ``divide --help`` lists it."""
    for action in parser._actions:  # as above; the listed help lives in the action's pseudo-actions
        if isinstance(getattr(action, "choices", None), dict):
            return {a.dest: a.help or "" for a in getattr(action, "_choices_actions", [])}
    return {}


def cli_markdown() -> str:
    """The command line reference: ``divide --help`` and ``divide <command> --help`` of every sub-command."""
    from divide.cli.app import build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_COLUMNS
    try:
        parser = build_parser()
        top = parser.format_help()
        commands = {name: sub.format_help() for name, sub in subcommand_parsers(parser).items()}
        short = subcommand_help(parser)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    lines = [
        "# Command line reference",
        "",
        "Generated at build time from `divide.cli.app.build_parser()`: each block below is exactly what "
        "`divide <command> --help` prints, so this page cannot drift from the program.",
        "",
        "Exit codes: 0 success, 1 the input was read but failed validation (a report says why), "
        "2 the input or the command could not be used. No traceback without `--debug`.",
        "",
        "| command | what it does |",
        "|---|---|",
        *(f"| [divide&nbsp;{name}](#divide-{name}) | {cell(short.get(name) or first_line(text))} |"
          for name, text in commands.items()),
        "",
        "## divide",
        "",
        "```text",
        top.rstrip(),
        "```",
        "",
    ]
    for name, text in commands.items():
        lines += [f"## divide {name}", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(lines)


def first_line(help_text: str) -> str:
    """The description of a sub-command (first paragraph after the usage), for the summary table."""
    paragraphs = [p.strip() for p in help_text.split("\n\n") if p.strip()]
    for p in paragraphs[1:]:
        if not p.startswith(("options:", "positional arguments:", "usage:")):
            return p
    return ""


def cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


# The API pages, one per layer: page, title, introduction. The modules and names come from the package's
# own map of its public API (``divide._API``: public name -> the module that defines it), so a new public
# name appears here without an edit; a module in a layer missing below fails the build.
API_PAGES = {
    "geography": ("Geography: communes, provinces, the crosswalk",
                  "The 2025 geography (34 provinces, 3,321 communes) and the official crosswalk that brings "
                  "pre-2025 data onto it."),
    "indicators": ("Indicators: schema, readers, validation, facts",
                   "The indicator schema (the columns every table uses), reading a user's table in any of the "
                   "supported formats, validating it, observed registers, and the national facts with their "
                   "citations."),
    "raw": ("Raw layers: points, coverage, speed, villages",
            "Raw layers (speed tests, sites, villages) turned into the schema's commune indicators; "
            '`engine="dask"` for data larger than memory.'),
    "modeled": ("Modeled data (Dữ liệu mô phỏng / modeled data)",
                "The demonstration dataset, built from real covariates and calibrated to cited national facts. "
                'Every table these functions return is marked modeled (`attrs["modeled"]`) and every figure '
                'made from it carries the label "Dữ liệu mô phỏng / modeled data".'),
    "analysis": ("Analysis: index, gaps, hot spots, types, regions, priority, planner",
                 "The divide index and its uncertainty, the urban–rural gaps and inequality, spatial patterns, "
                 "commune types, contiguous priority regions, the priority tiers and the village planner. The "
                 "methods are described in [Methods](../methods/index.md)."),
    "present": ("Presentation: maps, web map, exports, brief",
                "Maps (PNG, PDF, SVG), the self-contained interactive map, exports to GIS and spreadsheet "
                "formats, and the policy brief."),
    "atlas": ("The main job and the errors",
              "`divide.run_atlas` is what `divide atlas` runs. Every error `divide` raises derives from "
              "`divide.DivideError` and names the file, the row or column, and the fix."),
}


def api_markdown() -> dict[str, str]:
    """``api/<layer>.md`` -> its Markdown: one ``::: module`` directive per module, with its public names."""
    import divide

    by_layer: dict[str, dict[str, list[str]]] = {}
    for name, module in divide._API.items():  # the package's public-name map (see the comment above)
        by_layer.setdefault(module.split(".")[0], {}).setdefault(f"divide.{module}", []).append(name)
    unknown = sorted(set(by_layer) - set(API_PAGES))
    if unknown:
        log.warning("public names in layers with no API page (add them to API_PAGES in docs/hooks.py): %s", unknown)
    pages = {}
    for layer, (title, intro) in API_PAGES.items():
        lines = [f"# {title}", "", intro, "", "Every name below is also available from the top level: "
                 "`divide.<name>`.", ""]
        for module, names in by_layer.get(layer, {}).items():
            lines += [f"::: {module}", "    options:", "      members:", *(f"        - {n}" for n in names), ""]
        if layer == "atlas":  # the names divide/__init__.py defines itself: the errors
            lines += ["## Errors", ""]
            for name in divide.__all__:
                if name not in divide._API and name != "__version__":
                    lines += [f"::: divide.{name}", "    options:", "      heading_level: 3", ""]
        pages[f"api/{'doors' if layer == 'atlas' else layer}.md"] = "\n".join(lines)
    return pages


def notebook_paths() -> list[Path]:
    """The notebooks of the repository, in order."""
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files, config, **kwargs):
    """Add the generated command line page and the repository's notebooks to the site's files."""
    from pygments.formatters import HtmlFormatter

    files.append(File.generated(config, CLI_PAGE, content=cli_markdown()))
    for uri, text in api_markdown().items():
        files.append(File.generated(config, uri, content=text))
    # The colours of the code blocks Pygments highlights at build time (highlight.js, a CDN script, is off).
    files.append(File.generated(config, "pygments.css", content=HtmlFormatter(style="default").get_style_defs(".highlight")))
    for path in notebook_paths():
        # A plain File rooted at the repository (not File.generated): mkdocs-jupyter's wrapper reads the
        # notebook through ``src_dir``, which a generated file does not have.
        files.append(File(f"notebooks/{path.name}", src_dir=str(ROOT), dest_dir=config["site_dir"],
                          use_directory_urls=config["use_directory_urls"]))
    config["divide_whole_includes"] = whole_includes(files)
    return files


def notebook_title(path: Path) -> str:
    """The first heading of a notebook's first markdown cell (``# Quickstart: …`` -> ``Quickstart: …``)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem.replace("_", " ")


def on_config(config, **kwargs):
    """Fill the nav's ``Notebooks`` section with every notebook of ``notebooks/``, in order."""
    for item in config["nav"] or []:
        if isinstance(item, dict) and "Notebooks" in item:
            item["Notebooks"] = [{f"{p.stem.split('_')[0]} · {notebook_title(p)}": f"notebooks/{p.name}"}
                                 for p in notebook_paths()]
    return config


# --------------------------------------------------------------------------- includes


def options_of(text: str) -> dict[str, str | bool]:
    """``before="x" shift=1 optional`` -> ``{"before": "x", "shift": "1", "optional": True}``."""
    return {m[1]: (m[2] if m[2] is not None else m[3]) or True for m in OPTION.finditer(text)}


def whole_includes(files) -> dict[str, str]:
    """Repository file -> the page that includes it whole (no ``before``), for rewriting links to it."""
    found: dict[str, str] = {}
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or file.abs_src_path is None:
            continue
        text = Path(file.abs_src_path).read_text(encoding="utf-8") if not file.generated_by else file.content_string
        for m in INCLUDE.finditer(text):
            if "before" not in options_of(m["options"]):
                found.setdefault(m["path"], file.src_uri)
    for path in notebook_paths():
        found[f"notebooks/{path.name}"] = f"notebooks/{path.name}"
    return found


def rewrite_links(text: str, source: str, page: str, pages: dict[str, str]) -> str:
    """Rewrite the relative links of ``text`` (from repository file ``source``) for the page ``page``."""

    def target_of(m: re.Match) -> str:
        target = m["target"]
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|/)", target, re.IGNORECASE):
            return m[0]  # a URL, an anchor or an absolute path: left as written
        path, _, anchor = target.partition("#")
        repo = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if repo.endswith("/") or (ROOT / repo).is_dir():
            repo = posixpath.join(repo.rstrip("/"), "README.md")
        if repo in pages:
            doc = pages[repo]
        elif repo.startswith("docs/") and (ROOT / repo).exists():
            doc = repo[len("docs/"):]
        else:
            shown = posixpath.normpath(posixpath.join(posixpath.dirname(source), path)).removesuffix("/README.md")
            if m["bang"]:
                log.warning("%s: image %s is outside docs/ and cannot be shown", source, target)
            return m["text"] if m["text"].strip("`") == shown else f"{m['text']} (`{shown}`)"
        rel = posixpath.relpath(doc, posixpath.dirname(page) or ".")
        return f"{m['bang']}[{m['text']}]({rel}{'#' + anchor if anchor else ''}{m['title'] or ''})"

    pieces, last = [], 0
    for fence in FENCE.finditer(text):  # links inside code blocks are code, not links
        pieces.append(LINK.sub(target_of, text[last:fence.start()]))
        pieces.append(fence[0])
        last = fence.end()
    pieces.append(LINK.sub(target_of, text[last:]))
    return "".join(pieces)


def included(m: re.Match, page: str, pages: dict[str, str]) -> str:
    """The text an include marker stands for on ``page``."""
    source, opts = m["path"], options_of(m["options"])
    path = ROOT / source
    if not path.is_file():
        if not opts.get("optional"):
            log.warning("%s: included file %s does not exist", page, source)
        return ""
    text = path.read_text(encoding="utf-8")
    before = opts.get("before")
    if isinstance(before, str):
        cut = re.search("^" + re.escape(before), text, re.MULTILINE)
        if cut is None:
            log.warning("%s: %s has no line starting with %r", page, source, before)
        else:
            text = text[:cut.start()]
    shift = int(opts.get("shift", 0) or 0)
    if shift:
        text = re.sub(r"^(#{1,6}) ", lambda h: "#" * min(6, len(h[1]) + shift) + " ", text, flags=re.MULTILINE)
    return rewrite_links(text.rstrip() + "\n", source, page, pages)


def on_page_markdown(markdown, page, config, files, **kwargs):
    """Replace each include marker of the page by the file it names (a notebook's source is left alone)."""
    if page.file.src_uri.endswith(".ipynb"):
        STARTED[page.file.src_uri] = time.perf_counter()  # mkdocs-jupyter executes it next, in render
        return markdown
    pages = config.get("divide_whole_includes", {})
    return INCLUDE.sub(lambda m: included(m, page.file.src_uri, pages), markdown)


# --------------------------------------------------------------------------- offline check


def strip_remote(html: str) -> str:
    """Drop the network loaders nbconvert writes into a notebook page (MathJax, Mermaid, widgets)."""
    html = REMOTE.sub("", html)
    html = EMPTY_SCRIPT.sub("", html)
    return MODULE_SCRIPT.sub(lambda s: "" if REMOTE_IMPORT.search(s[0]) else s[0], html)


def remote_references(html: str) -> list[str]:
    """The tags of ``html`` that would fetch something from the network when the page is opened."""
    return [m[0][:120] for m in REMOTE.finditer(html)] + [m[0][:120] for m in REMOTE_IMPORT.finditer(html)]


def on_page_content(html, page, config, files, **kwargs):
    """Strip the network loaders of notebook pages (before the search index reads the page)."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    if page.file.src_uri in STARTED:
        log.info("%s: converted (and executed, with execute: true) in %.1f s", page.file.src_uri,
                 time.perf_counter() - STARTED.pop(page.file.src_uri))
    return strip_remote(html)


def on_post_page(output, page, config, **kwargs):
    """Fail the build (a warning, under ``--strict``) when a page would load a remote asset."""
    for ref in remote_references(output):
        log.warning("%s loads a remote asset (the site must work offline): %s", page.file.src_uri, ref)
    return output
