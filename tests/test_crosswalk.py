"""The official old → new commune crosswalk and the conversion of pre-2025 tables (issue 9)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest

from divide import InputError
from divide.cli.app import main as divide_main
from divide.geography import crosswalk as cx
from divide.geography.names import fold

CODES_CSV = "crosswalk/old_codes_small.csv"
NAMES_CSV = "crosswalk/old_names_small.csv"
RAW_EXCERPT = "crosswalk/raw_excerpt.csv"


def cli_main(argv: list[str]) -> int:
    """``divide crosswalk ARGS`` through the command line's one entry point."""
    return divide_main(["crosswalk", *argv])


@pytest.fixture(scope="module")
def cleaned():
    return cx.clean_crosswalk()


@pytest.fixture(scope="module")
def register():
    return cx.load_communes_pre2025()


@pytest.fixture(scope="module")
def synthetic(register):
    """A realistic table of all 10,035 pre-2025 communes: population, villages, a rate."""
    rng = np.random.default_rng(20250701)
    n = len(register)
    return pd.DataFrame(
        {
            "ma_xa": register.index,
            "dan_so": rng.integers(800, 45_000, n),
            "so_thon": rng.integers(3, 25, n),
            "ty_le": rng.uniform(0.2, 1.0, n).round(4),
        }
    )


# ------------------------------------------------------------------ cleaning


def test_all_pairs_and_codes_survive_cleaning(cleaned):
    cw, rep = cleaned
    assert len(cw) == 10_565
    assert cw["old_code_published"].nunique() == 10_033
    assert cw["new_code"].nunique() == 3_316
    assert not cw.duplicated(["old_code", "new_code"]).any()
    assert rep["province_heading_rows"] == 34
    assert rep["header_record"] == 2
    for col in ("old_code", "new_code", "old_code_published"):
        assert cw[col].str.fullmatch(r"\d{5}").all()
    assert cw["old_district_code"].str.fullmatch(r"\d{3}").all()
    assert cw["old_province_code"].str.fullmatch(r"\d{2}").all()
    for col in ("old_name", "new_name", "old_province_name", "new_province_name", "note"):
        assert all(unicodedata.is_normalized("NFC", v) and v == v.strip() and "\n" not in v for v in cw[col])
    assert set(cw["note_category"]) == set(cx.NOTE_CATEGORIES)
    assert rep["pairs_by_category"] == {
        "whole": 9464, "part": 827, "part_of_area": 83, "part_of_area_all_population": 58,
        "part_of_population": 2, "unchanged": 127, "renamed": 2, "type_changed": 2,
    }
    # The raw note is kept as published, with its variants.
    assert {"Nhâp một phần diện tích", "Nhập một phần\n", "Nhập một  phần"} <= set(cw["note_raw"])


def test_published_code_typos_are_corrected_from_the_register(cleaned, register):
    cw, rep = cleaned
    fixed = cw[cw["code_corrected"]].sort_values("source_row")
    assert fixed[["source_row", "old_code_published", "old_code", "old_name"]].values.tolist() == [
        [426, "00553", "00556", "Xã Đặng Xá"],
        [912, "01615", "01651", "Xã Mỹ Hưng"],
        [1260, "02485", "02482", "Xã Phú Thịnh"],
    ]
    assert register.loc[["00556", "01651", "02482"], "old_name"].tolist() == ["Xã Đặng Xá", "Xã Mỹ Hưng", "Xã Phú Thịnh"]
    assert [c["rule"] for c in rep["codes_corrected"]] == ["another_commune_of_the_district", "code_unused", "code_unused"]
    assert cw["old_code"].nunique() == 10_035
    assert rep["register_communes_not_covered_published"] == ["01651", "02482"]
    assert rep["register_communes_not_covered"] == []
    # After the corrections, 440 old communes are split (Cổ Bi over 3, Đặng Xá over 2).
    assert rep["old_communes_split"] == 440
    assert rep["old_communes_by_receivers"] == {"1": 9595, "2": 368, "3": 55, "4": 16, "5": 1}
    # No other row names another commune of its district (checked nationally by the rule itself):
    # every remaining name difference is a spelling of the same commune.
    folded = register["old_name"].map(fold)
    rest = cw[~cw["code_corrected"] & (cw["old_name"].map(fold) != cw["old_code"].map(folded))]
    for r in rest.itertuples():
        same = register[(register["district_code"] == r.old_district_code) & (folded == fold(r.old_name))]
        assert same.empty, r


def test_classify_note_variants():
    assert cx.classify_note("Nhâp một phần diện tích") == "part_of_area"
    assert cx.classify_note("Nhập một  phần") == "part"
    assert cx.classify_note("Nhập một phần\n") == "part"
    assert cx.classify_note("Giữ nguyên ") == "unchanged"
    assert cx.classify_note("Đổi loại hình") == "type_changed"
    assert cx.classify_note("Đổi tên") == "renamed"
    assert cx.classify_note("Sắp xếp toàn bộ xã Thổ Châu thành đặc khu Thổ Châu") == "whole"
    with pytest.raises(ValueError):
        cx.classify_note("Chia đôi")


def test_clean_raw_excerpt(test_data, register):
    cw, rep = cx.clean_crosswalk(test_data / RAW_EXCERPT, register=register)
    assert len(cw) == 13
    assert rep["province_heading_rows"] == 2
    assert [r["new_code"] for r in rep["rows_without_old_code"]] == ["11948"]
    assert cw.set_index("old_code").loc["14503", "old_name"] == "Xã Gia Tân"
    assert cw.set_index("old_code").loc["11041", "note_category"] == "part_of_area"
    assert cw.set_index("old_code").loc["14845", "note_category"] == "type_changed"
    assert cw.loc[cw["old_code"] == "18796", "note_category"].tolist() == ["part_of_population", "part", "part_of_population"]
    assert cw.loc[cw["old_code"] == "18796", "n_new"].unique().tolist() == [3]
    assert cw.loc[cw["code_corrected"], "old_code"].tolist() == ["01651"]


def test_clean_rejects_unknown_note(tmp_path, test_data, register):
    text = (test_data / RAW_EXCERPT).read_text(encoding="utf-8").replace("Đổi loại hình", "Chia đôi")
    bad = tmp_path / "raw.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        cx.clean_crosswalk(bad, register=register)
    msg = str(err.value)
    assert "raw.csv" in msg and "Ghi chú" in msg and "Chia đôi" in msg and "fix:" in msg


def test_register_pre2025(register):
    assert len(register) == 10_035
    assert register["old_type"].value_counts().to_dict() == {"xa": 7695, "phuong": 1724, "thi_tran": 616}
    assert register.index.str.fullmatch(r"\d{5}").all()
    assert register["district_code"].str.fullmatch(r"\d{3}").all()
    assert register["province_code"].nunique() == 63


def test_build_writes_files_and_coverage(tmp_path, communes):
    rep = cx.build_crosswalk(out_dir=tmp_path, communes_2025=communes)
    cov = rep["coverage"]
    assert cov["units_2025"] == 3321
    assert cov["new_units_without_predecessor"] == 5
    assert cov["new_units_without_predecessor_names"] == ["Bạch Long Vĩ", "Cồn Cỏ", "Hoàng Sa", "Lý Sơn", "Côn Đảo"]
    assert (communes.loc[cov["new_units_without_predecessor_codes"], "commune_type"] == "dac_khu").all()
    assert cov["new_codes_not_in_2025_layer"] == []
    assert cov["old_communes_covered"] == 10_035
    assert cov["old_communes_not_covered_published"] == ["01651", "02482"]
    cw = cx.load_crosswalk(tmp_path / "crosswalk_2025.csv")
    assert len(cw) == 10_565 and cw["old_code"].iloc[0] == "00001" and cw["old_district_code"].iloc[0] == "001"
    old = cx.load_communes_pre2025(tmp_path / "communes_pre2025.csv")
    assert len(old) == 10_035 and old.loc["00001", "province_code"] == "01"
    assert (tmp_path / "crosswalk_2025_report.json").exists()
    readme = (tmp_path / "README_crosswalk.md").read_text(encoding="utf-8")
    assert "| 426 | Xã Đặng Xá (Huyện Gia Lâm) | 00553 (Xã Cổ Bi) | 00556 |" in readme
    assert "record 8914 (27691 Phường 4): published 794/82 Tỉnh Tiền Giang, register 794/80 Tỉnh Long An" in readme
    # Reading the written file gives the same table as cleaning in memory.
    fresh, _ = cx.clean_crosswalk()
    pd.testing.assert_frame_equal(cw.reset_index(drop=True), fresh.reset_index(drop=True), check_dtype=False)


# ------------------------------------------------------------------ conversion


def test_totals_conserved_for_all_old_communes(synthetic):
    out, rep = cx.crosswalk_to_2025(synthetic, "ma_xa", extensive=["dan_so", "so_thon"], intensive="ty_le",
                                    weights="dan_so")
    c = rep.counts
    assert c == {"rows": 10_035, "mapped": 10_035, "repaired": 0, "rejected": 0, "split": 440}
    assert c["mapped"] + c["repaired"] + c["rejected"] == c["rows"]
    assert rep.exit_code == 0
    assert len(out) == 3_316 and out.index.name == "commune_code" and out["complete"].all()
    for col in ("dan_so", "so_thon"):
        assert out[col].sum() == pytest.approx(synthetic[col].sum(), rel=1e-12)
        assert abs(rep.totals.loc[col, "difference"]) < 1e-6
    # Rates stay within the range of the inputs.
    assert out["ty_le"].between(0.2, 1.0).all()


def test_integer_counts_conserved_exactly(synthetic):
    out, rep = cx.crosswalk_to_2025(synthetic, "ma_xa", extensive=["dan_so", "so_thon"], integer_counts=True)
    for col in ("dan_so", "so_thon"):
        assert (out[col] % 1 == 0).all()
        assert int(out[col].sum()) == int(synthetic[col].sum())
    # Each split old commune keeps its own count exactly: Kỳ Lợi went to three wards.
    one = pd.DataFrame({"ma": ["18796"], "villages": [7]})
    out, rep = cx.crosswalk_to_2025(one, "ma", extensive="villages", integer_counts=True)
    assert out["villages"].tolist() == [round(v) for v in out["villages"]] and out["villages"].sum() == 7
    assert len(out) == 3 and rep.rows["n_new"].iloc[0] == 3
    bad = pd.DataFrame({"ma": ["18796"], "villages": [7.5]})
    _, rep = cx.crosswalk_to_2025(bad, "ma", extensive="villages", integer_counts=True)
    assert "not a whole number" in rep.rows["reason"].iloc[0]


def test_constant_rate_stays_constant(synthetic):
    t = synthetic.assign(rate=0.734)
    out, _ = cx.crosswalk_to_2025(t, "ma_xa", intensive="rate", weights="dan_so")
    assert np.allclose(out["rate"], 0.734, rtol=0, atol=1e-12)
    out, _ = cx.crosswalk_to_2025(t, "ma_xa", intensive="rate")  # without weights too
    assert np.allclose(out["rate"], 0.734, rtol=0, atol=1e-12)


def test_intensive_is_population_weighted_hand_computed():
    # Xã Kim Anh (00382, Hà Nội) = Minh Trí + Minh Phú + Tân Dân, all merged whole.
    t = pd.DataFrame({"ma": ["00382", "00397", "00415"], "dan_so": [9000, 6000, 5000], "rate": [0.30, 0.50, 0.80]})
    out, rep = cx.crosswalk_to_2025(t, "ma", extensive="dan_so", intensive="rate", weights="dan_so")
    assert out.index.tolist() == ["00382"]
    assert out.loc["00382", "commune_name"] == "Kim Anh"
    # (9000*0.30 + 6000*0.50 + 5000*0.80) / 20000 = 9700 / 20000
    assert out.loc["00382", "rate"] == pytest.approx(0.485, abs=1e-12)
    assert out.loc["00382", "dan_so"] == 20000
    assert bool(out.loc["00382", "complete"]) and out.loc["00382", "predecessors"] == 3
    assert rep.weights_basis.startswith("column 'dan_so'")
    # Without weights every old commune weighs the same, and the report says so.
    out, rep = cx.crosswalk_to_2025(t, "ma", intensive="rate")
    assert out.loc["00382", "rate"] == pytest.approx((0.30 + 0.50 + 0.80) / 3)
    assert "weighs the same" in rep.weights_basis


def test_split_lands_in_recorded_proportions(communes):
    # Phường Ngọc Hà (00016) went partly to Ba Đình (00004) and partly to Ngọc Hà (00008).
    t = pd.DataFrame({"ma": ["00016"], "thue_bao": [12_000], "ty_le": [0.9]})
    out, rep = cx.crosswalk_to_2025(t, "ma", extensive="thue_bao", intensive="ty_le")
    assert rep.rows["split_method"].tolist() == ["receiver_population"]
    assert rep.rows["n_new"].tolist() == [2]
    pop = communes.loc[["00004", "00008"], "population"]
    expected = 12_000 * pop / pop.sum()
    assert np.allclose(out.loc[["00004", "00008"], "thue_bao"], expected, rtol=1e-12)
    assert out["ty_le"].tolist() == [0.9, 0.9]
    shares = cx.split_shares()
    rec = shares[shares["old_code"] == "00016"].set_index("new_code")["share"]
    assert np.allclose(out["thue_bao"] / 12_000, rec.reindex(out.index), rtol=1e-12)


def test_official_note_and_equal_fallback():
    # Thụy Khuê (00112): part of its area to Ba Đình, the rest with all the population to Tây Hồ.
    t = pd.DataFrame({"ma": ["00112"], "n": [100]})
    out, rep = cx.crosswalk_to_2025(t, "ma", extensive="n")
    assert rep.rows["split_method"].iloc[0] == "official_note"
    assert out.loc["00103", "n"] == 100 and out.loc["00004", "n"] == 0
    out, rep = cx.crosswalk_to_2025(t, "ma", extensive="n", use_notes=False)
    assert rep.rows["split_method"].iloc[0] == "receiver_population"
    # No receiver population at all: equal shares.
    shares = cx.split_shares(receiver_population=pd.Series(dtype="float64"), use_notes=False)
    split = shares[shares.groupby("old_code")["new_code"].transform("size") > 1]
    assert set(split["split_method"]) == {"equal"}
    kl = split[split["old_code"] == "18796"]["share"]
    assert np.allclose(kl, 1 / 3)
    assert len(split) == 10_565 - 9_595


def test_old_boundaries_overlay(communes):
    """User-supplied old boundaries: area- and population-weighted overlay."""
    import geopandas as gpd
    import shapely

    from divide import settings

    # A made-up old Ngọc Hà: a quarter of new Ba Đình plus all of new Ngọc Hà.
    a = communes.loc["00004", "geometry"]
    b = communes.loc["00008", "geometry"]
    minx, miny, maxx, maxy = a.bounds
    piece = shapely.intersection(a, shapely.box(minx, miny, (minx + maxx) / 2, (miny + maxy) / 2))
    old = gpd.GeoDataFrame({"ma": ["00016"]}, geometry=[shapely.union(piece, b)], crs="EPSG:4326")
    t = pd.DataFrame({"ma": ["00016"], "n": [1000.0], "r": [0.5]})

    out, rep = cx.crosswalk_to_2025(t, "ma", extensive="n", intensive="r", old_boundaries=old,
                                    boundary_code_column="ma", overlay="area")
    assert rep.rows["split_method"].iloc[0] == "old_boundaries_area"
    proj = gpd.GeoSeries([piece, b], crs="EPSG:4326").to_crs(settings.PROJECTED_CRS).area.to_numpy()
    assert out.loc["00004", "n"] == pytest.approx(1000 * proj[0] / proj.sum(), rel=1e-3)
    assert out["n"].sum() == pytest.approx(1000)

    out, rep = cx.crosswalk_to_2025(t, "ma", extensive="n", intensive="r", old_boundaries=old,
                                    boundary_code_column="ma")
    assert rep.rows["split_method"].iloc[0] == "old_boundaries_population"
    assert "WorldPop" in rep.weights_basis
    assert out["n"].sum() == pytest.approx(1000)
    assert 0 < out.loc["00004", "n"] < out.loc["00008", "n"]
    # Other old communes (not in the boundaries) fall back to the next method.
    t2 = pd.DataFrame({"ma": ["00016", "18796"], "n": [1000.0, 10.0]})
    _, rep = cx.crosswalk_to_2025(t2, "ma", extensive="n", old_boundaries=old, boundary_code_column="ma")
    assert rep.rows["split_method"].tolist() == ["old_boundaries_population", "receiver_population"]


def test_bad_rows_are_reported_with_reasons(test_data):
    t = pd.read_csv(test_data / CODES_CSV, dtype=str)
    out, rep = cx.crosswalk_to_2025(t, "ma_xa", extensive=["dan_so", "so_thon"], intensive="ty_le_cap_quang",
                                    weights="dan_so", source=test_data / CODES_CSV)
    c = rep.counts
    assert c == {"rows": 14, "mapped": 6, "repaired": 1, "rejected": 7, "split": 3}
    assert rep.exit_code == 1
    # A DataFrame in memory: rows are numbered by position from 0, as the readers do.
    r = rep.rows.set_index("row")
    assert r.index.tolist() == list(range(14))
    assert r.loc[3, "status"] == "repaired" and r.loc[3, "old_code"] == "00016" and "padded" in r.loc[3, "reason"]
    assert "2025 code" in r.loc[6, "reason"] and "Bạch Long Vĩ" in r.loc[6, "reason"]
    assert "unknown code '99999'" in r.loc[7, "reason"]
    assert "duplicate of row 8" in r.loc[9, "reason"]
    assert "rows 10, 11 with different values" in r.loc[10, "reason"]
    assert "rows 10, 11 with different values" in r.loc[11, "reason"]
    assert "negative count in column 'dan_so'" in r.loc[12, "reason"]
    assert "not a number in column 'dan_so'" in r.loc[13, "reason"]
    assert (r.loc[r["status"] == "rejected", "reason"] != "").all()
    # Totals reconcile: mapped rows in, same total out; the rest is named.
    tot = rep.totals.loc["dan_so"]
    assert tot["accepted_total"] == 9000 + 6000 + 5000 + 21000 + 25000 + 6400 + 20000
    assert out["dan_so"].sum() == pytest.approx(tot["accepted_total"])
    assert tot["accepted_total"] + tot["rejected_total"] == tot["input_total"]
    text = rep.summary()
    assert "14 input rows: 6 mapped, 1 repaired, 7 not mapped" in text and "row 7 (99999)" in text
    # With the file's row numbers (the header is row 1), the report and its messages use them.
    _, rep = cx.crosswalk_to_2025(t, "ma_xa", extensive=["dan_so", "so_thon"], row_numbers=range(2, 16))
    r = rep.rows.set_index("row")
    assert "unknown code '99999'" in r.loc[9, "reason"] and "duplicate of row 10" in r.loc[11, "reason"]
    assert "rows 12, 13 with different values" in r.loc[12, "reason"] and "row 9 (99999)" in rep.summary()
    with pytest.raises(InputError, match="row_numbers gives 2 number"):
        cx.crosswalk_to_2025(t, "ma_xa", extensive="dan_so", row_numbers=[2, 3])


def test_input_by_old_names(test_data):
    t = pd.read_csv(test_data / NAMES_CSV, dtype=str)
    m = cx.match_old_communes(t, commune="xa", district="huyen", province="tinh")
    assert m["old_code"].tolist() == [
        "27160", "00004", None, "00526", "18796", "00736", "00172", "03002", None, None, "19825", "03002",
    ]
    assert m["match"].tolist() == [
        "matched", "matched", "ambiguous", "matched", "matched", "matched", "matched", "matched",
        "ambiguous", "not_found", "approximate", "matched",
    ]
    assert "Thị trấn Yên Viên" in m.loc[2, "match_note"] and "Xã Yên Viên" in m.loc[2, "match_note"]
    assert "did you mean" in m.loc[9, "match_note"]

    out, rep = cx.crosswalk_to_2025(t, name_columns=("tinh", "huyen", "xa"), extensive="so_thon")
    assert rep.counts == {"rows": 12, "mapped": 6, "repaired": 1, "rejected": 5, "split": 2}
    assert rep.rows["reason"].iloc[2].startswith("ambiguous name: 2 communes fit")
    # "Phường Sa Pả" and "Sa Pả" are the same commune given twice with different values: both rejected.
    assert rep.rows.loc[[7, 11], "status"].tolist() == ["rejected", "rejected"]


def test_unusable_input_raises():
    t = pd.DataFrame({"ma_xa": ["00004"], "dan_so": ["1.000 người"]})
    with pytest.raises(InputError) as err:
        cx.crosswalk_to_2025(t, "ma", extensive="dan_so", source="f.csv")
    assert "f.csv" in str(err.value) and "'ma'" in str(err.value) and "did you mean 'ma_xa'" in str(err.value)
    with pytest.raises(InputError, match="holds no numbers"):
        cx.crosswalk_to_2025(t, "ma_xa", extensive="dan_so")
    with pytest.raises(InputError, match="either a code column or name columns"):
        cx.crosswalk_to_2025(t, extensive="dan_so")
    with pytest.raises(InputError, match="no value columns"):
        cx.crosswalk_to_2025(t, "ma_xa")


# ------------------------------------------------------------------ command line


def test_cli_exit_codes(tmp_path, test_data, capsys):
    out = tmp_path / "out.csv"
    code = cli_main([str(test_data / CODES_CSV), "--out", str(out), "--code-column", "ma_xa",
                     "--extensive", "dan_so,so_thon", "--intensive", "ty_le_cap_quang", "--weights", "dan_so"])
    assert code == 1
    printed = capsys.readouterr().out
    assert "7 not mapped" in printed and "wrote" in printed
    res = pd.read_csv(out, dtype={"commune_code": str, "province_code": str})
    assert res["commune_code"].str.fullmatch(r"\d{5}").all() and "00382" in set(res["commune_code"])
    rec = pd.read_csv(tmp_path / "out_reconciliation.csv")
    assert len(rec) == 14

    good = tmp_path / "good.csv"
    pd.DataFrame({"ma": ["00382", "00397", "00415"], "n": [1, 2, 3]}).to_csv(good, index=False)
    assert cli_main([str(good), "--out", str(tmp_path / "g.csv"), "--code-column", "ma", "--extensive", "n"]) == 0

    assert cli_main([str(good), "--out", str(tmp_path / "x.csv"), "--code-column", "nope", "--extensive", "n"]) == 2
    assert "column(s) not in the table" in capsys.readouterr().err
    assert cli_main([str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x.csv"), "--code-column", "ma",
                     "--extensive", "n"]) == 2
    names = tmp_path / "names.csv"
    code = cli_main([str(test_data / NAMES_CSV), "--out", str(names), "--name-columns", "tinh,huyen,xa",
                     "--extensive", "so_thon"])
    assert code == 1


def test_modules_do_not_import_plotting():
    code = ("import sys, divide.geography.crosswalk, divide.cli.crosswalk; "
            "bad = [m for m in ('matplotlib', 'folium', 'seaborn') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


# --------------------------------------------------------------------------- province level


@pytest.fixture(scope="module")
def dti_table():
    return pd.read_csv(cx.DTI_2022_CSV, dtype={"province_name": str})


def test_provinces_all_63_old_matched_34_new(dti_table):
    out, rep = cx.provinces_to_2025(dti_table, "province_name", intensive="dti_rank")
    assert rep.exit_code == 0 and rep.counts["mapped"] == 63
    assert rep.rows["old_code"].nunique() == 63
    assert len(out) == 34 and out.index.str.fullmatch(r"\d{2}").all()
    assert out["dti_rank"].notna().all() and (out["coverage"].round(12) == 1).all()
    # "Thừa Thiên - Huế" and "TP. Đà Nẵng" matched to the register's province codes
    codes = dict(zip(dti_table["province_name"], rep.rows["old_code"]))
    assert codes["Thừa Thiên - Huế"] == "46" and codes["TP. Đà Nẵng"] == "48" and codes["TP. Hồ Chí Minh"] == "79"


def test_province_weights_sum_to_one():
    w = cx.province_weights_2025()
    assert w["old_province_code"].nunique() == 63 and w["province_code"].nunique() == 34
    assert np.allclose(w.groupby("province_code")["weight"].sum(), 1.0)
    assert np.allclose(w.groupby("old_province_code")["old_share"].sum(), 1.0)
    d = cx.dti_2022_provinces_2025()
    sums = d["predecessors"].map(lambda s: sum(float(p.rsplit(" ", 1)[1]) for p in s.split("; ")))
    assert np.allclose(sums, 1.0, atol=1e-3)


def test_two_province_merger_hand_checked(dti_table):
    # 2025 Đà Nẵng (48) = TP. Đà Nẵng (48, rank 1) + Quảng Nam (49).
    w = cx.province_weights_2025().set_index(["province_code", "old_province_code"])["population"]
    pop_dn, pop_qn = w[("48", "48")], w[("48", "49")]
    assert set(w.loc["48"].index) == {"48", "49"}
    rank = dict(zip(dti_table["province_name"], dti_table["dti_rank"]))
    expected = (rank["TP. Đà Nẵng"] * pop_dn + rank["Quảng Nam"] * pop_qn) / (pop_dn + pop_qn)
    d = cx.dti_2022_provinces_2025()
    assert d.loc["48", "dti_rank"] == pytest.approx(expected, abs=5e-4)
    # Only Đà Nẵng has a pdti score: its score, covering Đà Nẵng's share of the population.
    assert d.loc["48", "pdti_score"] == pytest.approx(0.8002)
    assert d.loc["48", "pdti_score_coverage"] == pytest.approx(pop_dn / (pop_dn + pop_qn), abs=5e-5)
    # Extensive columns are conserved.
    t = pd.DataFrame({"tinh": ["Đà Nẵng", "Tinh Quang Nam"], "n": [10.0, 30.0]})
    out, rep = cx.provinces_to_2025(t, "tinh", extensive="n")
    assert out.loc["48", "n"] == pytest.approx(40.0) and rep.totals.loc["n", "difference"] == pytest.approx(0)
    assert out.loc["48", "n_sources"] == 2 and out["n"].notna().sum() == 1


def test_provinces_unknown_and_codes_reported():
    t = pd.DataFrame({"tinh": ["Atlantis", 1, "46", "Hà Nội", "79", 101], "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    out, rep = cx.provinces_to_2025(t, "tinh", intensive="x")
    assert rep.exit_code == 1 and len(out) == 34
    r = rep.rows.set_index("row")
    assert r.loc[0, "status"] == "rejected" and "no pre-2025 province named 'Atlantis'" in r.loc[0, "reason"]
    assert r.loc[2, "status"] == "mapped" and r.loc[2, "old_code"] == "46"
    # Hà Nội given twice (code 1, name) with different values: both rejected, the rows named
    assert (r.loc[[1, 3], "status"] == "rejected").all() and "rows 1, 3" in r.loc[3, "reason"]
    assert r.loc[5, "status"] == "rejected" and "more than 2 digits" in r.loc[5, "reason"]
    _, rep = cx.provinces_to_2025(t, "tinh", intensive="x", row_numbers=range(2, 8))
    assert "rows 3, 5" in rep.rows.set_index("row").loc[5, "reason"]
    assert "Atlantis" in rep.summary() and out.loc["01", "x"] != out.loc["01", "x"]  # NaN: nothing mapped
    out, rep = cx.provinces_to_2025(pd.DataFrame({"tinh": [1], "x": [2.0]}), "tinh", intensive="x")
    assert rep.rows["status"].tolist() == ["repaired"] and out.loc["01", "x"] == 2.0
