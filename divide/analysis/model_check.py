"""An honest test of the modeled data against the observed register: the hit rate of reported villages.

The register of villages named in public reports
(:func:`divide.reported_villages`) says where someone wrote that a village
lacked signal or power. If the modeled divide index points at the right
places, the communes of those villages should sit in its worst tiers more
often than chance. :func:`hit_rate` counts how often they do, against three
chance levels: the share of communes in those tiers (nationally), the same
share weighted by population or villages, and the share *within each
village's own province* (the hardest: most reports come from a few mountain
provinces that the model already ranks low). One-sided binomial tests
(:func:`scipy.stats.binomtest`) and, within provinces, an exact
Poisson-binomial tail give p-values.

:func:`unserved_villages` picks the villages counted: each village
(its 2025 commune and its name) by its latest report; reports of no signal,
weak signal or no electricity count, unless a report of coverage is as late
or later. :func:`modeled_check` runs the test on the modeled dataset with and
without its province constraints (the figures recorded in
``data/modeled/modeled_metadata.json`` and quoted in its README).

Examples
--------
>>> scores = pd.Series([1, 1, 2, 3, 4], index=["a", "b", "c", "d", "e"], name="divide_tier")
>>> register = pd.DataFrame({"village": ["x", "y", "z"], "commune_code": ["a", "c", "e"],
...                          "status": ["no_signal", "weak_signal", "no_electricity"],
...                          "as_of": ["2024", "2024", "2024"]})
>>> r = hit_rate(scores, register, tiers=(1,))
>>> r.villages, r.hits, r.chance["communes"]
(3, 1, 0.4)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.names import match_key

__all__ = ["UNSERVED_STATUSES", "HitRate", "hit_rate", "modeled_check", "poisson_binomial_tail",
           "unserved_villages"]

#: Statuses of a report that count a village as unserved.
UNSERVED_STATUSES = ("no_signal", "weak_signal", "no_electricity")
_COVERED = "covered"


@dataclass(frozen=True)
class HitRate:
    """How often reported unserved villages lie in communes of the worst tiers, against chance.

    Attributes
    ----------
    tiers
        The tiers counted as worst (``divide_tier``; 1 = the fifth of communes with the widest divide).
    villages, hits, share
        Reported unserved villages matched to a tiered commune, those in the worst tiers, and their share.
    chance
        Chance levels: ``communes`` (share of tiered communes in those tiers), one per weight column
        (e.g. ``population``, ``villages``) and ``within_province`` (mean, over the villages, of the
        share of their province's communes in those tiers).
    p_value
        One-sided p-value (hits at least as many) for each chance level.
    communes, commune_hits, commune_share, commune_chance, commune_p_value
        The same at the level of distinct communes (villages of one commune are not independent):
        p-values against the ``communes`` chance level and, when provinces are given,
        ``within_province`` (each commune against its province's share).
    not_counted
        Unserved villages not counted: no 2025 commune code, or a commune without a tier in ``scores``.
    """

    tiers: tuple[int, ...]
    villages: int
    hits: int
    share: float
    chance: dict[str, float]
    p_value: dict[str, float]
    communes: int
    commune_hits: int
    commune_share: float
    commune_chance: dict[str, float]
    commune_p_value: dict[str, float]
    not_counted: int
    detail: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self, digits: int = 4) -> dict[str, Any]:
        """The figures as plain JSON values (``detail`` left out), floats rounded to ``digits``.

        Examples
        --------
        >>> s = pd.Series([1, 2], index=["a", "b"])
        >>> reg = pd.DataFrame({"village": ["x"], "commune_code": ["a"], "status": ["no_signal"], "as_of": ["2024"]})
        >>> hit_rate(s, reg).to_dict()["share"]
        1.0
        """
        out = asdict(self)
        out.pop("detail")
        out["tiers"] = list(self.tiers)
        for key in ("share", "commune_share"):
            out[key] = round(out[key], digits)
        out["chance"] = {k: round(v, digits) for k, v in out["chance"].items()}
        # p-values can be tiny: significant digits, not decimals
        out["p_value"] = {k: float(f"{v:.{digits}g}") for k, v in out["p_value"].items()}
        out["commune_chance"] = {k: round(v, digits) for k, v in out["commune_chance"].items()}
        out["commune_p_value"] = {k: float(f"{v:.{digits}g}") for k, v in out["commune_p_value"].items()}
        return out


def _report_date(frame: pd.DataFrame) -> pd.Series:
    """The date a report speaks for: its ``covered_date`` for coverage, else ``as_of``, else ``published``."""
    def col(name: str) -> pd.Series:
        return frame[name].astype("string") if name in frame.columns else pd.Series(pd.NA, index=frame.index,
                                                                                      dtype="string")
    date = col("as_of").fillna(col("published"))
    covered = frame["status"] == _COVERED
    date = date.mask(covered, col("covered_date").fillna(date))
    return date.fillna("")


def unserved_villages(register: pd.DataFrame) -> pd.DataFrame:
    """The villages of a register that are reported unserved by their latest report.

    A village is its 2025 ``commune_code`` and its name (compared without
    case, diacritics or spacing); villages without a commune code are kept
    apart by the commune and province as written. Reports of no signal, weak
    signal or no electricity make a village unserved; a report of coverage
    dated the same or later (or both undated) takes it out. Dates compare as
    ISO text (``"2023"`` < ``"2023-03"`` < ``"2023-03-05"``); an undated
    report is the oldest.

    Parameters
    ----------
    register
        A register like :func:`divide.reported_villages`: ``village``,
        ``commune_code``, ``status``, ``as_of`` (and optionally
        ``covered_date``, ``published``, ``commune_as_written``,
        ``province_as_written``).

    Returns
    -------
    pandas.DataFrame
        One row per unserved village: ``commune_code`` (missing when not
        matched), ``village``, ``status`` (of its latest unserved report;
        ties: no signal, then weak signal, then no electricity), ``as_of``
        and ``reports`` (how many unserved reports name it).

    Examples
    --------
    >>> reg = pd.DataFrame({"village": ["Bản A", "ban a", "Bản B"], "commune_code": ["c1", "c1", "c2"],
    ...                     "status": ["no_signal", "covered", "weak_signal"], "as_of": ["2022", "2024", "2023"]})
    >>> unserved_villages(reg)[["commune_code", "village", "status"]].values.tolist()
    [['c2', 'Bản B', 'weak_signal']]
    """
    missing = [c for c in ("village", "commune_code", "status", "as_of") if c not in register.columns]
    if missing:
        raise InputError(f"the register lacks column(s) {missing}", fix="pass divide.reported_villages()")
    reg = register[register["status"].isin((*UNSERVED_STATUSES, _COVERED))].copy()
    code = reg["commune_code"].astype("string")
    where = (reg.get("province_as_written", pd.Series("", index=reg.index)).astype("string").fillna("") + "|"
             + reg.get("commune_as_written", pd.Series("", index=reg.index)).astype("string").fillna(""))
    reg["_key"] = code.fillna("?" + where).astype(str) + "|" + reg["village"].map(match_key)
    reg["_date"] = _report_date(reg)
    order = {s: i for i, s in enumerate((*UNSERVED_STATUSES, _COVERED))}
    # latest last; at the same date coverage wins, then no signal before weak signal before no electricity
    reg["_rank"] = reg["status"].map(lambda s: -order[s] if s != _COVERED else 1)
    reg = reg.sort_values(["_key", "_date", "_rank"], kind="stable")
    latest = reg.groupby("_key", sort=True).tail(1)
    counts = reg[reg["status"] != _COVERED].groupby("_key").size()
    out = latest[latest["status"] != _COVERED]
    return pd.DataFrame({
        "commune_code": out["commune_code"].astype("string").to_numpy(),
        "village": out["village"].to_numpy(),
        "status": out["status"].to_numpy(),
        "as_of": out["_date"].to_numpy(),
        "reports": counts.reindex(out["_key"]).to_numpy(dtype="int64"),
    })


def poisson_binomial_tail(p: Sequence[float], k: int) -> float:
    """P(X >= k) for X a sum of independent Bernoulli(p_i) (exact, by convolution).

    Examples
    --------
    >>> round(poisson_binomial_tail([0.5, 0.5], 1), 6), poisson_binomial_tail([0.2] * 3, 0)
    (0.75, 1.0)
    """
    pmf = np.array([1.0])
    for q in np.asarray(p, dtype="float64"):
        pmf = np.convolve(pmf, [1.0 - q, q])
    return float(min(1.0, max(0.0, pmf[int(max(k, 0)):].sum())))


def _tier_series(scores: pd.DataFrame | pd.Series, column: str) -> pd.Series:
    if isinstance(scores, pd.DataFrame):
        if column not in scores.columns:
            raise InputError(f"the scores lack column {column!r}", fix="pass compute_index(...).scores")
        scores = scores[column]
    tiers = pd.to_numeric(scores, errors="coerce")
    tiers.index = tiers.index.astype(str)
    return tiers


def hit_rate(
    scores: pd.DataFrame | pd.Series,
    register: pd.DataFrame,
    tiers: Sequence[int] = (1,),
    *,
    weights: pd.DataFrame | None = None,
    provinces: pd.Series | None = None,
    tier_column: str = "divide_tier",
) -> HitRate:
    """Share of reported unserved villages whose commune is in the worst tiers, against chance.

    Parameters
    ----------
    scores
        Index scores indexed by ``commune_code`` with ``tier_column`` (as
        :func:`divide.compute_index` gives in ``.scores``), or a Series of
        tiers. Communes without a tier are left out of every count.
    register
        The register of reports (:func:`divide.reported_villages`); the
        villages counted are :func:`unserved_villages` of it.
    tiers
        The tiers counted as worst; default ``(1,)`` (the fifth of communes
        with the widest divide).
    weights
        Optional per-commune weights (columns such as ``population`` or
        ``villages``, indexed by ``commune_code``): each adds a chance level,
        the weighted share of the tiered communes in the worst tiers.
    provinces
        Optional ``province_code`` per commune: adds the ``within_province``
        chance level (the mean over villages of the share of their
        province's tiered communes in the worst tiers) with an exact
        Poisson-binomial p-value.
    tier_column
        Column of ``scores`` holding the tier.

    Returns
    -------
    HitRate
        Counts, shares, chance levels and one-sided p-values; ``detail``
        lists each counted village with its tier and whether it is a hit.

    Examples
    --------
    >>> tiers = pd.Series([1, 2, 1, 3], index=["a", "b", "c", "d"])
    >>> reg = pd.DataFrame({"village": ["x", "y", "z", "w"], "commune_code": ["a", "a", "b", None],
    ...                     "status": ["no_signal"] * 4, "as_of": ["2025"] * 4})
    >>> r = hit_rate(tiers, reg, weights=pd.DataFrame({"population": [10, 30, 10, 50]}, index=tiers.index))
    >>> r.villages, r.hits, round(r.share, 4), r.chance, r.communes, r.commune_hits, r.not_counted
    (3, 2, 0.6667, {'communes': 0.5, 'population': 0.2}, 2, 1, 1)
    """
    from scipy.stats import binomtest

    tier = _tier_series(scores, tier_column)
    worst = tier.isin(list(tiers))
    ranked = tier.notna()
    if not ranked.any():
        raise InputError("no commune has a tier", fix="pass the scores of compute_index")
    villages = unserved_villages(register)
    code = villages["commune_code"].astype(object)
    counted = code.notna() & code.isin(set(tier.index[ranked]))
    detail = villages[counted.to_numpy()].copy()
    detail["tier"] = tier.reindex(detail["commune_code"].astype(str)).to_numpy()
    detail["hit"] = worst.reindex(detail["commune_code"].astype(str)).to_numpy(dtype=bool)
    n, hits = len(detail), int(detail["hit"].sum())

    chance = {"communes": float(worst[ranked].mean())}
    if weights is not None:
        for col in weights.columns:
            w = pd.to_numeric(weights[col], errors="coerce").reindex(tier.index).fillna(0.0)
            chance[str(col)] = float(w[worst].sum() / w[ranked].sum())
    p_value = {k: float(binomtest(hits, n, v, alternative="greater").pvalue) if n else float("nan")
               for k, v in chance.items()}
    per_commune = detail.groupby("commune_code")["hit"].first()
    k, k_hits = len(per_commune), int(per_commune.sum())
    commune_chance = {"communes": chance["communes"]}
    commune_p = {"communes": float(binomtest(k_hits, k, chance["communes"], alternative="greater").pvalue)
                 if k else float("nan")}
    if provinces is not None:
        prov = provinces.astype(str).reindex(tier.index)
        share = worst[ranked].groupby(prov[ranked]).mean()

        def province_share(codes: pd.Index | pd.Series) -> np.ndarray:
            return share.reindex(prov.reindex(pd.Index(codes).astype(str))).to_numpy(dtype="float64")

        p_i = province_share(detail["commune_code"])
        chance["within_province"] = float(p_i.mean()) if n else float("nan")
        p_value["within_province"] = poisson_binomial_tail(p_i, hits) if n else float("nan")
        q_c = province_share(per_commune.index)
        commune_chance["within_province"] = float(q_c.mean()) if k else float("nan")
        commune_p["within_province"] = poisson_binomial_tail(q_c, k_hits) if k else float("nan")
    return HitRate(
        tiers=tuple(int(t) for t in tiers), villages=n, hits=hits, share=hits / n if n else float("nan"),
        chance=chance, p_value=p_value, communes=k, commune_hits=k_hits,
        commune_share=k_hits / k if k else float("nan"), commune_chance=commune_chance, commune_p_value=commune_p,
        not_counted=int(len(villages) - n), detail=detail.reset_index(drop=True),
    )


#: The tier sets :func:`modeled_check` reports: the worst fifth, and the worst two fifths.
CHECK_TIERS = ((1,), (1, 2))


def modeled_check(table: pd.DataFrame, communes: pd.DataFrame, seed: int = settings.DEFAULT_SEED, *,
                  register: pd.DataFrame | None = None,
                  generate: Callable[..., Any] | None = None) -> dict[str, Any]:
    """The hit rate of the reported villages in the modeled data, with and without its province constraints.

    The default divide index (:func:`divide.compute_index`, preset
    ``"default"``) is computed from ``table`` and from the same seed's
    table generated without province constraints (the constraints use the
    register's province counts, so the unconstrained model is the fairer
    test); for the worst tier and the worst two tiers, :func:`hit_rate`
    against the chance levels ``communes``, ``population``, ``villages`` and
    ``within_province``.

    Parameters
    ----------
    table
        The national modeled indicator table (3,321 communes).
    communes
        The national commune table (``population``, ``province_code``).
    seed
        The table's seed (for the unconstrained twin).
    register
        The register; default :func:`divide.reported_villages`.
    generate
        The generator (default :func:`divide.modeled.generator.generate`).

    Returns
    -------
    dict
        JSON-ready: ``method``, ``register`` (counts) and ``results`` (one
        entry per model and tier set, from :meth:`HitRate.to_dict`, with
        ``model``). This is what ``write_modeled(checks=modeled_check)``
        records in the metadata.
    """
    from divide.analysis.index import compute_index
    from divide.indicators.observed import reported_villages
    from divide.modeled.generator import generate as default_generate
    from divide.modeled.generator import modeled_attrs

    register = reported_villages() if register is None else register
    generate = default_generate if generate is None else generate
    unconstrained, _, _ = generate(communes, seed, {})
    results = []
    for name, tab in (("with the province constraints (shipped)", table),
                      ("without province constraints (same seed)", unconstrained)):
        tab = tab.copy()
        tab.attrs = modeled_attrs(seed)
        scores = compute_index(tab, "default", communes=communes).scores
        weights = pd.DataFrame({"population": communes["population"], "villages": tab["villages_total"]})
        for tiers in CHECK_TIERS:
            r = hit_rate(scores, register, tiers, weights=weights, provinces=communes["province_code"])
            results.append({"model": name, **r.to_dict()})
    villages = unserved_villages(register)
    statuses = register["status"].value_counts()
    names = (register.dropna(subset=["commune_code"]).drop_duplicates("commune_code")
             .set_index("commune_code")["province_name_2025"]) if "province_name_2025" in register.columns else None
    by_province = (villages["commune_code"].dropna().map(names).value_counts() if names is not None
                   else pd.Series(dtype="int64"))
    by_province = sorted(((str(k), int(v)) for k, v in by_province.items()), key=lambda kv: (-kv[1], kv[0]))
    return {
        "method": "Villages of data/observed/reported_villages.csv whose latest report says no signal, weak signal "
        "or no electricity (not covered since), matched to a 2025 commune; a hit is a village whose commune is in "
        "the worst tier(s) of the default divide index of the modeled data (divide_tier 1 = the fifth of "
        "communes with the widest divide). Chance: the share of communes (or of population, or of villages) in "
        "those tiers nationally, and within each village's province; one-sided binomial p-values "
        "(scipy.stats.binomtest; Poisson-binomial within provinces). Villages of one commune are not "
        "independent: the commune-level figures count each commune once.",
        "register": {
            "reports": int(len(register)),
            "reports_by_status": {str(k): int(v) for k, v in sorted(statuses.items())},
            "unserved_villages": int(len(villages)),
            "unserved_villages_matched": int(villages["commune_code"].notna().sum()),
            "unserved_villages_matched_by_province": [[k, v] for k, v in by_province],
        },
        "tiers": [list(t) for t in CHECK_TIERS],
        "results": results,
    }
