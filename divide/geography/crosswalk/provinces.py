"""Pre-2025 provincial tables on the 34 provinces of 2025, weighted by the population that moved.

The weight of an old province in a new one comes from the commune crosswalk
(:func:`province_weights_2025`); :func:`provinces_to_2025` moves any table of
the 63 old provinces with the same allocation core as the commune conversion
(:mod:`divide.geography.crosswalk.allocate`). The DTI 2022 ranking is the
worked example (:func:`dti_2022_provinces_2025`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.crosswalk import allocate
from divide.geography.crosswalk import register as tables
from divide.geography.crosswalk.overlay import split_shares
from divide.geography.crosswalk.register import PROVINCE_ALIASES, load_communes_pre2025, load_crosswalk
from divide.geography.names import closest, nfc, pad_code, province_key

__all__ = [
    "DTI_2022_CSV",
    "DTI_2022_2025_CSV",
    "province_weights_2025",
    "provinces_to_2025",
    "dti_2022_provinces_2025",
    "write_dti_2022_provinces_2025",
]

DTI_2022_CSV = settings.DTI_2022_CSV
DTI_2022_2025_CSV = settings.DTI_2022_2025_CSV


def province_weights_2025(
    crosswalk: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
    communes_2025: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Population that moved from each pre-2025 province to each 2025 province.

    Each 2025 commune's population (WorldPop 2020, ``population`` of the 2025
    layer) is attributed to its predecessor communes in proportion to the share
    of each that it received (:func:`split_shares`, the same shares that
    :func:`crosswalk_to_2025` uses), then summed by old province (from the
    register) and new province. The five island special zones with no
    predecessor commune are left out.

    Parameters
    ----------
    crosswalk, register, communes_2025
        The pairs, the pre-2025 register and the 2025 communes (index
        ``commune_code``, columns ``province_code``, ``province_name``,
        ``population``); the shipped ones if omitted.

    Returns
    -------
    pandas.DataFrame
        One row per (``old_province_code``, ``province_code``) with
        ``old_province_name``, ``province_name``, ``population`` (moved),
        ``weight`` (its share of the new province, summing to 1 per new
        province) and ``old_share`` (share of the old province that went
        there, summing to 1 per old province).

    Examples
    --------
    >>> w = province_weights_2025()
    >>> w["old_province_code"].nunique(), w["province_code"].nunique()
    (63, 34)
    >>> w.groupby("province_code")["weight"].sum().round(12).eq(1).all()
    np.True_
    """
    cw = load_crosswalk() if crosswalk is None else crosswalk
    reg = load_communes_pre2025() if register is None else register
    new = tables.communes_2025() if communes_2025 is None else communes_2025
    pop = pd.to_numeric(new["population"], errors="coerce").fillna(0.0).clip(lower=0).astype("float64")
    shares = split_shares(cw, None, "population", True, pop)
    pairs = shares.loc[shares["new_code"].isin(new.index), ["old_code", "new_code", "share"]].copy()
    # A new commune's population goes to its predecessors in proportion to what it received from each.
    tot = pairs.groupby("new_code")["share"].transform("sum")
    size = pairs.groupby("new_code")["share"].transform("size")
    pairs["part"] = np.where(tot > 0, pairs["share"] / tot.where(tot > 0, 1.0), 1.0 / size)
    pairs["population"] = pairs["part"] * pairs["new_code"].map(pop)
    pairs["old_province_code"] = pairs["old_code"].map(reg["province_code"])
    pairs["province_code"] = pairs["new_code"].map(new["province_code"]).astype(str)
    pairs = pairs.dropna(subset=["old_province_code"])
    w = pairs.groupby(["old_province_code", "province_code"], as_index=False)["population"].sum()
    w = w[w["population"] > 0].reset_index(drop=True)
    w["weight"] = w["population"] / w.groupby("province_code")["population"].transform("sum")
    w["old_share"] = w["population"] / w.groupby("old_province_code")["population"].transform("sum")
    old_names = reg.drop_duplicates("province_code").set_index("province_code")["province_name"]
    new_names = new.drop_duplicates("province_code").set_index("province_code")["province_name"]
    w["old_province_name"] = w["old_province_code"].map(old_names)
    w["province_name"] = w["province_code"].map(new_names)
    cols = ["old_province_code", "old_province_name", "province_code", "province_name", "population", "weight", "old_share"]
    return w[cols].sort_values(["province_code", "old_province_code"], kind="stable").reset_index(drop=True)


@lru_cache(maxsize=1)
def _province_keys() -> tuple[dict[str, str], dict[str, str]]:
    """(match key -> old province code, old code -> display name) from the register, the crosswalk and aliases."""
    reg = load_communes_pre2025()
    cw = load_crosswalk()
    names = dict(zip(reg["province_code"], reg["province_name"]))
    keys: dict[str, str] = {}
    spellings = [*names.items(), *zip(cw["old_province_code"], cw["old_province_name"]), *PROVINCE_ALIASES.items()]
    for code, name in spellings:
        if code in names:
            keys.setdefault(province_key(name), code)
    return keys, names


def _match_province(value: Any, keys: dict[str, str], names: dict[str, str]) -> tuple[str | None, str]:
    """Return (old province code or None, note) for a cell holding an old province code or name."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
        return None, "no province"
    numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    text = nfc(str(value)).strip()
    if numeric or re.fullmatch(r"\d+(\.0+)?", text):
        try:
            code = pad_code(text, 2)
        except ValueError as exc:
            return None, f"not a province code: {exc}"
        if code not in names:
            return None, f"unknown province code {code!r}: not one of the 63 pre-2025 provinces"
        return code, "" if code == text and not numeric else f"code {value!r} read as {code!r}"
    code = keys.get(province_key(text))
    if code is None:
        hints = closest(text, sorted(set(names.values())))
        return None, f"no pre-2025 province named {text!r}" + (
            "; did you mean " + " or ".join(repr(h) for h in hints) + "?" if hints else "")
    return code, ""


def provinces_to_2025(
    table: pd.DataFrame,
    province_column: str = "province_name",
    extensive: str | Sequence[str] = (),
    intensive: str | Sequence[str] = (),
    weights: str | None = None,
    *,
    province_weights: pd.DataFrame | None = None,
    source: str | Path | None = None,
    row_numbers: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, allocate.CrosswalkReport]:
    """Bring a table of the 63 pre-2025 provinces onto the 34 provinces of 2025.

    The weight of old province P in new province N is the population that
    moved from P to N (:func:`province_weights_2025`, built from the commune
    crosswalk). Extensive columns are split by the share of P that went to N
    and summed; intensive columns become weighted means over the predecessors
    that have a value.

    Parameters
    ----------
    table
        One row per old province.
    province_column
        Column with the old province name ("TP. Đà Nẵng", "Thừa Thiên - Huế",
        "Ha Noi", "BRVT": compared with :func:`divide.geography.names.province_key`,
        which knows the usual shortenings) or its 2-digit
        code (numbers are zero-padded and reported as repaired).
    extensive, intensive
        Count columns and rate/score/rank columns.
    weights
        Column with a weight per old province (for example its own population)
        for the intensive columns, times the share of it that went to N.
        Default: the population that moved.
    province_weights
        The result of :func:`province_weights_2025` (computed if omitted).
    source
        File the table came from, named in messages.
    row_numbers
        The spreadsheet row of each row of ``table`` in its file, for the
        report (as in :func:`~divide.geography.crosswalk.crosswalk_to_2025`);
        default the position from 0.

    Returns
    -------
    (pandas.DataFrame, CrosswalkReport)
        The 34 new provinces, indexed by the 2-digit ``province_code``, with
        ``province_name``, the mapped columns, ``n_predecessors``,
        ``n_sources`` (predecessors present in the input), ``coverage``
        (population share of the predecessors present) and ``predecessors``
        ("code name weight; ..."; weights sum to 1); and the reconciliation of
        every input row (``old_code`` holds the old province code).

    Examples
    --------
    >>> t = pd.DataFrame({"tinh": ["TP. Đà Nẵng", "Quảng Nam", "Thua Thien Hue", 44, "Atlantis"],
    ...                   "x": [1.0, 3.0, 5.0, 7.0, 9.0]})
    >>> out, rep = provinces_to_2025(t, "tinh", intensive="x")
    >>> rep.counts["mapped"], rep.counts["repaired"], rep.counts["rejected"]
    (3, 1, 1)
    >>> out.loc["46", "province_name"], float(out.loc["46", "x"]), out.loc["46", "predecessors"]
    ('Huế', 5.0, '46 Thành phố Huế 1.0000')
    >>> bool(1.0 < out.loc["48", "x"] < 3.0)
    True
    """
    extensive, intensive = allocate.check_request(table, extensive, intensive, source)
    allocate.check_columns(table, [province_column, *extensive, *intensive, weights], source)

    keys, names = _province_keys()
    w = province_weights_2025() if province_weights is None else province_weights
    n_new_of = w.groupby("old_province_code")["province_code"].nunique()

    ledger = allocate.Ledger(table.index, row_numbers)
    rows = pd.DataFrame(index=table.index)
    rows["row"] = ledger.rows
    rows["input"] = [str(v) for v in table[province_column]]
    codes: list[str | None] = []
    for i, v in enumerate(table[province_column]):
        code, note = _match_province(v, keys, names)
        codes.append(code)
        if code is None:
            ledger.reject(i, note)
        elif note:
            ledger.repair(i, note)
    rows["old_code"] = pd.Series(codes, index=table.index, dtype=object)
    values = allocate.read_values(table, extensive, intensive, weights, ledger, source=source, negative="value")
    allocate.reject_duplicates(rows["old_code"], values, ledger, "province")
    rows["status"] = ledger.status
    rows["reason"] = ledger.reason_text()
    ok = rows["status"] != "rejected"
    rows["n_new"] = rows["old_code"].map(n_new_of).fillna(0).astype("int64").where(ok, 0)
    rows["split_method"] = np.where(~ok, "", np.where(rows["n_new"] > 1, "population_moved", "whole"))

    acc = values.loc[ok].copy()
    acc["old_province_code"] = rows.loc[ok, "old_code"]
    pairs = acc.merge(w[["old_province_code", "province_code", "population", "old_share"]], on="old_province_code")
    if weights:
        pairs["_w"] = pairs[weights] * pairs["old_share"]
        basis = f"column {weights!r} × share of the old province that moved"
    else:
        pairs["_w"] = pairs["population"]
        basis = "population that moved from the old province (WorldPop 2020 of the 2025 communes, split by the commune crosswalk)"

    provinces = w.drop_duplicates("province_code").set_index("province_code")["province_name"].sort_index()
    out = pd.DataFrame({"province_name": provinces})
    out.index.name = "province_code"
    for col, moved in allocate.spread(pairs, "province_code", extensive, intensive, "old_share", "_w").items():
        out[col] = moved
    g = w.groupby("province_code")
    out["n_predecessors"] = g["old_province_code"].nunique()
    present = w["old_province_code"].isin(set(acc["old_province_code"]))
    out["n_sources"] = w[present].groupby("province_code")["old_province_code"].nunique().reindex(out.index).fillna(0).astype("int64")
    out["coverage"] = w["weight"].where(present, 0.0).groupby(w["province_code"]).sum()
    out["predecessors"] = g.apply(
        lambda d: "; ".join(f"{c} {n} {x:.4f}" for c, n, x in zip(d["old_province_code"], d["old_province_name"], d["weight"])),
        include_groups=False,
    )

    report = allocate.CrosswalkReport(
        rows=rows[["row", "input", "old_code", "status", "reason", "n_new", "split_method"]],
        totals=allocate.conservation(values, ok, out, extensive),
        weights_basis=basis,
        parameters={"province_column": province_column, "extensive": extensive, "intensive": intensive,
                    "weights": weights, "source": None if source is None else str(source)},
    )
    return out, report


def dti_2022_provinces_2025(
    path: str | Path = DTI_2022_CSV,
    *,
    province_weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The DTI 2022 ranking of the 63 old provinces on the 34 provinces of 2025.

    ``dti_rank`` is the population-weighted mean rank of the predecessor
    provinces (see :func:`provinces_to_2025`; ranks run 1–63, lower is
    better, and the mean of two ranks is not itself a rank). ``pdti_score`` is
    the weighted mean of the published provincial score over the predecessors
    that have one: the source gives it for 6 provinces only (Đà Nẵng, Hồ Chí
    Minh City, Quảng Ninh, Thừa Thiên Huế, Cần Thơ, Trà Vinh), so
    ``pdti_score_coverage`` gives the population share of the predecessors it
    stands for (1 = the whole new province).

    Parameters
    ----------
    path
        The table of ranks (``province_name``, ``dti_rank``, ``pdti_score``).
    province_weights
        :func:`province_weights_2025` (computed if omitted).

    Returns
    -------
    pandas.DataFrame
        34 rows indexed by ``province_code``: ``province_name``, ``dti_rank``
        (3 decimals), ``pdti_score`` (4 decimals), ``pdti_score_coverage``,
        ``n_predecessors``, ``predecessors``.

    Raises
    ------
    InputError
        If a province of the table is not recognised.

    Examples
    --------
    >>> d = dti_2022_provinces_2025()
    >>> len(d), float(d.loc["22", "dti_rank"]), float(d.loc["46", "pdti_score"])
    (34, 3.0, 0.6975)
    """
    path = Path(path)
    if not path.exists():
        raise DataNotFoundError("the DTI 2022 table is missing", path=path, fix="restore data/indicators/")
    table = pd.read_csv(path, dtype={"province_name": str}, encoding="utf-8")
    w = province_weights_2025() if province_weights is None else province_weights
    out, rep = provinces_to_2025(table, "province_name", intensive=["dti_rank", "pdti_score"],
                                 province_weights=w, source=path)
    if rep.exit_code or rep.rows["old_code"].nunique() != 63:
        raise InputError("the DTI table does not name each of the 63 pre-2025 provinces once: " + rep.summary(),
                         path=path, fix="correct the names reported, or extend PROVINCE_ALIASES in divide/geography/crosswalk/register.py")
    scored = set(rep.rows.loc[table["pdti_score"].notna().to_numpy(), "old_code"])
    coverage = w["weight"].where(w["old_province_code"].isin(scored), 0.0).groupby(w["province_code"]).sum()
    res = out[["province_name"]].copy()
    res["dti_rank"] = out["dti_rank"].round(3)
    res["pdti_score"] = out["pdti_score"].round(4)
    res["pdti_score_coverage"] = coverage.reindex(out.index).fillna(0.0).round(4)
    res["n_predecessors"] = out["n_predecessors"]
    res["predecessors"] = out["predecessors"]
    return res


def write_dti_2022_provinces_2025(
    out_path: str | Path = DTI_2022_2025_CSV,
    *,
    province_weights: pd.DataFrame | None = None,
) -> Path:
    r"""Write :func:`dti_2022_provinces_2025` as a CSV (34 rows, UTF-8, ``\n`` line ends); return the path."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    dti_2022_provinces_2025(province_weights=province_weights).to_csv(out_path, encoding="utf-8", lineterminator="\n")
    return out_path
