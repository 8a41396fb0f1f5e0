"""Reading a commune indicator table: :func:`read_indicators`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from divide.indicators.readers.cells import cell_text_or_none
from divide.indicators.readers.report import ReadReport
from divide.indicators.readers.table import dedupe, kept_rows, label_table, open_table, parse_numeric_columns
from divide.indicators.schema import INDICATOR_NAMES, KEY

__all__ = ["read_indicators"]


def read_indicators(
    path: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    communes: pd.DataFrame | None = None,
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
        name column.

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
    raw, frame, report, state, source = open_table(path, columns, sheet, layer, encoding, communes, "communes")
    num_cols = [c for c in INDICATOR_NAMES if c in frame.columns]
    numbers = parse_numeric_columns(frame, num_cols, state, report.value_issues)
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
