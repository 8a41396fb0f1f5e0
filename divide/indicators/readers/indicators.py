"""Reading a commune indicator table: :func:`read_indicators`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from divide.indicators.readers.cells import cell_text_or_none
from divide.indicators.readers.report import ReadReport
from divide.indicators.readers.table import dedupe, kept_rows, label_table, open_table, parse_numeric_columns
from divide.indicators.schema import COUNT_COLUMNS, INDICATOR_NAMES, KEY

__all__ = ["read_indicators"]


def read_indicators(
    path: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    communes: pd.DataFrame | None = None,
    problems: Literal["raise", "report"] = "raise",
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a commune indicator table from a file (or a DataFrame) and account for every row.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx``, ``.gpkg``, ``.shp``, ``.geojson`` or
        ``.parquet`` file, or a DataFrame already in memory.
    columns
        Explicit mapping ``{header in the file: canonical column}``; the value
        ``"ignore"`` leaves a column out. Headers not mapped here go through the
        alias table (:func:`divide.indicators.schema.canonical_name`).
    sheet
        Sheet name or 0-based number (XLSX); default: the first sheet with a
        code or name column. The header row is found among the first 20 rows.
    layer
        Layer name or number (GeoPackage); default: the only layer, or the first
        with a code or name column.
    encoding
        Text encoding (CSV, Shapefile); default: detected.
    communes
        Reference communes (index ``commune_code``, with ``commune_name``,
        ``province_code``, ``province_name``); default: the 3,321 of 2025.
    problems
        ``"raise"`` (default): a file with no data rows, or with a column given
        twice with different values, raises :class:`divide.InputError`.
        ``"report"``: they are only listed in ``report.problems`` (what
        :func:`divide.validate` does, to report them as errors with the rest);
        the first of two repeated columns is then the one read.

    Returns
    -------
    (pandas.DataFrame, ReadReport)
        The table indexed by ``commune_code`` (5-digit strings, unique) with
        the indicator columns found (float64), and ``commune_name``,
        ``province_name``, ``vintage``, ``source`` and per-indicator vintage
        columns (``<indicator>__vintage``) when given; a GeoDataFrame when the
        file has geometry. Rejected rows are not in the table; the report says
        why. Values are not range-checked here: see :func:`divide.validate`.

    Raises
    ------
    divide.InputError
        The file is missing, of an unknown type, unreadable, or has no code or
        name column; or (with ``problems="raise"``) it has a header but no data
        rows, or two columns that mean the same schema column with different
        values (same header twice, or two aliases such as "Mã xã" and
        "commune_code"), named by their letters.

    Notes
    -----
    How cells are read (:func:`divide.indicators.readers.parse_number`):
    Excel's leading apostrophe (``'03388``, also ``’``) is dropped from codes
    and numbers, and the row reports it (``apostrophe``). In the count
    columns (``villages_total``, ``villages_no_signal``, ``villages_no_power``)
    a value such as ``1.234`` or ``12,500``, whose one separator could be a
    thousands separator or a decimal mark, is read as the whole number (1234,
    12500: a count cannot be 1.234) and reported (``ambiguous_separator``, and
    :func:`divide.validate` warns with the rows); ``1,5`` stays 1.5, which the
    validator refuses as not whole. In the share columns (0–100) a single
    separator is the decimal mark: ``1.234`` is 1.234 % (1234 would be out of
    range), and nothing is flagged. The same column twice with the same values
    is read once (a warning in ``report.problems``).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({
    ...     "Tên xã": ["Xã Sìn Hồ", "Văn Lăng", "Tân Phong"],
    ...     "Tỉnh": ["Lai Châu", "Thái Nguyên", "Lào Cai"],
    ...     "Số thôn lõm sóng": [3, 0, 1]})
    >>> table, report = read_indicators(raw)
    >>> table["villages_no_signal"].to_dict()
    {'03478': 3.0, '05665': 0.0}
    >>> [(o.status, o.reason) for o in report.outcomes][2]
    ('rejected', 'name_not_found')
    """
    raw, frame, report, state, source = open_table(path, columns, sheet, layer, encoding, communes, "communes",
                                                   problems)
    num_cols = [c for c in INDICATOR_NAMES if c in frame.columns]
    numbers = parse_numeric_columns(frame, num_cols, state, report.value_issues, counts=COUNT_COLUMNS)
    text_cols = [c for c in frame.columns if c not in num_cols and c != KEY]
    table = pd.concat([numbers, frame[text_cols].map(cell_text_or_none)], axis=1)
    table = table[[c for c in frame.columns if c in table.columns]]
    table.insert(0, KEY, state.key)
    dedupe(table, state.key, state, KEY)
    out, keep = kept_rows(table, state, KEY, text_cols)
    if raw.geometry is not None:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=raw.geometry.iloc[keep].to_numpy(), crs=raw.crs)
    out.index.name = KEY
    label_table(out, source)
    if "vintage" in raw.metadata:
        out.attrs["vintage"] = raw.metadata["vintage"]
    report.outcomes = state.outcomes()
    return out, report
