"""`divide template`: a workbook a department fills in, that validates and runs through the atlas as it is."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from openpyxl import load_workbook

import divide
from divide.cli.app import main
from divide.indicators.schema import INDICATORS


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """The Lai Châu template, filled in with plausible values as a department would (openpyxl)."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "mau_lai_chau.xlsx"
    assert main(["-q", "template", "--province", "Lai Châu", "--out", str(path)]) == 0
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    rng = np.random.default_rng(7)
    for r in range(2, ws.max_row + 1):
        total = int(rng.integers(5, 25))
        values = {"villages_total": total, "villages_no_signal": int(rng.integers(0, 3)),
                  "villages_no_power": int(rng.integers(0, 2))}
        for i, c in enumerate(INDICATORS):
            value = values.get(c.name, round(float(rng.uniform(20, 99)), 1))
            ws.cell(row=r, column=4 + i, value=value)
        ws.cell(row=r, column=4 + len(INDICATORS), value="2025")
    wb.save(path)
    return path


def test_template_has_codes_as_text_names_validation_and_three_sheets(tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["-q", "template", "--province", "12", "--out", str(path)]) == 0
    wb = load_workbook(path)
    assert wb.sheetnames == ["Số liệu xã", "Hướng dẫn", "Nguồn"]
    ws = wb["Số liệu xã"]
    codes = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert codes == divide.load_communes("Lai Châu").index.tolist()
    assert all(isinstance(c, str) and len(c) == 5 for c in codes)
    assert ws.cell(row=2, column=1).number_format == "@"
    rules = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in ws.data_validations.dataValidation}
    assert ("decimal", "0", "100") in rules.values()
    assert any(t == "custom" and "<=" in f1 for t, f1, _ in rules.values())  # counts not above the total
    assert any(t == "whole" for t, _, _ in rules.values())


def test_the_same_template_twice_is_the_same_bytes(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for p in (a, b):
        assert main(["-q", "template", "--province", "Lai Châu", "--out", str(p)]) == 0
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_filled_template_validates_with_no_error(filled):
    report = divide.validate(filled)
    assert report.usable and report.exit_code == 0
    assert report.errors == []
    assert report.reconciliation()["matched"] == 38


def test_filled_template_runs_through_the_atlas(filled, tmp_path):
    out = tmp_path / "atlas"
    assert main(["-q", "atlas", "--indicators", str(filled), "--province", "Lai Châu", "--reps", "50",
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["contains_modeled_data"] is False
    assert "mau_lai_chau.xlsx" in (out / "brief.md").read_text(encoding="utf-8")


def test_template_refuses_a_non_workbook_name(tmp_path, capsys):
    assert main(["template", "--province", "12", "--out", str(tmp_path / "t.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
