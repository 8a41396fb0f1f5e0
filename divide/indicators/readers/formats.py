"""Opening the files users bring: CSV, XLSX, GeoPackage, Shapefile, GeoJSON, Parquet, or a DataFrame.

:func:`read_raw` turns any of them into a :class:`RawTable`: the cells as
objects under the file's own headers, the row number of each row, and what
was detected (format, encoding, sheet or layer, header row, geometry, file
metadata). The encodings and row numbers are those described in
:mod:`divide.indicators.readers`. Headers are not translated here.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from divide._errors import InputError
from divide.geography.names import nfc
from divide.indicators.readers.cells import cell_text, is_blank
from divide.indicators.readers.report import column_letter
from divide.indicators.schema import KEY, VILLAGE_KEY, canonical_name

__all__ = ["FORMATS", "RawTable", "read_raw"]

#: File suffix -> format read.
FORMATS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".gpkg": "gpkg", ".shp": "shapefile", ".dbf": "shapefile",
    ".geojson": "geojson", ".json": "geojson",
    ".parquet": "parquet", ".pq": "parquet", ".geoparquet": "parquet",
}


@dataclass
class RawTable:
    """A file as read, before its headers are translated: object cells, row numbers, what was detected."""

    frame: pd.DataFrame  # object cells, file headers as columns
    rows: list[int]  # row number of each frame row
    format: str
    encoding: str | None = None
    layer: str | None = None
    header_row: int | None = None
    geometry: Any = None  # GeoSeries aligned with frame, or None
    crs: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)
    blank_rows: int = 0
    headers: list[str] | None = None  # the header of each frame column as written (repeats kept); None: the columns

    def header_of(self, column: str) -> str:
        """The header of a frame column as the file writes it (a repeated header is renamed in the frame)."""
        if self.headers is None:
            return column
        return self.headers[list(self.frame.columns).index(column)]

    def position(self, column: str) -> str:
        """Where a column is: its letter in a CSV or a workbook (``"C"``), its number (from 1) otherwise."""
        j = list(self.frame.columns).index(column)
        return column_letter(j) if self.format in ("csv", "xlsx") else str(j + 1)


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            "old Excel .xls files are not read", path=path, fix="open it in Excel or LibreOffice and save as .xlsx"
        )
    if suffix == ".zip":
        raise InputError("zip archives are not read", path=path, fix="unzip it and pass the .shp, .gpkg or .csv inside")
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise InputError(
            f"unknown file type {suffix or '(no extension)'!r}",
            path=path,
            fix="use .csv, .xlsx, .gpkg, .shp, .geojson or .parquet",
        )
    return fmt


def _decode_text(data: bytes, encoding: str | None, path: Path) -> tuple[str, str]:
    if encoding:
        try:
            return _nfc_text(data.decode(encoding)), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", path=path,
                             fix="leave out the encoding to let divide detect it") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _nfc_text(data.decode("utf-16")), "utf-16"
    try:
        text = data.decode("utf-8-sig")
        return _nfc_text(text), ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _nfc_text(data.decode("cp1258")), "cp1258"
    except UnicodeDecodeError:
        raise InputError(
            "the text is neither UTF-8 nor Windows-1258",
            path=path,
            fix="save the file as 'CSV UTF-8', or pass the encoding (encoding='...' / --encoding)",
        ) from None


def _nfc_text(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:30])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(path: Path, encoding: str | None) -> tuple[list[list[Any]], list[int], str]:
    text, enc = _decode_text(path.read_bytes(), encoding, path)
    reader = csv.reader(_io.StringIO(text), delimiter=_sniff_delimiter(text))
    rows, numbers = [], []
    try:
        for row in reader:
            rows.append(row)
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"cannot read the file as CSV (line {reader.line_num}): {exc}", path=path,
                         fix="check that it is a text table; save it from the spreadsheet as 'CSV UTF-8'") from None
    return rows, numbers, enc


def _read_xlsx(path: Path, sheet: str | int | None, layer_kind: str) -> tuple[list[list[Any]], list[int], str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ...
        raise InputError(f"cannot open the workbook: {exc}", path=path, fix="check that it is an .xlsx file") from None
    try:
        names = wb.sheetnames
        if sheet is not None:
            if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
                idx = int(sheet)
                if not 0 <= idx < len(names):
                    raise InputError(f"no sheet number {idx}", path=path, fix=f"the sheets are: {', '.join(names)}")
                chosen = [names[idx]]
            elif sheet in names:
                chosen = [sheet]
            else:
                raise InputError(f"no sheet named {sheet!r}", path=path, fix=f"the sheets are: {', '.join(names)}")
        else:
            chosen = names
        best = None
        for name in chosen:
            ws = wb[name]
            rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            numbers = list(range(1, len(rows) + 1))
            score = _header_score(rows, layer_kind)[1]
            if best is None or score > best[3]:
                best = (rows, numbers, name, score)
            if score >= 1 and sheet is None and _has_key(rows, layer_kind):
                best = (rows, numbers, name, score)
                break
        assert best is not None
        return best[0], best[1], best[2]
    finally:
        wb.close()


def _has_key(rows: list[list[Any]], layer_kind: str) -> bool:
    idx, _ = _header_score(rows, layer_kind)
    if idx is None:
        return False
    found = {canonical_name(h, layer_kind) for h in rows[idx] if not is_blank(h)}
    return bool(found & {KEY, "commune_name", VILLAGE_KEY})


def _header_score(rows: list[list[Any]], layer_kind: str, scan: int = 20) -> tuple[int | None, int]:
    best, best_score = None, 0
    for i, row in enumerate(rows[:scan]):
        score = sum(1 for h in row if not is_blank(h) and canonical_name(cell_text(h), layer_kind) is not None)
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _frame_from_rows(rows: list[list[Any]], numbers: list[int], layer_kind: str, path: Path) -> tuple[
        pd.DataFrame, list[int], int | None, int, list[str]]:
    rows = [r for r in rows]
    if not rows:
        raise InputError("the file is empty", path=path, fix="check that you passed the right file")
    idx, _score = _header_score(rows, layer_kind)
    if idx is None:
        idx = next(i for i, r in enumerate(rows) if any(not is_blank(c) for c in r)) if any(
            any(not is_blank(c) for c in r) for r in rows) else 0
    written = [cell_text(h) or f"column_{j + 1}" for j, h in enumerate(rows[idx])]
    header = _unique(written)
    width = len(header)
    data, kept, blank = [], [], 0
    for number, row in zip(numbers[idx + 1:], rows[idx + 1:]):
        row = list(row)[:width] + [None] * max(0, width - len(row))
        if all(is_blank(c) for c in row):
            blank += 1
            continue
        data.append(row)
        kept.append(number)
    frame = pd.DataFrame(data, columns=header, dtype=object)
    return frame, kept, numbers[idx], blank, written


def _unique(names: list[str]) -> list[str]:
    """Frame names for headers: a repeat gets ``.1``, ``.2``... (the header as written is kept beside it)."""
    used: set[str] = set()
    out = []
    for n in names:
        name, k = n, 0
        while name in used:
            k += 1
            name = f"{n}.{k}"
        used.add(name)
        out.append(name)
    return out


_CPG = {
    "utf8": "utf-8", "utf 8": "utf-8", "65001": "utf-8",
    "1258": "cp1258", "cp1258": "cp1258", "windows1258": "cp1258", "ansi1258": "cp1258",
    "1252": "cp1252", "cp1252": "cp1252", "windows1252": "cp1252", "ansi1252": "cp1252",
    "88591": "latin-1", "iso88591": "latin-1", "latin1": "latin-1",
}


def _shapefile_codec(path: Path, samples: list[bytes]) -> str:
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg = path.with_suffix(".CPG")
    if cpg.exists():
        text = cpg.read_text(encoding="ascii", errors="ignore").strip()
        key = re.sub(r"[^0-9a-z]", "", text.lower())
        codec = _CPG.get(key)
        if codec is None:
            try:
                codec = codecs.lookup(text).name
            except LookupError:
                codec = None
        if codec:
            return codec
    # No usable .cpg: valid UTF-8 wins; otherwise the Vietnamese ANSI code page.
    blob = b"\n".join(s for s in samples if any(b > 127 for b in s))
    if not blob:
        return "utf-8"
    try:
        blob.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def _read_vector(path: Path, fmt: str, layer: str | int | None, encoding: str | None, layer_kind: str) -> RawTable:
    import pyogrio

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError(f"cannot open the layer file: {exc}", path=path,
                         fix="check that the file is complete (a Shapefile needs its .shp, .shx and .dbf)") from None
    if layer is None:
        chosen = layers[0] if layers else None
        if len(layers) > 1:
            chosen = None
            for name in layers:
                info = pyogrio.read_info(path, layer=name)
                if _has_key([list(info["fields"])], layer_kind):
                    chosen = name
                    break
            if chosen is None:
                raise InputError(
                    f"the file has {len(layers)} layers and none has a commune code or name column",
                    path=path, fix=f"name the layer (layer=... / --layer); the layers are: {', '.join(layers)}",
                )
    else:
        chosen = layers[layer] if isinstance(layer, int) else str(layer)
        if chosen not in layers:
            raise InputError(f"no layer named {layer!r}", path=path, fix=f"the layers are: {', '.join(layers)}")
    is_shp = fmt == "shapefile"
    read_enc = "ISO-8859-1" if (is_shp and not encoding) else encoding
    try:
        gdf = pyogrio.read_dataframe(path, layer=chosen, encoding=read_enc)
        info = pyogrio.read_info(path, layer=chosen)
    except Exception as exc:
        raise InputError(f"cannot read layer {chosen!r}: {exc}", path=path, fix="check the file in QGIS") from None
    meta = dict(info.get("layer_metadata") or {})
    enc = encoding or info.get("encoding") or "UTF-8"
    geometry = gdf.geometry if "geometry" in gdf.columns and hasattr(gdf, "geometry") else None
    frame = pd.DataFrame({c: gdf[c].astype(object) for c in gdf.columns if c != "geometry"})
    if is_shp and not encoding:
        def raw(s: object) -> bytes:
            return s.encode("latin-1") if isinstance(s, str) else b""

        samples = [raw(c) for c in frame.columns]
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, str)).any():
                samples.extend(raw(v) for v in frame[col] if isinstance(v, str))
        enc = _shapefile_codec(path, samples)

        def dec(s: object) -> object:
            return _nfc_text(s.encode("latin-1").decode(enc, errors="replace")) if isinstance(s, str) else s

        frame.columns = [dec(c) for c in frame.columns]
        for col in frame.columns:
            frame[col] = frame[col].map(dec).astype(object)
    else:
        frame.columns = [nfc(c) for c in frame.columns]
        for col in frame.columns:
            frame[col] = frame[col].map(lambda v: _nfc_text(v) if isinstance(v, str) else v).astype(object)
    has_geom = geometry is not None and not geometry.isna().all()
    return RawTable(
        frame=frame.reset_index(drop=True),
        rows=list(range(1, len(frame) + 1)),
        format=fmt,
        encoding=enc,
        layer=chosen,
        geometry=geometry.reset_index(drop=True) if has_geom else None,
        crs=gdf.crs if has_geom else None,
        metadata=meta,
    )


def _read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        schema_meta = pq.read_schema(path).metadata or {}
    except Exception as exc:
        raise InputError(f"cannot read the Parquet file: {exc}", path=path, fix="check that the file is complete") from None
    meta: dict[str, Any] = {}
    for k in (b"vintage", b"divide_vintage"):
        if k in schema_meta:
            meta["vintage"] = _maybe_json(schema_meta[k].decode("utf-8"))
    if b"geo" in schema_meta:
        import geopandas as gpd

        df = gpd.read_parquet(path)
    else:
        df = pd.read_parquet(path)
    if isinstance(df.attrs.get("vintage"), str | dict | int):
        meta.setdefault("vintage", df.attrs["vintage"])
    raw = _from_dataframe(df, "parquet")
    raw.metadata.update(meta)
    raw.rows = [r + 1 for r in raw.rows]
    return raw


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _from_dataframe(df: pd.DataFrame, fmt: str = "dataframe") -> RawTable:
    df = df.copy()
    named_index = df.index.name is not None or any(n is not None for n in (df.index.names or []))
    if named_index:
        df = df.reset_index()
    geometry = None
    crs = None
    geom_name = getattr(df, "_geometry_column_name", None) if hasattr(df, "geometry") else None
    if geom_name is not None and geom_name in df.columns:
        geometry = df[geom_name].reset_index(drop=True)
        crs = getattr(df, "crs", None)
        df = pd.DataFrame(df.drop(columns=geom_name))
    written = [nfc(str(c)) for c in df.columns]
    names = _unique(written)
    frame = pd.DataFrame(
        {name: df.iloc[:, j].map(lambda v: _nfc_text(v) if isinstance(v, str) else v).astype(object)
         for j, name in enumerate(names)}
    ).reset_index(drop=True)
    meta = {}
    if "vintage" in df.attrs:
        meta["vintage"] = df.attrs["vintage"]
    return RawTable(frame=frame, rows=list(range(len(frame))), format=fmt, geometry=geometry, crs=crs, metadata=meta,
                    headers=written)


def read_raw(
    source: str | Path | pd.DataFrame,
    *,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    layer_kind: str = "communes",
) -> tuple[RawTable, str]:
    """Open a file (or take a DataFrame) as a :class:`RawTable`, and say where it came from.

    Parameters
    ----------
    source
        A path of a format in :data:`FORMATS`, or a DataFrame.
    sheet, layer, encoding
        As in :func:`divide.read_indicators`.
    layer_kind
        ``"communes"`` or ``"villages"``: which headers count when the header
        row, the sheet or the layer is looked for.

    Returns
    -------
    (RawTable, str)
        The raw table and the source (the path as text, or ``"<DataFrame>"``).

    Raises
    ------
    divide.InputError
        The file is missing, a folder, of an unknown type or unreadable.

    Examples
    --------
    >>> import pandas as pd
    >>> raw, source = read_raw(pd.DataFrame({"Mã xã": [3478]}))
    >>> source, raw.format, raw.rows, list(raw.frame.columns)
    ('<DataFrame>', 'dataframe', [0], ['Mã xã'])
    """
    if isinstance(source, pd.DataFrame):
        return _from_dataframe(source), "<DataFrame>"
    path = Path(source)
    if not path.exists():
        raise InputError("file not found", path=path, fix="check the path (and the working folder)")
    if path.is_dir():
        raise InputError("this is a folder, not a file", path=path, fix="pass the .csv, .xlsx, .gpkg, .shp... itself")
    fmt = _detect_format(path)
    if fmt in ("csv", "xlsx"):
        if fmt == "csv":
            rows, numbers, enc = _read_csv(path, encoding)
            lay = None
        else:
            rows, numbers, lay = _read_xlsx(path, sheet, layer_kind)
            enc = None
        frame, kept, header_row, blank, written = _frame_from_rows(rows, numbers, layer_kind, path)
        return RawTable(frame, kept, fmt, enc, lay, header_row, blank_rows=blank, headers=written), str(path)
    if fmt == "parquet":
        return _read_parquet(path), str(path)
    if fmt == "geojson" and path.suffix.lower() == ".json":
        head = path.read_text(encoding="utf-8", errors="ignore")[:2000]
        if '"FeatureCollection"' not in head and '"Feature"' not in head:
            df = pd.read_json(path, dtype=False)
            raw = _from_dataframe(df, "json")
            raw.rows = [r + 1 for r in raw.rows]
            return raw, str(path)
    return _read_vector(path, fmt, layer, encoding, layer_kind), str(path)
