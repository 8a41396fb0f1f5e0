"""Pre-2025 commune tables on the 3,321 communes of 2025, and the build of the crosswalk files.

:func:`crosswalk_to_2025` moves a table of old communes (found by code or by
name) onto the new ones: extensive columns are split and summed, intensive
ones become weighted averages, and every input row is accounted for in a
:class:`~divide.geography.crosswalk.allocate.CrosswalkReport`.
:func:`build_crosswalk` writes the cleaned tables and their coverage report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from divide import settings
from divide._errors import DataNotFoundError, InputError
from divide.geography.crosswalk import allocate
from divide.geography.crosswalk import register as tables
from divide.geography.crosswalk.overlay import boundary_population, read_boundaries, split_shares
from divide.geography.crosswalk.provinces import DTI_2022_2025_CSV, province_weights_2025, write_dti_2022_provinces_2025
from divide.geography.crosswalk.raw import RAW_COMMUNES_PRE2025, RAW_CROSSWALK, clean_communes_pre2025, clean_crosswalk
from divide.geography.crosswalk.readme import README_CROSSWALK, write_readme
from divide.geography.names import match_key

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["ADMIN_DIR", "CROSSWALK_REPORT_JSON", "crosswalk_to_2025", "build_crosswalk"]

ADMIN_DIR = settings.ADMIN_DIR
CROSSWALK_REPORT_JSON = settings.CROSSWALK_REPORT_JSON


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
    row_numbers: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, allocate.CrosswalkReport]:
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
    row_numbers
        The row number of each row in that file, used in the report and its
        messages (the spreadsheet row: the header is row 1, the first data row
        of a CSV is row 2; ``RawTable.rows`` of :mod:`divide.indicators.readers`
        gives them). Default: the position from 0, as the readers number a
        DataFrame given in memory.

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

    Rows are numbered as in the file the table came from, when given:

    >>> _, rep = crosswalk_to_2025(t, "ma", extensive="pop", row_numbers=[2, 3, 4])
    >>> rep.rejected["row"].tolist()
    [4]
    """
    extensive, intensive = allocate.check_request(table, extensive, intensive, source)
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
    allocate.check_columns(table, [code_column, *(name_columns or []), *extensive, *intensive, weights], source)

    cw = tables.load_crosswalk()
    reg = tables.load_communes_pre2025()
    new = tables.communes_2025()
    old_codes = set(cw["old_code"])
    n_new_of = cw.groupby("old_code")["new_code"].nunique()

    ledger = allocate.Ledger(table.index, row_numbers)
    rows = pd.DataFrame(index=table.index)
    rows["row"] = ledger.rows
    # 1. Which old commune each row is.
    if code_column is not None:
        rows["input"] = [str(v) for v in table[code_column]]
        codes = _codes_from_column(table[code_column], old_codes, reg, new, ledger)
    else:
        p_col, d_col, c_col = name_columns
        rows["input"] = [
            " / ".join(str(v) for v in vals if v is not None and not (isinstance(v, float) and math.isnan(v)))
            for vals in zip(*(table[c] if c else [None] * len(table) for c in (p_col, d_col, c_col)))
        ]
        codes = _codes_from_names(tables.match_old_communes(table, commune=c_col, district=d_col, province=p_col),
                                  old_codes, reg, ledger)
    rows["old_code"] = pd.Series(codes, index=table.index, dtype=object)

    # 2. Values: numeric, not negative for counts; 3. duplicated old codes.
    values = allocate.read_values(table, extensive, intensive, weights, ledger, source=source, strict=True,
                                  integer_counts=integer_counts)
    allocate.reject_duplicates(rows["old_code"], values, ledger, "old code")
    rows["status"] = ledger.status
    rows["reason"] = ledger.reason_text()
    ok = rows["status"] != "rejected"

    # 4. Shares.
    boundaries = None if old_boundaries is None else read_boundaries(old_boundaries, boundary_code_column)
    shares = split_shares(cw, boundaries, overlay, use_notes, new["population"])
    old_pop = boundary_population(boundaries) if boundaries is not None and overlay == "population" else None
    rows["n_new"] = rows["old_code"].map(n_new_of).fillna(0).astype("int64")
    method = shares.drop_duplicates("old_code").set_index("old_code")["split_method"]
    rows["split_method"] = rows["old_code"].map(method).where(ok, "")
    rows.loc[~ok, "n_new"] = 0

    acc = values.loc[ok].copy()
    acc["old_code"] = rows.loc[ok, "old_code"]
    pairs = acc.merge(shares[["old_code", "new_code", "share"]], on="old_code", how="inner")

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
    moved = allocate.spread(pairs, "new_code", extensive, intensive, "share", "_w",
                            integer_counts=integer_counts, old="old_code")
    for col, v in moved.items():
        out[col] = v
    out["n_sources"] = pairs.groupby("new_code")["old_code"].nunique()
    split = pairs[pairs["old_code"].map(n_new_of) > 1]
    out["n_split_sources"] = split.groupby("new_code")["old_code"].nunique().reindex(out.index).fillna(0).astype("int64")
    pred = cw.groupby("new_code")["old_code"].nunique()
    out["predecessors"] = pred.reindex(out.index).astype("int64")
    out["complete"] = out["n_sources"] == out["predecessors"]
    info = new.reindex(out.index)[["commune_name", "province_code", "province_name"]]
    out = pd.concat([info, out], axis=1)

    report = allocate.CrosswalkReport(
        rows=rows[["row", "input", "old_code", "status", "reason", "n_new", "split_method"]],
        totals=allocate.conservation(values, ok, out, extensive),
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
            "row_numbers": "given" if row_numbers is not None else "positions from 0",
        },
    )
    return out, report


def _codes_from_column(
    column: pd.Series, old_codes: set[str], reg: pd.DataFrame, new: pd.DataFrame, ledger: allocate.Ledger
) -> list[str | None]:
    """The old code of each row from a code column; rows with no usable code are rejected."""
    codes: list[str | None] = [None] * len(column)
    for i, v in enumerate(column):
        code, note = tables.normalise_code(v)
        if code is None:
            ledger.reject(i, note if note == "no code" else f"not a commune code: {note}")
            continue
        if note:
            ledger.repair(i, note)
        if code in old_codes:
            codes[i] = code
        elif code in reg.index:
            ledger.reject(i, f"pre-2025 code {code!r} ({reg.at[code, 'old_name']}) is not in the crosswalk table")
        elif code in new.index:
            ledger.reject(
                i,
                f"{code!r} is a 2025 code ({new.at[code, 'commune_name']}, {new.at[code, 'province_name']}), "
                "not a pre-2025 one: this row may already be on the 2025 map",
            )
        else:
            ledger.reject(i, f"unknown code {code!r}: neither a pre-2025 nor a 2025 commune code")
    return codes


def _codes_from_names(m: pd.DataFrame, old_codes: set[str], reg: pd.DataFrame, ledger: allocate.Ledger) -> list[str | None]:
    """The old code of each row from :func:`match_old_communes`; unmatched rows are rejected."""
    codes: list[str | None] = [None] * len(m)
    for i, (code, how, note) in enumerate(zip(m["old_code"], m["match"], m["match_note"])):
        if code is None:
            ledger.reject(i, ("ambiguous name: " if how == "ambiguous" else "") + note)
        elif code not in old_codes:
            ledger.reject(i, f"{reg.at[code, 'old_name']} ({code}) is not in the crosswalk table")
        else:
            codes[i] = code
            if how == "approximate":
                ledger.repair(i, note)
    return codes


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
    communes the table does not cover, new units with no predecessor) and
    ``README_crosswalk.md`` (the note on them, written from the report:
    :mod:`~divide.geography.crosswalk.readme`) into ``out_dir``.

    Parameters
    ----------
    raw_path
        The conversion table as published.
    out_dir
        Folder for the four outputs (default ``data/admin``).
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
    ['communes_pre2025', 'crosswalk', 'dti_2022_provinces_2025', 'readme', 'report']
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
            communes_2025 = tables.read_communes_2025()
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
        "crosswalk": out_dir / tables.CROSSWALK_CSV.name,
        "communes_pre2025": out_dir / tables.COMMUNES_PRE2025_CSV.name,
        "report": out_dir / CROSSWALK_REPORT_JSON.name,
    }
    cw.to_csv(files["crosswalk"], index=False, encoding="utf-8", lineterminator="\n")
    register.reset_index().to_csv(files["communes_pre2025"], index=False, encoding="utf-8", lineterminator="\n")
    files["report"].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files["readme"] = write_readme(report, out_dir / README_CROSSWALK.name)
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
