"""Every notebook in notebooks/ executes top to bottom (they are stored without outputs) and shows figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
FIGURE_TYPES = ("image/png", "image/svg+xml")
MIN_FIGURES = 2  # every notebook shows at least two figures (issue 18)


def figures(nb) -> int:
    """How many outputs of the executed notebook are images."""
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if any(kind in o.get("data", {}) for kind in FIGURE_TYPES))


def test_notebooks_exist_and_are_stored_without_outputs():
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path.name
        assert "parameters" in code[0].get("metadata", {}).get("tags", []), f"{path.name}: first code cell tagged parameters"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    shown = figures(nb)
    assert shown >= MIN_FIGURES, f"{path.name} shows {shown} figure(s), fewer than {MIN_FIGURES}"
