"""The command line: the main job, province filter, exit codes, no traceback without --debug."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pypdf
import pytest

from divide.cli.app import main


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "divide", *args], capture_output=True, text=True)


ATLAS_FILES = [
    "brief.docx", "brief.md", "communes.csv", "communes.gpkg", "manifest.json", "priority_map.html", "priority_map.pdf",
    "priority_map.png", "priority_map_national.png", "tier1_communes.xlsx", "urban_rural_gap.png",
]


@pytest.fixture(scope="module")
def lai_chau_atlas(tmp_path_factory):
    """`divide atlas --province "lai chau"` (no diacritics), run once for the tests below."""
    out = tmp_path_factory.mktemp("atlas_lc")
    assert main(["-q", "atlas", "--province", "lai chau", "--out", str(out), "--reps", "200"]) == 0
    return out


def test_atlas_for_one_province_writes_every_output(lai_chau_atlas):
    out = lai_chau_atlas
    assert sorted(p.name for p in out.iterdir()) == ATLAS_FILES
    table = pd.read_csv(out / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    assert len(table) == 38 and table["commune_code"].str.len().eq(5).all()
    assert (out / "communes.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM for Excel
    for col in ("divide_index", "rank_p05", "rank_p95", "priority_tier", "divide_index_lisa", "type", "region_id"):
        assert col in table.columns, col
    assert table["divide_index"].between(0, 100).all()
    assert (table["rank_p05"] <= table["rank_median"]).all() and (table["rank_median"] <= table["rank_p95"]).all()
    assert table["region_id"].str.startswith("12-").all()
    assert (out / "priority_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "priority_map.pdf").read_bytes()[:5] == b"%PDF-"
    brief = (out / "brief.md").read_text(encoding="utf-8")
    assert "Dữ liệu mô phỏng / modeled data" in brief
    assert "(priority_map_national.png)" in brief and "(priority_map.png)" in brief  # national and province maps


def test_atlas_manifest_records_inputs_spec_and_modeled_data(lai_chau_atlas):
    manifest = json.loads((lai_chau_atlas / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["province"] == "12"
    assert manifest["parameters"]["uncertainty_reps"] == 200
    assert manifest["parameters"]["index_spec"]["pillars"]
    assert manifest["contains_modeled_data"] is True
    assert {i["path"] for i in manifest["inputs"]} >= {"shapefiles/admin_2025.gpkg"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"] + manifest["outputs"])
    assert manifest["packages"]["geopandas"]


def test_atlas_tier1_workbook_lists_tier1_communes_in_order(lai_chau_atlas):
    """A province run answers the province's question: its tier 1 is the province's top fifth (issue 18)."""
    tier1 = pd.read_excel(lai_chau_atlas / "tier1_communes.xlsx", sheet_name=0, dtype={"commune_code": str})
    table = pd.read_csv(lai_chau_atlas / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    # both orders are in the table; the province's is the national one restricted to the province
    assert sorted(table["priority_rank_province"]) == list(range(1, 39))
    assert table.sort_values("priority_rank")["priority_rank_province"].tolist() == list(range(1, 39))
    assert (table["priority_tier_province"] == [math.ceil(5 * r / 38) for r in table["priority_rank_province"]]).all()
    n_tier1 = sum(math.ceil(5 * r / 38) == 1 for r in range(1, 39))  # 7: ranks 1-7 of 38
    assert int((table["priority_tier"] == 1).sum()) > n_tier1  # national quintiles: most of Lai Châu is tier 1
    expected = table[table["priority_tier_province"] == 1].sort_values("priority_rank_province")
    assert tier1["commune_code"].tolist() == expected["commune_code"].tolist() and len(expected) == n_tier1
    assert tier1["priority_rank_province"].tolist() == list(range(1, n_tier1 + 1))
    for col in ("priority_tier", "priority_rank", "priority_tier_province", "priority_rank_province"):
        assert col in tier1.columns, col
    pdf = "\n".join(page.extract_text() for page in pypdf.PdfReader(lai_chau_atlas / "priority_map.pdf").pages)
    assert "Tiers within Lai Châu (1 = act first in the province)" in pdf
    assert f"Tier 1 (act first) ({n_tier1})" in pdf
    assert "Reported in public pages" in pdf  # Lai Châu has a reported village
    manifest = json.loads((lai_chau_atlas / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["tiers"] == "province"


def test_atlas_tiers_national_keeps_the_national_quintiles(tmp_path):
    assert main(["-q", "atlas", "--province", "12", "--tiers", "national", "--out", str(tmp_path), "--reps", "50"]) == 0
    tier1 = pd.read_excel(tmp_path / "tier1_communes.xlsx", sheet_name=0, dtype={"commune_code": str})
    table = pd.read_csv(tmp_path / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    expected = table[table["priority_tier"] == 1].sort_values("priority_rank")["commune_code"].tolist()
    assert tier1["commune_code"].tolist() == expected and len(expected) > 7
    pdf = "\n".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "priority_map.pdf").pages)
    assert "Tiers within" not in pdf and f"Tier 1 (act first) ({len(expected)})" in pdf
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["parameters"]["tiers"] == "national"
    assert _run("atlas", "--tiers", "district", "--out", str(tmp_path)).returncode == 2


@pytest.mark.national
def test_atlas_national_end_to_end(tmp_path):
    out = _run("atlas", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(tmp_path / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    assert len(table) == 3321
    assert "Traceback" not in out.stderr
    # national tiers by default: the workbook and the maps keep the country's quintiles
    tier1 = pd.read_excel(tmp_path / "tier1_communes.xlsx", sheet_name=0, dtype={"commune_code": str})
    expected = table[table["priority_tier"] == 1].sort_values("priority_rank")["commune_code"].tolist()
    assert tier1["commune_code"].tolist() == expected
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["parameters"]["tiers"] == "national"
    pdf = "\n".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "priority_map.pdf").pages)
    assert "Tiers within" not in pdf and "Reported in public pages" not in pdf
    # the province order is there too, within each of the 34 provinces
    ranks = table.dropna(subset=["priority_rank_province"]).groupby("province_code")["priority_rank_province"]
    assert ranks.ngroups == 34 and (ranks.min() == 1).all() and (ranks.max() == ranks.count()).all()


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


def test_atlas_on_a_users_file_drops_the_modeled_caption(tmp_path, test_data):
    """The user's own table (validated first) is cited by name; nothing says modeled."""
    src = test_data / "indicators" / "subset_utf8.csv"
    assert main(["-q", "atlas", "--indicators", str(src), "--province", "12", "--out", str(tmp_path),
                 "--reps", "50", "--lang", "vi"]) == 0
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "subset_utf8.csv" in brief
    assert "mô phỏng" not in brief and "modeled" not in brief
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["contains_modeled_data"] is False
    assert any(i["path"].endswith("subset_utf8.csv") for i in manifest["inputs"])
    table = pd.read_csv(tmp_path / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    assert len(table) == 38
    if "source" in table.columns:
        assert (table["source"] != "modeled").all()


def test_atlas_stops_on_a_file_that_fails_validation(tmp_path, test_data):
    out = _run("atlas", "--indicators", str(test_data / "indicators" / "broken_range.csv"), "--out", str(tmp_path))
    assert out.returncode == 1, out.stderr
    assert "failed validation" in out.stderr and "divide validate" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "communes.gpkg").exists()


def test_province_atlas_brief_lists_the_tier1_communes_within_the_province(lai_chau_atlas):
    brief = (lai_chau_atlas / "brief.md").read_text(encoding="utf-8")
    assert "## Communes to act on first in the province (tier 1 within the province)" in brief
    table = pd.read_csv(lai_chau_atlas / "communes.csv", dtype={"commune_code": str}, encoding="utf-8-sig")
    first = table[table["priority_tier_province"] == 1].sort_values("priority_rank_province")
    section = brief.split("tier 1 within the province)")[1].split("\n## ")[0]
    listed = [line.split(" | ")[1] for line in section.splitlines() if line.startswith("| ") and line[2:3].isdigit()]
    assert listed == first["commune_name"].tolist() and len(listed) == 7
    assert "## Progress toward the targets" in brief and "against the modeled count" in brief
