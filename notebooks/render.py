"""Execute every notebook and render it, with its outputs, to HTML in notebooks/html/.

The stored notebooks are never touched (they stay without outputs): each one is
read into memory, executed there with nbclient (in the notebooks folder, as
JupyterLab would), and exported with nbconvert's HTMLExporter; images are
embedded, so each HTML file reads on its own.

Usage (from the repository root; ``make notebooks`` runs it)::

    python notebooks/render.py                 # every notebook
    python notebooks/render.py 01 02           # notebooks whose name starts with 01 or 02
    python notebooks/render.py --out /tmp/html --timeout 600

Exit code 0 when every notebook ran, 1 when one failed (the others are still
rendered; the failed one is rendered with its error, for reading).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def render(path: Path, out_dir: Path, timeout: int = 600) -> tuple[Path, float, str | None]:
    """Execute one notebook in memory and write ``out_dir/<name>.html``; return (path, seconds, error)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    error = None
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    seconds = time.perf_counter() - start
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(target)  # a reader never sees a half-written page
    return target, seconds, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="render only notebooks whose file name starts with one of these")
    parser.add_argument("--out", type=Path, default=HERE / "html", help="output folder (default: notebooks/html/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    args = parser.parse_args(argv)

    notebooks = sorted(HERE.glob("*.ipynb"))
    if args.only:
        notebooks = [p for p in notebooks if p.name.startswith(tuple(args.only))]
    if not notebooks:
        print("no notebook to render", file=sys.stderr)
        return 1
    failed = 0
    for path in notebooks:
        target, seconds, error = render(path, args.out, args.timeout)
        status = "ok" if error is None else f"FAILED: {error}"
        failed += error is not None
        print(f"{path.name:<40} {seconds:6.1f} s  {status}  -> {target}")
    print(f"{len(notebooks) - failed} of {len(notebooks)} notebooks rendered without error")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
