"""Reading users' files (issue 14, items 3–6): header without rows, Excel's apostrophe, a column given twice,
counts with an ambiguous thousands separator.

Each case goes through the command line (`divide validate FILE`, and `divide index FILE --out` where a failure
must write nothing): exit code, no traceback, a message naming the file and the column, the input unchanged;
and through the Python API (`divide.read_indicators`, `divide.read_villages`, `divide.validate`).
Row numbers are spreadsheet rows: the header on row 1, the first data row is row 2.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import divide
from divide import InputError
from divide.cli.app import main

TODAY = "2025-11-01"
ROOT = Path(__file__).resolve().parent.parent
# Three communes of Lai Châu (2025 codes), and a clean tail for a table's rows.
C1, C2, C3 = "03388", "03390", "03394"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def cli(capsys):
    """``cli(*argv) -> (exit code, stdout, stderr)`` through :func:`divide.cli.app.main`."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def validate_cli(cli, path: Path, *extra: str) -> tuple[int, str, str]:
    """`divide validate PATH` with the input checked unchanged and no traceback."""
    before = sha(path)
    code, out, err = cli("validate", path, "--today", TODAY, *extra)
    assert "Traceback" not in out + err
    assert sha(path) == before
    return code, out, err


def index_writes_nothing(cli, path: Path, tmp_path: Path) -> str:
    """`divide index PATH --out X` fails validation (exit 1) and writes nothing; returns stderr."""
    out = tmp_path / "out" / "index.csv"
    before = sha(path)
    code, _, err = cli("-q", "index", path, "--out", out)
    assert code == 1 and "nothing written" in err and "Traceback" not in err
    assert not out.exists() and not out.parent.exists() and sha(path) == before
    return err


def balanced(report) -> bool:
    c = report.counts()
    return c["matched"] + c["repaired"] + c["rejected"] == c["input"]


# --------------------------------------------------------------------------- 3. a header and no rows


def test_csv_with_a_header_and_no_rows_is_unusable(cli, tmp_path):
    path = write(tmp_path / "empty.csv", "commune_code,fiber_households_pct,vintage\n")
    code, out, _ = validate_cli(cli, path)
    assert code == 1
    assert "ERROR  empty.csv: the file has a header but no data rows (header on row 1)" in out
    assert "fix: add one row per commune under the header" in out
    assert out.splitlines()[-1].startswith("Result: problems found — 1 error")
    code, out, _ = validate_cli(cli, path, "--format", "json")
    (finding,) = [f for f in json.loads(out)["sections"]["du"] if f["check"] == "no_data_rows"]
    assert code == 1 and finding["severity"] == "error"
    index_writes_nothing(cli, path, tmp_path)

    with pytest.raises(InputError, match="has a header but no data rows") as err:
        divide.read_indicators(path)
    assert str(path) in str(err.value) and err.value.exit_code == 2
    report = divide.validate(path, today=TODAY)
    assert report.exit_code == 1 and [f.check for f in report.errors] == ["no_data_rows"]
    assert report.reconciliation() == {"input": 0, "matched": 0, "repaired": 0, "rejected": 0}


def test_only_empty_rows_under_the_header_is_no_rows(cli, tmp_path):
    path = write(tmp_path / "blank.csv", "Mã xã;Số thôn\n;\n ; \n")
    code, out, _ = validate_cli(cli, path)
    assert code == 1 and "blank.csv: the file has a header but no data rows (header on row 1; 2 empty rows" in out


def test_the_report_of_an_unusable_file_is_written_and_only_it(cli, tmp_path):
    """`--out` of validate is the report: written on exit 1 (it says why), nothing else is written."""
    path = write(tmp_path / "empty.csv", "commune_code,villages_total\n")
    report = tmp_path / "report.txt"
    code, _, err = validate_cli(cli, path, "--out", report)
    assert code == 1 and f"wrote {report} (exit code 1)" in err
    assert "no data rows" in report.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "report.txt"]
    # the report may not go over its input
    before = sha(path)
    code, _, err = cli("validate", path, "--out", path)
    assert code == 2 and "Traceback" not in err and sha(path) == before


def test_workbook_sheet_with_only_a_header(cli, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["Báo cáo hạ tầng số cấp xã"])
    ws.append(["Mã xã", "Tỷ lệ hộ có cáp quang (%)"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    code, out, _ = validate_cli(cli, path)
    assert code == 1
    assert "book.xlsx: the sheet has a header but no data rows (sheet 'Số liệu'; header on row 2)" in out
    assert "--sheet" in out
    with pytest.raises(InputError, match="sheet 'Số liệu'"):
        divide.read_indicators(path)


def test_read_villages_with_a_header_and_no_rows(tmp_path):
    path = write(tmp_path / "villages.csv", "Mã thôn,Mã xã,Có sóng,Kinh độ,Vĩ độ\n")
    before = sha(path)
    with pytest.raises(InputError, match="villages.csv: the file has a header but no data rows"):
        divide.read_villages(path)
    villages, report = divide.read_villages(path, problems="report")
    assert len(villages) == 0 and [p.check for p in report.problems] == ["no_data_rows"]
    assert sha(path) == before


def test_an_empty_dataframe_is_refused_by_the_reader_and_an_error_of_the_validator():
    frame = pd.DataFrame({"commune_code": [], "villages_total": []})
    with pytest.raises(InputError, match="the table has columns but no rows"):
        divide.read_indicators(frame)
    assert divide.validate(frame, today=TODAY).find("no_data_rows")[0].severity == "error"


# --------------------------------------------------------------------------- 4. Excel's apostrophe


def test_codes_with_excels_apostrophe_are_repaired_and_reported(cli, tmp_path):
    path = write(tmp_path / "apostrophe.csv",
                 f"commune_code,fiber_households_pct,vintage\n'{C1},50,2025\n\u2019{C2[1:]},60,2025\n"
                 f"\u2018{C3},70,2025\n")
    code, out, _ = validate_cli(cli, path)
    assert code == 0, out
    assert "3 input rows = 0 matched + 3 repaired + 0 rejected" in out
    assert "3 rows: leading apostrophes" in out and "rows 2, 3, 4" in out
    table, report = divide.read_indicators(path)
    assert table.index.tolist() == [C1, C2, C3]
    assert [o.reason for o in report.outcomes] == ["apostrophe", "apostrophe+code_padded", "apostrophe"]
    assert [(i.row, i.column, i.value, i.action) for i in report.value_issues] == [
        (2, "commune_code", f"'{C1}", "apostrophe"), (3, "commune_code", f"\u2019{C2[1:]}", "apostrophe"),
        (4, "commune_code", f"\u2018{C3}", "apostrophe")]
    assert balanced(report)


def test_apostrophes_in_a_workbook_and_in_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã xã", "Số thôn"])
    ws.append([f"'{C1}", "'12"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    table, report = divide.read_indicators(path)
    assert table.loc[C1, "villages_total"] == 12.0
    assert report.outcomes[0].row == 2 and report.outcomes[0].reason == "apostrophe"
    assert {i.column for i in report.value_issues} == {"commune_code", "villages_total"}


def test_village_ids_and_commune_codes_with_an_apostrophe(tmp_path):
    path = write(tmp_path / "villages.csv",
                 f"Mã thôn,Mã xã,Có sóng,Kinh độ,Vĩ độ\n'T1,'{C1},có,103.40,22.43\nT2,\u2019{C1[1:]},không,103.41,22.44\n")
    villages, report = divide.read_villages(path)
    assert villages.index.tolist() == ["T1", "T2"] and villages["commune_code"].tolist() == [C1, C1]
    assert [o.reason for o in report.outcomes] == ["apostrophe", "apostrophe+code_padded"]
    assert [(i.row, i.column) for i in report.value_issues] == [(2, "commune_code"), (3, "commune_code"),
                                                                 (2, "village_id")]
    assert balanced(report)


# --------------------------------------------------------------------------- 5. a column given twice


def test_the_same_header_twice_with_different_values(cli, tmp_path):
    path = write(tmp_path / "twice.csv",
                 "commune_code,villages_total,fiber_households_pct,ghi chú,vintage,fiber_households_pct\n"
                 f"{C1},5,50,,2025,60\n{C2},6,55,,2025,55\n")
    code, out, _ = validate_cli(cli, path)
    assert code == 1
    assert "ERROR  twice.csv: columns C and F are both 'fiber_households_pct', with different values" in out
    assert "fix: keep the right one: delete the other column or give it another header" in out
    code, out, _ = validate_cli(cli, path, "--format", "json")
    d = json.loads(out)
    (finding,) = [f for f in d["sections"]["dung"] if f["check"] == "repeated_column"]
    assert finding["column"] == "fiber_households_pct" and finding["data"]["positions"] == ["C", "F"]
    assert "fiber_households_pct (column F)" in d["read"]["ignored_columns"]
    index_writes_nothing(cli, path, tmp_path)

    with pytest.raises(InputError, match="columns C and F are both 'fiber_households_pct'") as err:
        divide.read_indicators(path)
    assert "twice.csv" in str(err.value)
    table, report = divide.read_indicators(path, problems="report")
    assert table["fiber_households_pct"].tolist() == [50.0, 55.0]  # column C is the one read
    assert balanced(report)


def test_two_aliases_of_one_column_with_different_values(cli, tmp_path):
    path = write(tmp_path / "aliases.csv", f"Mã xã,villages_total,commune_code\n{C1},5,{C2}\n")
    code, out, _ = validate_cli(cli, path)
    assert code == 1
    assert "aliases.csv: columns A ('Mã xã') and C ('commune_code') both mean 'commune_code', with different values" in out
    assert "--columns 'Mã xã=commune_code,commune_code=ignore'" in out
    with pytest.raises(InputError, match="both mean 'commune_code'"):
        divide.read_indicators(path)
    code, out, _ = validate_cli(cli, path, "--columns", "commune_code=ignore", "--vintage", "2025")
    assert code == 0 and "both mean" not in out


def test_a_column_written_twice_with_the_same_values_is_read_once(cli, tmp_path):
    path = write(tmp_path / "copy.csv", f"commune_code,Số thôn,vintage,villages_total\n{C1},5,2025,5\n{C2},7,2025,7\n")
    code, out, _ = validate_cli(cli, path)
    assert code == 0
    assert ("WARN   copy.csv: columns B ('Số thôn') and D ('villages_total') both mean 'villages_total', "
            "with the same values; column D was left out") in out
    table, report = divide.read_indicators(path)
    assert table["villages_total"].tolist() == [5.0, 7.0] and [p.check for p in report.problems] == ["duplicate_column"]


def test_repeated_columns_in_a_workbook_a_dataframe_and_a_village_layer(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã xã", "Số thôn", "Số thôn"])
    ws.append([C1, 5, 6])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="columns B and C are both 'Số thôn' \\(villages_total\\)"):
        divide.read_indicators(path)
    frame = pd.DataFrame([[C1, 5, 6]], columns=["commune_code", "villages_total", "villages_total"])
    report = divide.validate(frame, today=TODAY)
    assert report.exit_code == 1 and "columns 2 and 3 are both 'villages_total'" in report.errors[0].message
    villages = write(tmp_path / "villages.csv", f"Mã thôn,Mã xã,Dân số,Dân số\nT1,{C1},100,120\n")
    with pytest.raises(InputError, match="columns C and D are both 'Dân số' \\(population\\)"):
        divide.read_villages(villages)


# --------------------------------------------------------------------------- 6. thousands separators in counts


def test_counts_with_an_ambiguous_thousands_separator(cli, tmp_path):
    path = write(tmp_path / "counts.csv",
                 "commune_code,villages_total,villages_no_signal,fiber_households_pct,vintage\n"
                 f'{C1},"1.234",3,"1.234",2025\n{C2},12,"2,000",50,2025\n{C3},9,1,"12,500",2025\n')
    code, out, _ = validate_cli(cli, path)
    assert code == 1  # 2000 villages without signal of 12: exceeds the total
    assert ("WARN   villages_total: 1 count written with a separator that could be a thousands separator or a "
            "decimal point; read as whole numbers ('1.234' as 1234)") in out
    assert "fix: check these values and write 1234 without a separator (not 1.234)" in out
    assert "villages_no_signal: 1 count written with a separator" in out and "'2,000' as 2000" in out
    code, out, _ = validate_cli(cli, path, "--format", "json")
    found = {f["column"]: f for f in json.loads(out)["sections"]["dung"] if f["check"] == "ambiguous_separator"}
    assert sorted(found) == ["villages_no_signal", "villages_total"]
    assert found["villages_total"]["rows"] == [2] and found["villages_no_signal"]["rows"] == [3]
    assert "fiber_households_pct" not in found  # a share: 1.234 is 1.234 %

    table, report = divide.read_indicators(path)
    assert table["villages_total"].tolist() == [1234.0, 12.0, 9.0]
    assert table["villages_no_signal"].tolist() == [3.0, 2000.0, 1.0]
    assert table["fiber_households_pct"].tolist() == [1.234, 50.0, 12.5]
    assert [o.reason for o in report.outcomes] == ["ambiguous_separator", "ambiguous_separator", "decimal_comma"]
    assert balanced(report)


def test_a_fractional_count_stays_an_error_and_grouped_counts_are_read(cli, tmp_path):
    path = write(tmp_path / "frac.csv",
                 f'commune_code,villages_total,villages_no_power,vintage\n{C1},"1,5",0,2025\n{C2},1.5,0,2025\n'
                 f'{C3},"1.234.567",0,2025\n')
    code, out, _ = validate_cli(cli, path)
    assert code == 1 and "villages_total: 2 counts not whole (1.5, 1.5)" in out and "rows 2, 3" in out
    assert "ambiguous_separator" not in out and "could be a thousands separator" not in out
    table, report = divide.read_indicators(path)
    assert table["villages_total"].tolist() == [1.5, 1.5, 1234567.0]
    assert report.outcomes[2].reason == "thousands_separator"


def test_spreadsheet_rows_are_reported_under_a_title_row(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Báo cáo số thôn"])
    ws.append(["Mã xã", "Số thôn", "Số thôn lõm sóng"])
    ws.append([C1, 12, 1])
    ws.append([C2, "1.500", 2])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    report = divide.validate(path, today=TODAY, vintage=2025)
    (f,) = report.find("ambiguous_separator")
    assert f.rows == [4] and f.column == "villages_total" and f.severity == "warning"
    assert report.table.loc[C2, "villages_total"] == 1500.0


def test_population_of_villages_is_a_count(tmp_path):
    path = write(tmp_path / "villages.csv",
                 f'Mã thôn,Mã xã,Dân số,Kinh độ,Vĩ độ\nT1,{C1},"1.234","103,408",22.435\nT2,{C1},388,103.41,22.44\n')
    villages, report = divide.read_villages(path)
    assert villages["population"].tolist() == [1234.0, 388.0]
    assert villages.geometry.iloc[0].x == pytest.approx(103.408)  # a coordinate: the comma is a decimal mark
    (issue,) = [i for i in report.value_issues if i.column == "population"]
    assert (issue.row, issue.action) == (2, "ambiguous_separator")
    assert "read as 1234" in issue.detail and balanced(report)


# --------------------------------------------------------------------------- as a user runs it


def test_python_m_divide_validate_a_repeated_header(tmp_path):
    path = write(tmp_path / "twice.csv", f"commune_code,villages_total,villages_total\n{C1},5,6\n")
    before = sha(path)
    done = subprocess.run([sys.executable, "-m", "divide", "validate", str(path), "--today", TODAY],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "twice.csv: columns B and C are both 'villages_total', with different values" in done.stdout
    assert sha(path) == before
