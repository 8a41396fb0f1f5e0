"""The composite-indicator engine: :func:`compute_index`, :class:`IndexResult`, :func:`recompute`.

Steps (after the OECD/JRC Handbook and COINr), each set by the
:class:`~divide.analysis.index.spec.IndexSpec`:

1. read the indicator columns (shares of ``villages_total`` derived where the
   spec gives a denominator);
2. missing values: skip and re-weight, or impute with the province median
   (``values_filled`` counts the imputed values per commune);
3. outliers: winsorise data-driven indicators with ``|skew| > 2`` and
   ``kurtosis > 3.5`` (reported in ``IndexResult.outliers``);
4. normalise each indicator, turned so that higher = wider divide;
5. weight and aggregate indicators into pillars, pillars into the index
   (rescaled to 0–100 when the spec says so);
6. rank: ``rank_national`` (1 = widest divide; ties share the smallest rank),
   ``rank_province`` and ``divide_tier``.

Tier rule: ``divide_tier = ceil(5 * rank_national / N)``, with ``N`` the
number of ranked communes, so tier 1 holds the fifth of communes with the
widest divide (ranks 1 … N/5), tier 5 the narrowest; tied communes share the
tier of their (shared, smallest) rank. Tiers are national quintiles of rank,
not of score, so each holds a fifth of the communes.

Units with no data (every indicator missing, such as the Hoàng Sa and
Trường Sa special zones, which have no resident population and 0 villages)
get NaN scores, no rank and no tier; they are never imputed.

Examples
--------
>>> import divide
>>> from divide.analysis.index import compute_index
>>> communes = divide.load_communes("Lai Châu")
>>> result = compute_index(divide.model_indicators(communes), communes=communes)
>>> result.scores.columns.tolist()
['infrastructure_gap', 'usage_gap', 'divide_index', 'rank_national', 'rank_province', 'divide_tier', 'values_filled']
>>> int(result.scores["rank_national"].min()), sorted(result.scores["divide_tier"].unique().tolist())
(1, [1, 2, 3, 4, 5])
>>> result.scores.attrs["modeled"]
True
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.analysis.index import aggregate as aggregation
from divide.analysis.index import normalise as normalisation
from divide.analysis.index import weights as weighting
from divide.analysis.index.presets import PRESETS, preset
from divide.analysis.index.spec import DATA_DRIVEN, IndexSpec
from divide.provenance import carry, jsonable

__all__ = ["IndexResult", "compute_index", "recompute", "resolve_spec", "TIER_RULE", "SCORE_COLUMNS"]

#: How ``divide_tier`` is assigned (also written in the log).
TIER_RULE = ("divide_tier = ceil(5 * rank_national / N), N = ranked communes: tier 1 = the fifth with the widest "
             "divide; units with no data get no rank and no tier")

#: The columns of ``IndexResult.scores`` besides the pillars.
SCORE_COLUMNS = ["divide_index", "rank_national", "rank_province", "divide_tier", "values_filled"]

_LOG_KIND = "divide.analysis.index.compute_index"
_LOG_VERSION = 1


@dataclass
class IndexResult:
    """The divide index of each commune and everything that made it.

    Attributes
    ----------
    scores
        On the table's index: one column per pillar (0–100), ``divide_index``
        (0–100, higher = wider divide), ``rank_national`` (Int64, 1 = widest
        divide), ``rank_province`` (Int64), ``divide_tier`` (Int64 1–5) and
        ``values_filled`` (int, values imputed per commune).
    normalised
        The normalised indicator scores (higher = wider divide), one column per
        indicator of the spec.
    values
        The indicator values that were normalised (derived shares, after
        imputation and outlier treatment).
    filled
        Boolean mask of the imputed values.
    weights
        ``{"indicators": {pillar: {indicator: w}}, "pillars": {pillar: w}}``,
        each level summing to 1.
    outliers
        One row per indicator: skewness, kurtosis, status (``ok``,
        ``winsorised``, ``unresolved``, ``not_applied``), points treated.
    spec
        The :class:`~divide.analysis.index.spec.IndexSpec` used.
    log
        JSON-serialisable record: spec, parameters, package versions, input
        checksum; :func:`recompute` rebuilds the result from it.
    attrs
        ``{"modeled": bool, "label": ...}``, propagated from the table.
    """

    scores: pd.DataFrame
    normalised: pd.DataFrame
    values: pd.DataFrame
    filled: pd.DataFrame
    weights: dict[str, Any]
    outliers: pd.DataFrame
    spec: IndexSpec
    log: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def modeled(self) -> bool:
        """True when the input table was modeled data."""
        return bool(self.attrs.get("modeled", False))

    def summary(self) -> str:
        """A short text summary (spec, communes scored, label)."""
        s = self.scores
        scored = int(s["divide_index"].notna().sum())
        text = (f"divide index ({self.spec.name}): {scored} of {len(s)} communes scored, "
                f"median {s['divide_index'].median():.1f}, {int(s['values_filled'].sum())} values imputed")
        if self.modeled:
            from divide.provenance import LABEL

            text += f" — {LABEL}"
        return text


# --------------------------------------------------------------------------- spec and table


def resolve_spec(spec: IndexSpec | str | Path | dict[str, Any] | None) -> IndexSpec:
    """Turn ``None``, a preset name, a YAML path, a dict or an IndexSpec into a fresh IndexSpec.

    Examples
    --------
    >>> resolve_spec(None).name, resolve_spec("purdue_ddi").name
    ('default', 'purdue_ddi')
    """
    if spec is None:
        return preset("default")
    if isinstance(spec, IndexSpec):
        return IndexSpec.from_dict(spec.to_dict())
    if isinstance(spec, dict):
        return IndexSpec.from_dict(spec)
    if isinstance(spec, Path):
        return IndexSpec.from_yaml(spec)
    if isinstance(spec, str):
        key = spec.strip().lower().replace("-", "_")
        if key in PRESETS or key in ("purdue", "ddi", "project"):
            return preset(key)
        if "\n" in spec or key.endswith((".yaml", ".yml", ".json")) or Path(spec).exists():
            return IndexSpec.from_yaml(spec)
        raise InputError(f"unknown index spec {spec!r}", where="spec",
                         fix=f"give a preset ({', '.join(PRESETS)}), a YAML file, a dict or an IndexSpec")
    raise InputError(f"an index spec cannot be a {type(spec).__name__}", where="spec",
                     fix="give a preset name, a YAML file, a dict or an IndexSpec")


def check_table(table: Any, spec: IndexSpec) -> pd.DataFrame:
    """The indicator table, indexed by ``commune_code``, checked against the columns ``spec`` reads.

    Parameters
    ----------
    table
        Indicator table (indexed by ``commune_code``, or with that column).
    spec
        The index specification.

    Returns
    -------
    pandas.DataFrame
        The table indexed by ``commune_code``.

    Raises
    ------
    divide.InputError
        Not a DataFrame, no rows, duplicate codes, a missing column or a value that is not a number.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"commune_code": ["00001"], "fiber_households_pct": [50.0]})
    >>> check_table(t, preset("default"))
    Traceback (most recent call last):
    ...
    divide._errors.InputError: columns: the table has no column 'fiber_villages_pct', ...
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"the indicator table must be a DataFrame, not {type(table).__name__}",
                         fix="read it with divide.read_indicators(path)")
    if table.index.name != "commune_code" and "commune_code" in table.columns:
        table = table.set_index("commune_code")
    if len(table) == 0:
        raise InputError("the indicator table has no rows", fix="pass a table with at least one commune")
    if table.index.has_duplicates:
        dupes = table.index[table.index.duplicated()].unique()[:5].tolist()
        raise InputError(f"commune codes appear more than once: {dupes}", where="index commune_code",
                         fix="keep one row per commune (divide.validate reports duplicates)")
    missing = [c for c in spec.columns if c not in table.columns]
    if missing:
        raise InputError(
            f"the table has no column {', '.join(map(repr, missing))} needed by the index spec {spec.name!r}",
            where="columns",
            fix="add the column(s), map your headers with read_indicators(columns=...), or remove the "
            "indicator(s) from the spec",
        )
    for c in spec.columns:
        col = table[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            continue
        num = pd.to_numeric(col, errors="coerce")
        bad = num.isna() & col.notna()
        if bad.any():
            first = bad.idxmax()
            raise InputError(f"column {c!r} has a value that is not a number: {col.loc[first]!r}",
                             where=f"row {first}, column {c!r}", fix="correct the value or leave the cell empty")
    return table


def province_codes(index: pd.Index, table: pd.DataFrame, communes: pd.DataFrame | None) -> pd.Series:
    """The province code of each commune of ``index``: from ``communes``, the table, or the 2025 reference list.

    Parameters
    ----------
    index
        Commune codes.
    table
        The indicator table (its ``province_code`` column is used when ``communes`` is None).
    communes
        Commune table with ``province_code``, or None.

    Returns
    -------
    pandas.Series
        Province codes on ``index`` (missing where unknown).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"province_code": ["12"]}, index=["03388"])
    >>> province_codes(t.index, t, None).tolist()
    ['12']
    """
    if communes is not None:
        if "province_code" not in communes.columns:
            raise InputError("the communes table has no province_code column", where="communes",
                             fix="pass divide.load_communes() (or a table with province_code)")
        return communes["province_code"].reindex(index)
    if "province_code" in table.columns:
        return table["province_code"]
    from divide.indicators.readers import reference_communes

    return reference_communes()["province_code"].reindex(index)


def _raw_values(table: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    out = {}
    for ind in spec.indicators:
        x = pd.to_numeric(table[ind.column], errors="coerce").astype(float)
        if ind.denominator:
            d = pd.to_numeric(table[ind.denominator], errors="coerce").astype(float)
            with np.errstate(all="ignore"):
                x = 100.0 * x / d.where(d > 0)
        out[ind.name] = x.to_numpy()
    return pd.DataFrame(out, index=table.index)


def checksum(table: pd.DataFrame, columns: list[str]) -> str:
    """SHA-256 of the index and of the given columns (as float64), the input fingerprint of the log.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"a": [1, 2]}, index=pd.Index(["00004", "00008"], name="commune_code"))
    >>> checksum(t, ["a"]) == checksum(t.astype(float), ["a"])
    True
    """
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, table.index)).encode("utf-8"))
    for c in columns:
        h.update(b"\x1e" + str(c).encode("utf-8") + b"\x1d")
        h.update(np.ascontiguousarray(pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float)).tobytes())
    return h.hexdigest()


def _codes_checksum(codes: pd.Series) -> str:
    return hashlib.sha256("\x1f".join(map(str, codes.fillna("").tolist())).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- steps


@dataclass
class Prepared:
    """The indicator values of :func:`prepare`.

    Attributes
    ----------
    values
        Indicator values (derived shares), after imputation, before outlier treatment.
    filled
        Boolean mask of the imputed values.
    nodata
        Communes with no value at all (never imputed, never scored).
    provinces
        Province code of each commune.
    """

    values: pd.DataFrame
    filled: pd.DataFrame
    nodata: np.ndarray
    provinces: pd.Series


def prepare(table: pd.DataFrame, spec: IndexSpec, provinces: pd.Series) -> Prepared:
    """Steps 1–2 of the engine: read the indicator values (shares derived) and treat missing values.

    Parameters
    ----------
    table
        Indicator table checked by :func:`check_table`.
    spec
        The index specification (its ``missing`` rule).
    provinces
        Province codes (:func:`province_codes`), for province-median imputation.

    Returns
    -------
    Prepared

    Raises
    ------
    divide.InputError
        An indicator has no value in any commune.

    Examples
    --------
    >>> import divide
    >>> communes = divide.load_communes("Lai Châu")
    >>> table = divide.model_indicators(communes)
    >>> prep = prepare(table, preset("default"), communes["province_code"])
    >>> prep.values.shape, int(prep.filled.sum().sum())
    ((38, 8), 0)
    """
    raw = _raw_values(table, spec)
    nodata = raw.isna().all(axis=1).to_numpy()
    for name in raw.columns:
        if raw[name].isna().all():
            col = next(i for i in spec.indicators if i.name == name)
            raise InputError(
                f"indicator {name!r} has no value in any commune",
                where=f"column {col.column!r}" + (f" / {col.denominator!r}" if col.denominator else ""),
                fix="fill the column, or remove the indicator from the spec",
            )
    filled = pd.DataFrame(False, index=raw.index, columns=raw.columns)
    values = raw.copy()
    if spec.missing == "impute_province_median":
        has = ~nodata
        groups = provinces.fillna("__none__").to_numpy()
        for name in raw.columns:
            x = raw[name]
            need = x.isna().to_numpy() & has
            if not need.any():
                continue
            med = x.groupby(groups).transform("median").to_numpy()
            med = np.where(np.isnan(med), float(np.nanmedian(x.to_numpy())), med)
            values.loc[need, name] = med[need]
            filled.loc[need, name] = True
    return Prepared(values=values, filled=filled, nodata=nodata, provinces=provinces)


def treat_outliers(values: pd.DataFrame, spec: IndexSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 3 of the engine: winsorise the data-driven indicators the spec's outlier rule flags.

    Parameters
    ----------
    values
        Indicator values (:attr:`Prepared.values`).
    spec
        The index specification (its ``outliers`` rule and normalisation).

    Returns
    -------
    tuple of pandas.DataFrame
        The treated values, and one row per indicator: skewness, kurtosis,
        status, points treated, limit.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({i.name: [1.0, 2.0, 3.0] for i in preset("default").indicators})
    >>> treated, report = treat_outliers(values, preset("default"))
    >>> treated.equals(values), set(report["status"])
    (True, {'not_applied'})
    """
    rule = spec.outliers
    rows = []
    out = values.copy()
    for ind in spec.indicators:
        x = values[ind.name].to_numpy()
        applies = rule.method == "winsorise" and ind.winsorise and spec.method_of(ind) in DATA_DRIVEN
        if applies:
            new, rep = normalisation.winsorise(x, skew=rule.skew, kurtosis=rule.kurtosis, max_share=rule.max_share)
            out[ind.name] = new
        else:
            s, k = normalisation.skew_kurtosis(x)
            rep = {"skew": round(s, 6), "kurtosis": round(k, 6), "status": "not_applied", "points": 0,
                   "side": None, "skew_after": round(s, 6), "kurtosis_after": round(k, 6)}
        rows.append({"indicator": ind.name, **rep})
    report = pd.DataFrame(rows).set_index("indicator")
    if "limit" not in report:
        report["limit"] = np.nan
    return out, report


def _normalise(values: pd.DataFrame, spec: IndexSpec, method: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Normalise every indicator (``method`` overrides the spec for all); return scores and parameters."""
    cols, params = {}, {}
    for ind in spec.indicators:
        m = method or spec.method_of(ind)
        x = values[ind.name].to_numpy()
        cols[ind.name] = normalisation.normalise(x, m, direction=ind.direction, bounds=ind.bounds, target=ind.target,
                                         name=ind.name)
        p: dict[str, Any] = {"method": m, "direction": ind.direction}
        if m == "goalposts":
            p["bounds"] = list(ind.bounds)
        elif m == "distance_to_target":
            p["target"] = ind.target if ind.target is not None else (ind.bounds[1] if ind.direction < 0
                                                                      else ind.bounds[0])
        if m in ("minmax", "zscore", "distance_to_target"):
            p.update(min=float(np.nanmin(x)), max=float(np.nanmax(x)), mean=float(np.nanmean(x)),
                     sd=float(np.nanstd(x, ddof=1)))
        params[ind.name] = p
    return pd.DataFrame(cols, index=values.index), params


def _weights(normalised: pd.DataFrame, spec: IndexSpec) -> dict[str, Any]:
    ind_w: dict[str, dict[str, float]] = {}
    for p in spec.pillars:
        names = [i.name for i in p.indicators]
        if spec.weighting == "equal":
            w = weighting.equal_weights(len(names))
        elif spec.weighting == "user":
            w = weighting.user_weights([i.weight for i in p.indicators], where=f"pillar {p.name!r}: weights")
        else:
            w = weighting.pca_weights(normalised[names].to_numpy(), where=f"pillar {p.name!r}: pca weights")
        ind_w[p.name] = {n: float(v) for n, v in zip(names, w)}
    pw = weighting.user_weights([p.weight for p in spec.pillars], where="pillar weights")
    return {"indicators": ind_w, "pillars": {p.name: float(v) for p, v in zip(spec.pillars, pw)}}


def _rescale(x: np.ndarray, name: str) -> np.ndarray:
    lo, hi = np.nanmin(x), np.nanmax(x)
    if not hi > lo:
        raise InputError(f"{name} is the same in every commune: it cannot be rescaled to 0–100", where=name,
                         fix="use more communes, or a spec with rescale: false")
    return (x - lo) / (hi - lo) * 100.0


def _aggregate(normalised: pd.DataFrame, weights: dict[str, Any], spec: IndexSpec,
               nodata: np.ndarray) -> pd.DataFrame:
    pillars = {}
    for p in spec.pillars:
        names = [i.name for i in p.indicators]
        w = [weights["indicators"][p.name][n] for n in names]
        s = aggregation.aggregate(normalised[names].to_numpy(), w, spec.pillar_aggregation, offset=spec.zero_offset)
        s[nodata] = np.nan
        if spec.rescale:
            s = _rescale(s, f"pillar {p.name!r}")
        pillars[p.name] = s
    pm = np.column_stack([pillars[p.name] for p in spec.pillars])
    pw = [weights["pillars"][p.name] for p in spec.pillars]
    # A commune needs a score on every pillar (a missing pillar is not re-weighted away).
    incomplete = np.isnan(pm).any(axis=1)
    idx = aggregation.aggregate(pm, pw, spec.index_aggregation, offset=spec.zero_offset)
    idx[incomplete | nodata] = np.nan
    if spec.rescale:
        idx = _rescale(idx, "divide_index")
    out = pd.DataFrame(pillars, index=normalised.index)
    out["divide_index"] = idx
    return out


def _ranks(scores: pd.DataFrame, provinces: pd.Series) -> pd.DataFrame:
    idx = scores["divide_index"]
    scores["rank_national"] = idx.rank(ascending=False, method="min").astype("Int64")
    scores["rank_province"] = (
        idx.groupby(provinces.fillna("__none__").to_numpy()).rank(ascending=False, method="min").astype("Int64")
    )
    n = int(idx.notna().sum())
    tier = np.ceil(5.0 * scores["rank_national"].astype("Float64") / max(n, 1))
    scores["divide_tier"] = tier.astype("Int64")
    return scores


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("divide", "numpy", "pandas", "scipy", "scikit-learn", "pyyaml"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover
            out[pkg] = "unknown"
    return out


# --------------------------------------------------------------------------- public


def compute_index(
    table: pd.DataFrame,
    spec: IndexSpec | str | Path | dict[str, Any] | None = None,
    *,
    communes: pd.DataFrame | None = None,
) -> IndexResult:
    """Compute the divide index (pillars, index, ranks, tiers) of each commune.

    Parameters
    ----------
    table
        Indicator table indexed by ``commune_code`` with the columns the spec
        reads (the schema names: ``fiber_households_pct`` …
        ``villages_total``, ``villages_no_signal``, ``villages_no_power`` …).
    spec
        An :class:`~divide.analysis.index.spec.IndexSpec`, a preset name
        (``"default"``, ``"purdue_ddi"``), a dict or a YAML path; default
        ``"default"``.
    communes
        Optional commune table (index ``commune_code``) with
        ``province_code``, for provincial ranks and province-median
        imputation; default: the table's own ``province_code`` column, else
        the 2025 reference communes.

    Returns
    -------
    IndexResult
        ``.scores`` on the table's index (see :class:`IndexResult`),
        ``.normalised``, ``.log`` (for :func:`recompute`) and more.

    Raises
    ------
    divide.InputError
        A column is missing or not numeric, an indicator has no value at all,
        a data-driven normalisation meets a constant indicator, or weights do
        not sum to a positive number.

    Examples
    --------
    >>> import divide
    >>> from divide.analysis.index import compute_index
    >>> communes = divide.load_communes("Lai Châu")
    >>> r = compute_index(divide.model_indicators(communes), "purdue_ddi", communes=communes)
    >>> float(r.scores["divide_index"].min()), float(r.scores["divide_index"].max())
    (0.0, 100.0)
    """
    spec = resolve_spec(spec)
    table = check_table(table, spec)
    provinces = province_codes(table.index, table, communes)
    prep = prepare(table, spec, provinces)
    values, outliers = treat_outliers(prep.values, spec)
    normalised, norm_params = _normalise(values, spec)
    weights = _weights(normalised, spec)
    scores = _aggregate(normalised, weights, spec, prep.nodata)
    scores = _ranks(scores, provinces)
    scores["values_filled"] = prep.filled.sum(axis=1).astype(int)
    for frame in (scores, normalised):
        frame.attrs = {}
        carry(table, frame).attrs["index_spec"] = spec.name
    modeled = bool(scores.attrs["modeled"])
    attrs: dict[str, Any] = dict(scores.attrs)
    log = {
        "kind": _LOG_KIND,
        "log_version": _LOG_VERSION,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "spec": spec.to_dict(),
        "parameters": {
            "normalisation": norm_params,
            "weights": weights,
            "outliers": outliers.reset_index().to_dict(orient="records"),
            "tier_rule": TIER_RULE,
            "communes": len(scores),
            "communes_scored": int(scores["divide_index"].notna().sum()),
            "values_filled": int(scores["values_filled"].sum()),
            "no_data": [str(c) for c in scores.index[prep.nodata]],
        },
        "input": {
            "columns": spec.columns,
            "rows": len(table),
            "sha256": checksum(table, spec.columns),
            "province_codes_sha256": _codes_checksum(provinces),
            "modeled": modeled,
        },
        "versions": _versions(),
    }
    return IndexResult(
        scores=scores,
        normalised=normalised,
        values=values,
        filled=prep.filled,
        weights=weights,
        outliers=outliers,
        spec=spec,
        log=jsonable(log),
        attrs=attrs,
    )


def recompute(
    log: dict[str, Any] | str | Path,
    table: pd.DataFrame,
    *,
    communes: pd.DataFrame | None = None,
    check: bool = True,
) -> IndexResult:
    """Rebuild an :class:`IndexResult` from a saved log (``IndexResult.log``, or a JSON file of it).

    With ``check=True`` the table must be the one the log was made from (same
    SHA-256 of the index and the columns used, same province codes); the
    scores are then identical. The package versions in the log are not
    enforced (numpy/pandas releases could in principle change the last bit).

    Examples
    --------
    >>> import json, divide
    >>> from divide.analysis.index import compute_index, recompute
    >>> communes = divide.load_communes("Lai Châu")
    >>> table = divide.model_indicators(communes)
    >>> first = compute_index(table, "purdue_ddi", communes=communes)
    >>> again = recompute(json.loads(json.dumps(first.log)), table, communes=communes)
    >>> again.scores.equals(first.scores)
    True
    """
    import json

    path = None
    if isinstance(log, (str, Path)):
        path = Path(log)
        if not path.exists():
            raise InputError("index log not found", path=path, fix="give the .log.json written with the scores")
        try:
            log = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputError(f"the index log is not valid JSON: {exc}", path=path, fix="give the original log") from None
    if not isinstance(log, dict):
        raise InputError("the index log must be a dict", path=path, fix="pass IndexResult.log")
    if "spec" not in log and isinstance(log.get("index"), dict):  # a log that wraps the index log
        log = log["index"]
    if "spec" not in log:
        raise InputError("the log has no 'spec'", path=path, where="spec", fix="pass IndexResult.log")
    spec = IndexSpec.from_dict(log["spec"])
    if check:
        expected = (log.get("input") or {}).get("sha256")
        table_checked = check_table(table, spec)
        got = checksum(table_checked, spec.columns)
        if expected and got != expected:
            raise InputError(
                "the table differs from the one the log was made from (input checksum)",
                path=path, where="input.sha256",
                fix="pass the same table (same communes and values), or recompute(..., check=False) to apply "
                "the logged spec to new data",
            )
        expected_codes = (log.get("input") or {}).get("province_codes_sha256")
        codes = province_codes(table_checked.index, table_checked, communes)
        if expected_codes and _codes_checksum(codes) != expected_codes:
            raise InputError(
                "the province codes differ from those the log was made from (provincial ranks and "
                "province-median imputation would change)",
                path=path, where="input.province_codes_sha256",
                fix="pass the same communes= table, or recompute(..., check=False)",
            )
    return compute_index(table, spec, communes=communes)
