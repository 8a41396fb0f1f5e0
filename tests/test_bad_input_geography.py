"""Issue 14, items 7, 9, 11 and 12: row numbers, provinces people type, the official crosswalk's errors.

Each command-line case checks the exit code, that no traceback is shown, that the message names the option,
file or column, that nothing is written on failure and that the inputs are unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import digest, files_below, run_divide

import divide
from divide import InputError
from divide.cli.app import main as app_main
from divide.geography import crosswalk as cx
from divide.geography.communes import province_table, resolve_province
from divide.geography.names import PROVINCE_ABBREVIATIONS, fold, province_key


@pytest.fixture(scope="module")
def cleaned():
    return cx.clean_crosswalk()


@pytest.fixture(scope="module")
def register():
    return cx.load_communes_pre2025()


# ------------------------------------------------------------------ 7. spreadsheet rows everywhere


def _messy_csv(path: Path) -> Path:
    # Line 1 header; line 3 blank; line 5-6 one record whose name cell holds a line break.
    path.write_text(
        "ma_xa,ten,dan_so\n"
        "00382,Minh Trí,9000\n"
        "\n"
        "99999,Nowhere,5\n"
        '00397,"Minh\nPhú",6000\n'
        "00415,Tân Dân,x\n",
        encoding="utf-8",
    )
    return path


def test_crosswalk_numbers_rows_as_the_spreadsheet_does(tmp_path, capsys):
    src = _messy_csv(tmp_path / "old.csv")
    before = digest(src)
    out = tmp_path / "new.csv"
    code = app_main(["crosswalk", str(src), "--out", str(out), "--code-column", "ma_xa", "--extensive", "dan_so"])
    assert code == 1
    printed = capsys.readouterr().out
    rec = pd.read_csv(tmp_path / "new_reconciliation.csv", dtype={"old_code": str})
    # The blank line is not a row; the record with a line break ends on line 6; the last data row is line 7.
    assert rec["row"].tolist() == [2, 4, 6, 7]
    assert rec.set_index("row").loc[4, "reason"].startswith("unknown code '99999'")
    assert "not a number in column 'dan_so'" in rec.set_index("row").loc[7, "reason"]
    assert "row 4 (99999)" in printed and "row 7 (00415)" in printed
    assert digest(src) == before


def test_crosswalk_and_validate_give_the_same_row_number(tmp_path, capsys):
    src = tmp_path / "t.csv"
    src.write_text("commune_code,population\n00382,10\n\n99999,5\n", encoding="utf-8")
    _, report = divide.read_indicators(src, problems="report")
    validate_rows = {o.row for o in report.outcomes if o.status == "rejected"}
    assert app_main(["crosswalk", str(src), "--out", str(tmp_path / "o.csv"), "--code-column", "commune_code",
                     "--extensive", "population"]) == 1
    capsys.readouterr()
    rec = pd.read_csv(tmp_path / "o_reconciliation.csv")
    assert set(rec.loc[rec["status"] == "rejected", "row"]) == validate_rows == {4}


def test_crosswalk_workbook_with_title_rows_uses_the_sheet_row(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Dân số 2019 theo xã (pre-2025)"])
    ws.append([None])
    ws.append(["ma_xa", "dan_so"])
    ws.append(["00382", 9000])
    ws.append([99999, 5])
    src = tmp_path / "old.xlsx"
    wb.save(src)
    before = digest(src)
    assert app_main(["crosswalk", str(src), "--out", str(tmp_path / "n.csv"), "--code-column", "ma_xa",
                     "--extensive", "dan_so"]) == 1
    assert "row 5 (99999)" in capsys.readouterr().out
    rec = pd.read_csv(tmp_path / "n_reconciliation.csv")
    assert rec["row"].tolist() == [4, 5]
    assert digest(src) == before


@pytest.mark.parametrize("content, column, message", [
    ("ma_xa,dan_so\n", "ma_xa", "the table has no rows"),
    ("ma_xa,dan_so\n00382,9000\n", "ma", "column(s) not in the table: 'ma'"),
])
def test_crosswalk_unusable_input_writes_nothing(tmp_path, content, column, message):
    src = tmp_path / "old.csv"
    src.write_text(content, encoding="utf-8")
    listing = files_below(tmp_path)
    result = run_divide("crosswalk", str(src), "--out", str(tmp_path / "new.csv"), "--code-column", column,
                  "--extensive", "dan_so", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr and "old.csv" in result.stderr
    assert files_below(tmp_path) == listing and src.read_text(encoding="utf-8") == content


def test_crosswalk_refuses_other_formats_naming_the_file(tmp_path):
    src = tmp_path / "old.gpkg"
    src.write_bytes(b"not really")
    result = run_divide("crosswalk", str(src), "--out", str(tmp_path / "new.csv"), "--code-column", "ma",
                  "--extensive", "n", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "old.gpkg" in result.stderr and "CSV" in result.stderr
    assert files_below(tmp_path) == ["old.gpkg"]


# ------------------------------------------------------------------ 9. provinces as people type them


def _old_provinces(register: pd.DataFrame, cleaned) -> dict[str, tuple[str, str]]:
    """Old province code -> (name without prefix, the one 2025 province code its communes went to)."""
    cw, _ = cleaned
    names = register.drop_duplicates("province_code").set_index("province_code")["province_name"]
    targets = cw.groupby(cw["old_code"].map(register["province_code"]))["new_province_code"].unique()
    out = {}
    for code, name in names.items():
        assert len(targets[code]) == 1, (code, targets[code])  # no old province is split
        out[code] = (name.removeprefix("Tỉnh ").removeprefix("Thành phố "), targets[code][0])
    return out


def test_all_63_pre2025_provinces_name_their_2025_province(register, cleaned):
    table = province_table()
    old = _old_provinces(register, cleaned)
    assert len(old) == 63
    refused = 0
    for name, new_code in old.values():
        new_name = table.at[new_code, "province_name"]
        if province_key(name) == province_key(new_name):
            assert resolve_province(name) == new_code, name  # still a province of 2025, same name
            continue
        refused += 1
        for spelling in (name, fold(name), f"Tỉnh {name}"):
            with pytest.raises(InputError) as err:
                resolve_province(spelling)
            text = str(err.value)
            assert f"{name} is a pre-2025 province" in text, spelling
            assert f"part of {new_name} (code {new_code})" in text and f"--province {new_name!r}" in text
    assert refused == 63 - 34


def test_hà_giang_message_as_asked():
    with pytest.raises(InputError) as err:
        resolve_province("Hà Giang")
    assert err.value.message == "Hà Giang is a pre-2025 province; since 2025-07-01 it is part of Tuyên Quang (code 08)"
    assert "use --province 'Tuyên Quang'" in err.value.fix


def test_pre2025_codes_name_their_2025_province():
    with pytest.raises(InputError, match=r"code 02 was Hà Giang's before 2025; .* part of Tuyên Quang \(code 08\)"):
        resolve_province("02")
    with pytest.raises(InputError, match=r"code 10 was Lào Cai's before 2025; .* part of Lào Cai \(code 15\)"):
        resolve_province(10)
    with pytest.raises(InputError, match="no province has code '99'"):
        resolve_province("99")
    assert resolve_province("80") == "80"  # a 2025 code (Tây Ninh) wins over the pre-2025 one (Long An)


@pytest.mark.parametrize("typed, code", [
    ("TP.HCM", "79"), ("TPHCM", "79"), ("TP HCM", "79"), ("tp. hcm", "79"), ("HCM", "79"), ("HCMC", "79"),
    ("Sài Gòn", "79"), ("Saigon", "79"), ("Thành phố Hồ Chí Minh", "79"), ("Ho Chi Minh City", "79"),
    ("HN", "01"), ("Hà Nội", "01"), ("Ha Noi", "01"), ("Hanoi", "01"), ("TP. Hà Nội", "01"),
    ("ĐN", "48"), ("DN", "48"), ("Da Nang", "48"), ("HP", "31"), ("CT", "92"),
    ("Huế", "46"), ("TT Huế", "46"), ("TT-Huế", "46"), ("Thừa Thiên Huế", "46"), ("Thừa Thiên - Huế", "46"),
    ("Laocai", "15"), ("Daklak", "66"), ("Đắc Lắc", "66"),
])
def test_abbreviations_resolve(typed, code):
    assert resolve_province(typed) == code


def test_abbreviation_of_a_pre2025_province_gets_the_pre2025_message():
    for typed in ("BRVT", "BR-VT", "Bà Rịa - Vũng Tàu", "Ba Ria Vung Tau"):
        with pytest.raises(InputError) as err:
            resolve_province(typed)
        assert err.value.message.startswith("Bà Rịa - Vũng Tàu is a pre-2025 province")
        assert "TP. Hồ Chí Minh (code 79)" in err.value.message


def test_every_abbreviation_stands_for_a_known_province(register):
    known = {province_key(n) for n in province_table()["province_name"]} | {
        province_key(n) for n in register["province_name"].unique()}
    for short, full in PROVINCE_ABBREVIATIONS.items():
        assert province_key(full) in known, (short, full)
        assert province_key(short) == province_key(full)


def test_suggestions_use_2025_names_and_say_what_a_pre2025_name_is_part_of():
    with pytest.raises(InputError) as err:
        resolve_province("Ha Giag")
    assert "unknown province 'Ha Giag'" in err.value.message
    assert "'Tuyên Quang' (which includes the pre-2025 Hà Giang)" in err.value.fix
    with pytest.raises(InputError) as err:
        resolve_province("HCMM")
    assert "'TP. Hồ Chí Minh'" in err.value.fix


@pytest.mark.parametrize("argv", [
    ["export", "--province", "Hà Giang", "--out", "x.csv"],
    ["template", "--province", "BRVT", "--out", "x.xlsx"],
])
def test_cli_pre2025_province_exits_2_and_writes_nothing(tmp_path, argv):
    result = run_divide(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "is a pre-2025 province; since 2025-07-01 it is part of" in result.stderr
    assert "--province" in result.stderr
    assert files_below(tmp_path) == []


# ------------------------------------------------------------------ 11. a row naming another commune of the district


def test_dang_xa_row_is_corrected(cleaned, register):
    cw, rep = cleaned
    row = cw[cw["source_row"] == 426].iloc[0]
    assert (row["old_code_published"], row["old_code"], row["old_name"], bool(row["code_corrected"])) == (
        "00553", "00556", "Xã Đặng Xá", True)
    assert register.loc["00556", "old_name"] == "Xã Đặng Xá" and register.loc["00553", "old_name"] == "Xã Cổ Bi"
    # Cổ Bi no longer goes to Thuận An (00562); Đặng Xá goes to Phù Đổng (00541) and Thuận An.
    assert sorted(cw.loc[cw["old_code"] == "00553", "new_code"]) == ["00136", "00541", "00565"]
    assert sorted(cw.loc[cw["old_code"] == "00556", "new_code"]) == ["00541", "00562"]
    fix = next(c for c in rep["codes_corrected"] if c["source_row"] == 426)
    assert fix == {
        "source_row": 426, "old_name": "Xã Đặng Xá", "old_code_published": "00553", "old_code": "00556",
        "register_name_at_published_code": "Xã Cổ Bi", "old_district": "Huyện Gia Lâm", "new_code": "00562",
        "new_name": "Xã Thuận An", "rule": "another_commune_of_the_district",
    }
    assert len(rep["codes_corrected"]) == 3


def test_co_bi_values_are_not_split_to_thuan_an_through_the_cli(tmp_path, capsys):
    src = tmp_path / "gia_lam.csv"
    pd.DataFrame({"ma": ["00553", "00556"], "dan_so": [1000, 500]}).to_csv(src, index=False)
    out = tmp_path / "on_2025.csv"
    assert app_main(["crosswalk", str(src), "--out", str(out), "--code-column", "ma", "--extensive", "dan_so",
                     "--no-notes"]) == 0
    capsys.readouterr()
    both = pd.read_csv(out, dtype={"commune_code": str}).set_index("commune_code")
    assert sorted(both.index) == ["00136", "00541", "00562", "00565"]
    assert both["dan_so"].sum() == pytest.approx(1500)
    alone = tmp_path / "co_bi.csv"
    pd.DataFrame({"ma": ["00553"], "dan_so": [1000]}).to_csv(alone, index=False)
    assert app_main(["crosswalk", str(alone), "--out", str(tmp_path / "cb.csv"), "--code-column", "ma",
                     "--extensive", "dan_so"]) == 0
    capsys.readouterr()
    cb = pd.read_csv(tmp_path / "cb.csv", dtype={"commune_code": str}).set_index("commune_code")
    assert "00562" not in cb.index and cb["dan_so"].sum() == pytest.approx(1000)
    # With the official note, Đặng Xá's people all go to Thuận An ("part of the area, all the population").
    dx, rep = cx.crosswalk_to_2025(pd.DataFrame({"ma": ["00556"], "n": [500]}), "ma", extensive="n")
    assert rep.rows["split_method"].tolist() == ["official_note"]
    assert dx.loc["00562", "n"] == 500 and dx.loc["00541", "n"] == 0


def test_the_built_files_record_the_correction():
    report = json.loads(cx.CROSSWALK_REPORT_JSON.read_text(encoding="utf-8"))
    assert [c["source_row"] for c in report["codes_corrected"]] == [426, 912, 1260]
    readme = (cx.ADMIN_DIR / "README_crosswalk.md").read_text(encoding="utf-8")
    assert "| 426 | Xã Đặng Xá (Huyện Gia Lâm) | 00553 (Xã Cổ Bi) | 00556 |" in readme
    assert "do not edit by hand" in readme
    built = cx.load_crosswalk()
    assert built.loc[built["source_row"] == 426, "old_code"].tolist() == ["00556"]


# ------------------------------------------------------------------ 12. the old province from the register


def test_old_province_codes_come_from_the_register(cleaned, register):
    cw, rep = cleaned
    by_code = cw.drop_duplicates("old_code").set_index("old_code")
    assert by_code.loc["27691", ["old_province_code", "old_province_name"]].tolist() == ["80", "Tỉnh Long An"]
    assert by_code.loc["30781", ["old_province_code", "old_province_name"]].tolist() == ["91", "Tỉnh Kiên Giang"]
    reg = register.reindex(cw["old_code"])
    assert (cw["old_province_code"].to_numpy() == reg["province_code"].to_numpy()).all()
    assert (cw["old_district_code"].to_numpy() == reg["district_code"].to_numpy()).all()
    assert [(c["source_row"], c["old_code"], c["published"], c["register"]) for c in rep["old_places_corrected"]] == [
        (8914, "27691", "794/82", "794/80"), (10030, "30781", "900/89", "900/91")]
    # Every old province now goes to exactly one 2025 province.
    assert (cw.groupby("old_province_code")["new_province_code"].nunique() == 1).all()
    built = json.loads(cx.CROSSWALK_REPORT_JSON.read_text(encoding="utf-8"))
    assert built["old_places_corrected"] == rep["old_places_corrected"]
