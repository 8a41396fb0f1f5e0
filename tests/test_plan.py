"""The village planner (divide.analysis.plan, `divide plan`): real numbers, bookkeeping, bad input, CLI."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

import divide
from divide._errors import InputError
from divide.analysis.plan import format_amount, load_costs, option_costs, parse_amount, plan
from divide.cli import app
from divide.settings import PROJECTED_CRS

PROVINCE = "Lai Châu"
FILES = {"plan.xlsx", "plan.gpkg", "plan_map.png", "budget_curve.png", "manifest.json"}


@pytest.fixture(scope="module")
def communes():
    return divide.load_communes()


@pytest.fixture(scope="module")
def base(communes):
    return plan(communes=communes, budget="0,3 tỷ", province=PROVINCE, mc_reps=10)


def _villages(communes) -> gpd.GeoDataFrame:
    """Lai Châu's modeled villages without signal, as a user's table."""
    p = plan(communes=communes, budget="10 tỷ", province=PROVINCE, mc_reps=0, curve_points=1)
    cols = ["commune_code", "village_name", "has_mobile_signal", "has_power", "has_fiber", "population", "geometry"]
    v = p.villages.assign(has_mobile_signal=False)[cols].copy()
    v.attrs = {}
    return v


@pytest.mark.parametrize("text,expected", [
    ("50 tỷ", (50e9, "VND")), ("50 tỷ đồng", (50e9, "VND")), ("50.000.000.000", (50e9, "VND")),
    ("2,5 tỷ", (2.5e9, "VND")), ("1.234,5 tỷ đồng", (1234.5e9, "VND")), ("750 triệu", (750e6, "VND")),
    ("50 ty dong", (50e9, "VND")), ("2.000.000 USD", (2e6, "USD")), ("$1,500,000", (1.5e6, "USD")),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["0", "-5 tỷ", "abc", "1.23.4", "5 tỷ tiền", "", "0 tỷ"])
def test_parse_amount_rejects(text):
    with pytest.raises(InputError, match="budget|amount|read"):
        parse_amount(text)


def test_parse_amount_currency_conflict():
    with pytest.raises(InputError, match="USD"):
        parse_amount("5 tỷ đồng", "USD")


def test_format_amount():
    assert format_amount(50e9) == "50,0 tỷ đồng".replace(",0", "")
    assert format_amount(2.5e9) == "2,5 tỷ đồng"
    assert format_amount(12_345.6e9) == "12.346 tỷ đồng"
    assert format_amount(2.5e9, lang="en") == "VND 2.50 billion"


def test_option_costs_follow_the_formulas():
    v = load_costs()["value"]
    c = option_costs(v, np.array([True, False, True]), np.array([False, False, True]))
    years = v["horizon_years"]
    grid_mw = (v["site_4g"] + v["backhaul_microwave"] + v["grid_connection"]) * (1 + v["opex_share_per_year"] * years)
    assert c["4g"][0] == pytest.approx(grid_mw + v["site_rental_rural"] * years)
    assert c["4g"][1] > c["4g"][0]  # solar and batteries cost more than a grid connection
    assert c["4g"][2] < c["4g"][0]  # a fibre drop costs less than microwave
    assert c["satellite"][0] == pytest.approx(v["satellite_terminal"] + v["satellite_per_mbps_year"]
                                              * v["village_mbps"] * years)


def test_plan_bookkeeping(base):
    p = base
    assert p.modeled and p.villages.attrs.get("modeled") and p.interventions.attrs.get("modeled")
    assert p.spent <= p.budget * (1 + 1e-9)
    assert p.people_covered == pytest.approx(p.site_plan.recompute_people())
    assert p.people_covered == pytest.approx(p.villages.loc[p.villages["covered"], "population"].sum())
    assert p.interventions["cumulative_cost"].iloc[-1] == pytest.approx(p.spent)
    assert p.interventions["cumulative_people"].iloc[-1] == pytest.approx(p.people_covered)
    assert 0 < (~p.villages["covered"]).sum() < len(p.villages)  # the budget binds
    assert p.budget_to_cover_all > p.budget
    assert len(p.curve) >= 20 and p.curve["people_covered"].is_monotonic_increasing
    assert p.villages["p_in_plan"].between(0, 1).all() and p.villages["p_satellite_cheapest"].between(0, 1).all()
    # reported coverage equals coverage recomputed from the chosen sites with a dense distance matrix
    dxy = np.column_stack([p.villages.to_crs(PROJECTED_CRS).geometry.x, p.villages.to_crs(PROJECTED_CRS).geometry.y])
    s = p.sites.to_crs(PROJECTED_CRS)
    covered = (cdist(dxy, np.column_stack([s.geometry.x, s.geometry.y])) <= s["radius_km"].to_numpy() * 1e3).any(1)
    assert (covered == p.villages["covered"].to_numpy()).all()


def test_budget_never_exceeded_and_lnob_covers_at_least_as_many_must(communes):
    for budget in ("0,1 tỷ", "0,25 tỷ", "0,6 tỷ"):
        people = plan(communes=communes, budget=budget, province=PROVINCE, mc_reps=0, curve_points=1)
        lnob = plan(communes=communes, budget=budget, province=PROVINCE, mc_reps=0, curve_points=1,
                    objective="leave_no_one_behind")
        for p in (people, lnob):
            assert p.spent <= p.budget * (1 + 1e-9)
        must = people.villages["must_cover"].to_numpy(dtype=bool)
        assert must.any()
        n_people = int((people.villages["covered"].to_numpy() & must).sum())
        n_lnob = int((lnob.villages["covered"].to_numpy() & must).sum())
        assert n_lnob >= n_people
        assert lnob.people_covered <= people.people_covered + 1e-6


def test_user_costs_override_and_satellite_share(communes, tmp_path):
    path = tmp_path / "costs.yaml"
    path.write_text("items:\n  satellite_terminal: {value: 900000, low: 800000, high: 1000000, unit: USD, "
                    "currency: USD, year: 2025, source: test}\n", encoding="utf-8")
    p = plan(communes=communes, budget="20 tỷ", province=PROVINCE, costs=path, mc_reps=5, curve_points=2)
    assert p.costs.loc["satellite_terminal", "overridden"]
    assert set(p.interventions["technology"]) <= {"4g_grid", "4g_solar"}
    assert (p.villages["p_satellite_cheapest"] == 0).all()
    assert (p.villages["cheapest_option"] != "satellite").all()


@pytest.mark.parametrize("body,match", [
    ("items:\n  site_4g: {value: -5, low: -5, high: 1, source: x}\n", "negative"),
    ("items:\n  site_4g: {low: 1, high: 2, source: x}\n", "missing"),
    ("items:\n  not_an_item: {value: 1}\n", "unknown cost item"),
    ("items:\n  site_4g: {value: 5, low: 1, high: 9, source: ''}\n", "no source"),
    ("nothing: here\n", "items"),
])
def test_bad_cost_files(tmp_path, body, match):
    path = tmp_path / "c.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match) as err:
        load_costs(path)
    assert str(path) in str(err.value)


def test_bad_villages(communes):
    v = _villages(communes)
    with pytest.raises(InputError, match="no coordinates"):
        plan(pd.DataFrame(v.drop(columns="geometry")), communes=communes, budget="1 tỷ")
    swapped = v.copy()
    swapped.geometry = gpd.points_from_xy(v.geometry.y, v.geometry.x)
    with pytest.raises(InputError, match="CRS mix-up"):
        plan(swapped, communes=communes, budget="1 tỷ")
    proj = v.to_crs(PROJECTED_CRS).set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(InputError, match="CRS mix-up"):
        plan(proj, communes=communes, budget="1 tỷ")
    bad_must = v.assign(must_cover="maybe")
    with pytest.raises(InputError, match="not yes/no"):
        plan(bad_must, communes=communes, budget="1 tỷ", mc_reps=0)
    nopop = v.assign(population=np.nan)
    with pytest.raises(InputError, match="population"):
        plan(nopop, communes=communes, budget="1 tỷ")


def test_user_villages_are_not_labelled_modeled_and_unreachable_is_a_report(communes):
    v = _villages(communes)
    p = plan(v, communes=communes, budget=30e6, mc_reps=0, curve_points=2)  # below one terminal in some villages
    assert not p.modeled and not p.villages.attrs.get("modeled")
    assert len(p.unreachable) > 0
    assert (p.unreachable["cheapest_cost"] > p.budget).all()


def _cli(monkeypatch, argv):
    if "plan" not in app._SUBCOMMAND_MODULES:  # until divide/cli/app.py lists it
        monkeypatch.setattr(app, "_SUBCOMMAND_MODULES", (*app._SUBCOMMAND_MODULES, "plan"))
    return app.main(["-q", "plan", *argv])


def test_cli_writes_every_file(monkeypatch, tmp_path, capsys):
    out = tmp_path / "out"
    code = _cli(monkeypatch, ["--budget", "0,3 tỷ", "--province", PROVINCE, "--lang", "vi", "--reps", "3",
                              "--out", str(out)])
    assert code == 0
    assert {f.name for f in out.iterdir()} == FILES
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["contains_modeled_data"] and manifest["command"] == "plan"
    sheets = pd.read_excel(out / "plan.xlsx", sheet_name=None)
    assert {"interventions", "assumptions", "villages", "budget_curve", "summary"} <= set(sheets)
    inter = sheets["interventions"]
    assert inter["data"].str.contains("modeled").all()
    assert "tỷ đồng" in capsys.readouterr().out
    sites = gpd.read_file(out / "plan.gpkg", layer="sites")
    assert len(sites) == len(inter)
    assert "source" in sheets["assumptions"].columns


@pytest.mark.parametrize("argv", [
    ["--budget", "0"], ["--budget", "năm mươi tỷ"], ["--budget", "-1 tỷ"], ["--budget", "5 tỷ", "--province", "Atlantis"],
])
def test_cli_bad_input_exit_2_writes_nothing(monkeypatch, tmp_path, argv):
    out = tmp_path / "out"
    assert _cli(monkeypatch, [*argv, "--out", str(out)]) == 2
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_bad_files_exit_2(monkeypatch, tmp_path, communes):
    costs = tmp_path / "c.yaml"
    costs.write_text("items:\n  battery_system: {value: -1, source: x}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _cli(monkeypatch, ["--budget", "5 tỷ", "--costs", str(costs), "--out", str(out)]) == 2
    csv = tmp_path / "v.csv"
    pd.DataFrame(_villages(communes).drop(columns="geometry")).to_csv(csv, index=False)
    assert _cli(monkeypatch, ["--budget", "5 tỷ", "--villages", str(csv), "--out", str(out)]) == 2
    assert not out.exists()


# ------------------------------------------------------------------ observed demand: the register of reports

OBSERVED_TEXT = "observed (reported in public pages)"


@pytest.fixture(scope="module")
def register():
    return divide.reported_villages()


def _check_traceable(p, register):
    """Every demand village is a report of the register: same village, commune, a no/weak-signal status."""
    v = p.villages
    assert v.index.isin(register.index).all()
    rep = register.loc[v.index]
    assert (rep["village"].to_numpy() == v["village_name"].to_numpy()).all()
    assert (rep["commune_code"].to_numpy() == v["commune_code"].to_numpy()).all()
    assert rep["status"].isin(["no_signal", "weak_signal"]).all()
    for rid, ids in v["report_ids"].items():
        assert rid in ids.split(";") and set(ids.split(";")) <= set(register.index)
    assert set(p.interventions["village_id"]) <= set(v.index)


def test_reported_demand_follows_the_latest_report(communes):
    from divide.analysis.plan import reported_demand

    reg = pd.DataFrame({
        "village": ["Bản A", "ban a", "Bản B", "Bản B", "Bản C", "Bản D", "Bản E"],
        "commune_code": ["00769", "00769", "00769", "00769", "00802", "00802", None],
        "status": ["no_signal", "covered", "weak_signal", "no_electricity", "no_electricity", "no_signal",
                   "no_signal"],
        "as_of": ["2022", "2024", "2023-03", "2023-03", "2023", None, "2025"],
        "publisher": "p", "url": "https://example.org"}, index=pd.Index([f"x{i}" for i in range(7)], name="report_id"))
    d = reported_demand(communes, reg, village_population=250)
    # A is covered since; C only lacks power (nothing said of its signal); E has no 2025 commune
    assert d.index.tolist() == ["x2", "x5"] and d["village_name"].tolist() == ["Bản B", "Bản D"]
    assert d["must_cover"].tolist() == [True, False] and d["has_power"].tolist() == [False, True]
    assert d.loc["x2", "report_ids"] == "x2;x3" and (d["population"] == 250).all()
    # placed at the representative point of the commune (inside it), not at the modeled villages
    shape = communes.loc[d["commune_code"]].geometry.to_numpy()
    assert all(g.contains(pt) for g, pt in zip(shape, d.geometry, strict=True))
    two = reported_demand(communes, pd.concat([reg.iloc[[2]], reg.iloc[[2]].rename(index={"x2": "x9"})
                                               .assign(village="Bản F")]), spacing_km=1.0)
    assert two.to_crs(PROJECTED_CRS).geometry.iloc[0].distance(two.to_crs(PROJECTED_CRS).geometry.iloc[1]) \
        == pytest.approx(1000.0)
    with pytest.raises(InputError, match="population"):
        reported_demand(communes, reg, village_population=0)


@pytest.mark.parametrize("province", ["Tuyên Quang", None])
def test_plan_from_the_register(communes, register, province):
    p = plan("reported", communes=communes, budget="2 tỷ", province=province, mc_reps=3, curve_points=2)
    assert p.observed and not p.modeled
    for t in (p.villages, p.interventions, p.sites, p.curve):
        assert not t.attrs.get("modeled")
    assert OBSERVED_TEXT in p.summary("en") and "placed at the commune" in p.summary("en")
    assert "modeled" not in p.summary("en").lower() and "đặt tại xã" in p.summary("vi")
    _check_traceable(p, register)
    v = p.villages
    if province:
        assert set(v["province_name"]) == {province}
    else:
        assert v["province_name"].nunique() > 1
    assert p.spent <= p.budget * (1 + 1e-9)
    assert p.people_covered == pytest.approx(300 * v["covered"].sum())
    assert p.people_covered == pytest.approx(p.site_plan.recompute_people())
    # villages also reported without electricity must be covered first and have no grid power
    no_power = set(register.loc[register["status"] == "no_electricity", "commune_code"] + "|"
                   + register.loc[register["status"] == "no_electricity", "village"])
    keyed = v["commune_code"] + "|" + v["village_name"]
    assert (v["must_cover"] == keyed.isin(no_power)).all() and v["must_cover"].any()
    assert (~v.loc[v["must_cover"], "has_power"]).all()
    rows = p.costs.loc[["demand_data", "demand_location", "village_population"]]
    assert OBSERVED_TEXT in rows["source"].iloc[0] and "placed at the commune" in rows["source"].iloc[1]
    assert rows.loc["village_population", "value"] == 300


def test_plan_unknown_villages_word(communes):
    with pytest.raises(InputError, match="unknown villages"):
        plan("observed", communes=communes, budget="1 tỷ")


def test_cli_reported(monkeypatch, tmp_path, register, capsys):
    out = tmp_path / "out"
    code = _cli(monkeypatch, ["--budget", "1 tỷ", "--province", "Tuyên Quang", "--villages", "reported",
                              "--village-population", "200", "--reps", "0", "--out", str(out)])
    assert code == 0 and {f.name for f in out.iterdir()} == FILES
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not manifest["contains_modeled_data"]
    assert OBSERVED_TEXT in manifest["notes"][0] and "200 people assumed" in manifest["notes"][0]
    sheets = pd.read_excel(out / "plan.xlsx", sheet_name=None)
    summary = sheets["summary"].set_index("key")["value"]
    assert OBSERVED_TEXT in summary["summary"] and "modeled" not in " ".join(map(str, summary)).lower()
    assert "data" not in sheets["interventions"].columns  # the modeled mark is not there
    assumptions = sheets["assumptions"].set_index("item")
    assert assumptions.loc["village_population", "value"] == 200
    assert "placed at the commune" in assumptions.loc["demand_location", "source"]
    layer = gpd.read_file(out / "plan.gpkg", layer="villages").set_index("village_id")
    assert layer.index.isin(register.index).all() and (layer["data_source"].str.startswith(OBSERVED_TEXT)).all()
    assert _cli(monkeypatch, ["--budget", "1 tỷ", "--village-population", "200", "--out", str(tmp_path / "o2")]) == 2
    assert not (tmp_path / "o2").exists()
