"""divide.progress: statuses by hand, the gap decomposition, the modeled vintages, bad input, the door."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import DivideError, InputError
from divide.analysis.progress import parse_target, progress, read_vintage, registry_series, registry_targets
from divide.analysis.progress_status import classify, shift_share
from divide.modeled.vintages import model_vintages, vintage_calibration


@pytest.fixture(scope="module")
def lai_chau():
    return divide.load_communes("Lai Châu")


@pytest.fixture(scope="module")
def national_vintages():
    return model_vintages()


def _table(codes, **columns):
    return pd.DataFrame(columns, index=pd.Index(list(codes), name="commune_code"))


# ------------------------------------------------------------------ statuses computed by hand


def test_hand_computed_statuses_of_four_communes(lai_chau):
    codes = lai_chau.index[:4]
    # fibre households, target 80 % by 2025 (user target), vintages 2020 and 2024 (4 years, 5 to the target)
    v2020 = _table(codes, fiber_households_pct=[60.0, 50.0, 50.0, 50.0])
    v2024 = _table(codes, fiber_households_pct=[82.0, 72.0, 60.0, 45.0])
    r = progress({2020: v2020, 2024: v2024}, communes=lai_chau, registry=False,
                 targets=["fiber_households_pct=80@2025"])
    rows = r.communes[r.communes["indicator"] == "fiber_households_pct"].set_index("commune_code").loc[codes]
    required = (80 / 50) ** (1 / 5) - 1
    expected_ratio = [((72 / 50) ** 0.25 - 1) / required, ((60 / 50) ** 0.25 - 1) / required,
                      ((45 / 50) ** 0.25 - 1) / required]
    assert rows["status"].tolist() == ["met", "on_track", "limited", "deterioration"]
    assert rows["ratio"].iloc[1:].round(6).tolist() == pytest.approx(np.round(expected_ratio, 6).tolist())
    assert rows["ratio"].iloc[1] >= 0.95 and 0 <= rows["ratio"].iloc[2] < 0.60
    assert rows["annual_change"].iloc[1] == pytest.approx((72 / 50) ** 0.25 - 1)
    assert rows["required_rate"].iloc[1] == pytest.approx(required)
    assert rows["status_label"].tolist() == ["target met", "on track", "limited progress", "deterioration"]


def test_needs_acceleration_and_lower_is_better_flip(lai_chau):
    codes = lai_chau.index[:3]
    v = {2021: _table(codes, villages_total=[10.0, 10.0, 10.0], villages_no_signal=[4.0, 4.0, 2.0]),
         2024: _table(codes, villages_total=[10.0, 10.0, 10.0], villages_no_signal=[2.0, 4.0, 3.0])}
    r = progress(v, communes=lai_chau, registry=False, targets=["villages_no_signal=0@2025"])
    rows = r.communes[r.communes["indicator"] == "villages_no_signal"].set_index("commune_code").loc[codes]
    # the target 0 is the natural limit: linear rates; commune 1: -2/3 a year against -4/4 = ratio 0.667
    assert rows["rate"].tolist() == ["linear"] * 3
    assert rows["ratio"].iloc[0] == pytest.approx((-2 / 3) / (-1.0))
    assert rows["status"].tolist() == ["acceleration", "limited", "deterioration"]


def test_classify_without_target_scales_near_the_limit():
    # 98 -> 99 % in 4 years: 0.25 %/year, below 1.5 % but scaled by C = (100 - 98) / 100 = 0.02 -> on track
    out = classify(np.array([98.0, 50.0]), np.array([99.0, 50.5]), np.array([4.0, 4.0]), np.array([np.nan] * 2),
                   np.array([np.nan] * 2), np.array([True, True]), np.array([100.0, 100.0]))
    assert out["status"].tolist() == ["on_track", "limited"]


def test_base_already_met_then_lost_is_deterioration():
    out = classify(np.array([85.0]), np.array([78.0]), np.array([2.0]), np.array([80.0]), np.array([3.0]),
                   np.array([True]), np.array([100.0]))
    assert out["status"].tolist() == ["deterioration"] and math.isnan(out["ratio"][0])


# ------------------------------------------------------------------ the gap and its decomposition


def test_shift_share_parts_add_up_exactly():
    rng = np.random.default_rng(3)
    n = 500
    idx = [f"{i:05d}" for i in range(n)]
    x0, x1 = pd.Series(rng.uniform(0, 100, n), idx), pd.Series(rng.uniform(0, 100, n), idx)
    w0, w1 = pd.Series(rng.uniform(1, 9, n), idx), pd.Series(rng.uniform(1, 9, n), idx)
    urban = pd.Series(rng.random(n) < 0.3, idx)
    out = shift_share(x0, x1, w0, w1, urban)
    assert out["within_urban"] + out["within_rural"] + out["population_shift"] == pytest.approx(out["change"],
                                                                                                abs=1e-10)
    u0 = np.average(x0[urban], weights=w0[urban]) - np.average(x0[~urban], weights=w0[~urban])
    assert out["gap_from"] == pytest.approx(u0)
    # fixed population: no shift part at all
    same = shift_share(x0, x1, w0, w0, urban)
    assert same["population_shift"] == pytest.approx(0.0, abs=1e-12)


def test_gap_changes_add_up_on_the_modeled_vintages(national_vintages):
    communes = divide.load_communes()
    r = progress(national_vintages, communes=communes)
    ch = r.gap_changes
    parts = ch["within_urban"] + ch["within_rural"] + ch["population_shift"]
    assert np.allclose(parts, ch["change"], atol=1e-9)
    assert set(ch["measure"]) >= {"fiber_households_pct", "villages_no_signal_pct", "divide_index"}
    # the gap of a year agrees with the gap table (same communes: values in both years)
    g = r.gaps.set_index(["measure", "year"])
    row = ch[(ch["measure"] == "online_services_pct") & (ch["from_year"] == 2022) & (ch["to_year"] == 2023)].iloc[0]
    assert row["gap_from"] == pytest.approx(g.loc[("online_services_pct", 2022), "gap"], abs=1e-9)
    th = r.gaps
    assert np.allclose(th["theil_between"] + th["theil_within"], th["theil"], atol=1e-9)
    # the national series follow the registry: 2,148 villages without signal, then 761
    nat = r.national.set_index("indicator")
    assert nat.loc["villages_no_signal", "value_2020"] == pytest.approx(2148)
    assert nat.loc["villages_no_signal", "value_2024"] == pytest.approx(761)
    assert r.modeled and r.communes.attrs["modeled"]
    assert len(r.communes) == 3321 * len(r.log["indicators"])


# ------------------------------------------------------------------ the modeled vintages


def test_modeled_vintages_calibrated_and_labelled(national_vintages):
    cal = vintage_calibration(national_vintages)
    facts = cal[cal["basis"] == "fact"]
    assert (facts["achieved"] - facts["value"]).abs().max() < 0.01 + 1e-9
    got = facts.set_index(["indicator", "year"])["achieved"]
    assert got["online_services_pct", 2020] == pytest.approx(1.78, abs=0.01)
    assert got["online_services_pct", 2021] == pytest.approx(9.51, abs=0.01)
    assert got["villages_no_signal", 2022] == 266
    assert got["fiber_households_pct", 2022] == pytest.approx(71.75, abs=0.01)
    assert national_vintages[2020].index.name == "old_code" and len(national_vintages[2020]) == 10035
    for table in national_vintages.values():
        assert table.attrs["modeled"] and set(table["source"]) == {"modeled"}
        assert (table["villages_no_signal"] <= table["villages_total"]).all()
        assert (table["villages_no_power"] <= table["villages_no_signal"]).all()


def test_modeled_vintages_deterministic_and_uneven(lai_chau):
    a, b = model_vintages(lai_chau), model_vintages(lai_chau, seed=divide.settings.DEFAULT_SEED)
    pd.testing.assert_frame_equal(a[2023], b[2023])
    change = a[2024]["online_services_pct"] - a[2021]["online_services_pct"]
    assert change.std() > 1.0  # communes improve at different speeds


# ------------------------------------------------------------------ bad input


def test_one_vintage_needs_two(lai_chau):
    with pytest.raises(InputError, match="at least two vintages"):
        progress({2024: _table(lai_chau.index[:2], fiber_households_pct=[1.0, 2.0])}, communes=lai_chau)


def test_same_year_twice(lai_chau):
    t = _table(lai_chau.index[:2], fiber_households_pct=[1.0, 2.0])
    with pytest.raises(InputError, match="2024 is given twice"):
        progress([(2024, t), ("2024-06", t)], communes=lai_chau)


def test_different_indicators_compare_the_common_ones(lai_chau):
    codes = lai_chau.index[:2]
    v = {2022: _table(codes, fiber_households_pct=[40.0, 50.0], smartphone_adults_pct=[30.0, 40.0]),
         2024: _table(codes, fiber_households_pct=[60.0, 70.0])}
    r = progress(v, communes=lai_chau)
    assert r.log["indicators"] == ["fiber_households_pct"] and r.log["left_out"] == ["smartphone_adults_pct"]
    assert any("left out smartphone_adults_pct" in n for n in r.notes)


def test_old_and_new_codes_mixed(national_vintages, lai_chau):
    old = national_vintages[2020]
    new = national_vintages[2024]
    old_codes, new_codes = set(old.index), set(new.index)
    only_new = [c for c in new.index if c not in old_codes][:1]
    mixed = pd.concat([old.drop(columns="source").iloc[:50],
                       new.loc[only_new].drop(columns="source").rename_axis("old_code")])
    with pytest.raises(InputError, match="old and new codes are mixed"):
        read_vintage(mixed, 2020)
    # a 2025 table with a few pre-2025 rows slipped in
    old_only = [c for c in old.index if c not in new_codes][:3]
    slipped = pd.concat([new.drop(columns="source"), old.loc[old_only].drop(columns="source")])
    slipped.index.name = "commune_code"
    with pytest.raises(InputError, match="old and new codes are mixed"):
        read_vintage(slipped, 2024)


def test_target_year_before_last_vintage(lai_chau):
    t = _table(lai_chau.index[:2], fiber_households_pct=[1.0, 2.0])
    with pytest.raises(InputError, match="before the last vintage"):
        progress({2022: t, 2024: t}, communes=lai_chau, targets=["fiber_households_pct=80@2023"])
    with pytest.raises(InputError, match="not a target"):
        parse_target("fiber_households_pct=80")


def test_values_out_of_range_and_validation_of_files(tmp_path, lai_chau):
    bad = _table(lai_chau.index[:2], fiber_households_pct=[50.0, 140.0])
    with pytest.raises(InputError, match="outside"):
        read_vintage(bad, 2023)
    path = tmp_path / "xa_2023.csv"
    pd.DataFrame({"commune_code": lai_chau.index[:3], "villages_total": [5, 5, 5],
                  "villages_no_signal": [9, 0, 1]}).to_csv(path, index=False)
    with pytest.raises(DivideError) as err:
        read_vintage(path, 2023)
    assert err.value.exit_code == 1 and "failed validation" in str(err.value)


def test_pre2025_file_goes_through_the_crosswalk(tmp_path, national_vintages, lai_chau):
    path = tmp_path / "old_2020.csv"
    old = national_vintages[2020]
    keep = model_vintages(lai_chau)[2020].index
    old.loc[keep].drop(columns="source").reset_index().to_csv(path, index=False)
    table, info = read_vintage(path, 2020)
    assert info["codes"] == "pre2025" and info["crosswalk"]["rows"] == len(keep)
    assert table.index.isin(divide.load_communes().index).all()
    assert table["villages_total"].sum() == pytest.approx(old.loc[keep, "villages_total"].sum())


def test_registry_targets_and_series_are_cited():
    t = registry_targets()
    assert t["citation"].str.len().min() > 10
    assert set(t["indicator"]) >= {"fiber_households_pct", "online_services_pct", "villages_no_signal"}
    s = registry_series()
    assert (s["citation"].str.len() > 10).all()
    vil = s[(s["panel"] == "villages_no_signal") & (s["kind"] == "value")]
    assert vil["value"].tolist()[:2] == [2148.0, pytest.approx(266.04)]


def test_spec_without_frozen_goalposts_is_refused(lai_chau):
    t = _table(lai_chau.index[:2], fiber_households_pct=[1.0, 2.0])
    with pytest.raises(InputError, match="frozen goalposts"):
        progress({2022: t, 2024: t}, communes=lai_chau, spec="purdue_ddi")


# ------------------------------------------------------------------ the door


def test_cli_progress_on_the_modeled_vintages(tmp_path):
    from divide.cli.app import build_parser
    from divide.cli.progress import add_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    if "progress" not in sub.choices:
        add_parser(sub)
    out = tmp_path / "out"
    args = parser.parse_args(["-q", "progress", "--province", "Lai Châu", "--lang", "vi", "--out", str(out),
                              "--target", "fiber_households_pct=85@2025"])
    assert args.handler(args) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["manifest.json", "progress.xlsx", "progress_map.png", "trend.png"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["contains_modeled_data"]
    targets = {t["indicator"]: t for t in manifest["parameters"]["targets"]}
    assert targets["fiber_households_pct"]["value"] == 85 and targets["online_services_pct"]["year"] == 2024
    sheets = pd.read_excel(out / "progress.xlsx", sheet_name=None)
    assert {"xa", "tinh", "toan_quoc", "nguon"} <= set(sheets)
    assert len(sheets["xa"]) == 38 and sheets["xa"]["label"].eq(divide.provenance.LABEL).all()
    assert sheets["nguon"].iloc[:, 0].str.contains("749/QĐ-TTg").any()
