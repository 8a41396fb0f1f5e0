"""The observed register of reported villages and the partial DTI 2024 table (issue 17)."""

from __future__ import annotations

import csv
import re
import unicodedata

import pandas as pd
import pytest

from divide._errors import DataNotFoundError, InputError
from divide.geography.communes import province_table, read_admin_table
from divide.indicators import observed
from divide.indicators.observed import (
    GATHERED_COLUMNS,
    GATHERED_REPORTS_CSV,
    MAX_QUOTE_WORDS,
    REGISTER_COLUMNS,
    REGISTER_CSV,
    STATUSES,
    build_dti_2024,
    build_register,
    quote_words,
    reported_villages,
)
from divide.indicators.observed_match import match_reports


@pytest.fixture(scope="module")
def register():
    return reported_villages()


@pytest.fixture(scope="module")
def gathered_rows() -> list[dict[str, str]]:
    with open(GATHERED_REPORTS_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The register built twice from the shipped gathered notes."""
    folder = tmp_path_factory.mktemp("register")
    first, second = folder / "a.csv", folder / "b.csv"
    build_register(out=first)
    build_register(out=second)
    return first, second


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip().casefold()


# ---------------------------------------------------------------- the shipped register

def test_shipped_register_is_what_the_build_writes_and_the_build_is_deterministic(rebuilt):
    first, second = rebuilt
    assert first.read_bytes() == second.read_bytes()
    assert REGISTER_CSV.read_bytes() == first.read_bytes(), "rebuild: python -m divide.indicators.observed"
    text = REGISTER_CSV.read_text(encoding="utf-8")
    assert "\r" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert text.splitlines()[0].split(",") == list(REGISTER_COLUMNS)


def test_every_row_is_cited(register):
    assert len(register) >= 150
    assert register.index.is_unique
    assert register["url"].str.match(r"^https?://\S+$").all()
    assert register["publisher"].notna().all()
    assert register["quote"].notna().all()
    assert register["quote"].map(quote_words).le(MAX_QUOTE_WORDS).all()
    undated = register[register[["published", "as_of", "covered_date"]].isna().all(axis=1)]
    assert len(undated) > 0  # many pages show no date; each such row says so
    assert undated["note"].str.contains(r"date|undated|no year", case=False).all(), list(undated.index)
    assert set(register["status"]) <= set(STATUSES)


def test_each_village_is_named_in_its_own_quote(register):
    for rid, row in register.iterrows():
        name = re.sub(r"\s*\([^)]*\)", "", row["village"]).strip()
        assert _fold(name) in _fold(row["quote"]), rid


def test_no_duplicate_reports(register):
    keys = register.assign(v=register["village"].map(_fold))[["v", "url", "status"]]
    assert not keys.duplicated().any()


def test_matched_codes_exist_in_the_2025_geography(register):
    communes = read_admin_table("communes", ["commune_name", "province_code"])
    matched = register[register["match_status"] == "matched"]
    assert matched["commune_code"].isin(communes.index).all()
    assert (communes.loc[matched["commune_code"], "province_code"].to_numpy() == matched["province_code"]).all()
    assert (communes.loc[matched["commune_code"], "commune_name"].to_numpy() == matched["commune_name_2025"]).all()
    assert register["province_code"].dropna().isin(province_table().index).all()
    # only matched rows carry a commune code
    assert register.loc[register["match_status"] != "matched", "commune_code"].isna().all()


def test_match_share_provinces_and_reasons(register):
    share = (register["match_status"] == "matched").mean()
    assert share >= 0.9, share
    provinces_2025 = register["province_name_2025"].dropna().nunique()
    assert provinces_2025 >= 8
    assert register["province_as_written"].dropna().map(lambda p: re.sub(r"^(tỉnh|tp)\s+", "", p, flags=re.I)).nunique() >= 8
    unsure = register[register["match_status"] != "matched"]
    assert len(unsure) > 0 and unsure["match_note"].notna().all()  # every empty code says why
    assert set(register["match_status"]) <= {"matched", "ambiguous", "unmatched"}


def test_known_matches(register):
    # an old commune that went whole to one new commune
    assert register.loc["r0003", ["commune_name_2025", "province_name_2025"]].tolist() == ["Mèo Vạc", "Tuyên Quang"]
    # the same village under its old commune (2023) and its 2025 commune (2026) lands in one place
    assert register.at["r0006", "commune_code"] == register.at["r0030", "commune_code"]
    assert register.at["r0030", "match_method"] == "names_2025"
    # a split old commune: no code, the candidates said, the province kept
    row = register.loc["r0089"]
    assert row["match_status"] == "ambiguous" and pd.isna(row["commune_code"])
    assert "Vô Ngại (old 06853) went to 2 new communes" in row["match_note"]
    assert row["province_name_2025"] == "Quảng Ninh"
    # a page that names the commune the old one became ("nay là xã Ngũ Chỉ Sơn")
    assert register.at["r0124", "commune_name_2025"] == "Ngũ Chỉ Sơn"
    assert register.at["r0124", "match_method"] == "pre2025_names_now"
    # no commune written: not matched, and said so
    assert register.at["r0137", "match_status"] == "unmatched"
    assert register.at["r0137", "match_note"] == "no commune written"


def test_status_filter_and_errors(register, tmp_path):
    covered = reported_villages(status="covered")
    assert len(covered) == (register["status"] == "covered").sum() > 0
    with pytest.raises(InputError, match="unknown status"):
        reported_villages(status="no_power")
    with pytest.raises(DataNotFoundError):
        reported_villages(tmp_path / "none.csv")


# ---------------------------------------------------------------- the matcher

def _places(**cols):
    base = {"commune_as_written": [""], "district_as_written": [""], "province_as_written": [""],
            "published": [""], "as_of": [""]}
    base.update({k: [v] for k, v in cols.items()})
    return pd.DataFrame(base)


def test_a_2025_commune_in_a_pre2025_province_needs_a_date():
    undated = match_reports(_places(commune_as_written="xã Thanh Liêm", province_as_written="tỉnh Hà Nam")).iloc[0]
    assert undated["match_status"] == "ambiguous"
    assert pd.isna(undated["commune_code"]) or undated["commune_code"] == ""
    assert undated["province_name_2025"] == "Ninh Bình"  # Hà Nam went whole to Ninh Bình
    dated = match_reports(_places(commune_as_written="xã Thanh Liêm", province_as_written="tỉnh Hà Nam",
                                  published="2025-09-01")).iloc[0]
    assert dated["match_status"] == "matched" and dated["commune_name_2025"] == "Thanh Liêm"


def test_a_wrong_district_is_reported_not_guessed():
    row = match_reports(_places(commune_as_written="xã Khánh Hưng", district_as_written="huyện Trần Thời")).iloc[0]
    assert row["match_status"] == "unmatched"
    assert "Trần Thời" in row["match_note"]


# ---------------------------------------------------------------- the checks of the build

def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(GATHERED_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quote": "thôn bên cạnh chưa có sóng"}, "is not in its quote"),
        ({"quote": "thôn Ha Súng " + "rất xa " * 15}, "words"),
        ({"url": ""}, "not a web address"),
        ({"publisher": ""}, "'publisher' is empty"),
        ({"status": "no_power"}, "is not one of"),
        ({"published": "12/01/2026"}, "not an ISO date"),
        ({"as_of": "", "published": "", "covered_date": "", "note": "from a newspaper"}, "the note does not say why"),
    ],
)
def test_a_broken_gathered_row_is_named(tmp_path, gathered_rows, change, message):
    rows = [dict(r) for r in gathered_rows[:5]]
    rows[2] = {**rows[2], "village": "Ha Súng", "quote": "thôn Ha Súng chưa có sóng", **change}
    bad = _write(tmp_path / "village_reports.csv", rows)
    with pytest.raises(InputError) as err:
        build_register(gathered=bad, out=tmp_path / "out.csv")
    text = str(err.value)
    assert str(bad) in text
    assert f"line 4 (report_id {rows[2]['report_id']!r})" in text
    assert message in text
    assert "fix:" in text
    assert not (tmp_path / "out.csv").exists()


def test_duplicates_and_every_problem_are_reported_at_once(tmp_path, gathered_rows):
    rows = [dict(r) for r in gathered_rows[:4]]
    rows.append({**rows[0], "report_id": "r9999"})  # same village, URL and status as the first row
    rows[1] = {**rows[1], "status": "dark"}
    bad = _write(tmp_path / "village_reports.csv", rows)
    with pytest.raises(InputError) as err:
        build_register(gathered=bad, out=None)
    text = str(err.value)
    assert "2 problem(s)" in text
    assert "line 6 (report_id 'r9999'): the same village, URL and status as report_id 'r0001'" in text
    assert "line 3" in text and "'dark'" in text


def test_a_sound_subset_builds(tmp_path, gathered_rows):
    good = _write(tmp_path / "village_reports.csv", gathered_rows[:6])
    reg = build_register(gathered=good, out=tmp_path / "out.csv")
    assert list(reg.index) == [r["report_id"] for r in gathered_rows[:6]]
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 7


def test_missing_columns_are_input_errors(tmp_path):
    bad = tmp_path / "village_reports.csv"
    bad.write_text("report_id,village\nr0001,Ha Súng\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        build_register(gathered=bad, out=None)


# ---------------------------------------------------------------- DTI 2024 (partial)

def test_dti_2024_table_is_partial_and_says_so(tmp_path):
    out = tmp_path / "dti.csv"
    table = build_dti_2024(out=out)
    assert out.read_bytes() == observed.DTI_2024_2025_CSV.read_bytes()
    assert len(table) == 34 and table["province_code"].is_unique
    assert set(table["province_code"]) == set(province_table().index)
    hanoi = table.set_index("province_name").loc["Hà Nội"]
    assert (hanoi["dti_2024_score"], hanoi["dti_2024_rank"]) == ("0.8241", "1")
    known = table[table["dti_2024_rank"] != ""]
    assert len(known) == 8 and (known["url"].str.startswith("http")).all()
    assert table.set_index("province_name").at["Huế", "dti_2024_rank"] == "2"  # published as Thừa Thiên Huế
    unknown = table[table["dti_2024_rank"] == ""]
    assert (unknown["dti_2024_score"] == "").all()
    assert unknown["note"].str.contains("partial").all()
