"""Reading a village layer (thôn, bản, tổ dân phố): :func:`read_villages`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from divide import settings
from divide.indicators.readers.cells import cell_text, cell_text_or_none, strip_apostrophe
from divide.indicators.readers.report import ReadReport, RowState, ValueIssue
from divide.indicators.readers.table import (
    dedupe,
    kept_rows,
    label_table,
    open_table,
    parse_bool_columns,
    parse_numeric_columns,
)
from divide.indicators.schema import KEY, VILLAGE_KEY

__all__ = ["read_villages"]


def read_villages(path: str | Path | pd.DataFrame, *, columns: Mapping[str, str] | None = None,
                  sheet: str | int | None = None, layer: str | int | None = None, encoding: str | None = None,
                  communes: pd.DataFrame | None = None,
                  problems: Literal["raise", "report"] = "raise") -> tuple[pd.DataFrame, ReadReport]:
    """Read a village layer (thôn, bản, tổ dân phố) and account for every row.

    Parameters are those of :func:`read_indicators`. A village's commune is
    found from ``commune_code`` (or from ``commune_name`` + ``province_name``);
    villages in unknown or pre-2025 communes are rejected. A missing
    ``village_id`` is made from the commune code and the row number (a repair).
    Yes/no columns accept "có"/"không"/"chưa", 1/0, yes/no, true/false.
    Excel's leading apostrophe is dropped from village ids and commune codes
    (a repair, ``apostrophe``); ``population`` is a count, so ``1.234`` there
    is 1234 people (a repair, ``ambiguous_separator``).

    Raises
    ------
    divide.InputError
        As :func:`read_indicators`: the file cannot be read, has no data rows,
        or has a column twice with different values (with
        ``problems="report"`` these two are only in ``report.problems``).

    Returns
    -------
    (geopandas.GeoDataFrame or pandas.DataFrame, ReadReport)
        Indexed by ``village_id`` (string) with ``commune_code``,
        ``village_name``, ``has_mobile_signal``, ``has_power``, ``has_fiber``
        (nullable boolean), ``population`` (float) when given. A GeoDataFrame
        (EPSG:4326) when the file has geometry or ``lon``/``lat`` columns.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Mã thôn": ["T1", "T2"], "Mã xã": [3478, 3478],
    ...                     "Có sóng": ["có", "không"], "Kinh độ": [103.2, 103.3], "Vĩ độ": [22.3, 22.4]})
    >>> villages, report = read_villages(raw)
    >>> villages["has_mobile_signal"].tolist(), villages["commune_code"].tolist(), villages.crs.to_epsg()
    ([True, False], ['03478', '03478'], 4326)
    """
    raw, frame, report, state, source = open_table(path, columns, sheet, layer, encoding, communes, "villages",
                                                   problems)
    commune_codes = list(state.key)
    # village ids
    ids: list[str | None] = []
    for i in range(len(frame)):
        written = cell_text(frame[VILLAGE_KEY].iat[i]) if VILLAGE_KEY in frame.columns else ""
        vid, apostrophe = strip_apostrophe(written)
        if apostrophe:
            report.value_issues.append(ValueIssue(state.numbers[i], VILLAGE_KEY, written, "apostrophe",
                                                  f"village_id {written!r}: the leading apostrophe was dropped"))
            state.repair(i, "apostrophe", f"village_id {written!r}: the leading apostrophe was dropped")
        if not vid and state.status[i] != "rejected":
            vid = f"{commune_codes[i]}-{state.numbers[i]:04d}"
            state.repair(i, "id_generated", f"no village_id; made {vid!r}")
        ids.append(vid or None)
    bool_cols = [c for c in ("has_mobile_signal", "has_power", "has_fiber") if c in frame.columns]
    bools = parse_bool_columns(frame, bool_cols, state, report.value_issues)
    nums = parse_numeric_columns(frame, [c for c in ("population", "lon", "lat") if c in frame.columns],
                                  state, report.value_issues, counts=["population"])
    text_cols = [c for c in frame.columns if c in ("village_name", "commune_name", "province_name", "vintage", "source")]
    table = pd.concat([frame[text_cols].map(cell_text_or_none), bools, nums], axis=1)
    table.insert(0, KEY, commune_codes)
    table.insert(0, VILLAGE_KEY, ids)
    geometry = raw.geometry
    crs = raw.crs
    if geometry is None and {"lon", "lat"} <= set(table.columns):
        geometry, crs = _points(table, state, report.value_issues)
    dedupe(table.drop(columns=[c for c in ("lon", "lat") if c in table.columns]), ids, state, VILLAGE_KEY)
    out, keep = kept_rows(table, state, VILLAGE_KEY, [KEY, *text_cols])
    if geometry is not None:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=np.asarray(geometry)[keep], crs=crs)
        if out.crs is not None and out.crs.to_epsg() != 4326:
            out = out.to_crs(settings.GEOGRAPHIC_CRS)
    out.index.name = VILLAGE_KEY
    label_table(out, source)
    report.outcomes = state.outcomes()
    return out, report


def _points(table: pd.DataFrame, state: RowState, issues: list[ValueIssue]):
    import shapely

    lon = table["lon"].to_numpy(dtype=float).copy()
    lat = table["lat"].to_numpy(dtype=float).copy()
    in_vn = lambda x, y: (100 <= x <= 118) and (6 <= y <= 24)  # noqa: E731  (incl. Hoàng Sa, Trường Sa)
    geoms = []
    for i in range(len(table)):
        x, y = lon[i], lat[i]
        if math.isnan(x) or math.isnan(y):
            geoms.append(None)
            continue
        if not in_vn(x, y) and in_vn(y, x):
            issues.append(ValueIssue(state.numbers[i], "lon/lat", f"{x:g}, {y:g}", "swapped",
                                     "longitude and latitude were swapped"))
            state.repair(i, "lonlat_swapped", f"lon {x:g} and lat {y:g} were swapped")
            x, y = y, x
        elif not in_vn(x, y):
            issues.append(ValueIssue(state.numbers[i], "lon/lat", f"{x:g}, {y:g}", "outside",
                                     "the point lies outside Vietnam"))
        geoms.append(shapely.Point(x, y))
    return geoms, settings.GEOGRAPHIC_CRS
