"""Urban–rural gaps, Gini and Theil (with its decomposition)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divide import InputError
from divide.analysis.gaps import GAP_COLUMNS, gini, inequality, theil, urban_rural_gap


def small() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [80.0, 60.0, 20.0, 40.0, 50.0, np.nan],
            "villages_total": [10, 10, 20, 5, 10, 10],
            "villages_no_signal": [0, 1, 4, 1, 2, 0],
            "population": [100.0, 300.0, 100.0, 100.0, 200.0, 50.0],
            "urban_rural": ["urban", "urban", "rural", "special_zone", "rural", "rural"],
            "degurba": ["city", "rural", "rural", "rural", "town_suburb", "rural"],
            "province_code": ["01", "01", "01", "12", "12", "12"],
            "province_name": ["Hà Nội"] * 3 + ["Lai Châu"] * 3,
        },
        index=pd.Index(["a", "b", "c", "d", "e", "f"], name="commune_code"),
    )


# --------------------------------------------------------------------------- Gini


def test_gini_by_hand():
    # Σ|xi - xj| over ordered pairs = 20; 20 / (2 * 16 * 2.5) = 0.25
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gini([5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)  # one holds everything: (n - 1) / n
    # integer weights are the same as repeating values
    assert gini([1, 3], [2, 1]) == pytest.approx(gini([1, 1, 3]))
    assert math.isnan(gini([0.0, 0.0]))
    with pytest.raises(InputError, match="non-negative"):
        gini([1, -2])


# --------------------------------------------------------------------------- Theil


def test_theil_by_hand():
    t = theil([1.0, 1.0, 2.0, 4.0], groups=["r", "r", "u", "u"])
    # T = (1/4)(2 * 0.5 ln 0.5 + 0 + 2 ln 2) = ln 2 / 4
    assert t.total == pytest.approx(math.log(2) / 4)
    # between: shares 1/4 and 3/4 of the total, means 1 and 3 around 2
    assert t.between == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    t_u = 0.5 * (2 / 3 * math.log(2 / 3) + 4 / 3 * math.log(4 / 3))
    assert t.within == pytest.approx(0.75 * t_u)
    assert t.between + t.within == pytest.approx(t.total, abs=1e-15)
    total, between, within = t  # unpacks as three numbers
    assert (total, between, within) == (t.total, t.between, t.within)
    assert t.groups.loc["u", "value_share"] == pytest.approx(0.75)
    assert theil([3.0, 3.0]).total == 0.0
    assert theil([0.0, 2.0]).total == pytest.approx(math.log(2))  # zeros contribute 0
    with pytest.raises(InputError, match="non-negative"):
        theil([-1.0, 2.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100, allow_subnormal=False), st.floats(0.1, 1000), st.sampled_from("abcd")),
                min_size=2,
                max_size=40))
def test_theil_decomposition_adds_up(rows):
    x, w, g = (np.array(v) for v in zip(*rows))
    if not (x * w).sum() > 0:
        return
    t = theil(x, w, g)
    assert t.between + t.within == pytest.approx(t.total, abs=1e-9)
    assert t.within >= -1e-12 and t.total >= -1e-12


# --------------------------------------------------------------------------- urban–rural gap


def test_gap_official_definition_by_hand():
    g = urban_rural_gap(small(), "x", communes=small())
    assert g.columns.tolist() == GAP_COLUMNS
    row = g.iloc[0]
    # urban a, b: (80*100 + 60*300) / 400 = 65; rural c, d (special zone), e: (20*100 + 40*100 + 50*200) / 400 = 40
    assert (row["measure"], row["scope"], row["scope_name"]) == ("x", "VN", "Việt Nam")
    assert row["urban_mean"] == 65.0 and row["rural_mean"] == 40.0
    assert row["difference"] == 25.0 and row["ratio"] == pytest.approx(65 / 40)
    assert row["urban_population"] == 400.0 and row["rural_population"] == 400.0  # f has no value
    assert (row["urban_communes"], row["rural_communes"]) == (2, 3)


def test_gap_degurba_and_by_province():
    d = urban_rural_gap(small(), "x", definition="degurba", communes=small()).iloc[0]
    # urban = city a + town_suburb e: (8000 + 10000) / 300 = 60; rural b, c, d: (18000 + 2000 + 4000) / 500 = 48
    assert d["urban_mean"] == 60.0 and d["rural_mean"] == 48.0
    p = urban_rural_gap(small(), "x", by="province", communes=small()).set_index("scope")
    assert p.index.tolist() == ["01", "12"]
    assert p.loc["01", "rural_mean"] == 20.0 and p.loc["01", "urban_mean"] == 65.0
    assert math.isnan(p.loc["12", "urban_mean"]) and math.isnan(p.loc["12", "ratio"])
    assert p.loc["12", "scope_name"] == "Lai Châu"


def test_village_counts_are_shares_of_villages():
    g = urban_rural_gap(small(), "villages_no_signal", communes=small()).iloc[0]
    # urban a, b: 1 of 20 villages = 5 %; rural c, d, e, f: 7 of 45
    assert g["urban_mean"] == pytest.approx(5.0)
    assert g["rural_mean"] == pytest.approx(100 * 7 / 45)


def test_gap_errors():
    with pytest.raises(InputError, match="'nope'"):
        urban_rural_gap(small(), ["nope"], communes=small())
    with pytest.raises(InputError, match="definition"):
        urban_rural_gap(small(), "x", definition="density", communes=small())
    with pytest.raises(InputError, match="by="):
        urban_rural_gap(small(), "x", by="district", communes=small())
    with pytest.raises(InputError, match="communes must be a commune table"):  # never read from disk
        urban_rural_gap(small(), "x", communes=None)
    with pytest.raises(InputError, match="province_name"):
        urban_rural_gap(small().drop(columns="province_name"), "x", communes=small().drop(columns="province_name"))


def test_gap_on_modeled_subset_uses_communes_and_keeps_the_label(subset):
    import divide
    from divide.analysis.index import compute_index

    table = divide.model_indicators(subset)
    scores = compute_index(table, communes=subset).scores
    merged = table.join(scores)
    merged.attrs = dict(table.attrs)
    g = urban_rural_gap(merged, communes=subset, by="province")
    assert set(g["scope"]) == {"01", "12"}
    assert {"smartphone_adults_pct", "divide_index", "usage_gap"} <= set(g["measure"])
    assert g.attrs["modeled"] is True and g.attrs["label"]
    nat = urban_rural_gap(merged, ["smartphone_adults_pct", "divide_index"], communes=subset).set_index("measure")
    assert nat.loc["smartphone_adults_pct", "difference"] > 0  # urban adults use smartphones more
    assert nat.loc["divide_index", "difference"] < 0  # the divide is wider in rural communes
    pop = subset["population"]
    urban = subset["urban_rural"] == "urban"
    expected = (table.loc[urban, "smartphone_adults_pct"] * pop[urban]).sum() / pop[urban].sum()
    assert nat.loc["smartphone_adults_pct", "urban_mean"] == pytest.approx(expected)


def test_inequality_table(subset):
    import divide

    table = divide.model_indicators(subset)
    ineq = inequality(table, "smartphone_adults_pct", communes=subset)
    assert ineq.columns.tolist() == ["measure", "statistic", "grouping", "component", "value", "communes",
                                     "population"]
    v = ineq.set_index(["statistic", "grouping", "component"])["value"]
    total = v[("theil", "none", "total")]
    for grouping in ("urban_rural", "province"):
        assert v[("theil", grouping, "between")] + v[("theil", grouping, "within")] == pytest.approx(total)
        assert 0 <= v[("theil", grouping, "between_share")] <= 1
    g = v[("gini", "none", "total")]
    assert g == pytest.approx(gini(table["smartphone_adults_pct"], subset["population"]))
    assert 0 < g < 1
    assert ineq.attrs["modeled"] is True
