"""The ``divide index`` command: validate, score, write CSV/XLSX/GPKG and the log; exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from divide.cli.app import main


@pytest.fixture(scope="module")
def lai_chau_csv(tmp_path_factory):
    import divide

    communes = divide.load_communes("Lai Châu")
    table = divide.model_indicators(communes)
    path = tmp_path_factory.mktemp("index") / "lai_chau.csv"
    table.to_csv(path)
    return path


def test_writes_csv_with_bom_label_and_log(lai_chau_csv, tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["index", str(lai_chau_csv), "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype={"commune_code": str, "province_code": str})
    assert len(frame) == 38 and frame["commune_code"].str.len().eq(5).all()
    for col in ("commune_name", "infrastructure_gap", "usage_gap", "divide_index", "rank_national",
                "rank_province", "divide_tier", "values_filled", "data_label"):
        assert col in frame.columns
    assert (frame["data_label"] == "Dữ liệu mô phỏng / modeled data").all()
    assert sorted(frame["rank_national"]) == list(range(1, 39))
    log = json.loads((tmp_path / "scores.csv.log.json").read_text(encoding="utf-8"))
    assert log["index"]["spec"]["name"] == "default" and log["label"]
    assert "wrote" in capsys.readouterr().out

    # the log replays the scores
    import divide
    from divide.analysis.index import recompute

    table = divide.validate(lai_chau_csv).table
    again = recompute(log["index"], table)
    assert again.scores["divide_index"].round(4).tolist() == frame["divide_index"].tolist()


def test_xlsx_gpkg_preset_uncertainty_and_province(lai_chau_csv, tmp_path):
    xlsx = tmp_path / "s.xlsx"
    assert main(["-q", "index", str(lai_chau_csv), "--out", str(xlsx), "--preset", "purdue_ddi",
                 "--uncertainty", "60", "--seed", "4"]) == 0
    x = pd.read_excel(xlsx, dtype={"commune_code": str})
    assert {"rank_median", "rank_p05", "rank_p95"} <= set(x.columns)
    assert x["divide_index"].min() == 0 and x["divide_index"].max() == 100  # Purdue rescales to 0–100
    log = json.loads((tmp_path / "s.xlsx.log.json").read_text(encoding="utf-8"))
    assert log["uncertainty"]["seed"] == 4 and len(log["uncertainty"]["sensitivity"]) == 4

    import pyogrio

    gpkg = tmp_path / "s.gpkg"
    assert main(["-q", "index", str(lai_chau_csv), "--out", str(gpkg), "--province", "Lai Chau"]) == 0
    g = pyogrio.read_dataframe(gpkg)
    assert len(g) == 38 and g.crs.to_epsg() == 4326 and g.geometry.notna().all()
    assert g["divide_tier"].between(1, 5).all()


def test_spec_file(lai_chau_csv, tmp_path):
    from divide.analysis.index import preset

    spec = tmp_path / "mine.yaml"
    preset("default").copy(name="mine", normalisation="minmax").to_yaml(spec)
    out = tmp_path / "m.csv"
    assert main(["-q", "index", str(lai_chau_csv), "--out", str(out), "--spec", str(spec)]) == 0
    log = json.loads((tmp_path / "m.csv.log.json").read_text(encoding="utf-8"))
    assert log["index"]["spec"]["name"] == "mine"
    assert pd.read_csv(out)["divide_index"].notna().all()


def test_failed_validation_exits_1(lai_chau_csv, tmp_path, capsys):
    bad = pd.read_csv(lai_chau_csv, dtype={"commune_code": str})
    bad.loc[0, "villages_no_signal"] = bad.loc[0, "villages_total"] + 5  # more villages without signal than villages
    bad.loc[1, "smartphone_adults_pct"] = 180.0
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    out = tmp_path / "never.csv"
    assert main(["-q", "index", str(path), "--out", str(out)]) == 1
    assert not out.exists()
    assert "failed validation" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--out", "{tmp}/o.txt"], "output format"),
    (["--out", "{tmp}/o.csv", "--preset", "oecd"], "unknown preset"),
    (["--out", "{tmp}/o.csv", "--preset", "default", "--spec", "x.yaml"], "not both"),
    (["--out", "{tmp}/o.csv", "--spec", "{tmp}/missing.yaml"], "spec file not found"),
    (["--out", "{tmp}/o.csv", "--province", "Atlantis"], "Atlantis"),
])
def test_unusable_input_exits_2(lai_chau_csv, tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["-q", "index", str(lai_chau_csv), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["-q", "index", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_province_outside_the_file_exits_2(lai_chau_csv, tmp_path, capsys):
    assert main(["-q", "index", str(lai_chau_csv), "--out", str(tmp_path / "o.csv"), "--province", "Hà Nội"]) == 2
    assert "no commune in province 01" in capsys.readouterr().err
