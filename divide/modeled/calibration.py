"""Calibration of the modeled dataset: the cited national targets, the assumptions, and the report.

:data:`CALIBRATION` lists the national facts the modeled indicators are
calibrated to (value, weighting, tolerance, citation); :data:`ASSUMPTIONS`
every modelling assumption with its source. :func:`calibration_report`
compares a generated table with the targets.

Examples
--------
>>> CALIBRATION["villages_no_signal"]["value"], round(URBAN_RURAL_ODDS_RATIO, 2)
(266, 4.2)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.modeled.covariates import INDICATOR_COLUMNS, national_communes

__all__ = [
    "ASSUMPTIONS",
    "CALIBRATED_PCT",
    "CALIBRATION",
    "LOADINGS",
    "URBAN_RURAL_ODDS_RATIO",
    "achieved_values",
    "calibration_report",
    "odds",
]

_DA_NANG_URBAN = 83.19
_DA_NANG_RURAL = 54.12


def odds(p: float) -> float:
    """The odds of a percentage: ``p / (100 - p)``.

    Examples
    --------
    >>> odds(80.0)
    4.0
    """
    return p / (100.0 - p)


#: Urban/rural odds ratio implied by the Đà Nẵng 2019 figures (83.19 % vs 54.12 %).
URBAN_RURAL_ODDS_RATIO = odds(_DA_NANG_URBAN) / odds(_DA_NANG_RURAL)

#: Villages nationwide derived from 2,148 villages without signal at 97.82 % village coverage.
_VILLAGES_DERIVED = 2148 / (1 - 0.9782)

#: National calibration targets: value, how it is weighted, tolerance, and citation.
#: ``achieved`` values are reported by :func:`calibration_report`.
CALIBRATION: dict[str, dict[str, Any]] = {
    "villages_total": {
        "value": int(round(_VILLAGES_DERIVED)),
        "unit": "villages (thôn, bản, ấp, tổ dân phố)",
        "statistic": "national sum of villages_total",
        "tolerance": 0.0025,
        "tolerance_kind": "relative",
        "tolerance_note": "97.82 % is rounded to 0.01 pp, so 2,148 / (1 - 0.9782) is known to about ±0.25 %; "
        "the generator hits the rounded value 98,532 exactly",
        "period": "2021-01-01",
        "citation": "Derived: 2,148 villages without mobile signal at 97.82 % village coverage, "
        "Cục Viễn thông (MIC) via VietNamNet, 2021 (data/facts/facts_national_sources.csv)",
        "url": "https://vietnamnet.vn/khong-de-ai-bi-bo-lai-phia-sau-trong-linh-vuc-vien-thong-i5010557.html",
    },
    "villages_no_signal": {
        "value": 266,
        "unit": "villages",
        "statistic": "national sum of villages_no_signal",
        "tolerance": 0,
        "tolerance_kind": "absolute",
        "period": "end of 2022",
        "citation": "Thông báo 16/TB-VPCP, 25/12/2022 (Văn phòng Chính phủ): \"Còn 266 thôn, bản chưa được phủ "
        "sóng di động, thiếu điện.\" (shared/seeds/000_64c469d8c94cdc49.txt)",
        "url": None,
        "placement": "only in rural xã (never phường or đặc khu) whose remoteness is at least the median "
        "remoteness of all xã, drawn with weights rising with remoteness and falling with density and "
        "with the province's DTI 2022 score",
    },
    "villages_no_power": {
        "value": int(round(266 * 200 / 300)),
        "unit": "villages",
        "statistic": "national sum of villages_no_power (all of them among the 266 without signal)",
        "tolerance": 0,
        "tolerance_kind": "absolute",
        "period": "end of 2022",
        "citation": "Share 2/3 from MIC via VnEconomy (2022): of about 300 remaining lõm-sóng points, about 200 "
        "had no electricity; applied to the 266 of Thông báo 16/TB-VPCP: round(266 x 200/300) = 177",
        "url": "https://vneconomy.vn/techconnect/xoa-vung-lom-song-di-dong-tren-toan-quoc.htm",
        "alternative": "16/TB-VPCP's sentence \"chưa được phủ sóng di động, thiếu điện\" can also be read as all "
        "266 lacking both; the 2022 VnEconomy and 2024 MIC breakdowns (124 of 761 remaining without "
        "electricity) show that the list mixes villages with and without power, so the sourced share is used",
    },
    "fiber_households_pct": {
        "value": 78.3,
        "unit": "% of households",
        "statistic": "population-weighted national mean (households assumed proportional to population)",
        "tolerance": 0.05,
        "tolerance_kind": "absolute",
        "period": "2023-08/09",
        "citation": "MIC monthly briefing via CafeF (2023): households using fibre broadband 78.3 %",
        "url": "https://cafef.vn/thue-bao-bang-rong-di-dong-cua-viet-nam-da-dat-ty-le-8707-thue-bao-100-dan-1882309121338376.chn",
    },
    "mobile_4g_pop_pct": {
        "value": 99.0,
        "unit": "% of population",
        "statistic": "population-weighted national mean",
        "tolerance": 0.05,
        "tolerance_kind": "absolute",
        "period": "2024-12",
        "citation": "mic.gov.vn, 27/12/2024: 4G covers 99 % of the population",
        "url": "https://mic.gov.vn/day-manh-phu-song-vien-thong-pho-cap-internet-bang-rong-den-vung-sau-vung-xa-197241227121215584.htm",
    },
    "online_services_pct": {
        "value": 18.0,
        "unit": "% of people",
        "statistic": "population-weighted national mean",
        "tolerance": 0.05,
        "tolerance_kind": "absolute",
        "period": "first 7 months of 2022",
        "citation": "Third session of the National Committee on Digital Transformation, 8/8/2022: people using "
        "online public services 1.78 % (2020), 9.51 % (2021), \"gần 18 %\" (7 months of 2022) "
        "(shared/seeds/001_7e3050719bfa722f.txt)",
        "url": None,
    },
    "smartphone_adults_pct": {
        "value": 73.5,
        "unit": "% of adults",
        "statistic": "population-weighted national mean (adult share assumed uniform)",
        "tolerance": 0.05,
        "tolerance_kind": "absolute",
        "period": "2022-03",
        "citation": "Cục Viễn thông (MIC) estimate via Thời Đại, 18/04/2022: adults using a smartphone about 73.5 % "
        "(provinces from 56.1 % Hà Giang to 78.4 % Hải Phòng)",
        "url": "https://thoidai.com.vn/cuoi-nam-2022-khoang-85-nguoi-truong-thanh-co-dien-thoai-thong-minh-166684.html",
    },
    "digital_payment_adults_pct": {
        "value": 87.0,
        "unit": "% of adults",
        "statistic": "population-weighted national mean (adult share assumed uniform)",
        "tolerance": 0.05,
        "tolerance_kind": "absolute",
        "period": "2024",
        "citation": "National digital-transformation conference, 19/1/2025: \"Tỉ lệ người trưởng thành có tài khoản "
        "thanh toán đạt 87%\" (shared/seeds/002_ee9a1beda7f27e23.txt)",
        "url": None,
    },
    "urban_rural_odds_ratio": {
        "value": round(URBAN_RURAL_ODDS_RATIO, 4),
        "unit": "odds ratio (urban phường vs rural xã, population-weighted group means)",
        "statistic": "for each of the five calibrated % indicators: odds(urban mean) / odds(rural mean)",
        "tolerance": 0.05,
        "tolerance_kind": "relative",
        "tolerance_note": "values are rounded to 0.01 pp, which moves the ratio by well under 1 % except for "
        "4G near 100 %; 5 % is allowed",
        "period": "2019",
        "citation": "Đà Nẵng statistics portal: Internet use/access 2019, 83.19 % urban vs 54.12 % rural "
        "(ratio 1.54; odds ratio (83.19/16.81)/(54.12/45.88) = 4.20) (data/facts/facts_national_sources.csv)",
        "url": "https://www.danang.gov.vn/web/chuyen-trang-thong-tin-kinh-te-xa-hoi/chi-tiet-cd?id=4515&_c=94677500,94677503,94677504",
        "why_odds": "the share ratio 1.54 cannot hold at high national levels (78.3 % fibre would need 99.7 % "
        "urban); the odds ratio carries the same cited contrast and is valid at any level",
    },
    "communes_with_fibre": {
        "value": 100.0,
        "unit": "% of communes with at least one fibre village",
        "statistic": "share of populated communes with fiber_villages_pct > 0",
        "tolerance": 0,
        "tolerance_kind": "absolute",
        "period": "2024",
        "citation": "\"100% xã, phường, thị trấn kết nối Internet cáp quang\" (national conference 19/1/2025, "
        "shared/seeds/002_ee9a1beda7f27e23.txt)",
        "url": None,
    },
}

#: Every modelling assumption, with its source (or "modelling choice" where there is none).
ASSUMPTIONS: list[dict[str, str]] = [
    {
        "id": "A01",
        "topic": "label",
        "assumption": "All values are modeled, not observed; every output carries source='modeled' and the label "
        "'Dữ liệu mô phỏng / modeled data'.",
        "source": "Project rule (shared/DESIGN.md, 'Data truth'); issue 3.",
    },
    {
        "id": "A02",
        "topic": "covariates",
        "assumption": "Covariates are real: WorldPop 2020 population and density, the official class (phường urban, "
        "xã rural, đặc khu special zone), remoteness (km from the commune centroid to the nearest phường "
        "centroid), the island flag, all from divide.load_communes().",
        "source": "WorldPop 2020 1 km UN-adjusted (CC BY 4.0, doi:10.5258/SOTON/WP00671); communes_2025.gpkg "
        "(lamngockhuong/vietnam-3d-map, government merger map); GSO urban/rural definition.",
    },
    {
        "id": "A03",
        "topic": "DTI",
        "assumption": "Each 2025 province gets the population-weighted mean DTI 2022 rank of its pre-2025 "
        "predecessor provinces; weights are the WorldPop population of each new commune split over "
        "old provinces by the share of its predecessor communes (crosswalk rows) in each.",
        "source": "dti.gov.vn/xep-hang-2022 (data/indicators/dti_2022_province_ranks.csv); GSO old-new "
        "conversion table, July 2025 (data/admin/gso_crosswalk_old_new_2025-07_raw.csv).",
    },
    {
        "id": "A04",
        "topic": "villages_total",
        "assumption": "The national number of villages is 2,148 / (1 - 0.9782) = 98,532 and is spread over communes "
        "in proportion to population divided by a typical village size that grows with density as "
        "density^0.2 (mountain thôn/bản are smaller than delta thôn and urban tổ dân phố); every "
        "populated commune has at least one village; integers by largest remainder.",
        "source": "Count: Cục Viễn thông via VietNamNet (2021). Size gradient: the legal minimum size of a "
        "thôn/tổ dân phố is smaller in mountain and border areas than in the delta and in wards "
        "(Thông tư 04/2012/TT-BNV as amended by Thông tư 14/2018/TT-BNV); the exponent 0.2 is a "
        "modelling choice.",
    },
    {
        "id": "A05",
        "topic": "villages_total",
        "assumption": "Units with no resident population in the WorldPop grid (Hoàng Sa, Trường Sa) get 0 villages "
        "and missing (NaN) percentages: there is no population to take a share of.",
        "source": "Modelling choice; WorldPop 2020 zonal sums.",
    },
    {
        "id": "A06",
        "topic": "village population",
        "assumption": "A commune's population is split over its villages with Gamma(shape 2) weights (coefficient of "
        "variation about 0.7).",
        "source": "Modelling choice.",
    },
    {
        "id": "A07",
        "topic": "villages_no_signal",
        "assumption": "Exactly 266 villages lack mobile signal; they are drawn (without replacement, Gumbel top-k) "
        "only from villages of rural xã in the more remote half of xã (remoteness >= median over xã), "
        "with log-weight 1.5 z(log remoteness) - 1.0 z(log density) - 0.8 z(DTI score); inside a "
        "commune the smallest villages (with noise) are the unserved ones.",
        "source": "Count: Thông báo 16/TB-VPCP (25/12/2022). Where: the same notice and MIC reports place lõm-sóng "
        "villages in remote, sparsely settled, mountain and border areas; weights are a modelling choice.",
    },
    {
        "id": "A08",
        "topic": "villages_no_power",
        "assumption": "177 = round(266 x 2/3) villages lack grid power, all among the 266 without signal (no village "
        "without power is modeled elsewhere), drawn with log-weight 1.0 z(log remoteness) - 0.5 "
        "z(log density).",
        "source": "Share: MIC via VnEconomy (2022), about 200 of about 300 remaining lõm-sóng points without "
        "electricity. Subset: mobile sites need grid power; 2024 and 2025 reports list villages without "
        "electricity as a part of the lõm-sóng list (facts_national_sources.csv).",
    },
    {
        "id": "A09",
        "topic": "percentages",
        "assumption": "Each percentage is 100 / (1 + exp(-(a + g*urban + b.x + e))) with x the z-scored covariates "
        "(log density, log remoteness, DTI score, island) and e commune noise N(0, 0.4^2); a and g are "
        "solved (nested root finding) so that the population-weighted national mean hits the target and "
        "the urban/rural odds ratio of group means equals the Đà Nẵng 2019 value; the loadings b are "
        "modelling choices.",
        "source": "Targets: CALIBRATION; loadings: modelling choice.",
    },
    {
        "id": "A10",
        "topic": "weights",
        "assumption": "Household and adult shares are weighted by total population (household size and adult share "
        "assumed uniform across communes).",
        "source": "Modelling choice (no commune household or age data is shipped).",
    },
    {
        "id": "A11",
        "topic": "urban_rural",
        "assumption": "The rural shortfall of every calibrated % indicator follows one cited contrast: the odds ratio "
        "4.20 of Đà Nẵng 2019 internet figures (83.19 % urban vs 54.12 % rural), used nationally.",
        "source": "Đà Nẵng statistics portal (2019); extrapolating one city's contrast to the nation and to other "
        "indicators is a modelling choice.",
    },
    {
        "id": "A12",
        "topic": "mobile_4g_pop_pct",
        "assumption": "4G population coverage in a commune never exceeds the population share of its villages with "
        "mobile signal.",
        "source": "Consistency rule.",
    },
    {
        "id": "A13",
        "topic": "fiber_villages_pct",
        "assumption": "Fibre reaches a commune's villages largest first (with noise) until their population covers "
        "fiber_households_pct / r, where r, the share of households passed inside a reached village, is "
        "uniform in 0.6-1.0 by commune; villages without signal or power have no fibre; every populated "
        "commune has at least one fibre village.",
        "source": "100 % of communes connected by fibre (conference 19/1/2025, seed 002); \"còn nhiều thôn, bản chưa có "
        "đường cáp quang\" (seed 003); ordering and r: modelling choices.",
    },
    {
        "id": "A14",
        "topic": "vintage",
        "assumption": "Targets come from different dates (2021 to 2024); the dataset describes no single year and is "
        "placed on the 2025 communes.",
        "source": "See 'period' of each CALIBRATION entry.",
    },
    {
        "id": "A15",
        "topic": "village points",
        "assumption": "Village points fall in 1 km WorldPop cells of their commune drawn with probability proportional "
        "to cell population, at a uniform random spot in the cell, kept only inside the commune "
        "polygon (else redrawn; small wards without a cell centre get uniform points in the polygon).",
        "source": "WorldPop 2020 1 km grid; modelling choice.",
    },
    {
        "id": "A16",
        "topic": "village names",
        "assumption": "Village names are synthetic labels: 'Tổ dân phố N' in phường, 'Ấp N' in the southern "
        "provinces, 'Bản N' in the remote half of the northern mountain provinces, 'Thôn N' elsewhere.",
        "source": "Naming customs only; no real village is named.",
    },
    {
        "id": "A17",
        "topic": "province constraints",
        "assumption": "Where a province's count of villages without mobile signal (or of those also without grid "
        "power) is reported for a 2025 province and dated 2025-07-01 or later, exactly that many modeled "
        "villages of the province lack signal (power), drawn among its eligible villages with the weights of "
        "A07 (A08); the rest of the national 266 (177) are drawn in the other provinces. The national targets "
        "(end of 2022) and the province counts (2026) are of different dates; both are honoured as they are.",
        "source": "data/facts.csv (divide.modeled.constraints.PROVINCE_COUNT_FACTS: Tuyên Quang, January 2026, "
        "91 of 3,802 villages without signal, 4 of them without grid power); issue 17.",
    },
]

#: Covariate loadings (z-scored log density, log remoteness, DTI score, island flag) of each calibrated
#: percentage: modelling choices (:data:`ASSUMPTIONS` A09).
LOADINGS = {
    "fiber_households_pct": (0.6, -0.5, 0.3, -0.5),
    "mobile_4g_pop_pct": (0.3, -0.8, 0.1, -0.8),
    "online_services_pct": (0.3, -0.2, 0.7, 0.0),
    "smartphone_adults_pct": (0.4, -0.4, 0.3, -0.2),
    "digital_payment_adults_pct": (0.4, -0.3, 0.2, -0.2),
}
#: The calibrated percentages, in the order of their random streams.
CALIBRATED_PCT = list(LOADINGS)


def achieved_values(table: pd.DataFrame, national: pd.DataFrame) -> dict[str, Any]:
    """National values of the calibrated statistics in ``table`` (national rows).

    Examples
    --------
    >>> from divide.modeled.indicators import model_indicators
    >>> achieved_values(model_indicators(), national_communes(None)[0])["villages_no_signal"]
    266
    """
    pop = national["population"].reindex(table.index).to_numpy(dtype="float64")
    ctype = national["commune_type"].reindex(table.index).astype(str).to_numpy()
    res: dict[str, float] = {
        "villages_total": int(table["villages_total"].sum()),
        "villages_no_signal": int(table["villages_no_signal"].sum()),
        "villages_no_power": int(table["villages_no_power"].sum()),
    }
    ors = {}
    for col in CALIBRATED_PCT:
        v = table[col].to_numpy(dtype="float64")
        ok = ~np.isnan(v) & (pop > 0)
        res[col] = round(float((v[ok] * pop[ok]).sum() / pop[ok].sum()), 4)
        u = ok & (ctype == "phuong")
        r = ok & (ctype == "xa")
        pu = (v[u] * pop[u]).sum() / pop[u].sum()
        pr = (v[r] * pop[r]).sum() / pop[r].sum()
        ors[col] = {"urban": round(float(pu), 4), "rural": round(float(pr), 4),
                    "odds_ratio": round(float(odds(pu) / odds(pr)), 4)}
    res["urban_rural"] = ors
    populated = pop > 0
    res["communes_with_fibre"] = round(float(100.0 * (table["fiber_villages_pct"].to_numpy()[populated] > 0).mean()), 4)
    fv = table["fiber_villages_pct"].to_numpy(dtype="float64")
    tot = table["villages_total"].to_numpy(dtype="float64")
    res["fiber_villages_national_pct"] = round(float(np.nansum(fv * tot) / 100.0 / tot.sum() * 100.0), 4)
    return res


def calibration_report(indicators: pd.DataFrame, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare national figures of a modeled table with the calibration targets.

    Parameters
    ----------
    indicators
        The national table from :func:`model_indicators`.
    communes
        The commune table (for populations and classes); default: the shipped layer.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``target``, ``achieved``, ``tolerance``, ``ok`` and ``citation``.

    Examples
    --------
    >>> from divide.modeled.indicators import model_indicators
    >>> rep = calibration_report(model_indicators())
    >>> bool(rep["ok"].all()), int(rep.loc["villages_no_signal", "achieved"])
    (True, 266)
    """
    national, _ = national_communes(communes)
    table = indicators.reindex(national.index)
    if table[INDICATOR_COLUMNS].isna().all(axis=1).sum() > 2:
        raise InputError("calibration_report needs the national table (all 3,321 communes)",
                         fix="pass model_indicators() without a province subset")
    ach = achieved_values(table, national)
    rows = []
    for key, spec in CALIBRATION.items():
        target = spec["value"]
        tol = spec["tolerance"]
        if key == "urban_rural_odds_ratio":
            worst = max(abs(v["odds_ratio"] / target - 1) for v in ach["urban_rural"].values())
            achieved = min((v["odds_ratio"] for v in ach["urban_rural"].values()), key=lambda o: -abs(o / target - 1))
            ok = worst <= tol and all(v["urban"] > v["rural"] for v in ach["urban_rural"].values())
        else:
            achieved = ach[key]
            err = abs(achieved - target) / target if spec["tolerance_kind"] == "relative" else abs(achieved - target)
            ok = err <= tol + 1e-9
        rows.append({"target_name": key, "target": target, "achieved": achieved, "tolerance": tol,
                     "tolerance_kind": spec["tolerance_kind"], "ok": bool(ok), "citation": spec["citation"]})
    return pd.DataFrame(rows).set_index("target_name")
