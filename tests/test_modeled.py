"""The modeled demonstration dataset: calibration, consistency, labelling, determinism."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from divide import InputError
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
    first = m.write_modeled(tmp_path / "a")
    second = m.write_modeled(tmp_path / "b")
    for kind, path in first.items():
        assert "modeled" in path.name
        assert path.read_bytes() == second[kind].read_bytes(), kind
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
