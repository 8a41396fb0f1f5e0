"""Exports of commune tables for GIS and spreadsheets (presentation layer).

:func:`export` writes a commune table (GeoDataFrame or plain DataFrame indexed
by ``commune_code``) as GeoPackage, Shapefile, GeoJSON, GeoParquet, CSV or
XLSX, chosen by the suffix of the path:

* **GeoPackage** (``.gpkg``): one layer per call; other layers of an existing
  file are kept (the atlas writes ``communes`` and ``provinces`` into one file).
  The layer metadata says whether the data are modeled.
* **Shapefile** (``.shp``): UTF-8 with a ``.cpg``; column names longer than 10
  characters are mapped to unique short names (the schema's ``short`` names
  where it has one) and a field dictionary ``<stem>_fields.csv`` is written
  beside it (short name, column, meaning in English and Vietnamese, unit).
* **GeoJSON** (``.geojson``): RFC 7946 (WGS 84, longitude/latitude, right-hand
  winding), written by GDAL with ``RFC7946=YES``.
* **GeoParquet** (``.parquet``): with the modeled flag in the file metadata.
* **CSV** (``.csv``): UTF-8 with a byte-order mark so that Excel shows
  Vietnamese names; the geometry is dropped (``centroid_lon``/``centroid_lat``
  stay when present).
* **XLSX** (``.xlsx``): a data sheet (codes stored as text, so leading zeros
  survive) and a ``sources`` sheet: the modeled label when modeled, the
  sources, and the meaning of every column (from the column dictionary,
  :mod:`divide.indicators.columns`).

Writes are atomic: everything is written to a temporary name beside the target
and moved in place at the end, so a failed export leaves nothing half-written.
An export never overwrites its input: the file a table was read from
(``table.attrs["path"]``) and any path in ``inputs=`` are refused.

When the table is modeled (``attrs["modeled"]`` or a ``source`` column equal
to ``"modeled"``) and has no ``source`` column, one is added so the label
travels with every row.

Examples
--------
>>> sorted(set(FORMATS.values()))
['csv', 'geojson', 'gpkg', 'parquet', 'shp', 'xlsx']
>>> shapefile_names(["divide_index", "priority_tier"])
{'divide_index': 'div_index', 'priority_tier': 'prio_tier'}
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from divide._errors import InputError
from divide.indicators.columns import COLUMN_INFO, short_name
from divide.provenance import LABEL, atomic_path, default_sources, is_modeled, normalise_office_file

__all__ = [
    "FORMATS",
    "shapefile_names",
    "export",
    "read_back",
]

#: Suffix -> format name.
FORMATS = {
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
_GEO_FORMATS = {"gpkg", "shp", "geojson", "parquet"}
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _short_candidates(name: str) -> str:
    short = short_name(name)
    return short if short and len(short) <= 10 else name[:10]


def shapefile_names(columns: Sequence[str]) -> dict[str, str]:
    """Map column names to unique DBF field names of at most 10 characters.

    Short names from the schema are used where known; otherwise the name is cut
    to 10 characters and, on a clash, its end replaced by a counter.
    Comparison is case-insensitive (DBF field names are).

    Examples
    --------
    >>> shapefile_names(["commune_code", "fiber_households_pct", "a_very_long_name_1", "a_very_long_name_2"])
    {'commune_code': 'comm_code', 'fiber_households_pct': 'fiber_hh', 'a_very_long_name_1': 'a_very_lon', \
'a_very_long_name_2': 'a_very_l_1'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        short = _short_candidates(str(col))
        candidate, n = short, 0
        while candidate.lower() in used:
            n += 1
            suffix = f"_{n}"
            candidate = short[: 10 - len(suffix)] + suffix
        used.add(candidate.lower())
        out[str(col)] = candidate
    return out


def _resolve(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


def _check_not_input(table: pd.DataFrame, targets: Iterable[Path], inputs: Iterable[str | Path] | None) -> None:
    protected = [_resolve(p) for p in (inputs or ())]
    origin = table.attrs.get("path")
    if origin:
        protected.append(_resolve(origin))
    for target in targets:
        t = _resolve(target)
        if t in protected:
            raise InputError(
                "refusing to overwrite an input file",
                path=target,
                fix="write the export to another file name or folder",
            )


def _prepare(table: pd.DataFrame, modeled: bool) -> pd.DataFrame:
    """Index -> first column, NFC text, the modeled ``source`` column when missing."""
    import geopandas as gpd

    out = table.copy()
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        name = out.index.name or "index"
        if name in out.columns:
            out = out.reset_index(drop=True)
        else:
            out = out.reset_index()
    if modeled and "source" not in out.columns:
        out["source"] = "modeled"
    for col in out.columns:
        if col == "geometry":
            continue
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
    if isinstance(table, gpd.GeoDataFrame) and isinstance(out, gpd.GeoDataFrame):
        out = out.set_geometry(table.geometry.name)
    return out


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(df.drop(columns=[c for c in df.columns if c == "geometry" or
                                         str(df[c].dtype) == "geometry"]))


def _metadata(table: pd.DataFrame, modeled: bool, sources: list[str]) -> dict[str, str]:
    meta = {"modeled": "true" if modeled else "false", "sources": " | ".join(sources), "tool": "divide"}
    if modeled:
        meta["label"] = LABEL
    return meta


def _as_geo(table: pd.DataFrame, fmt: str, path: Path):
    import geopandas as gpd

    if not isinstance(table, gpd.GeoDataFrame) or table.geometry.name not in table.columns:
        raise InputError(
            f"{fmt} needs a table with geometry, and this one has none",
            path=path,
            fix="export a GeoDataFrame (e.g. join the table to divide.load_communes()), or write .csv or .xlsx",
        )
    if table.crs is None:
        raise InputError("the table has no coordinate reference system", path=path,
                         fix="set one with table.set_crs('EPSG:4326')")
    return table


def _write_gpkg(df, tmp: Path, target: Path, layer: str, meta: dict[str, str], overwrite: bool) -> None:
    import pyogrio

    if target.exists():
        layers = [str(x) for x in pyogrio.list_layers(target)[:, 0]]
        if layer in layers and not overwrite:
            raise InputError(f"layer {layer!r} exists and overwrite=False", path=target,
                             fix="pass overwrite=True or another layer name")
        shutil.copy2(target, tmp)  # keep the other layers of the file
    pyogrio.write_dataframe(df, tmp, layer=layer, driver="GPKG", layer_metadata=meta)


def _write_geojson(df, tmp: Path) -> None:
    import pyogrio

    pyogrio.write_dataframe(df.to_crs("EPSG:4326"), tmp, driver="GeoJSON", layer_options={"RFC7946": "YES"})


def _write_parquet(df, tmp: Path, meta: dict[str, str]) -> None:
    import pyarrow.parquet as pq

    # geopandas writes the GeoParquet "geo" metadata; the modeled flag and the
    # sources are added beside it under the key "divide" (one extra rewrite, ~0.1 s).
    df.to_parquet(tmp, index=False)
    table = pq.read_table(tmp)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[b"divide"] = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    pq.write_table(table.replace_schema_metadata(schema_meta), tmp)


def _write_csv(df: pd.DataFrame, tmp: Path) -> None:
    _plain(df).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")


def _xlsx_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        if isinstance(v, float) and np.isnan(v):
            return None
    return v


def _write_xlsx(df: pd.DataFrame, tmp: Path, modeled: bool, sources: list[str], sheet: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    plain = _plain(df)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31] or "data")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for col in plain.columns:
        cell = WriteOnlyCell(ws, value=str(col))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    text_cols = [pd.api.types.is_string_dtype(plain[c].dtype) or plain[c].dtype == object for c in plain.columns]
    for row in plain.itertuples(index=False, name=None):
        cells = []
        for value, is_text in zip(row, text_cols):
            v = _xlsx_value(value)
            if is_text and v is not None:
                cell = WriteOnlyCell(ws, value=str(v))
                cell.number_format = "@"  # codes stay text: leading zeros survive
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)

    src = wb.create_sheet("sources")
    if modeled:
        cell = WriteOnlyCell(src, value=LABEL)
        cell.font = Font(bold=True, color="C00000", size=14)
        src.append([cell])
        src.append(["The values are modeled (demonstration data generated by divide.modeled), not observations. "
                    "Các giá trị là dữ liệu mô phỏng, không phải số liệu quan sát."])
        src.append([])
    head = WriteOnlyCell(src, value="Sources / Nguồn")
    head.font = bold
    src.append([head])
    for line in sources:
        src.append([line])
    src.append([])
    cols = [WriteOnlyCell(src, value=v) for v in ("column", "meaning (en)", "ý nghĩa (vi)", "unit")]
    for c in cols:
        c.font = bold
    src.append(cols)
    for col in plain.columns:
        info = COLUMN_INFO.get(str(col))
        src.append([str(col), *(info[:3] if info else ("", "", ""))])
    wb.save(tmp)
    normalise_office_file(tmp)  # fixed dates: the same table gives the same bytes


def _write_shapefile(df, target: Path, meta: dict[str, str]) -> list[Path]:
    """All sidecars into a temporary folder beside the target, then moved in place."""
    import pyogrio

    names = shapefile_names([c for c in df.columns if c != df.geometry.name])
    renamed = df.rename(columns=names)
    stem = target.stem
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=target.parent))
    try:
        pyogrio.write_dataframe(renamed, tmpdir / f"{stem}.shp", driver="ESRI Shapefile", encoding="UTF-8")
        cpg = tmpdir / f"{stem}.cpg"
        if not cpg.exists():
            cpg.write_text("UTF-8", encoding="ascii")
        fields = tmpdir / f"{stem}_fields.csv"
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["field", "column", "meaning_en", "meaning_vi", "unit"])
        for col, short in names.items():
            info = COLUMN_INFO.get(col, ("", "", "", ""))
            w.writerow([short, col, info[0], info[1], info[2]])
        if meta.get("modeled") == "true":
            w.writerow(["", "", meta.get("label", ""), meta.get("label", ""), ""])
        fields.write_text(buf.getvalue(), encoding="utf-8-sig")
        written = sorted(tmpdir.iterdir())
        moved = []
        for p in written:
            dest = target.parent / p.name
            os.replace(p, dest)
            moved.append(dest)
        order = {s: i for i, s in enumerate(_SHP_SIDECARS)}
        return sorted(moved, key=lambda p: (order.get(p.suffix, 99), p.name))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def export(
    table: pd.DataFrame,
    path: str | Path,
    *,
    format: str | None = None,
    layer: str = "communes",
    sources: Sequence[str] | None = None,
    overwrite: bool = True,
    inputs: Iterable[str | Path] | None = None,
    modeled: bool | None = None,
) -> Path | list[Path]:
    """Write a commune table as GeoPackage, Shapefile, GeoJSON, GeoParquet, CSV or XLSX.

    Parameters
    ----------
    table
        Commune table indexed by ``commune_code`` (the index becomes the first
        column). Geographic formats need a GeoDataFrame.
    path
        Output file; the format follows the suffix unless ``format`` is given.
    format
        One of ``"gpkg"``, ``"shp"``, ``"geojson"``, ``"parquet"``, ``"csv"``, ``"xlsx"``.
    layer
        GeoPackage layer name (other layers of an existing file are kept), or
        the XLSX data sheet name.
    sources
        Source lines for the XLSX ``sources`` sheet and the file metadata;
        default :func:`default_sources`.
    overwrite
        Replace an existing file (GeoPackage: an existing layer). ``False``
        refuses with :class:`~divide.InputError`.
    inputs
        Files the table was computed from; the export refuses to write over any
        of them (nor over ``table.attrs["path"]``).
    modeled
        Force the modeled flag; default from ``attrs["modeled"]`` or a
        ``source`` column.

    Returns
    -------
    pathlib.Path or list of pathlib.Path
        The written file; for a Shapefile the list of its files (``.shp``,
        ``.shx``, ``.dbf``, ``.prj``, ``.cpg`` and the ``_fields.csv`` dictionary).

    Raises
    ------
    divide.InputError
        Unknown format, no geometry for a geographic format, an existing file
        with ``overwrite=False``, or the target is an input.

    Examples
    --------
    >>> import tempfile, pathlib, divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> files = export(lc, pathlib.Path(tempfile.mkdtemp()) / "lc.shp")
    >>> [p.suffix for p in files]
    ['.shp', '.shx', '.dbf', '.prj', '.cpg', '.csv']
    """
    path = Path(path)
    fmt = (format or FORMATS.get(path.suffix.lower(), "")).lower()
    if fmt not in set(FORMATS.values()):
        raise InputError(
            f"unknown export format {format or path.suffix!r}",
            path=path,
            fix="use one of .gpkg, .shp, .geojson, .parquet, .csv, .xlsx",
        )
    flag = is_modeled(table, modeled)
    src = list(sources) if sources is not None else default_sources(table, flag)
    meta = _metadata(table, flag, src)
    if fmt == "shp":
        targets = [path.with_suffix(s) for s in _SHP_SIDECARS] + [path.with_name(f"{path.stem}_fields.csv")]
    else:
        targets = [path]
    _check_not_input(table, targets, inputs)
    if not overwrite and fmt != "gpkg" and any(t.exists() for t in targets):
        raise InputError("the file exists and overwrite=False", path=path, fix="pass overwrite=True or another name")
    if fmt in _GEO_FORMATS:
        _as_geo(table, fmt, path)
    df = _prepare(table, flag)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "shp":
        return _write_shapefile(df, path, meta)
    with atomic_path(path) as tmp:
        if fmt == "gpkg":
            _write_gpkg(df, tmp, path, layer, meta, overwrite)
        elif fmt == "geojson":
            _write_geojson(df, tmp)
        elif fmt == "parquet":
            _write_parquet(df, tmp, meta)
        elif fmt == "csv":
            _write_csv(df, tmp)
        else:
            _write_xlsx(df, tmp, flag, src, layer if layer != "communes" else "communes")
    return path


def read_back(path: str | Path, *, layer: str | None = None, key: str = "commune_code") -> pd.DataFrame:
    """Read a file written by :func:`export`, with codes as strings and the key as index.

    Shapefile field names are mapped back through ``<stem>_fields.csv``; the
    modeled flag comes back in ``attrs["modeled"]`` where the format keeps it
    (GeoPackage, GeoParquet) or from the ``source`` column.

    Examples
    --------
    >>> import tempfile, pathlib, divide
    >>> lc = divide.load_communes("Lai Châu")
    >>> p = export(lc, pathlib.Path(tempfile.mkdtemp()) / "lc.xlsx")
    >>> back = read_back(p)
    >>> back.loc["03388", "commune_name"] == lc.loc["03388", "commune_name"]
    True
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    modeled = None
    code_cols = {key, "province_code", "commune_code", "village_id", "region_id"}
    if fmt in ("gpkg", "shp", "geojson"):
        import pyogrio

        df = pyogrio.read_dataframe(path, layer=layer)
        if fmt == "gpkg":
            meta = pyogrio.read_info(path, layer=layer).get("layer_metadata") or {}
            if "modeled" in meta:
                modeled = meta["modeled"] == "true"
        if fmt == "shp":
            fields = path.with_name(f"{path.stem}_fields.csv")
            if fields.exists():
                d = pd.read_csv(fields, dtype=str, encoding="utf-8-sig").dropna(subset=["field"])
                df = df.rename(columns=dict(zip(d["field"], d["column"])))
    elif fmt == "parquet":
        import geopandas as gpd
        import pyarrow.parquet as pq

        df = gpd.read_parquet(path)
        raw = (pq.read_schema(path).metadata or {}).get(b"divide")
        if raw:
            modeled = json.loads(raw.decode("utf-8")).get("modeled") == "true"
    elif fmt == "csv":
        df = pd.read_csv(path, encoding="utf-8-sig", dtype={c: str for c in code_cols})
    elif fmt == "xlsx":
        df = pd.read_excel(path, sheet_name=0, dtype={c: str for c in code_cols}, engine="openpyxl")
    else:
        raise InputError(f"cannot read {path.suffix!r}", path=path, fix="read .gpkg, .shp, .geojson, .parquet, .csv, .xlsx")
    for col in code_cols & set(df.columns):
        if col != "region_id":
            df[col] = df[col].astype("string")
    if key in df.columns:
        df = df.set_index(key)
    if modeled is None:
        modeled = is_modeled(df)
    df.attrs["modeled"] = bool(modeled)
    df.attrs["path"] = str(path)
    return df
