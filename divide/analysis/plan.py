"""The village planner (issue 15): which villages without mobile signal get what, within a budget.

:func:`plan` prices three options for every village without mobile signal (a 4G site on grid power, a 4G
site on solar power and batteries where the village has no power, a satellite community terminal), places
candidate 4G sites at the villages and on a grid of points near them, and chooses with
:func:`divide.analysis.siting.plan_sites` what brings the most people into coverage for the budget. It also
draws a budget curve and a Monte Carlo over the cost ranges of ``data/costs.yaml``. Amounts read and print
the way Vietnamese planners write them (:func:`parse_amount`, :func:`format_amount`).
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.analysis.siting import SitePlan, budget_curve, plan_sites
from divide.analysis.siting_model import coverage_sets, min_cover_cost
from divide.geography.names import match_key
from divide.provenance import carry, is_modeled, mark_modeled

__all__ = ["plan", "VillagePlan", "parse_amount", "format_amount", "load_costs", "option_costs", "candidate_sites",
           "COSTS_YAML", "TECHNOLOGIES", "reported_demand", "observed_assumptions", "spiral_offsets", "OBSERVED", "VILLAGE_POPULATION"]

COSTS_YAML = settings.DATA_DIR / "costs.yaml"
VILLAGES_MODELED = settings.MODELED_DIR / settings.MODELED_FILES["villages"]
#: Technology codes and their names in English and Vietnamese.
TECHNOLOGIES = {"4g_grid": ("4G site, grid power", "Trạm 4G, điện lưới"),
                "4g_solar": ("4G site, solar + batteries", "Trạm 4G, điện mặt trời + ắc quy"),
                "satellite": ("satellite community terminal (LEO/VSAT)", "Trạm vệ tinh cộng đồng (LEO/VSAT)")}
OBJECTIVES = ("people", "leave_no_one_behind")
CURRENCIES = ("VND", "USD")
_FIELDS = ("value", "low", "high", "unit", "currency", "year", "source")
_UNITS = {"tỷ": 1e9, "tỉ": 1e9, "ty": 1e9, "ti": 1e9, "billion": 1e9, "bn": 1e9, "triệu": 1e6, "trieu": 1e6,
          "million": 1e6, "m": 1e6, "nghìn": 1e3, "ngàn": 1e3, "nghin": 1e3, "ngan": 1e3, "k": 1e3}
_VND_WORDS = {"đồng", "dong", "vnd", "vnđ", "đ", "d"}
_USD_WORDS = {"usd", "$", "us$", "đô", "do"}


def _fail(message: str, where: str, fix: str, path: Any = None) -> None:
    raise InputError(message, where=where, fix=fix, path=path)


# ------------------------------------------------------------------ amounts


def _number(text: str, where: str) -> float:
    """A number written with Vietnamese (1.234.567,5) or English (1,234,567.5) separators (divide.numbers).

    In an amount a single group of three digits after the separator is thousands: "1.500 tỷ" is 1,500 tỷ.
    """
    from divide.numbers import AmbiguousNumber, parse_number

    try:
        return float(parse_number(text))
    except AmbiguousNumber:
        return float(parse_number(text, integer=True))
    except ValueError:
        _fail(f"cannot read {text!r} as an amount", where, "write e.g. 50 tỷ, 50.000.000.000, 2,5 tỷ or 50e9")


def parse_amount(text: Any, currency: str | None = None, *, where: str = "--budget") -> tuple[float, str]:
    """Read an amount as planners write it: ``"50 tỷ"``, ``"50 tỷ đồng"``, ``"50.000.000.000"``, ``"2,5 tỷ"``.

    Parameters
    ----------
    text : str or number
        The amount. Units tỷ (10⁹), triệu (10⁶), nghìn (10³) (with or without diacritics) and billion/million;
        đồng/VND or USD/$ name the currency. Vietnamese separators (``.`` thousands, ``,`` decimals) and
        English ones are both read when unambiguous.
    currency : {"VND", "USD"} or None
        Currency when the text names none (default VND); an amount naming another currency is an error.
    where : str
        What to name in an error (the option or field).

    Returns
    -------
    (float, str)
        The amount (> 0) and its currency.

    Raises
    ------
    divide._errors.InputError
        Unreadable, zero or negative amounts, or two different currencies.

    Examples
    --------
    >>> parse_amount("50 tỷ"), parse_amount("50 tỷ đồng"), parse_amount("50.000.000.000")
    ((50000000000.0, 'VND'), (50000000000.0, 'VND'), (50000000000.0, 'VND'))
    >>> parse_amount("2,5 tỷ"), parse_amount("1.250.000 USD"), parse_amount(3e6, "USD")
    ((2500000000.0, 'VND'), (1250000.0, 'USD'), (3000000.0, 'USD'))
    """
    fix = "give a positive amount, e.g. --budget '50 tỷ' or --budget 2000000 --currency USD"
    if currency is not None and str(currency).upper() not in CURRENCIES:
        _fail(f"unknown currency {currency!r}", "--currency", f"use one of {CURRENCIES}")
    cur = None if currency is None else str(currency).upper()
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        value, named = float(text), None
    else:
        raw = unicodedata.normalize("NFC", str(text)).strip().lower()
        if re.search(r"[-\u2212]\s*\d", raw):
            _fail(f"the budget must be > 0, got {text!r}", where, fix)
        words = re.findall(r"[^\W\d_]+|\$|[\d.,\s]+(?:[eE][+-]?\d+)?", raw)
        words = [w.strip() for w in words if w.strip()]
        if not words:
            _fail(f"cannot read an amount from {text!r}", where, fix)
        named, scale, digits = None, 1.0, []
        for w in words:
            if w in _UNITS:
                scale *= _UNITS[w]
            elif w in _VND_WORDS:
                named = "VND"
            elif w in _USD_WORDS:
                named = "USD"
            elif re.fullmatch(r"[\d.,\s]+(?:[eE][+-]?\d+)?", w):
                digits.append(w)
            else:
                _fail(f"cannot read {text!r}: unknown word {w!r}", where, fix)
        if len(digits) != 1:
            _fail(f"cannot read {text!r} as one amount", where, fix)
        value = _number(digits[0], where) * scale
    if named and cur and named != cur:
        _fail(f"the amount {text!r} is in {named} but the currency is {cur}", where,
              f"drop the currency word or pass --currency {named}")
    if not math.isfinite(value) or value <= 0:
        _fail(f"the budget must be > 0, got {text!r}", where, fix)
    return value, named or cur or "VND"


def _group(x: float, decimals: int, thousands: str, point: str) -> str:
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def format_amount(value: float, currency: str = "VND", lang: str = "vi") -> str:
    """An amount for people: VND in tỷ đồng (billions) with Vietnamese separators in ``vi``.

    Examples
    --------
    >>> format_amount(2.5e9), format_amount(1234.5e9), format_amount(2.5e9, lang="en")
    ('2,5 tỷ đồng', '1.234,5 tỷ đồng', 'VND 2.50 billion')
    >>> format_amount(1234567.0, "USD", "vi"), format_amount(1234567.0, "USD", "en")
    ('1.234.567 USD', 'USD 1,234,567')
    """
    vi = lang == "vi"
    if currency == "VND":
        b = value / 1e9
        dec = 3 if abs(b) < 0.1 else (2 if abs(b) < 10 else (1 if abs(b) < 10_000 else 0))
        text = _group(b, dec, ".", ",") if vi else _group(b, dec, ",", ".")
        if vi and "," in text:
            text = text.rstrip("0").rstrip(",")
        return f"{text} tỷ đồng" if vi else f"VND {text} billion"
    text = _group(value, 0, ".", ",") if vi else _group(value, 0, ",", ".")
    return f"{text} USD" if vi else f"USD {text}"


# ------------------------------------------------------------------ costs


def _read_yaml(path: Path) -> dict:
    import yaml

    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail("cost file not found", "--costs", "give the path of a YAML file laid out like data/costs.yaml",
              path)
    except yaml.YAMLError as exc:
        _fail(f"not valid YAML: {exc}".splitlines()[0], "--costs", "fix the YAML syntax", path)
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), dict):
        _fail("no 'items:' mapping", "items", "lay the file out like data/costs.yaml (items: name: {value: ...})",
              path)
    return doc["items"]


def load_costs(path: str | Path | None = None) -> pd.DataFrame:
    """The cost items of ``data/costs.yaml``, overridden item by item by a user's file.

    Parameters
    ----------
    path : str, pathlib.Path or None
        A YAML file laid out like ``data/costs.yaml`` (only the items to change).

    Returns
    -------
    pandas.DataFrame
        One row per item (index ``item``): value, low, high, unit, currency, year, source, url, date,
        ``overridden`` (from the user's file).

    Raises
    ------
    divide._errors.InputError
        A missing file, unknown item, missing or negative value, low > value > high, or a missing source.

    Examples
    --------
    >>> costs = load_costs()
    >>> float(costs.loc["satellite_terminal", "value"]), costs.loc["satellite_terminal", "currency"]
    (800.0, 'USD')
    >>> bool(costs["source"].str.len().gt(0).all())
    True
    """
    items = {k: dict(v) for k, v in _read_yaml(COSTS_YAML).items()}
    overridden: set[str] = set()
    where_file = COSTS_YAML
    if path is not None:
        where_file = Path(path)
        for name, spec in _read_yaml(where_file).items():
            if name not in items:
                _fail(f"unknown cost item {name!r}", f"items.{name}",
                      f"use the item names of data/costs.yaml: {', '.join(sorted(items))}", where_file)
            if not isinstance(spec, dict):
                spec = {"value": spec}
            if spec.get("value") is None:
                _fail(f"cost item {name!r} has a missing value", f"items.{name}.value",
                      "give the item's value (and low, high, source)", where_file)
            items[name] = {**items[name], **spec}
            if "value" in spec and not {"low", "high"} & set(spec):
                items[name]["low"] = items[name]["high"] = spec["value"]
            overridden.add(name)
    rows = []
    for name, spec in items.items():
        src = where_file if name in overridden else COSTS_YAML
        for key in ("value", "low", "high"):
            try:
                x = float(spec.get(key))
            except (TypeError, ValueError):
                _fail(f"cost item {name!r} has a missing or non-numeric {key}: {spec.get(key)!r}",
                      f"items.{name}.{key}", "give a number", src)
            if not math.isfinite(x) or x < 0:
                _fail(f"cost item {name!r} has a negative or infinite {key}: {spec.get(key)!r}",
                      f"items.{name}.{key}", "costs and quantities must be >= 0", src)
            spec[key] = x
        if not spec["low"] <= spec["value"] <= spec["high"]:
            _fail(f"cost item {name!r}: low {spec['low']:g} <= value {spec['value']:g} <= high {spec['high']:g} "
                  "does not hold", f"items.{name}", "order low <= value <= high", src)
        if not str(spec.get("source") or "").strip():
            _fail(f"cost item {name!r} has no source", f"items.{name}.source",
                  "say where the figure comes from (a document, tender or 'own estimate')", src)
        rows.append({"item": name, **{k: spec.get(k) for k in (*_FIELDS, "url", "date")},
                     "overridden": name in overridden})
    return pd.DataFrame(rows).set_index("item")


def option_costs(values: dict | pd.Series, has_power: np.ndarray, has_fiber: np.ndarray) -> dict[str, np.ndarray]:
    """Cost in USD of each option for hosts with/without power and fibre (``data/costs_README.md`` formulas).

    Returns a dict: ``"4g"`` (grid or solar by ``has_power``), ``"satellite"``.

    Examples
    --------
    >>> c = option_costs(load_costs()["value"], np.array([True, False]), np.array([False, False]))
    >>> [round(float(x)) for x in c["4g"]], [round(float(x)) for x in c["satellite"]]
    ([104225, 117860], [1440, 1977])
    """
    v = values
    years = float(v["horizon_years"])
    power = np.where(has_power, v["grid_connection"], v["site_solar_w"] * v["solar_per_w"] + v["battery_system"])
    backhaul = np.where(has_fiber, v["fibre_per_km"] * v["fibre_drop_km"], v["backhaul_microwave"])
    capex = v["site_4g"] + backhaul + power
    tower = capex * (1 + v["opex_share_per_year"] * years) + v["site_rental_rural"] * years
    terminal_power = np.where(has_power, 0.0, v["terminal_solar_w"] * v["solar_per_w"] + v["terminal_battery"])
    sat = v["satellite_terminal"] + terminal_power + v["satellite_per_mbps_year"] * v["village_mbps"] * years
    return {"4g": np.asarray(tower, dtype=float), "satellite": np.asarray(sat, dtype=float)}


def _draw(costs: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    lo, mode, hi = (costs[k].to_numpy(dtype=float) for k in ("low", "value", "high"))
    out = mode.copy()
    spread = hi > lo
    out[spread] = rng.triangular(lo[spread], mode[spread], hi[spread])
    return pd.Series(out, index=costs.index)


# ------------------------------------------------------------------ villages and candidates


@dataclass
class VillagePlan:
    """What :func:`plan` decided, and why.

    Attributes
    ----------
    interventions : pandas.DataFrame
        The chosen sites in order of people added: order, village_id, village, commune, province, technology,
        technology_name, cost, people_new, villages_served, cumulative_cost, cumulative_people, lon, lat.
    villages : geopandas.GeoDataFrame
        The villages without signal: commune and province names, population, has_power, must_cover, covered,
        site, technology, cheapest_option, p_in_plan, p_satellite_cheapest.
    sites : geopandas.GeoDataFrame
        The chosen sites (EPSG:4326) with technology, cost and people_new.
    curve : pandas.DataFrame
        The budget curve (:func:`divide.analysis.siting.budget_curve`, in ``currency``).
    costs : pandas.DataFrame
        The cost items used (value, range, unit, currency, year, source), from :func:`load_costs`; for observed
        demand also the rows of :func:`observed_assumptions`.
    site_plan : divide.analysis.siting.SitePlan
        The solver's result (``recompute_people()``, bound, gap, log).
    budget, spent, people_covered : float
        The budget and spending (in ``currency``) and the people newly covered.
    budget_to_cover_all : float
        Minimum cost (``currency``) of covering every village without signal.
    unreachable : pandas.DataFrame
        Villages no option can serve within the budget (with their cheapest option's cost): a report.
    currency, objective, province : str
    radius_km : float
    modeled, observed : bool
        Made from modeled villages (every output says so); from the observed register (:func:`reported_demand`).
    log : dict
        Inputs, parameters, sizes, timings.
    """

    interventions: pd.DataFrame
    villages: Any
    sites: Any
    curve: pd.DataFrame
    costs: pd.DataFrame
    site_plan: SitePlan
    budget: float
    spent: float
    people_covered: float
    budget_to_cover_all: float
    unreachable: pd.DataFrame
    currency: str
    objective: str
    province: str | None
    radius_km: float
    modeled: bool
    log: dict = field(default_factory=dict)
    observed: bool = False

    def summary(self, lang: str = "en") -> str:
        """One paragraph: budget, sites by technology, people, what remains.

        Returns
        -------
        str
        """
        vi = lang == "vi"
        by_tech = self.interventions["technology"].value_counts()
        names = {k: TECHNOLOGIES[k][1 if vi else 0] for k in by_tech.index}
        techs = ", ".join(f"{n} {names[k]}" for k, n in by_tech.items()) or ("không có" if vi else "none")
        f = lambda x: format_amount(x, self.currency, lang)  # noqa: E731
        left = int((~self.villages["covered"]).sum())
        label = f" [{mark_modeled(pd.DataFrame()).attrs['label']}]" if self.modeled else ""
        if self.observed:
            pop = _group(float(self.villages["population"].iloc[0]), 0, "." if vi else ",", "," if vi else ".")
            label = f" [{OBSERVED[lang if vi else 'en']}; " + (f"giả định {pop} người/thôn]" if vi else
                                                              f"{pop} people assumed per village]")
        if vi:
            people = _group(self.people_covered, 0, ".", ",")
            return (f"Ngân sách {f(self.budget)}: {len(self.interventions)} điểm ({techs}), chi {f(self.spent)}, "
                    f"phủ sóng thêm {people} người; còn {left} thôn chưa có sóng; phủ hết cần "
                    f"{f(self.budget_to_cover_all)}{label}.")
        return (f"Budget {f(self.budget)}: {len(self.interventions)} sites ({techs}), spent {f(self.spent)}, "
                f"{self.people_covered:,.0f} people newly covered; {left} villages left without signal; covering "
                f"all takes {f(self.budget_to_cover_all)}{label}.")


def _default_villages(communes: Any) -> Any:
    import geopandas as gpd

    from divide.indicators.readers import read_villages

    raw = gpd.read_file(VILLAGES_MODELED, where="has_mobile_signal = 0")
    villages, _ = read_villages(raw, communes=communes)
    villages.attrs["source_file"] = str(VILLAGES_MODELED)
    return mark_modeled(villages)


# ------------------------------------------------------------------ observed demand: the register of reports

#: What every output made from the register says about its demand.
OBSERVED = {"en": "observed (reported in public pages), placed at the commune",
            "vi": "dữ liệu quan sát (nêu trong các trang công khai), đặt tại xã"}
#: Flat population assumed for a reported village (the register gives none), unless ``village_population``.
VILLAGE_POPULATION = 300.0
_SIGNAL = ("no_signal", "weak_signal")


def spiral_offsets(n: int) -> np.ndarray:
    """Offsets of ``n`` points sharing a place: the k-th ``sqrt(k)`` units out at k golden angles (about 1 apart).

    Examples
    --------
    >>> spiral_offsets(3).round(3).tolist()
    [[0.0, 0.0], [-0.737, 0.675], [0.124, -1.409]]
    """
    k = np.arange(int(n), dtype=float)
    angle = k * math.pi * (3 - math.sqrt(5))
    return np.column_stack([np.sqrt(k) * np.cos(angle), np.sqrt(k) * np.sin(angle)])


def reported_demand(communes: Any, register: pd.DataFrame | None = None, *,
                    village_population: float = VILLAGE_POPULATION, spacing_km: float = 1.0) -> Any:
    """Villages without signal by the observed register (:func:`divide.reported_villages`), as planner demand.

    A village (2025 commune and name by :func:`divide.geography.names.match_key`) is demand when its latest
    signal report says ``no_signal`` or ``weak_signal`` (lists of "no or weak signal" are recorded as weak
    signal; both are the gap to close); a ``covered`` report of the same date or later takes it out (ISO dates
    as text; undated is oldest). Villages reported only without electricity are not demand (nothing is said of
    their signal); a ``no_electricity`` report makes a village ``must_cover`` without grid power. Unmatched
    reports and communes not in ``communes`` are left out. The register has no coordinates: villages sit at
    their commune's representative point, ``spacing_km`` apart (:func:`spiral_offsets`); nor population:
    each gets the flat ``village_population``, an assumption (the modeled layer is not mixed in).

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        The commune table (:func:`divide.load_communes`).
    register : pandas.DataFrame or None
        The register; default :func:`divide.reported_villages`.
    village_population, spacing_km : float
        People assumed per reported village (> 0); distance between reported villages of one commune.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by the ``report_id`` of each village's latest signal report (EPSG:4326): commune_code,
        village_name, has_mobile_signal, has_power, has_fiber, population, must_cover, status, as_of,
        publisher, url, report_ids (every report naming the village, ``;``-separated), data_source.

    Examples
    --------
    >>> import divide
    >>> d = reported_demand(divide.load_communes("Tuyên Quang"))
    >>> bool(d["status"].isin(["no_signal", "weak_signal"]).all()), bool(d.index.isin(divide.reported_villages().index).all())
    (True, True)
    """
    import geopandas as gpd

    from divide.indicators.observed import reported_villages

    if not (isinstance(village_population, (int, float)) and 0 < village_population < math.inf):
        _fail(f"the village population must be > 0, got {village_population!r}", "--village-population", "e.g. 300")
    reg = reported_villages() if register is None else register
    if missing := [c for c in ("village", "commune_code", "status", "as_of", "publisher", "url") if c not in reg]:
        _fail(f"the register lacks column(s) {missing}", "register", "pass divide.reported_villages()")
    reg = reg[reg["commune_code"].notna() & reg["commune_code"].astype(str).isin(communes.index)].copy()
    reg["_key"] = reg["commune_code"].astype(str) + "|" + reg["village"].map(match_key)
    date = reg["as_of"].fillna(reg["published"]) if "published" in reg.columns else reg["as_of"]
    if "covered_date" in reg.columns:
        date = date.mask(reg["status"] == "covered", reg["covered_date"].fillna(date))
    reg["_date"] = date.fillna("").astype(str)
    no_power = set(reg.loc[reg["status"] == "no_electricity", "_key"])
    signal = reg[reg["status"].isin((*_SIGNAL, "covered"))].assign(_covered=lambda t: t["status"] == "covered")
    signal = signal.rename_axis("report_id").reset_index()
    latest = signal.sort_values(["_key", "_date", "_covered", "report_id"], kind="stable").groupby("_key").tail(1)
    latest = latest[~latest["_covered"]].sort_values("report_id")
    named = reg.rename_axis("report_id").reset_index().groupby("_key")["report_id"].agg(lambda s: ";".join(sorted(s)))
    must = latest["_key"].isin(no_power).to_numpy()
    out = pd.DataFrame({
        "commune_code": latest["commune_code"].astype(str).to_numpy(), "village_name": latest["village"].to_numpy(),
        "has_mobile_signal": False, "has_power": ~must, "has_fiber": False, "population": float(village_population),
        "must_cover": must, "status": latest["status"].to_numpy(), "as_of": latest["_date"].to_numpy(),
        "publisher": latest["publisher"].to_numpy(), "url": latest["url"].to_numpy(),
        "report_ids": named.reindex(latest["_key"]).to_numpy(), "data_source": OBSERVED["en"]},
        index=pd.Index(latest["report_id"].to_numpy(), name="village_id"))
    base = communes.geometry.to_crs(settings.PROJECTED_CRS).representative_point().reindex(out["commune_code"])
    rank = out.groupby("commune_code").cumcount().to_numpy()  # by report_id: the first sits on the point
    off = spiral_offsets(int(rank.max(initial=0)) + 1)[rank] * float(spacing_km) * 1e3
    points = gpd.points_from_xy(base.x.to_numpy() + off[:, 0], base.y.to_numpy() + off[:, 1])
    frame = gpd.GeoDataFrame(out, geometry=points, crs=settings.PROJECTED_CRS).to_crs(settings.GEOGRAPHIC_CRS)
    frame.attrs = {"source_file": str(settings.REPORTED_VILLAGES_CSV), "observed": True,
                   "village_population": float(village_population), "spacing_km": float(spacing_km)}
    return frame


def observed_assumptions(demand: Any) -> pd.DataFrame:
    """Rows for a plan's assumptions sheet saying how observed demand was made (laid out like :func:`load_costs`).

    Examples
    --------
    >>> import divide
    >>> observed_assumptions(reported_demand(divide.load_communes("Tuyên Quang"))).index.tolist()
    ['demand_data', 'demand_rule', 'demand_location', 'village_population']
    """
    a = demand.attrs
    pop, km, n = float(demand["population"].iloc[0]), a.get("spacing_km", 1.0), len(demand)
    reports = int(demand["report_ids"].str.count(";").sum()) + n
    src = "data/observed/reported_villages.csv"
    rows = {"demand_data": (math.nan, "", f"{OBSERVED['en']}: {n} villages from {reports} matched reports of "
                            f"{src} (divide.reported_villages); not modeled"),
            "demand_rule": (math.nan, "", "demand: latest signal report no_signal or weak_signal (a later 'covered' "
                            "takes it out); must_cover, no grid power: also a no_electricity report"),
            "demand_location": (km, "km between reported villages of one commune", "observed reports, placed at "
                                "the commune: no coordinates in the register; its representative point, on a spiral"),
            "village_population": (pop, "people per reported village", "assumption, flat: the register gives no "
                                   "population; the modeled layer is not mixed into observed demand")}
    return pd.DataFrame([{"item": k, "value": v, "low": v, "high": v, "unit": u, "currency": "none",
                          "year": None, "source": s, "url": src, "date": None, "overridden": False}
                         for k, (v, u, s) in rows.items()]).set_index("item")


def _check_villages(villages: Any, path: str) -> Any:
    import geopandas as gpd

    fix_geo = "give the villages coordinates: a geometry column, or lon/lat columns read by divide.read_villages"
    if not isinstance(villages, gpd.GeoDataFrame) or villages.geometry.name not in villages.columns:
        _fail("the villages have no coordinates", "villages", fix_geo, path)
    geom = villages.geometry
    missing = (geom.isna() | geom.is_empty).to_numpy()
    if missing.any():
        first = ", ".join(map(str, villages.index[missing][:5]))
        _fail(f"{int(missing.sum())} villages have no coordinates (first: {first})", "geometry", fix_geo, path)
    if villages.crs is None:
        _fail("the villages have no CRS", "geometry", "declare it, e.g. villages.set_crs('EPSG:4326')", path)
    ll = villages.to_crs(settings.GEOGRAPHIC_CRS).geometry
    x, y = ll.x.to_numpy(), ll.y.to_numpy()
    outside = ~((x >= 100) & (x <= 118) & (y >= 6) & (y <= 24))
    if outside.any():
        _fail(f"CRS mix-up: {int(outside.sum())} villages fall outside Vietnam in {villages.crs.to_string()} "
              f"(first: {villages.index[outside][0]} at {x[outside][0]:.4g}, {y[outside][0]:.4g})", "geometry",
              "declare the CRS the coordinates are in (EPSG:4326 for lon/lat; did lon and lat swap?)", path)
    for col in ("commune_code", "has_mobile_signal", "population"):
        if col not in villages.columns:
            _fail(f"the villages have no {col!r} column", col, "read the file with divide.read_villages", path)
    pop = pd.to_numeric(villages["population"], errors="coerce")
    bad = pop.isna() | (pop < 0)
    if bad.any():
        _fail(f"{int(bad.sum())} villages have a missing or negative population (first: {villages.index[bad][0]})",
              "population", "fill in the population of every village", path)
    return villages


def _demand(villages: Any, communes: Any, province: str | None, path: str) -> Any:
    from divide.geography.communes import resolve_province

    v = villages[villages["has_mobile_signal"].astype("boolean").fillna(True).eq(False).to_numpy()].copy()
    names = communes[["commune_name", "province_code", "province_name"]]
    unknown = ~v["commune_code"].isin(names.index)
    if unknown.any():
        _fail(f"{int(unknown.sum())} villages are in communes not in the commune table (first: "
              f"{v['commune_code'][unknown].iloc[0]!r})", "commune_code", "use 2025 commune codes", path)
    v = v.join(names, on="commune_code")
    if province is not None:
        v = v[v["province_code"] == resolve_province(province)]
    if "must_cover" not in v.columns:  # a user's must_cover column is checked (yes/no) by plan_sites
        power = v["has_power"].astype("boolean") if "has_power" in v.columns else pd.Series(pd.NA, index=v.index)
        v["must_cover"] = power.fillna(False).eq(False).to_numpy()
    power = v["has_power"] if "has_power" in v.columns else pd.Series(True, index=v.index)
    fiber = v["has_fiber"] if "has_fiber" in v.columns else pd.Series(False, index=v.index)
    v["has_power"] = pd.Series(power, index=v.index).astype("boolean").fillna(False).astype(bool)
    v["has_fiber"] = pd.Series(fiber, index=v.index).astype("boolean").fillna(False).astype(bool)
    v["population"] = pd.to_numeric(v["population"]).astype(float)
    return carry(villages, v)


def _candidates(demand_p: Any, radius_km: float, terminal_km: float) -> Any:
    """Candidate sites: a 4G site and a terminal at every village, 4G sites on a grid of points near them."""
    import geopandas as gpd
    from scipy.spatial import cKDTree

    xy = np.column_stack([demand_p.geometry.x, demand_p.geometry.y])
    step = radius_km * 1e3 / 2
    lattice = np.unique(np.round(xy / step), axis=0)
    offsets = np.array([(i, j) for i in range(-2, 3) for j in range(-2, 3)])
    grid = np.unique((lattice[:, None, :] + offsets[None, :, :]).reshape(-1, 2), axis=0) * step
    tree = cKDTree(xy)
    dist, near = tree.query(grid)
    keep = dist <= radius_km * 1e3
    grid, near = grid[keep], near[keep]
    n = len(demand_p)
    host = np.concatenate([np.arange(n), np.arange(n), near])
    tech_kind = np.array(["4g"] * n + ["satellite"] * n + ["4g"] * len(grid))
    where = np.vstack([xy, xy, grid])
    ids = ([f"4g@{i}" for i in demand_p.index] + [f"sat@{i}" for i in demand_p.index]
           + [f"4g@grid{k:05d}" for k in range(len(grid))])
    power = demand_p["has_power"].to_numpy()[host]
    frame = pd.DataFrame({"kind": tech_kind, "host": demand_p.index.to_numpy()[host], "has_power": power,
                          "has_fiber": demand_p["has_fiber"].to_numpy()[host],
                          "radius_km": np.where(tech_kind == "satellite", terminal_km, radius_km)}, index=ids)
    frame["technology"] = np.where(tech_kind == "satellite", "satellite", np.where(power, "4g_grid", "4g_solar"))
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(where[:, 0], where[:, 1]), crs=demand_p.crs)


def candidate_sites(demand_p: Any, radius_km: float, costs: pd.DataFrame, currency: str = "VND",
                    candidates: str = "villages+grid") -> Any:
    """Priced candidate sites for villages without signal (projected frame as :func:`plan` builds it).

    Parameters
    ----------
    demand_p : geopandas.GeoDataFrame
        Villages in a projected CRS with has_power, has_fiber (bool).
    radius_km, costs, currency, candidates
        Service radius of a 4G site (km); a :func:`load_costs` table; ``"VND"`` or ``"USD"``;
        ``"villages+grid"`` or ``"villages"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per candidate: kind, host (village id), has_power, has_fiber, radius_km, technology, cost.
    """
    values = costs["value"]
    rate = float(values["exchange_rate_vnd_per_usd"]) if currency == "VND" else 1.0
    cands = _candidates(demand_p, float(radius_km), float(values["terminal_radius_km"]))
    if candidates == "villages":
        cands = cands[~cands.index.str.contains("@grid")].copy()
    cands["cost"] = _priced(cands, values, rate)
    return cands


def _priced(cands: Any, values: pd.Series, rate: float) -> np.ndarray:
    opts = option_costs(values, cands["has_power"].to_numpy(), cands["has_fiber"].to_numpy())
    return np.where(cands["kind"].to_numpy() == "satellite", opts["satellite"], opts["4g"]) * rate


def _interventions(sp: SitePlan, cands: Any, demand: Any, costs: np.ndarray) -> pd.DataFrame:
    chosen = sp.chosen
    pos = cands.index.get_indexer(chosen.index)
    served = sp.assignments.groupby(sp.assignments).size()
    host = chosen["host"]
    ll = chosen.to_crs(settings.GEOGRAPHIC_CRS).geometry
    out = pd.DataFrame({
        "order": np.arange(1, len(chosen) + 1),
        "site_id": chosen.index,
        "village_id": host.to_numpy(),
        "village": demand.loc[host, "village_name"].to_numpy() if "village_name" in demand.columns else host,
        "commune": demand.loc[host, "commune_name"].to_numpy(),
        "province": demand.loc[host, "province_name"].to_numpy(),
        "technology": chosen["technology"].to_numpy(),
        "technology_name": [TECHNOLOGIES[t][0] for t in chosen["technology"]],
        "cost": costs[pos],
        "people_new": sp.marginal_people.to_numpy(),
        "villages_served": served.reindex(chosen.index).fillna(0).astype(int).to_numpy(),
        "lon": ll.x.to_numpy(), "lat": ll.y.to_numpy()})
    out["cumulative_cost"] = out["cost"].cumsum()
    out["cumulative_people"] = out["people_new"].cumsum()
    return out


def _monte_carlo(demand_p: Any, cands: Any, costs: pd.DataFrame, rate_item: bool, currency: str, budget: float,
                 objective: str, reps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Share of cost draws in which each village is in the plan, and in which satellite is its cheapest option."""
    rng = np.random.default_rng(seed)
    in_plan = np.zeros(len(demand_p))
    sat_cheapest = np.zeros(len(demand_p))
    power, fiber = demand_p["has_power"].to_numpy(), demand_p["has_fiber"].to_numpy()
    c = cands.copy()
    for _ in range(reps):
        v = _draw(costs, rng)
        rate = float(v["exchange_rate_vnd_per_usd"]) if currency == "VND" else 1.0
        opts = option_costs(v, power, fiber)
        sat_cheapest += opts["satellite"] <= opts["4g"]
        c["cost"] = _priced(cands, v, rate)
        sp = plan_sites(demand_p, c, budget=budget, radius_km="radius_km", weight="population", cost="cost",
                        objective=objective, must_cover="must_cover", mip_gap=0.01, time_limit=10.0)
        in_plan += sp.covered.to_numpy()
    return in_plan / max(reps, 1), sat_cheapest / max(reps, 1)


def plan(villages: Any = None, *, communes: Any, budget: Any, currency: str = "VND", costs: Any = None,
         objective: str = "people", radius_km: float = 5.0, province: str | None = None,
         candidates: str = "villages+grid", seed: int = settings.DEFAULT_SEED, mc_reps: int = 30,
         curve_points: int = 20, village_population: float = VILLAGE_POPULATION) -> VillagePlan:
    """Plan which villages without mobile signal get a 4G site or a satellite terminal within a budget.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame, "reported" or None
        Villages as returned by :func:`divide.read_villages` (commune_code, village_name, has_mobile_signal,
        has_power, has_fiber, population, geometry; optionally a yes/no ``must_cover``). ``"reported"``: the
        **observed** register (:func:`reported_demand`: "observed (reported in public pages), placed at the
        commune", ``village_population`` people each). Default: the shipped **modeled** layer
        (``data/modeled/villages_2025_modeled.gpkg``), and the plan is labelled modeled.
    communes : pandas.DataFrame
        The commune table (:func:`divide.load_communes`), for names and provinces.
    budget : float or str
        In ``currency``; strings as planners write them (``"50 tỷ"``, ``"2,5 tỷ đồng"``, see
        :func:`parse_amount`).
    currency : {"VND", "USD"}
        Currency of the budget and of every cost in the result.
    costs : str, pathlib.Path, pandas.DataFrame or None
        A user's cost YAML overriding items of ``data/costs.yaml``, or a table from :func:`load_costs`.
    objective : {"people", "leave_no_one_behind"}
        ``"leave_no_one_behind"``: first the villages without signal and without power (``must_cover``).
    radius_km, province : float, str or None
        Service radius of a 4G site; restrict to one province (name or code).
    candidates : {"villages+grid", "villages"}
        Candidate 4G sites: at the villages and on a grid of points near them, or at the villages only.
    seed, mc_reps, curve_points : int
        Seed and replications of the Monte Carlo over cost ranges (0: none); budgets on the curve (>= 20 in the
        outputs).
    village_population : float
        People assumed per village of the register (``villages="reported"``), which gives none.

    Returns
    -------
    VillagePlan

    Raises
    ------
    divide._errors.InputError
        A budget <= 0 or unreadable, a bad cost file, villages without coordinates or population, a CRS
        mix-up, a ``must_cover`` column that is not yes/no, an unknown province or objective.

    Examples
    --------
    >>> import divide
    >>> p = plan(communes=divide.load_communes("Lai Châu"), budget="5 tỷ", province="Lai Châu", mc_reps=0,
    ...          curve_points=3)
    >>> p.modeled, p.spent <= p.budget, p.people_covered == p.site_plan.recompute_people()
    (True, True, True)
    >>> sorted(set(p.interventions["technology"]))
    ['satellite']
    """
    t0 = time.perf_counter()
    if objective not in OBJECTIVES:
        _fail(f"unknown objective {objective!r}", "--objective", f"use one of {OBJECTIVES}")
    if candidates not in ("villages+grid", "villages"):
        _fail(f"unknown candidates {candidates!r}", "candidates", "use 'villages+grid' or 'villages'")
    amount, currency = parse_amount(budget, currency)
    table = costs if isinstance(costs, pd.DataFrame) else load_costs(costs)
    values = table["value"]
    rate = float(values["exchange_rate_vnd_per_usd"]) if currency == "VND" else 1.0
    if observed := isinstance(villages, str):
        if villages != "reported":
            _fail(f"unknown villages {villages!r}", "--villages", "give 'reported', a village table or file, or none")
        villages = reported_demand(communes, village_population=village_population)
    villages = _default_villages(communes) if villages is None else villages
    path = str(villages.attrs.get("source_file") or "villages")
    villages = _check_villages(villages, path)
    demand = _demand(villages, communes, province, path)
    modeled = is_modeled(villages) or is_modeled(demand)
    if len(demand) == 0:
        _fail("no villages without mobile signal" + (f" in {province}" if province else ""), "villages",
              "check has_mobile_signal, or choose another province", path)
    demand_p = demand.to_crs(settings.PROJECTED_CRS)
    cands = candidate_sites(demand_p, radius_km, table, currency, candidates)
    t_prep = time.perf_counter() - t0
    sp = plan_sites(demand_p, cands, budget=amount, radius_km="radius_km", weight="population", cost="cost",
                    objective=objective, must_cover="must_cover")
    t_solve = time.perf_counter() - t0 - t_prep
    xy = np.column_stack([demand_p.geometry.x, demand_p.geometry.y])
    cxy = np.column_stack([cands.geometry.x, cands.geometry.y])
    cover_all, _, _ = min_cover_cost(coverage_sets(xy, cxy, cands["radius_km"].to_numpy() * 1e3),
                                     cands["cost"].to_numpy(), 60.0)
    points = max(int(curve_points), 1)
    budgets = np.unique(np.append(np.linspace(cover_all / points, cover_all, points), amount))
    curve = budget_curve(demand_p, cands, budgets, radius_km="radius_km", weight="population", cost="cost",
                         objective=objective, must_cover="must_cover")
    t_curve = time.perf_counter() - t0 - t_prep - t_solve
    opts = option_costs(values, demand["has_power"].to_numpy(), demand["has_fiber"].to_numpy())
    cheapest = np.where(opts["satellite"] <= opts["4g"], "satellite",
                        np.where(demand["has_power"].to_numpy(), "4g_grid", "4g_solar"))
    p_in, p_sat = (_monte_carlo(demand_p, cands, table, True, currency, amount, objective, int(mc_reps), seed)
                   if mc_reps else (np.full(len(demand), np.nan),) * 2)
    inter = _interventions(sp, cands, demand, cands["cost"].to_numpy())
    site = sp.assignments.reindex(demand.index).to_numpy()
    out_v = carry(demand, demand.assign(
        covered=sp.covered.to_numpy(), site=site, technology=cands["technology"].reindex(site).to_numpy(),
        cheapest_option=cheapest, cheapest_cost=np.minimum(opts["satellite"], opts["4g"]) * rate, p_in_plan=p_in,
        p_satellite_cheapest=p_sat))
    unreach = out_v.loc[out_v["cheapest_cost"] > amount, ["village_name", "commune_name", "province_name",
                                                          "cheapest_option", "cheapest_cost"]]
    sites = sp.chosen.assign(people_new=sp.marginal_people.to_numpy()).to_crs(settings.GEOGRAPHIC_CRS)
    if modeled:
        for t in (inter, out_v, sites, curve):
            mark_modeled(t)
    log = {"villages": path, "modeled": modeled, "observed": observed, "demand": len(demand),
           "candidates": len(cands),
           "must_cover": int(demand["must_cover"].astype(bool).sum()) if demand["must_cover"].dtype == bool else None,
           "mc_reps": int(mc_reps), "seed": int(seed), "rate_vnd_per_usd": float(values["exchange_rate_vnd_per_usd"]),
           "seconds": {"prepare": round(t_prep, 3), "solve": round(t_solve, 3), "curve": round(t_curve, 3),
                       "total": round(time.perf_counter() - t0, 3)},
           "solver": {"gap": sp.gap, "bound": sp.bound, "solver": sp.solver, "status": sp.log.get("status")}}
    if observed:
        table = pd.concat([table, observed_assumptions(demand)])
    return VillagePlan(interventions=inter, villages=out_v, sites=sites, curve=curve, costs=table, site_plan=sp,
                       budget=amount, spent=sp.spent, people_covered=sp.people_covered,
                       budget_to_cover_all=float(cover_all), unreachable=unreach, currency=currency,
                       objective=objective, province=province, radius_km=float(radius_km), modeled=modeled, log=log,
                       observed=observed)
