"""The validator: one test per problem class, on deliberately broken files in tests/data/indicators/."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from divide import InputError
from divide.indicators.readers import pre2025_communes
from divide.indicators.validation import CORRELATION_LIMIT, validate

D = Path(__file__).resolve().parent / "data" / "indicators"
TODAY = "2025-11-01"


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(D / "subset_utf8.csv", dtype={"commune_code": str}).set_index("commune_code")


def check(name: str, **kw):
    return validate(D / name, today=TODAY, **kw)


def problems(report) -> set[tuple[str, str]]:
    return {(f.severity, f.check) for f in report.findings if f.severity != "info"}


# --------------------------------------------------------------------------- the clean file


def test_clean_file_is_usable_with_nothing_to_fix():
    r = check("subset_utf8.csv")
    assert r.exit_code == 0 and r.usable
    assert problems(r) == set()
    assert r.reconciliation() == {"input": 164, "matched": 164, "repaired": 0, "rejected": 0}
    touched = r.coverage[r.coverage["present"] > 0]
    assert touched[["present", "expected"]].to_dict("index") == {
        "01": {"present": 126, "expected": 126}, "12": {"present": 38, "expected": 38}}
    assert len(r.coverage) == 34
    assert r.vintages["fiber_households_pct"]["age_years"] == pytest.approx(0.84, abs=0.01)


# --------------------------------------------------------------------------- đúng


def test_range(truth):
    r = check("broken_range.csv")
    assert r.exit_code == 1
    (f,) = r.find("range")
    assert f.section == "dung" and f.column == "fiber_households_pct"
    assert f.rows == [5, 9] and f.data["values"] == [104.5, -3.0]
    assert f.codes == truth.index[[3, 7]].tolist()
    assert problems(r) == {("error", "range")}


def test_counts_exceeding_villages_total(truth):
    r = check("broken_exceeds_total.csv")
    (f,) = r.find("exceeds_total")
    code = truth.index[10]
    assert f.codes == [code] and f.rows == [12] and f.column == "villages_no_signal"
    assert f.data["values"][0] == f.data["totals"][0] + 4 == truth.loc[code, "villages_total"] + 4
    assert r.exit_code == 1


def test_shares_given_as_fractions_are_reported_not_converted(truth):
    r = check("broken_fractions.csv")
    (f,) = r.find("fraction_scale")
    assert (f.severity, f.column) == ("error", "smartphone_adults_pct") and r.exit_code == 1
    assert r.table["smartphone_adults_pct"].max() <= 1
    assert "--convert-fractions" in f.fix


def test_shares_given_as_fractions_are_converted_when_asked(truth):
    r = check("broken_fractions.csv", convert_fractions=True)
    assert r.exit_code == 0
    (f,) = r.find("fraction_scale")
    assert f.severity == "info" and f.data["converted"]
    pd.testing.assert_series_equal(r.table["smartphone_adults_pct"], truth["smartphone_adults_pct"].astype(float),
                                   check_exact=False, atol=0.051, check_names=False)
    assert r.reconciliation() == {"input": 164, "matched": 0, "repaired": 164, "rejected": 0}
    assert all("fraction_converted" in o.reason for o in r.read.outcomes)


def test_values_that_are_not_numbers():
    r = check("broken_types.csv")
    (f,) = r.find("type")
    assert f.column == "online_services_pct" and f.rows == [7] and f.data["values"] == ["cao"]
    # "n.a." is a way of writing "no data", not an error
    (m,) = r.find("missing_values", "online_services_pct")
    assert m.data["missing"] == 2
    assert r.reconciliation() == {"input": 164, "matched": 163, "repaired": 1, "rejected": 0}


def test_counts_that_are_not_whole():
    r = check("broken_not_integer.csv")
    (f,) = r.find("not_integer")
    assert f.column == "villages_total" and f.data["values"] == [12.5] and f.rows == [14]


def test_unknown_codes():
    r = check("broken_unknown_codes.csv")
    (f,) = r.find("unknown_code")
    assert f.rows == [2] and f.codes == ["99999"] and f.severity == "error"
    # "ABCDE" is not a code, but the row names its commune: the code is found from the name
    repaired = r.read.rows("repaired")
    assert [(o.row, o.reason) for o in repaired] == [(3, "code_from_name")]
    assert r.reconciliation() == {"input": 164, "matched": 162, "repaired": 1, "rejected": 1}


def test_malformed_codes_without_names_are_rejected():
    t = pd.DataFrame({"ma_xa": ["03478", "34-78", "1234567"], "fiber_hh": [50, 60, 70]})
    r = validate(t, today=TODAY)
    (f,) = r.find("bad_code")
    assert f.rows == [1, 2] and r.exit_code == 1


def test_pre2025_codes_point_to_the_crosswalk():
    r = check("broken_pre2025.csv")
    (f,) = r.find("pre2025_code")
    assert f.rows == [2, 3] and f.severity == "error"
    assert "divide crosswalk" in f.fix
    details = f.data["details"]
    assert "Phường Phúc Xá" in details[0]
    # 00004 exists in 2025 (Ba Đình) but the row names the old Trúc Bạch: caught by the name
    assert "Trúc Bạch" in details[1] and "Ba Đình" in details[1]
    assert r.reconciliation()["rejected"] == 2


def test_a_whole_pre2025_table_is_called_out():
    old = pre2025_communes()
    hn = old[old["province"] == "Thành phố Hà Nội"].head(40)
    t = pd.DataFrame({"Mã": hn.index.to_numpy(), "Tên": hn["name"].to_numpy(), "fiber_hh": 50.0})
    r = validate(t, today=TODAY)
    assert ("error", "pre2025_table") in problems(r)
    # vanished codes, and reused codes given with their old names, are rejected; one old ward kept both its
    # code and its name in 2025, so only the table-level finding can say that its territory may have changed
    assert r.reconciliation()["rejected"] == 39
    assert [o.key for o in r.read.outcomes if o.status == "matched"] == ["00091"]
    assert "divide crosswalk" in r.find("pre2025_table")[0].fix


def test_names_ambiguous_or_unknown():
    r = check("broken_names.csv")
    (amb,) = r.find("ambiguous_name")
    (unk,) = r.find("name_not_found")
    # without a province, names shared by several communes are not guessed
    assert amb.rows == [2, 6, 8] and unk.rows == [9]
    assert amb.data["details"][0].startswith("'Đoàn Kết' could be Đoàn Kết (03388, Lai Châu), Đoàn Kết (04000")
    assert r.reconciliation() == {"input": 8, "matched": 4, "repaired": 0, "rejected": 4}
    assert r.exit_code == 1


# --------------------------------------------------------------------------- đủ


def test_missing_communes_and_missing_values(truth):
    r = check("broken_missing.csv")
    assert r.exit_code == 0  # incomplete but usable
    (f,) = r.find("missing_communes")
    lai_chau = truth.index[truth["province_name"] == "Lai Châu"]
    assert f.codes == lai_chau[:5].tolist() and f.data["by_province"] == {"12": 5}
    assert r.coverage.loc["12", ["present", "expected", "missing"]].tolist() == [33, 38, 5]
    assert r.coverage.loc["12", "coverage_pct"] == pytest.approx(86.8)
    (m,) = r.find("missing_values", "digital_payment_adults_pct")
    assert m.data == {"missing": 3, "rows": 159} and m.rows == [2, 3, 4]


# --------------------------------------------------------------------------- sạch


def test_duplicates_exact_and_conflicting(truth):
    r = check("broken_duplicates.csv")
    (dup,) = r.find("duplicate")
    (con,) = r.find("conflicting_duplicate")
    assert dup.severity == "warning" and dup.rows == [166] and dup.codes == [truth.index[20]]
    assert con.severity == "error" and con.rows == [23, 167] and con.codes == [truth.index[21]] * 2
    assert "fiber_households_pct" in con.data["details"][0]
    assert r.reconciliation() == {"input": 166, "matched": 163, "repaired": 0, "rejected": 3}
    assert truth.index[20] in r.table.index and truth.index[21] not in r.table.index


def test_outliers(truth):
    r = check("broken_outlier.csv")
    (f,) = r.find("outlier")
    assert f.column == "villages_total"
    assert f.data["skew"] > 2 and f.data["kurtosis"] > 3.5
    assert f.codes == [truth.index[30]] and f.data["values"] == [400.0]
    assert r.exit_code == 0


def test_near_duplicate_indicators():
    r = check("broken_near_duplicate.csv")
    (f,) = r.find("near_duplicate")
    assert f.data["pair"] == ["online_services_pct", "smartphone_adults_pct"]
    assert f.data["r"] > CORRELATION_LIMIT
    assert problems(r) == {("warning", "near_duplicate")}


# --------------------------------------------------------------------------- sống


def test_stale_vintage():
    r = check("broken_stale.csv")
    (f,) = r.find("stale")
    assert f.data["columns"] == list(r.vintages) and len(f.data["columns"]) == 9
    assert f.data["age_years"] == pytest.approx(5.8, abs=0.05)  # 2019-12-31 → 2025-11-01
    assert r.vintages["villages_total"]["oldest"].isoformat() == "2019-12-31"


def test_future_vintage_per_column():
    r = check("broken_future_vintage.csv")
    (f,) = r.find("future_vintage")
    assert f.column == "mobile_4g_pop_pct" and f.severity == "error"
    assert r.vintages["mobile_4g_pop_pct"]["source"] == "column"
    assert r.vintages["fiber_households_pct"]["values"] == ["2024"]


def test_vintage_from_file_metadata_and_argument():
    r = check("subset.parquet")
    assert r.vintages["fiber_households_pct"]["oldest"].isoformat() == "2023-12-31"
    assert r.vintages["online_services_pct"]["oldest"].isoformat() == "2024-12-31"
    assert r.vintages["online_services_pct"]["source"] == "metadata"
    g = check("laichau.gpkg")
    assert g.vintages["villages_total"]["oldest"].isoformat() == "2024-06-30"
    n = check("broken_names.csv")
    assert ("warning", "no_vintage") in problems(n)
    a = check("broken_names.csv", vintage="Quý II/2025")
    assert ("warning", "no_vintage") not in problems(a)
    assert a.vintages["fiber_households_pct"]["age_years"] == pytest.approx(0.34, abs=0.01)


# --------------------------------------------------------------------------- report


def test_unreadable_files_raise_with_exit_code_2():
    for name in ("broken_not_xlsx.xlsx", "broken_no_key.csv"):
        with pytest.raises(InputError) as err:
            check(name)
        assert err.value.exit_code == 2 and name in str(err.value)


def test_json_and_text_reports():
    r = check("broken_range.csv")
    d = json.loads(r.to_json())
    assert d["exit_code"] == 1 and d["usable"] is False
    rec = d["reconciliation"]
    assert rec["matched"] + rec["repaired"] + rec["rejected"] == rec["input"] == 164 and rec["balanced"]
    assert [f["check"] for f in d["sections"]["dung"]] == ["range"]
    assert set(d["sections"]) == {"dung", "du", "sach", "song"}
    assert len(d["rows"]) == 164
    en, vi = r.to_text(), r.to_text(lang="vi")
    for word in ("ĐÚNG (correct)", "ĐỦ (complete)", "SẠCH (clean)", "SỐNG (live)", "rows 5, 9"):
        assert word in en
    assert "164 input rows = 164 matched + 0 repaired + 0 rejected" in en
    assert en.splitlines()[-1] == "Result: problems found — 1 error, 0 warnings (exit code 1)"
    assert "Đối chiếu: 164 dòng đầu vào" in vi and "LỖI" in vi and "dòng 5, 9" in vi
    assert vi.splitlines()[-1].startswith("Kết luận: có vấn đề — 1 lỗi")


def test_validate_a_table_already_read(truth):
    table = truth.drop(columns=["vintage"])
    table.attrs["vintage"] = "2025"
    r = validate(table, today=TODAY)
    assert r.exit_code == 0 and r.vintages["villages_total"]["values"] == ["2025"]


# --------------------------------------------------------------------------- command line


@pytest.fixture()
def run_cli(monkeypatch, capsys):
    import divide.cli.app as cli
    from divide.cli import validate as _cli_validate

    original = cli.build_parser

    def build():
        parser = original()
        sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        if "validate" not in sub.choices:
            _cli_validate.add_parser(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)

    def run(*argv):
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:  # argparse misuse
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_exit_codes(run_cli):
    code, out, _ = run_cli("validate", str(D / "subset_utf8.csv"), "--today", TODAY)
    assert code == 0 and "Result: usable" in out
    code, out, _ = run_cli("validate", str(D / "broken_range.csv"), "--format", "json", "--today", TODAY)
    assert code == 1 and json.loads(out)["sections"]["dung"][0]["check"] == "range"
    code, out, _ = run_cli("validate", str(D / "broken_fractions.csv"), "--convert-fractions", "--today", TODAY)
    assert code == 0
    code, _, err = run_cli("validate", str(D / "broken_not_xlsx.xlsx"))
    assert code == 2 and "cannot open the workbook" in err and "Traceback" not in err
    code, _, err = run_cli("validate", str(D / "broken_range.csv"), "--format", "xml")
    assert code == 2


def test_cli_columns_mapping(run_cli, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("id_xa,FTTH\n3478,61.5\n3388,97\n", encoding="utf-8")
    code, _, err = run_cli("validate", str(path))
    assert code == 2 and "no commune code column" in err
    code, out, _ = run_cli("validate", str(path), "--columns", "id_xa=commune_code,FTTH=fiber_households_pct",
                           "--vintage", "2025", "--lang", "vi", "--today", TODAY)
    assert code == 0 and "Đối chiếu: 2 dòng đầu vào = 0 khớp + 2 đã sửa + 0 bị loại" in out


def test_divide_validate_is_the_function_even_after_the_module_was_imported():
    import divide
    import divide.indicators.validation  # noqa: F401  (the module has its own name: no clash with the function)

    r = divide.validate(D / "broken_range.csv", today=TODAY)
    assert r.exit_code == 1 and r.find("range")
