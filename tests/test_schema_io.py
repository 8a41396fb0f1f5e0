"""The indicator schema and the readers (every format and encoding, on files in tests/data/indicators/)."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from divide import InputError
from divide.indicators.readers import read_indicators, read_villages
from divide.indicators.schema import (
    COUNT_COLUMNS,
    INDICATOR_NAMES,
    INDICATORS,
    PCT_COLUMNS,
    VILLAGE_COLUMNS,
    alias_table,
    canonical_name,
    header_key,
    schema_table,
)

D = Path(__file__).resolve().parent / "data" / "indicators"
LAI_CHAU_CODES_FIRST = ["03388", "03390", "03394"]


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    """The clean table as written by make_files.py (canonical headers, UTF-8)."""
    return pd.read_csv(D / "subset_utf8.csv", dtype={"commune_code": str}).set_index("commune_code")


# --------------------------------------------------------------------------- schema


def test_schema_has_the_nine_indicators_in_order():
    assert INDICATOR_NAMES == (
        "fiber_households_pct", "fiber_villages_pct", "mobile_4g_pop_pct", "villages_total",
        "villages_no_signal", "villages_no_power", "online_services_pct", "smartphone_adults_pct",
        "digital_payment_adults_pct",
    )
    assert len(PCT_COLUMNS) == 6 and len(COUNT_COLUMNS) == 3
    for col in INDICATORS:
        assert col.en and col.vi and col.unit
        if col.kind == "pct":
            assert (col.min, col.max, col.direction, col.unit) == (0.0, 100.0, "higher", "%")
        else:
            assert col.kind == "count" and col.min == 0.0 and col.max is None
    directions = {c.name: c.direction for c in INDICATORS}
    assert directions["villages_total"] == "context"
    assert directions["villages_no_signal"] == directions["villages_no_power"] == "lower"
    assert {c.name: c.le for c in INDICATORS if c.le} == {
        "villages_no_signal": "villages_total", "villages_no_power": "villages_total"}


def test_shapefile_short_names_fit_and_are_unique():
    shorts = [c.short for c in INDICATORS] + [c.short for c in VILLAGE_COLUMNS]
    assert all(0 < len(s) <= 10 for s in shorts)
    assert len(set(c.short for c in INDICATORS)) == 9


def test_village_schema():
    assert [c.name for c in VILLAGE_COLUMNS] == [
        "village_id", "commune_code", "village_name", "has_mobile_signal", "has_power", "has_fiber", "population"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ma_xa", "commune_code"), ("Mã xã", "commune_code"), ("mã xã", "commune_code"), ("code", "commune_code"),
        ("MÃ XÃ", "commune_code"), ("Mã ĐVHC", "commune_code"),
        ("tỷ lệ hộ có cáp quang", "fiber_households_pct"), ("Tỉ lệ hộ có cáp quang (%)", "fiber_households_pct"),
        ("fiber_hous", "fiber_households_pct"), ("fiber_hh", "fiber_households_pct"),
        ("Số thôn lõm sóng", "villages_no_signal"), ("so thon chua co dien", "villages_no_power"),
        ("Tỷ lệ dân số được phủ sóng 4G", "mobile_4g_pop_pct"), ("Tên xã", "commune_name"),
        ("Tỉnh / Thành phố", "province_name"), ("Năm", "vintage"), ("Kỳ báo cáo", "vintage"),
        ("online_services_pct_year", "online_services_pct__vintage"), ("Ghi chú", None), ("villages_n", None),
    ],
)
def test_alias_table(header, expected):
    assert canonical_name(header) == expected


def test_village_aliases():
    assert canonical_name("Có sóng", layer="villages") == "has_mobile_signal"
    assert canonical_name("Mã thôn", layer="villages") == "village_id"
    assert canonical_name("Kinh độ", layer="villages") == "lon"
    assert canonical_name("Mã thôn") is None  # not a commune-table column


def test_header_key_folds_vietnamese():
    assert header_key("Tỷ lệ người trưởng thành có điện thoại thông minh (%)") == (
        "ty_le_nguoi_truong_thanh_co_dien_thoai_thong_minh")


def test_schema_table_for_docs():
    t = schema_table()
    assert t.index.name == "column"
    assert {"layer", "kind", "unit", "range", "direction", "meaning_en", "meaning_vi", "aliases"} <= set(t.columns)
    inds = t.loc[list(INDICATOR_NAMES)]
    assert inds["kind"].value_counts().to_dict() == {"pct": 6, "count": 3}
    assert t.loc["fiber_households_pct", "range"] == "0–100"
    assert "villages.has_power" in t.index
    aliases = alias_table()
    assert aliases.index.is_unique and (aliases["column"] == "commune_code").sum() >= 10


# --------------------------------------------------------------------------- readers, one per format


def _assert_same_values(table: pd.DataFrame, truth: pd.DataFrame, columns=INDICATOR_NAMES) -> None:
    expected = truth.loc[table.index, list(columns)].astype(float)
    pd.testing.assert_frame_equal(table[list(columns)].astype(float), expected, check_exact=False, rtol=1e-9)


def test_csv_utf8(truth):
    table, report = read_indicators(D / "subset_utf8.csv")
    assert (report.format, report.encoding, report.header_row, report.key_from) == ("csv", "utf-8", 1, "code")
    assert report.counts() == {"input": 164, "matched": 164, "repaired": 0, "rejected": 0}
    assert table.index.name == "commune_code" and table.index.is_unique
    assert all(isinstance(c, str) and len(c) == 5 for c in table.index)
    assert set(table.index.str[:2].map(lambda _: True)) == {True}
    assert table.loc["00004", "commune_name"] == "Ba Đình"
    assert table["fiber_households_pct"].dtype == np.float64
    _assert_same_values(table, truth)


def test_csv_utf8_bom_semicolon_decimal_comma(truth):
    table, report = read_indicators(D / "subset_utf8_bom.csv")
    assert report.encoding == "utf-8-sig"
    assert report.columns["Tỷ lệ hộ có cáp quang (%)"] == "fiber_households_pct"
    assert report.columns["Năm"] == "vintage"
    assert report.counts() == {"input": 164, "matched": 0, "repaired": 164, "rejected": 0}
    assert {o.reason for o in report.outcomes} == {"decimal_comma"}
    _assert_same_values(table, truth)


def test_csv_cp1258_with_names_instead_of_codes(truth):
    raw = (D / "laichau_names_cp1258.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    table, report = read_indicators(D / "laichau_names_cp1258.csv")
    assert report.encoding == "cp1258" and report.key_from == "names"
    assert report.counts() == {"input": 38, "matched": 38, "repaired": 0, "rejected": 0}
    assert table.index[:3].tolist() == LAI_CHAU_CODES_FIRST
    names = table["commune_name"].tolist()
    assert "Xã Tủa Sín Chải" in names  # decoded from combining tone marks and NFC-normalised
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    _assert_same_values(table, truth)


def test_xlsx_numeric_codes_title_row_and_total_row(truth):
    table, report = read_indicators(D / "laichau_numeric_codes.xlsx")
    assert (report.format, report.layer, report.header_row) == ("xlsx", "Số liệu", 3)
    assert report.counts() == {"input": 39, "matched": 0, "repaired": 38, "rejected": 1}
    assert report.rows("repaired")[0].detail == "code '3388' restored to '03388'"
    total = report.rows("rejected")
    assert [(o.row, o.reason) for o in total] == [(42, "total_row")]
    assert len(table) == 38 and table.index[0] == "03388"
    _assert_same_values(table, truth)


def test_xlsx_sheet_by_name_and_missing_sheet():
    _, report = read_indicators(D / "laichau_numeric_codes.xlsx", sheet="Số liệu")
    assert report.layer == "Số liệu"
    with pytest.raises(InputError, match="no sheet named 'Data'") as err:
        read_indicators(D / "laichau_numeric_codes.xlsx", sheet="Data")
    assert "Hướng dẫn" in err.value.fix


def test_geopackage_picks_the_indicator_layer(truth):
    table, report = read_indicators(D / "laichau.gpkg")
    assert report.layer == "chi_tieu_xa" and report.format == "gpkg"
    assert table.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all() and table.crs.to_epsg() == 4326
    assert report.metadata["vintage"] == "2024-06" and table.attrs["vintage"] == "2024-06"
    assert report.counts()["matched"] == 38
    _assert_same_values(table, truth)
    with pytest.raises(InputError, match="no layer named"):
        read_indicators(D / "laichau.gpkg", layer="nope")


@pytest.mark.parametrize("folder", ["shp_cp1258_cpg", "shp_cp1258_nocpg"])
def test_shapefile_cp1258_with_and_without_cpg(folder, truth):
    path = D / folder / "laichau.shp"
    assert path.with_suffix(".cpg").exists() == (folder == "shp_cp1258_cpg")
    table, report = read_indicators(path)
    assert report.encoding == "cp1258"
    assert report.columns["fiber_hh"] == "fiber_households_pct" and report.columns["ten_xa"] == "commune_name"
    assert report.counts() == {"input": 38, "matched": 38, "repaired": 0, "rejected": 0}
    assert table.loc["03529", "commune_name"] == "Tủa Sín Chải"
    assert table.loc["03562", "commune_name"] == "Sì Lở Lầu"
    _assert_same_values(table, truth)


def test_geojson_numeric_codes(truth):
    table, report = read_indicators(D / "laichau.geojson")
    assert report.format == "geojson"
    assert report.counts() == {"input": 38, "matched": 0, "repaired": 38, "rejected": 0}
    assert {o.reason for o in report.outcomes} == {"code_padded"}
    assert table.index[:3].tolist() == LAI_CHAU_CODES_FIRST and (table.geom_type == "Point").all()
    _assert_same_values(table, truth)


def test_parquet_with_vintage_metadata(truth):
    table, report = read_indicators(D / "subset.parquet")
    assert report.format == "parquet" and len(table) == 164
    assert report.metadata["vintage"]["fiber_households_pct"] == "2023"
    _assert_same_values(table, truth)


def test_utf16_tab_separated(tmp_path):
    text = "Mã xã\tTỷ lệ hộ có cáp quang\n03478\t61.5\n3388\t97\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    table, report = read_indicators(path)
    assert report.encoding == "utf-16"
    assert table["fiber_households_pct"].to_dict() == {"03478": 61.5, "03388": 97.0}


def test_explicit_column_mapping(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("id_xa,FTTH,so thon\n3478,61.5,12\n", encoding="utf-8")
    table, report = read_indicators(path, columns={"id_xa": "commune_code", "FTTH": "fiber_households_pct"})
    assert table.loc["03478"].to_dict() == {"fiber_households_pct": 61.5, "villages_total": 12.0}
    assert report.ignored_columns == []
    with pytest.raises(InputError, match="'missing' given in the column mapping is not in the file"):
        read_indicators(path, columns={"missing": "commune_code"})
    with pytest.raises(InputError, match="not a column of the schema"):
        read_indicators(path, columns={"FTTH": "fibre_speed"})


def test_two_columns_with_the_same_meaning_are_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("ma_xa,Mã xã,fiber_hh\n03478,03388,50\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns A \\('ma_xa'\\) and B \\('Mã xã'\\) both mean 'commune_code'") as err:
        read_indicators(path)
    assert str(path) in str(err.value) and "--columns" in err.value.fix
    table, _ = read_indicators(path, columns={"Mã xã": "ignore"})
    assert table.index.tolist() == ["03478"]


def test_two_columns_with_the_same_meaning_and_values_are_read_once(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("ma_xa,Mã xã,fiber_hh\n03478,03478,50\n", encoding="utf-8")
    table, report = read_indicators(path)
    assert table.index.tolist() == ["03478"] and list(table.columns) == ["fiber_households_pct"]
    (problem,) = report.problems
    assert (problem.check, problem.severity, problem.positions) == ("duplicate_column", "warning", ["A", "B"])
    assert report.ignored_columns == ["Mã xã (column B)"]


def test_names_match_without_diacritics_but_use_them_to_disambiguate():
    raw = pd.DataFrame(
        {
            "Tên xã": ["Văn Lang", "Văn Lăng", "van lang", "P. Ba Đình", "Tân Phong", "Sin Suoi Ho"],
            "Tỉnh": ["Thái Nguyên", "Thái Nguyên", "Thái Nguyên", "TP. Hà Nội", None, "lai chau"],
            "fiber_hh": [1, 2, 3, 4, 5, 6],
        }
    )
    table, report = read_indicators(raw)
    status = [(o.status, o.key, o.reason) for o in report.outcomes]
    assert status[0] == ("matched", "02143", "")
    assert status[1] == ("matched", "05665", "")
    assert status[2][0] == "rejected" and status[2][2] == "ambiguous_name"  # folded "van lang" fits both
    assert "02143" in report.outcomes[2].detail and "05665" in report.outcomes[2].detail
    assert status[3] == ("matched", "00004", "")
    assert status[4][2] == "ambiguous_name" and "add a province column" in report.outcomes[4].detail
    assert status[5] == ("matched", "03394", "")
    assert report.balanced


def test_names_file_reports_ambiguous_and_unknown():
    table, report = read_indicators(D / "broken_names.csv")
    assert report.counts() == {"input": 8, "matched": 4, "repaired": 0, "rejected": 4}
    reasons = {o.reason for o in report.rows("rejected")}
    assert reasons == {"ambiguous_name", "name_not_found"}


def test_unreadable_inputs_raise_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found") as err:
        read_indicators(tmp_path / "nope.csv")
    assert err.value.exit_code == 2
    with pytest.raises(InputError, match="cannot open the workbook"):
        read_indicators(D / "broken_not_xlsx.xlsx")
    with pytest.raises(InputError, match="no commune code column") as err:
        read_indicators(D / "broken_no_key.csv")
    assert "broken_no_key.csv" in str(err.value) and "'a', 'b'" in str(err.value)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save as .xlsx"):
        read_indicators(old)


@pytest.mark.parametrize(
    "name",
    ["subset_utf8.csv", "subset_utf8_bom.csv", "laichau_names_cp1258.csv", "laichau_numeric_codes.xlsx",
     "laichau.gpkg", "shp_cp1258_cpg/laichau.shp", "shp_cp1258_nocpg/laichau.shp", "laichau.geojson",
     "subset.parquet", "broken_duplicates.csv", "broken_pre2025.csv", "broken_unknown_codes.csv",
     "broken_types.csv"],
)
def test_every_row_is_accounted_for(name):
    table, report = read_indicators(D / name)
    c = report.counts()
    assert c["matched"] + c["repaired"] + c["rejected"] == c["input"]
    assert len(table) == c["matched"] + c["repaired"]
    assert sorted(o.key for o in report.outcomes if o.status != "rejected") == sorted(table.index)
    assert all(o.detail for o in report.outcomes if o.status != "matched")


# --------------------------------------------------------------------------- villages


def test_read_villages_with_lon_lat_and_vietnamese_yes_no():
    villages, report = read_villages(D / "villages_laichau.csv")
    assert report.counts() == {"input": 24, "matched": 0, "repaired": 24, "rejected": 0}
    assert villages.index.name == "village_id" and villages.index[0] == "03388-01"
    assert villages.crs.to_epsg() == 4326 and (villages.geom_type == "Point").all()
    assert villages["commune_code"].str.len().eq(5).all()
    assert villages["has_mobile_signal"].dtype == "boolean"
    assert villages["has_mobile_signal"].sum() == 16 and villages["has_power"].sum() == 18
    assert villages["has_fiber"].tolist()[:3] == [True, False, True]
    assert villages["population"].between(120, 900).all()


def test_read_villages_generates_ids_swaps_lonlat_and_rejects_bad_communes():
    raw = pd.DataFrame(
        {
            "commune_code": ["03478", "03478", "00001", "99999"],
            "village_name": ["Bản A", "Bản B", "Bản C", "Bản D"],
            "has_power": ["có", "không", "có", "có"],
            "lon": [103.2, 22.3, 103.0, 103.0],
            "lat": [22.3, 103.2, 22.0, 22.0],
        }
    )
    villages, report = read_villages(raw)
    assert villages.index.tolist() == ["03478-0000", "03478-0001"]
    assert [round(p.x, 1) for p in villages.geometry] == [103.2, 103.2]
    assert "lonlat_swapped" in report.outcomes[1].reason
    assert [o.reason for o in report.rows("rejected")] == ["pre2025_code", "unknown_code"]
    assert report.balanced


def test_modeled_label_follows_tables_read_from_files():
    """Files whose every row says source=modeled come back with attrs["modeled"] set; others do not."""
    import divide
    from divide import settings

    villages, _ = divide.read_villages(settings.DATA_DIR / "modeled" / "villages_2025_modeled.gpkg")
    assert villages.attrs["modeled"] is True and len(villages) == 98_532
    table, _ = divide.read_indicators(Path(__file__).parent / "data" / "indicators" / "subset_utf8.csv")
    assert table.attrs["modeled"] is False
