"""Packaging: environment.yml and pyproject.toml agree; the commands and the light import work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}


def _split(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert m, requirement
    return m.group(1).lower(), re.sub(r"^\[[^\]]*\]", "", m.group(2).replace(" ", ""))  # extras are pip's


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted.update(_split(r) for r in extra)
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_split(d) for d in env["dependencies"]
                 if isinstance(d, str) and _split(d)[0] not in ("python", "pip"))
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

    for info in pkgutil.walk_packages(divide.__path__, "divide."):
        if not info.name.endswith("__main__"):  # runs the command line
            importlib.import_module(info.name)
    for name in divide.__all__:
        value = getattr(divide, name)
        assert not isinstance(value, type(divide)), f"divide.{name} is a module, not the public object"
    assert callable(divide.typology) and callable(divide.priority) and callable(divide.export)


#: The public API as it stood before the layout of issue 13; every name must still work.
API_BEFORE_THE_HOUSE = [
    "DivideError", "InputError", "DataNotFoundError", "__version__", "Analysis", "CrosswalkReport", "INDICATORS",
    "IndexResult", "IndexSpec", "PointsReport", "ReadReport", "Theil", "UncertaintyResult", "ValidationReport",
    "aggregate_points", "analyse", "assign_points", "brief_html", "brief_markdown", "calibration_report",
    "check_points", "choropleth", "cite", "class_breaks", "compute_index", "contiguity_graph", "coverage_from_sites",
    "coverage_layer", "crosswalk_to_2025", "distance_to_coverage", "dti_2022_provinces_2025", "export", "fact",
    "facts", "gini", "index_uncertainty", "inequality", "interactive_map", "load_communes", "load_communes_pre2025",
    "load_crosswalk", "load_indicators", "load_provinces", "map_categories", "map_priority", "match_old_communes",
    "model_indicators", "model_sites", "model_speed_tests", "model_villages", "plot_urban_rural_gap", "preset",
    "priority", "priority_regions", "provinces_to_2025", "quadkey_to_lonlat", "read_back", "read_indicators",
    "read_villages", "recompute", "resolve_province", "run_atlas", "schema_table", "spatial_patterns",
    "speed_indicators", "theil", "typology", "urban_rural_gap", "validate", "village_indicators", "write_brief",
    "write_modeled",
]


@pytest.mark.parametrize("name", API_BEFORE_THE_HOUSE)
def test_every_public_name_of_before_still_works(name):
    import divide

    assert name in divide.__all__
    value = getattr(divide, name)
    assert not isinstance(value, type(divide))
    if name[0].islower() and not name.startswith("__"):
        assert callable(value), name


@pytest.mark.parametrize("name, source", [
    ("indicators_hanoi_laichau.csv", "subset_utf8.csv"),
    ("broken_range.csv", "broken_range.csv"),
    ("villages_laichau.csv", "villages_laichau.csv"),
    ("laichau_numeric_codes.xlsx", "laichau_numeric_codes.xlsx"),
])
def test_package_examples_are_the_test_files(name, source):
    """divide/datasets/ holds copies (`make datasets`): they must not drift from what make_files.py writes."""
    from divide import datasets

    assert datasets.path(name).read_bytes() == (ROOT / "tests" / "data" / "indicators" / source).read_bytes()


def test_unknown_package_dataset_names_the_choices():
    from divide import DataNotFoundError, datasets

    with pytest.raises(DataNotFoundError, match="indicators_hanoi_laichau.csv"):
        datasets.path("nope.csv")


@pytest.mark.national
def test_a_fresh_clone_builds_the_commune_layer_on_first_use(tmp_path):
    """No `make`, no `python -m divide.build`: load_communes builds the layer once, says so, then reads it."""
    import shutil

    for part in ("shapefiles/source", "data/population"):
        shutil.copytree(ROOT / part, tmp_path / part)
    env = {**os.environ, "DIVIDE_ROOT": str(tmp_path)}
    code = "import divide; c = divide.load_communes('Lai Châu'); print(len(c), c.index[0])"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == ["38", "03388"]
    assert "building the commune layer" in first.stderr
    assert (tmp_path / "shapefiles" / "admin_2025.gpkg").exists()
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert again.returncode == 0 and "building" not in again.stderr


def test_an_install_without_the_repository_data_says_how_to_point_at_it(tmp_path):
    env = {**os.environ, "DIVIDE_ROOT": str(tmp_path), "DIVIDE_CACHE": str(tmp_path / "cache")}
    code = "import divide; divide.load_communes()"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode != 0
    assert "DIVIDE_ROOT" in out.stderr and "pip install -e ." in out.stderr
