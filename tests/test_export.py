"""Exports: every format read back with the same rows, codes and NFC names; atomic writes; inputs protected."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.present import exports as ex
from divide.provenance import LABEL

FORMATS = ["gpkg", "shp", "geojson", "parquet", "csv", "xlsx"]


@pytest.fixture(scope="module")
def table(subset):
    t = subset.join(divide.model_indicators(subset))
    t["priority_tier"] = (np.arange(len(t)) % 5 + 1).astype(float)
    t.loc[t.index[0], "fiber_households_pct"] = np.nan
    # one name in decomposed (NFD) form: the export writes it in NFC
    code = t.index[1]
    t.loc[code, "commune_name"] = unicodedata.normalize("NFD", t.loc[code, "commune_name"])
    t.attrs["modeled"] = True
    return t


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(table, tmp_path, fmt):
    path = tmp_path / f"communes.{fmt}"
    written = ex.export(table, path)
    back = ex.read_back(path)
    assert len(back) == len(table) == 164
    assert back.index.tolist() == table.index.tolist()
    assert all(len(c) == 5 and c.isdigit() for c in back.index)
    assert back.index[0] == "00004"  # leading zeros kept (Hà Nội)
    assert back["province_code"].tolist() == table["province_code"].tolist()
    nfc = [unicodedata.normalize("NFC", n) for n in table["commune_name"]]
    assert back["commune_name"].tolist() == nfc
    assert all(unicodedata.is_normalized("NFC", n) for n in back["commune_name"])
    assert "Lai Châu" in set(back["province_name"])
    np.testing.assert_allclose(back["fiber_households_pct"].to_numpy(dtype=float),
                               table["fiber_households_pct"].to_numpy(dtype=float), rtol=1e-6, equal_nan=True)
    assert np.isnan(float(back["fiber_households_pct"].iloc[0]))
    assert back.attrs["modeled"] is True
    if fmt == "shp":
        assert [p.suffix for p in written] == [".shp", ".shx", ".dbf", ".prj", ".cpg", ".csv"]
    else:
        assert written == path
    assert not [n for n in _listing(tmp_path) if n.startswith(".")]  # no temporary left


def test_shapefile_field_dictionary_and_cpg(table, tmp_path):
    import pyogrio

    ex.export(table, tmp_path / "c.shp")
    assert (tmp_path / "c.cpg").read_text().strip() == "UTF-8"
    fields = pd.read_csv(tmp_path / "c_fields.csv", encoding="utf-8-sig", dtype=str)
    fields = fields.dropna(subset=["field"])
    dbf = [f for f in pyogrio.read_info(tmp_path / "c.shp")["fields"]]
    assert sorted(fields["field"]) == sorted(dbf)
    assert all(len(f) <= 10 for f in dbf) and len({f.lower() for f in dbf}) == len(dbf)
    row = fields.set_index("column").loc["fiber_households_pct"]
    assert row["field"] == "fiber_hh" and row["meaning_vi"].startswith("tỷ lệ hộ gia đình")
    assert fields.set_index("column").loc["pop_urban_cluster_pct", "field"] == "pop_ucl_pc"
    assert ex.shapefile_names(["abcdefghijk1", "abcdefghijk2", "ABCDEFGHIJ"]) == {
        "abcdefghijk1": "abcdefghij", "abcdefghijk2": "abcdefgh_1", "ABCDEFGHIJ": "ABCDEFGH_2"}


def test_xlsx_sources_sheet(table, tmp_path):
    from openpyxl import load_workbook

    path = ex.export(table, tmp_path / "c.xlsx")
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["communes", "sources"]
    data = list(wb["communes"].iter_rows(values_only=True))
    assert data[0][0] == "commune_code" and data[1][0] == "00004"  # a text cell, not the number 4
    src = [r for r in wb["sources"].iter_rows(values_only=True)]
    assert src[0][0] == LABEL
    flat = [c for r in src for c in r if c]
    assert any(str(c).startswith("Boundaries: 3,321 communes") for c in flat)
    definitions = {r[0]: r for r in src if r and r[0] in table.columns}
    assert definitions["fiber_households_pct"][1] == "households passed by fibre (FTTH)"
    assert definitions["priority_tier"][3] == "1–5"
    observed = table.drop(columns="source")
    observed.attrs = {}
    path2 = ex.export(observed, tmp_path / "obs.xlsx")
    first = next(load_workbook(path2, read_only=True)["sources"].iter_rows(values_only=True))
    assert first[0] == "Sources / Nguồn"


def test_csv_has_bom_and_geojson_is_rfc7946(table, tmp_path):
    import json

    csv = ex.export(table, tmp_path / "c.csv")
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert "geometry" not in csv.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    projected = table.to_crs(divide.settings.PROJECTED_CRS)
    gj = ex.export(projected, tmp_path / "c.geojson")
    doc = json.loads(gj.read_text(encoding="utf-8"))
    assert "crs" not in doc  # RFC 7946: WGS 84 implied
    lon, lat = np.asarray(doc["features"][0]["geometry"]["coordinates"][0][0][0])[:2]
    assert 102 < lon < 118 and 6 < lat < 24
    assert doc["features"][0]["properties"]["commune_code"] == "00004"


def test_geopackage_keeps_other_layers(table, tmp_path):
    import pyogrio

    path = tmp_path / "a.gpkg"
    ex.export(table, path, layer="communes")
    ex.export(divide.load_provinces(), path, layer="provinces")
    ex.export(table.iloc[:10], path, layer="communes")  # replaces that layer only
    layers = sorted(str(x) for x in pyogrio.list_layers(path)[:, 0])
    assert layers == ["communes", "provinces"]
    assert len(ex.read_back(path, layer="communes")) == 10
    assert len(pyogrio.read_dataframe(path, layer="provinces")) == 34
    with pytest.raises(InputError, match="overwrite=False"):
        ex.export(table, path, layer="communes", overwrite=False)


@pytest.mark.parametrize("fmt", ["gpkg", "csv", "xlsx", "shp"])
def test_failed_export_leaves_nothing_behind(table, tmp_path, monkeypatch, fmt):
    import pyogrio

    existing = tmp_path / f"old.{fmt}"
    if fmt != "shp":
        ex.export(table.iloc[:5], existing)
        before_bytes = existing.read_bytes()
    before = _listing(tmp_path)

    real_write = pyogrio.write_dataframe

    def half_then_fail(df, path, *args, **kwargs):  # GDAL writers: write part of the file, then fail
        real_write(df.iloc[:3], path, *args, **kwargs)
        raise RuntimeError("disk full (simulated)")

    def csv_half_then_fail(df, tmp):
        tmp.write_text("commune_code,commune_name\n00004,Ba", encoding="utf-8")
        raise RuntimeError("disk full (simulated)")

    def xlsx_half_then_fail(df, tmp, *args):
        tmp.write_bytes(b"PK\x03\x04half")
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(pyogrio, "write_dataframe", half_then_fail)
    monkeypatch.setattr(ex, "_write_csv", csv_half_then_fail)
    monkeypatch.setattr(ex, "_write_xlsx", xlsx_half_then_fail)
    target = existing if fmt != "shp" else tmp_path / "new.shp"
    with pytest.raises(RuntimeError, match="simulated"):
        ex.export(table, target)
    assert _listing(tmp_path) == before
    if fmt != "shp":
        assert existing.read_bytes() == before_bytes  # the old file is untouched


def test_refuses_to_overwrite_an_input(table, tmp_path):
    source = tmp_path / "input.csv"
    ex.export(table, source)
    original = source.read_bytes()
    read = ex.read_back(source)
    assert read.attrs["path"] == str(source)
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        ex.export(read, tmp_path / "." / "input.csv")
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        ex.export(table, source, inputs=[str(source)])
    shp_input = tmp_path / "layer.dbf"
    shp_input.write_bytes(b"x")
    with pytest.raises(InputError, match="refusing"):
        ex.export(table, tmp_path / "layer.shp", inputs=[shp_input])
    assert source.read_bytes() == original and shp_input.read_bytes() == b"x"


def test_clear_errors(table, tmp_path):
    with pytest.raises(InputError, match="unknown export format"):
        ex.export(table, tmp_path / "c.docx")
    with pytest.raises(InputError, match="needs a table with geometry"):
        ex.export(pd.DataFrame(table.drop(columns="geometry")), tmp_path / "c.gpkg")
    plain = pd.DataFrame(table.drop(columns="geometry"))
    assert ex.read_back(ex.export(plain, tmp_path / "plain.xlsx")).shape[0] == 164
    ex.export(plain, tmp_path / "p.csv")
    with pytest.raises(InputError, match="overwrite=False"):
        ex.export(plain, tmp_path / "p.csv", overwrite=False)


def test_modeled_label_travels(tmp_path, table):
    no_source = table.drop(columns="source")
    no_source.attrs = {"modeled": True}
    back = ex.read_back(ex.export(no_source, tmp_path / "m.csv"))
    assert set(back["source"]) == {"modeled"} and back.attrs["modeled"] is True
    observed = table.drop(columns="source")
    observed.attrs = {}
    back = ex.read_back(ex.export(observed, tmp_path / "o.gpkg"))
    assert back.attrs["modeled"] is False and "source" not in back.columns


def test_cli_export(tmp_path, capsys, monkeypatch):
    import json

    from divide.cli import options as cli_options
    from divide.cli.app import main

    analysed = divide.analyse(province="Lai Châu", uncertainty_reps=20).communes
    calls = []

    def analysis_table(indicators, province):
        calls.append((indicators, province))
        return analysed

    monkeypatch.setattr(cli_options, "analysis_table", analysis_table)

    out = tmp_path / "lc.xlsx"
    assert main(["export", "--province", "Lai Châu", "--out", str(out)]) == 0
    assert calls == [(None, "Lai Châu")]
    back = ex.read_back(out)
    assert len(back) == 38 and {"divide_index", "priority_tier"} <= set(back.columns)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "export" and manifest["contains_modeled_data"] is True
    assert main(["export", "--out", str(tmp_path / "x.doc")]) == 2
    assert "cannot export" in capsys.readouterr().err
