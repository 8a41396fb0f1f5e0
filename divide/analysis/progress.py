"""Progress over time: are communes, provinces and the country on track, is the gap closing.

:func:`progress` takes yearly vintages of the commune indicator table (tables or files, 2025 codes or
pre-2025 codes) and returns, per indicator and unit (commune, province, nation), the first and last
value, the annualised change, the rate needed to reach the target by its year, their ratio and a status
(target met / on track / needs acceleration / limited progress / deterioration), following the growth-rate
method of Statistics Canada as integrated into Open SDG (:mod:`divide.analysis.progress_status`;
``docs/methods_progress.md``). It also returns the urban–rural gap of each year with its Theil
between/within split, and the change of the gap split into within-urban, within-rural and
population-shift parts, which add up exactly.

Targets come from the target rows of the facts registry (:data:`TARGET_FACTS`, each with its citation)
or from the user (``"fiber_households_pct=80@2025"``). The divide index is computed on the frozen
goalposts of the spec (the default preset: 0–100 %), so its scores compare across years.

Examples
--------
>>> import divide
>>> from divide.modeled.vintages import model_vintages
>>> lc = divide.load_communes("Lai Châu")
>>> r = progress(model_vintages(lc), communes=lc)
>>> row = r.national.set_index("indicator").loc["online_services_pct"]
>>> int(row["first_year"]), int(row["last_year"]), row["status"]
(2020, 2024, 'limited')
>>> r.log["vintages"][0]["codes"], r.log["vintages"][0]["crosswalk"]["rows"]
('pre2025', 106)
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide._errors import DivideError, InputError
from divide.analysis.progress_status import (
    STATUS_LABELS,
    TARGET_FACTS,
    TREND_SERIES,
    classify,
    parse_target,
    registry_series,
    registry_targets,
    shift_share,
)

__all__ = [
    "ProgressResult",
    "progress",
    "read_vintage",
    "parse_target",
    "registry_targets",
    "registry_series",
    "TARGET_FACTS",
    "TREND_SERIES",
    "METHOD",
    "SHARE_MEASURES",
]

#: The method, as cited in tables and manifests.
METHOD = ("growth-rate ratio of Statistics Canada as integrated into Open SDG (observed over required compound "
          "annual growth rate; on track ≥ 95 %, needs acceleration 60–95 %, limited progress 0–60 %, "
          "deterioration < 0); linear annual change where a value or the target is at the natural limit 0")

#: Count indicators compared between urban and rural as a share of the commune's villages.
SHARE_MEASURES = {"villages_no_signal": "villages_no_signal_pct", "villages_no_power": "villages_no_power_pct"}

_CODE_NAMES = ("commune_code", "old_code")



@dataclass
class ProgressResult:
    """What :func:`progress` found.

    Attributes
    ----------
    communes
        One row per commune and indicator: ``commune_code``, names, ``urban_rural``, ``indicator``,
        ``direction``, ``first_year``, ``first_value``, ``last_year``, ``last_value``, ``annual_change``
        (compound rate a year, or units a year where ``rate`` is ``linear``), ``required_rate``,
        ``ratio``, ``target``, ``target_year``, ``target_source``, ``status``, ``status_label``,
        ``value_<year>`` and ``source``.
    provinces, national
        The same per province (``province_code``) and for the country (population-weighted shares,
        summed counts, summed over the communes given).
    gaps
        One row per measure and year: urban and rural means, ``gap`` (urban − rural), urban population
        share, ``theil``, ``theil_between``, ``theil_within``.
    gap_changes
        One row per measure and pair of years (consecutive ones, then first → last): ``gap_from``,
        ``gap_to``, ``change`` = ``within_urban + within_rural + population_shift``.
    targets
        The targets used: ``indicator, value, year, source, citation``.
    log
        Vintages read (codes, crosswalk, validation), indicators compared and left out, targets, the index
        spec, the method, notes.
    """

    communes: pd.DataFrame
    provinces: pd.DataFrame
    national: pd.DataFrame
    gaps: pd.DataFrame
    gap_changes: pd.DataFrame
    targets: pd.DataFrame
    log: dict[str, Any] = field(default_factory=dict)

    @property
    def modeled(self) -> bool:
        """Whether any vintage is modeled."""
        return bool(self.log.get("modeled"))

    @property
    def notes(self) -> list[str]:
        """The human-readable notes (what was converted, left out, assumed)."""
        return list(self.log.get("notes", []))


# ------------------------------------------------------------------ targets


def _target_file(path: Path) -> list[tuple[str, float, int, str]]:
    if not path.exists():
        raise InputError("targets file not found", path=path, fix="check the path given to --targets")
    frame = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_excel(path)
    missing = {"indicator", "value", "year"} - set(frame.columns)
    if missing:
        raise InputError(f"the targets file lacks the columns {sorted(missing)}", path=path,
                         fix="give columns indicator, value, year (and optionally source)")
    return [(str(r.indicator), float(r.value), int(r.year), str(getattr(r, "source", "") or path.name))
            for r in frame.itertuples(index=False)]


def _targets(targets: Any, last_year: int, indicators: list[str], use_registry: bool) -> tuple[pd.DataFrame, list]:
    notes = []
    table = registry_targets() if use_registry else pd.DataFrame(columns=["indicator", "value", "year", "source",
                                                                          "citation"])
    user: list[tuple[str, float, int, str]] = []
    if isinstance(targets, Mapping):
        for key, item in targets.items():
            value, year = (parse_target(f"{key}={item}")[1:] if isinstance(item, str)
                           else (float(item[0]), int(item[1])))
            user.append((str(key), value, year, "user"))
    elif targets is not None:
        for item in [targets] if isinstance(targets, str | Path) else list(targets):
            if isinstance(item, Path) or str(item).lower().endswith((".csv", ".xlsx")):
                user += _target_file(Path(item))
            else:
                user.append((*parse_target(item), "user"))
    from divide.indicators.schema import INDICATORS

    known = {c.name for c in INDICATORS} | {"divide_index"}
    for name, value, year, source in user:
        if name not in known:
            raise InputError(f"unknown indicator {name!r} in a target", where="--target",
                             fix="use a schema name, e.g. " + ", ".join(sorted(known)[:4]))
        if year < last_year:
            raise InputError(f"the target year {year} of {name} is before the last vintage ({last_year})",
                             where="--target", fix=f"give a target year of {last_year} or later")
        table = table[table["indicator"] != name]
        table = pd.concat([table, pd.DataFrame([{"indicator": name, "value": value, "year": year, "source": source,
                                                 "citation": "given by the user" if source == "user"
                                                 else f"given by the user ({source})"}])], ignore_index=True)
    late = table["year"] < last_year
    for row in table[late].itertuples():
        notes.append(f"registry target of {row.indicator} ({row.value:g} by {row.year}) is before the last "
                     f"vintage ({last_year}); judged against the trend instead")
    table = table[~late & table["indicator"].isin(indicators)]
    return table.reset_index(drop=True), notes


# ------------------------------------------------------------------ reading the vintages


def _year_of(key: Any) -> tuple[int, str]:
    if isinstance(key, bool):
        raise InputError(f"{key!r} is not a year", fix="key the vintages by year (2024) or date ('2024-06')")
    if isinstance(key, int | np.integer) and 1900 < int(key) < 2200:
        return int(key), str(int(key))
    if isinstance(key, _dt.date):
        return key.year, key.isoformat()
    m = re.match(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?\s*$", str(key))
    if not m:
        raise InputError(f"{key!r} is not a year or a date", fix="key the vintages by year (2024) or date ('2024-06')")
    return int(m.group(1)), str(key).strip()


def _raw_codes(table: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The table with its code column as the index (named as given), and that name."""
    if table.index.name in _CODE_NAMES:
        return table, table.index.name
    for name in _CODE_NAMES:
        if name in table.columns:
            return table.set_index(name), name
    return table, None


@functools.lru_cache(maxsize=1)
def _reference() -> tuple[frozenset, frozenset, dict, dict]:
    """Codes and names of the 2025 and the pre-2025 communes (read once)."""
    from divide.geography.communes import load_communes
    from divide.geography.crosswalk import load_communes_pre2025

    new = load_communes()["commune_name"]
    old = load_communes_pre2025()["old_name"]
    return (frozenset(map(str, new.index)), frozenset(map(str, old.index)),
            dict(zip(map(str, new.index), map(str, new))), dict(zip(map(str, old.index), map(str, old))))


def _code_system(codes: list[str], declared: str | None, names: pd.Series | None, where: str) -> str:
    """``"2025"`` or ``"pre2025"`` for the codes of a vintage; mixed codes raise."""
    new, old, new_names, old_names = _reference()
    only_old = [c for c in codes if c in old and c not in new]
    only_new = [c for c in codes if c in new and c not in old]
    unknown = [c for c in codes if c not in new and c not in old]
    if unknown:
        raise InputError(f"{len(unknown)} codes are neither 2025 nor pre-2025 commune codes "
                         f"(e.g. {', '.join(unknown[:3])})", where=where,
                         fix="check the code column (5-digit GSO commune codes)")
    pre = declared == "pre2025" or (declared is None and len(only_old) > 0)
    if not pre:
        return "2025"
    if only_new:
        raise InputError(f"old and new codes are mixed: {len(only_old)} codes exist only before 2025 "
                         f"(e.g. {', '.join(only_old[:3])}) and {len(only_new)} only since 2025 "
                         f"(e.g. {', '.join(only_new[:3])})", where=where,
                         fix="give one vintage per code system: convert the old rows with `divide crosswalk`")
    if names is not None:
        from divide.geography.names import match_key

        given = dict(zip(codes, names.astype(str)))
        clash = [c for c in codes if c in new and c in old and match_key(given[c]) == match_key(new_names[c])
                 and match_key(given[c]) != match_key(old_names[c])]
        if clash:
            raise InputError(f"old and new codes are mixed: {len(clash)} rows carry the 2025 name of their code "
                             f"(e.g. {clash[0]} {given[clash[0]]}) among pre-2025 communes", where=where,
                             fix="give one vintage per code system: convert the old rows with `divide crosswalk`")
    if declared is None and len(only_old) < 0.3 * len(codes):
        raise InputError(f"old and new codes are mixed: {len(only_old)} of {len(codes)} codes exist only before "
                         f"2025 (e.g. {', '.join(only_old[:3])})", where=where,
                         fix="give one vintage per code system; index a pre-2025 table by 'old_code'")
    return "pre2025"


def _schema():
    from divide.indicators.schema import INDICATORS

    return {c.name: c for c in INDICATORS}


def _fast_check(table: pd.DataFrame, where: str) -> pd.DataFrame:
    """Checks of an in-memory 2025 table: unique known codes, numbers in range, counts within villages."""
    schema = _schema()
    if table.index.has_duplicates:
        dup = table.index[table.index.duplicated()].unique()
        raise InputError(f"{len(dup)} commune codes appear twice (e.g. {', '.join(map(str, dup[:3]))})",
                         where=where, fix="keep one row per commune")
    new = _reference()[0]
    unknown = [c for c in table.index if c not in new]
    if unknown:
        raise InputError(f"{len(unknown)} codes are not 2025 communes (e.g. {', '.join(map(str, unknown[:3]))})",
                         where=where, fix="check the codes, or give a pre-2025 table indexed by 'old_code'")
    out = pd.DataFrame(index=table.index)
    for name in [c for c in table.columns if c in schema or c == "population"]:
        values = pd.to_numeric(table[name], errors="coerce")
        bad = values.isna() & table[name].notna()
        if bad.any():
            raise InputError(f"column {name!r} holds values that are not numbers (e.g. {table[name][bad].iloc[0]!r})",
                             where=where, fix="give numbers only")
        col = schema.get(name)
        if col is not None:
            low = values < col.min
            high = values > col.max if col.max is not None else values < -np.inf
            if (low | high).any():
                code = values.index[(low | high).to_numpy()][0]
                raise InputError(f"column {name!r}: {int((low | high).sum())} values outside "
                                 f"{col.min:g}–{col.max if col.max is not None else '∞'} "
                                 f"(e.g. {code} = {values[code]:g})", where=where,
                                 fix="correct the values (shares in %, counts ≥ 0)")
        out[name] = values.astype(float)
    for name, col in schema.items():
        if col.le and name in out and col.le in out:
            over = out[name] > out[col.le]
            if over.any():
                code = out.index[over.to_numpy()][0]
                raise InputError(f"{int(over.sum())} communes have more {name} than {col.le} (e.g. {code})",
                                 where=where, fix=f"{name} cannot exceed {col.le}")
    if "source" in table.columns:
        out["source"] = table["source"].astype(str)
    out.index.name = "commune_code"
    return out


def _crosswalk(table: pd.DataFrame, where: str) -> tuple[pd.DataFrame, dict]:
    from divide.geography.crosswalk import crosswalk_to_2025

    schema = _schema()
    extensive = [c for c in table.columns if c in schema and schema[c].kind == "count"]
    intensive = [c for c in table.columns if c in schema and schema[c].kind != "count"]
    frame = table.reset_index().rename(columns={table.index.name: "old_code"})
    weights = "population" if "population" in frame.columns else None
    out, report = crosswalk_to_2025(frame, "old_code", extensive=extensive + (["population"] if weights else []),
                                    intensive=intensive, weights=weights, integer_counts=False, source=where)
    keep = [c for c in [*extensive, *intensive, "population"] if c in out.columns]
    out = out[keep].copy()
    repaired = 0
    for name in extensive:
        col = schema[name]
        if col.le and col.le in out:
            over = out[name] > out[col.le]
            repaired += int(over.sum())
            out.loc[over, name] = out.loc[over, col.le]
    if "source" in table.columns:
        out["source"] = str(table["source"].iloc[0]) if table["source"].nunique() == 1 else "mixed"
    counts = dict(report.counts)
    info = {"rows": int(counts.get("rows", len(frame))), "mapped": int(counts.get("mapped", 0)),
            "rejected": int(counts.get("rejected", 0)), "split": int(counts.get("split", 0)),
            "communes_2025": int(len(out)), "counts_capped": repaired,
            "method": "counts split or summed (totals conserved; a split count is its expected share, "
                      "not rounded), shares population-weighted"}
    return out, info


def read_vintage(source: str | Path | pd.DataFrame, year: Any = None) -> tuple[pd.DataFrame, dict]:
    """Read one vintage onto the 2025 communes: validated, and crosswalked when keyed by pre-2025 codes.

    A file is read and validated as ``--indicators`` files are (:func:`divide.validate`; a table that
    fails raises with exit code 1). A file or table whose codes are pre-2025 (index or column
    ``old_code``, or most codes gone in 2025) is brought onto the 2025 communes with
    :func:`divide.crosswalk_to_2025` (counts split or summed, shares population-weighted). An in-memory
    table indexed by ``commune_code`` gets the checks that matter for comparing years: known unique
    codes, numbers in range, counts within the commune's villages.

    Parameters
    ----------
    source
        A file or a DataFrame.
    year
        The vintage (year or date), for the messages and the validation's age check.

    Returns
    -------
    (pandas.DataFrame, dict)
        The table indexed by ``commune_code`` (indicators, ``population`` when given, ``source``), and what
        was done: ``codes`` (``2025``/``pre2025``), ``crosswalk`` (row counts), ``validation``
        (``full``/``checks``), ``source``, ``modeled``.

    Raises
    ------
    divide.InputError
        The file is missing or unreadable, codes are unknown, duplicated or old and new are mixed, values
        are out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"fiber_households_pct": [50.0, 60.0]}, index=pd.Index(["03388", "03390"],
    ...                  name="commune_code"))
    >>> table, info = read_vintage(t, 2024)
    >>> info["codes"], info["validation"], table["fiber_households_pct"].tolist()
    ('2025', 'checks', [50.0, 60.0])
    """
    from divide.provenance import is_modeled

    where = f"vintage {year}" if year is not None else "vintage"
    info: dict[str, Any] = {"year": year, "crosswalk": None}
    if isinstance(source, pd.DataFrame):
        info["source"] = str(source.attrs.get("path") or ("modeled" if is_modeled(source) else "table"))
        raw, code_name = _raw_codes(source)
        if code_name is None:
            return _validated(source, year, where, info)
    else:
        path = Path(source)
        info["source"] = path.name
        where = f"{path.name} ({where})"
        if not path.exists():
            raise InputError("vintage file not found", path=path, fix="check the path")
        raw, code_name = _peek(path)
        if code_name != "old_code":
            return _validated(path, year, where, info)
    declared = "pre2025" if (code_name == "old_code" or raw.attrs.get("codes") == "pre2025") else None
    info["modeled"] = is_modeled(source if isinstance(source, pd.DataFrame) else raw)
    raw = raw.copy()
    raw.attrs = {}  # large attrs are deep-copied by every pandas step: the info keeps what matters
    codes = [str(c).strip().zfill(5) for c in raw.index]
    raw.index = pd.Index(codes, dtype=object)
    names = raw["commune_name"] if "commune_name" in raw.columns else None
    system = _code_system(codes, declared, names, where)
    info["codes"] = system
    if system == "pre2025":
        raw.index.name = "old_code"
        table, info["crosswalk"] = _crosswalk(raw, where)
    else:
        table = raw
        table.index.name = "commune_code"
    info["validation"] = "checks"
    table = _fast_check(table, where)
    return table, info


def _peek(path: Path) -> tuple[pd.DataFrame, str | None]:
    """A CSV/XLSX/Parquet file read raw, when it is keyed by ``old_code``; else an empty frame."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            head = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
            if "old_code" in head:
                return _raw_codes(pd.read_csv(path, dtype={"old_code": str}, encoding="utf-8-sig"))
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
            if "old_code" in frame.columns or frame.index.name == "old_code":
                return _raw_codes(frame)
        elif suffix == ".xlsx":
            head = pd.read_excel(path, nrows=0).columns
            if "old_code" in head:
                return _raw_codes(pd.read_excel(path, dtype={"old_code": str}))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the vintage file: {exc}", path=path, fix="check the file") from None
    return pd.DataFrame(), None


def _validated(source: Any, year: Any, where: str, info: dict) -> tuple[pd.DataFrame, dict]:
    from divide.indicators.validation import validate

    report = validate(source, vintage=year)
    if not report.usable:
        raise DivideError(f"the vintage failed validation ({len(report.errors)} errors)", where=where,
                          fix="run `divide validate` on it for the full report, correct it and rerun", exit_code=1)
    table = report.table
    source_col = table["source"].astype(str) if "source" in table.columns else None
    info.update(codes="2025", validation="full",
                modeled=bool(source_col is not None and (source_col == "modeled").all()))
    return _fast_check(table, where), info


# ------------------------------------------------------------------ the computation


def _spec(spec: Any):
    from divide.analysis.index import IndexSpec, preset

    if isinstance(spec, IndexSpec):
        out = spec
    elif isinstance(spec, str) and not spec.lower().endswith((".yaml", ".yml", ".json")):
        out = preset(spec)
    elif isinstance(spec, dict):
        out = IndexSpec.from_dict(spec)
    else:
        out = IndexSpec.from_yaml(spec)
    moving = [i.name for p in out.pillars for i in p.indicators if (i.normalisation or out.normalisation)
              != "goalposts"]
    if moving or out.rescale:
        raise InputError(f"the spec {out.name!r} does not use frozen goalposts "
                         f"({', '.join(moving) or 'rescale: true'}); its scores would not compare across years",
                         where="spec", fix="use the 'default' preset or a spec with goalposts and rescale: false")
    return out


def _weighted(values: np.ndarray, weights: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """Weighted means by group over the non-missing values: values (years, units, measures)."""
    ok = ~np.isnan(values)
    w = np.where(ok, weights[..., None], 0.0)
    num = np.zeros((values.shape[0], k, values.shape[2]))
    den = np.zeros_like(num)
    for y in range(values.shape[0]):
        for j in range(values.shape[2]):
            num[y, :, j] = np.bincount(groups, weights=np.where(ok[y, :, j], values[y, :, j], 0.0) * w[y, :, j],
                                       minlength=k)
            den[y, :, j] = np.bincount(groups, weights=w[y, :, j], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _summed(values: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((values.shape[0], k, values.shape[2]))
    seen = np.zeros_like(out)
    for y in range(values.shape[0]):
        for j in range(values.shape[2]):
            v = values[y, :, j]
            out[y, :, j] = np.bincount(groups, weights=np.nan_to_num(v), minlength=k)
            seen[y, :, j] = np.bincount(groups, weights=~np.isnan(v), minlength=k)
    return np.where(seen > 0, out, np.nan)


def _status_table(cube: np.ndarray, years: list[int], measures: list[str], units: pd.Index,
                  targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Statuses of every unit and measure from a cube (years, units, measures)."""
    schema = _schema()
    n_years, n_units, n_measures = cube.shape
    ok = ~np.isnan(cube)
    year_arr = np.array(years)
    first = np.where(ok.any(0), ok.argmax(0), -1)
    last = np.where(ok.any(0), n_years - 1 - ok[::-1].argmax(0), -1)
    take = np.take_along_axis
    y0 = take(cube, np.clip(first, 0, None)[None], 0)[0]
    yt = take(cube, np.clip(last, 0, None)[None], 0)[0]
    t0 = np.where(first >= 0, year_arr[np.clip(first, 0, None)], -1)
    tt = np.where(last >= 0, year_arr[np.clip(last, 0, None)], -1)
    valid = (first >= 0) & (last > first)
    y0, yt = np.where(valid, y0, np.nan), np.where(valid, yt, np.nan)
    tgt = targets.set_index("indicator")
    target = np.array([tgt["value"].get(m, np.nan) for m in measures], dtype=float)[None].repeat(n_units, 0)
    t_year = np.array([tgt["year"].get(m, np.nan) for m in measures], dtype=float)[None].repeat(n_units, 0)
    higher = np.array([m != "divide_index" and schema[m].direction == "higher" for m in measures])[None]
    limit = np.array([100.0 if m == "divide_index" or schema[m].kind == "pct" else np.nan for m in measures])[None]
    span = np.where(valid, tt - t0, 1).astype(float)
    out = classify(y0, yt, span, target, t_year - t0, higher.repeat(n_units, 0), limit.repeat(n_units, 0))
    labels = STATUS_LABELS[lang]
    frame = pd.DataFrame({
        "unit": np.repeat(units.to_numpy(), n_measures),
        "indicator": np.tile(measures, n_units),
        "direction": np.tile(np.where(higher[0], "higher", "lower"), n_units),
        "first_year": np.where(valid, t0, -1).ravel(),
        "first_value": y0.ravel(),
        "last_year": np.where(valid, tt, -1).ravel(),
        "last_value": yt.ravel(),
        "annual_change": np.where(valid, out["observed"], np.nan).ravel(),
        "rate": np.where(out["compound"], "compound", "linear").ravel(),
        "required_rate": np.where(valid, out["required"], np.nan).ravel(),
        "ratio": out["ratio"].ravel(),
        "target": target.ravel(),
        "target_year": t_year.ravel(),
        "target_source": np.tile([tgt["source"].get(m, "") for m in measures], n_units),
        "status": out["status"].ravel(),
    })
    frame["status_label"] = frame["status"].map(labels)
    for k, year in enumerate(years):
        frame[f"value_{year}"] = cube[k].ravel()
    frame["first_year"] = frame["first_year"].astype("Int64").where(frame["first_year"] >= 0)
    frame["last_year"] = frame["last_year"].astype("Int64").where(frame["last_year"] >= 0)
    frame["target_year"] = frame["target_year"].astype("Int64")
    return frame


def _gaps(tables: dict[int, pd.DataFrame], communes: pd.DataFrame, measures: list[str]):
    from divide.analysis.gaps import theil

    first = next(iter(tables.values()))
    urban = (communes["urban_rural"].astype(str) == "urban").reindex(first.index).fillna(False).to_numpy(bool)
    rows = []
    for year, table in tables.items():
        pop = table["population"].to_numpy(float)
        for m in measures:
            x = table[m].to_numpy(float)
            ok = ~np.isnan(x) & ~np.isnan(pop)
            u, r = ok & urban, ok & ~urban
            um = float(np.average(x[u], weights=pop[u])) if pop[u].sum() > 0 else np.nan
            rm = float(np.average(x[r], weights=pop[r])) if pop[r].sum() > 0 else np.nan
            th = theil(x[ok], pop[ok], np.where(urban[ok], "urban", "rural"))
            rows.append({"measure": m, "year": year, "urban_mean": um, "rural_mean": rm, "gap": um - rm,
                         "urban_population_share": float(pop[u].sum() / pop[ok].sum()),
                         "theil": th.total, "theil_between": th.between, "theil_within": th.within})
    changes = []
    years = sorted(tables)
    pairs = [*zip(years[:-1], years[1:])] + ([(years[0], years[-1])] if len(years) > 2 else [])
    for m in measures:
        for a, b in pairs:
            parts = shift_share(tables[a][m], tables[b][m], tables[a]["population"], tables[b]["population"],
                                urban)
            changes.append({"measure": m, "from_year": a, "to_year": b, **parts})
    return pd.DataFrame(rows), pd.DataFrame(changes)


def progress(vintages: Mapping[Any, Any] | list, *, communes: pd.DataFrame, targets: Any = None,
             spec: Any = "default", registry: bool = True, lang: str = "en") -> ProgressResult:
    """Progress of each commune, province and the country towards the targets, and the urban–rural gap over time.

    Parameters
    ----------
    vintages
        Year (or date) -> table or file; or a list of ``(year, table_or_file)`` pairs. At least two years.
        Each is read by :func:`read_vintage` (files validated; pre-2025 codes crosswalked).
    communes
        The communes to report on (index ``commune_code``, with ``commune_name``, ``province_code``,
        ``province_name``, ``urban_rural``, ``population``), e.g. :func:`divide.load_communes`.
    targets
        User targets: ``"indicator=value@year"`` strings and CSV/XLSX files (columns ``indicator, value,
        year``, optionally ``source``), one or a list (later ones win), or a mapping
        ``{indicator: (value, year)}``; they replace the registry's for those indicators.
    spec
        Index spec or preset with frozen goalposts (default ``"default"``).
    registry
        Use the targets of the facts registry (:data:`TARGET_FACTS`).
    lang
        Language of the status labels (``en``, ``vi``).

    Returns
    -------
    ProgressResult

    Raises
    ------
    divide.InputError
        Fewer than two vintages, the same year twice, old and new codes mixed in one vintage, a user target
        year before the last vintage, no indicator common to all vintages, a spec without frozen goalposts.

    Examples
    --------
    >>> import divide, pandas as pd
    >>> lc = divide.load_communes("Lai Châu")
    >>> t = lambda v: pd.DataFrame({"fiber_households_pct": v}, index=lc.index[:2])
    >>> r = progress({2020: t([50.0, 50.0]), 2024: t([72.0, 45.0])}, communes=lc, registry=False,
    ...              targets=["fiber_households_pct=80@2025"])
    >>> r.communes.query("indicator == 'fiber_households_pct'")["status"].tolist()[:3]
    ['on_track', 'deterioration', 'insufficient']
    """
    started = time.perf_counter()
    items = list(vintages.items()) if isinstance(vintages, Mapping) else list(vintages)
    keyed: dict[int, tuple[str, Any]] = {}
    for key, source in items:
        year, label = _year_of(key)
        if year in keyed:
            raise InputError(f"the year {year} is given twice ({keyed[year][0]} and {label})",
                             fix="give one vintage per year (use `--replace` in the store to swap one)")
        keyed[year] = (label, source)
    if len(keyed) < 2:
        raise InputError(f"progress needs at least two vintages (got {len(keyed)})",
                         fix="give tables of two or more years, e.g. 2022 and 2024")
    years = sorted(keyed)
    schema = _schema()
    tables, infos = {}, []
    for year in years:
        table, info = read_vintage(keyed[year][1], keyed[year][0])
        info["year"] = year
        tables[year] = table
        infos.append(info)
    measured = [c for c, col in schema.items() if col.direction in ("higher", "lower")]
    present = {y: {c for c in t.columns if c in schema} for y, t in tables.items()}
    common = [c for c in measured if all(c in p for p in present.values())]
    left_out = sorted(set().union(*present.values()) - set(common) - {"villages_total"})
    notes = []
    if left_out:
        notes.append(f"compared the indicators common to all vintages; left out {', '.join(left_out)} "
                     f"(not in every vintage)")
    if not common:
        raise InputError("the vintages have no indicator in common",
                         fix="give vintages that share at least one indicator column")
    for info in infos:
        if info.get("crosswalk"):
            cw = info["crosswalk"]
            notes.append(f"vintage {info['year']} is keyed by pre-2025 commune codes: {cw['rows']} old communes "
                         f"brought onto {cw['communes_2025']} communes of 2025 through the crosswalk "
                         f"({cw['method']})")
    index = communes.index
    base_pop = communes["population"].astype(float)
    for year in years:
        t = tables[year].reindex(index)
        if "population" not in t or t["population"].isna().all():
            t["population"] = base_pop
        else:
            t["population"] = t["population"].fillna(base_pop)
        tables[year] = t
    # The index on frozen goalposts.
    spec_obj = _spec(spec)
    from divide.analysis.index import compute_index

    needed = {i.column for p in spec_obj.pillars for i in p.indicators} | {
        i.denominator for p in spec_obj.pillars for i in p.indicators if i.denominator}
    measures = list(common)
    if all(needed <= set(t.columns) for t in tables.values()):
        for year in years:
            scores = compute_index(tables[year], spec_obj, communes=communes).scores
            tables[year]["divide_index"] = scores["divide_index"]
        measures.append("divide_index")
    else:
        notes.append(f"the index was not computed: spec {spec_obj.name!r} needs "
                     f"{', '.join(sorted(needed - set.intersection(*[set(t.columns) for t in tables.values()])))}")
    target_table, target_notes = _targets(targets, years[-1], measures, registry)
    notes += target_notes
    cube = np.stack([tables[y][measures].to_numpy(float) for y in years])
    lang = "vi" if lang == "vi" else "en"
    commune_rows = _status_table(cube, years, measures, index, target_table, lang)
    context = communes[[c for c in ("commune_name", "province_code", "province_name", "urban_rural")
                        if c in communes.columns]]
    commune_rows = commune_rows.rename(columns={"unit": "commune_code"})
    commune_rows = context.reindex(commune_rows["commune_code"]).reset_index().join(
        commune_rows.drop(columns="commune_code"))
    # Provinces and the nation: population-weighted shares, summed counts.
    pops = np.stack([tables[y]["population"].to_numpy(float) for y in years])
    count = np.array([m in schema and schema[m].kind == "count" for m in measures])
    codes, provinces = pd.factorize(communes["province_code"].astype(str))
    aggregate = {}
    for name, groups, k in (("provinces", codes, len(provinces)), ("national", np.zeros(len(index), int), 1)):
        means = _weighted(cube, pops, groups, k)
        sums = _summed(cube, groups, k)
        aggregate[name] = np.where(count[None, None, :], sums, means)
    province_rows = _status_table(aggregate["provinces"], years, measures, pd.Index(provinces), target_table, lang)
    province_rows = province_rows.rename(columns={"unit": "province_code"})
    names = communes.groupby(communes["province_code"].astype(str))["province_name"].first()
    province_rows.insert(1, "province_name", province_rows["province_code"].map(names))
    national_rows = _status_table(aggregate["national"], years, measures, pd.Index(["VN"]), target_table, lang)
    national_rows = national_rows.rename(columns={"unit": "scope"})
    # The gap and its decomposition (counts as shares of villages).
    gap_measures = []
    for year in years:
        t = tables[year]
        for count_col, share in SHARE_MEASURES.items():
            if count_col in measures and "villages_total" in t:
                with np.errstate(invalid="ignore", divide="ignore"):
                    t[share] = (100 * t[count_col] / t["villages_total"]).where(t["villages_total"] > 0)
    for m in measures:
        share = SHARE_MEASURES.get(m)
        gap_measures.append(share if share is not None and share in tables[years[0]] else m)
    gaps, changes = _gaps(tables, communes, gap_measures)
    modeled = any(info.get("modeled") for info in infos)
    sources = "; ".join(f"{i['year']}: {i['source']}" for i in infos)
    for frame in (commune_rows, province_rows, national_rows):
        frame["source"] = "modeled" if modeled else sources
    from divide.provenance import mark_modeled

    out = ProgressResult(
        communes=commune_rows, provinces=province_rows, national=national_rows, gaps=gaps, gap_changes=changes,
        targets=target_table,
        log={
            "years": years,
            "vintages": infos,
            "indicators": measures,
            "left_out": left_out,
            "targets": target_table.to_dict("records"),
            "spec": spec_obj.to_dict(),
            "method": METHOD,
            "gap_definition": "official urban/rural class of 2025 (phường urban; xã and đặc khu rural), "
                              "population-weighted means",
            "modeled": modeled,
            "notes": notes,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    if modeled:
        for frame in (out.communes, out.provinces, out.national, out.gaps, out.gap_changes):
            mark_modeled(frame)
    return out
