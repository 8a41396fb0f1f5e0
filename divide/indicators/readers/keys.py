"""Commune keys: restore the 5-digit codes a spreadsheet spoilt, check them, and find codes from names.

Names are compared with the keys of :mod:`divide.geography.names`, the one
name matcher: :func:`~divide.geography.names.bare_key` (diacritics kept,
prefix dropped) first, so that "Quan Hóa" is not "Quận Hóa", then
:func:`~divide.geography.names.match_key` (diacritics folded).
:class:`CommuneIndex` only indexes a reference table by those keys.
"""

from __future__ import annotations

import re

import pandas as pd

from divide._errors import InputError
from divide.geography.names import bare_key, closest, fold, match_key, nfc, pad_code
from divide.indicators.readers.cells import cell_text, is_blank, strip_apostrophe
from divide.indicators.readers.reference import pre2025_communes
from divide.indicators.readers.report import RowState, ValueIssue

__all__ = ["CommuneIndex", "index_for", "looks_like_total", "resolve_commune_codes"]

_TOTAL_WORDS = re.compile(r"^(tong|tong cong|cong|total|grand total|sum|toan tinh|ca nuoc|toan quoc)\b")


def _exact_key(name: str) -> str:
    """:func:`~divide.geography.names.bare_key` (diacritics kept, prefix dropped) with punctuation as spaces."""
    return bare_key(re.sub(r"[^\w]+", " ", nfc(name)))


class CommuneIndex:
    """The reference communes indexed by name keys: finds 2025 codes from names and checks codes.

    Parameters
    ----------
    reference
        Indexed by ``commune_code`` with ``commune_name``, ``province_code``
        and ``province_name`` (see :func:`~divide.indicators.readers.reference.reference_for`).

    Examples
    --------
    >>> from divide.indicators.readers.reference import reference_for
    >>> idx = index_for(reference_for())
    >>> idx.by_name("Xã Sìn Hồ", ""), idx.province(None, "Tỉnh Lai Châu")
    ((['03478'], 'exact'), ('12', ''))
    """

    def __init__(self, reference: pd.DataFrame):
        self.ref = reference
        self.codes = set(reference.index)
        self.exact: dict[tuple[str, str], list[str]] = {}
        self.folded: dict[tuple[str, str], list[str]] = {}
        for code, name, prov in zip(reference.index, reference["commune_name"], reference["province_code"]):
            for p in (prov, ""):
                self.exact.setdefault((p, _exact_key(name)), []).append(code)
                self.folded.setdefault((p, match_key(name)), []).append(code)
        provinces = reference.drop_duplicates("province_code").set_index("province_code")["province_name"]
        self.province_names = provinces
        self.province_keys = {match_key(n): c for c, n in provinces.items()}
        self._old = None
        self._old_keys: set[str] | None = None

    @property
    def old(self) -> pd.DataFrame:
        """The pre-2025 communes (:func:`~divide.indicators.readers.reference.pre2025_communes`), loaded once."""
        if self._old is None:
            self._old = pre2025_communes()
        return self._old

    @property
    def old_keys(self) -> set[str]:
        """Match keys of the pre-2025 commune names."""
        if self._old_keys is None:
            self._old_keys = set(self.old["name"].map(match_key))
        return self._old_keys

    def province(self, code: object, name: object) -> tuple[str | None, str]:
        """Province code from a code or a name; ``(None, why)`` when neither resolves."""
        if not is_blank(code):
            try:
                pc = pad_code(strip_apostrophe(cell_text(code))[0], 2)
            except ValueError:
                pc = None
            if pc in self.province_names.index:
                return pc, ""
            if is_blank(name):
                return None, f"province code {code!r} is not one of the 34 provinces of 2025"
        if is_blank(name):
            return "", ""
        pc = self.province_keys.get(match_key(str(name)))
        if pc is not None:
            return pc, ""
        old_provinces = {match_key(p) for p in self.old["province"].unique()}
        if match_key(str(name)) in old_provinces:
            return None, (
                f"province {name!r} no longer exists (63 → 34 provinces on 2025-07-01); "
                "convert the table with `divide crosswalk`"
            )
        hints = closest(str(name), self.province_names.tolist())
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        return None, f"unknown province {name!r}{hint}"

    def by_name(self, name: str, province: str) -> tuple[list[str], str]:
        """Candidate codes for a commune name in a province (``""`` = anywhere) and the match kind."""
        hits = self.exact.get((province, _exact_key(name)), [])
        if len(hits) == 1:
            return hits, "exact"
        if not hits:
            hits = self.folded.get((province, match_key(name)), [])
        return hits, "folded"

    def describe(self, code: str) -> str:
        """``"Sìn Hồ (03478, Lai Châu)"``: a 2025 commune for a message."""
        row = self.ref.loc[code]
        return f"{row['commune_name']} ({code}, {row['province_name']})"

    def old_name_matches(self, code: str, name: str) -> bool:
        """True when ``code`` is a pre-2025 code whose commune had this ``name``."""
        if code not in self.old.index:
            return False
        return match_key(self.old.at[code, "name"]) == match_key(name)


_INDEXES: dict[int, tuple[pd.DataFrame, CommuneIndex]] = {}


def index_for(reference: pd.DataFrame) -> CommuneIndex:
    """The :class:`CommuneIndex` of a reference table, built once per table object (a few are kept)."""
    hit = _INDEXES.get(id(reference))
    if hit is not None and hit[0] is reference:
        return hit[1]
    matcher = CommuneIndex(reference)
    if len(_INDEXES) > 4:
        _INDEXES.clear()
    _INDEXES[id(reference)] = (reference, matcher)
    return matcher


def looks_like_total(values: list[object]) -> bool:
    """True when a cell of the row starts with a total word ("Tổng", "Tổng cộng", "Total", "Toàn tỉnh"...).

    Examples
    --------
    >>> looks_like_total([None, "Tổng cộng", 12]), looks_like_total(["Sìn Hồ", 3])
    (True, False)
    """
    return any(isinstance(v, str) and _TOTAL_WORDS.match(fold(v)) for v in values)


def resolve_commune_codes(frame: pd.DataFrame, state: RowState, matcher: CommuneIndex, code_col: str | None,
                          *, check_names: bool = True, source: str = "", headers: list[str] | None = None,
                          issues: list[ValueIssue] | None = None) -> str:
    """Fill ``state.key`` with the 2025 commune code of every row; repair or reject rows on the way.

    Parameters
    ----------
    frame
        The table under canonical column names.
    state
        The rows' state, filled in place.
    matcher
        The reference (see :func:`index_for`).
    code_col
        The code column, or ``None`` to key every row by its name.
    check_names
        Compare a row's name with the official name of its code.
    source, headers
        For the error message when there is neither a code nor a name column.
    issues
        Where to record the codes changed (Excel's leading apostrophe dropped), if given.

    Codes are restored as spreadsheets spoil them: ``3478`` and ``3478.0``
    become ``"03478"`` (``code_padded``), and Excel's leading apostrophe
    (``'03478``, or a typographic ``’``) is dropped (``apostrophe``); both are
    repairs of the row.

    Returns
    -------
    str
        ``"code"`` or ``"names"``: how the rows were keyed.

    Raises
    ------
    divide.InputError
        The table has no code column and no name column.
    """
    has_names = "commune_name" in frame.columns
    if code_col is None and not has_names:
        found = ", ".join(repr(h) for h in (headers or [])[:20])
        raise InputError(
            f"no commune code column and no commune name column (the columns are: {found})",
            path=None if source in ("", "<DataFrame>") else source,
            fix="name the code column 'commune_code' or 'Mã xã' (or map it: --columns 'YOUR COLUMN=commune_code'); "
            "or give 'commune_name' with 'province_name'",
        )
    province_cache: dict[tuple[str, str], tuple[str | None, str]] = {}

    def province_of(i: int) -> tuple[str | None, str]:
        pc = frame["province_code"].iat[i] if "province_code" in frame.columns else None
        pn = frame["province_name"].iat[i] if "province_name" in frame.columns else None
        k = (cell_text(pc), cell_text(pn))
        if k not in province_cache:
            province_cache[k] = matcher.province(pc, pn)
        return province_cache[k]

    def from_name(i: int, note: str | None) -> None:
        name = frame["commune_name"].iat[i]
        if is_blank(name):
            if looks_like_total(list(frame.iloc[i])):
                state.reject(i, "total_row", "looks like a total row (no code, 'Tổng'/'Total')")
            else:
                state.reject(i, "no_key", "no commune code and no commune name")
            return
        prov, why = province_of(i)
        if prov is None:
            state.reject(i, "unknown_province", why)
            return
        name = cell_text(name)
        hits, _kind = matcher.by_name(name, prov)
        where = f" in {matcher.province_names[prov]}" if prov else ""
        if len(hits) == 1:
            state.key[i] = hits[0]
            if note:
                state.repair(i, "code_from_name", f"{note}; code {hits[0]} found from the name {name!r}")
            return
        if len(hits) > 1:
            options = ", ".join(matcher.describe(c) for c in hits[:6])
            fix = "" if prov else "; add a province column"
            state.reject(i, "ambiguous_name", f"{name!r}{where} could be {options}{fix}")
            return
        pool = matcher.ref if not prov else matcher.ref[matcher.ref["province_code"] == prov]
        hints = closest(name, pool["commune_name"].tolist())
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        if match_key(name) in matcher.old_keys and not hints:
            state.reject(i, "pre2025_name", f"{name!r}{where} is a commune name from before the 2025 reform; "
                         "convert the table with `divide crosswalk`")
        else:
            state.reject(i, "name_not_found", f"no 2025 commune named {name!r}{where}{hint}")

    for i in range(len(frame)):
        if code_col is None:
            from_name(i, None)
            continue
        raw = frame[code_col].iat[i]
        if is_blank(raw):
            if has_names and not is_blank(frame["commune_name"].iat[i]):
                from_name(i, "empty code")
            elif looks_like_total(list(frame.iloc[i])):
                state.reject(i, "total_row", "looks like a total row (no code, 'Tổng'/'Total')")
            else:
                state.reject(i, "no_key", "empty commune code")
            continue
        written = cell_text(raw)
        text, apostrophe = strip_apostrophe(written)
        if apostrophe:
            if issues is not None:
                issues.append(ValueIssue(state.numbers[i], code_col, written, "apostrophe",
                                         f"code {written!r}: the leading apostrophe was dropped"))
            state.repair(i, "apostrophe", f"code {written!r}: the leading apostrophe (a spreadsheet's text "
                         "marker) was dropped")
        try:
            code = pad_code(text, 5)
        except ValueError:
            if has_names and not is_blank(frame["commune_name"].iat[i]):
                from_name(i, f"unreadable code {text!r}")
            elif looks_like_total(list(frame.iloc[i])):
                state.reject(i, "total_row", f"looks like a total row ({text!r})")
            else:
                state.reject(i, "bad_code", f"{text!r} is not a 5-digit commune code")
            continue
        if code not in matcher.codes:
            state.key[i] = code  # kept on the rejected row, to say which code was refused
            if code in matcher.old.index:
                o = matcher.old.loc[code]
                state.reject(i, "pre2025_code", f"{code} is the pre-2025 commune {o['name']} ({o['district']}, "
                             f"{o['province']}); convert the table with `divide crosswalk`")
            else:
                state.reject(i, "unknown_code", f"no commune of 2025 has code {code}")
            continue
        if check_names and has_names and not is_blank(frame["commune_name"].iat[i]):
            name = cell_text(frame["commune_name"].iat[i])
            official = matcher.ref.at[code, "commune_name"]
            if match_key(name) != match_key(official):
                if matcher.old_name_matches(code, name):
                    state.key[i] = code
                    o = matcher.old.loc[code]
                    state.reject(i, "pre2025_code", f"{code} with name {name!r} is the pre-2025 commune {o['name']} "
                                 f"({o['province']}); in 2025 code {code} is {official}; "
                                 "convert the table with `divide crosswalk`")
                    continue
                state.repair(i, "name_differs", f"name {name!r} differs from the official {official!r} "
                             f"for code {code}; the code was kept")
        state.key[i] = code
        if text != code:
            state.repair(i, "code_padded", f"code {text!r} restored to {code!r}")
    return "code" if code_col is not None else "names"

