"""The documentation site builds offline with ``mkdocs build --strict`` and holds what it promises.

One build (module fixture, about a minute and a half: executing the notebooks dominates) is shared by the
checks: the command line page lists every sub-command, the API pages document every public name with its
parameters, the notebook pages hold executed outputs, and no page loads anything from the network. The
build runs in a network namespace of its own where ``unshare -n`` works (CI runs as root), so a build step
that reached the network would fail here.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def load_hooks():
    spec = importlib.util.spec_from_file_location("divide_docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def offline_prefix() -> list[str]:
    """``unshare -n`` (a new network namespace: no network but loopback) when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode != 0:
        return []
    # Loopback up, for the notebook kernels' local sockets.
    return [unshare, "-n", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "sh"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    command = [*offline_prefix(), sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out),
               "--config-file", str(ROOT / "mkdocs.yml")]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    assert not re.search(r"^(WARNING|ERROR)\b", log, re.MULTILINE), log[-6000:]
    return out


def page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_cli_page_lists_every_subcommand(site):
    from divide.cli.app import build_parser

    hooks = load_hooks()
    commands = hooks.subcommand_parsers(build_parser())
    assert {"atlas", "validate", "index", "map", "export", "brief", "crosswalk"} <= set(commands)
    text = text_of(page(site, "cli.html"))
    for name, parser in commands.items():
        assert f'id="divide-{name}"' in page(site, "cli.html"), name
        assert f"usage: divide {name}" in text, name
        for action in parser._actions:  # every option of every command is on the page
            for flag in action.option_strings:
                assert flag in text, (name, flag)


def section(markup: str, object_id: str) -> str:
    """The HTML of one documented object, from its heading to the next object heading of the same level."""
    start = markup.index(f'id="{object_id}"')
    end = markup.find('<div class="doc doc-object', start)
    return markup[start:end if end > 0 else None]


def test_api_pages_document_the_public_api_with_parameters(site):
    analysis = page(site, "api/analysis.html")
    compute = text_of(section(analysis, "divide.analysis.index.compute_index"))
    for parameter in ("table", "spec", "communes"):
        assert re.search(rf"\b{parameter}\b", compute), parameter
    assert "IndexResult" in compute and "Examples" in compute
    geography = text_of(section(page(site, "api/geography.html"), "divide.geography.communes.load_communes"))
    assert "province" in geography and "Parameters" in geography
    # No Sphinx role is left as written (docs/griffe_roles.py turns them into code).
    assert ":func:`" not in analysis and ":class:`" not in analysis


def test_every_public_name_is_documented(site):
    import divide

    ids = set()
    for path in (site / "api").glob("*.html"):
        ids |= set(re.findall(r'id="(divide(?:\.\w+)+)"', path.read_text(encoding="utf-8")))
    documented = {i.rsplit(".", 1)[-1] for i in ids}
    missing = sorted(set(divide.__all__) - documented - {"__version__"})
    assert not missing, f"add them to a page of docs/api/: {missing}"


def test_notebook_pages_hold_executed_outputs(site):
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        markup = page(site, f"notebooks/{path.stem}.html")
        assert "jp-OutputArea" in markup, path.name
        assert "Traceback" not in markup and "jp-OutputArea-error" not in markup, path.name
    quickstart = page(site, "notebooks/00_quickstart.html")
    assert re.search(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/]{1000}', quickstart)
    # Executed here: the stored notebooks have no outputs and no execution counts.
    assert re.search(r"jp-InputPrompt[^>]*>In(?:\s|&nbsp;|\xa0)\[1\]:", quickstart)


def test_pages_from_the_repository(site):
    home = text_of(page(site, "index.html"))
    assert "modeled data" in home and "make atlas" in home and "make test" in home
    assert "divide map [--indicators FILE]" not in home  # only the README's first part
    assert 'src="images/priority_map_national.png"' in page(site, "index.html")
    assert "None of it was observed" in text_of(page(site, "data/modeled.html"))
    assert "crosswalk" in text_of(page(site, "data/crosswalk.html")).lower()
    for name in ("index", "regions", "planner", "progress"):
        assert "References" in page(site, f"methods/{name}.html") or name == "progress", name
    assert "Saltelli" in page(site, "methods/index.html")
    if (ROOT / "docs" / "methods_progress.md").exists():
        first = next(line for line in (ROOT / "docs" / "methods_progress.md").read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))
        assert html.escape(first.split()[0]) in page(site, "methods/progress.html")


REMOTE = re.compile(
    r"""<(?:script|img|iframe)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|import\(\s*["'](?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_no_page_loads_a_remote_asset(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 20
    for path in [*pages, *site.rglob("*.css")]:
        found = REMOTE.search(path.read_text(encoding="utf-8"))
        assert found is None, (path.relative_to(site), found and found[0])
    links = set()
    for path in pages:
        links |= set(re.findall(r'href="([^"#]+\.md)(?:#[^"]*)?"', path.read_text(encoding="utf-8")))
    assert not links, f"links to Markdown sources left in the site: {sorted(links)[:5]}"


# --------------------------------------------------------------------------- the hooks alone (fast)


def test_included_links_are_rewritten_for_the_page():
    hooks = load_hooks()
    pages = {"data/README.md": "data/index.md", "data/modeled/README.md": "data/modeled.md"}
    text = ("See [the data](data/README.md), [modeled](data/modeled/), [the map](docs/images/priority_map_national.png), "
            "[settings](divide/settings.py), [a site](https://example.org/x), [here](#top) and "
            "![map](docs/images/priority_map_lai_chau.png).\n```\n[not a link](divide/x.py)\n```\n")
    out = hooks.rewrite_links(text, "README.md", "index.md", pages)
    assert "[the data](data/index.md)" in out
    assert "[modeled](data/modeled.md)" in out
    assert "[the map](images/priority_map_national.png)" in out
    assert "![map](images/priority_map_lai_chau.png)" in out
    assert "settings (`divide/settings.py`)" in out
    assert "[a site](https://example.org/x)" in out and "[here](#top)" in out
    assert "[not a link](divide/x.py)" in out  # code blocks untouched
    # From a page one folder down, and from a README in a sub-folder.
    assert "[top](../index.md)" in hooks.rewrite_links("[top](../README.md)", "data/README.md", "data/index.md",
                                                      {"README.md": "index.md"})


def test_remote_loaders_are_stripped_and_others_kept():
    hooks = load_hooks()
    markup = ('<script src="https://cdnjs.cloudflare.com/x.js"></script><script src=""> </script>'
              '<script type="module">const m = await import("https://cdnjs.cloudflare.com/m.mjs");</script>'
              '<script type="module">console.log(1)</script><script src="../js/base.js"></script>'
              '<img src="data:image/png;base64,AAAA">')
    out = hooks.strip_remote(markup)
    assert "cdnjs" not in out and 'src=""' not in out
    assert "console.log(1)" in out and "../js/base.js" in out and "data:image/png" in out
    assert hooks.remote_references(markup) and not hooks.remote_references(out)
