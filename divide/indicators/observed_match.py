"""Match the places named in village reports to the communes of 2025.

A report names a village and, as the page wrote them, its commune, district and
province. Most pages predate the reform of 2025-07-01 and use the old names
("xã Pả Vi, huyện Mèo Vạc, tỉnh Hà Giang"); newer ones use the 2025 communes,
which have no district ("xã Mèo Vạc, Tuyên Quang"). :func:`match_reports` finds
the 2025 commune either way:

* **old names**: the pre-2025 commune is found by
  :func:`divide.geography.crosswalk.match_old_communes` (commune, district and
  province; never guessed), then carried to 2025 by the official crosswalk. An
  old commune that went whole to one new commune gives its code. One that was
  split gives a code only when the crosswalk says one new commune took all of
  its population ("Nhập một phần diện tích, toàn bộ dân số"): a village is
  where people live. Otherwise the code stays empty (``ambiguous``), because
  nothing tells which part of the old commune the village was in;
* **2025 names**: the commune name is looked up among the 2025 communes of the
  province as written (a pre-2025 province stands for the 2025 provinces it
  went to), with :func:`divide.geography.names.match_key`.

Which set of names a report uses is read from the report itself: a district
means old names (districts were abolished in 2025); otherwise both are tried,
and when both fit different communes the date decides (on or after the reform:
2025 names), or, without a date, the match is ambiguous. Every row gets a
``match_status`` (``matched``, ``ambiguous``, ``unmatched``), the route it took
(``match_method``) and, when the code is empty or the match was not plain, the
reason (``match_note``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from divide import settings
from divide.geography.communes import read_admin_table
from divide.geography.crosswalk import load_crosswalk, match_old_communes
from divide.geography.names import full_key, match_key, nfc, province_key

__all__ = ["MATCH_COLUMNS", "MATCH_STATUSES", "clean_place", "match_reports"]

#: Columns added by :func:`match_reports`, in order.
MATCH_COLUMNS = (
    "commune_code", "commune_name_2025", "province_code", "province_name_2025",
    "old_commune_code", "match_status", "match_method", "match_note",
)
#: What a match can be: a 2025 commune code (``matched``), several candidates (``ambiguous``), or none.
MATCH_STATUSES = ("matched", "ambiguous", "unmatched")

# Split old communes whose population all went to one new commune (crosswalk note categories).
_WHOLE_POPULATION = {"part_of_area_all_population"}
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
# "xã Bản Khoang (nay là xã Ngũ Chỉ Sơn)": the page itself names the commune the old one became.
_NOW_RE = re.compile(r"\((?:nay là|nay thuộc)\s+([^)]+)\)", re.IGNORECASE)
_TYPE_WORDS = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}  # commune_type -> written prefix


def clean_place(text: object) -> str:
    """A place name as written, in NFC, without bracketed asides.

    Parameters
    ----------
    text
        The name as the page wrote it.

    Returns
    -------
    str
        The name without parentheses (``""`` for a missing name).

    Examples
    --------
    >>> clean_place("xã Bản Khoang (nay là xã Ngũ Chỉ Sơn)")
    'xã Bản Khoang'
    >>> clean_place(None)
    ''
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return nfc(_PAREN_RE.sub("", str(text)))


def _now_name(text: object) -> str:
    """The commune a page says the written one is now ("(nay là xã X)"), or ``""``."""
    found = _NOW_RE.search(nfc(str(text))) if isinstance(text, str) else None
    return nfc(found.group(1)) if found else ""


@lru_cache(maxsize=1)
def _communes_2025() -> pd.DataFrame:
    table = read_admin_table("communes", ["commune_name", "commune_type", "province_code", "province_name"])
    table = table.copy()
    table["key"] = table["commune_name"].map(match_key)
    return table


@lru_cache(maxsize=1)
def _old_province_targets() -> dict[str, frozenset[str]]:
    """match_key of a pre-2025 province name -> the 2025 province codes its communes went to."""
    cw = load_crosswalk()
    out: dict[str, set[str]] = {}
    for name, code in zip(cw["old_province_name"], cw["new_province_code"]):
        out.setdefault(province_key(name), set()).add(code)
    return {k: frozenset(v) for k, v in out.items()}


def _provinces_2025(province: str) -> frozenset[str]:
    """The 2025 province codes a province as written stands for (empty if not known)."""
    key = province_key(province)  # "Thừa Thiên Huế", "TP.HCM", … written out by the one matcher
    communes = _communes_2025()
    names = dict(zip(communes["province_name"].map(province_key), communes["province_code"]))
    if key in names:
        return frozenset({names[key]})
    return _old_province_targets().get(key, frozenset())


def _is_2025_province(province: str) -> bool:
    return province_key(province) in set(_communes_2025()["province_name"].map(province_key))


def _describe_new(codes: list[str]) -> str:
    communes = _communes_2025()
    return ", ".join(
        f"{communes.at[c, 'commune_name']} ({c}, {communes.at[c, 'province_name']})" for c in sorted(codes)
    )


def _match_new(commune: str, province: str) -> tuple[list[str], str]:
    """2025 communes that fit a 2025 commune name (within the province, if written); and a note."""
    communes = _communes_2025()
    pool = communes
    if province:
        codes = _provinces_2025(province)
        if not codes:
            return [], f"province {province!r} is neither a 2025 nor a pre-2025 province"
        pool = communes[communes["province_code"].isin(codes)]
    hits = pool[pool["key"] == match_key(commune)]
    if len(hits) > 1:  # a written prefix ("phường", "xã") may tell them apart
        typed = hits[(hits["commune_type"].map(_TYPE_WORDS).fillna("") + " " + hits["commune_name"]).map(full_key)
                     == full_key(commune)]
        hits = typed if len(typed) else hits
    where = f" in {province}" if province else " (province not written)"
    if hits.empty:
        return [], f"no 2025 commune named {commune!r}{where}"
    return sorted(hits.index), ""


@lru_cache(maxsize=1)
def _crosswalk_by_old() -> dict[str, pd.DataFrame]:
    cw = load_crosswalk()
    return {code: rows for code, rows in cw.groupby("old_code", sort=True)}


def _old_to_new(old_code: str) -> tuple[str | None, list[str], str]:
    """(new code or None, candidate new codes, note) for one pre-2025 commune."""
    rows = _crosswalk_by_old().get(old_code)
    if rows is None:
        return None, [], f"old commune {old_code} is not in the crosswalk"
    new = sorted(set(rows["new_code"]))
    old_name = rows["old_name"].iloc[0]
    if len(new) == 1:
        return new[0], new, ""
    whole_pop = sorted(set(rows.loc[rows["note_category"].isin(_WHOLE_POPULATION), "new_code"]))
    if len(whole_pop) == 1:
        return whole_pop[0], new, (
            f"{old_name} (old {old_code}) was split among {len(new)} new communes; "
            f"{_describe_new(whole_pop)} took all of its population (crosswalk note), so the village is there"
        )
    return None, new, f"{old_name} (old {old_code}) went to {len(new)} new communes: {_describe_new(new)}"


def _result(codes: list[str], method: str, note: str, old_code: str = "", code: str | None = None) -> dict:
    """One match row; ``code`` given = matched, else ambiguous (several codes) or unmatched (none)."""
    communes = _communes_2025()
    provinces = sorted(set(communes.loc[codes, "province_code"])) if codes else []
    province = provinces[0] if len(provinces) == 1 else ""
    status = "matched" if code else ("ambiguous" if codes else "unmatched")
    return {
        "commune_code": code or "",
        "commune_name_2025": communes.at[code, "commune_name"] if code else "",
        "province_code": province,
        "province_name_2025": communes.loc[codes, "province_name"].iloc[0] if province else "",
        "old_commune_code": old_code,
        "match_status": status,
        "match_method": method,
        "match_note": note,
    }


def _from_old(old: pd.Series, method: str) -> dict:
    """Carry one match_old_communes result to 2025."""
    if not old["old_code"] or pd.isna(old["old_code"]):
        return _result([], method, f"pre-2025 names: {old['match_note'] or old['match']}")
    code, candidates, note = _old_to_new(old["old_code"])
    extra = old["match_note"] if old["match"] == "approximate" else ""
    note = "; ".join(n for n in (extra, note) if n)
    return _result(candidates, method, note, old_code=old["old_code"], code=code)


def _is_post_reform(dates: tuple[str, ...]) -> bool | None:
    """True/False from the first date given (on or after 2025-07-01), None without a date."""
    for text in dates:
        if text:
            return text >= settings.REFORM_DATE[: len(text)] if len(text) > 4 else text > settings.REFORM_DATE[:4]
    return None


def match_reports(table: pd.DataFrame) -> pd.DataFrame:
    """Find the 2025 commune and province of each village report from its names as written.

    Parameters
    ----------
    table
        Reports with ``commune_as_written``, ``district_as_written``,
        ``province_as_written`` and the dates ``published`` and ``as_of``
        (ISO text, possibly empty).

    Returns
    -------
    pandas.DataFrame
        On the index of ``table``, the columns :data:`MATCH_COLUMNS`:
        ``commune_code`` (empty unless ``match_status`` is ``matched``), its
        2025 name, the 2025 ``province_code`` and name (given whenever every
        candidate commune lies in one province, even if the commune is
        ambiguous), ``old_commune_code`` when pre-2025 names were matched, and
        the route and the reason.

    Examples
    --------
    >>> t = pd.DataFrame({"commune_as_written": ["xã Pả Vi", "xã Mèo Vạc", "xã Tà Tổng", ""],
    ...                   "district_as_written": ["huyện Mèo Vạc", "", "", "Quan Hóa"],
    ...                   "province_as_written": ["tỉnh Hà Giang", "Tuyên Quang", "Lai Châu", ""],
    ...                   "published": ["", "2026-01-12", "2026-01-28", ""], "as_of": ["2023-03", "", "", ""]})
    >>> m = match_reports(t)
    >>> m["match_status"].tolist(), m["province_name_2025"].tolist()[:3]
    (['matched', 'matched', 'matched', 'unmatched'], ['Tuyên Quang', 'Tuyên Quang', 'Lai Châu'])
    >>> m.loc[3, "match_note"]
    'no commune written'
    """
    frame = pd.DataFrame({
        "commune": table["commune_as_written"].map(clean_place),
        "district": table["district_as_written"].map(clean_place),
        "province": table["province_as_written"].map(clean_place),
        "now": table["commune_as_written"].map(_now_name),
    }, index=table.index)
    blank = frame.replace("", None)
    old = {
        "full": match_old_communes(blank, commune="commune", district="district", province="province"),
        "now": match_old_communes(blank, commune="now", district="district", province="province"),
        "no_district": match_old_communes(blank, commune="commune", district=None, province="province"),
    }
    rows = {}
    for i, place in frame.iterrows():
        dates = (str(table.at[i, "published"]), str(table.at[i, "as_of"]))
        rows[i] = _match_row(place, {k: v.loc[i] for k, v in old.items()}, _is_post_reform(dates))
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(MATCH_COLUMNS)).reindex(table.index)


_FOUND = ("matched", "approximate")


def _with_reason(out: dict, reason: str) -> dict:
    out["match_note"] = "; ".join(n for n in (reason, out["match_note"]) if n)
    return out


def _match_row(place: pd.Series, old: dict[str, pd.Series], post_reform: bool | None) -> dict:
    commune, district, province = place["commune"], place["district"], place["province"]
    full, no_district = old["full"], old["no_district"]
    if not commune:
        return _result([], "none", "no commune written")
    if district:  # districts were abolished in 2025: these are old names
        if full["match"] in _FOUND:
            return _from_old(full, "pre2025_names")
        if place["now"] and old["now"]["match"] in _FOUND:
            return _with_reason(_from_old(old["now"], "pre2025_names_now"),
                                f"{commune!r} not in the pre-2025 register; matched through "
                                f"'nay là {place['now']}' as written on the page")
        if no_district["match"] in _FOUND:
            where = "commune and province" if province else "the commune name alone (no province written)"
            return _with_reason(_from_old(no_district, "pre2025_names_without_district"),
                                f"district {district!r} does not fit ({full['match_note']}); matched on {where}")
        note = f"pre-2025 names: {full['match_note'] or full['match']}"
        if no_district["match"] == "ambiguous":
            note += f"; without the district, {no_district['match_note']}"
        return _result([], "pre2025_names", note)
    only = "" if province else "matched on the commune name alone (no district or province written)"
    old_row = _from_old(no_district, "pre2025_names") if no_district["match"] in _FOUND else None
    new = _new_row(commune, province, post_reform)
    if old_row is None or old_row["match_status"] == "unmatched":
        if new["match_status"] == "unmatched":
            why = old_row["match_note"] if old_row else f"pre-2025 names: {no_district['match_note'] or 'no match'}"
            return _with_reason(new, "") if not why else {**new, "match_note": f"{new['match_note']}; {why}"}
        return _with_reason(new, only) if new["match_status"] == "matched" else new
    if new["match_status"] != "matched" or old_row["commune_code"] == new["commune_code"]:
        return _with_reason(old_row, only)
    # Both sets of names fit, differently: the date says which was in force.
    if post_reform is not None:
        return new if post_reform else old_row
    candidates = sorted({c for c in (old_row["commune_code"], new["commune_code"]) if c})
    return _result(candidates, "pre2025_or_2025_names",
                   f"the names fit a pre-2025 commune ({old_row['match_note'] or old_row['commune_name_2025']}) and a "
                   f"2025 commune ({new['commune_name_2025']}); the page gives no date to choose")


def _new_row(commune: str, province: str, post_reform: bool | None) -> dict:
    """The match of a commune name among the 2025 communes (a pre-2025 province, undated, is not enough)."""
    codes, note = _match_new(commune, province)
    if len(codes) > 1:
        return _result(codes, "names_2025", f"{len(codes)} 2025 communes fit: {_describe_new(codes)}")
    if not codes:
        return _result([], "names_2025", note)
    if province and not post_reform and not _is_2025_province(province):
        return _result(codes, "names_2025", (
            f"{commune!r} is the name of a 2025 commune ({_describe_new(codes)}) but {province!r} is a pre-2025 "
            "province and the page is not dated after the reform, so the page may mean another unit "
            "(e.g. a former district of that name): not chosen"))
    return _result(codes, "names_2025", "", code=codes[0])
