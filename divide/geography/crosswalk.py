"""Pre-2025 data on the 2025 map: the official old → new commune crosswalk.

Most statistics in circulation use the 10,035 communes in force before
2025-07-01. This module cleans the official conversion table of the
statistics office (GSO, July 2025) and uses it to move a table of old
communes onto the 3,321 communes of 2025:

* extensive columns (counts) are split across the new communes an old one went
  to and summed, so totals are conserved;
* intensive columns (rates, shares, scores) become weighted averages, the
  weight being the population that moved (or a column the user names);
* every input row is accounted for in a :class:`CrosswalkReport`: mapped,
  repaired (how) or rejected (why).

How a partly merged ("split") old commune is shared out, in order of
preference, recorded per row as ``split_method``:

1. ``old_boundaries_population`` / ``old_boundaries_area``: user-supplied old
   boundaries intersected with the new communes, weighted by the WorldPop 2020
   grid population (or by area) of each intersection;
2. ``official_note``: the table says one receiving commune took "part of the
   area and all of the population" (58 old communes): it takes everything;
3. ``receiver_population``: in proportion to the population (WorldPop 2020) of
   the receiving new communes;
4. ``equal``: equal shares.

An old commune that went whole to one new commune has ``split_method``
``whole``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.names import closest, fold, match_key, nfc, pad_code

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "RAW_CROSSWALK",
    "RAW_COMMUNES_PRE2025",
    "CROSSWALK_CSV",
    "COMMUNES_PRE2025_CSV",
    "CROSSWALK_REPORT_JSON",
    "NOTE_CATEGORIES",
    "SPLIT_METHODS",
    "classify_note",
    "clean_crosswalk",
    "clean_communes_pre2025",
    "build_crosswalk",
    "load_crosswalk",
    "load_communes_pre2025",
    "match_old_communes",
    "split_shares",
    "crosswalk_to_2025",
    "CrosswalkReport",
    "DTI_2022_2025_CSV",
    "province_weights_2025",
    "provinces_to_2025",
    "dti_2022_provinces_2025",
    "write_dti_2022_provinces_2025",
]

ADMIN_DIR = settings.ADMIN_DIR
RAW_CROSSWALK = settings.RAW_CROSSWALK
RAW_COMMUNES_PRE2025 = settings.RAW_COMMUNES_PRE2025
CROSSWALK_CSV = settings.CROSSWALK_CSV
COMMUNES_PRE2025_CSV = settings.COMMUNES_PRE2025_CSV
CROSSWALK_REPORT_JSON = settings.CROSSWALK_REPORT_JSON
POPULATION_GRID = settings.POPULATION_GRID

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
SPLIT_METHODS = (
    "whole",
    "old_boundaries_population",
    "old_boundaries_area",
    "official_note",
    "receiver_population",
    "equal",
)

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


def classify_note(note: str) -> str:
    """Normalise a ``Ghi chú`` (merge note) of the official table to a category.

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
    >>> classify_note("Nhập toàn bộ"), classify_note("Nhâp một phần  diện tích\\n")
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
    problems = []
    out = pd.DataFrame(index=body.index)
    for col, width in (("old_code", 5), ("district_code", 3), ("province_code", 2)):
        vals = []
        for row, v in body[col].items():
            try:
                vals.append(pad_code(v, width))
            except ValueError as exc:
                problems.append(f"row {row}, column {col!r}: {exc}")
                vals.append("")
        out[col] = vals
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
    row per (old code, new code) pair is kept. Two published old codes are
    typos (the rows name a neighbour's commune): where the register has the
    named commune in the same district under another code that the table does
    not otherwise use, ``old_code`` holds the register's code,
    ``old_code_published`` the code as published and ``code_corrected`` is True.

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
    >>> rep["codes_corrected"][0]["old_code_published"], rep["codes_corrected"][0]["old_code"]
    ('01615', '01651')
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

    def codes(series: pd.Series, width: int, col: str) -> list[str]:
        out = []
        for row, v in series.items():
            try:
                out.append(pad_code(v, width))
            except ValueError as exc:
                problems.append(f"row {row}, column {col!r}: {exc}")
                out.append("")
        return out

    cw = pd.DataFrame(index=pairs.index)
    cw["old_code_published"] = codes(pairs["old_code"], 5, "Mã Xã cũ")
    cw["new_code"] = codes(pairs["new_code"], 5, "Mã Xã mới")
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
            fix="correct the rows named, or extend classify_note() in divide/crosswalk.py for a new note",
        )
    dup = cw.duplicated(["old_code_published", "new_code"], keep=False)
    duplicates = [int(r) for r in cw.index[dup]]
    cw = cw[~cw.duplicated(["old_code_published", "new_code"], keep="first")]

    # Correct the old codes that are typos, using the register.
    if register is None:
        register = clean_communes_pre2025()
    cw["old_code"] = cw["old_code_published"]
    cw["code_corrected"] = False
    covered = set(cw["old_code_published"])
    uncovered = register.loc[~register.index.isin(covered)]
    corrected = []
    for row in cw.index:
        pub = cw.at[row, "old_code_published"]
        if pub in register.index and fold(register.at[pub, "old_name"]) == fold(cw.at[row, "old_name"]):
            continue
        same = uncovered[
            (uncovered["district_code"] == cw.at[row, "old_district_code"])
            & (uncovered["old_name"].map(fold) == fold(cw.at[row, "old_name"]))
        ]
        if len(same) == 1:
            cw.at[row, "old_code"] = same.index[0]
            cw.at[row, "code_corrected"] = True
            corrected.append(
                {
                    "source_row": int(row),
                    "old_name": cw.at[row, "old_name"],
                    "old_code_published": pub,
                    "old_code": same.index[0],
                    "register_name_at_published_code": register.at[pub, "old_name"] if pub in register.index else None,
                }
            )
    cw["n_new"] = cw.groupby("old_code")["new_code"].transform("nunique").astype("int64")
    cw = cw.reset_index()[CROSSWALK_COLUMNS].sort_values(["old_code", "new_code"], kind="stable").reset_index(drop=True)

    known = cw["old_code"].isin(register.index)
    name_diff = cw[known & (cw["old_name"].map(fold) != cw["old_code"].map(register["old_name"]).map(fold))]
    per_old = cw.drop_duplicates("old_code")
    reg_d = cw["old_code"].map(register["district_code"])
    reg_p = cw["old_code"].map(register["province_code"])
    place_diff = cw[known & ((cw["old_district_code"] != reg_d) | (cw["old_province_code"] != reg_p))]
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
        "old_district_or_province_differing_from_register": [
            {"source_row": int(r.source_row), "old_code": r.old_code, "published": f"{r.old_district_code}/{r.old_province_code}",
             "register": f"{register.at[r.old_code, 'district_code']}/{register.at[r.old_code, 'province_code']}"}
            for r in place_diff.itertuples()
        ],
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


def _read_communes_2025() -> pd.DataFrame:
    """The 2025 communes without geometry (code index, name, province, population)."""
    import pyogrio

    from divide.geography.communes import require_admin_layer

    df = pyogrio.read_dataframe(
        require_admin_layer(),
        layer="communes",
        columns=["commune_code", "commune_name", "province_code", "province_name", "population"],
        read_geometry=False,
    )
    return df.set_index("commune_code").sort_index()


@lru_cache(maxsize=1)
def _communes_2025_cached() -> pd.DataFrame:
    return _read_communes_2025()


def build_crosswalk(
    raw_path: str | Path = RAW_CROSSWALK,
    out_dir: str | Path = ADMIN_DIR,
    communes_path: str | Path = RAW_COMMUNES_PRE2025,
    communes_2025: pd.DataFrame | None = None,
    indicators_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Clean the official tables and write the crosswalk files with a coverage report.

    Writes ``crosswalk_2025.csv`` (one row per (old code, new code) pair),
    ``communes_pre2025.csv`` (the 10,035 pre-2025 communes) and
    ``crosswalk_2025_report.json`` (counts, corrections and coverage: old
    communes the table does not cover, new units with no predecessor) into
    ``out_dir``.

    Parameters
    ----------
    raw_path
        The conversion table as published.
    out_dir
        Folder for the three outputs (default ``data/admin``).
    communes_path
        The pre-2025 register as published.
    communes_2025
        The 2025 communes (index ``commune_code``, column ``commune_name``) to
        compare with; read from the derived GeoPackage if omitted. If that is
        missing the comparison is skipped and the report says so.
    indicators_dir
        Folder for ``dti_2022_provinces_2025.csv`` (:func:`dti_2022_provinces_2025`
        on the freshly built crosswalk; needs ``population`` and
        ``province_code`` in the 2025 communes, else skipped). Default:
        ``indicators`` next to ``out_dir`` when ``out_dir`` is a folder named
        ``admin`` (``data/indicators``), else ``out_dir`` itself.

    Returns
    -------
    dict
        The report, with the written paths under ``"files"``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     rep = build_crosswalk(out_dir=tmp)
    >>> rep["pairs"], rep["new_codes"], rep["coverage"]["new_units_without_predecessor"]
    (10565, 3316, 5)
    >>> sorted(rep["files"])
    ['communes_pre2025', 'crosswalk', 'dti_2022_provinces_2025', 'report']
    """
    out_dir = Path(out_dir)
    register = clean_communes_pre2025(communes_path)
    cw, report = clean_crosswalk(raw_path, register=register)
    report["register_source"] = Path(communes_path).name
    report["register_communes"] = int(len(register))
    report["register_by_type"] = {k: int(v) for k, v in register["old_type"].value_counts().sort_index().items()}

    coverage: dict[str, Any] = {
        "old_communes_covered": int(register.index.isin(cw["old_code"]).sum()),
        "old_communes_not_covered": report["register_communes_not_covered"],
        "old_communes_not_covered_published": report["register_communes_not_covered_published"],
    }
    if communes_2025 is None:
        try:
            communes_2025 = _read_communes_2025()
        except DataNotFoundError:
            communes_2025 = None
    if communes_2025 is None:
        coverage["comparison_with_2025_layer"] = "skipped: shapefiles/admin_2025.gpkg not built"
        coverage["new_units_without_predecessor_codes"] = sorted(
            {r["new_code"] for r in report["rows_without_old_code"]} - set(cw["new_code"])
        )
        coverage["new_units_without_predecessor"] = len(coverage["new_units_without_predecessor_codes"])
    else:
        layer = set(communes_2025.index)
        table = set(cw["new_code"])
        missing = sorted(layer - table)
        coverage["units_2025"] = len(layer)
        coverage["new_units_without_predecessor"] = len(missing)
        coverage["new_units_without_predecessor_codes"] = missing
        coverage["new_units_without_predecessor_names"] = [communes_2025.at[c, "commune_name"] for c in missing]
        coverage["new_codes_not_in_2025_layer"] = sorted(table - layer)
        names = cw.drop_duplicates("new_code").set_index("new_code")["new_name"]
        names = names[names.index.isin(layer)]
        differ = [c for c, n in names.items() if match_key(n) != match_key(communes_2025.at[c, "commune_name"])]
        coverage["new_names_differing_from_2025_layer"] = {c: [names[c], communes_2025.at[c, "commune_name"]] for c in differ}
    report["coverage"] = coverage

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "crosswalk": out_dir / CROSSWALK_CSV.name,
        "communes_pre2025": out_dir / COMMUNES_PRE2025_CSV.name,
        "report": out_dir / CROSSWALK_REPORT_JSON.name,
    }
    cw.to_csv(files["crosswalk"], index=False, encoding="utf-8", lineterminator="\n")
    register.reset_index().to_csv(files["communes_pre2025"], index=False, encoding="utf-8", lineterminator="\n")
    files["report"].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # The province-level example (not part of the JSON report, which describes the commune crosswalk).
    if communes_2025 is not None and {"population", "province_code", "province_name"} <= set(communes_2025.columns):
        if indicators_dir is None:
            indicators_dir = out_dir.parent / "indicators" if out_dir.name == "admin" else out_dir
        weights = province_weights_2025(cw, register, communes_2025)
        files["dti_2022_provinces_2025"] = write_dti_2022_provinces_2025(
            Path(indicators_dir) / DTI_2022_2025_CSV.name, province_weights=weights
        )
    report["files"] = {k: str(v) for k, v in files.items()}
    return report


_CODE_WIDTHS = {"old_code": 5, "new_code": 5, "old_code_published": 5, "old_district_code": 3,
                "old_province_code": 2, "new_province_code": 2, "district_code": 3, "province_code": 2}


def _read_clean_csv(path: Path) -> pd.DataFrame:
    dtypes = {c: str for c in _CODE_WIDTHS}
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8")


@lru_cache(maxsize=4)
def _load_crosswalk_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    if p.exists():
        df = _read_clean_csv(p)
        df["code_corrected"] = df["code_corrected"].astype(bool)
        df["note_raw"] = df["note_raw"].fillna("")
        df["note"] = df["note"].fillna("")
        return df
    if p == CROSSWALK_CSV and RAW_CROSSWALK.exists():  # not built yet: clean in memory
        return clean_crosswalk()[0]
    raise DataNotFoundError("the cleaned crosswalk is missing", path=p, fix="run divide.geography.crosswalk.build_crosswalk()")


def load_crosswalk(path: str | Path | None = None) -> pd.DataFrame:
    """Load the cleaned old → new commune crosswalk (one row per pair).

    Parameters
    ----------
    path
        A file written by :func:`build_crosswalk`; default
        ``data/admin/crosswalk_2025.csv`` (cleaned from the raw table in memory
        if it has not been built).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CROSSWALK_COLUMNS`; codes are zero-padded strings.

    Examples
    --------
    >>> cw = load_crosswalk()
    >>> cw.loc[cw["old_code"] == "00016", ["new_code", "note_category", "n_new"]].values.tolist()
    [['00004', 'part', 2], ['00008', 'part', 2]]
    """
    return _load_crosswalk_cached(str(Path(path) if path else CROSSWALK_CSV)).copy()


@lru_cache(maxsize=4)
def _load_pre2025_cached(path: str) -> pd.DataFrame:
    p = Path(path)
    if p.exists():
        return _read_clean_csv(p).set_index("old_code").fillna({"old_name_en": ""})
    if p == COMMUNES_PRE2025_CSV and RAW_COMMUNES_PRE2025.exists():
        return clean_communes_pre2025()
    raise DataNotFoundError("the cleaned pre-2025 commune list is missing", path=p, fix="run divide.geography.crosswalk.build_crosswalk()")


def load_communes_pre2025(path: str | Path | None = None) -> pd.DataFrame:
    """Load the 10,035 communes in force before 2025-07-01 (no geometry).

    Parameters
    ----------
    path
        A file written by :func:`build_crosswalk`; default
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


# --------------------------------------------------------------------------- names

_ABBREVIATIONS = {
    "p": "phường", "x": "xã", "tt": "thị trấn", "tx": "thị xã", "tp": "thành phố", "q": "quận", "h": "huyện",
}
_ABBR_RE = re.compile(r"^(tp|tx|tt|p|x|q|h)(?:\.\s*|\s+)(?=\S)")


def _full_key(name: str) -> str:
    """Folded name with its prefix written out: 'P. 01' -> 'phuong 1'."""
    text = nfc(name).lower()
    text = _ABBR_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)] + " ", text, count=1)
    key = fold(text).replace(".", " ")
    key = re.sub(r"\b0+(\d)", r"\1", key)
    return re.sub(r"\s+", " ", key).strip()


def _exact_key(name: str) -> str:
    """Name with diacritics kept, lower case, prefix written out: 'P. Sa Pả' -> 'phường sa pả'."""
    text = nfc(name).lower()
    text = _ABBR_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)] + " ", text, count=1)
    text = re.sub(r"\b0+(\d)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


_WRITTEN_PREFIX_RE = re.compile(r"^(?:thành phố|thị trấn|thị xã|đặc khu|phường|huyện|quận|tỉnh|xã)\s+(?=\S)")


def _bare_key(name: str) -> str:
    """Name with diacritics kept and its prefix removed: 'Phường Sa Pả' -> 'sa pả'."""
    return _WRITTEN_PREFIX_RE.sub("", _exact_key(name), count=1)


@dataclass
class _NameIndex:
    exact: dict[str, dict[str, set[str]]]
    bare: dict[str, dict[str, set[str]]]
    full: dict[str, dict[str, set[str]]]
    loose: dict[str, dict[str, set[str]]]
    names: dict[str, dict[str, str]]  # level -> code -> display name


#: Former names of pre-2025 provinces (code -> name) still found in older tables.
_PROVINCE_ALIASES = {"46": "Tỉnh Thừa Thiên Huế"}


@lru_cache(maxsize=2)
def _name_index(register_path: str | None, crosswalk_path: str | None) -> _NameIndex:
    reg = load_communes_pre2025(register_path)
    cw = load_crosswalk(crosswalk_path)
    levels = {
        "province": reg["province_name"],
        "district": reg["district_name"],
        "commune": reg["old_name"],
    }
    exact: dict[str, dict[str, set[str]]] = {}
    bare: dict[str, dict[str, set[str]]] = {}
    full: dict[str, dict[str, set[str]]] = {}
    loose: dict[str, dict[str, set[str]]] = {}
    for level, series in levels.items():
        e: dict[str, set[str]] = {}
        b: dict[str, set[str]] = {}
        f: dict[str, set[str]] = {}
        lo: dict[str, set[str]] = {}
        for code, name in series.items():
            e.setdefault(_exact_key(name), set()).add(code)
            b.setdefault(_bare_key(name), set()).add(code)
            f.setdefault(_full_key(name), set()).add(code)
            lo.setdefault(match_key(name), set()).add(code)
        exact[level], bare[level], full[level], loose[level] = e, b, f, lo
    # The crosswalk's spellings of old commune names are accepted too.
    alias = cw[cw["old_code"].isin(reg.index)].drop_duplicates(["old_code", "old_name"])
    for code, name in zip(alias["old_code"], alias["old_name"]):
        exact["commune"].setdefault(_exact_key(name), set()).add(code)
        bare["commune"].setdefault(_bare_key(name), set()).add(code)
        full["commune"].setdefault(_full_key(name), set()).add(code)
        loose["commune"].setdefault(match_key(name), set()).add(code)
    # Province names as written in the crosswalk, and former names still in use.
    prov_codes = reg.groupby("province_code").groups
    aliases = dict(zip(cw["old_province_code"], cw["old_province_name"]))
    aliases.update(_PROVINCE_ALIASES)
    for pcode, name in aliases.items():
        members = set(prov_codes.get(pcode, ()))
        for table, key in ((exact, _exact_key), (bare, _bare_key), (full, _full_key), (loose, match_key)):
            table["province"].setdefault(key(name), set()).update(members)
    names = {lvl: dict(zip(reg.index, s)) for lvl, s in levels.items()}
    return _NameIndex(exact, bare, full, loose, names)


def _describe(codes: Iterable[str], idx: _NameIndex) -> str:
    return "; ".join(
        f"{idx.names['commune'][c]}, {idx.names['district'][c]}, {idx.names['province'][c]} ({c})" for c in sorted(codes)
    )


def _match_one(values: tuple[Any, Any, Any], idx: _NameIndex) -> tuple[str | None, str, str]:
    """Return (old_code or None, status, note); status: matched, approximate, ambiguous, not_found."""
    cands: set[str] | None = None
    notes = []
    for level, value in zip(("province", "district", "commune"), values):
        if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
            if level == "commune":
                return None, "not_found", "no commune name"
            continue
        value = str(value)
        hit: set[str] = set()
        # Tiers: (index, key, whether a hit ignores a written prefix).
        tiers = [(idx.exact, _exact_key, False), (idx.full, _full_key, False), (idx.loose, match_key, True)]
        if not nfc(value).isascii():  # diacritics were typed: they count
            tiers.insert(1, (idx.bare, _bare_key, True))
        for table, key, bare in tiers:
            found = table[level].get(key(value), set())
            hit = found if cands is None else found & cands
            if hit:
                if bare and (match_key(value) != _full_key(value)):
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
        hk = tuple(None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in k)
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


# --------------------------------------------------------------------------- shares


def _overlay_weights(
    pairs: pd.DataFrame,
    old_boundaries: gpd.GeoDataFrame,
    overlay: str,
    grid: Path,
) -> tuple[pd.Series, pd.Series]:
    """Weight of each (old, new) pair from the old boundaries, and grid population per old polygon."""
    import geopandas as gpd
    import shapely

    from divide.geography.communes import load_communes

    new = load_communes()
    old = old_boundaries.to_crs(settings.GEOGRAPHIC_CRS) if old_boundaries.crs is not None else old_boundaries
    old_geom = old.geometry
    p = pairs[pairs["old_code"].isin(old_geom.index) & pairs["new_code"].isin(new.index)]
    inter = shapely.intersection(
        shapely.make_valid(old_geom.reindex(p["old_code"]).values),
        new.geometry.reindex(p["new_code"]).values,
    )
    frame = gpd.GeoDataFrame({"pair": np.arange(len(p))}, geometry=inter, crs=settings.GEOGRAPHIC_CRS)
    if overlay == "area":
        w = frame.geometry.to_crs(settings.PROJECTED_CRS).area.to_numpy() / 1e6
        pop_old = pd.Series(dtype="float64")
    else:
        w = _zonal_sum(frame, grid)
        pop_old = pd.Series(_zonal_sum(gpd.GeoDataFrame(geometry=old_geom.values, crs=settings.GEOGRAPHIC_CRS), grid),
                            index=old_geom.index)
    return pd.Series(w, index=p.index, dtype="float64"), pop_old


def _polygonal(geoms: Any) -> np.ndarray:
    """Keep the polygon parts of each geometry, as MultiPolygons (exactextract wants one type)."""
    import shapely

    out = []
    for g in np.asarray(geoms, dtype=object):
        if g is None or g.is_empty:
            out.append(shapely.MultiPolygon())
            continue
        parts = shapely.get_parts(shapely.get_parts(g))  # collections, then multi-parts
        polys = [q for q in parts if shapely.get_type_id(q) == 3 and not q.is_empty]
        out.append(shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon())
    return np.array(out, dtype=object)


def _zonal_sum(frame: gpd.GeoDataFrame, grid: Path) -> np.ndarray:
    from exactextract import exact_extract

    frame = frame.set_geometry(_polygonal(frame.geometry.values), crs=frame.crs)

    if not Path(grid).exists():
        raise DataNotFoundError("population grid is missing", path=grid, fix="restore data/population/")
    empty = frame.geometry.is_empty.to_numpy() | frame.geometry.isna().to_numpy()
    out = np.zeros(len(frame))
    if (~empty).any():
        res = exact_extract(str(grid), frame[~empty].reset_index(drop=True), "sum", output="pandas")
        out[~empty] = res["sum"].fillna(0.0).clip(lower=0).to_numpy()
    return out


def split_shares(
    crosswalk: pd.DataFrame | None = None,
    old_boundaries: gpd.GeoDataFrame | None = None,
    overlay: str = "population",
    use_notes: bool = True,
    receiver_population: pd.Series | None = None,
    grid: str | Path = POPULATION_GRID,
) -> pd.DataFrame:
    """Share of each old commune that went to each of its new communes.

    Parameters
    ----------
    crosswalk
        The pairs (:func:`load_crosswalk` if omitted).
    old_boundaries
        Optional polygons of old communes, indexed by old code.
    overlay
        ``"population"`` (WorldPop 2020 grid in each intersection) or ``"area"``.
    use_notes
        Give everything to a receiver noted "part of the area, all of the population".
    receiver_population
        Population of the new communes (default: WorldPop 2020 from the 2025 layer).
    grid
        Population grid for the population overlay.

    Returns
    -------
    pandas.DataFrame
        The pairs with ``share`` (summing to 1 per old commune) and ``split_method``.

    Examples
    --------
    >>> s = split_shares()
    >>> s.groupby("old_code")["share"].sum().round(12).eq(1).all()
    np.True_
    >>> s["split_method"].value_counts().to_dict()
    {'whole': 9596, 'receiver_population': 844, 'official_note': 125}
    """
    return _split_shares(crosswalk, old_boundaries, overlay, use_notes, receiver_population, grid)[0]


def _split_shares(
    crosswalk: pd.DataFrame | None,
    old_boundaries: gpd.GeoDataFrame | None,
    overlay: str,
    use_notes: bool,
    receiver_population: pd.Series | None,
    grid: str | Path = POPULATION_GRID,
) -> tuple[pd.DataFrame, pd.Series | None]:
    if overlay not in ("population", "area"):
        raise InputError(f"overlay must be 'population' or 'area', not {overlay!r}")
    cw = load_crosswalk() if crosswalk is None else crosswalk
    pairs = cw[["old_code", "new_code", "note_category"]].copy()
    n = pairs.groupby("old_code")["new_code"].transform("size")
    pairs["share"] = np.where(n == 1, 1.0, np.nan)
    pairs["split_method"] = np.where(n == 1, "whole", "")
    pop_old = None
    todo = pairs["share"].isna()

    if old_boundaries is not None:
        w, pop_old = _overlay_weights(pairs[todo], old_boundaries, overlay, Path(grid))
        tot = w.groupby(pairs.loc[w.index, "old_code"]).transform("sum")
        ok = tot > 0
        idx = w.index[ok]
        # Only old communes whose every pair got an overlay weight.
        full = pairs.loc[todo].groupby("old_code")["new_code"].transform("size")
        got = pd.Series(1, index=idx).groupby(pairs.loc[idx, "old_code"]).transform("size")
        idx = idx[(got == full.reindex(idx)).to_numpy()]
        pairs.loc[idx, "share"] = (w[idx] / tot[idx]).to_numpy()
        pairs.loc[idx, "split_method"] = f"old_boundaries_{overlay}"
        todo = pairs["share"].isna()

    if use_notes:
        allpop = todo & (pairs["note_category"] == "part_of_area_all_population")
        olds = pairs.loc[allpop, "old_code"]
        single = olds[~olds.duplicated(keep=False)]
        rows = todo & pairs["old_code"].isin(single)
        pairs.loc[rows, "share"] = np.where(pairs.loc[rows, "note_category"] == "part_of_area_all_population", 1.0, 0.0)
        pairs.loc[rows, "split_method"] = "official_note"
        todo = pairs["share"].isna()

    if todo.any():
        if receiver_population is None:
            receiver_population = _communes_2025_cached()["population"]
        pop = pairs.loc[todo, "new_code"].map(receiver_population).fillna(0.0).clip(lower=0).astype("float64")
        tot = pop.groupby(pairs.loc[todo, "old_code"]).transform("sum")
        ok = tot > 0
        idx = pop.index[ok.to_numpy()]
        pairs.loc[idx, "share"] = (pop[idx] / tot[idx]).to_numpy()
        pairs.loc[idx, "split_method"] = "receiver_population"
        todo = pairs["share"].isna()
    if todo.any():
        k = pairs.loc[todo].groupby("old_code")["new_code"].transform("size")
        pairs.loc[todo, "share"] = 1.0 / k
        pairs.loc[todo, "split_method"] = "equal"
    pairs["share"] = pairs["share"].astype("float64")
    return pairs, pop_old


# --------------------------------------------------------------------------- conversion


@dataclass
class CrosswalkReport:
    """Reconciliation of a conversion: what happened to every input row.

    Attributes
    ----------
    rows
        One row per input row (same index): ``row`` (1-based position),
        ``input`` (the code or names as given), ``old_code``, ``status``
        (``mapped``, ``repaired``, ``rejected``), ``reason``, ``n_new`` (new
        communes it went to) and ``split_method``.
    totals
        Per extensive column: total of the input, of the accepted rows, of the
        output, and the difference (accepted − output).
    weights_basis
        What the intensive columns were weighted by.
    parameters
        The arguments of the call.
    """

    rows: pd.DataFrame
    totals: pd.DataFrame
    weights_basis: str
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Rows by status, plus how many were split (approximate)."""
        s = self.rows["status"]
        return {
            "rows": int(len(s)),
            "mapped": int((s == "mapped").sum()),
            "repaired": int((s == "repaired").sum()),
            "rejected": int((s == "rejected").sum()),
            "split": int(((s != "rejected") & (self.rows["n_new"] > 1)).sum()),
        }

    @property
    def exit_code(self) -> int:
        """0 if every row was mapped, 1 if some were not."""
        return 1 if self.counts["rejected"] else 0

    @property
    def rejected(self) -> pd.DataFrame:
        """The rows not mapped, with the reason."""
        return self.rows[self.rows["status"] == "rejected"]

    def summary(self, max_rows: int = 10) -> str:
        """A short text reconciliation for people."""
        c = self.counts
        lines = [
            f"{c['rows']} input rows: {c['mapped']} mapped, {c['repaired']} repaired, {c['rejected']} not mapped "
            f"({c['mapped'] + c['repaired'] + c['rejected']} = {c['rows']})",
            f"{c['split']} old communes split across several new ones; methods: "
            + ", ".join(f"{k} {v}" for k, v in self.rows.loc[self.rows["status"] != "rejected", "split_method"].value_counts().items()),
            f"intensive columns weighted by: {self.weights_basis}",
        ]
        for col, r in self.totals.iterrows():
            lines.append(
                f"{col}: total of mapped rows {r['accepted_total']:,.2f}, on the 2025 map {r['output_total']:,.2f} "
                f"(difference {r['difference']:.2g})"
                + (f"; {r['rejected_total']:,.2f} in rows not mapped" if r["rejected_total"] else "")
            )
        rej = self.rejected
        for _, r in rej.head(max_rows).iterrows():
            lines.append(f"  row {r['row']} ({r['input']}): {r['reason']}")
        if len(rej) > max_rows:
            lines.append(f"  ... and {len(rej) - max_rows} more rows not mapped")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CrosswalkReport({self.counts})"


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


def _normalise_code(value: Any) -> tuple[str | None, str]:
    """Return (5-digit code or None, note) for a code cell."""
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


def _conservation(values: pd.DataFrame, ok: pd.Series, out: pd.DataFrame, extensive: Sequence[str]) -> pd.DataFrame:
    """Totals of each extensive column: input, accepted, rejected, on the new map, and the difference."""
    totals = pd.DataFrame(
        {
            "input_total": [values[c].sum() for c in extensive],
            "accepted_total": [values.loc[ok, c].sum() for c in extensive],
            "rejected_total": [values.loc[~ok, c].sum() for c in extensive],
            "output_total": [out[c].sum() for c in extensive],
        },
        index=pd.Index(list(extensive), name="column"),
    )
    totals["difference"] = totals["accepted_total"] - totals["output_total"]
    return totals


def crosswalk_to_2025(
    table: pd.DataFrame,
    code_column: str | None = None,
    extensive: str | Sequence[str] = (),
    intensive: str | Sequence[str] = (),
    weights: str | None = None,
    old_boundaries: gpd.GeoDataFrame | str | Path | None = None,
    *,
    boundary_code_column: str | None = None,
    overlay: str = "population",
    name_columns: Sequence[str | None] | None = None,
    use_notes: bool = True,
    integer_counts: bool = False,
    source: str | Path | None = None,
) -> tuple[pd.DataFrame, CrosswalkReport]:
    """Bring a table of pre-2025 communes onto the 3,321 communes of 2025.

    Parameters
    ----------
    table
        One row per old commune.
    code_column
        Column with the pre-2025 5-digit commune code (numbers are zero-padded
        and reported as repaired).
    extensive
        Count columns: split across the receiving communes, then summed.
        Totals of the accepted rows are conserved.
    intensive
        Rate/share/score columns: averaged, weighted by the population that
        moved (``weights`` × share).
    weights
        Column with the population (or another weight) of each old commune.
        Without it: the grid population of ``old_boundaries`` if given (and
        ``overlay="population"``), else every old commune weighs the same.
    old_boundaries
        Polygons of the old communes (GeoDataFrame or file), used to split
        partly merged communes (see the module notes).
    boundary_code_column
        Column of ``old_boundaries`` with the old code (default: its index).
    overlay
        ``"population"`` or ``"area"`` weighting of the boundary overlay.
    name_columns
        Instead of ``code_column``: ``(province, district, commune)`` column
        names (``None`` for one that is absent) of old names.
    use_notes
        Use the official "all of the population" note to split (see module notes).
    integer_counts
        Round split counts to integers by the largest-remainder rule, so that
        each old commune's integer count is conserved exactly.
    source
        File the table came from, named in messages.

    Returns
    -------
    (pandas.DataFrame, CrosswalkReport)
        The new communes that received values, indexed by ``commune_code``,
        with ``commune_name``, ``province_code``, ``province_name``, the
        extensive and intensive columns, ``n_sources`` (input rows that fed
        it), ``n_split_sources`` (of those, split ones), ``predecessors``
        (old communes in the crosswalk) and ``complete`` (all of them were in
        the input); and the reconciliation of every input row.

    Raises
    ------
    InputError
        When the table cannot be used at all (a named column is missing, a
        value column is not numeric).

    Examples
    --------
    >>> t = pd.DataFrame({"ma": ["00004", 16, "99999"], "pop": [6000, 10000, 5],
    ...                   "rate": [0.5, 0.8, 0.1]})
    >>> out, rep = crosswalk_to_2025(t, "ma", extensive="pop", intensive="rate", weights="pop")
    >>> rep.counts
    {'rows': 3, 'mapped': 1, 'repaired': 1, 'rejected': 1, 'split': 1}
    >>> round(out["pop"].sum()), rep.exit_code
    (16000, 1)
    >>> rep.rejected["reason"].iloc[0]
    "unknown code '99999': neither a pre-2025 nor a 2025 commune code"
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(table).__name__}", path=source)
    extensive = _as_list(extensive)
    intensive = _as_list(intensive)
    if not extensive and not intensive:
        raise InputError("no value columns given", path=source, fix="name at least one extensive or intensive column")
    if (code_column is None) == (name_columns is None):
        raise InputError("give either a code column or name columns", path=source,
                         fix="code_column='ma_xa' or name_columns=('tinh', 'huyen', 'xa')")
    if name_columns is not None:
        name_columns = list(name_columns)
        if len(name_columns) == 2:
            name_columns = [name_columns[0], None, name_columns[1]]
        if len(name_columns) != 3 or name_columns[2] is None:
            raise InputError("name_columns must be (province, district, commune); district and province may be None",
                             path=source)
    used = [c for c in [code_column, *(name_columns or []), *extensive, *intensive, weights] if c is not None]
    missing = [c for c in dict.fromkeys(used) if c not in table.columns]
    if missing:
        hints = {c: closest(str(c), [str(x) for x in table.columns], 1) for c in missing}
        raise InputError(
            "column(s) not in the table: " + ", ".join(repr(c) for c in missing),
            path=source,
            fix="; ".join(f"{c!r}: did you mean {h[0]!r}?" if h else f"{c!r}: not found" for c, h in hints.items())
            + " (columns: " + ", ".join(map(str, table.columns)) + ")",
        )
    overlap = set(extensive) & set(intensive)
    if overlap:
        raise InputError(f"column(s) {sorted(overlap)} given as both extensive and intensive", path=source)
    if len(table) == 0:
        raise InputError("the table has no rows", path=source)

    cw = load_crosswalk()
    reg = load_communes_pre2025()
    new = _communes_2025_cached()
    old_codes = set(cw["old_code"])
    n_new_of = cw.groupby("old_code")["new_code"].nunique()

    rows = pd.DataFrame(index=table.index)
    rows["row"] = np.arange(1, len(table) + 1)
    status = np.array(["mapped"] * len(table), dtype=object)
    reasons: list[list[str]] = [[] for _ in range(len(table))]
    codes: list[str | None] = [None] * len(table)

    # 1. Which old commune each row is.
    if code_column is not None:
        rows["input"] = [str(v) for v in table[code_column]]
        for i, v in enumerate(table[code_column]):
            code, note = _normalise_code(v)
            if code is None:
                status[i] = "rejected"
                reasons[i].append(note if note == "no code" else f"not a commune code: {note}")
                continue
            if note:
                status[i] = "repaired"
                reasons[i].append(note)
            if code in old_codes:
                codes[i] = code
            elif code in reg.index:
                status[i] = "rejected"
                reasons[i].append(f"pre-2025 code {code!r} ({reg.at[code, 'old_name']}) is not in the crosswalk table")
            elif code in new.index:
                status[i] = "rejected"
                reasons[i].append(
                    f"{code!r} is a 2025 code ({new.at[code, 'commune_name']}, {new.at[code, 'province_name']}), "
                    "not a pre-2025 one: this row may already be on the 2025 map"
                )
            else:
                status[i] = "rejected"
                reasons[i].append(f"unknown code {code!r}: neither a pre-2025 nor a 2025 commune code")
    else:
        p_col, d_col, c_col = name_columns
        rows["input"] = [
            " / ".join(str(v) for v in vals if v is not None and not (isinstance(v, float) and math.isnan(v)))
            for vals in zip(*(table[c] if c else [None] * len(table) for c in (p_col, d_col, c_col)))
        ]
        m = match_old_communes(table, commune=c_col, district=d_col, province=p_col)
        for i, (code, how, note) in enumerate(zip(m["old_code"], m["match"], m["match_note"])):
            if code is None:
                status[i] = "rejected"
                reasons[i].append(("ambiguous name: " if how == "ambiguous" else "") + note)
            elif code not in old_codes:
                status[i] = "rejected"
                reasons[i].append(f"{reg.at[code, 'old_name']} ({code}) is not in the crosswalk table")
            else:
                codes[i] = code
                if how == "approximate":
                    status[i] = "repaired"
                    reasons[i].append(note)
    rows["old_code"] = pd.Series(codes, index=table.index, dtype=object)

    # 2. Values: numeric, not negative for counts.
    values = pd.DataFrame(index=table.index)
    for col in dict.fromkeys([*extensive, *intensive, *([weights] if weights else [])]):
        raw = table[col]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        given = raw.notna() & (raw.astype(str).str.strip() != "")
        bad = given & num.isna()
        if bad.all():
            raise InputError(
                f"column {col!r} holds no numbers (first value {raw.iloc[0]!r})",
                path=source,
                where=f"column {col!r}",
                fix="name a numeric column, or remove thousands separators and units from its cells",
            )
        for i in np.flatnonzero(bad.to_numpy()):
            status[i] = "rejected"
            reasons[i].append(f"not a number in column {col!r}: {raw.iloc[i]!r}")
        if col in extensive or col == weights:
            neg = (num < 0).to_numpy()
            for i in np.flatnonzero(neg):
                status[i] = "rejected"
                reasons[i].append(f"negative {'count' if col in extensive else 'weight'} in column {col!r}: {num.iloc[i]:g}")
        if integer_counts and col in extensive:
            frac = (num.notna() & (num != np.floor(num))).to_numpy()
            for i in np.flatnonzero(frac):
                status[i] = "rejected"
                reasons[i].append(f"integer_counts: {col!r} is not a whole number: {num.iloc[i]:g}")
        values[col] = num

    # 3. Duplicated old codes.
    valcols = list(values.columns)
    live = pd.Series(status != "rejected", index=table.index) & rows["old_code"].notna()
    dup_codes = rows.loc[live, "old_code"]
    for code, grp in dup_codes.groupby(dup_codes).groups.items():
        if len(grp) < 2:
            continue
        pos = [table.index.get_loc(g) for g in grp]
        block = values.loc[grp, valcols]
        same = all(block.iloc[0].equals(block.iloc[j]) for j in range(1, len(block)))
        if same:
            for p in pos[1:]:
                status[p] = "rejected"
                reasons[p].append(f"duplicate of row {pos[0] + 1} (old code {code}, same values): counted once")
        else:
            rown = ", ".join(str(p + 1) for p in pos)
            for p in pos:
                status[p] = "rejected"
                reasons[p].append(f"old code {code} appears in rows {rown} with different values: keep one row")

    rows["status"] = status
    rows["reason"] = ["; ".join(r) for r in reasons]
    ok = rows["status"] != "rejected"

    # 4. Shares.
    boundaries = None
    if old_boundaries is not None:
        boundaries = _read_boundaries(old_boundaries, boundary_code_column)
    shares, old_pop = _split_shares(cw, boundaries, overlay, use_notes, new["population"])
    rows["n_new"] = rows["old_code"].map(n_new_of).fillna(0).astype("int64")
    method = shares.drop_duplicates("old_code").set_index("old_code")["split_method"]
    rows["split_method"] = rows["old_code"].map(method).where(ok, "")
    rows.loc[~ok, "n_new"] = 0

    acc = values.loc[ok].copy()
    acc["old_code"] = rows.loc[ok, "old_code"]
    acc["_row"] = rows.loc[ok, "row"]
    pairs = acc.merge(shares[["old_code", "new_code", "share"]], on="old_code", how="inner")
    pairs["_split"] = pairs["old_code"].map(n_new_of) > 1

    # Weights for the intensive columns.
    if weights:
        w_old = pairs[weights]
        basis = f"column {weights!r} × share that moved"
    elif old_pop is not None and len(old_pop) and acc["old_code"].isin(old_pop.index).all():
        w_old = pairs["old_code"].map(old_pop)
        basis = "WorldPop 2020 population of the old boundaries × share that moved"
    else:
        w_old = pd.Series(1.0, index=pairs.index)
        basis = "share that moved (every old commune weighs the same; pass weights= for population weighting)"
    pairs["_w"] = w_old.astype("float64") * pairs["share"]

    out = pd.DataFrame(index=pd.Index(sorted(pairs["new_code"].unique()), name="commune_code"))
    g = pairs.groupby("new_code")
    for col in extensive:
        if integer_counts:
            pairs[col] = _largest_remainder(pairs, col)
        else:
            pairs[col] = pairs[col] * pairs["share"]
        out[col] = pairs.groupby("new_code")[col].sum(min_count=1)
    for col in intensive:
        valid = pairs[col].notna() & pairs["_w"].notna() & (pairs["_w"] > 0)
        num = (pairs[col] * pairs["_w"]).where(valid).groupby(pairs["new_code"]).sum(min_count=1)
        den = pairs["_w"].where(valid).groupby(pairs["new_code"]).sum(min_count=1)
        out[col] = num / den
    out["n_sources"] = g["old_code"].nunique()
    out["n_split_sources"] = pairs[pairs["_split"]].groupby("new_code")["old_code"].nunique().reindex(out.index).fillna(0).astype("int64")
    pred = cw.groupby("new_code")["old_code"].nunique()
    out["predecessors"] = pred.reindex(out.index).astype("int64")
    out["complete"] = out["n_sources"] == out["predecessors"]
    info = new.reindex(out.index)[["commune_name", "province_code", "province_name"]]
    out = pd.concat([info, out], axis=1)

    totals = _conservation(values, ok, out, extensive)
    report = CrosswalkReport(
        rows=rows[["row", "input", "old_code", "status", "reason", "n_new", "split_method"]],
        totals=totals,
        weights_basis=basis,
        parameters={
            "code_column": code_column,
            "name_columns": name_columns,
            "extensive": extensive,
            "intensive": intensive,
            "weights": weights,
            "old_boundaries": None if old_boundaries is None else (str(old_boundaries) if isinstance(old_boundaries, (str, Path)) else "GeoDataFrame"),
            "overlay": overlay,
            "use_notes": use_notes,
            "integer_counts": integer_counts,
            "source": None if source is None else str(source),
        },
    )
    return out, report


def _largest_remainder(pairs: pd.DataFrame, col: str) -> pd.Series:
    """Split integer counts by share so that each old commune's count is kept exactly."""
    raw = pairs[col] * pairs["share"]
    out = np.floor(raw)
    split = pairs["_split"].to_numpy() & pairs[col].notna().to_numpy()
    if split.any():
        sub = pd.DataFrame({"old": pairs["old_code"][split], "v": pairs[col][split], "raw": raw[split], "fl": out[split]})
        sub["rem"] = sub["raw"] - sub["fl"]
        for _, grp in sub.groupby("old"):
            left = int(round(grp["v"].iloc[0] - grp["fl"].sum()))
            if left > 0:
                top = grp.sort_values("rem", ascending=False, kind="stable").index[:left]
                out.loc[top] += 1
    return out.where(pairs[col].notna())


def _read_boundaries(old_boundaries: Any, code_column: str | None) -> gpd.GeoDataFrame:
    import geopandas as gpd

    path = None
    if isinstance(old_boundaries, (str, Path)):
        path = Path(old_boundaries)
        if not path.exists():
            raise InputError("old boundary file not found", path=path, fix="check the path")
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types
            raise InputError(f"cannot read old boundaries: {exc}", path=path, fix="give a GeoPackage, Shapefile or GeoJSON") from exc
    elif isinstance(old_boundaries, gpd.GeoDataFrame):
        gdf = old_boundaries
    else:
        raise InputError(f"old_boundaries must be a GeoDataFrame or a file, not {type(old_boundaries).__name__}")
    if code_column is not None:
        if code_column not in gdf.columns:
            raise InputError(f"column {code_column!r} not in the old boundaries", path=path,
                             fix="columns: " + ", ".join(map(str, gdf.columns)))
        gdf = gdf.set_index(code_column)
    if gdf.crs is None:
        raise InputError("old boundaries have no CRS", path=path, fix="set it (for example gdf.set_crs('EPSG:4326'))")
    bad = []
    idx = []
    for v in gdf.index:
        code, _ = _normalise_code(v)
        if code is None:
            bad.append(str(v))
        idx.append(code)
    if bad:
        raise InputError(f"old boundaries: {len(bad)} code(s) are not commune codes: {bad[:5]}", path=path,
                         where=f"column {code_column!r}" if code_column else "index",
                         fix="use the 5-digit pre-2025 code (boundary_code_column=...)")
    gdf = gdf.set_axis(pd.Index(idx, name="old_code"))
    gdf = gdf[~gdf.index.duplicated(keep="first")]
    return gdf[[gdf.geometry.name]]


# --------------------------------------------------------------------------- provinces

INDICATORS_DIR = settings.INDICATORS_DIR
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
    new = _communes_2025_cached() if communes_2025 is None else communes_2025
    pop = pd.to_numeric(new["population"], errors="coerce").fillna(0.0).clip(lower=0).astype("float64")
    shares, _ = _split_shares(cw, None, "population", True, pop)
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
    spellings = [*names.items(), *zip(cw["old_province_code"], cw["old_province_name"]), *_PROVINCE_ALIASES.items()]
    for code, name in spellings:
        if code in names:
            keys.setdefault(match_key(name), code)
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
    code = keys.get(match_key(text))
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
) -> tuple[pd.DataFrame, CrosswalkReport]:
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
        "Ha Noi": compared with :func:`divide.geography.names.match_key`) or its 2-digit
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
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(table).__name__}", path=source)
    extensive = _as_list(extensive)
    intensive = _as_list(intensive)
    if not extensive and not intensive:
        raise InputError("no value columns given", path=source, fix="name at least one extensive or intensive column")
    overlap = set(extensive) & set(intensive)
    if overlap:
        raise InputError(f"column(s) {sorted(overlap)} given as both extensive and intensive", path=source)
    used = [c for c in [province_column, *extensive, *intensive, weights] if c is not None]
    missing = [c for c in dict.fromkeys(used) if c not in table.columns]
    if missing:
        raise InputError("column(s) not in the table: " + ", ".join(repr(c) for c in missing), path=source,
                         fix="columns: " + ", ".join(map(str, table.columns)))
    if len(table) == 0:
        raise InputError("the table has no rows", path=source)

    keys, names = _province_keys()
    w = province_weights_2025() if province_weights is None else province_weights
    n_new_of = w.groupby("old_province_code")["province_code"].nunique()

    rows = pd.DataFrame(index=table.index)
    rows["row"] = np.arange(1, len(table) + 1)
    rows["input"] = [str(v) for v in table[province_column]]
    status = np.array(["mapped"] * len(table), dtype=object)
    reasons: list[list[str]] = [[] for _ in range(len(table))]
    codes: list[str | None] = []
    for i, v in enumerate(table[province_column]):
        code, note = _match_province(v, keys, names)
        codes.append(code)
        if code is None:
            status[i] = "rejected"
        elif note:
            status[i] = "repaired"
        if note:
            reasons[i].append(note)
    rows["old_code"] = pd.Series(codes, index=table.index, dtype=object)

    values = pd.DataFrame(index=table.index)
    for col in dict.fromkeys([*extensive, *intensive, *([weights] if weights else [])]):
        raw = table[col]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = raw.notna() & (raw.astype(str).str.strip() != "") & num.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            status[i] = "rejected"
            reasons[i].append(f"not a number in column {col!r}: {raw.iloc[i]!r}")
        if col in extensive or col == weights:
            for i in np.flatnonzero((num < 0).to_numpy()):
                status[i] = "rejected"
                reasons[i].append(f"negative value in column {col!r}: {num.iloc[i]:g}")
        values[col] = num

    live = pd.Series(status != "rejected", index=table.index) & rows["old_code"].notna()
    dup = rows.loc[live, "old_code"]
    for code, grp in dup.groupby(dup).groups.items():
        if len(grp) < 2:
            continue
        pos = [table.index.get_loc(g) for g in grp]
        block = values.loc[grp]
        same = all(block.iloc[0].equals(block.iloc[j]) for j in range(1, len(block)))
        for p in (pos[1:] if same else pos):
            status[p] = "rejected"
            reasons[p].append(
                f"duplicate of row {pos[0] + 1} (province {code}, same values): counted once" if same else
                f"province {code} appears in rows {', '.join(str(q + 1) for q in pos)} with different values: keep one row"
            )
    rows["status"] = status
    rows["reason"] = ["; ".join(r) for r in reasons]
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
    for col in extensive:
        out[col] = (pairs[col] * pairs["old_share"]).groupby(pairs["province_code"]).sum(min_count=1)
    for col in intensive:
        valid = pairs[col].notna() & pairs["_w"].notna() & (pairs["_w"] > 0)
        num = (pairs[col] * pairs["_w"]).where(valid).groupby(pairs["province_code"]).sum(min_count=1)
        den = pairs["_w"].where(valid).groupby(pairs["province_code"]).sum(min_count=1)
        out[col] = num / den
    g = w.groupby("province_code")
    out["n_predecessors"] = g["old_province_code"].nunique()
    present = w["old_province_code"].isin(set(acc["old_province_code"]))
    out["n_sources"] = w[present].groupby("province_code")["old_province_code"].nunique().reindex(out.index).fillna(0).astype("int64")
    out["coverage"] = w["weight"].where(present, 0.0).groupby(w["province_code"]).sum()
    out["predecessors"] = g.apply(
        lambda d: "; ".join(f"{c} {n} {x:.4f}" for c, n, x in zip(d["old_province_code"], d["old_province_name"], d["weight"])),
        include_groups=False,
    )

    totals = _conservation(values, ok, out, extensive)
    report = CrosswalkReport(
        rows=rows[["row", "input", "old_code", "status", "reason", "n_new", "split_method"]],
        totals=totals,
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
                         path=path, fix="correct the names reported, or extend _PROVINCE_ALIASES in divide/crosswalk.py")
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
    """Write :func:`dti_2022_provinces_2025` as a CSV (34 rows, UTF-8, ``\\n`` line ends); return the path."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    dti_2022_provinces_2025(province_weights=province_weights).to_csv(out_path, encoding="utf-8", lineterminator="\n")
    return out_path
