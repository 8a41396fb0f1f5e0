"""The covariates of the modeled dataset: the national commune table, its real covariates, the output columns.

The modeled indicators (:mod:`divide.modeled.indicators`) are generated from
real covariates of every 2025 commune: WorldPop population and density, the
official class (phường urban, xã rural, đặc khu special zone), remoteness,
the island flag and the province's DTI 2022 rank mapped onto the 2025
provinces. The model is always fitted on all 3,321 communes
(:func:`national_communes`).

Examples
--------
>>> INDICATOR_COLUMNS[:3]
['fiber_households_pct', 'fiber_villages_pct', 'mobile_4g_pop_pct']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import DivideError, InputError
from divide.indicators.schema import INDICATOR_NAMES

__all__ = ["INDICATOR_COLUMNS", "REQUIRED_COLUMNS", "covariates", "national_communes", "province_dti_rank"]

#: The nine columns of the indicator schema (issue 3), in order (:data:`divide.indicators.schema.INDICATOR_NAMES`).
INDICATOR_COLUMNS = list(INDICATOR_NAMES)

#: Columns of the commune table the model uses as covariates.
REQUIRED_COLUMNS = ["commune_type", "province_code", "population", "density_km2", "remoteness_km", "is_island"]

_N_PROVINCES_2022 = 63


def national_communes(communes: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.Index]:
    """The national commune table (covariates for calibration) and the index to return.

    Parameters
    ----------
    communes
        A commune table indexed by ``commune_code`` (all 3,321 communes, or
        some of them: the shipped national layer then supplies the
        covariates), or None for all communes.

    Returns
    -------
    (pandas.DataFrame, pandas.Index)
        The national table sorted by code, and the codes asked for.

    Examples
    --------
    >>> import divide
    >>> national, index = national_communes(divide.load_communes("Lai Châu"))
    >>> len(national), len(index) < len(national)
    (3321, True)
    """
    from divide.geography.communes import load_communes

    if communes is None:
        national = load_communes()
        return national, national.index
    if communes.index.name != "commune_code":
        raise InputError(
            "the commune table must be indexed by 'commune_code'",
            fix="pass divide.load_communes() or a table with .set_index('commune_code')",
        )
    if len(communes) >= 3321 and not communes.index.has_duplicates:
        national = communes
    else:
        national = load_communes()
        unknown = communes.index.difference(national.index)
        if len(unknown):
            raise InputError(
                f"{len(unknown)} commune code(s) are not 2025 communes, e.g. {list(unknown[:3])}",
                where="index 'commune_code'",
                fix="use 5-digit 2025 codes (run `divide crosswalk` for pre-2025 codes)",
            )
    missing = [c for c in REQUIRED_COLUMNS if c not in national.columns]
    if missing:
        raise InputError(
            f"the commune table lacks column(s) {missing} needed as covariates",
            fix="pass the table returned by divide.load_communes()",
        )
    national = national.sort_index()
    return national, communes.index


def province_dti_rank(national: pd.DataFrame) -> pd.Series:
    """Population-weighted DTI 2022 rank of each 2025 province's predecessor provinces.

    The mapping of the 63 old provinces onto the 34 new ones is the project's
    province crosswalk (:func:`divide.geography.crosswalk.dti_2022_provinces_2025`).
    """
    from divide.geography.crosswalk import dti_2022_provinces_2025

    ranks = dti_2022_provinces_2025()["dti_rank"].astype("float64")
    provinces = pd.Index(sorted(national["province_code"].unique()), name="province_code")
    mixed = ranks.reindex(provinces)
    if mixed.isna().any():
        raise DivideError(
            f"provinces {list(mixed.index[mixed.isna()])} have no DTI 2022 rank",
            path=settings.DTI_2022_CSV, fix="rebuild with `python -m divide.build`",
        )
    return mixed.round(3).rename("dti_2022_rank_mixed")


def covariates(national: pd.DataFrame) -> pd.DataFrame:
    """The model's covariates per commune: class flags, z-scored log density, log remoteness and DTI score.

    Parameters
    ----------
    national
        The national commune table (from :func:`national_communes`).

    Returns
    -------
    pandas.DataFrame
        On the communes' index: ``population``, ``urban``, ``rural``,
        ``island``, ``log_density``, ``log_remote``, ``dti_rank``,
        ``dti_score``, their z-scores ``z_density``, ``z_remote``, ``z_dti``
        (over populated communes), ``remote_half`` and ``province_code``.
    """
    pop = national["population"].to_numpy(dtype="float64")
    populated = pop > 0
    ctype = national["commune_type"].astype(str)
    dti_rank = province_dti_rank(national)
    cov = pd.DataFrame(index=national.index)
    cov["population"] = pop
    cov["urban"] = (ctype == "phuong").to_numpy()
    cov["rural"] = (ctype == "xa").to_numpy()
    cov["island"] = national["is_island"].astype(bool).to_numpy()
    cov["log_density"] = np.log1p(national["density_km2"].fillna(0).to_numpy(dtype="float64"))
    cov["log_remote"] = np.log1p(national["remoteness_km"].fillna(0).to_numpy(dtype="float64"))
    cov["dti_rank"] = national["province_code"].map(dti_rank).to_numpy(dtype="float64")
    cov["dti_score"] = 1.0 - (cov["dti_rank"] - 1.0) / (_N_PROVINCES_2022 - 1)
    cov["z_density"] = _zscore(cov["log_density"], populated)
    cov["z_remote"] = _zscore(cov["log_remote"], populated)
    cov["z_dti"] = _zscore(cov["dti_score"], populated)
    xa_remote = national["remoteness_km"].to_numpy(dtype="float64")[cov["rural"].to_numpy()]
    cov["remote_half"] = cov["rural"] & (national["remoteness_km"].to_numpy(dtype="float64") >= np.median(xa_remote))
    cov["province_code"] = national["province_code"].astype(str).to_numpy()
    return cov


def _zscore(values: pd.Series, mask: np.ndarray) -> np.ndarray:
    v = values.to_numpy(dtype="float64")
    mu = v[mask].mean()
    sd = v[mask].std()
    return (v - mu) / sd if sd > 0 else v - mu
