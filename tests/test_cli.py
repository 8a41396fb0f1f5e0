"""The command line: the main job, province filter, exit codes, no traceback without --debug."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from divide.cli import main


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "divide", *args], capture_output=True, text=True)


def test_atlas_for_one_province_by_name_without_diacritics(tmp_path):
    assert main(["-q", "atlas", "--province", "lai chau", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["communes.csv", "communes.gpkg", "communes_map.png", "manifest.json"]
    table = pd.read_csv(tmp_path / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    assert len(table) == 38 and table["commune_code"].str.len().eq(5).all()
    assert (tmp_path / "communes.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM for Excel
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["province"] == "12"
    assert {i["path"] for i in manifest["inputs"]} >= {"shapefiles/admin_2025.gpkg"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"] + manifest["outputs"])
    assert manifest["packages"]["geopandas"]
    assert (tmp_path / "communes_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.national
def test_atlas_national_end_to_end(tmp_path):
    out = _run("atlas", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(tmp_path / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    assert len(table) == 3321
    assert "Traceback" not in out.stderr


def test_unknown_province_exit_2_without_traceback(tmp_path):
    out = _run("atlas", "--province", "Lao Kai", "--out", str(tmp_path))
    assert out.returncode == 2
    assert "unknown province 'Lao Kai'" in out.stderr and "Lào Cai" in out.stderr
    assert "Traceback" not in out.stderr
    debug = _run("--debug", "atlas", "--province", "Lao Kai", "--out", str(tmp_path))
    assert debug.returncode == 2 and "Traceback" in debug.stderr


def test_misuse_exits_2():
    assert _run("atlas", "--no-such-flag").returncode == 2
    assert _run().returncode == 2


def test_provinces_lists_34(capsys):
    assert main(["provinces"]) == 0
    text = capsys.readouterr().out
    assert "Lai Châu" in text and "Hà Nội" in text
    assert len([line for line in text.splitlines() if line[:2].isdigit()]) == 34
