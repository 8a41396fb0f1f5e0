"""The modeled demonstration dataset: calibration, consistency, labelling, determinism."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from divide import DivideError, InputError
from divide.modeled import indicators as m
from divide.modeled.covariates import province_dti_rank

PCT_TARGETS = {
    "fiber_households_pct": 78.3,
    "mobile_4g_pop_pct": 99.0,
    "online_services_pct": 18.0,
    "smartphone_adults_pct": 73.5,
    "digital_payment_adults_pct": 87.0,
}
# Đà Nẵng 2019: 83.19 % urban vs 54.12 % rural, as an odds ratio.
DA_NANG_OR = (83.19 / 16.81) / (54.12 / 45.88)


@pytest.fixture(scope="module")
def indicators(communes):
    return m.model_indicators(communes)


@pytest.fixture(scope="module")
def villages(communes, indicators):
    return m.model_villages(communes, indicators)


def _wmean(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum())


def test_schema_index_and_label(indicators, communes):
    assert list(indicators.columns) == m.INDICATOR_COLUMNS + ["source"]
    assert indicators.index.equals(communes.index)
    assert indicators.index.name == "commune_code"
    assert all(isinstance(c, str) and len(c) == 5 for c in indicators.index)
    assert (indicators["source"] == "modeled").all()
    attrs = indicators.attrs
    assert attrs["modeled"] is True and attrs["source"] == "modeled"
    assert attrs["label"] == "Dữ liệu mô phỏng / modeled data"
    assert attrs["seed"] == m.settings.DEFAULT_SEED
    assert attrs["generator_version"] == m.GENERATOR_VERSION
    assert set(attrs["calibration"]) == set(m.CALIBRATION)


def test_village_counts_hit_targets(indicators):
    derived = 2148 / (1 - 0.9782)  # 97.82 % village coverage with 2,148 villages without signal (2021)
    total = int(indicators["villages_total"].sum())
    assert abs(total - derived) / derived <= 0.0025  # the tolerance stated in CALIBRATION
    assert total == m.CALIBRATION["villages_total"]["value"] == 98532
    assert int(indicators["villages_no_signal"].sum()) == 266  # Thông báo 16/TB-VPCP
    assert int(indicators["villages_no_power"].sum()) == round(266 * 200 / 300) == 177


@pytest.mark.parametrize("column", sorted(PCT_TARGETS))
def test_national_means_hit_targets(indicators, communes, column):
    achieved = _wmean(indicators[column], communes["population"])
    assert abs(achieved - PCT_TARGETS[column]) <= 0.05
    assert m.CALIBRATION[column]["value"] == PCT_TARGETS[column]


@pytest.mark.parametrize("column", sorted(PCT_TARGETS))
def test_rural_shortfall_follows_da_nang_ratio(indicators, communes, column):
    pop = communes["population"]
    urban = _wmean(indicators.loc[communes["commune_type"] == "phuong", column], pop)
    rural = _wmean(indicators.loc[communes["commune_type"] == "xa", column], pop)
    assert rural < urban
    odds_ratio = (urban / (100 - urban)) / (rural / (100 - rural))
    assert odds_ratio == pytest.approx(DA_NANG_OR, rel=0.05)


def test_ranges_and_counts(indicators, communes):
    populated = communes["population"] > 0
    pct = [c for c in m.INDICATOR_COLUMNS if c.endswith("_pct")]
    values = indicators[pct]
    assert values[populated].notna().all().all()
    assert values[~populated].isna().all().all()  # Hoàng Sa, Trường Sa: no residents, no shares
    assert ((values[populated] >= 0) & (values[populated] <= 100)).all().all()
    counts = indicators[["villages_total", "villages_no_signal", "villages_no_power"]]
    assert all(pd.api.types.is_integer_dtype(t) for t in counts.dtypes)
    assert (counts >= 0).all().all()
    assert (indicators["villages_no_signal"] <= indicators["villages_total"]).all()
    assert (indicators["villages_no_power"] <= indicators["villages_total"]).all()
    assert (indicators["villages_no_power"] <= indicators["villages_no_signal"]).all()
    assert (indicators.loc[populated, "villages_total"] >= 1).all()
    # 100 % of communes are reached by fibre (seed 002)
    assert (indicators.loc[populated, "fiber_villages_pct"] > 0).all()


def test_unserved_villages_are_rural_and_remote(indicators, communes):
    unserved = indicators.index[indicators["villages_no_signal"] > 0]
    assert len(unserved) > 20  # spread over many communes, not piled into one
    kinds = communes.loc[unserved, "commune_type"]
    assert (kinds == "xa").all()  # never a phường (nor a đặc khu)
    xa_median = communes.loc[communes["commune_type"] == "xa", "remoteness_km"].median()
    assert (communes.loc[unserved, "remoteness_km"] >= xa_median).all()
    # concentrated where covariates make it plausible: sparser than the typical xã
    assert communes.loc[unserved, "density_km2"].median() < communes.loc[communes["commune_type"] == "xa", "density_km2"].median()


def test_no_signal_where_4g_is_capped(indicators, communes):
    unserved = indicators["villages_no_signal"] > 0
    assert indicators.loc[unserved, "mobile_4g_pop_pct"].max() < 100


def test_calibration_report(indicators, communes):
    rep = m.calibration_report(indicators, communes)
    assert set(rep.index) == set(m.CALIBRATION)
    assert rep["ok"].all(), rep[~rep["ok"]]
    assert all(spec["citation"] for spec in m.CALIBRATION.values())
    assert all(a["source"] and a["assumption"] for a in m.ASSUMPTIONS)


def test_villages_match_indicators(villages, indicators, communes):
    assert villages.index.name == "village_id" and villages.index.is_unique
    assert list(villages.columns) == m.VILLAGE_COLUMNS + ["geometry"]
    assert villages.crs.to_epsg() == 4326
    assert (villages["source"] == "modeled").all() and villages.attrs["modeled"] is True
    per = villages.groupby("commune_code")
    n = per.size().reindex(indicators.index, fill_value=0)
    assert n.equals(indicators["villages_total"].astype("int64"))
    no_signal = per["has_mobile_signal"].apply(lambda s: int((~s).sum())).reindex(indicators.index, fill_value=0)
    assert no_signal.equals(indicators["villages_no_signal"].astype("int64"))
    no_power = per["has_power"].apply(lambda s: int((~s).sum())).reindex(indicators.index, fill_value=0)
    assert no_power.equals(indicators["villages_no_power"].astype("int64"))
    assert not (~villages["has_power"] & villages["has_mobile_signal"]).any()
    assert not (villages["has_fiber"] & ~villages["has_mobile_signal"]).any()
    fibre = (100 * per["has_fiber"].mean()).reindex(indicators.index)
    assert (fibre - indicators["fiber_villages_pct"]).abs().max() <= 0.006
    # populations add up to the commune (rounding of each village to whole people)
    pop = per["population"].sum().reindex(communes.index, fill_value=0)
    assert (pop - communes["population"]).abs().max() <= indicators["villages_total"].max()
    assert villages["village_name"].str.fullmatch(r"(Thôn|Bản|Ấp|Tổ dân phố) \d+").all()
    urban = villages["commune_code"].map(communes["commune_type"]) == "phuong"
    assert villages.loc[urban, "village_name"].str.startswith("Tổ dân phố").all()


def test_village_points_inside_their_commune(villages, communes):
    polygons = communes.geometry.reindex(villages["commune_code"])
    assert villages.within(polygons, align=False).all()


def test_subset_gives_the_national_rows(indicators, villages, communes):
    lc_codes = communes.index[communes["province_code"] == "12"]
    lc = communes.loc[lc_codes]
    sub = m.model_indicators(lc)
    assert sub.index.equals(lc.index)
    pd.testing.assert_frame_equal(sub, indicators.loc[lc_codes], check_like=False)
    v = m.model_villages(lc)
    expected = villages[villages["commune_code"].isin(set(lc_codes))]
    pd.testing.assert_frame_equal(v.drop(columns="geometry"), expected.drop(columns="geometry"))
    assert v.geometry.geom_equals_exact(expected.geometry, 0).all()


def test_files_are_labelled_and_identical_across_runs(tmp_path):
    """Two rebuilds (as `python -m divide.build` makes them) give the same bytes, and the shipped files are them."""
    import shutil

    from divide.analysis.model_check import modeled_check

    readme = m.settings.MODELED_DIR / "README.md"
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(readme, tmp_path / name / "README.md")
    first = m.write_modeled(tmp_path / "a", checks=modeled_check)
    second = m.write_modeled(tmp_path / "b", checks=modeled_check)
    first["readme"], second["readme"] = tmp_path / "a" / "README.md", tmp_path / "b" / "README.md"
    for kind, path in first.items():
        assert kind == "readme" or "modeled" in path.name
        assert path.read_bytes() == second[kind].read_bytes(), kind
        # the shipped dataset (and the README's generated figures) is exactly what the build makes
        assert path.read_bytes() == (m.settings.MODELED_DIR / path.name).read_bytes(), f"stale shipped {path.name}"
    table = pd.read_csv(first["indicators"], dtype={"commune_code": str}).set_index("commune_code")
    assert len(table) == 3321 and (table["source"] == "modeled").all()
    meta = json.loads(first["metadata"].read_text(encoding="utf-8"))
    assert meta["modeled"] is True and meta["label"] == m.LABEL
    assert meta["seed"] == m.settings.DEFAULT_SEED and meta["generator_version"] == m.GENERATOR_VERSION
    assert all(entry["ok"] for entry in meta["calibration"].values())
    assert meta["achieved"]["villages_no_signal"] == 266
    import pyogrio

    info = pyogrio.read_info(first["villages"])
    assert info["features"] == 98532
    assert info["layer_metadata"]["modeled"] == "true"
    assert m.LABEL in info["layer_metadata"]["DESCRIPTION"]


def test_another_seed_changes_values_not_targets(communes, indicators):
    other = m.model_indicators(communes, seed=1)
    assert not other["online_services_pct"].equals(indicators["online_services_pct"])
    assert int(other["villages_no_signal"].sum()) == 266
    assert abs(_wmean(other["fiber_households_pct"], communes["population"]) - 78.3) <= 0.05
    assert other.attrs["seed"] == 1


def test_dti_ranks_mapped_onto_2025_provinces(communes):
    ranks = province_dti_rank(communes)
    assert len(ranks) == 34 and ranks.between(1, 63).all()
    assert ranks["01"] == 24 and ranks["22"] == 3  # Hà Nội and Quảng Ninh were not merged
    # Đà Nẵng (rank 1) merged with Quảng Nam (31): in between, weighted by population
    assert 1 < ranks["48"] < 31


def test_bad_input(communes):
    with pytest.raises(InputError, match="commune_code"):
        m.model_indicators(communes.reset_index())
    fake = communes.iloc[:3].copy()
    fake.index = pd.Index(["99991", "99992", "99993"], name="commune_code")
    with pytest.raises(InputError, match="not 2025 communes"):
        m.model_indicators(fake)
    ind = m.model_indicators(communes.iloc[:5])
    bad = ind.copy()
    bad["villages_no_signal"] = bad["villages_total"] + 1
    with pytest.raises(InputError, match="must not exceed"):
        m.model_villages(communes.iloc[:5], bad)


def test_shipped_villages_are_the_generated_ones(communes):
    from divide.modeled.files import read_modeled_villages

    lc = communes[communes["province_code"] == "12"]
    shipped = read_modeled_villages(lc).set_index("village_id").sort_index()
    generated = m.model_villages(lc).sort_index()
    assert len(shipped) == len(generated) == int(m.model_indicators(lc)["villages_total"].sum()) > 0
    for col in ["commune_code", "has_mobile_signal", "has_power", "has_fiber", "population"]:
        assert shipped[col].tolist() == generated[col].tolist(), col
    assert shipped.geometry.geom_equals_exact(generated.geometry, tolerance=1e-9).all()
    other = read_modeled_villages(lc, seed=1)  # not the shipped seed: generated
    assert other.attrs["seed"] == 1 and len(other) == len(generated)


# --------------------------------------------------------------------------- province constraints (issue 17)


def test_constrained_provinces_hold_the_reported_counts(indicators, communes):
    from divide.modeled.constraints import province_constraints

    used, _ = province_constraints()
    assert len(used) >= 1  # Tuyên Quang, January 2026
    import divide

    for row in used.itertuples():
        fact = divide.fact(row.fact_id)
        assert row.value == int(fact["value"])
        in_province = communes["province_code"] == row.province_code
        assert int(indicators.loc[in_province, row.column].sum()) == row.value, row.fact_id
    tq = used.set_index("column").loc[:, "value"]
    assert tq["villages_no_signal"] == 91 and tq["villages_no_power"] == 4
    # the national calibration still holds exactly
    assert int(indicators["villages_no_signal"].sum()) == m.CALIBRATION["villages_no_signal"]["value"] == 266
    assert int(indicators["villages_no_power"].sum()) == m.CALIBRATION["villages_no_power"]["value"] == 177
    assert indicators.attrs["province_constraints"]["villages_no_signal"] == {"08": 91}


def test_every_province_village_count_is_reviewed():
    """A new province count of villages in data/facts.csv must be classified before it can (or cannot) constrain."""
    import divide
    from divide.modeled.constraints import PROVINCE_COUNT_FACTS

    f = divide.facts()
    counts = f.index[(f["unit"] == "villages") & (f["geography"] != "national")]
    assert set(counts) <= set(PROVINCE_COUNT_FACTS), sorted(set(counts) - set(PROVINCE_COUNT_FACTS))


def test_currency_rule():
    from divide.modeled.constraints import is_current

    assert is_current("Tuyên Quang (2025 province, incl. former Hà Giang)", "2026-01")[0]
    assert is_current("Sơn La", "as of 2025-09-16")[0]  # a 2025 province name, dated after the reform
    assert not is_current("Lào Cai (pre-2025)", "2026-01")[0]
    assert not is_current("Sơn La", "as reported (date not given)")[0]
    assert not is_current("Lai Châu", "2021-09")[0]
    assert not is_current("Hà Giang", "2026-01")[0]  # not a 2025 province
    assert is_current("Lai Châu", "", published="2025-08-01")[0]


def test_generator_honours_any_constraint_and_keeps_the_national_totals(communes):
    from divide.modeled.covariates import national_communes
    from divide.modeled.generator import generate

    national, _ = national_communes(communes)
    lai_chau = communes["province_code"] == "12"
    table, _, info = generate(national, m.settings.DEFAULT_SEED,
                              {"villages_no_signal": {"12": 40, "08": 91}, "villages_no_power": {"12": 30}})
    assert int(table.loc[lai_chau, "villages_no_signal"].sum()) == 40
    assert int(table.loc[lai_chau, "villages_no_power"].sum()) == 30
    assert int(table["villages_no_signal"].sum()) == 266 and int(table["villages_no_power"].sum()) == 177
    assert (table["villages_no_power"] <= table["villages_no_signal"]).all()
    assert info["constraints"] == {"villages_no_signal": {"08": 91, "12": 40}, "villages_no_power": {"12": 30}}
    assert m.calibration_report(table, communes)["ok"].all()
    free, _, _ = generate(national, m.settings.DEFAULT_SEED, {})  # no constraint: Tuyên Quang as the weights fall
    assert int(free.loc[communes["province_code"] == "08", "villages_no_signal"].sum()) != 91
    again, _, _ = generate(national, m.settings.DEFAULT_SEED, {"villages_no_signal": {"12": 40, "08": 91},
                                                                "villages_no_power": {"12": 30}})
    pd.testing.assert_frame_equal(again, table)  # deterministic
    with pytest.raises(DivideError, match="exceed"):
        generate(national, 1, {"villages_no_signal": {"12": 300}})


def test_metadata_lists_the_constraints():
    meta = json.loads((m.settings.MODELED_DIR / "modeled_metadata.json").read_text(encoding="utf-8"))
    used = meta["province_constraints"]["used"]
    assert {(r["fact_id"], r["province_name"], r["column"], r["value"], r["as_of"], r["achieved"]) for r in used} == {
        ("tuyen_quang_villages_no_signal_2026_01", "Tuyên Quang", "villages_no_signal", 91, "2026-01", 91),
        ("tuyen_quang_no_signal_villages_no_power_2026_01", "Tuyên Quang", "villages_no_power", 4, "2026-01", 4),
    }
    reasons = {r["fact_id"]: r["reason"] for r in meta["province_constraints"]["not_used"]}
    assert "pre-2025" in reasons["lao_cai_villages_no_mobile_2022_10"]
    assert meta["model_check"]["results"], "the build records the hit rate"
    readme = (m.settings.MODELED_DIR / "README.md").read_text(encoding="utf-8")
    from divide.modeled.files import readme_section

    assert readme_section(meta) in readme  # the README's figures are the recorded ones


# --------------------------------------------------------------------------- hit rate (issue 17)


def _toy():
    tiers = pd.Series([1, 1, 2, 3, 5, None], index=[f"c{i}" for i in range(1, 7)], dtype="Float64")
    register = pd.DataFrame(
        [
            ("A", "c1", "no_signal", "2023", None),
            ("a ", "c1", "weak_signal", "2024", None),  # the same village, reported later
            ("B", "c1", "no_electricity", "2022", None),
            ("C", "c3", "no_signal", "2021", None),
            ("C", "c3", "covered", "2021", "2023"),  # covered since: out
            ("D", "c3", "covered", "2020", "2020"),
            ("D", "c3", "no_signal", "2024", None),  # unserved again after the coverage report
            ("E", "c4", "weak_signal", "2025", None),
            ("F", "c6", "no_signal", "2025", None),  # its commune has no tier: not counted
            ("G", None, "no_signal", "2025", None),  # no 2025 commune: not counted
            ("H", "c5", "no_fibre", "2025", None),  # not an unserved status
            ("I", "c2", "covered", "2025", "2025"),
        ],
        columns=["village", "commune_code", "status", "as_of", "covered_date"],
    )
    weights = pd.DataFrame({"population": [10, 20, 30, 40, 100, 0]}, index=tiers.index)
    provinces = pd.Series(["P", "P", "P", "Q", "Q", "Q"], index=tiers.index)
    return tiers, register, weights, provinces


def test_unserved_villages_latest_report_wins():
    from divide.analysis.model_check import unserved_villages

    _, register, _, _ = _toy()
    u = unserved_villages(register)
    assert sorted(u["village"].str.strip().str.upper()) == ["A", "B", "D", "E", "F", "G"]
    a = u[u["village"].str.strip().str.upper() == "A"].iloc[0]
    assert a["status"] == "weak_signal" and a["reports"] == 2 and a["as_of"] == "2024"


def test_hit_rate_on_a_hand_made_example():
    from divide.analysis.model_check import hit_rate

    tiers, register, weights, provinces = _toy()
    r = hit_rate(tiers, register, (1,), weights=weights, provinces=provinces)
    # counted: A, B (c1, tier 1: hits), D (c3, tier 2), E (c4, tier 3); F and G not counted
    assert (r.villages, r.hits, r.share, r.not_counted) == (4, 2, 0.5, 2)
    assert r.chance["communes"] == pytest.approx(2 / 5)  # c1, c2 of the 5 tiered communes
    assert r.chance["population"] == pytest.approx(30 / 200)
    assert r.chance["within_province"] == pytest.approx((3 * 2 / 3 + 0) / 4)  # P: 2 of 3 in tier 1, Q: 0 of 2
    # one-sided binomial P(X >= 2), n = 4
    assert r.p_value["communes"] == pytest.approx(1 - 0.6**4 - 4 * 0.4 * 0.6**3)
    assert r.p_value["population"] == pytest.approx(1 - 0.85**4 - 4 * 0.15 * 0.85**3)
    # Poisson-binomial with p = 2/3, 2/3, 2/3, 0: P(Bin(3, 2/3) >= 2) = 20/27
    assert r.p_value["within_province"] == pytest.approx(20 / 27)
    # communes c1 (hit), c3, c4
    assert (r.communes, r.commune_hits) == (3, 1)
    assert r.commune_p_value["communes"] == pytest.approx(1 - 0.6**3)
    assert r.commune_chance["within_province"] == pytest.approx(4 / 9)
    assert r.commune_p_value["within_province"] == pytest.approx(1 - (1 / 3) ** 2)
    assert r.detail["hit"].tolist().count(True) == 2
    two = hit_rate(tiers, register, (1, 2))
    assert (two.hits, two.chance["communes"]) == (3, pytest.approx(3 / 5))
    assert two.to_dict()["tiers"] == [1, 2]


def test_recorded_hit_rate_is_the_computed_one(communes):
    from divide.analysis.model_check import modeled_check
    from divide.provenance import jsonable

    meta = json.loads((m.settings.MODELED_DIR / "modeled_metadata.json").read_text(encoding="utf-8"))
    table = pd.read_csv(m.settings.MODELED_DIR / "indicators_2025_modeled.csv",
                        dtype={"commune_code": str}).set_index("commune_code")
    assert jsonable(modeled_check(table, communes)) == meta["model_check"]
    first = meta["model_check"]["results"][0]
    assert first["hits"] <= first["villages"] and 0 <= first["share"] <= 1
