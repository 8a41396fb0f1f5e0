"""Property-based tests of the readers (issue 14, item 8): whatever a user hands in, no traceback, nothing lost.

Random bytes, random CSV dialects and encodings, and random workbooks either read or fail with a
``divide.DivideError``; when they read, every data row of the file is accounted for:
input rows = matched + repaired + rejected, and the table holds exactly the matched and repaired rows.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import divide
from divide import DivideError

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def codes() -> list[str]:
    return divide.load_communes("Lai Châu").index.tolist()


@pytest.fixture(scope="module")
def lai_chau():
    return divide.load_communes("Lai Châu")


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(c: str) -> str:
    """Windows-1258 form of a character: precomposed if it exists, else base letter + tone mark."""
    try:
        c.encode("cp1258")
        return c
    except UnicodeEncodeError:
        parts = unicodedata.normalize("NFD", c)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        return base + "".join(p for p in parts if p in _TONES)


def _read(path: Path, communes):
    try:
        return divide.read_indicators(path, communes=communes)
    except DivideError:
        return None


@SETTINGS
@given(data=st.binary(min_size=0, max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".tsv"]))
def test_random_bytes_never_raise_a_traceback(tmp_path, lai_chau, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _read(path, lai_chau)  # anything but a DivideError fails the test


code_cell = st.one_of(
    st.sampled_from(["03388", "3388", "03388.0", "'03388", " 03391 ", "99999", "", "ABCDE", "3391"]),
    st.integers(min_value=0, max_value=40000).map(str),
)
value_cell = st.one_of(
    st.floats(min_value=-10, max_value=120, allow_nan=False).map(lambda v: f"{v:.2f}"),
    st.sampled_from(["", "n.a.", "12,5", "50%", "cao", "1.234", "7"]),
)


@SETTINGS
@given(
    rows=st.lists(st.tuples(code_cell, value_cell, value_cell), min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "utf-16"]),
    vietnamese=st.booleans(),
)
def test_random_csv_dialects_and_encodings_account_for_every_row(tmp_path, lai_chau, rows, delimiter, encoding,
                                                                 vietnamese):
    header = (["Mã xã", "Tỷ lệ hộ có cáp quang (%)", "Tỷ lệ dân số phủ sóng 4G (%)"] if vietnamese
              else ["commune_code", "fiber_households_pct", "mobile_4g_pop_pct"])
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "table.csv"
    text = buf.getvalue()
    if encoding == "cp1258":  # Windows-1258 writes tone marks as combining characters
        text = "".join(_cp1258(c) for c in text)
    path.write_bytes(text.encode(encoding))
    expected_rows = sum(1 for r in rows if any(cell.strip() for cell in r))
    result = _read(path, lai_chau)
    if result is None:
        return
    table, report = result
    counts = report.counts()
    assert counts["input"] == expected_rows
    assert counts["matched"] + counts["repaired"] + counts["rejected"] == counts["input"]
    assert len(table) == counts["matched"] + counts["repaired"] - _duplicates_folded(report)
    assert table.index.isin(lai_chau.index).all()


def _duplicates_folded(report) -> int:
    """Repaired rows that were folded into another row (exact duplicates) do not add a row to the table."""
    return sum(1 for o in report.outcomes if o.status == "repaired" and "duplicate" in o.reason)


@SETTINGS
@given(
    rows=st.lists(st.tuples(code_cell, value_cell), min_size=0, max_size=15),
    title_rows=st.integers(min_value=0, max_value=2),
    numeric_codes=st.booleans(),
)
def test_random_workbooks_account_for_every_row(tmp_path, lai_chau, rows, title_rows, numeric_codes):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Báo cáo chỉ tiêu xã {i}"])
    ws.append(["Mã xã", "Tỷ lệ hộ có cáp quang (%)"])
    for code, value in rows:
        cell = int(code) if numeric_codes and code.strip().isdigit() else code
        ws.append([cell, value])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    expected_rows = sum(1 for r in rows if any(str(c).strip() for c in r))
    result = _read(path, lai_chau)
    if result is None:
        return
    table, report = result
    counts = report.counts()
    assert counts["input"] == expected_rows
    assert counts["matched"] + counts["repaired"] + counts["rejected"] == counts["input"]
    assert table.index.isin(lai_chau.index).all()
