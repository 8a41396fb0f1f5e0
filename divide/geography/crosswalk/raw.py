"""Cleaning of the two official tables as published: the old → new conversion table and the pre-2025 register.

The statistics office (GSO, July 2025) publishes the conversion table with its
header on line 2, province heading rows between the data rows, trailing spaces
and several spellings of the merge note; :func:`clean_crosswalk` reads it into
one row per (old code, new code) pair. :func:`clean_communes_pre2025` reads the
register of the 10,035 communes in force before 2025-07-01.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.names import fold, nfc, pad_code

__all__ = [
    "RAW_CROSSWALK",
    "RAW_COMMUNES_PRE2025",
    "NOTE_CATEGORIES",
    "CROSSWALK_COLUMNS",
    "PRE2025_COLUMNS",
    "classify_note",
    "clean_crosswalk",
    "clean_communes_pre2025",
]

RAW_CROSSWALK = settings.RAW_CROSSWALK
RAW_COMMUNES_PRE2025 = settings.RAW_COMMUNES_PRE2025

#: The merge-note categories of the cleaned table.
NOTE_CATEGORIES = (
    "whole",
    "part",
    "part_of_area",
    "part_of_area_all_population",
    "part_of_population",
    "unchanged",
    "renamed",
    "type_changed",
)

#: How the values of one old commune were shared out (``split_method``).

CROSSWALK_COLUMNS = [
    "old_code",
    "new_code",
    "old_name",
    "old_district_code",
    "old_district_name",
    "old_province_code",
    "old_province_name",
    "new_name",
    "new_province_code",
    "new_province_name",
    "note_category",
    "note",
    "note_raw",
    "n_new",
    "old_code_published",
    "code_corrected",
    "source_row",
]

PRE2025_COLUMNS = [
    "old_code",
    "old_name",
    "old_type",
    "old_name_en",
    "district_code",
    "district_name",
    "province_code",
    "province_name",
]

# Folded header of the raw table -> cleaned column.
_RAW_HEADER = {
    "tinh thanh pho": "new_province",
    "ten xa moi": "new_name",
    "ma xa moi": "new_code",
    "ten xa cu": "old_name",
    "ma xa cu": "old_code",
    "ghi chu": "note",
    "quan huyen": "old_district",
    "tinh cu": "old_province",
}
_PRE2025_HEADER = {
    "ma": "old_code",
    "ten": "old_name",
    "ten tieng anh": "old_name_en",
    "cap": "old_type",
    "ma qh": "district_code",
    "quan huyen": "district_name",
    "ma tp": "province_code",
    "tinh thanh pho": "province_name",
}
_OLD_TYPES = {"xa": "xa", "phuong": "phuong", "thi tran": "thi_tran"}
_NAME_WITH_CODE = re.compile(r"^(.*?)\s*\((\d+)\)\s*$")


# --------------------------------------------------------------------------- cleaning


def _correct_codes(cw: pd.DataFrame, register: pd.DataFrame) -> list[dict[str, Any]]:
    """Give each row that names another commune of its district that commune's code; return the corrections.

    A row is corrected when its old name (folded) is not the register's name at
    its published code but is the name of exactly one other commune of the same
    old district. ``rule`` says whether the register's code was otherwise
    unused by the table (``code_unused``) or also published for its own
    commune (``another_commune_of_the_district``: the values of the published
    code's commune would otherwise be split to the row's new commune).
    """
    cw["old_code"] = cw["old_code_published"]
    cw["code_corrected"] = False
    folded = register["old_name"].map(fold)
    by_district = {key: grp for key, grp in folded.groupby(register["district_code"])}
    used = set(cw["old_code_published"])
    corrected = []
    for row in cw.index:
        pub, name = cw.at[row, "old_code_published"], fold(cw.at[row, "old_name"])
        if pub in register.index and folded[pub] == name:
            continue
        district = register.at[pub, "district_code"] if pub in register.index else cw.at[row, "old_district_code"]
        names = by_district.get(district, pd.Series(dtype=object))
        same = names.index[(names == name) & (names.index != pub)]
        if len(same) != 1:
            continue
        code = same[0]
        cw.at[row, "old_code"] = code
        cw.at[row, "code_corrected"] = True
        corrected.append({
            "source_row": int(row),
            "old_name": cw.at[row, "old_name"],
            "old_code_published": pub,
            "old_code": code,
            "register_name_at_published_code": register.at[pub, "old_name"] if pub in register.index else None,
            "old_district": register.at[code, "district_name"],
            "new_code": cw.at[row, "new_code"],
            "new_name": cw.at[row, "new_name"],
            "rule": "another_commune_of_the_district" if code in used else "code_unused",
        })
    return corrected


def _places_from_register(cw: pd.DataFrame, register: pd.DataFrame) -> dict[str, Any]:
    """Set the old district and province (codes and names) of each row to the register's; say what changed."""
    known = cw["old_code"].isin(register.index)
    reg = register.reindex(cw["old_code"]).set_axis(cw.index)
    published = cw[["old_district_code", "old_district_name", "old_province_code", "old_province_name"]].copy()
    moved = known & ((published["old_district_code"] != reg["district_code"])
                     | (published["old_province_code"] != reg["province_code"]))
    respelled = known & ~moved & (published["old_district_name"] != reg["district_name"])
    for col, src in (("old_district_code", "district_code"), ("old_district_name", "district_name"),
                     ("old_province_code", "province_code"), ("old_province_name", "province_name")):
        cw[col] = reg[src].where(known, published[col])
    corrected = [
        {"source_row": int(row), "old_code": cw.at[row, "old_code"], "old_name": cw.at[row, "old_name"],
         "published": f"{published.at[row, 'old_district_code']}/{published.at[row, 'old_province_code']}",
         "published_province": published.at[row, "old_province_name"],
         "register": f"{cw.at[row, 'old_district_code']}/{cw.at[row, 'old_province_code']}",
         "register_province": cw.at[row, "old_province_name"]}
        for row in cw.index[moved]
    ]
    return {"corrected": corrected, "respelled": int(published.loc[respelled, "old_district_code"].nunique())}


def classify_note(note: str) -> str:
    r"""Normalise a ``Ghi chú`` (merge note) of the official table to a category.

    Spelling variants ("Nhâp", double spaces, line breaks, lower/upper case) are
    tolerated. The categories are listed in :data:`NOTE_CATEGORIES`. A note that
    fits none raises :class:`ValueError`.

    Parameters
    ----------
    note
        The note as published.

    Returns
    -------
    str
        One of :data:`NOTE_CATEGORIES`.

    Examples
    --------
    >>> classify_note("Nhập toàn bộ"), classify_note("Nhâp một phần  diện tích\n")
    ('whole', 'part_of_area')
    >>> classify_note("Nhập một phần diện tích, toàn bộ dân số")
    'part_of_area_all_population'
    >>> classify_note("Đổi tên từ một phần Phường 15")
    'part'
    """
    k = fold(note).replace(".", " ")
    k = re.sub(r"\s+", " ", k).strip()
    if "toan bo dan so" in k:
        return "part_of_area_all_population"
    if k.startswith("nhap mot phan dien tich"):
        return "part_of_area"
    if k.startswith("nhap mot phan dan so"):
        return "part_of_population"
    # "Nhập toàn bộ diện tích" (whole area, only part of the population: Kỳ Lợi),
    # "Phần còn lại sau khi tách..." (the remainder), "... từ một phần ...".
    if k.startswith(("nhap mot phan", "nhap toan bo dien tich", "phan con lai")) or "tu mot phan" in k:
        return "part"
    if k.startswith(("nhap toan bo", "sap xep toan bo")):
        return "whole"
    if k.startswith("giu nguyen"):
        return "unchanged"
    if k.startswith("doi ten"):
        return "renamed"
    if k.startswith("doi loai hinh"):
        return "type_changed"
    raise ValueError(f"unknown merge note {note!r}")


def _split_name_code(text: str) -> tuple[str, str]:
    """'Tỉnh Cao Bằng (04)' -> ('Tỉnh Cao Bằng', '04')."""
    m = _NAME_WITH_CODE.match(nfc(text))
    if not m:
        return nfc(text), ""
    return m.group(1), m.group(2)


def _codes(series: pd.Series, width: int, col: str, problems: list[str]) -> list[str]:
    """Zero-padded codes of a column ('' where a cell is not a code, with the problem recorded)."""
    out = []
    for row, v in series.items():
        try:
            out.append(pad_code(v, width))
        except ValueError as exc:
            problems.append(f"row {row}, column {col!r}: {exc}")
            out.append("")
    return out


def _read_raw_table(path: Path, header_map: dict[str, str], what: str) -> tuple[pd.DataFrame, int]:
    """Read a CSV whose header may not be on line 1; return the frame and the header record number."""
    path = Path(path)
    if not path.exists():
        raise DataNotFoundError(f"{what} is missing", path=path, fix="restore it from the repository (git checkout -- data/admin)")
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for i in range(min(10, len(raw))):
        cells = [fold(c) for c in raw.iloc[i]]
        found = {header_map[c]: j for j, c in enumerate(cells) if c in header_map}
        if len(found) == len(set(header_map.values())):
            body = raw.iloc[i + 1 :, list(found.values())].copy()
            body.columns = list(found.keys())
            body.index = pd.RangeIndex(i + 2, i + 2 + len(body), name="source_row")
            return body, i + 1
    raise InputError(
        f"no header row with the columns of the {what} in the first 10 rows",
        path=path,
        fix="expected columns: " + ", ".join(repr(k) for k in header_map),
    )


def clean_communes_pre2025(path: str | Path = RAW_COMMUNES_PRE2025) -> pd.DataFrame:
    """Clean the official list of the 10,035 communes in force before 2025-07-01.

    Parameters
    ----------
    path
        The register file as published (``Mã, Tên, ..., Mã TP, Tỉnh / Thành Phố``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``old_code`` (5-digit string) with :data:`PRE2025_COLUMNS`;
        ``old_type`` is ``xa``, ``phuong`` or ``thi_tran``; district and province
        codes are 3- and 2-digit strings; names in NFC.

    Examples
    --------
    >>> old = clean_communes_pre2025()
    >>> len(old), old.loc["00001", "old_name"], old.loc["00001", "district_code"]
    (10035, 'Phường Phúc Xá', '001')
    """
    body, _ = _read_raw_table(Path(path), _PRE2025_HEADER, "pre-2025 commune register")
    problems: list[str] = []
    out = pd.DataFrame(index=body.index)
    for col, width in (("old_code", 5), ("district_code", 3), ("province_code", 2)):
        out[col] = _codes(body[col], width, col, problems)
    for col in ("old_name", "old_name_en", "district_name", "province_name"):
        out[col] = [nfc(v) for v in body[col]]
    types = [_OLD_TYPES.get(fold(v)) for v in body["old_type"]]
    for row, t, v in zip(body.index, types, body["old_type"]):
        if t is None:
            problems.append(f"row {row}, column 'Cấp': unknown commune type {v!r}")
    out["old_type"] = [t or "" for t in types]
    dup = out["old_code"].duplicated(keep=False) & (out["old_code"] != "")
    if dup.any():
        problems.append("duplicate codes: " + ", ".join(sorted(set(out.loc[dup, "old_code"]))))
    if problems:
        raise InputError(
            f"{len(problems)} problem(s) in the register: " + "; ".join(problems[:10]),
            path=path,
            fix="correct the rows named (codes are digits, types are Xã, Phường or Thị trấn)",
        )
    out = out.set_index("old_code")[PRE2025_COLUMNS[1:]].sort_index()
    return out


def clean_crosswalk(
    raw_path: str | Path = RAW_CROSSWALK,
    register: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Clean the official old → new commune conversion table.

    Header on line 2, province heading rows between data rows, trailing spaces
    and line breaks, spelling variants of the merge note: all are handled. One
    row per (old code, new code) pair is kept.

    Corrections from the register (each recorded in the report):

    * a row whose old commune name is not the register's name at its code but
      is the name of exactly one other commune of the same old district names
      that commune: ``old_code`` holds the register's code,
      ``old_code_published`` the code as published and ``code_corrected`` is
      True (three rows nationally, listed under ``codes_corrected``);
    * the old district and province of a row (codes and names) are the
      register's, not the table's (two rows of the table give a wrong
      province; listed under ``old_places_corrected``).

    Parameters
    ----------
    raw_path
        The table as published by the statistics office.
    register
        The cleaned pre-2025 register (:func:`clean_communes_pre2025`); read
        from :data:`RAW_COMMUNES_PRE2025` if omitted.

    Returns
    -------
    (pandas.DataFrame, dict)
        The pairs with :data:`CROSSWALK_COLUMNS` (codes as 5-digit strings,
        names in NFC), and a report of what was cleaned.

    Examples
    --------
    >>> cw, rep = clean_crosswalk()
    >>> len(cw), cw["old_code_published"].nunique(), cw["new_code"].nunique()
    (10565, 10033, 3316)
    >>> [(c["source_row"], c["old_code_published"], c["old_code"]) for c in rep["codes_corrected"]]
    [(426, '00553', '00556'), (912, '01615', '01651'), (1260, '02485', '02482')]
    >>> [(c["old_code"], c["published"], c["register"]) for c in rep["old_places_corrected"]]
    [('27691', '794/82', '794/80'), ('30781', '900/89', '900/91')]
    """
    raw_path = Path(raw_path)
    body, header_record = _read_raw_table(raw_path, _RAW_HEADER, "crosswalk table")
    body = body.map(lambda v: v if isinstance(v, str) else "")
    new_code = body["new_code"].str.strip()
    old_code = body["old_code"].str.strip()
    note_raw = body["note"]
    empty = (new_code == "") & (old_code == "") & (note_raw.str.strip() == "") & (body["new_name"].str.strip() == "")
    headings = [nfc(t) for t in body.loc[empty, "new_province"] if nfc(t)]
    no_pred = body[(new_code != "") & (old_code == "")]
    orphan = body[(new_code == "") & (old_code != "")]
    pairs = body[(new_code != "") & (old_code != "")].copy()

    problems: list[str] = []
    if len(orphan):
        problems.append("rows with an old code but no new code: " + ", ".join(map(str, orphan.index[:10])))

    cw = pd.DataFrame(index=pairs.index)
    cw["old_code_published"] = _codes(pairs["old_code"], 5, "Mã Xã cũ", problems)
    cw["new_code"] = _codes(pairs["new_code"], 5, "Mã Xã mới", problems)
    cw["old_name"] = [nfc(v) for v in pairs["old_name"]]
    cw["new_name"] = [nfc(v) for v in pairs["new_name"]]
    for src, name_col, code_col, width in (
        ("new_province", "new_province_name", "new_province_code", 2),
        ("old_district", "old_district_name", "old_district_code", 3),
        ("old_province", "old_province_name", "old_province_code", 2),
    ):
        parsed = [_split_name_code(v) for v in pairs[src]]
        cw[name_col] = [n for n, _ in parsed]
        cw[code_col] = [c.zfill(width) if c else "" for _, c in parsed]
        missing = cw.index[cw[code_col] == ""]
        if len(missing):
            problems.append(f"column {src!r} lacks the '(code)' suffix in rows " + ", ".join(map(str, missing[:10])))
    cw["note_raw"] = list(note_raw.loc[pairs.index])
    cw["note"] = [nfc(v) for v in cw["note_raw"]]
    cats = []
    for row, v in cw["note_raw"].items():
        try:
            cats.append(classify_note(v))
        except ValueError:
            problems.append(f"row {row}, column 'Ghi chú': unknown merge note {v!r}")
            cats.append("")
    cw["note_category"] = cats
    if problems:
        raise InputError(
            f"{len(problems)} problem(s) in the crosswalk table: " + "; ".join(problems[:10]),
            path=raw_path,
            fix="correct the rows named, or extend classify_note() in divide/geography/crosswalk/raw.py for a new note",
        )
    dup = cw.duplicated(["old_code_published", "new_code"], keep=False)
    duplicates = [int(r) for r in cw.index[dup]]
    cw = cw[~cw.duplicated(["old_code_published", "new_code"], keep="first")]

    # Correct the old codes that are typos, and take the old district and province from the register.
    if register is None:
        register = clean_communes_pre2025()
    covered = set(cw["old_code_published"])
    corrected = _correct_codes(cw, register)
    places = _places_from_register(cw, register)
    cw["n_new"] = cw.groupby("old_code")["new_code"].transform("nunique").astype("int64")
    cw = cw.reset_index()[CROSSWALK_COLUMNS].sort_values(["old_code", "new_code"], kind="stable").reset_index(drop=True)

    known = cw["old_code"].isin(register.index)
    name_diff = cw[known & (cw["old_name"].map(fold) != cw["old_code"].map(register["old_name"]).map(fold))]
    per_old = cw.drop_duplicates("old_code")
    report: dict[str, Any] = {
        "source": raw_path.name,
        "header_record": header_record,
        "records_after_header": int(len(body)),
        "province_heading_rows": len(headings),
        "pairs": int(len(cw)),
        "duplicate_pair_rows_dropped": duplicates,
        "old_codes_published": int(cw["old_code_published"].nunique()),
        "old_codes": int(cw["old_code"].nunique()),
        "new_codes": int(cw["new_code"].nunique()),
        "old_communes_split": int((per_old["n_new"] > 1).sum()),
        "old_communes_by_receivers": {str(k): int(v) for k, v in per_old["n_new"].value_counts().sort_index().items()},
        "pairs_by_category": {c: int((cw["note_category"] == c).sum()) for c in NOTE_CATEGORIES},
        "note_spellings": int(cw["note_raw"].nunique()),
        "codes_corrected": corrected,
        "old_codes_not_in_register": sorted(set(cw["old_code"]) - set(register.index)),
        "register_communes_not_covered_published": sorted(set(register.index) - covered),
        "register_communes_not_covered": sorted(set(register.index) - set(cw["old_code"])),
        "old_names_differing_from_register": int(len(name_diff)),
        "old_places_corrected": places["corrected"],
        "old_districts_respelled_from_register": places["respelled"],
        "whole_note_but_split": sorted(set(cw.loc[(cw["note_category"] == "whole") & (cw["n_new"] > 1), "old_code"])),
        "rows_without_old_code": [
            {
                "new_code": pad_code(r["new_code"], 5),
                "new_name": nfc(r["new_name"]),
                "old_unit": nfc(r["old_name"]) or nfc(r["old_district"]),
                "note": nfc(r["note"]),
                "source_row": int(i),
            }
            for i, r in no_pred.iterrows()
        ],
    }
    return cw, report
