"""Read the commune indicator tables and village layers that users bring.

:func:`read_indicators` and :func:`read_villages` read CSV (UTF-8, UTF-8 with
BOM, UTF-16, Windows-1258), XLSX, GeoPackage, Shapefile (with or without
``.cpg``), GeoJSON and Parquet, translate Vietnamese or English headers
through the alias table of :mod:`divide.indicators.schema` (or an explicit mapping),
restore codes that a spreadsheet made numeric (``4`` → ``"00004"``), accept
names instead of codes, and account for every input row.

Both return a pair ``(table, report)``: the table indexed by its key, and a
:class:`ReadReport` in which every input row is **matched** (kept as given),
**repaired** (kept after a change, which is said) or **rejected** (dropped,
with the reason); the three counts add up to the input rows. A pair rather
than ``table.attrs["read_report"]``: pandas deep-copies ``attrs`` on most
operations and drops them on others, so a report riding there would be slow
and unreliable.

Encodings
---------
CSV: UTF-8 (with or without BOM) is tried first, then UTF-16 (by its BOM),
then Windows-1258. Python's ``cp1258`` codec decodes the tone marks as
combining characters, so every string is normalised to NFC afterwards.

Shapefile: the DBF bytes are read untouched (GDAL told ``ISO-8859-1``) and
decoded here with the ``.cpg`` when present, else UTF-8 if the bytes are valid
UTF-8, else Windows-1258. (GDAL 3.12's own CP1258 decoding drops the last
character of every field and field name, measured on this machine, so it is
not used.)

Row numbers
-----------
``row`` in a report is the row number a spreadsheet shows (the header row
counted; for a CSV, the line number), the feature number (from 1) for
GeoPackage, Shapefile, GeoJSON and Parquet, and the position (from 0) for a
DataFrame given in memory.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"Mã xã": [3478, "03388", "99999"], "Tỷ lệ hộ có cáp quang (%)": ["61,5", "97", "50"]})
>>> table, report = read_indicators(raw)
>>> table["fiber_households_pct"].to_dict()
{'03478': 61.5, '03388': 97.0}
>>> report.counts()
{'input': 3, 'matched': 1, 'repaired': 1, 'rejected': 1}
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from divide import settings
from divide._errors import InputError
from divide.geography.names import PREFIX_RE, closest, fold, match_key, nfc, pad_code
from divide.indicators.schema import (
    ALIASES,
    INDICATOR_NAMES,
    KEY,
    VILLAGE_ALIASES,
    VILLAGE_KEY,
    canonical_name,
    header_key,
)

__all__ = [
    "RowOutcome",
    "ValueIssue",
    "ReadReport",
    "read_indicators",
    "read_villages",
    "reference_communes",
    "pre2025_communes",
    "parse_number",
    "parse_bool",
]


Status = Literal["matched", "repaired", "rejected"]

_FORMATS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".gpkg": "gpkg", ".shp": "shapefile", ".dbf": "shapefile",
    ".geojson": "geojson", ".json": "geojson",
    ".parquet": "parquet", ".pq": "parquet", ".geoparquet": "parquet",
}
_MISSING = {
    "", "na", "n a", "nan", "null", "none", "khong co so lieu", "chua co so lieu", "kcsl", "ccsl", "kxd",
    "khong xac dinh", "khong ro",
}
_TOTAL_WORDS = re.compile(r"^(tong|tong cong|cong|total|grand total|sum|toan tinh|ca nuoc|toan quoc)\b")


# --------------------------------------------------------------------------- reports


@dataclass
class RowOutcome:
    """What happened to one input row.

    ``status`` is ``"matched"``, ``"repaired"`` or ``"rejected"``; ``reason``
    a short machine word (``"code_padded"``, ``"unknown_code"``...) and
    ``detail`` the sentence for people. Repairs add to ``reason`` joined by
    ``"+"``.
    """

    row: int
    status: Status
    key: str | None = None
    reason: str = ""
    detail: str = ""


@dataclass
class ValueIssue:
    """A cell that was changed or could not be read (``action``: what was done)."""

    row: int
    column: str
    value: str
    action: str
    detail: str


@dataclass
class ReadReport:
    """How a file became a table: format, encoding, columns, and the fate of every row.

    Attributes
    ----------
    source
        The path read, or ``"<DataFrame>"``.
    format, encoding, layer, header_row
        What was detected (``layer`` is the sheet or layer name; ``header_row``
        the row number of the header in a spreadsheet or CSV).
    columns
        Header in the file → canonical column.
    ignored_columns
        Headers not in the alias table (left out of the table).
    key_from
        ``"code"`` or ``"names"``: how rows were keyed.
    outcomes
        One :class:`RowOutcome` per input row, in input order.
    value_issues
        Cells repaired or blanked (decimal commas, "%" signs, unreadable text).
    blank_rows
        Entirely empty rows skipped (not counted as input).
    metadata
        Metadata found in the file (for example ``{"vintage": "2024"}``).
    """

    source: str
    format: str
    layer_kind: str = "communes"
    encoding: str | None = None
    layer: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    key_from: str = "code"
    outcomes: list[RowOutcome] = field(default_factory=list)
    value_issues: list[ValueIssue] = field(default_factory=list)
    blank_rows: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    # -- counting
    def counts(self) -> dict[str, int]:
        """Input rows and how many were matched, repaired and rejected (they add up).

        Examples
        --------
        >>> r = ReadReport("x.csv", "csv", outcomes=[RowOutcome(2, "matched", "03478")])
        >>> r.counts()
        {'input': 1, 'matched': 1, 'repaired': 0, 'rejected': 0}
        """
        out = {"input": len(self.outcomes), "matched": 0, "repaired": 0, "rejected": 0}
        for o in self.outcomes:
            out[o.status] += 1
        return out

    @property
    def balanced(self) -> bool:
        """True when matched + repaired + rejected equals the input rows."""
        c = self.counts()
        return c["matched"] + c["repaired"] + c["rejected"] == c["input"]

    def rows(self, status: Status | None = None, reason: str | None = None) -> list[RowOutcome]:
        """The outcomes with a given status and/or reason (a reason matches any of the ``+``-joined words)."""
        return [
            o
            for o in self.outcomes
            if (status is None or o.status == status) and (reason is None or reason in o.reason.split("+"))
        ]

    def by_reason(self, status: Status) -> dict[str, list[RowOutcome]]:
        """Outcomes of one status grouped by reason word."""
        groups: dict[str, list[RowOutcome]] = {}
        for o in self.rows(status):
            for word in o.reason.split("+"):
                groups.setdefault(word, []).append(o)
        return groups

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        d = asdict(self)
        d["counts"] = self.counts()
        return d

    def summary(self) -> str:
        """One line: ``40 input rows = 36 matched + 2 repaired + 2 rejected``."""
        c = self.counts()
        return f"{c['input']} input rows = {c['matched']} matched + {c['repaired']} repaired + {c['rejected']} rejected"


# --------------------------------------------------------------------------- reference tables


@lru_cache(maxsize=1)
def _reference_cached() -> pd.DataFrame:
    import pyogrio

    from divide.geography.communes import require_admin_layer

    df = pyogrio.read_dataframe(
        require_admin_layer(),
        layer="communes",
        columns=["commune_code", "commune_name", "province_code", "province_name"],
        read_geometry=False,
    )
    return df.set_index("commune_code").sort_index()


def reference_communes() -> pd.DataFrame:
    """The 3,321 communes of 2025 without geometry: code (index), name, province code and name.

    Examples
    --------
    >>> ref = reference_communes()
    >>> len(ref), ref.loc["03478", "commune_name"]
    (3321, 'Sìn Hồ')
    """
    return _reference_cached().copy()


@lru_cache(maxsize=1)
def _pre2025_cached() -> pd.DataFrame:
    # The cleaned register of divide.geography.crosswalk, under the short names this module uses.
    from divide.geography.crosswalk import load_communes_pre2025

    df = load_communes_pre2025().rename(columns={"old_name": "name", "district_name": "district",
                                                 "province_name": "province"})
    return df.rename_axis("code")[["name", "district", "province"]]


def pre2025_communes() -> pd.DataFrame:
    """The 10,035 communes before the 2025 reform (GSO list of 2025-07-18), indexed by code.

    Examples
    --------
    >>> old = pre2025_communes()
    >>> len(old), old.loc["00001", "name"]
    (10035, 'Phường Phúc Xá')
    """
    return _pre2025_cached().copy()


def _exact_key(name: str) -> str:
    """Lower-case NFC name without administrative prefix, diacritics kept."""
    key = nfc(name).lower()
    stripped = PREFIX_RE.sub("", key, count=1)
    key = stripped or key
    key = re.sub(r"[^\w]+", " ", key)
    return re.sub(r"\b0+(\d)", r"\1", key).strip()


class _Matcher:
    """Finds 2025 codes from names (exact first, then diacritic-folded) and checks codes."""

    def __init__(self, reference: pd.DataFrame):
        self.ref = reference
        self.codes = set(reference.index)
        self.exact: dict[tuple[str, str], list[str]] = {}
        self.folded: dict[tuple[str, str], list[str]] = {}
        for code, name, prov in zip(reference.index, reference["commune_name"], reference["province_code"]):
            for p in (prov, ""):
                self.exact.setdefault((p, _exact_key(name)), []).append(code)
                self.folded.setdefault((p, match_key(name)), []).append(code)
        provinces = reference.drop_duplicates("province_code").set_index("province_code")["province_name"]
        self.province_names = provinces
        self.province_keys = {match_key(n): c for c, n in provinces.items()}
        self._old = None
        self._old_keys: set[str] | None = None

    @property
    def old(self) -> pd.DataFrame:
        if self._old is None:
            self._old = _pre2025_cached()
        return self._old

    @property
    def old_keys(self) -> set[str]:
        """Match keys of the pre-2025 commune names."""
        if self._old_keys is None:
            self._old_keys = set(self.old["name"].map(match_key))
        return self._old_keys

    def province(self, code: object, name: object) -> tuple[str | None, str]:
        """Province code from a code or a name; ``(None, why)`` when neither resolves."""
        if not _blank(code):
            try:
                pc = pad_code(code, 2)
            except ValueError:
                pc = None
            if pc in self.province_names.index:
                return pc, ""
            if _blank(name):
                return None, f"province code {code!r} is not one of the 34 provinces of 2025"
        if _blank(name):
            return "", ""
        pc = self.province_keys.get(match_key(str(name)))
        if pc is not None:
            return pc, ""
        old_provinces = {match_key(p) for p in self.old["province"].unique()}
        if match_key(str(name)) in old_provinces:
            return None, (
                f"province {name!r} no longer exists (63 → 34 provinces on 2025-07-01); "
                "convert the table with `divide crosswalk`"
            )
        hints = closest(str(name), self.province_names.tolist())
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        return None, f"unknown province {name!r}{hint}"

    def by_name(self, name: str, province: str) -> tuple[list[str], str]:
        """Candidate codes for a commune name in a province (``""`` = anywhere) and the match kind."""
        hits = self.exact.get((province, _exact_key(name)), [])
        if len(hits) == 1:
            return hits, "exact"
        if not hits:
            hits = self.folded.get((province, match_key(name)), [])
        return hits, "folded"

    def describe(self, code: str) -> str:
        row = self.ref.loc[code]
        return f"{row['commune_name']} ({code}, {row['province_name']})"

    def old_name_matches(self, code: str, name: str) -> bool:
        if code not in self.old.index:
            return False
        return match_key(self.old.at[code, "name"]) == match_key(name)


# --------------------------------------------------------------------------- cell parsing


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _missing_key(text: str) -> str:
    return re.sub(r"[\s./?#-]+", " ", fold(text).replace("#", "")).strip()


def parse_number(value: object) -> tuple[float, str | None]:
    """Read one cell as a number; say what had to be done.

    Returns ``(number, action)`` where ``action`` is ``None`` (read as is),
    ``"missing"`` (an empty or "no data" cell), ``"decimal_comma"``,
    ``"percent_sign"`` or ``"unreadable"`` (the number is then NaN).

    Examples
    --------
    >>> parse_number("61,5")
    (61.5, 'decimal_comma')
    >>> parse_number("97%"), parse_number("không có số liệu"), parse_number(12)
    ((97.0, 'percent_sign'), (nan, 'missing'), (12.0, None))
    >>> parse_number("cao")
    (nan, 'unreadable')
    """
    if isinstance(value, bool | np.bool_):
        return float(value), None
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return v, ("missing" if math.isnan(v) else None)
    if _blank(value):
        return math.nan, "missing"
    text = nfc(str(value)).replace("\u00a0", " ").strip()
    if _missing_key(text) in _MISSING:
        return math.nan, "missing"
    actions = []
    if text.endswith("%"):
        text = text[:-1].strip()
        actions.append("percent_sign")
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
        actions.append("decimal_comma")
    text = text.replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        return math.nan, "unreadable"
    if math.isinf(number):
        return math.nan, "unreadable"
    return number, ("+".join(actions) or None)


_TRUE = {"1", "1.0", "true", "t", "yes", "y", "co", "x", "dung", "co song", "co dien"}
_FALSE = {"0", "0.0", "false", "f", "no", "n", "khong", "chua", "sai", "chua co", "khong co"}


def parse_bool(value: object) -> tuple[bool | None, str | None]:
    """Read one cell as yes/no (Vietnamese "có"/"không"/"chưa" understood).

    Examples
    --------
    >>> parse_bool("Có"), parse_bool("không"), parse_bool(1), parse_bool("")
    ((True, None), (False, None), (True, None), (None, 'missing'))
    >>> parse_bool("maybe")
    (None, 'unreadable')
    """
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    if isinstance(value, int | float | np.integer | np.floating) and not _blank(value):
        if float(value) in (0.0, 1.0):
            return bool(value), None
        return None, "unreadable"
    if _blank(value):
        return None, "missing"
    key = fold(str(value)).replace(".", "")
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    if _missing_key(str(value)) in _MISSING:
        return None, "missing"
    return None, "unreadable"


def _cell_text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


# --------------------------------------------------------------------------- raw reading


@dataclass
class _Raw:
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


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            "old Excel .xls files are not read", path=path, fix="open it in Excel or LibreOffice and save as .xlsx"
        )
    if suffix == ".zip":
        raise InputError("zip archives are not read", path=path, fix="unzip it and pass the .shp, .gpkg or .csv inside")
    fmt = _FORMATS.get(suffix)
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
    for row in reader:
        rows.append(row)
        numbers.append(reader.line_num)
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
    found = {canonical_name(h, layer_kind) for h in rows[idx] if not _blank(h)}
    return bool(found & {KEY, "commune_name", VILLAGE_KEY})


def _header_score(rows: list[list[Any]], layer_kind: str, scan: int = 20) -> tuple[int | None, int]:
    best, best_score = None, 0
    for i, row in enumerate(rows[:scan]):
        score = sum(1 for h in row if not _blank(h) and canonical_name(_cell_text(h), layer_kind) is not None)
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _frame_from_rows(rows: list[list[Any]], numbers: list[int], layer_kind: str, path: Path) -> tuple[
        pd.DataFrame, list[int], int | None, int]:
    rows = [r for r in rows]
    if not rows:
        raise InputError("the file is empty", path=path, fix="check that you passed the right file")
    idx, _score = _header_score(rows, layer_kind)
    if idx is None:
        idx = next(i for i, r in enumerate(rows) if any(not _blank(c) for c in r)) if any(
            any(not _blank(c) for c in r) for r in rows) else 0
    header = [_cell_text(h) or f"column_{j + 1}" for j, h in enumerate(rows[idx])]
    header = _unique(header)
    width = len(header)
    data, kept, blank = [], [], 0
    for number, row in zip(numbers[idx + 1:], rows[idx + 1:]):
        row = list(row)[:width] + [None] * max(0, width - len(row))
        if all(_blank(c) for c in row):
            blank += 1
            continue
        data.append(row)
        kept.append(number)
    frame = pd.DataFrame(data, columns=header, dtype=object)
    return frame, kept, numbers[idx], blank


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
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


def _read_vector(path: Path, fmt: str, layer: str | int | None, encoding: str | None, layer_kind: str) -> _Raw:
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
    return _Raw(
        frame=frame.reset_index(drop=True),
        rows=list(range(1, len(frame) + 1)),
        format=fmt,
        encoding=enc,
        layer=chosen,
        geometry=geometry.reset_index(drop=True) if has_geom else None,
        crs=gdf.crs if has_geom else None,
        metadata=meta,
    )


def _read_parquet(path: Path) -> _Raw:
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


def _from_dataframe(df: pd.DataFrame, fmt: str = "dataframe") -> _Raw:
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
    frame = pd.DataFrame(
        {nfc(str(c)): df[c].map(lambda v: _nfc_text(v) if isinstance(v, str) else v).astype(object) for c in df.columns}
    ).reset_index(drop=True)
    meta = {}
    if "vintage" in df.attrs:
        meta["vintage"] = df.attrs["vintage"]
    return _Raw(frame=frame, rows=list(range(len(frame))), format=fmt, geometry=geometry, crs=crs, metadata=meta)


def _read_raw(source: Any, *, sheet, layer, encoding, layer_kind: str) -> tuple[_Raw, str]:
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
        frame, kept, header_row, blank = _frame_from_rows(rows, numbers, layer_kind, path)
        return _Raw(frame, kept, fmt, enc, lay, header_row, blank_rows=blank), str(path)
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


# --------------------------------------------------------------------------- columns


def _map_columns(
    headers: list[str], explicit: Mapping[str, str] | None, layer_kind: str, source: str
) -> tuple[dict[str, str], list[str]]:
    allowed = set(ALIASES if layer_kind == "communes" else VILLAGE_ALIASES)
    mapping: dict[str, str] = {}
    explicit = dict(explicit or {})
    by_key = {header_key(h): h for h in headers}
    taken: dict[str, str] = {}
    for src, dst in explicit.items():
        header = src if src in headers else by_key.get(header_key(src))
        if header is None:
            raise InputError(
                f"column {src!r} given in the column mapping is not in the file",
                path=None if source == "<DataFrame>" else source,
                fix="the columns are: " + ", ".join(repr(h) for h in headers),
            )
        if dst in (None, "", "ignore", "-"):
            mapping[header] = ""
            continue
        target = dst if (dst in allowed or dst.endswith("__vintage")) else canonical_name(dst, layer_kind)
        if target is None:
            raise InputError(
                f"column mapping {src!r} → {dst!r}: {dst!r} is not a column of the schema",
                path=None if source == "<DataFrame>" else source,
                fix="map to one of: " + ", ".join(sorted(allowed)),
            )
        mapping[header] = target
        taken[target] = header
    ignored = []
    for h in headers:
        if h in mapping:
            continue
        target = canonical_name(h, layer_kind)
        if target is None:
            ignored.append(h)
            continue
        if target in taken:
            if taken[target] in explicit or any(header_key(k) == header_key(taken[target]) for k in explicit):
                ignored.append(h)
                continue
            raise InputError(
                f"columns {taken[target]!r} and {h!r} both mean {target!r}",
                path=None if source == "<DataFrame>" else source,
                fix=f"say which one to use: --columns '{taken[target]}={target},{h}=ignore' "
                f"(or columns={{{taken[target]!r}: {target!r}, {h!r}: 'ignore'}})",
            )
        mapping[h] = target
        taken[target] = h
    mapping = {k: v for k, v in mapping.items() if v}
    return mapping, ignored


# --------------------------------------------------------------------------- keys


class _Rows:
    """Mutable per-row state while a table is being built."""

    def __init__(self, numbers: list[int]):
        self.numbers = numbers
        self.status: list[Status] = ["matched"] * len(numbers)
        self.reason: list[list[str]] = [[] for _ in numbers]
        self.detail: list[list[str]] = [[] for _ in numbers]
        self.key: list[str | None] = [None] * len(numbers)

    def repair(self, i: int, reason: str, detail: str) -> None:
        if self.status[i] == "rejected":
            return
        self.status[i] = "repaired"
        if reason not in self.reason[i]:
            self.reason[i].append(reason)
        self.detail[i].append(detail)

    def reject(self, i: int, reason: str, detail: str) -> None:
        self.status[i] = "rejected"
        self.reason[i] = [reason]
        self.detail[i] = [detail]

    def outcomes(self) -> list[RowOutcome]:
        return [
            RowOutcome(n, s, k, "+".join(r), "; ".join(d))
            for n, s, k, r, d in zip(self.numbers, self.status, self.key, self.reason, self.detail)
        ]


def _looks_like_total(values: list[object]) -> bool:
    return any(isinstance(v, str) and _TOTAL_WORDS.match(fold(v)) for v in values)


def _resolve_commune_codes(frame: pd.DataFrame, state: _Rows, matcher: _Matcher, code_col: str | None,
                           *, check_names: bool = True, source: str = "", headers: list[str] | None = None) -> str:
    """Fill ``state.key`` with 2025 commune codes; return ``"code"`` or ``"names"``."""
    has_names = "commune_name" in frame.columns
    if code_col is None and not has_names:
        found = ", ".join(repr(h) for h in (headers or [])[:20])
        raise InputError(
            f"no commune code column and no commune name column (the columns are: {found})",
            path=None if source in ("", "<DataFrame>") else source,
            fix="name the code column 'commune_code' or 'Mã xã' (or map it: --columns 'YOUR COLUMN=commune_code'); "
            "or give 'commune_name' with 'province_name'",
        )
    province_cache: dict[tuple[str, str], tuple[str | None, str]] = {}

    def province_of(i: int) -> tuple[str | None, str]:
        pc = frame["province_code"].iat[i] if "province_code" in frame.columns else None
        pn = frame["province_name"].iat[i] if "province_name" in frame.columns else None
        k = (_cell_text(pc), _cell_text(pn))
        if k not in province_cache:
            province_cache[k] = matcher.province(pc, pn)
        return province_cache[k]

    def from_name(i: int, note: str | None) -> None:
        name = frame["commune_name"].iat[i]
        if _blank(name):
            if _looks_like_total(list(frame.iloc[i])):
                state.reject(i, "total_row", "looks like a total row (no code, 'Tổng'/'Total')")
            else:
                state.reject(i, "no_key", "no commune code and no commune name")
            return
        prov, why = province_of(i)
        if prov is None:
            state.reject(i, "unknown_province", why)
            return
        name = _cell_text(name)
        hits, _kind = matcher.by_name(name, prov)
        where = f" in {matcher.province_names[prov]}" if prov else ""
        if len(hits) == 1:
            state.key[i] = hits[0]
            if note:
                state.repair(i, "code_from_name", f"{note}; code {hits[0]} found from the name {name!r}")
            return
        if len(hits) > 1:
            options = ", ".join(matcher.describe(c) for c in hits[:6])
            fix = "" if prov else "; add a province column"
            state.reject(i, "ambiguous_name", f"{name!r}{where} could be {options}{fix}")
            return
        pool = matcher.ref if not prov else matcher.ref[matcher.ref["province_code"] == prov]
        hints = closest(name, pool["commune_name"].tolist())
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        if match_key(name) in matcher.old_keys and not hints:
            state.reject(i, "pre2025_name", f"{name!r}{where} is a commune name from before the 2025 reform; "
                         "convert the table with `divide crosswalk`")
        else:
            state.reject(i, "name_not_found", f"no 2025 commune named {name!r}{where}{hint}")

    for i in range(len(frame)):
        if code_col is None:
            from_name(i, None)
            continue
        raw = frame[code_col].iat[i]
        if _blank(raw):
            if has_names and not _blank(frame["commune_name"].iat[i]):
                from_name(i, "empty code")
            elif _looks_like_total(list(frame.iloc[i])):
                state.reject(i, "total_row", "looks like a total row (no code, 'Tổng'/'Total')")
            else:
                state.reject(i, "no_key", "empty commune code")
            continue
        text = _cell_text(raw)
        try:
            code = pad_code(text, 5)
        except ValueError:
            if has_names and not _blank(frame["commune_name"].iat[i]):
                from_name(i, f"unreadable code {text!r}")
            elif _looks_like_total(list(frame.iloc[i])):
                state.reject(i, "total_row", f"looks like a total row ({text!r})")
            else:
                state.reject(i, "bad_code", f"{text!r} is not a 5-digit commune code")
            continue
        if code not in matcher.codes:
            state.key[i] = code  # kept on the rejected row, to say which code was refused
            if code in matcher.old.index:
                o = matcher.old.loc[code]
                state.reject(i, "pre2025_code", f"{code} is the pre-2025 commune {o['name']} ({o['district']}, "
                             f"{o['province']}); convert the table with `divide crosswalk`")
            else:
                state.reject(i, "unknown_code", f"no commune of 2025 has code {code}")
            continue
        if check_names and has_names and not _blank(frame["commune_name"].iat[i]):
            name = _cell_text(frame["commune_name"].iat[i])
            official = matcher.ref.at[code, "commune_name"]
            if match_key(name) != match_key(official):
                if matcher.old_name_matches(code, name):
                    state.key[i] = code
                    o = matcher.old.loc[code]
                    state.reject(i, "pre2025_code", f"{code} with name {name!r} is the pre-2025 commune {o['name']} "
                                 f"({o['province']}); in 2025 code {code} is {official}; "
                                 "convert the table with `divide crosswalk`")
                    continue
                state.repair(i, "name_differs", f"name {name!r} differs from the official {official!r} "
                             f"for code {code}; the code was kept")
        state.key[i] = code
        if text != code:
            state.repair(i, "code_padded", f"code {text!r} restored to {code!r}")
    return "code" if code_col is not None else "names"


# --------------------------------------------------------------------------- values and duplicates


def _parse_numeric_columns(frame: pd.DataFrame, cols: list[str], state: _Rows,
                           issues: list[ValueIssue]) -> pd.DataFrame:
    out = {}
    for col in cols:
        values = np.full(len(frame), np.nan)
        for i, v in enumerate(frame[col].tolist()):
            number, action = parse_number(v)
            values[i] = number
            if action in (None, "missing"):
                continue
            text = _cell_text(v)
            if action == "unreadable":
                issues.append(ValueIssue(state.numbers[i], col, text, "blanked",
                                         f"{text!r} is not a number; set to missing"))
                state.repair(i, "value_blanked", f"{col}: {text!r} is not a number, set to missing")
            else:
                issues.append(ValueIssue(state.numbers[i], col, text, action, f"{text!r} read as {number:g}"))
                state.repair(i, action, f"{col}: {text!r} read as {number:g}")
        out[col] = values
    return pd.DataFrame(out, index=frame.index)


def _parse_bool_columns(frame: pd.DataFrame, cols: list[str], state: _Rows,
                        issues: list[ValueIssue]) -> pd.DataFrame:
    out = {}
    for col in cols:
        values = []
        cells = frame[col].tolist()
        marks = {fold(str(v)) for v in cells if not _blank(v)}
        checkbox = marks == {"x"}  # 'x' marks yes and blank means no, as in many spreadsheets
        if checkbox:
            issues.append(ValueIssue(0, col, "x / blank", "checkbox",
                                     "the column marks yes with 'x'; blank cells were read as no"))
        for i, v in enumerate(cells):
            b, action = parse_bool(v)
            if checkbox and action == "missing":
                b, action = False, None
            values.append(pd.NA if b is None else b)
            if action == "unreadable":
                text = _cell_text(v)
                issues.append(ValueIssue(state.numbers[i], col, text, "blanked",
                                         f"{text!r} is not yes/no; set to missing"))
                state.repair(i, "value_blanked", f"{col}: {text!r} is not yes/no, set to missing")
        out[col] = pd.array(values, dtype="boolean")
    return pd.DataFrame(out, index=frame.index)


def _dedupe(table: pd.DataFrame, keys: list[str | None], state: _Rows, key_name: str) -> None:
    """Reject exact duplicates after the first, and every copy of a conflicting duplicate."""
    alive = [i for i in range(len(keys)) if state.status[i] != "rejected" and keys[i] is not None]
    groups: dict[str, list[int]] = {}
    for i in alive:
        groups.setdefault(keys[i], []).append(i)
    compare = [c for c in table.columns if c not in (key_name, "geometry")]
    for key, idx in groups.items():
        if len(idx) < 2:
            continue
        sub = table.iloc[idx][compare]
        first = sub.iloc[0]
        same = all(_rows_equal(first, sub.iloc[j]) for j in range(1, len(idx)))
        rows = [state.numbers[i] for i in idx]
        if same:
            for i in idx[1:]:
                state.reject(i, "duplicate", f"{key_name} {key} repeats row {rows[0]} with the same values")
        else:
            differ = [c for c in compare if not all(_cells_equal(first[c], sub.iloc[j][c]) for j in range(1, len(idx)))]
            for i in idx:
                others = ", ".join(str(r) for r in rows if r != state.numbers[i])
                state.reject(i, "conflicting_duplicate",
                             f"{key_name} {key} also on row {others} with different {', '.join(differ)}; "
                             "keep one row per code")


def _cells_equal(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _rows_equal(a: pd.Series, b: pd.Series) -> bool:
    return all(_cells_equal(a[c], b[c]) for c in a.index)


# --------------------------------------------------------------------------- public readers


def _open_table(path, columns, sheet, layer, encoding, communes, layer_kind: str):
    """Shared start of both readers: read, map the columns, resolve the commune key of every row."""
    raw, source = _read_raw(path, sheet=sheet, layer=layer, encoding=encoding, layer_kind=layer_kind)
    reference = _reference_cached() if communes is None else _as_reference(communes)
    matcher = _matcher_for(reference)
    mapping, ignored = _map_columns(list(raw.frame.columns), columns, layer_kind, source)
    frame = raw.frame[list(mapping)].rename(columns=mapping)
    report = ReadReport(
        source=source, format=raw.format, layer_kind=layer_kind, encoding=raw.encoding, layer=raw.layer,
        header_row=raw.header_row, columns=mapping, ignored_columns=ignored, blank_rows=raw.blank_rows,
        metadata=dict(raw.metadata),
    )
    state = _Rows(raw.rows)
    code_col = KEY if KEY in frame.columns else None
    # Names are checked against codes for commune tables; a village row names a village, not its commune.
    report.key_from = _resolve_commune_codes(frame, state, matcher, code_col, check_names=layer_kind == "communes",
                                             source=source, headers=list(raw.frame.columns))
    return raw, frame, report, state, source


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
    raw, frame, report, state, source = _open_table(path, columns, sheet, layer, encoding, communes, "communes")
    num_cols = [c for c in INDICATOR_NAMES if c in frame.columns]
    numbers = _parse_numeric_columns(frame, num_cols, state, report.value_issues)
    text_cols = [c for c in frame.columns if c not in num_cols and c != KEY]
    table = pd.concat([numbers, frame[text_cols].map(_cell_text_or_na)], axis=1)
    table = table[[c for c in frame.columns if c in table.columns]]
    table.insert(0, KEY, state.key)
    _dedupe(table, state.key, state, KEY)
    keep = [i for i in range(len(table)) if state.status[i] != "rejected"]
    out = table.iloc[keep].set_index(KEY)
    for c in text_cols:
        out[c] = out[c].astype("str") if out[c].notna().all() else out[c].astype(object)
    if raw.geometry is not None:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=raw.geometry.iloc[keep].to_numpy(), crs=raw.crs)
    out.index.name = KEY
    out.attrs = {"source_file": source, "modeled": _all_modeled(out)}
    if "vintage" in raw.metadata:
        out.attrs["vintage"] = raw.metadata["vintage"]
    report.outcomes = state.outcomes()
    return out, report


def _cell_text_or_na(v: object) -> object:
    t = _cell_text(v)
    return t if t else None


def _as_reference(communes: pd.DataFrame) -> pd.DataFrame:
    ref = communes
    if ref.index.name != KEY and KEY in ref.columns:
        ref = ref.set_index(KEY)
    need = ["commune_name", "province_code", "province_name"]
    missing = [c for c in need if c not in ref.columns]
    if missing:
        raise InputError(f"the reference communes lack {', '.join(missing)}",
                         fix="pass divide.load_communes() or a table with the same columns")
    return pd.DataFrame(ref[need]).sort_index()


_MATCHERS: dict[int, tuple[pd.DataFrame, _Matcher]] = {}


def _matcher_for(reference: pd.DataFrame) -> _Matcher:
    hit = _MATCHERS.get(id(reference))
    if hit is not None and hit[0] is reference:
        return hit[1]
    matcher = _Matcher(reference)
    if len(_MATCHERS) > 4:
        _MATCHERS.clear()
    _MATCHERS[id(reference)] = (reference, matcher)
    return matcher


def read_villages(
    path: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    communes: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a village layer (thôn, bản, tổ dân phố) and account for every row.

    Parameters are those of :func:`read_indicators`. A village's commune is
    found from ``commune_code`` (or from ``commune_name`` + ``province_name``);
    villages in unknown or pre-2025 communes are rejected. A missing
    ``village_id`` is made from the commune code and the row number (a repair).
    Yes/no columns accept "có"/"không"/"chưa", 1/0, yes/no, true/false.

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
    raw, frame, report, state, source = _open_table(path, columns, sheet, layer, encoding, communes, "villages")
    commune_codes = list(state.key)
    # village ids
    ids: list[str | None] = []
    for i in range(len(frame)):
        vid = _cell_text(frame[VILLAGE_KEY].iat[i]) if VILLAGE_KEY in frame.columns else ""
        if not vid and state.status[i] != "rejected":
            vid = f"{commune_codes[i]}-{state.numbers[i]:04d}"
            state.repair(i, "id_generated", f"no village_id; made {vid!r}")
        ids.append(vid or None)
    bool_cols = [c for c in ("has_mobile_signal", "has_power", "has_fiber") if c in frame.columns]
    bools = _parse_bool_columns(frame, bool_cols, state, report.value_issues)
    nums = _parse_numeric_columns(frame, [c for c in ("population", "lon", "lat") if c in frame.columns],
                                  state, report.value_issues)
    text_cols = [c for c in frame.columns if c in ("village_name", "commune_name", "province_name", "vintage", "source")]
    table = pd.concat([frame[text_cols].map(_cell_text_or_na), bools, nums], axis=1)
    table.insert(0, KEY, commune_codes)
    table.insert(0, VILLAGE_KEY, ids)
    geometry = raw.geometry
    crs = raw.crs
    if geometry is None and {"lon", "lat"} <= set(table.columns):
        geometry, crs = _points(table, state, report.value_issues)
    _dedupe(table.drop(columns=[c for c in ("lon", "lat") if c in table.columns]), ids, state, VILLAGE_KEY)
    keep = [i for i in range(len(table)) if state.status[i] != "rejected"]
    out = table.iloc[keep].set_index(VILLAGE_KEY)
    for c in [KEY, *text_cols]:
        out[c] = out[c].astype("str") if out[c].notna().all() else out[c].astype(object)
    if geometry is not None:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=np.asarray(geometry)[keep], crs=crs)
        if out.crs is not None and out.crs.to_epsg() != 4326:
            out = out.to_crs(settings.GEOGRAPHIC_CRS)
    out.index.name = VILLAGE_KEY
    out.attrs = {"source_file": source, "modeled": _all_modeled(out)}
    report.outcomes = state.outcomes()
    return out, report


def _all_modeled(table: pd.DataFrame) -> bool:
    """True when every row says ``source == "modeled"`` (the label then follows the table)."""
    return bool(len(table) and "source" in table.columns
                and table["source"].astype(str).str.strip().str.lower().eq("modeled").all())


def _points(table: pd.DataFrame, state: _Rows, issues: list[ValueIssue]):
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
