"""The national facts table: citations, key figures, quotes, derivations, loader errors, cite(), CLI."""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest

import divide
from divide.cli.facts import add_parser
from divide.indicators import facts as facts_mod
from divide.indicators.facts import COLUMNS, FACTS_CSV, STATUSES, cite, fact, facts

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"  # the shared folder sits beside the project (not shipped)
SOURCES_CSV = ROOT / "data" / "facts" / "facts_national_sources.csv"


@pytest.fixture(scope="module")
def table():
    return facts()


def _rows() -> list[dict[str, str]]:
    with open(FACTS_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


# ---------------------------------------------------------------- the table itself

def test_every_row_cites_a_source_and_a_valid_status(table):
    assert len(table) > 100
    assert table.index.is_unique
    assert set(table["status"]) <= set(STATUSES)
    assert set(table["status"]) == set(STATUSES)  # all four kinds occur
    no_source = table[(table["source_document"] == "") & (table["url"] == "")]
    assert no_source.empty, list(no_source.index)
    assert (table["publisher"] != "").all()
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in table.index)


def test_file_is_utf8_nfc_with_the_documented_columns():
    text = FACTS_CSV.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0].split(",") == list(COLUMNS)


@pytest.mark.parametrize(
    ("fact_id", "value", "status"),
    [
        ("villages_no_signal_no_power_2022", 266, "official"),
        ("online_services_use_people_2020", 1.78, "reported"),
        ("online_services_use_people_2021", 9.51, "reported"),
        ("online_services_use_people_2022", 18, "reported"),
        ("communes_with_fibre", 100, "reported"),
        ("payment_account_adults", 87, "reported"),
        ("mobile_money_users", 9.13e6, "reported"),
        ("mobile_money_users_rural_share", 72, "reported"),
        ("portal_accounts_national_dvc", 16.4e6, "reported"),
        ("households_fibre_2023", 78.3, "reported"),
        ("villages_no_signal_2021", 2148, "reported"),
        ("village_mobile_coverage_2021", 97.82, "reported"),
        ("target_adults_using_online_services_2024", 40, "target"),
        ("target_dossiers_personal_id_2025", 100, "target"),
        ("payment_account_adults_target_2025", 80, "target"),
    ],
)
def test_key_figures_have_their_exact_values(table, fact_id, value, status):
    assert table.at[fact_id, "value"] == value
    assert table.at[fact_id, "status"] == status


def test_approximate_figures_say_so(table):
    assert table.at["online_services_use_people_2022", "qualifier"] == "almost"  # "gần 18%"
    assert table.at["online_services_use_people_2022", "period"] == "2022-01/2022-07"
    assert table.at["villages_total_derived", "qualifier"] == "about"


def test_one_number_per_row(table):
    """No value_text of a numeric row hides a second figure behind a slash list of values."""
    numeric = table[table["value"].notna()]
    assert numeric["value"].map(lambda v: isinstance(v, float)).all()
    for split in ("danang_households_internet_2019_urban", "danang_households_internet_2019_rural",
                  "households_fibre_target_2023", "papi_portal_use_2022", "end_to_end_dossiers_share_2025_provinces"):
        assert split in table.index


def test_conflicting_sources_are_both_kept_and_flagged(table):
    assert table.at["villages_no_signal_2021_alt", "value"] == 2418
    for fid in ("villages_no_signal_2021", "villages_no_signal_2021_alt"):
        assert "onflict" in table.at[fid, "note"]


def test_unverified_rows_of_the_shared_sources_cite_their_seed(table):
    """PROVENANCE.md: the 266 villages and the 1.78/9.51/18 series are cited by the seed articles."""
    assert table.at["villages_no_signal_no_power_2022", "seed_file"] == "000_64c469d8c94cdc49.txt"
    assert "16/TB-VPCP" in table.at["villages_no_signal_no_power_2022", "source_document"]
    for fid in ("online_services_use_people_2020", "online_services_use_people_2021", "online_services_use_people_2022"):
        assert table.at[fid, "seed_file"] == "001_7e3050719bfa722f.txt"
    for fid in ("villages_no_signal_no_power_2022", "online_services_use_people_2020"):
        assert "unverified" in table.at[fid, "note"]
        assert table.at[fid, "quote_vi"]


def test_every_shared_source_url_is_represented(table):
    with open(SOURCES_CSV, encoding="utf-8", newline="") as fh:
        urls = {row["source_url"] for row in csv.DictReader(fh) if row["source_url"].startswith("http")}
    assert urls, "facts_national_sources.csv has no URLs"
    missing = urls - set(table["url"])
    assert not missing, missing


def test_rows_from_seeds_carry_a_quote_and_every_seed_is_used(table):
    seeded = table[table["seed_file"] != ""]
    assert (seeded["quote_vi"] != "").all()
    assert seeded["seed_file"].nunique() == 5


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed articles are not beside the project")
def test_quotes_occur_verbatim_in_the_seed_articles(table):
    seeded = table[table["seed_file"] != ""]
    texts = {name: _norm((SEEDS / name).read_text(encoding="utf-8")) for name in set(seeded["seed_file"])}
    for fid, row in seeded.iterrows():
        assert _norm(row["quote_vi"]) in texts[row["seed_file"]], fid
        # the figure as stated is part of the sentence, and the value is the figure as stated
        assert _norm(row["value_text"]) in _norm(row["quote_vi"]), fid
        assert _vietnamese_number(row["value"]) in row["value_text"], fid


def _vietnamese_number(value: float) -> str:
    """How an article writes a value: decimal comma, dot thousands, 'triệu' for millions."""
    if value >= 1e6:
        return f"{value / 1e6:g}".replace(".", ",") + " triệu"
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:g}".replace(".", ",")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed articles are not beside the project")
def test_figures_of_the_brief_are_in_the_seeds():
    texts = " ".join(_norm(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt"))
    for needle in ("266 thôn, bản", "1,78%", "9,51%", "gần 18%", "87%", "9,13 triệu", "72%", "16,4 triệu",
                   "100% xã, phường, thị trấn", "40% dân số trưởng thành", "100% hồ sơ"):
        assert needle in texts, needle


def test_derived_rows_reproduce_their_arithmetic(table):
    villages = 2148 / (1 - 0.9782)
    assert table.at["villages_total_derived", "value"] == pytest.approx(villages, abs=0.5)
    assert round(villages, -2) == 98500
    assert table.at["villages_no_signal_2022_from_coverage", "value"] == pytest.approx(villages * 0.0027, abs=0.01)
    assert round(table.at["villages_no_signal_2022_from_coverage", "value"]) == table.at["villages_no_signal_no_power_2022", "value"]
    assert table.at["danang_internet_rural_urban_ratio_2019", "value"] == pytest.approx(54.12 / 83.19, abs=5e-4)
    assert table.at["share_no_power_among_no_signal_2024", "value"] == pytest.approx(124 / 761, abs=5e-4)
    derived = table[table["status"] == "derived"]
    assert (derived["formula"] != "").all()
    assert (table.loc[table["status"] != "derived", "formula"] == "").all()


# ---------------------------------------------------------------- filters and lookups

def test_filters(table):
    targets = facts(status="target")
    assert len(targets) and (targets["status"] == "target").all()
    pay = facts(topic="payments")
    assert {"payment_account_adults", "mobile_money_users"} <= set(pay.index)
    both = facts(topic="online_services", status="target")
    assert "target_adults_using_online_services_2024" in both.index
    assert both.index.name == "fact_id"


def test_unknown_filters_are_input_errors():
    with pytest.raises(divide.InputError, match="unknown topic 'internet'.*\n.*connectivity"):
        facts(topic="internet")
    with pytest.raises(divide.InputError, match="unknown status 'observed'"):
        facts(status="observed")


def test_fact_returns_a_series_with_a_plain_float():
    row = fact("mobile_money_users_rural_share")
    assert row.name == "mobile_money_users_rural_share"
    assert type(row["value"]) is float and row["value"] == 72.0
    assert row["unit"] == "% of Mobile Money customers"


def test_unknown_fact_lists_close_ids():
    with pytest.raises(divide.DivideError) as info:
        fact("villages_no_signal_2022")
    message = str(info.value)
    assert "unknown fact id 'villages_no_signal_2022'" in message
    assert "villages_no_signal_no_power_2022" in message


# ---------------------------------------------------------------- cite()

def test_cite_english_and_vietnamese():
    assert cite("villages_no_signal_no_power_2022", lang="vi") == (
        "Thông báo 16/TB-VPCP, kết luận Hội nghị ngày 25/12/2022 (Văn phòng Chính phủ); "
        "dẫn theo Thương hiệu và Công luận"
    )
    en = cite("villages_no_signal_no_power_2022")
    assert en.startswith("Notice 16/TB-VPCP") and "(Government Office)" in en
    assert cite("target_households_fibre_2025", lang="vi") == (
        "Quyết định 749/QĐ-TTg phê duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030 "
        "(Thủ tướng Chính phủ, 03/06/2020); dẫn theo thukyluat.vn"
    )
    assert "(Prime Minister, 2020-06-03)" in cite("target_households_fibre_2025", lang="en")


def test_cite_of_a_derived_fact_names_its_inputs_sources():
    text = cite("villages_no_signal_2022_from_coverage")
    assert text.startswith("Derived by the divide project from: ")
    assert "VietNamNet" in text and "tincongnghe.net" in text
    assert "Derived" not in text[len("Derived"):]  # derived inputs are resolved to their own sources
    assert cite("villages_total_derived", lang="vi").startswith("Tính toán của dự án divide từ: ")


def test_every_fact_can_be_cited_in_both_languages(table):
    for fid in table.index:
        for lang in ("en", "vi"):
            text = facts_mod.cite_row(fid, table, lang)
            assert text and "nan" not in text.split(), (fid, lang)


def test_cite_rejects_unknown_language_and_id():
    with pytest.raises(divide.InputError, match="lang"):
        cite("payment_account_adults", lang="fr")
    with pytest.raises(divide.InputError, match="payment_account_adults"):
        cite("payment_account_adult")


# ---------------------------------------------------------------- loader errors on broken copies

def test_a_valid_copy_loads(tmp_path):
    copy = _write(tmp_path / "facts.csv", _rows())
    assert len(facts(path=copy)) == len(facts())


def _broken(tmp_path: Path, edit) -> Path:
    rows = _rows()
    edit(rows)
    return _write(tmp_path / "facts.csv", rows)


def _index(rows, fact_id):
    return next(i for i, r in enumerate(rows) if r["fact_id"] == fact_id)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda rows: rows.append(dict(rows[0])),
         r"line \d+ \(fact_id 'villages_no_signal_no_power_2022'\), column 'fact_id': .* repeats line 2"),
        (lambda rows: rows[_index(rows, "payment_account_adults")].update(status="observed"),
         r"fact_id 'payment_account_adults'\), column 'status': 'observed' is not one of"),
        (lambda rows: rows[_index(rows, "payment_account_adults")].update(source_document="", url=""),
         r"fact_id 'payment_account_adults'\), columns 'source_document'/'url': the row names no source"),
        (lambda rows: rows[_index(rows, "online_services_use_people_2020")].update(value="1,78"),
         r"fact_id 'online_services_use_people_2020'\), column 'value': '1,78' is not a number"),
        (lambda rows: rows[_index(rows, "villages_total_derived")].update(value="99000"),
         r"fact_id 'villages_total_derived'\), column 'value': 99000 does not match its formula"),
        (lambda rows: rows[_index(rows, "villages_total_derived")].update(formula="villages_no_signal_2021 / nope"),
         r"fact_id 'villages_total_derived'\), column 'formula': .*unknown or non-numeric fact 'nope'"),
        (lambda rows: rows[_index(rows, "payment_account_adults")].update(published="19/01/2025"),
         r"fact_id 'payment_account_adults'\), column 'published': '19/01/2025' is not an ISO date"),
        (lambda rows: rows[_index(rows, "payment_account_adults")].update(qualifier="~"),
         r"column 'qualifier': '~'"),
        (lambda rows: rows[_index(rows, "payment_account_adults")].update(fact_id="Payment-Account"),
         r"column 'fact_id': 'Payment-Account' is not a snake_case id"),
        (lambda rows: rows[_index(rows, "mobile_money_users")].update(quote_vi=""),
         r"fact_id 'mobile_money_users'\), column 'quote_vi'"),
        (lambda rows: rows[_index(rows, "mobile_money_users")].update(
            indicator=unicodedata.normalize("NFD", "Khách hàng Mobile Money")),
         r"fact_id 'mobile_money_users'\), column 'indicator': text is not in Unicode NFC"),
        (lambda rows: rows[_index(rows, "villages_total_derived")].update(value=""),
         r"fact_id 'villages_total_derived'\), column 'value': a derived row needs its computed value"),
        (lambda rows: rows[_index(rows, "payment_account_adults")].update(note="first line\nsecond line"),
         r"fact_id 'payment_account_adults'\), column 'note': a line break inside a field"),
    ],
    ids=["duplicate-id", "bad-status", "no-source", "decimal-comma", "derived-mismatch", "bad-formula",
         "bad-date", "bad-qualifier", "bad-id", "missing-quote", "not-nfc", "derived-empty",
         "line-break"],
)
def test_broken_copies_raise_naming_line_and_column(tmp_path, edit, expected):
    broken = _broken(tmp_path, edit)
    with pytest.raises(divide.DivideError, match=expected) as info:
        facts(path=broken)
    assert str(broken) in str(info.value)
    assert info.value.exit_code == 2


def test_all_problems_are_reported_at_once(tmp_path):
    def edit(rows):
        rows[1]["status"] = "guess"
        rows[2]["value"] = "n/a"

    with pytest.raises(divide.DivideError, match="2 problem") as info:
        facts(path=_broken(tmp_path, edit))
    assert "line 3" in str(info.value) and "line 4" in str(info.value)


def test_missing_column_and_missing_file(tmp_path):
    rows = _rows()
    cols = [c for c in COLUMNS if c != "status"]
    with pytest.raises(divide.DivideError, match="missing column.*'status'"):
        facts(path=_write(tmp_path / "facts.csv", rows, cols))
    with pytest.raises(divide.DataNotFoundError, match="missing"):
        facts(path=tmp_path / "nowhere.csv")


def test_a_non_utf8_file_is_refused(tmp_path):
    bad = tmp_path / "facts.csv"
    bad.write_bytes(FACTS_CSV.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(divide.DivideError, match="UTF-8"):
        facts(path=bad)


# ---------------------------------------------------------------- command line

def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="divide")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_statuses_match_the_library():
    from divide.cli.app import build_parser

    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    status = next(a for a in sub.choices["facts"]._actions if a.dest == "status")
    assert tuple(status.choices) == STATUSES


def test_cli_table(capsys):
    assert _run(["facts", "--topic", "payments"]) == 0
    out = capsys.readouterr().out
    assert "mobile_money_users" in out and "9,130,000" in out and "fact(s)" in out


def test_cli_csv_and_json(capsys):
    assert _run(["facts", "--status", "target", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("fact_id,topic,indicator,value")
    assert all(",target," in line for line in lines[1:] if line)
    assert _run(["facts", "--topic", "connectivity", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    by_id = {r["fact_id"]: r for r in records}
    assert by_id["villages_no_signal_no_power_2022"]["value"] == 266
    assert "16/TB-VPCP" in by_id["villages_no_signal_no_power_2022"]["citation_vi"]
    assert by_id["target_no_signal_completion_2025"]["value"] is None


def test_cli_misuse_exits_2(capsys):
    assert _run(["facts", "--topic", "nope"]) == 2
    assert "unknown topic" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        _run(["facts", "--status", "nope"])
    assert info.value.code == 2
