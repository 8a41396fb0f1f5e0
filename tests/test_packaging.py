"""Packaging: environment.yml and pyproject.toml agree; the commands and the light import work."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}


def _split(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert m, requirement
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted.update(_split(r) for r in extra)
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip")))
    assert conda == wanted
    assert env["channels"] == ["conda-forge"]


def test_import_divide_is_light():
    code = (
        "import sys, divide; "
        "heavy = [m for m in ('matplotlib', 'folium', 'seaborn', 'geopandas', 'sklearn', 'dask', 'distributed', 'selenium', 'openpyxl') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_deliberate():
    import divide

    for name in divide.__all__:
        assert getattr(divide, name) is not None, name
    assert issubclass(divide.InputError, divide.DivideError)
    assert issubclass(divide.DataNotFoundError, divide.DivideError)


def test_help_from_both_entry_points():
    for cmd in (["divide", "--help"], [sys.executable, "-m", "divide", "--help"]):
        exe = cmd if cmd[0] != "divide" else [str(Path(sys.executable).parent / "divide"), "--help"]
        out = subprocess.run(exe, capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        assert "atlas" in out.stdout and "Exit codes" in out.stdout


def test_public_functions_stay_functions_after_every_submodule_is_imported():
    """A submodule named like a public function would replace it on the package once imported."""
    import importlib
    import pkgutil

    import divide

    for info in pkgutil.iter_modules(divide.__path__):
        if info.name != "__main__":  # runs the command line
            importlib.import_module(f"divide.{info.name}")
    for name in divide.__all__:
        value = getattr(divide, name)
        assert not isinstance(value, type(divide)), f"divide.{name} is a module, not the public object"
    assert callable(divide.typology) and callable(divide.priority) and callable(divide.export)
