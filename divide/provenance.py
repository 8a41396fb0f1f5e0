"""Provenance manifests: what went into an output, so any figure can be rebuilt.

Every command that writes files writes a ``manifest.json`` beside them with
the inputs (path and sha256), the parameters, the package versions, which
inputs are modeled, the outputs (with sha256) and the time.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from divide import settings
from divide._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "LABEL",
    "SOURCE",
    "GENERATOR_VERSION",
    "sha256",
    "package_versions",
    "write_manifest",
    "atomic_path",
    "jsonable",
    "FIXED_DATE",
    "reproducible_environment",
    "normalise_office_file",
    "mark_modeled",
    "carry",
    "is_modeled",
    "default_sources",
]

#: The label every modeled figure, file, map and caption carries.
LABEL = "Dữ liệu mô phỏng / modeled data"

#: Value of the ``source`` column of every modeled row.
SOURCE = "modeled"

#: Version of the modeled-data generator; bump it whenever the numbers it produces change.
GENERATOR_VERSION = "1.1.0"

_PACKAGES = (
    "numpy", "pandas", "scipy", "shapely", "pyproj", "pyogrio", "geopandas", "rasterio",
    "exactextract", "libpysal", "matplotlib", "openpyxl", "pyarrow", "sqlalchemy", "psycopg",
)


def jsonable(obj: Any, *, digits: int | None = None) -> Any:
    """``obj`` with numpy scalars, dates and missing values turned into plain JSON values.

    Dicts (keys as strings), lists and tuples are converted recursively; NaN
    and ``pd.NA`` become ``None``; floats are rounded to ``digits`` when given.

    Examples
    --------
    >>> import numpy as np
    >>> jsonable({1: [np.int64(2), np.float64(0.1234567), float("nan"), np.bool_(True)]}, digits=3)
    {'1': [2, 0.123, None, True]}
    """
    import datetime as _dt
    import math

    import numpy as np

    if isinstance(obj, dict):
        return {str(k): jsonable(v, digits=digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v, digits=digits) for v in obj]
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating | float):
        v = float(obj)
        if math.isnan(v):
            return None
        return v if digits is None else round(v, digits)
    if isinstance(obj, _dt.date):
        return obj.isoformat()
    if obj is not None and type(obj).__name__ == "NAType":  # pandas.NA, without importing pandas here
        return None
    return obj


def sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def package_versions(names: Iterable[str] = _PACKAGES) -> dict[str, str]:
    """Installed versions of the packages the results depend on."""
    out = {"python": platform.python_version(), "divide": __version__}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _describe(path: Path) -> dict[str, Any]:
    path = Path(path)
    try:
        shown = str(path.resolve().relative_to(settings.ROOT))
    except ValueError:
        shown = str(path)
    return {"path": shown, "sha256": sha256(path), "bytes": path.stat().st_size}


def write_manifest(
    out_dir: str | Path,
    *,
    command: str,
    inputs: Iterable[str | Path],
    outputs: Iterable[str | Path],
    parameters: Mapping[str, Any],
    modeled_inputs: Iterable[str | Path] = (),
    notes: Iterable[str] = (),
) -> Path:
    r"""Write ``manifest.json`` into ``out_dir`` and return its path.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x\\n1\\n")
    >>> m = write_manifest(d, command="demo", inputs=[], outputs=[d / "a.csv"], parameters={"k": 1})
    >>> json.loads(m.read_text())["outputs"][0]["path"].endswith("a.csv")
    True
    """
    out_dir = Path(out_dir)
    modeled = [str(Path(p)) for p in modeled_inputs]
    doc = {
        "tool": "divide",
        "version": __version__,
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": dict(parameters),
        "inputs": [_describe(Path(p)) for p in inputs],
        "modeled_inputs": modeled,
        "contains_modeled_data": bool(modeled),
        "outputs": [_describe(Path(p)) for p in outputs],
        "packages": package_versions(),
        "notes": list(notes),
    }
    path = out_dir / "manifest.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class atomic_path:
    """Context manager giving a temporary path that replaces ``target`` on success.

    A failed write leaves neither a half-written file nor a changed target.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.target.stem}.", suffix=self.target.suffix, dir=self.target.parent)
        os.close(fd)
        os.unlink(name)  # writers such as GDAL want to create the file themselves
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self.tmp.exists():
                os.replace(self.tmp, self.target)
        finally:
            # Never leave the temporary file behind: not after a failed write, nor when the replace fails
            # (the target is a folder, say).
            for leftover in (self.tmp, *self.tmp.parent.glob(self.tmp.name + "-*")):
                if leftover.exists() and leftover.is_file():
                    leftover.unlink()


# ------------------------------------------------------------------ the modeled label on tables


def mark_modeled(table: Any, source: str = SOURCE) -> Any:
    """Mark ``table`` (a DataFrame or Series) as modeled: ``attrs["modeled"]``, ``attrs["label"]``, ``attrs["source"]``.

    Returns the same object, so it can be chained.

    Examples
    --------
    >>> import pandas as pd
    >>> mark_modeled(pd.DataFrame({"x": [1]})).attrs["label"]
    'Dữ liệu mô phỏng / modeled data'
    """
    table.attrs["modeled"] = True
    table.attrs["label"] = LABEL
    table.attrs.setdefault("source", source)
    return table


def carry(source: Any, target: Any, *more: Any) -> Any:
    """Carry the modeled label of ``source`` (and of ``more`` inputs) over to ``target``; return ``target``.

    pandas drops or merges ``attrs`` in joins and concatenations; call this on
    the result so a table computed from modeled inputs stays labelled. The
    target is modeled when any input is (a table counts as modeled by
    :func:`is_modeled`): ``attrs["modeled"]`` is set to ``True`` or ``False``,
    and ``attrs["label"]`` to :data:`LABEL` when modeled.

    Examples
    --------
    >>> import pandas as pd
    >>> a = mark_modeled(pd.DataFrame({"x": [1]}, index=["00004"]))
    >>> b = pd.DataFrame({"y": [2]}, index=["00004"])
    >>> joined = b.join(a)
    >>> carry(a, joined).attrs["modeled"], carry(b, b.copy()).attrs["modeled"]
    (True, False)
    """
    modeled = any(is_modeled(s) if hasattr(s, "columns") else bool(getattr(s, "attrs", {}).get("modeled"))
                  for s in (source, *more) if s is not None)
    if not hasattr(target, "attrs"):  # a dask collection: nothing to label until it is computed
        return target
    target.attrs["modeled"] = modeled
    if modeled:
        target.attrs["label"] = LABEL
    else:
        target.attrs.pop("label", None)
    return target


def is_modeled(table: pd.DataFrame, modeled: bool | None = None) -> bool:
    """Whether a table holds modeled values.

    ``modeled`` when given, else ``attrs["modeled"]``, else whether a ``source`` column says ``"modeled"``.

    Examples
    --------
    >>> import pandas as pd
    >>> is_modeled(pd.DataFrame({"source": ["modeled", "modeled"]})), is_modeled(pd.DataFrame({"x": [1]}))
    (True, False)
    """
    if modeled is not None:
        return bool(modeled)
    if not hasattr(table, "attrs"):  # a dask collection: lazy, and carries no label
        return False
    if table.attrs.get("modeled"):
        return True
    if "source" in table.columns:
        return bool((table["source"].astype("string") == "modeled").any())
    return False


def default_sources(table: pd.DataFrame, modeled: bool | None = None, lang: str = "en") -> list[str]:
    """The source lines of a commune table: boundaries, population grid and indicators (with vintage).

    Examples
    --------
    >>> import divide
    >>> lines = default_sources(divide.model_indicators(divide.load_communes("Lai Châu")))
    >>> len(lines), "modeled" in lines[-1]
    (3, True)
    """
    vi = lang == "vi"
    lines = [
        ("Ranh giới: 3.321 đơn vị hành chính cấp xã áp dụng từ 01/07/2025, số hóa từ bản đồ sắp xếp đơn vị hành chính "
         "của Chính phủ (qua lamngockhuong/vietnam-3d-map, MIT), 12/2025."
         if vi else
         "Boundaries: 3,321 communes in force since 2025-07-01, traced from the government's administrative-merger "
         "map (via lamngockhuong/vietnam-3d-map, MIT), 2025-12."),
        ("Dân số: lưới WorldPop 2020, 1 km (tổng theo xã)." if vi
         else "Population: WorldPop 2020 1 km grid (zonal sums)."),
    ]
    if is_modeled(table, modeled):
        lines.append(
            f"Chỉ tiêu: bộ dữ liệu mô phỏng của divide (bộ sinh v{GENERATOR_VERSION}), hiệu chỉnh theo số liệu quốc gia "
            f"2021–2024 và số thôn được báo cáo của tỉnh — {LABEL}." if vi else
            f"Indicators: divide's modeled demonstration dataset (generator v{GENERATOR_VERSION}), calibrated to "
            f"national facts of 2021–2024 and reported province counts — {LABEL}."
        )
    else:
        origin = table.attrs.get("path")
        name = Path(origin).name if origin else ("bảng của người dùng" if vi else "user-supplied table")
        vintage = ""
        if "vintage" in table.columns:
            values = sorted({str(v) for v in table["vintage"].dropna().unique()})
            if values:
                vintage = (", kỳ " if vi else ", vintage ") + ", ".join(values[:5])
        lines.append(f"Chỉ tiêu: {name}{vintage}." if vi else f"Indicators: {name}{vintage}.")
    return lines


# ------------------------------------------------------------------ byte-identical outputs

#: The date written into file metadata (GeoPackage, PDF, XLSX), so the same inputs and seed give the same
#: bytes. It is the date the 2025 geography took effect; the manifest keeps the real run time.
FIXED_DATE = "2025-07-01T00:00:00Z"
_FIXED_EPOCH = "1751328000"  # FIXED_DATE as seconds since 1970


def reproducible_environment() -> None:
    """Fix the dates libraries embed in files, unless the user set them: ``SOURCE_DATE_EPOCH``, ``OGR_CURRENT_DATE``.

    matplotlib's PDF and SVG backends honour ``SOURCE_DATE_EPOCH``; GDAL writes ``OGR_CURRENT_DATE`` into a
    GeoPackage's ``gpkg_contents.last_change``. Called by the doors (command line, atlas) before writing.

    Examples
    --------
    >>> import os
    >>> reproducible_environment()
    >>> os.environ["OGR_CURRENT_DATE"] == FIXED_DATE or "OGR_CURRENT_DATE" in os.environ
    True
    """
    os.environ.setdefault("SOURCE_DATE_EPOCH", _FIXED_EPOCH)
    os.environ.setdefault("OGR_CURRENT_DATE", FIXED_DATE)


def normalise_office_file(path: str | Path) -> Path:
    """Rewrite an XLSX/DOCX (a zip) with fixed entry times and fixed created/modified dates, in place.

    openpyxl and python-docx stamp the time of writing into the zip entries and ``docProps/core.xml``; this
    makes two writes of the same content byte-identical.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> with zipfile.ZipFile(p, "w") as z:
    ...     z.writestr("docProps/core.xml", "<dcterms:created>2026-01-01T10:00:00Z</dcterms:created>")
    >>> _ = normalise_office_file(p)
    >>> zipfile.ZipFile(p).read("docProps/core.xml").decode()
    '<dcterms:created>2025-07-01T00:00:00Z</dcterms:created>'
    """
    import re
    import zipfile

    path = Path(path)
    stamp = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = stamp.sub(lambda m: m.group(1) + FIXED_DATE + m.group(2), data.decode("utf-8")).encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 7, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    return path
