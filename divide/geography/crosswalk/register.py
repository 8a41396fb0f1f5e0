"""The cleaned tables, loaded, and the pre-2025 communes found by code or by name.

:func:`load_crosswalk` and :func:`load_communes_pre2025` read the files
written by :func:`~divide.geography.crosswalk.build_crosswalk` (or clean the
raw tables in memory when they have not been built). :func:`match_old_communes`
finds the old code of a row from its province, district and commune names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.crosswalk.raw import RAW_COMMUNES_PRE2025, RAW_CROSSWALK, clean_communes_pre2025, clean_crosswalk
from divide.geography.names import bare_key, closest, exact_key, full_key, match_key, nfc, pad_code

__all__ = [
    "CROSSWALK_CSV",
    "COMMUNES_PRE2025_CSV",
    "PROVINCE_ALIASES",
    "load_crosswalk",
    "load_communes_pre2025",
    "read_communes_2025",
    "communes_2025",
    "normalise_code",
    "match_old_communes",
]

CROSSWALK_CSV = settings.CROSSWALK_CSV
COMMUNES_PRE2025_CSV = settings.COMMUNES_PRE2025_CSV

#: Former names of pre-2025 provinces (code -> name) still found in older tables.
PROVINCE_ALIASES = {"46": "Tỉnh Thừa Thiên Huế"}

_CODE_WIDTHS = {"old_code": 5, "new_code": 5, "old_code_published": 5, "old_district_code": 3,
                "old_province_code": 2, "new_province_code": 2, "district_code": 3, "province_code": 2}


def _read_clean_csv(path: Path) -> pd.DataFrame:
    dtypes = {c: str for c in _CODE_WIDTHS}
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8")


def _built(path: Path, default: Path, raw: Path, what: str) -> bool:
    """True if the cleaned file exists; False if it is the default one and the raw table can be cleaned instead."""
    if path.exists():
        return True
    if path == default and raw.exists():  # not built yet: clean in memory
        return False
    raise DataNotFoundError(f"the cleaned {what} is missing", path=path,
                            fix="run divide.geography.crosswalk.build_crosswalk()")


@lru_cache(maxsize=4)
def _load_crosswalk_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    if not _built(p, CROSSWALK_CSV, RAW_CROSSWALK, "crosswalk"):
        return clean_crosswalk()[0]
    df = _read_clean_csv(p)
    df["code_corrected"] = df["code_corrected"].astype(bool)
    df["note_raw"] = df["note_raw"].fillna("")
    df["note"] = df["note"].fillna("")
    return df


@lru_cache(maxsize=4)
def _load_pre2025_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    if not _built(p, COMMUNES_PRE2025_CSV, RAW_COMMUNES_PRE2025, "pre-2025 commune list"):
        return clean_communes_pre2025()
    return _read_clean_csv(p).set_index("old_code").fillna({"old_name_en": ""})


def load_crosswalk(path: str | Path | None = None) -> pd.DataFrame:
    """Load the cleaned old → new commune crosswalk (one row per pair).

    Parameters
    ----------
    path
        A file written by :func:`~divide.geography.crosswalk.build_crosswalk`; default
        ``data/admin/crosswalk_2025.csv`` (cleaned from the raw table in memory
        if it has not been built).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~divide.geography.crosswalk.raw.CROSSWALK_COLUMNS`; codes are zero-padded strings.

    Examples
    --------
    >>> cw = load_crosswalk()
    >>> cw.loc[cw["old_code"] == "00016", ["new_code", "note_category", "n_new"]].values.tolist()
    [['00004', 'part', 2], ['00008', 'part', 2]]
    """
    return _load_crosswalk_cached(str(Path(path) if path else CROSSWALK_CSV)).copy()


def load_communes_pre2025(path: str | Path | None = None) -> pd.DataFrame:
    """Load the 10,035 communes in force before 2025-07-01 (no geometry).

    Parameters
    ----------
    path
        A file written by :func:`~divide.geography.crosswalk.build_crosswalk`; default
        ``data/admin/communes_pre2025.csv``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``old_code`` with ``old_name``, ``old_type``, district and
        province codes (strings) and names.

    Examples
    --------
    >>> old = load_communes_pre2025()
    >>> len(old), old["province_code"].nunique(), old["district_code"].nunique()
    (10035, 63, 691)
    """
    return _load_pre2025_cached(str(Path(path) if path else COMMUNES_PRE2025_CSV)).copy()



#: Columns of :func:`read_communes_2025` besides the code.
COMMUNES_2025_COLUMNS = ["commune_name", "province_code", "province_name", "population"]


def read_communes_2025() -> pd.DataFrame:
    """Read the 2025 communes without geometry, from the commune layer (building it on first use).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``commune_code`` with ``commune_name``, ``province_code``,
        ``province_name`` and ``population`` (WorldPop 2020).

    Examples
    --------
    >>> new = read_communes_2025()
    >>> len(new), list(new.columns) == COMMUNES_2025_COLUMNS
    (3321, True)
    """
    from divide.geography.communes import read_admin_table

    return read_admin_table("communes", COMMUNES_2025_COLUMNS)


@lru_cache(maxsize=1)
def _communes_2025_cached() -> pd.DataFrame:
    return read_communes_2025()


def communes_2025() -> pd.DataFrame:
    """:func:`read_communes_2025`, read once per process (a copy is returned).

    Examples
    --------
    >>> communes_2025().loc["00004", "commune_name"]
    'Ba Đình'
    """
    return _communes_2025_cached().copy()


def normalise_code(value: Any) -> tuple[str | None, str]:
    """Read a cell holding a pre-2025 commune code: (5-digit code or None, note on what was repaired).

    Examples
    --------
    >>> normalise_code("00016"), normalise_code(16), normalise_code("x1")
    (('00016', ''), ('00016', "code '16' padded to '00016'"), (None, "not a numeric code: 'x1'"))
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None, "no code"
    if isinstance(value, (bool, np.bool_)):
        return None, f"not a code: {value!r}"
    numeric = isinstance(value, (int, float, np.integer, np.floating))
    text = str(value).strip()
    if not text:
        return None, "no code"
    try:
        code = pad_code(text, 5)
    except ValueError as exc:
        return None, str(exc)
    if numeric or code != text:
        return code, f"code {text!r} padded to {code!r}"
    return code, ""


# --------------------------------------------------------------------------- names

#: The keys a name is looked up by, strictest first (see :mod:`divide.geography.names`).
_KEYS: dict[str, Callable[[str], str]] = {"exact": exact_key, "bare": bare_key, "full": full_key, "loose": match_key}
_LEVELS = ("province", "district", "commune")


@dataclass
class _NameIndex:
    tables: dict[str, dict[str, dict[str, set[str]]]]  # key kind -> level -> key -> codes
    names: dict[str, dict[str, str]]  # level -> code -> display name

    def add(self, level: str, name: str, codes: Iterable[str]) -> None:
        for kind, key in _KEYS.items():
            self.tables[kind][level].setdefault(key(name), set()).update(codes)


@lru_cache(maxsize=2)
def _name_index(register_path: str | None, crosswalk_path: str | None) -> _NameIndex:
    reg = load_communes_pre2025(register_path)
    cw = load_crosswalk(crosswalk_path)
    levels = {"province": reg["province_name"], "district": reg["district_name"], "commune": reg["old_name"]}
    idx = _NameIndex({kind: {lvl: {} for lvl in _LEVELS} for kind in _KEYS},
                     {lvl: dict(zip(reg.index, s)) for lvl, s in levels.items()})
    for level, series in levels.items():
        for code, name in series.items():
            idx.add(level, name, (code,))
    # The crosswalk's spellings of old commune names are accepted too.
    alias = cw[cw["old_code"].isin(reg.index)].drop_duplicates(["old_code", "old_name"])
    for code, name in zip(alias["old_code"], alias["old_name"]):
        idx.add("commune", name, (code,))
    # Province names as written in the crosswalk, and former names still in use.
    prov_codes = reg.groupby("province_code").groups
    aliases = dict(zip(cw["old_province_code"], cw["old_province_name"]))
    aliases.update(PROVINCE_ALIASES)
    for pcode, name in aliases.items():
        idx.add("province", name, set(prov_codes.get(pcode, ())))
    return idx


def _describe(codes: Iterable[str], idx: _NameIndex) -> str:
    return "; ".join(
        f"{idx.names['commune'][c]}, {idx.names['district'][c]}, {idx.names['province'][c]} ({c})" for c in sorted(codes)
    )


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _match_one(values: tuple[Any, Any, Any], idx: _NameIndex) -> tuple[str | None, str, str]:
    """Return (old_code or None, status, note); status: matched, approximate, ambiguous, not_found."""
    cands: set[str] | None = None
    notes = []
    for level, value in zip(_LEVELS, values):
        if _is_blank(value) or not str(value).strip():
            if level == "commune":
                return None, "not_found", "no commune name"
            continue
        value = str(value)
        hit: set[str] = set()
        # Tiers: (key kind, whether a hit ignores a written prefix).
        tiers = [("exact", False), ("full", False), ("loose", True)]
        if not nfc(value).isascii():  # diacritics were typed: they count
            tiers.insert(1, ("bare", True))
        for kind, bare in tiers:
            found = idx.tables[kind][level].get(_KEYS[kind](value), set())
            hit = found if cands is None else found & cands
            if hit:
                if bare and (match_key(value) != full_key(value)):
                    notes.append(f"{level} {value!r} matched without its prefix")
                break
        if not hit:
            pool = idx.names[level] if cands is None else {c: idx.names[level][c] for c in cands}
            hints = closest(value, sorted(set(pool.values())))
            where = "" if cands is None else " in " + (
                "the district" if level == "commune" and values[1] else "the province"
            )
            msg = f"no {level} named {value!r}{where}"
            if hints:
                msg += "; did you mean " + " or ".join(repr(h) for h in hints) + "?"
            return None, "not_found", msg
        cands = hit
    assert cands is not None
    if len(cands) > 1:
        return None, "ambiguous", f"{len(cands)} communes fit: {_describe(cands, idx)}; add the district or the type (Xã, Phường, Thị trấn)"
    return next(iter(cands)), ("approximate" if notes else "matched"), "; ".join(notes)


def match_old_communes(
    table: pd.DataFrame,
    commune: str,
    district: str | None = None,
    province: str | None = None,
) -> pd.DataFrame:
    """Find the pre-2025 code of each row from old province, district and commune names.

    Diacritics, case, prefixes ("Xã", "Phường", "P.", "Thị trấn", "TT.",
    "Huyện", "Quận", "Thị xã", "TP.") and leading zeros ("Phường 01", "P. 1")
    do not matter; a written prefix is used to tell "Thị trấn X" from "Xã X".
    A name that fits several communes is reported as ``ambiguous`` with the
    candidates, never guessed.

    Parameters
    ----------
    table
        Any table.
    commune, district, province
        Names of the columns holding the old commune, district and province
        names (district and province optional, but without them many names are
        ambiguous).

    Returns
    -------
    pandas.DataFrame
        On the index of ``table``: ``old_code`` (missing when not matched),
        ``match`` (``matched``, ``approximate``, ``ambiguous``, ``not_found``) and
        ``match_note``.

    Examples
    --------
    >>> t = pd.DataFrame({"tinh": ["TP. Hồ Chí Minh", "Ha Noi", "Hà Nội", "Hà Nội", "Hà Tĩnh"],
    ...                   "huyen": ["Quận 3", "Q. Ba Dinh", "Gia Lâm", "Gia Lâm", "Kỳ Anh"],
    ...                   "xa": ["P. 01", "phuong truc bach", "Yên Viên", "TT. Yên Viên", "Kỳ Lợi"]})
    >>> m = match_old_communes(t, commune="xa", district="huyen", province="tinh")
    >>> m["old_code"].tolist()
    ['27160', '00004', None, '00526', '18796']
    >>> m["match"].tolist()
    ['matched', 'matched', 'ambiguous', 'matched', 'matched']

    "Kỳ Anh" is both a huyện and a thị xã of Hà Tĩnh; the commune name decides.
    """
    cols = [province, district, commune]
    missing = [c for c in cols if c is not None and c not in table.columns]
    if missing:
        raise InputError(
            f"name column(s) {missing} not in the table",
            fix="choose from the columns: " + ", ".join(map(str, table.columns)),
        )
    idx = _name_index(None, None)
    keys = list(zip(*(table[c] if c is not None else [None] * len(table) for c in cols)))
    cache: dict[tuple, tuple] = {}
    out = []
    for k in keys:
        hk = tuple(None if _is_blank(v) else str(v) for v in k)
        if hk not in cache:
            cache[hk] = _match_one(hk, idx)
        out.append(cache[hk])
    return pd.DataFrame(
        {
            "old_code": pd.Series([o[0] for o in out], index=table.index, dtype=object),
            "match": [o[1] for o in out],
            "match_note": [o[2] for o in out],
        },
        index=table.index,
    )
