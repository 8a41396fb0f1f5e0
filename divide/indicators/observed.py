"""Observed data: the register of villages named in public reports, and the partial DTI 2024 table.

Everything else about communes in :mod:`divide` is modeled. The register is
not: each row is one public page's statement about one village (no mobile
signal, weak signal, no electricity, no fibre, or covered since a date), with
the page's URL, publisher, date and a short quote naming the village. Helpers
gathered the statements from stored public pages into
``data/observed/gathered/village_reports.csv`` (their queries and caveats are
in ``gathered/search_log.md``). :func:`build_register` checks those notes and
turns them into ``data/observed/reported_villages.csv``, adding the 2025
commune and province of each village matched by names
(:func:`divide.indicators.observed_match.match_reports`); :func:`reported_villages`
reads it. The register holds reports, not a census: it says where someone
wrote that a village lacked a service, not where every such village is.

The build is deterministic (rows sorted by ``report_id``, text in Unicode NFC,
newline line ends): two runs write identical bytes. Run it with
``python -m divide.indicators.observed`` or ``python data/observed/build_register.py``.

Examples
--------
>>> rv = reported_villages()
>>> rv.loc["r0003", ["village", "commune_as_written", "commune_name_2025", "province_name_2025"]].tolist()
['Ha Súng', 'xã Pả Vi', 'Mèo Vạc', 'Tuyên Quang']
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.communes import province_table, read_admin_table, resolve_province
from divide.geography.names import nfc
from divide.indicators.observed_match import MATCH_COLUMNS, match_reports
from divide.provenance import atomic_path

__all__ = [
    "GATHERED_DIR", "GATHERED_REPORTS_CSV", "GATHERED_DTI_2024_CSV", "REGISTER_CSV", "DTI_2024_2025_CSV",
    "STATUSES", "GATHERED_COLUMNS", "REGISTER_COLUMNS", "MAX_QUOTE_WORDS",
    "reported_villages", "build_register", "check_gathered", "quote_words", "build_dti_2024", "main",
]

# Paths (to move to divide.settings).
GATHERED_DIR = settings.OBSERVED_GATHERED_DIR
GATHERED_REPORTS_CSV = settings.OBSERVED_GATHERED_REPORTS_CSV
GATHERED_DTI_2024_CSV = settings.OBSERVED_GATHERED_DTI_2024_CSV
#: The register built from the gathered notes.
REGISTER_CSV = settings.REPORTED_VILLAGES_CSV
#: The provincial DTI 2024 on the 34 provinces of 2025, as far as it was found (partial).
DTI_2024_2025_CSV = settings.DTI_2024_2025_CSV

#: What a report can say about a village.
STATUSES = ("no_signal", "weak_signal", "no_electricity", "no_fibre", "covered")
#: A quote is a short fragment for citation: at most this many words.
MAX_QUOTE_WORDS = 30
#: Columns of the gathered notes.
GATHERED_COLUMNS = (
    "report_id", "village", "commune_as_written", "district_as_written", "province_as_written", "status",
    "covered_date", "as_of", "publisher", "published", "url", "quote", "note",
)
#: Columns of the register, in file order.
REGISTER_COLUMNS = (
    "report_id", "village", "commune_as_written", "district_as_written", "province_as_written",
    *MATCH_COLUMNS,
    "status", "covered_date", "as_of", "published", "publisher", "url", "quote", "note",
)

_ID_RE = re.compile(r"^r\d{4,}$")
_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_WHY_NO_DATE_RE = re.compile(r"date|undated|no year", re.IGNORECASE)
_WORD_RE = re.compile(r"\w")
_FIX = ("correct the row in the gathered notes (every row needs its page's URL, publisher and a quote of at most "
        f"{MAX_QUOTE_WORDS} words naming the village), then run `python -m divide.indicators.observed` again")


def quote_words(quote: str) -> int:
    """Number of words in a quote: whitespace-separated pieces holding a letter or digit.

    Punctuation standing alone (the "…" that joins two fragments, a dash) is not a word.

    Parameters
    ----------
    quote
        The quote.

    Returns
    -------
    int
        Its number of words.

    Examples
    --------
    >>> quote_words("Thôn Ha Súng, Kho Tấu … chưa có sóng")
    8
    """
    return sum(1 for piece in str(quote).split() if _WORD_RE.search(piece))


def _fold_case(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip().casefold()


def _village_name(village: str) -> str:
    """The village name without a bracketed aside ("Tát Nga (xóm, thôn Nà Khậu)" -> "Tát Nga")."""
    return re.sub(r"\s*\([^)]*\)", "", str(village)).strip()


def _read_gathered(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataNotFoundError("the gathered village reports are missing", path=path,
                                fix="restore data/observed/gathered/village_reports.csv from the repository")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot be read as a UTF-8 CSV: {exc}", path=path,
                         fix="save the file as UTF-8 CSV with a header row") from None
    missing = [c for c in GATHERED_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(map(repr, missing))}", path=path,
                         fix="the gathered notes need the columns: " + ", ".join(GATHERED_COLUMNS))
    return raw[list(GATHERED_COLUMNS)].map(lambda v: nfc(v) if v else "")


def _row_problems(row: dict[str, str]) -> list[str]:
    """What is wrong with one gathered row (empty: nothing)."""
    problems = []
    if not _ID_RE.match(row["report_id"]):
        problems.append(f"report_id {row['report_id']!r} is not like 'r0001'")
    for col in ("village", "publisher", "quote"):
        if not row[col]:
            problems.append(f"column {col!r} is empty")
    if not re.match(r"^https?://\S+$", row["url"]):
        problems.append(f"url {row['url']!r} is not a web address")
    if row["status"] not in STATUSES:
        problems.append(f"status {row['status']!r} is not one of {', '.join(STATUSES)}")
    for col in ("covered_date", "as_of", "published"):
        if row[col] and not _DATE_RE.match(row[col]):
            problems.append(f"{col} {row[col]!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if not (row["covered_date"] or row["as_of"] or row["published"]) and not _WHY_NO_DATE_RE.search(row["note"]):
        problems.append("no date (published, as_of or covered_date) and the note does not say why")
    words = quote_words(row["quote"])
    if words > MAX_QUOTE_WORDS:
        problems.append(f"the quote has {words} words (at most {MAX_QUOTE_WORDS}: keep the fragment naming the village)")
    name = _village_name(row["village"])
    if row["quote"] and name and _fold_case(name) not in _fold_case(row["quote"]):
        problems.append(f"the village {name!r} is not in its quote")
    return problems


def check_gathered(table: pd.DataFrame, path: str | Path = GATHERED_REPORTS_CSV) -> None:
    """Check the gathered village reports; raise one error listing every bad row.

    Every row is cited (URL, publisher and quote present; a date, or a note
    saying why there is none), its quote has at most :data:`MAX_QUOTE_WORDS`
    words and names the village (NFC, case-insensitive), its status is one of
    :data:`STATUSES`, and no (village, URL, status) repeats.

    Parameters
    ----------
    table
        The gathered notes, with :data:`GATHERED_COLUMNS` as text.
    path
        The file they came from (named in the error).

    Raises
    ------
    divide.InputError
        Naming the file, each bad row (line and ``report_id``) and the fix.

    Examples
    --------
    >>> row = {"report_id": "r0001", "village": "Ha Súng", "commune_as_written": "xã Pả Vi",
    ...        "district_as_written": "", "province_as_written": "", "status": "no_signal",
    ...        "covered_date": "", "as_of": "2023-03", "publisher": "ictvietnam.vn",
    ...        "published": "", "url": "https://ictvietnam.vn/x", "quote": "thôn Kho Tấu chưa có sóng", "note": ""}
    >>> check_gathered(pd.DataFrame([row]), "notes.csv")
    Traceback (most recent call last):
    ...
    divide._errors.InputError: notes.csv: line 2 (report_id 'r0001'): 1 problem(s) in the gathered village reports:
      line 2 (report_id 'r0001'): the village 'Ha Súng' is not in its quote
      fix: correct the row in the gathered notes (every row needs its page's URL, publisher and a quote of at most 30 words naming the village), then run `python -m divide.indicators.observed` again
    """
    problems: list[tuple[str, str]] = []
    seen_ids: dict[str, int] = {}
    seen_reports: dict[tuple[str, str, str], str] = {}
    for i, row in enumerate(table.to_dict("records")):
        where = f"line {i + 2} (report_id {row['report_id']!r})"
        found = _row_problems(row)
        if row["report_id"] in seen_ids:
            found.append(f"report_id repeats line {seen_ids[row['report_id']] + 2}")
        seen_ids.setdefault(row["report_id"], i)
        key = (_fold_case(row["village"]), row["url"].strip(), row["status"])
        if key in seen_reports:
            found.append(f"the same village, URL and status as report_id {seen_reports[key]!r} (a duplicate report)")
        seen_reports.setdefault(key, row["report_id"])
        problems += [(where, p) for p in found]
    if problems:
        listing = "\n  ".join(f"{w}: {p}" for w, p in problems)
        raise InputError(f"{len(problems)} problem(s) in the gathered village reports:\n  {listing}",
                         path=path, where=problems[0][0], fix=_FIX)


def _check_codes(register: pd.DataFrame, path: Path) -> None:
    """Every matched code exists in the 2025 geography, and a commune lies in its stated province."""
    communes = read_admin_table("communes", ["province_code"])
    provinces = set(province_table().index)
    problems = []
    for rid, row in register.iterrows():
        code, province = row["commune_code"], row["province_code"]
        if code and code not in communes.index:
            problems.append(f"report_id {rid!r}: commune_code {code!r} is not a 2025 commune")
        elif code and communes.at[code, "province_code"] != province:
            problems.append(f"report_id {rid!r}: commune {code} is not in province {province!r}")
        if province and province not in provinces:
            problems.append(f"report_id {rid!r}: province_code {province!r} is not a 2025 province")
        if row["match_status"] == "matched" and not code:
            problems.append(f"report_id {rid!r}: matched without a commune_code")
    if problems:
        raise InputError("matched codes not in the 2025 geography:\n  " + "\n  ".join(problems), path=path,
                         fix="rebuild the commune layer (divide build) and the crosswalk, then the register")


def _write_csv(frame: pd.DataFrame, out: Path) -> None:
    with atomic_path(out) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")


def build_register(gathered: str | Path = GATHERED_REPORTS_CSV, out: str | Path | None = REGISTER_CSV) -> pd.DataFrame:
    """Check the gathered village reports, match their places to 2025, and write the register.

    Parameters
    ----------
    gathered
        The gathered notes (default ``data/observed/gathered/village_reports.csv``).
    out
        Where to write the register (default ``data/observed/reported_villages.csv``);
        ``None`` writes nothing.

    Returns
    -------
    pandas.DataFrame
        The register, indexed by ``report_id``, columns :data:`REGISTER_COLUMNS`
        (text; empty where unknown).

    Raises
    ------
    divide.InputError
        If a gathered row fails a check (see :func:`check_gathered`) or a
        matched code is not in the 2025 geography.

    Examples
    --------
    >>> reg = build_register(out=None)
    >>> len(reg) >= 150, bool(reg["match_status"].isin(["matched", "ambiguous", "unmatched"]).all())
    (True, True)
    """
    path = Path(gathered)
    table = _read_gathered(path)
    check_gathered(table, path)
    table = table.sort_values("report_id", kind="stable").reset_index(drop=True)
    matched = match_reports(table)
    register = pd.concat([table, matched], axis=1)[list(REGISTER_COLUMNS)].fillna("")
    register = register.set_index("report_id", drop=False)
    _check_codes(register, path)
    if out is not None:
        _write_csv(register, Path(out))
    return register.drop(columns="report_id")


def reported_villages(path: str | Path | None = None, status: str | None = None) -> pd.DataFrame:
    """The register of villages named in public reports (observed data, not modeled).

    Parameters
    ----------
    path
        The register (default ``data/observed/reported_villages.csv``).
    status
        Keep only the reports of this status (one of :data:`STATUSES`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``report_id``: the village, its commune, district and
        province as written, the matched 2025 ``commune_code``,
        ``province_code`` and names (missing when not matched; see
        ``match_status`` and ``match_note``), the ``status``, dates
        (``covered_date``, ``as_of``, ``published``), ``publisher``, ``url``,
        ``quote`` and ``note``. Missing values are ``NaN``.

    Examples
    --------
    >>> rv = reported_villages(status="no_electricity")
    >>> rv["status"].unique().tolist(), bool(rv["url"].str.startswith("http").all())
    (['no_electricity'], True)
    """
    path = REGISTER_CSV if path is None else Path(path)
    if not path.exists():
        raise DataNotFoundError("the register of reported villages is missing", path=path,
                                fix="build it: python -m divide.indicators.observed")
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status {status!r}", fix="use one of: " + ", ".join(STATUSES))
    table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    table = table.set_index("report_id")
    if status is not None:
        table = table[table["status"] == status]
    return table


# ------------------------------------------------------------------ DTI 2024 (partial)

def _province_code(name: str) -> str:
    return resolve_province(name)


def build_dti_2024(gathered: str | Path = GATHERED_DTI_2024_CSV, out: str | Path | None = DTI_2024_2025_CSV) -> pd.DataFrame:
    """The provincial DTI 2024 (34 provinces of 2025) as far as the gathered pages give it.

    The index was published in October 2025; no stored page gave the full
    table, so most provinces have empty values and a note saying so. It is
    observed, partial, and not a covariate of the modeled data.

    Parameters
    ----------
    gathered
        The gathered figures (``province_name``, ``dti_2024_score``,
        ``dti_2024_rank``, ``url``, ``publisher``, ``published``, ``quote``).
    out
        Where to write the table (default
        ``data/indicators/dti_2024_provinces_2025.csv``); ``None`` writes nothing.

    Returns
    -------
    pandas.DataFrame
        One row per 2025 province (code order): ``province_code``,
        ``province_name``, ``dti_2024_score``, ``dti_2024_rank``,
        ``name_as_published``, ``url``, ``publisher``, ``published``, ``quote``, ``note``.

    Examples
    --------
    >>> dti = build_dti_2024(out=None)
    >>> len(dti), dti.set_index("province_name").at["Hà Nội", "dti_2024_score"]
    (34, '0.8241')
    """
    path = Path(gathered)
    if not path.exists():
        raise DataNotFoundError("the gathered DTI 2024 figures are missing", path=path,
                                fix="restore data/observed/gathered/dti_2024_provinces.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8").map(lambda v: nfc(v) if v else "")
    rows = {}
    for i, rec in enumerate(raw.to_dict("records")):
        where = f"line {i + 2} ({rec.get('province_name', '')!r})"
        try:
            code = _province_code(rec["province_name"])
            score = f"{float(rec['dti_2024_score']):.4f}" if rec["dti_2024_score"] else ""
            rank = str(int(rec["dti_2024_rank"])) if rec["dti_2024_rank"] else ""
        except (InputError, ValueError, KeyError) as exc:
            raise InputError(f"cannot be read: {exc}", path=path, where=where,
                             fix="give a 2025 province name, a decimal score and an integer rank") from None
        if code in rows:
            raise InputError(f"province {code} appears twice", path=path, where=where, fix="keep one row per province")
        note = "" if score else "rank published without its score"
        rows[code] = {"dti_2024_score": score, "dti_2024_rank": rank, "name_as_published": rec["province_name"],
                      "url": rec["url"], "publisher": rec["publisher"], "published": rec["published"],
                      "quote": rec["quote"], "note": note}
    provinces = province_table()
    missing_note = ("not found in the stored pages searched (data/observed/gathered/search_log.md): "
                    "the table is partial")
    table = pd.DataFrame([
        {"province_code": code, "province_name": name,
         **rows.get(code, {"dti_2024_score": "", "dti_2024_rank": "", "name_as_published": "", "url": "",
                           "publisher": "", "published": "", "quote": "", "note": missing_note})}
        for code, name in provinces["province_name"].items()
    ])
    if out is not None:
        _write_csv(table, Path(out))
    return table


def main() -> None:
    """Build the register and the DTI 2024 table and print a summary (``python -m divide.indicators.observed``).

    Examples
    --------
    >>> callable(main)
    True
    """
    register = build_register()
    dti = build_dti_2024()
    matched = (register["match_status"] == "matched").mean()
    provinces = register.loc[register["province_code"] != "", "province_name_2025"].nunique()
    print(f"{REGISTER_CSV}: {len(register)} reports, {matched:.1%} matched to a 2025 commune, "
          f"{(register['match_status'] == 'ambiguous').sum()} ambiguous, "
          f"{(register['match_status'] == 'unmatched').sum()} unmatched, {provinces} provinces (2025)")
    print(f"{DTI_2024_2025_CSV}: {(dti['dti_2024_rank'] != '').sum()} of {len(dti)} provinces with a rank, "
          f"{(dti['dti_2024_score'] != '').sum()} with a score")


if __name__ == "__main__":
    main()
